"""The built-in scenarios and the generator: valid, realistic, feasible by construction."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest

from roster.index import ProblemIndex
from roster.io import DEFAULT_SCENARIO, list_scenarios, load_scenario, write_scenario
from roster.model import AbsenceReason, Problem
from scenarios import DEFAULT
from scenarios.generator import capacity_issues, generate, suggest_teams

START = dt.date(2021, 12, 13)
BUILT_IN = [
    "district-office",
    "district-on-call",
    "provincial-committee",
    "service-centre",
    "urgent-counters",
    "ward-one-stop",
]


@pytest.fixture(scope="module")
def problems() -> dict[str, Problem]:
    return {name: load_scenario(name) for name in list_scenarios()}


def test_the_five_offices_exist(problems: dict[str, Problem]) -> None:
    assert set(BUILT_IN) <= set(problems)
    assert DEFAULT == DEFAULT_SCENARIO == "service-centre"


@pytest.mark.parametrize("name", BUILT_IN)
def test_scenario_is_realistic(problems: dict[str, Problem], name: str) -> None:
    p = problems[name]
    assert 20 <= len(p.staff) <= 300
    assert p.horizon.start == START and p.horizon.days == 7
    assert any(not s.name.isascii() for s in p.staff), "Vietnamese names"
    assert all(u.name and not u.name.isascii() for u in p.site.units)
    assert p.absences and p.requests
    assert any(not s.counts_toward_cap for s in p.staff), "a task force outside the cap"
    assert all(s.last_test is None or s.last_test < START for s in p.staff)
    assert any(s.last_test is not None for s in p.staff)
    shifts = {s.id: (s.start, s.end) for s in p.site.shifts}
    assert shifts["morning"] == (dt.time(7, 30), dt.time(11, 30))
    assert shifts["afternoon"] == (dt.time(13, 30), dt.time(17, 0))


@pytest.mark.parametrize("name", BUILT_IN)
def test_scenario_is_feasible_without_a_solver(problems: dict[str, Problem], name: str) -> None:
    p = problems[name]
    assert capacity_issues(p, suggest_teams(p)) == []


def test_absence_kinds_and_sizes(problems: dict[str, Problem]) -> None:
    reasons = {a.reason for p in problems.values() for a in p.absences}
    assert {AbsenceReason.leave, AbsenceReason.isolation, AbsenceReason.remote_only} <= reasons
    assert max(len(p.staff) for p in problems.values()) >= 270


def test_scenario_rules_match_their_offices(problems: dict[str, Problem]) -> None:
    prov = problems["provincial-committee"]
    assert prov.policy.cap.fraction == pytest.approx(1 / 3)
    assert {"dong-dau", "noi-chinh", "ho-tro-cntt", "truc-hoi-nghi"} <= {
        p.id for p in prov.site.posts
    }
    standby = next(p for p in prov.site.posts if p.id == "truc-hoi-nghi")
    assert standby.demands == [] and standby.slot_demands
    centre = problems["service-centre"]
    counters = {p.unit for p in centre.site.posts if p.kind == "counter"}
    assert {"GTVT", "CT", "TNMT", "BQLKCN", "BD"} <= counters
    assert all(s.external for s in centre.staff if s.unit == "BD")
    ward = problems["ward-one-stop"]
    assert (ward.policy.teams.rotation, ward.policy.cap.fraction) == ("half_day", 0.5)
    district = problems["district-office"]
    assert (district.policy.teams.rotation, district.policy.cap.fraction) == ("day", 0.5)
    urgent = problems["urgent-counters"]
    suspended = [p for p in urgent.site.posts if not p.demands and not p.slot_demands]
    assert suspended and len(suspended) < len(urgent.site.posts)


def test_district_offices_without_counters_keep_a_duty_officer(
    problems: dict[str, Problem],
) -> None:
    # Every unit without a counter keeps one person (a duty officer) on site in every open
    # shift; the one-stop department's counters keep its people there without a floor.
    p = problems["district-office"]
    ix = ProblemIndex(p)
    with_counters = {q.unit for q in p.site.posts if q.kind == "counter"}
    assert with_counters == {"MC"}
    assert {f.unit for f in p.policy.presence.floors} == set(ix.unit_ids) - with_counters
    assert p.policy.presence.hard
    for u in set(ix.unit_ids) - with_counters:
        assert all(ix.presence_floors[(u, d, s)] == 1 for d, s in ix.open_slots)
    assert not any(ix.presence_floors.get(("MC", d, s)) for d, s in ix.open_slots)
    assert capacity_issues(p, suggest_teams(p)) == []


def test_the_district_on_call_office_follows_letter_2629(problems: dict[str, Problem]) -> None:
    p = problems["district-on-call"]
    assert len(p.staff) == 107
    assert (p.policy.cap.fraction, p.policy.teams.rotation) == (0.5, "day")
    ix = ProblemIndex(p)
    # Heads choose presence by unit: a duty officer everywhere, more where the unit's nature
    # asks; every unit has someone on site in every open shift.
    assert {f.unit for f in p.policy.presence.floors} == {None, "MC", "VP", "YT"}
    assert all(ix.presence_floors[(u, d, s)] >= 1 for u in ix.unit_ids for d, s in ix.open_slots)
    # Duties from home: on-call (reachable 24/24), the hotline, phone follow-up of citizens.
    assert ix.remote_posts == {"truc-lien-lac", "duong-day-nong", "goi-dien-cong-dan"}
    # Direct citizen reception suspended from Wednesday: mornings of Monday and Tuesday only.
    assert sorted(ix.needs["tiep-cong-dan"]) == [(0, "morning"), (1, "morning")]
    assert ix.cap_on("unit", "TTR", 6, 0) == 1
    assert capacity_issues(p) == []


def test_capacity_check_finds_a_shortage(problems: dict[str, Problem]) -> None:
    p = problems["service-centre"]
    holders = [s.id for s in p.staff if "kcn" in s.skills]
    thin = p.model_copy(
        update={
            "staff": [
                s.model_copy(update={"skills": []}) if s.id in holders else s for s in p.staff
            ]
        }
    )
    issues = capacity_issues(thin)
    assert issues and all("quay-kcn" in i for i in issues)


# --------------------------------------------------------------------------------------------
# generator
# --------------------------------------------------------------------------------------------


def test_generator_is_deterministic() -> None:
    assert generate(200, seed=3) == generate(200, seed=3)
    assert generate(200, seed=3) != generate(200, seed=4)


@pytest.mark.parametrize("staff", [100, 450, 1000, 3000])
def test_generator_sizes_and_feasibility(staff: int) -> None:
    p = generate(staff, seed=staff)
    assert len(p.staff) == staff
    assert p.absences and p.requests
    assert any(not s.name.isascii() for s in p.staff)
    assert capacity_issues(p) == []
    ix = ProblemIndex(p)
    assert all(ix.needs[post.id] for post in p.site.posts)


def test_generator_duty_officers() -> None:
    plain = generate(200, seed=5)
    p = generate(200, seed=5, duty_officers=True)
    assert plain.policy.presence.floors == []
    units = {f.unit for f in p.policy.presence.floors}
    assert units == {u.id for u in p.site.units} - {"BD", "PCD"}
    assert capacity_issues(p) == []
    # A floor above what the team on duty can give is found without a solver.
    pol = p.policy.model_copy(deep=True)
    pol.presence.floors[0].min = 40
    issues = capacity_issues(p.model_copy(update={"policy": pol}))
    assert issues and all("floor is 40" in i for i in issues)


def test_generator_options(tmp_path: Path) -> None:
    p = generate(300, units=4, counters=9, weeks=2, seed=1, start=dt.date(2022, 1, 3))
    assert p.horizon.days == 14 and p.horizon.start == dt.date(2022, 1, 3)
    assert sum(1 for q in p.site.posts if q.id.startswith("quay-") and q.unit != "BD") == 9
    assert capacity_issues(p) == []
    assert load_scenario(write_scenario(p, tmp_path / "gen")) == p
    with pytest.raises(ValueError):
        generate(60, units=10, counters=20)


# --------------------------------------------------------------------------------------------
# the solver, when present
# --------------------------------------------------------------------------------------------

HAS_SOLVER = (
    importlib.util.find_spec("solver") is not None
    and importlib.util.find_spec("solver.search") is not None
    and importlib.util.find_spec("roster.validation") is not None
)


@pytest.mark.skipif(not HAS_SOLVER, reason="solver.solve is not available")
@pytest.mark.parametrize("name", BUILT_IN)
def test_scenario_solves_and_passes_the_referee(problems: dict[str, Problem], name: str) -> None:
    from roster.validation import check
    from solver import solve

    result = solve(problems[name], time_limit=10)
    assert result.status in ("optimal", "feasible"), result.messages
    report = check(problems[name], result.roster)
    assert report.ok, [v.message for v in report.violations[:5]]
    assert report.objective == result.objective


def test_readme_examples_load(tmp_path: Path) -> None:
    """The examples of scenarios/README.md form a scenario that loads."""
    import re

    from roster.io import scenarios_dir

    text = (scenarios_dir() / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(yaml|csv)\n(.*?)```", text, flags=re.S)
    names = ["site.yaml", "policy.yaml", "staff.csv", "absences.csv", "requests.csv", "fixed.csv"]
    assert [kind for kind, _ in blocks] == [n.rsplit(".", 1)[1] for n in names]
    for name, (_, body) in zip(names, blocks, strict=True):
        (tmp_path / name).write_text(body, encoding="utf-8")
    p = load_scenario(tmp_path)
    assert [s.team for s in p.staff] == [0, 1, None, None]
    assert p.policy.cap.fraction == pytest.approx(1 / 3)
    assert [(a.start, a.end) for a in p.absences][1] == (START, dt.date(2021, 12, 19))


def test_max_flow_on_a_textbook_network() -> None:
    """The capacity check's Edmonds-Karp: the CLRS network's maximum flow is 23."""
    from scenarios.generator import _max_flow

    graph = {
        "s": {"v1": 16, "v2": 13},
        "v1": {"v3": 12},
        "v2": {"v1": 4, "v4": 14},
        "v3": {"v2": 9, "t": 20},
        "v4": {"v3": 7, "t": 4},
    }
    assert _max_flow(graph, "s", "t") == 23
    assert _max_flow({"s": {"a": 3}, "a": {}}, "s", "t") == 0  # no path to the sink
