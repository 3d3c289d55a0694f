"""The referee (roster.validation.check) as a whole: wording, switches, summary figures, scale,
unknown references and a roster with every rule on. Each family's check alone is tested in
``tests/roster/referee/test_<family>.py``, on tiny hand-built problems.

Every problem starts from ``quiet_policy`` (all rule families off) and switches on only the rule
under test, so each assertion sees that rule alone. Days are horizon day numbers; the default
horizon starts on Monday 13 Dec 2021 with shifts AM (07:30-11:30) and PM (13:00-17:00), open
Monday-Friday.
"""

from __future__ import annotations

import datetime as dt
import json
import time

from roster.model import (
    Absence,
    CapRule,
    Contract,
    CountLimit,
    Demand,
    FixedCell,
    Post,
    RapidTestRule,
    Roster,
    RuleSwitch,
    RunLimit,
    Staff,
    TeamRule,
    WeekendLimit,
)
from roster.validation import check, day_label, summary_figures
from tests.helpers import (
    ALL_WEEK,
    MONDAY,
    penalty_cost,
    quiet_policy,
    tiny_problem,
    tiny_roster,
    violated_rules,
)

# ---- wording ----------------------------------------------------------------------------------


def test_day_label_reads_like_a_roster() -> None:
    assert day_label(dt.date(2021, 12, 14)) == "Tue 14 Dec"
    assert day_label(dt.date(2021, 12, 6)) == "Mon 6 Dec"


def test_violation_names_person_date_shift_and_post() -> None:
    post = Post(id="c1", name="Counter 1", skill="seal")
    p = tiny_problem(policy=quiet_policy(), posts=[post], skills=["seal"])
    rep = check(p, tiny_roster(p, on=[("s0", 1, "AM", "c1")]))
    (v,) = rep.violations
    assert v.rule == "coverage.skill" and v.label == "Missing required skill"
    assert "Person 0 (s0)" in v.message and "Tue 14 Dec" in v.message
    assert "Morning" in v.message and "Counter 1" in v.message and "seal" in v.message
    assert (v.staff, v.date, v.shift, v.post, v.unit) == (
        "s0",
        dt.date(2021, 12, 14),
        "AM",
        "c1",
        "U",
    )


# ---- switches ---------------------------------------------------------------------------------


def test_disabled_families_report_nothing() -> None:
    absence = Absence(staff="s0", start=MONDAY, end=MONDAY)
    p = tiny_problem(n_staff=3, policy=quiet_policy(), absences=[absence])
    cells = [("s0", 0, "AM"), ("s1", 0, "AM"), ("s2", 0, "AM")]
    rep = check(p, tiny_roster(p, on=cells, teams={"s0": 0, "s1": 1}))
    assert rep.ok and rep.objective == 0


def test_zero_weight_soft_rules_produce_no_penalty() -> None:
    p = tiny_problem(
        n_staff=3,
        policy=quiet_policy(
            cap=CapRule(hard=False, weight=0),
            coverage=RuleSwitch(hard=False, weight=0),
            tests=RapidTestRule(hard=False, weight=0, cost_per_test=0),
            teams=TeamRule(hard=False, weight=0),
        ),
        posts=[Post(id="c")],
    )
    rep = check(
        p, tiny_roster(p, on=[("s0", 0, "AM"), ("s1", 0, "AM")], teams={"s0": 0, "s1": 1, "s2": 0})
    )
    assert rep.ok and rep.penalties == []


# ---- summary figures --------------------------------------------------------------------------


def test_summary_figures() -> None:
    p = tiny_problem(
        days=2,
        n_staff=3,
        posts=[Post(id="c", name="Counter", demands=[Demand(min=1, max=1)])],
        policy=quiet_policy(cap={}, tests={}, coverage={"hard": False, "weight": 9}),
    )
    r = tiny_roster(
        p,
        on=[("s0", 0, "AM", "c"), ("s1", 0, "AM")],
        tests=[("s0", 0), ("s1", 0)],
        teams={"s0": 0, "s1": 1, "s2": 0},
    )
    fig = summary_figures(p, r)
    json.dumps(fig)  # plain data
    cap0 = fig["cap"][0]
    assert (cap0["date"], cap0["shift"], cap0["on_site"], cap0["cap"], cap0["over"]) == (
        "2021-12-13",
        "AM",
        2,
        1,
        1,
    )
    assert len(fig["cap"]) == 4  # 2 days x 2 shifts x unit scope
    cov = {(c["date"], c["shift"]): c for c in fig["coverage"]}
    assert cov[("2021-12-13", "AM")]["assigned"] == 1
    assert cov[("2021-12-13", "PM")]["short"] == 1
    assert [t["tests"] for t in fig["tests"]] == [2, 0]
    assert [s["on_site_shifts"] for s in fig["staff"]] == [1, 1, 0]
    pen = {x["rule"]: x for x in fig["penalties"]}
    # Three uncovered slots (Mon PM, Tue AM, Tue PM) x 9 = 27; two tests x 1 = 2.
    assert pen["coverage.under"]["cost"] == 27 and pen["tests.cost"]["cost"] == 2
    assert {v["rule"]: v["count"] for v in fig["violations"]} == {"cap": 1}
    assert fig["objective"] == 29 and fig["ok"] is False


