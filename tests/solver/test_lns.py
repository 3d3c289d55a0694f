"""Our own large-neighbourhood search (solver.lns): the sub-model is exact, the search never
returns a worse solution, and a solve that runs it gives rosters the referee and the Curtois &
Qu scorer agree with."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from ortools.sat.python import cp_model

from roster.formats import curtois
from roster.validation import check
from solver import lns, search
from solver.build import BuiltModel, build_model

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "curtois-qu"


def _first(built: BuiltModel, seconds: float = 2.0) -> list[int]:
    """A feasible (poor) solution of the whole model: CP-SAT's first one, on one worker so
    that every run starts from the same solution."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 1
    solver.parameters.stop_after_first_solution = True
    code = solver.solve(built.model)
    assert code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return list(solver.response_proto.solution)


def _feasible(built: BuiltModel, solution: np.ndarray) -> float | None:
    """The whole model's objective with every variable fixed at ``solution`` (None if that
    breaks a constraint): CP-SAT itself is the judge."""
    fixed = built.model.clone()
    fixed.clear_hints()
    pv = fixed.proto.variables
    for i, value in enumerate(solution.tolist()):
        d = pv[i].domain
        d.clear()
        d.extend([value, value])
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 10
    solver.parameters.num_workers = 1
    code = solver.solve(fixed)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return solver.objective_value


@pytest.fixture(scope="module")
def instance2() -> tuple[BuiltModel, list[int], lns.ProtoIndex, lns.Cells]:
    problem = curtois.read_instance(DATA / "Instance2.txt")
    built = build_model(problem)
    index = lns.ProtoIndex.of(built.model)
    return built, _first(built), index, lns.Cells.of(built, index)


def test_sub_model_merged_back_is_feasible_and_priced_exactly(instance2):
    built, first, index, cells = instance2
    sol = np.asarray(first, dtype=np.int64)
    offset = built.model.proto.objective.offset
    assert _feasible(built, sol) == index.objective(sol) + offset
    rng = random.Random(3)
    changed = 0
    for k in range(8):
        if k % 2:
            first_day = (3 * k) % (cells.days - 1)
            people, last_day = list(range(cells.people)), first_day + 1
        else:
            people = rng.sample(range(cells.people), 3)
            first_day, last_day = 0, cells.days - 1
        free = lns.close(
            index, cells.seed(people, first_day, last_day), cells.decision, cells.anchor
        )
        sub = lns.extract(index, free, sol)
        # The current values are a solution of the sub-model, priced as the whole objective's
        # free terms.
        on = np.isin(index.obj_vars, free)
        lit = sol[index.obj_vars]
        lit = np.where(index.obj_neg, 1 - lit, lit)
        assert sub.objective_now == int(np.dot(index.obj_coeff[on], lit[on]))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = 2
        solver.parameters.num_workers = 1
        code = solver.solve(sub.model)
        assert code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        got = np.asarray(solver.response_proto.solution, dtype=np.int64)
        merged = sol.copy()
        merged[free] = got
        whole = _feasible(built, merged)
        assert whole is not None, f"neighbourhood {k}: merged solution breaks the model"
        # The whole objective moves by exactly the sub-objective's change.
        delta = round(solver.objective_value) - sub.objective_now
        assert whole == index.objective(sol) + offset + delta
        assert whole == index.objective(merged) + offset
        changed += int(delta < 0)
        sol = merged
    assert changed > 0  # the neighbourhoods did improve the poor first solution


def test_sub_model_hint_is_the_current_solution(instance2):
    built, first, index, cells = instance2
    sol = np.asarray(first, dtype=np.int64)
    free = lns.close(index, cells.seed([0, 1], 0, cells.days - 1), cells.decision, cells.anchor)
    sub = lns.extract(index, free, sol)
    # Fix the sub-model at its hint: feasible, and priced at objective_now.
    proto = sub.model.proto
    for var, value in zip(proto.solution_hint.vars, proto.solution_hint.values, strict=True):
        d = proto.variables[var].domain
        d.clear()
        d.extend([value, value])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(sub.model) == cp_model.OPTIMAL
    assert round(solver.objective_value) == sub.objective_now


