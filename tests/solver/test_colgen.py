"""Column generation for separable problems (solver.colgen): the master, its bound and the
roster it returns."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest

from roster.formats import curtois
from roster.index import ProblemIndex
from roster.model import Post, Roster, RuleSwitch
from roster.validation import check
from solver import colgen, search
from solver.build import build_model
from solver.construct import construct
from solver.readback import roster_from_values, values
from tests.helpers import quiet_policy, solve_checked, tiny_problem

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "curtois-qu"


def _cover(lo: list[int], hi: list[int], wu: list[int], wo: list[int]) -> colgen.Cover:
    slots = [("p", d, "D") for d in range(len(lo))]
    return colgen.Cover(
        slots,
        {(d, "D"): d for d in range(len(lo))},
        np.array(lo),
        np.array(hi),
        np.array(wu),
        np.array(wo),
    )


def _col(person: int, slots: list[int], cost: int) -> colgen.Column:
    return colgen.Column(person, np.array(slots), np.array(slots, dtype=np.int64), cost, [])


def test_cover_cost_prices_shortfall_and_excess():
    cover = _cover([2, 1, 0], [2, -1, 0], [10, 10, 10], [3, 3, 3])
    # slot 0: 1 short; slot 1: no maximum; slot 2: 2 too many.
    assert cover.cost(np.array([1, 5, 2])) == 10 + 0 + 6


def test_master_lp_duals_give_a_valid_lagrangian_bound():
    # Two days needing one person each (shortfall 10, excess 3); two people, each with four
    # columns (off, day 0, day 1, both) of own costs 0 / 4 / 1 / 7 and 0 / 2 / 6 / 9.
    cover = _cover([1, 1], [1, 1], [10, 10], [3, 3])
    costs = [[0, 4, 1, 7], [0, 2, 6, 9]]
    shapes: list[list[int]] = [[], [0], [1], [0, 1]]
    cols = [_col(p, shapes[k], costs[p][k]) for p in range(2) for k in range(4)]
    best = min(
        colgen.master_cost(cover, [cols[a], cols[4 + b]])
        for a, b in itertools.product(range(4), repeat=2)
    )
    assert best == 3  # person 1 on day 0, person 0 on day 1
    master = colgen.Master(cover, 2)
    for c in cols:
        master.add(c)
    res = master.solve()
    assert res is not None
    lp, alpha, beta, _ = res
    assert lp <= best + 1e-6
    # Each person's minimum reduced cost (scaled), by enumeration: a valid bound, and here
    # (every column present) the LP value.
    pi = alpha - beta
    mins = [
        min(colgen.SCALE * c.cost - int(pi[c.slots].sum()) for c in cols if c.person == p)
        for p in range(2)
    ]
    bound = colgen.lagrangian(cover, alpha, beta, mins)
    assert bound <= best + 1e-9
    assert math.isclose(bound, lp, abs_tol=2 / colgen.SCALE)
    # Multipliers at zero: each person's own minimum and no cover (a weaker, valid bound).
    zero = np.zeros(2, dtype=np.int64)
    assert colgen.lagrangian(cover, zero, zero, [0, 0]) == 0
    picked = colgen.integer_master(cover, 2, cols, 2.0, 1)
    assert picked is not None and picked[1] == best
    assert colgen.master_cost(cover, [cols[k] for k in picked[0]]) == best


def test_generate_on_a_small_instance_roster_refereed_and_bound_below_the_optimum():
    problem = curtois.read_instance(DATA / "Instance1.txt")
    out = colgen.generate(problem, 5.0, 1)
    assert out.roster is not None and out.objective is not None
    report = check(problem, out.roster)
    assert report.violations == []
    assert report.objective == out.objective
    optimum = solve_checked(problem, time_limit=10)
    assert optimum.status.value == "optimal"
    assert math.isfinite(out.bound)
    assert out.bound <= optimum.objective
    assert out.objective >= optimum.objective


def test_start_roster_is_checked_against_the_model():
    problem = curtois.read_instance(DATA / "Instance1.txt")
    first = colgen.generate(problem, 5.0, 1)
    assert first.roster is not None and first.objective is not None
    ok = colgen.generate(
        problem, 5.0, 1, start=first.roster, check=lambda cost: cost == first.objective
    )
    assert ok.checked and ok.objective is not None and ok.objective <= first.objective
    refused = colgen.generate(problem, 5.0, 1, start=first.roster, check=lambda cost: False)
    assert not refused.checked and refused.roster is None and refused.bound == -math.inf


def test_cover_of_only_skill_free_cover():
    soft = tiny_problem(
        n_staff=2,
        posts=[Post(id="c1", skill="nurse", under_weight=100, over_weight=1)],
        skills=["nurse"],
        general_duty_allowed=False,
        policy=quiet_policy(coverage=RuleSwitch()),
    )
    assert colgen.cover_of(soft, ProblemIndex(soft)) is None
    problem = curtois.read_instance(DATA / "Instance1.txt")
    cover = colgen.cover_of(problem, ProblemIndex(problem))
    assert cover is not None and len(cover.slots) == 14  # one shift type, 14 days


def _own_optima(problem):
    """Each person's roster of least own cost, cover ignored: hard-feasible, poorly covered."""
    idx = ProblemIndex(problem)
    cover = colgen.cover_of(problem, idx)
    assert cover is not None
    assignments = []
    for j, s in enumerate(problem.staff):
        person = colgen.Person.make(problem, s.id, idx, cover)
        cols, _ = person.price(j, None, 5.0)
        assignments += person.roster(cols[-1]).assignments
    return Roster(assignments=assignments)


@pytest.mark.parametrize("start", ["construct", "own optima"])
def test_search_hook_keeps_the_better_roster_and_a_valid_bound(start):
    problem = curtois.read_instance(DATA / "Instance1.txt")
    built = build_model(problem)
    if start == "construct":
        roster = construct(problem, 10.0, 1, search.solve_whole)
    else:
        roster = _own_optima(problem)
    assert roster is not None
    n_vars = len(built.model.proto.variables)
    # The hook's own pieces, as _search calls them.
    cb = search._Progress(problem.objective_offset, True, None)  # noqa: SLF001
    first = search._from_roster(built, roster, 10.0, 1, n_vars, cb)  # noqa: SLF001
    assert first.solution is not None
    # With the own optima, as if the search had proved 600 (more than the generation proves
    # on this instance, 558): never lost when the generation's roster replaces the start.
    proved = 600.0 if start == "own optima" else -math.inf
    first.bound = proved
    out = search._colgen_start(built, roster, first, 5.0, 1, n_vars, cb)  # noqa: SLF001
    assert out.solution is not None
    assert out.objective <= first.objective
    if start == "own optima":
        assert out.objective < first.objective  # the generation's roster replaced it
    # A bound from the generation (the start's cost was checked against the model) or the
    # search's, below the proven optimum (607, see test_construct).
    assert math.isfinite(out.bound) and proved <= out.bound <= 607
    res = check(problem, roster_from_values(built, problem, values(out.solution)))
    assert res.violations == [] and res.objective == round(out.objective)
