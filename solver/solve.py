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

#: Largest model (variables) given the core + max_lp phase at 2-3 workers (see :func:`_search`).
CORE_PORTFOLIO_MAX_VARS = 10_000
#: Share of the time limit the first phase may spend looking for a first roster before the
#: improving phases start (see :func:`_search`).
FIRST_PHASE_SHARE = 0.5
#: Share of the time limit of the core + max_lp phase of small models: our own scenarios are
#: proven optimal within it (0.1-3 s), the benchmark models need the LNS phase after it.
CORE_PHASE_SHARE = 0.25

#: Number of variables above which presolve is cut short and the search is LNS only.
LARGE_MODEL = 50_000

#: The full (complete-search) subsolvers of each portfolio of :func:`configure`.
PORTFOLIOS = {"core": ["core", "max_lp", "default_lp"], "lp_lns": ["max_lp"]}


def configure(params: Any, workers: int, n_vars: int, portfolio: str = "auto") -> None:
    """CP-SAT parameters for ``workers`` threads on a model of ``n_vars`` variables.

    ``portfolio`` picks what the threads run (2-3 workers; with more, CP-SAT's default):

    - ``core``: every worker a full solver, ``core`` then ``max_lp``. With 2-3 workers CP-SAT's
      default portfolio runs a single ``default_lp`` worker, whose bound stays far below the
      optimum on our objectives (test costs, max - min fairness terms): gaps of 86-96 % on the
      built-in scenarios at 10 s; ``core`` proves them optimal in 0.1-3 s, ``max_lp`` the OR-Tools
      example in 1 s. No first-solution worker runs (Curtois & Qu 17: no roster in 60 s).
    - ``lp_lns``: one full ``max_lp`` worker, the other thread(s) first-solution and LNS workers
      (Curtois & Qu, 60 s, 2 workers: 9 reaches 539 / bound 406, 11 3,658 / 3,437, 14 1,787,
      against 552 / 0, 4,408 / 0 and 3,050 with ``core`` then LNS only; 4 proven optimal).
    - ``lns``: LNS and first-solution workers only, no bound (Curtois & Qu 13, 61,000 variables:
      6,892 against 8,709 with CP-SAT's default and 9,586 with ``lp_lns``).
    - ``default``: CP-SAT's own choice; ``auto``: ``core`` for small models, else ``default``.
    """
    workers = max(1, workers)
    params.num_workers = workers
    if n_vars > LARGE_MODEL:
        # On big rosters the symmetry search of presolve times out repeatedly and costs about
        # half of the time to a first solution (measured: 1,000 staff x 28 days, 20 s -> 11 s).
        params.symmetry_level = 0
        # One presolve round, not three: probing alone took 7.5 s of 11.7 s on Curtois & Qu
        # 13 (61,000 variables), and a search that starts later finds worse rosters
        # (30 s: 15,317 against 23,677).
        params.max_presolve_iterations = 1
    if portfolio == "auto":
        portfolio = "core" if core_portfolio(workers, n_vars) else "default"
    if not 2 <= workers <= 3 or portfolio == "default":
        return
    if portfolio == "lns":
        params.use_lns_only = True
        return
    full = PORTFOLIOS[portfolio][:workers if portfolio == "core" else 1]
    params.subsolvers.extend(full)
    params.num_full_subsolvers = len(full)


def core_portfolio(workers: int, n_vars: int) -> bool:
    """Whether the model is small enough for the core + max_lp portfolio."""
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
        self.bound_floor = -math.inf  # best bound proved by earlier solves
        self.best: float = math.inf  # best objective reported so far

    def on_solution_callback(self) -> None:
        elapsed = self.elapsed_before + self.wall_time
        if self.has_objective:
            if self.objective_value >= self.best - 0.5:
                return  # a later phase starting again from the same roster
            self.best = self.objective_value
        self.count += 1
        if self.first_time is None:
            self.first_time = elapsed
        if self.on_progress is None:
            return
        obj = bound = None
        if self.has_objective:
            obj = round(self.objective_value) + self.offset
            bound = math.ceil(max(self.best_objective_bound, self.bound_floor) - 1e-6
                              ) + self.offset
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
    solver, code, best_bound = _search(built.model, time_limit, workers, n_vars, cb,
                                       has_objective, first_only)
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
        bound = math.ceil(max(solver.best_objective_bound, best_bound) - 1e-6) + offset
        if result.objective != cp_obj:
            result.messages.append(
                f"objective {result.objective} recomputed from the roster (search: {cp_obj})")
        result.bound = min(bound, result.objective)
    else:
        result.bound = result.objective
    result.gap = (result.objective - result.bound) / max(1, abs(result.objective))
    result.wall_time = time.perf_counter() - t0
    return result


