"""``solve``: build the model, run CP-SAT, and read back the roster, objective and penalties."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from ortools.sat.python import cp_model

from roster.model import (
    Assignment,
    Penalty,
    Problem,
    Progress,
    RapidTest,
    Roster,
    SolveResult,
    Status,
)
from roster.rules import label
from solver.decompose import components, solve_parts
from solver.model import BuiltModel, build_model
from solver.redundant import add_symmetry_breaking

#: The one place CP-SAT statuses map to ours.
STATUS: dict[Any, Status] = {
    cp_model.OPTIMAL: Status.optimal,
    cp_model.FEASIBLE: Status.feasible,
    cp_model.INFEASIBLE: Status.infeasible,
    cp_model.UNKNOWN: Status.unknown,
    cp_model.MODEL_INVALID: Status.invalid,
}


#: Order the on-site counts of interchangeable staff (see :mod:`solver.redundant`). Off: no
#: measurable gain, and a hint from an earlier roster (the API's second phase) may break it.
SYMMETRY_BREAKING = False  # measured neutral on provincial-committee (3 runs each)

#: Solve independent parts of the site one by one (see :mod:`solver.decompose`) when the
#: problem has at least this many staff-days.
DECOMPOSE = True
DECOMPOSE_MIN_CELLS = 5_000

#: Largest model (variables) given the explicit core + max_lp portfolio at 2-3 workers: with
#: every worker a full solver no first-solution worker runs, and bigger models need one
#: (Timefold LARGE, 23,000 variables: no roster in 30 s without it, a roster at 1 s with it).
CORE_PORTFOLIO_MAX_VARS = 10_000
#: Share of the time limit the first phase may spend looking for a first roster before the
#: bound-oriented portfolio starts (see :func:`_solve_whole`).
FIRST_PHASE_SHARE = 0.5

#: Number of variables above which presolve skips the symmetry search.
LARGE_MODEL = 50_000


def configure(params: Any, workers: int, n_vars: int) -> None:
    """CP-SAT parameters for ``workers`` threads on a model of ``n_vars`` variables.

    With 2 or 3 workers CP-SAT's default portfolio runs a single LP worker (plus first-solution
    and LNS helpers), whose bound stays far below the optimum on our objectives (test costs and
    max - min fairness terms): measured on the built-in scenarios, 10 s / 2 workers, gaps of
    86-96 %. The core-based worker (unsat cores over the objective's literals) proves them
    optimal in 0.5-9 s, so small and medium models get an explicit portfolio of full solvers,
    ``core`` and ``max_lp`` (all five scenarios proven in 0.1-3 s, the OR-Tools example in 1 s);
    first-solution (feasibility jump) and LNS workers keep running interleaved.
    """
    workers = max(1, workers)
    params.num_workers = workers
    large = n_vars > LARGE_MODEL
    if large:
        # On big rosters the symmetry search of presolve times out repeatedly and costs about
        # half of the time to a first solution (measured: 1,000 staff x 28 days, 20 s -> 11 s).
        params.symmetry_level = 0
    if core_portfolio(workers, n_vars):
        # Each worker runs a full solver (CP-SAT would otherwise run one full solver beside
        # the helpers); core for the bound on test/fairness objectives, max_lp for benchmark
        # models (the OR-Tools example: proven in 1 s, not in 20 s by core alone).
        params.subsolvers.extend(["core", "max_lp", "default_lp"][:workers])
        params.num_full_subsolvers = workers


def core_portfolio(workers: int, n_vars: int) -> bool:
    """Whether :func:`configure` runs the explicit core + max_lp portfolio."""
    return 2 <= workers <= 3 and n_vars <= CORE_PORTFOLIO_MAX_VARS


class _Progress(cp_model.CpSolverSolutionCallback):
    """Reports each improving solution to ``on_progress``."""

    def __init__(self, offset: int, has_objective: bool,
                 on_progress: Callable[[Progress], None] | None,
                 make_roster: Callable[[Callable[[Any], int]], Roster] | None = None) -> None:
        super().__init__()
        self.offset = offset
        self.has_objective = has_objective
        self.on_progress = on_progress
        self.make_roster = make_roster
        self.count = 0
        self.first_time: float | None = None
        self.error: str | None = None
        self.elapsed_before = 0.0  # wall time of earlier solves of the same model

    def on_solution_callback(self) -> None:
        self.count += 1
        elapsed = self.elapsed_before + self.wall_time
        if self.first_time is None:
            self.first_time = elapsed
        if self.on_progress is None:
            return
        obj = bound = None
        if self.has_objective:
            obj = round(self.objective_value) + self.offset
            bound = math.ceil(self.best_objective_bound - 1e-6) + self.offset
        else:
            obj = bound = self.offset
        try:
            roster = (self.make_roster(lambda e: int(self.value(e)))
                      if self.make_roster is not None else None)
            self.on_progress(Progress(elapsed=elapsed, objective=obj, bound=bound,
                                      solutions=self.count, roster=roster))
        except Exception as exc:  # a broken listener must not kill the solve
            self.error = f"on_progress failed: {exc!r}"


def solve(
    problem: Problem,
    time_limit: float = 10.0,
    workers: int = 2,
    hint: Roster | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    *,
    soft_hard_rules: bool = False,
    progress_rosters: bool = False,
) -> SolveResult:
    """Solve ``problem`` within ``time_limit`` seconds on ``workers`` threads.

    Never raises for an infeasible problem or a timeout: the status says so. ``hint`` (a roster,
    e.g. last week's) seeds the search with the cells it gives. With ``soft_hard_rules`` every
    hard rule family that may be soft becomes soft with a large weight, so a roster always comes
    back (for explanations). With ``progress_rosters`` each progress report carries the roster
    just found (so a job stopped early keeps its best roster); a site solved in independent
    parts reports progress without rosters.
    """
    if DECOMPOSE and len(problem.staff) * problem.horizon.days >= DECOMPOSE_MIN_CELLS:
        parts = components(problem, soft_hard_rules)
        if parts is not None:
            return solve_parts(problem, parts, time_limit, workers, hint, on_progress,
                               soft_hard_rules, _solve_whole)
    return _solve_whole(problem, time_limit, workers, hint, on_progress,
                        soft_hard_rules=soft_hard_rules, progress_rosters=progress_rosters)


def _solve_whole(
    problem: Problem,
    time_limit: float = 10.0,
    workers: int = 2,
    hint: Roster | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    *,
    soft_hard_rules: bool = False,
    first_only: bool = False,
    progress_rosters: bool = False,
) -> SolveResult:
    """:func:`solve` on one model, without splitting the problem (with ``first_only``, stop at
    the first roster)."""
    t0 = time.perf_counter()
    built = build_model(problem, soft_hard_rules=soft_hard_rules)
    if SYMMETRY_BREAKING:
        add_symmetry_breaking(built)
    if hint is not None:
        _apply_hint(built, problem, hint)
    build_time = time.perf_counter() - t0

    n_vars = len(built.model.proto.variables)
    has_objective = bool(built.penalty_terms)
    make_roster = ((lambda val: _roster(built, problem, val))
                   if progress_rosters and on_progress is not None else None)
    cb = _Progress(problem.objective_offset, has_objective, on_progress, make_roster)
    t_search = time.perf_counter()
    solver = code = None
    fallback = None
    if has_objective and not first_only and core_portfolio(workers, n_vars):
        # The core + max_lp portfolio proves bounds but is slow to find a first roster on some
        # models (Curtois & Qu 17: none in 60 s). So CP-SAT's default portfolio looks for a
        # first roster first (our scenarios: 0.1-0.2 s), and the second phase starts from it.
        first = cp_model.CpSolver()
        first.parameters.num_workers = max(1, workers)
        first.parameters.max_time_in_seconds = max(0.0, float(time_limit) * FIRST_PHASE_SHARE)
        first.parameters.stop_after_first_solution = True
        first_code = first.solve(built.model, cb)
        cb.elapsed_before = time.perf_counter() - t_search
        if STATUS.get(first_code) == Status.feasible:
            fallback = (first, first_code)
            model = built.model
            model.clear_hints()
            for i, value in enumerate(first.response_proto.solution):
                model.add_hint(model.get_int_var_from_proto_index(i), value)
        elif STATUS.get(first_code) != Status.unknown:  # optimal, infeasible or invalid
            solver, code = first, first_code
    if solver is None:
        solver = cp_model.CpSolver()
        left = float(time_limit) - (time.perf_counter() - t_search)
        solver.parameters.max_time_in_seconds = max(0.1 if fallback else 0.0, left)
        configure(solver.parameters, workers, n_vars)
        if first_only:
            solver.parameters.stop_after_first_solution = True
        code = solver.solve(built.model, cb)
        if fallback is not None and STATUS.get(code, Status.unknown) == Status.unknown:
            solver, code = fallback  # the second phase found nothing better in time
    status = STATUS.get(code, Status.unknown)
    result = SolveResult(status=status, build_time=build_time,
                         wall_time=time.perf_counter() - t0,
                         first_solution_time=cb.first_time)
    if cb.error:
        result.messages.append(cb.error)
    if status not in (Status.optimal, Status.feasible):
        if status == Status.invalid:
            result.messages.append(f"model invalid: {built.model.validate()}")
        return result

    val = _values(solver)
    offset = problem.objective_offset
    result.roster = _roster(built, problem, val)
    penalties, total = _penalties(built, problem, val)
    result.penalties = penalties
    result.objective = total + offset
    if has_objective:
        cp_obj = round(solver.objective_value) + offset
        bound = math.ceil(solver.best_objective_bound - 1e-6) + offset
        if result.objective != cp_obj:
            result.messages.append(
                f"objective {result.objective} recomputed from the roster (search: {cp_obj})")
        result.bound = min(bound, result.objective)
    else:
        result.bound = result.objective
    result.gap = (result.objective - result.bound) / max(1, abs(result.objective))
    result.wall_time = time.perf_counter() - t0
    return result


def _values(solver: cp_model.CpSolver) -> Callable[[Any], int]:
    """Fast value lookup of literals and expressions in the final solution."""
    sol = solver.response_proto.solution

    def val(e: Any) -> int:
        if isinstance(e, bool | int):
            return int(e)
        if isinstance(e, cp_model.IntVar):
            return sol[e.index]
        idx = getattr(e, "index", None)
        if isinstance(e, cp_model_helper_not) and idx is not None:
            return 1 - sol[-idx - 1]
        return int(solver.value(e))

    return val


cp_model_helper_not = type(~cp_model.CpModel().new_bool_var("_"))


def _roster(built: BuiltModel, problem: Problem, val: Callable[[Any], int]) -> Roster:
    v = built.vars
    idx = built.ctx.idx
    # Pool people of each slot take the skill-free posts, in staff order.
    free_post: dict[tuple[str, int, str], str] = {}
    for (p, d, sh), a in sorted(v.a.items(), key=lambda kv: kv[0]):
        seats = val(a)
        if not seats:
            continue
        for s, x in v.x_by_slot.get((d, sh), ()):
            if seats == 0:
                break
            cell = (s, d, sh)
            if cell in free_post or not val(x) or not _pooled(v, cell):
                continue
            if any(val(y) for _, y in v.y_by_cell.get(cell, ())):
                continue
            free_post[cell] = p
            seats -= 1
    assignments = []
    for (s, d, sh), x in v.x.items():
        if not val(x):
            continue
        post = next((p for p, y in v.y_by_cell.get((s, d, sh), ()) if val(y)),
                    free_post.get((s, d, sh)))
        assignments.append(Assignment(staff=s, date=idx.date(d), shift=sh, post=post))
    order = {s.id: i for i, s in enumerate(problem.staff)}
    assignments.sort(key=lambda a: (a.date, idx.shift_order[a.shift], order[a.staff]))
    tests = sorted((RapidTest(staff=s, date=idx.date(d)) for (s, d), t in v.t.items() if val(t)),
                   key=lambda r: (r.date, order[r.staff]))
    teams: dict[str, int] = {}
    if problem.policy.teams.enabled:
        for s in idx.rotating_staff:
            teams[s] = next(k for k in range(problem.policy.teams.count) if val(v.z[(s, k)]))
    else:
        teams = {s.id: s.team for s in problem.staff if s.rotates and s.team is not None}
    return Roster(assignments=assignments, tests=tests, teams=teams)


def _pooled(v: Any, cell: tuple[str, int, str]) -> bool:
    """Whether the cell belongs to its slot's pool (no individual y for skill-free posts)."""
    return cell not in v.individual


def _penalties(built: BuiltModel, problem: Problem, val: Callable[[Any], int]
               ) -> tuple[list[Penalty], int]:
    idx = built.ctx.idx
    out = []
    total = 0
    for t in built.penalty_terms:
        amount = t.value(val)
        cost = t.weight * amount
        if cost <= 0:
            continue
        total += cost
        out.append(Penalty(rule=t.rule, label=label(t.rule), cost=cost, staff=t.staff,
                           date=idx.date(t.day) if t.day is not None else None, shift=t.shift,
                           post=t.post, unit=t.unit or _unit_of(idx, t.staff), detail=t.detail))
    return out, total


def _unit_of(idx: Any, staff: str | None) -> str | None:
    return idx.staff_by_id[staff].unit if staff is not None else None


def _apply_hint(built: BuiltModel, problem: Problem, hint: Roster) -> None:
    """Hint the cells the roster gives: its on-site cells, posts, tests and teams."""
    v, model = built.vars, built.model
    h = problem.horizon
    hinted: set[int] = set()

    def put(var: Any, value: int) -> None:
        if var is not None and var.index not in hinted:
            hinted.add(var.index)
            model.add_hint(var, value)

    for a in hint.assignments:
        if not h.contains(a.date):
            continue
        d = h.day(a.date)
        put(v.x.get((a.staff, d, a.shift)), 1)
        if a.post is not None:
            put(v.y.get((a.staff, a.post, d, a.shift)), 1)
    for r in hint.tests:
        if h.contains(r.date):
            put(v.t.get((r.staff, h.day(r.date))), 1)
    for s, k in hint.teams.items():
        if (s, k) in v.z:
            for kk in range(problem.policy.teams.count):
                put(v.z.get((s, kk)), int(kk == k))