def _improved_checked(instance, seconds: float, workers: int, **kwargs) -> lns.Stats:
    """:func:`solver.lns.improve` from the poor first solution, checked: never worse, each
    reported solution better than the last, the result feasible and priced exactly."""
    built, first, index, cells = instance
    seen: list[int] = []
    out, stats = lns.improve(
        built,
        first,
        seconds,
        workers,
        index=index,
        cells=cells,
        on_improve=lambda sol, value: seen.append(value),
        **kwargs,
    )
    start = index.objective(np.asarray(first))
    assert stats.start == start
    assert stats.end == index.objective(out) <= start
    assert seen == sorted(seen, reverse=True) and all(v < start for v in seen)
    assert stats.tried > 0
    offset = built.model.proto.objective.offset
    assert _feasible(built, out) == stats.end + offset
    return stats


def test_improve_never_returns_worse_and_stays_feasible(instance2):
    _improved_checked(instance2, 3.0, 1)


def test_solve_with_own_lns_agrees_with_referee_and_scorer(monkeypatch):
    monkeypatch.setattr(search, "LNS", True)
    monkeypatch.setattr(search, "LNS_MIN_VARS", 0)
    # no core phase: on a quiet machine it proves 3 optimal before the LNS would run
    monkeypatch.setattr(search, "CORE_PHASE_MAX_SECONDS", 0.0)
    calls: list[int] = []
    real = lns.improve

    def spy(*args, **kwargs):
        out = real(*args, **kwargs)
        calls.append(out[1].tried)
        return out

    monkeypatch.setattr(lns, "improve", spy)
    inst = curtois.read_raw(DATA / "Instance3.txt")
    problem = curtois.to_problem(inst)
    result = search.solve(problem, time_limit=6, workers=2)
    assert calls and calls[0] > 0  # the LNS ran
    assert result.roster is not None
    report = check(problem, result.roster)
    assert report.ok, report.violations
    assert report.objective == result.objective
    bad, score = curtois.evaluate(inst, curtois.roster_to_grid(problem, result.roster))
    assert not bad
    assert score == result.objective


@pytest.mark.parametrize("with_bound", [True, False])
def test_own_lns_keeps_a_bound_on_its_side_worker(monkeypatch, instance2, with_bound):
    """With 2 workers the LNS phase gives one to CP-SAT's full linear relaxation on the whole
    model: its bound is finite and at most the optimum (828); without it the phase proves
    nothing and the bound stays as it came."""
    built, sol, _, _ = instance2
    monkeypatch.setattr(search, "LNS_BOUND", with_bound)
    monkeypatch.setattr(search, "LNS_BOUND_TRIAL", 0.0)  # kept whatever its bound
    value = search._objective_value(built.model, sol)  # noqa: SLF001
    start = search._Outcome(cp_model.FEASIBLE, sol, value, -float("inf"))  # noqa: SLF001
    n_vars = len(built.model.proto.variables)
    cb = search._Progress(0, True, None)  # noqa: SLF001
    out = search._own_lns(built, start, 3.0, 2, n_vars, cb)  # noqa: SLF001
    assert out.solution is not None and out.objective <= start.objective
    assert _feasible(built, np.asarray(out.solution)) == pytest.approx(out.objective)
    if with_bound:
        assert 0 < out.bound <= 828
    else:
        assert out.bound == -float("inf")


