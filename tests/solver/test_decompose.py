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