# ---- scale ------------------------------------------------------------------------------------


def test_check_is_fast_on_3000_staff_for_28_days() -> None:
    units = tuple(f"u{i}" for i in range(30))
    staff = [
        Staff(id=f"p{i}", name=f"P {i}", unit=units[i % 30], skills=["desk"]) for i in range(3000)
    ]
    posts = [
        Post(id=f"c{i}", skill="desk", unit=units[i], demands=[Demand(min=1, max=2)])
        for i in range(30)
    ]
    contract = Contract(
        max_shifts_per_day=1,
        min_rest_hours=1,
        counts=[CountLimit(window="week", soft_max=4)],
        runs=[RunLimit(hard_max=5, soft_min=2)],
        weekends=WeekendLimit(soft_max=1),
    )
    p = tiny_problem(
        days=28,
        staff=staff,
        units=units,
        posts=posts,
        skills=["desk"],
        opening=ALL_WEEK,
        policy=quiet_policy(
            cap={},
            teams={},
            tests={},
            coverage={},
            availability={},
            fairness={},
            requests={},
            contracts={"default": contract},
        ),
    )
    cells = []
    for i, s in enumerate(staff):
        for d in range(i % 2, 28, 2):
            post = f"c{i % 30}" if i < 60 else None
            cells.append((s.id, d, "AM" if i % 3 else "PM", post))
    r = tiny_roster(
        p,
        on=cells,
        tests=[(s.id, d) for s in staff for d in range(0, 28, 3)],
        teams={s.id: i % 2 for i, s in enumerate(staff)},
    )
    t0 = time.perf_counter()
    rep = check(p, r)
    elapsed = time.perf_counter() - t0
    assert len(r.assignments) == 42000 and rep.violations
    assert elapsed < 10, f"check took {elapsed:.1f}s"


# ---- unknown references in the test plan and the teams ----------------------------------------


def test_unknown_staff_in_tests_and_teams_and_tests_outside_horizon() -> None:
    p = tiny_problem(policy=quiet_policy(tests={}))
    r = Roster(
        tests=[
            {"staff": "ghost", "date": MONDAY},
            {"staff": "s0", "date": MONDAY - dt.timedelta(days=3)},
        ],
        teams={"ghost": 0},
    )
    assert violated_rules(check(p, r)) == ["tests.day", "unknown", "unknown"]


def test_fixed_cell_outside_the_horizon_is_ignored() -> None:
    cell = FixedCell(staff="s0", date=MONDAY + dt.timedelta(days=30), shift="AM")
    p = tiny_problem(policy=quiet_policy(), fixed=[cell])
    assert check(p, tiny_roster(p)).ok


# ---- everything on: a correct roster ----------------------------------------------------------


def test_default_policy_correct_roster_and_exact_objective() -> None:
    """The product's default policy (cap 1/3, two teams rotating by day, 3-day tests, coverage,
    availability, fairness 5, requests) on 6 people and one counter needing 1 per slot."""
    p = tiny_problem(n_staff=6, posts=[Post(id="c1", name="Counter 1")], objective_offset=100)
    teams = {"s0": 0, "s1": 0, "s2": 0, "s3": 1, "s4": 1, "s5": 1}
    # Days 0, 2, 4 are team 0's, days 1, 3 team 1's; one person per slot at the counter.
    plan = {0: ("s0", "s1"), 1: ("s3", "s4"), 2: ("s2", "s0"), 3: ("s5", "s3"), 4: ("s1", "s2")}
    cells = [(am, d, "AM", "c1") for d, (am, _pm) in plan.items()]
    cells += [(pm, d, "PM", "c1") for d, (_am, pm) in plan.items()]
    # Tests: s0 day 0 (covers 0-2), s1 days 0 and 4, s2 day 2 (covers 2-4), s3 day 1 (1-3),
    # s4 day 1, s5 day 3: 7 tests.
    tests = [("s0", 0), ("s1", 0), ("s1", 4), ("s2", 2), ("s3", 1), ("s4", 1), ("s5", 3)]
    rep = check(p, tiny_roster(p, on=cells, tests=tests, teams=teams))
    assert rep.ok, [v.message for v in rep.violations]
    # Shifts: s0-s3 two each, s4 and s5 one each: fairness (2 - 1) x 5 = 5.
    # Tests: 7 x 1 = 7. Objective 5 + 7 + offset 100 = 112.
    assert penalty_cost(rep, "fairness") == 5 and penalty_cost(rep, "tests.cost") == 7
    assert rep.objective == 112
    assert rep.objective == sum(x.cost for x in rep.penalties) + 100