@pytest.mark.parametrize("useful", [True, False])
def test_own_lns_gives_a_useless_bound_worker_up_for_a_second_thread(
    monkeypatch, instance2, useful
):
    """After its trial the bound worker is kept when its bound is of use, else stopped and its
    worker given to the LNS (two neighbourhoods at once); either way the roster is feasible and
    the bound is what the worker proved (never above the optimum, 828)."""
    built, sol, _, _ = instance2
    monkeypatch.setattr(search, "LNS_BOUND", True)
    monkeypatch.setattr(search, "LNS_BOUND_TRIAL", 0.3)
    # -inf: no bound is below it; a bound above twice the objective is impossible.
    monkeypatch.setattr(search, "LNS_BOUND_USEFUL", -float("inf") if useful else 2.0)
    workers: list[int] = []
    real = lns.improve

    def spy(*args, **kwargs):
        workers.append(args[3])
        assert kwargs["threads"] == search.LNS_THREADS
        return real(*args, **kwargs)

    monkeypatch.setattr(lns, "improve", spy)
    value = search._objective_value(built.model, sol)  # noqa: SLF001
    start = search._Outcome(cp_model.FEASIBLE, sol, value, -float("inf"))  # noqa: SLF001
    n_vars = len(built.model.proto.variables)
    cb = search._Progress(0, True, None)  # noqa: SLF001
    out = search._own_lns(built, start, 3.0, 2, n_vars, cb)  # noqa: SLF001
    assert workers == ([1, 1] if useful else [1, 2])
    assert out.solution is not None and out.objective <= start.objective
    assert _feasible(built, np.asarray(out.solution)) == pytest.approx(out.objective)
    assert out.bound <= 828
    if useful:
        assert out.bound > 0