def _search(model: cp_model.CpModel, time_limit: float, workers: int, n_vars: int,
            cb: _Progress, has_objective: bool, first_only: bool
            ) -> tuple[cp_model.CpSolver, Any, float]:
    """Run CP-SAT on ``model`` in phases; return the solver holding the best roster, its status
    code and the best bound any phase proved (in CP-SAT's objective units).

    With an objective and 2-3 workers (see :func:`configure` for the portfolios and figures):

    - small models (at most :data:`CORE_PORTFOLIO_MAX_VARS` variables): CP-SAT's default
      portfolio until a first roster (at most :data:`FIRST_PHASE_SHARE` of the time), then
      ``core`` (:data:`CORE_PHASE_SHARE`), which proves most of them optimal, then ``lp_lns``
      for the rest;
    - medium models: ``lp_lns``; large ones (over :data:`LARGE_MODEL`): ``lns``.

    Each phase starts from the best roster so far (a complete hint); the best roster and the
    best bound of all phases are kept. Otherwise one solve with :func:`configure`'s choice.
    """
    t0 = time.perf_counter()
    if not has_objective or first_only or not 2 <= workers <= 3:
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.0, float(time_limit))
        configure(solver.parameters, workers, n_vars)
        solver.parameters.stop_after_first_solution = first_only
        return solver, solver.solve(model, cb), -math.inf
    plan: list[tuple[str, float | None]]
    if core_portfolio(workers, n_vars):
        plan = [("first", FIRST_PHASE_SHARE), ("core", CORE_PHASE_SHARE), ("lp_lns", None)]
    elif n_vars <= LARGE_MODEL:
        plan = [("lp_lns", None)]
    else:
        plan = [("lns", None)]
    best: tuple[cp_model.CpSolver, Any] | None = None
    best_bound = -math.inf
    last: tuple[cp_model.CpSolver, Any] | None = None
    for i, (phase, share) in enumerate(plan):
        left = float(time_limit) - (time.perf_counter() - t0)
        if left <= 0.05 and i > 0:
            break
        span = left if share is None else min(left, share * float(time_limit))
        if i > 0 and best is None:
            span = left  # no roster yet: this phase gets the rest of the time
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.0, span)
        configure(solver.parameters, workers, n_vars,
                  "default" if phase == "first" else phase)
        solver.parameters.stop_after_first_solution = phase == "first"
        if best is not None:
            model.clear_hints()  # the caller's hint served the first phase
            for j, value in enumerate(best[0].response_proto.solution):
                model.add_hint(model.get_int_var_from_proto_index(j), value)
        cb.elapsed_before = time.perf_counter() - t0
        code = solver.solve(model, cb)
        last = (solver, code)
        status = STATUS.get(code, Status.unknown)
        if status in (Status.infeasible, Status.invalid, Status.optimal):
            return solver, code, max(best_bound, solver.best_objective_bound)
        if status == Status.feasible:
            best_bound = max(best_bound, solver.best_objective_bound)
            if best is None or solver.objective_value < best[0].objective_value - 0.5:
                best = (solver, code)
            if best_bound >= best[0].objective_value - 1e-6:
                return best[0], cp_model.OPTIMAL, best_bound
            cb.bound_floor = best_bound
        elif best is None and i > 0:
            break  # the rest of the time went to this phase and it found no roster
    assert last is not None
    if best is None:
        return last[0], last[1], best_bound
    return best[0], best[1], best_bound


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
