"""OR-Tools' shift_scheduling_sat example as a Problem: fixed cells, offsets, and agreement of
the referee with the example's own objective."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from roster.formats import ortools_example as ex
from roster.model import Assignment, Roster


def roster_of(grid: list[list[str]]) -> Roster:
    return Roster(
        assignments=[
            Assignment(staff=ex.staff_id(e), date=ex.START + dt.timedelta(days=d), shift=s, post=s)
            for e, row in enumerate(grid)
            for d, s in enumerate(row)
            if s != "O"
        ]
    )


def test_loads_with_the_fixed_cells() -> None:
    p = ex.build()
    assert len(p.staff) == 8 and p.horizon.days == 21 and p.horizon.start.weekday() == 0
    on = {(f.staff, (f.date - ex.START).days, f.shift) for f in p.fixed if f.on_site}
    off = {(f.staff, (f.date - ex.START).days) for f in p.fixed if not f.on_site}
    assert ("worker 2", 0, "M") in on
    assert ("worker 6", 3, "A") in on  # as written in the example: day 3, not day 0
    assert ("worker 7", 1, "N") in on
    assert ("worker 0", 0) in off and ("worker 5", 1) in off and ("worker 6", 1) in off
    assert len(on) == 12 and len(off) == 4
    # each Off cell forbids the three work shifts
    assert sum(not f.on_site for f in p.fixed) == 12


def test_rules() -> None:
    p = ex.build()
    (c,) = p.policy.contracts.values()
    assert all(not r.exempt_at_borders for r in c.runs)
    night = next(r for r in c.runs if r.shifts == ["N"])
    assert (night.soft_min, night.min_weight, night.soft_max, night.max_weight, night.hard_max) == (
        2,
        20,
        3,
        5,
        4,
    )
    off = next(r for r in c.runs if r.state == "off")
    assert off.hard_max == 2 and off.soft_min is None and off.soft_max is None
    days_off = next(cl for cl in c.counts if cl.measure == "days_off")
    assert (
        days_off.window,
        days_off.hard_min,
        days_off.hard_max,
        days_off.soft_min,
        days_off.min_weight,
        days_off.soft_max,
        days_off.max_weight,
    ) == ("week", 1, 3, 2, 7, 2, 4)
    assert {(s.first, s.then, s.weight) for s in c.successions} == {("A", "N", 4), ("N", "M", None)}
    assert {post.id: post.over_weight for post in p.site.posts} == {"M": 2, "A": 2, "N": 5}
    # two wishes of weight 2 become constants: the example's objective = ours - 4
    assert p.objective_offset == -4


def test_example_objective_of_a_hand_checked_change() -> None:
    # Everyone off everywhere except the fixed cells is infeasible, but its objective is exact:
    grid = [["O"] * 21 for _ in range(8)]
    for e, s, d in ex.FIXED_ASSIGNMENTS:
        grid[e][d] = ex.SHIFTS[s]
    _, obj = ex.example_objective(grid)
    grid[5][10] = "N"  # employee 5 gets the night wished on day 10 (Thursday of week 1)
    _, obj2 = ex.example_objective(grid)
    # -2 the wish; +20 a night run of 1 (soft_min 2); -3 the week's nights reach soft_min 1;
    # -4 one day off fewer that week (7 -> 6, soft_max 2, cost 4 each); cover: 1 night needed
    assert obj2 - obj == -2 + 20 - 3 - 4


def test_referee_objective_equals_example_objective_on_random_rosters() -> None:
    validation = pytest.importorskip("roster.validation")
    p = ex.build()
    rng = random.Random(7)
    for _ in range(5):
        grid = [[rng.choice("OMAN") for _ in range(21)] for _ in range(8)]
        for e, s, d in ex.FIXED_ASSIGNMENTS:
            grid[e][d] = ex.SHIFTS[s]
        bad, obj = ex.example_objective(grid)
        report = validation.check(p, roster_of(grid))
        assert report.objective == obj
        assert len(report.violations) == len(bad)