def test_aimed_neighbourhood_frees_the_costly_slot_and_who_can_cover_it(instance2):
    """A costly cover term (a slack over the slot's qualified people on one day) is read as its
    cells; the aimed neighbourhoods around it (a window, or scattered days) hold its day and
    people who could cover it, and freeing them frees the term itself."""
    built, first, index, cells = instance2
    sol = np.asarray(first, dtype=np.int64)
    aim = lns.Aim(index, cells)
    costs = aim.costs(sol)
    # Each term's cost is its contribution above its best value: they sum to the objective
    # above its minimum over the terms' own ranges.
    best = np.where(index.obj_coeff > 0, aim._lit_lo, aim._lit_hi)  # noqa: SLF001
    assert costs.sum() == index.objective(sol) - int(np.dot(index.obj_coeff, best))
    D = cells.days
    slots = [
        j
        for j in np.flatnonzero(costs > 0).tolist()
        if aim.cell_of[index.obj_vars[j]] < 0
        and len(np.unique(aim.term_cells(j) // D)) > 1
        and len(np.unique(aim.term_cells(j) % D)) == 1
    ]
    assert slots, "the first solution leaves no slot badly covered"
    rng = random.Random(5)
    for j in slots[:5]:
        tc = aim.term_cells(j)
        day = int(tc[0] % D)
        can = set((tc // D).tolist())
        for size in (20, 200, 2000):
            people, first_day, width = aim.neighbourhood(j, size, rng)
            assert first_day <= day < first_day + width
            assert can & set(people)
            people_s, days = aim.scatter(j, sol, size, rng)
            assert day in days and can & set(people_s)
        people, first_day, width = aim.neighbourhood(j, 200, rng)
        free = lns.close(
            index,
            cells.seed(people, first_day, first_day + width - 1),
            cells.decision,
            cells.anchor,
        )
        assert index.obj_vars[j] in set(free.tolist())
    # The pick follows the cost: a term of no cost is never picked.
    for _ in range(50):
        assert costs[aim.pick(sol, rng)] > 0


def test_aimed_search_never_returns_worse_and_stays_feasible(monkeypatch, instance2):
    # Either kind half the time, whatever their gains: both run within a few neighbourhoods.
    monkeypatch.setattr(lns, "AIM_MIN_SHARE", 0.5)
    stats = _improved_checked(
        instance2, 60.0, 1, aim=True, max_neighbourhoods=16, rng=random.Random(2)
    )
    assert stats.aimed > 0 and stats.tried > stats.aimed  # both kinds ran
    assert stats.kinds["window"][0] + stats.kinds.get("scatter", [0])[0] == stats.aimed


def _two_moves(
    index: lns.ProtoIndex, cells: lns.Cells, sol: np.ndarray, a: list[int], b: list[int]
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Two neighbourhoods cut from ``sol`` (all days of the people ``a``, of the people
    ``b``) and each one's sub-model solved on one worker: their variables and solutions."""
    last = cells.days - 1
    frees = [lns.close(index, cells.seed(p, 0, last), cells.decision, cells.anchor) for p in (a, b)]
    solved = []
    for free in frees:
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 10
        assert solver.solve(lns.extract(index, free, sol).model) in (
            cp_model.OPTIMAL,
            cp_model.FEASIBLE,
        )
        solved.append(np.asarray(solver.response_proto.solution, dtype=np.int64))
    return frees[0], frees[1], solved


def test_a_sub_solution_merged_again_over_a_changed_solution_is_exact(instance2):
    """Two neighbourhoods cut from the same solution that read the same cover slots: once the
    first is merged, the second's decision values merged again over the result
    (:func:`solver.lns._rebase`) give a feasible whole solution, priced exactly. (From other
    first solutions the second move may no longer pay once the first is in: then None, see
    the test after this one.)"""
    built, first, index, cells = instance2
    sol = np.asarray(first, dtype=np.int64)
    free_a, free_b, solved = _two_moves(index, cells, sol, [0, 1], [2, 3])
    reads_b = np.unique(index.vars_of(index.constraints_of(free_b)))
    assert np.intersect1d(free_a, reads_b).size > 0  # the two neighbourhoods meet
    sol[free_a] = solved[0]
    assert not np.array_equal(sol[reads_b], np.asarray(first)[reads_b])  # b's world moved
    again = lns._rebase(index, cells.decision, free_b, solved[1], sol)  # noqa: SLF001
    assert again is not None
    got, value, now = again
    before = index.objective(sol)
    decision_b = free_b[cells.decision[free_b]]
    assert np.array_equal(got[cells.decision[free_b]], solved[1][cells.decision[free_b]])
    sol[free_b] = got
    assert index.objective(sol) == before - now + value
    offset = built.model.proto.objective.offset
    assert _feasible(built, sol) == index.objective(sol) + offset
    assert len(decision_b) > 0


def test_a_sub_solution_that_no_longer_pays_is_not_merged_again(instance2):
    """_rebase gives None exactly when the second move, its decision values fixed over the
    changed solution, would no longer lower the objective there: the same cut with the
    objective's bound lifted is feasible and no cheaper than now."""
    built, first, index, cells = instance2
    sol = np.asarray(first, dtype=np.int64)
    seen = {True: 0, False: 0}
    pairs = [([0, 1], [2, 3]), ([0, 1], [4, 5]), ([6, 7], [0, 1]), ([1, 4], [3, 5])]
    for a_people, b_people in pairs:
        free_a, free_b, solved = _two_moves(index, cells, sol, a_people, b_people)
        moved = sol.copy()
        moved[free_a] = solved[0]
        again = lns._rebase(index, cells.decision, free_b, solved[1], moved)  # noqa: SLF001
        lifted = lns.extract(index, free_b, moved)
        mine = np.flatnonzero(cells.decision[free_b])
        for k in mine.tolist():
            lifted.model.add(lifted.model.get_int_var_from_proto_index(k) == int(solved[1][k]))
        lifted.model.proto.objective.domain.clear()
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        assert solver.solve(lifted.model) == cp_model.OPTIMAL  # the values still fit
        pays = round(solver.objective_value) <= lifted.objective_now
        assert (again is not None) == pays
        seen[pays] += 1
    assert seen[True] > 0 and seen[False] > 0, seen  # both outcomes met


def test_improve_on_two_threads_never_returns_worse_and_stays_feasible(instance2):
    _improved_checked(instance2, 4.0, 2, threads=2, rng=random.Random(3))
