"""Column generation for separable problems (solver.colgen): the master, its bound and the
roster it returns."""

from __future__ import annotations

import itertools
import math
import time
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


def test_generation_cell_weights_are_the_lp_solution_per_person_day():
    problem = curtois.read_instance(DATA / "Instance1.txt")
    gen = colgen.Generation(problem, 1, time.perf_counter() + 10.0)
    assert gen.ready
    gen.advance(time.perf_counter() + 2.0)
    weights = gen.cell_weights()
    assert set(weights) == {s.id for s in problem.staff}
    # Each person's columns carry LP weight 1 in all (the convexity row), so a person's
    # weights on one day sum to at most 1 and the cells' total is the columns' worked cells.
    for j, staff in enumerate(gen.staff):
        per_day: dict[int, float] = {}
        for (d, _), w in weights[staff].items():
            per_day[d] = per_day.get(d, 0.0) + w
        assert all(w <= 1.0 + 1e-6 for w in per_day.values())
        mine = [
            (c, w) for c, w in zip(gen.master.columns, gen.weights, strict=True) if c.person == j
        ]
        assert math.isclose(sum(w for _, w in mine), 1.0, abs_tol=1e-6)
        worked = sum(w * len(c.cells) for c, w in mine)
        assert math.isclose(sum(weights[staff].values()), worked, abs_tol=1e-6)


def test_add_roster_puts_the_roster_in_the_master():
    problem = curtois.read_instance(DATA / "Instance1.txt")
    roster = _own_optima(problem)
    gen = colgen.Generation(problem, 1, time.perf_counter() + 10.0)
    before = len(gen.master.columns)
    assert gen.add_roster(roster, time.perf_counter() + 10.0)
    h = problem.horizon
    # Each person's cells of the roster are now one of the person's columns.
    for j, person in enumerate(gen.persons):
        cells = person.built.vars.cells[person.staff][1]
        mine = sorted(
            cells.index((h.day(a.date), a.shift))
            for a in roster.assignments
            if a.staff == person.staff
        )
        assert any(c.person == j and c.cells.tolist() == mine for c in gen.master.columns), (
            person.staff
        )
    assert len(gen.master.columns) >= before


def _built_with_roster(problem, roster):
    built = build_model(problem)
    n_vars = len(built.model.proto.variables)
    cb = search._Progress(problem.objective_offset, True, None)  # noqa: SLF001
    first = search._from_roster(built, roster, 10.0, 1, n_vars, cb)  # noqa: SLF001
    assert first.solution is not None
    return built, n_vars, cb, first


def _weights_of(problem, roster, share=1.0):
    """Cell weights putting ``share`` of each person-day on ``roster``'s value."""
    h = problem.horizon
    out: dict[str, dict[tuple[int, str], float]] = {s.id: {} for s in problem.staff}
    for a in roster.assignments:
        out[a.staff][(h.day(a.date), a.shift)] = share
    return out


def test_lp_neighbourhoods_fix_what_the_lp_agrees_on():
    problem = curtois.read_instance(DATA / "Instance1.txt")
    start = _own_optima(problem)
    other = construct(problem, 10.0, 1, search.solve_whole)
    assert other is not None
    built, _, _, first = _built_with_roster(problem, start)
    days = sum(len(built.vars.day_refs(s)) for s in built.vars.cells)
    # An LP sure of the start roster: RINS fixes every person-day to it.
    sub, fixed, free = search._lp_neighbourhood(  # noqa: SLF001
        built, _weights_of(problem, start), first, 0.9, "rins"
    )
    assert (fixed, free) == (days, 0)
    # An LP sure of another roster: RINS fixes only where the two agree and keeps the start
    # roster inside (its values within every domain); RENS fixes every day to the LP's roster.
    sure = _weights_of(problem, other)
    sub, fixed, free = search._lp_neighbourhood(built, sure, first, 0.9, "rins")  # noqa: SLF001
    assert 0 < free < days and fixed + free == days
    pv = sub.proto.variables
    # (list(): a proto's repeated field does not read index -1 as the last item)
    assert all(
        list(pv[i].domain)[0] <= v <= list(pv[i].domain)[-1] for i, v in enumerate(first.solution)
    )
    sub, fixed, free = search._lp_neighbourhood(built, sure, first, 0.9, "rens")  # noqa: SLF001
    assert (fixed, free) == (days, 0)
    h = problem.horizon
    on = {(a.staff, h.day(a.date), a.shift) for a in other.assignments}
    for staff in built.vars.cells:
        for d, cells in built.vars.day_refs(staff).items():
            for sh, i in cells:
                assert list(sub.proto.variables[i].domain) == [int((staff, d, sh) in on)] * 2
    # An LP split half and half between working and off where the other roster works: those
    # person-days are free, the days off (weight 1 off) fixed.
    _, fixed, free = search._lp_neighbourhood(  # noqa: SLF001
        built, _weights_of(problem, other, 0.5), first, 0.9, "rens"
    )
    assert free == len(on) and fixed == days - len(on)


def test_guided_phase_improves_a_poor_roster_refereed_and_bound_below_the_optimum():
    problem = curtois.read_instance(DATA / "Instance1.txt")
    start = _own_optima(problem)
    built, n_vars, cb, first = _built_with_roster(problem, start)
    out = search._guided_phase(built, first, 6.0, 1, n_vars, cb)  # noqa: SLF001
    assert out.solution is not None
    assert out.objective < first.objective
    roster = roster_from_values(built, problem, values(out.solution))
    res = check(problem, roster)
    assert res.violations == [] and res.objective == round(out.objective)
    # The generation's bound (the start's master cost was checked) never passes the proven
    # optimum of instance 1 (607).
    assert math.isfinite(out.bound) and out.bound <= 607


def test_solve_with_the_guided_phase_on(monkeypatch):
    monkeypatch.setattr(search, "GUIDED", True)
    # No core phase (it proves instance 1 optimal): the guided phase comes right after the
    # first roster.
    monkeypatch.setattr(search, "CORE_PORTFOLIO_MAX_VARS", 0)
    calls = []
    phase = search._guided_phase  # noqa: SLF001

    def spy(*args, **kw):
        out = phase(*args, **kw)
        calls.append(out.objective)
        return out

    monkeypatch.setattr(search, "_guided_phase", spy)
    problem = curtois.read_instance(DATA / "Instance1.txt")
    result = solve_checked(problem, time_limit=8)
    assert len(calls) == 1
    assert result.objective is not None and result.bound is not None
    assert result.objective <= calls[0]
    assert result.bound <= 607 <= result.objective


def test_advance_without_a_proven_bound_keeps_going(monkeypatch):
    # Under load a person's pricing may end with no proven bound: the round still adds its
    # columns and the generation goes on (it used to raise on the infinite bound).
    problem = curtois.read_instance(DATA / "Instance1.txt")
    price = colgen.Person.price

    def unproven(self, *args, **kw):
        cols, _ = price(self, *args, **kw)
        return cols, -math.inf

    monkeypatch.setattr(colgen.Person, "price", unproven)
    gen = colgen.Generation(problem, 1, time.perf_counter() + 10.0)
    gen.advance(time.perf_counter() + 2.0)
    assert gen.rounds >= 1 and gen.out.bound == -math.inf and math.isfinite(gen.out.lp)
