"""Independent parts of a site are solved one by one and merged: the referee must agree with
the merged roster, and rules spanning the whole site keep the problem in one piece."""

import importlib

from roster.model import Status
from scenarios.generator import generate
from solver.decompose import components
from tests.helpers import solve_checked

solve_module = importlib.import_module("solver.search")


def test_parts_cover_everyone_once():
    p = generate(staff=120, weeks=1, seed=2)
    parts = components(p)
    assert parts is not None and len(parts) > 1
    ids = [s for part in parts for s in part]
    assert sorted(ids) == sorted(s.id for s in p.staff)
    units = [{next(st.unit for st in p.staff if st.id == s) for s in part} for part in parts]
    for a in range(len(units)):
        for b in range(a + 1, len(units)):
            assert not units[a] & units[b]


def test_site_wide_rules_keep_one_piece():
    p = generate(staff=120, weeks=1, seed=2)
    p.policy.tests.daily_capacity = 10
    assert components(p) is None
    p = generate(staff=120, weeks=1, seed=2)
    p.policy.cap.scopes = ["unit", "site"]
    assert components(p) is None


def test_merged_roster_agrees_with_referee(monkeypatch):
    monkeypatch.setattr(solve_module, "DECOMPOSE_MIN_CELLS", 0)
    p = generate(staff=120, weeks=1, seed=2)
    p.objective_offset = 7
    seen = []
    r = solve_checked(p, time_limit=10, on_progress=seen.append)
    assert r.status in (Status.optimal, Status.feasible)
    assert any("independent parts" in m for m in r.messages)
    assert r.bound is not None and r.bound <= r.objective
    assert r.first_solution_time is not None
    assert seen and seen[-1].objective == r.objective


def test_each_part_keeps_its_units_presence_floors(monkeypatch):
    # A floor names one unit (or every unit): each part keeps the floors of its own units only
    # (another part's floor would find nobody there and make the part infeasible), and the
    # merged roster meets every floor.
    from solver.decompose import sub_problem

    monkeypatch.setattr(solve_module, "DECOMPOSE_MIN_CELLS", 0)
    p = generate(staff=120, weeks=1, seed=2, duty_officers=True)
    p.policy.presence.floors.append(p.policy.presence.floors[0].model_copy(update={"unit": None}))
    parts = components(p)
    assert parts is not None
    for i, part in enumerate(parts):
        sub = sub_problem(p, part, first=(i == 0))
        units = {s.unit for s in sub.staff}
        assert {f.unit for f in sub.policy.presence.floors} <= units
        assert {f.unit for f in sub.policy.presence.floors if f.unit in units}
    r = solve_checked(p, time_limit=10)
    assert r.status in (Status.optimal, Status.feasible)
    assert any("independent parts" in m for m in r.messages)


def test_parts_report_merged_rosters_the_referee_accepts(monkeypatch):
    from roster.validation import check

    monkeypatch.setattr(solve_module, "DECOMPOSE_MIN_CELLS", 0)
    p = generate(staff=120, weeks=1, seed=2)
    p.objective_offset = 3
    seen = []
    r = solve_checked(p, time_limit=10, on_progress=seen.append, progress_rosters=True)
    assert r.status in (Status.optimal, Status.feasible)
    assert seen and seen[-1].objective == r.objective and seen[-1].bound == r.bound
    # A caller that keeps rosters from progress (an API job) gets the whole site's first
    # roster (every part's first) before the parts are solved in earnest.
    assert len(seen) >= 2 and seen[0].objective > r.objective
    for rep in seen:
        assert rep.roster is not None
        report = check(p, rep.roster)
        assert report.ok and report.objective == rep.objective
        assert rep.bound is not None and rep.bound <= rep.objective


def test_an_infeasible_part_makes_the_site_infeasible(monkeypatch):
    from roster.model import PresenceFloor

    monkeypatch.setattr(solve_module, "DECOMPOSE_MIN_CELLS", 0)
    p = generate(staff=120, weeks=1, seed=2)
    p.policy.presence.floors = [PresenceFloor(unit="VP", min=40)]  # above the unit's cap
    r = solve_checked(p, time_limit=10)
    assert r.status == Status.infeasible and r.roster is None
    assert any(m.startswith("part ") for m in r.messages)


def test_a_part_without_a_first_roster_gets_more_time(monkeypatch):
    # A part whose solve and first first-roster search find nothing (a loaded machine) is
    # searched again with twice the time, so the whole site still gets a roster.
    from roster.model import SolveResult
    from solver.decompose import solve_parts

    p = generate(staff=120, weeks=1, seed=2)
    parts = components(p)
    assert parts is not None
    victim = set(parts[-1])
    limits = []

    def solve_one(sub, time_limit, workers, hint, soft_hard_rules, first_only=False):
        if {s.id for s in sub.staff} == victim:
            limits.append((first_only, time_limit))
            if len(limits) <= 2:  # its solve, then its first first-roster search
                return SolveResult(status=Status.unknown)
        return solve_module.solve_whole(
            sub, time_limit, workers, hint, soft_hard_rules=soft_hard_rules, first_only=first_only
        )

    r = solve_parts(p, parts, 4, 2, None, None, False, solve_one)
    assert r.status in (Status.optimal, Status.feasible) and r.roster is not None
    assert [f for f, _ in limits] == [False, True, True]
    assert limits[2][1] == 2 * limits[1][1]
