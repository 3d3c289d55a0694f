"""Column generation (price and branch, without the branching) for problems whose hard rules
bind each person alone and whose only coupling is the soft cover of skill-free posts (the
Curtois & Qu instances).

A column is one person's whole roster (the cells the person works) with the person's own cost
(every penalty term of the person's model: requests, soft counts, sequences...). The master
chooses one column per person; the load of each cover slot is the number of chosen columns
working it, and its shortfall and excess are priced by the post's weights:

    min  sum_pk c_pk l_pk + sum_s (wu_s u_s + wo_s o_s)
    s.t. sum_k l_pk = 1                               (each person p)
         sum_pk a_pks l_pk + u_s >= min_s              (slot s, alpha_s >= 0)
         sum_pk a_pks l_pk - o_s <= max_s              (slot s, -beta_s <= 0)

Its linear relaxation is solved by GLOP; each person's pricing problem is the person's own
CP-SAT model (built once), its objective set each round to ``S c - sum round(S pi_s) x_s``.

Lower bound: for any multipliers ``0 <= alpha <= wu``, ``0 <= beta <= wo`` (those of the rounded
duals), the Lagrangian ``sum_s (alpha_s min_s - beta_s max_s) + sum_p min_k (c_pk - pi a_pk)``
is at most the optimum; each person's minimum is replaced by the bound CP-SAT proves for it, so
the bound holds whether or not the generation converged.

Integer roster: the restricted master over the generated columns, one Boolean per column,
solved by CP-SAT; the caller hands it to the whole model's search.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from ortools.linear_solver import pywraplp  # type: ignore[import-untyped]
from ortools.sat.python import cp_model

from roster.index import ProblemIndex
from roster.model import Assignment, PostKind, Problem, Roster, SlotDemand
from solver.build import BuiltModel, build_model
from solver.decompose import sub_problem
from solver.readback import roster_from_values, values

#: Pricing objectives are integers: duals are rounded to multiples of ``1 / SCALE``.
SCALE = 1000
#: Seconds one person's pricing solve may take per round (at most).
PRICE_TIME = 1.0
#: Columns kept per person and round (the best of the solutions CP-SAT reports).
COLUMNS_PER_ROUND = 3
#: Weight of the best-bound multipliers in the pricing multipliers (Wentges smoothing).
SMOOTHING = 0.5
#: Share of the generation's time kept for the integer master.
INTEGER_SHARE = 0.2


@dataclass
class Cover:
    """The cover slots of a problem: ``(post, day, shift)``, their needs and weights."""

    slots: list[tuple[str, int, str]]
    of_cell: dict[tuple[int, str], int]  # (day, shift) -> slot index
    lo: np.ndarray  # need min
    hi: np.ndarray  # need max, -1 when none
    wu: np.ndarray  # shortfall weight
    wo: np.ndarray  # excess weight

    def cost(self, load: np.ndarray) -> int:
        """The cover penalty of the loads ``load`` (one per slot)."""
        under = np.maximum(0, self.lo - load)
        over = np.where(self.hi >= 0, np.maximum(0, load - self.hi), 0)
        return int((self.wu * under).sum() + (self.wo * over).sum())


def cover_of(problem: Problem, idx: ProblemIndex) -> Cover | None:
    """The problem's cover slots when column generation applies to it, else None: every post
    with a need is a skill-free on-site task post with both weights given, and no two posts
    have a need in the same (day, shift) (so a person on site in a slot covers its post)."""
    if problem.site.general_duty_allowed:
        return None
    slots: list[tuple[str, int, str]] = []
    of_cell: dict[tuple[int, str], int] = {}
    lo: list[int] = []
    hi: list[int] = []
    wu: list[int] = []
    wo: list[int] = []
    for post in problem.site.posts:
        needs = idx.needs.get(post.id, {})
        if not needs:
            continue
        if post.skill is not None or post.kind != PostKind.task:
            return None
        if post.under_weight is None or post.over_weight is None:
            return None
        for (d, sh), need in needs.items():
            if (d, sh) in of_cell:
                return None
            of_cell[(d, sh)] = len(slots)
            slots.append((post.id, d, sh))
            lo.append(need.min)
            hi.append(-1 if need.max is None else need.max)
            wu.append(post.under_weight)
            wo.append(post.over_weight)
    if not slots:
        return None
    return Cover(
        slots,
        of_cell,
        np.array(lo, dtype=np.int64),
        np.array(hi, dtype=np.int64),
        np.array(wu, dtype=np.int64),
        np.array(wo, dtype=np.int64),
    )


def own_problem(problem: Problem, staff: str, idx: ProblemIndex) -> Problem:
    """``staff``'s part of ``problem`` with every cover slot kept open but free (need 0, no
    maximum): the model's objective is the person's own cost."""
    sub = sub_problem(problem, [staff], first=False, idx=idx)
    dates = idx.dates
    posts = []
    for post in sub.site.posts:
        demands = [
            SlotDemand.model_construct(date=dates[d], shift=sh, min=0, max=None)
            for (d, sh) in idx.needs.get(post.id, {})
        ]
        posts.append(post.model_copy(update={"demands": [], "slot_demands": demands}))
    return sub.model_copy(update={"site": sub.site.model_copy(update={"posts": posts})})


@dataclass
class Column:
    person: int
    cells: np.ndarray  # the person's cell indexes worked
    slots: np.ndarray  # their cover slot indexes
    cost: int
    solution: list[int]


@dataclass
class Person:
    """One person's pricing model (built once)."""

    staff: str
    sub: Problem
    built: BuiltModel
    cell_var: np.ndarray  # proto index of the on-site variable of each cell
    cell_slot: np.ndarray  # cover slot of each cell (-1: none)
    base_vars: np.ndarray
    base_coeffs: np.ndarray
    base_offset: float
    n_vars: int
    last: list[int] | None = None
    keys: set[bytes] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def make(cls, problem: Problem, staff: str, idx: ProblemIndex, cover: Cover) -> Person:
        sub = own_problem(problem, staff, idx)
        built = build_model(sub)
        first, cells = built.vars.cells.get(staff, (0, []))
        cell_var = np.arange(first, first + len(cells), dtype=np.int64)
        cell_slot = np.array([cover.of_cell.get(c, -1) for c in cells], dtype=np.int64)
        obj = built.model.proto.objective
        n_vars = len(built.model.proto.variables)
        coef = np.zeros(n_vars, dtype=np.int64)
        offset = float(obj.offset)
        for ref, c in zip(obj.vars, obj.coeffs, strict=True):
            if ref >= 0:
                coef[ref] += c
            else:  # c * not(x) = c - c * x
                coef[-ref - 1] -= c
                offset += c
        nz = np.nonzero(coef)[0]
        return cls(staff, sub, built, cell_var, cell_slot, nz, coef[nz], offset, n_vars)

    def cost(self, sol: np.ndarray) -> int:
        return int(round(self.base_offset + int((self.base_coeffs * sol[self.base_vars]).sum())))

    def set_objective(self, pi: np.ndarray | None) -> None:
        """Objective ``SCALE * own cost - sum pi[slot] x`` (``pi``: scaled duals per slot)."""
        coef = np.zeros(self.n_vars, dtype=np.int64)
        coef[self.base_vars] = self.base_coeffs * SCALE
        if pi is not None:
            mask = self.cell_slot >= 0
            np.subtract.at(coef, self.cell_var[mask], pi[self.cell_slot[mask]])
        nz = np.nonzero(coef)[0]
        obj = self.built.model.proto.objective
        obj.vars.clear()
        obj.coeffs.clear()
        obj.vars.extend(nz.tolist())
        obj.coeffs.extend(coef[nz].tolist())
        obj.offset = self.base_offset * SCALE
        obj.scaling_factor = 1.0
        obj.domain.clear()

    def column(self, person: int, sol: np.ndarray) -> Column:
        cells = np.nonzero(sol[self.cell_var])[0]
        slots = self.cell_slot[cells]
        return Column(person, cells, slots[slots >= 0], self.cost(sol), sol.tolist())

    def price(
        self, person: int, pi: np.ndarray | None, time_limit: float, fixed: np.ndarray | None = None
    ) -> tuple[list[Column], float]:
        """Columns found for multipliers ``pi`` (the best last) and the proven lower bound of
        the pricing objective (scaled); ``fixed``: the cells' values, to price one column."""
        with self.lock:
            self.set_objective(pi)
            model = self.built.model
            pv = model.proto.variables
            saved = []
            if fixed is not None:
                for i, v in zip(self.cell_var.tolist(), fixed.tolist(), strict=True):
                    saved.append((i, list(pv[i].domain)))
                    pv[i].domain.clear()
                    pv[i].domain.extend([v, v])
            model.clear_hints()
            if self.last is not None and fixed is None:
                model.proto.solution_hint.vars.extend(range(len(self.last)))
                model.proto.solution_hint.values.extend(self.last)
            solver = cp_model.CpSolver()
            p = solver.parameters
            p.num_workers = 1
            p.max_time_in_seconds = max(0.01, time_limit)
            p.linearization_level = 2
            sols: list[np.ndarray] = []

            class Keep(cp_model.CpSolverSolutionCallback):
                def on_solution_callback(self) -> None:
                    sols.append(np.array(self.response_proto.solution, dtype=np.int64))

            code = solver.solve(model, Keep())
            for i, dom in saved:
                pv[i].domain.clear()
                pv[i].domain.extend(dom)
            bound = -math.inf
            if code == cp_model.OPTIMAL:
                bound = solver.objective_value
            elif code == cp_model.FEASIBLE:
                bound = solver.best_objective_bound
            if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                sols.append(np.array(solver.response_proto.solution, dtype=np.int64))
            cols = []
            for sol in sols[-COLUMNS_PER_ROUND:]:
                cols.append(self.column(person, sol))
            if sols and fixed is None:
                self.last = cols[-1].solution
            return cols, bound

    def roster(self, col: Column) -> Roster:
        return roster_from_values(self.built, self.sub, values(col.solution))


@dataclass
class Outcome:
    roster: Roster | None = None
    objective: int | None = None  # the roster's objective (whole model's units)
    bound: float = -math.inf  # Lagrangian bound (whole model's units)
    rounds: int = 0
    columns: int = 0
    lp: float = math.nan
    #: Whether the master's cost of the start roster was checked to be the model's objective
    #: (the bound is the model's only then).
    checked: bool = False
    messages: list[str] = field(default_factory=list)


class Master:
    """The restricted master LP (GLOP), columns added in batches."""

    def __init__(self, cover: Cover, people: int) -> None:
        self.cover = cover
        self.lp = pywraplp.Solver.CreateSolver("GLOP")
        lp = self.lp
        inf = lp.infinity()
        self.conv = [lp.Constraint(1, 1) for _ in range(people)]
        n = len(cover.slots)
        self.lo_rows: list[Any] = [None] * n
        self.hi_rows: list[Any] = [None] * n
        obj = lp.Objective()
        for s in range(n):
            if cover.lo[s] > 0 and cover.wu[s] > 0:
                row = lp.Constraint(float(cover.lo[s]), inf)
                u = lp.NumVar(0, float(cover.lo[s]), "")
                row.SetCoefficient(u, 1)
                obj.SetCoefficient(u, float(cover.wu[s]))
                self.lo_rows[s] = row
            if cover.hi[s] >= 0:
                row = lp.Constraint(-inf, float(cover.hi[s]))
                o = lp.NumVar(0, inf, "")
                row.SetCoefficient(o, -1)
                obj.SetCoefficient(o, float(cover.wo[s]))
                self.hi_rows[s] = row
        obj.SetMinimization()
        self.columns: list[Column] = []
        self.vars: list[Any] = []

    def add(self, col: Column) -> None:
        v = self.lp.NumVar(0, 1, "")
        self.lp.Objective().SetCoefficient(v, float(col.cost))
        self.conv[col.person].SetCoefficient(v, 1)
        for s in col.slots.tolist():
            if self.lo_rows[s] is not None:
                self.lo_rows[s].SetCoefficient(v, 1)
            if self.hi_rows[s] is not None:
                self.hi_rows[s].SetCoefficient(v, 1)
        self.columns.append(col)
        self.vars.append(v)

    def solve(self) -> tuple[float, np.ndarray, np.ndarray, np.ndarray] | None:
        """LP value, scaled multipliers (alpha, beta per slot, integers) and convexity duals."""
        if self.lp.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        n = len(self.cover.slots)
        alpha = np.zeros(n, dtype=np.int64)
        beta = np.zeros(n, dtype=np.int64)
        for s in range(n):
            if self.lo_rows[s] is not None:
                alpha[s] = round(SCALE * self.lo_rows[s].dual_value())
            if self.hi_rows[s] is not None:
                beta[s] = round(-SCALE * self.hi_rows[s].dual_value())
        alpha = np.clip(alpha, 0, SCALE * self.cover.wu)
        beta = np.clip(beta, 0, SCALE * self.cover.wo)
        mu = np.array([c.dual_value() for c in self.conv])
        return self.lp.Objective().Value(), alpha, beta, mu


def lagrangian(cover: Cover, alpha: np.ndarray, beta: np.ndarray, bounds: list[float]) -> float:
    """The Lagrangian bound (unscaled) of multipliers ``alpha``, ``beta`` (scaled, within the
    weights) given each person's proven lower bound of the scaled pricing objective."""
    hi = np.where(cover.hi >= 0, cover.hi, 0)
    slot_part = int((alpha * cover.lo).sum() - (beta * hi).sum())
    return (slot_part + sum(math.ceil(b - 1e-9) for b in bounds)) / SCALE


def integer_master(
    cover: Cover,
    people: int,
    columns: list[Column],
    time_limit: float,
    workers: int,
    hint: list[int] | None = None,
) -> tuple[list[int], int] | None:
    """One column per person minimising own costs plus cover (CP-SAT): the chosen column
    index per person and the objective."""
    m = cp_model.CpModel()
    lits = [m.new_bool_var("") for _ in columns]
    by_person: list[list[int]] = [[] for _ in range(people)]
    by_slot: list[list[int]] = [[] for _ in cover.slots]
    for k, col in enumerate(columns):
        by_person[col.person].append(k)
        for s in col.slots.tolist():
            by_slot[s].append(k)
    for ks in by_person:
        if not ks:
            return None
        m.add_exactly_one(lits[k] for k in ks)
    terms: list[Any] = []
    weights: list[int] = []
    constant = 0
    for s, ks in enumerate(by_slot):
        load = sum(lits[k] for k in ks) if ks else 0
        lo, hi = int(cover.lo[s]), int(cover.hi[s])
        if lo > 0 and cover.wu[s] > 0:
            if not ks:
                constant += int(cover.wu[s]) * lo
            else:
                u = m.new_int_var(0, lo, "")
                m.add(load + u >= lo)
                terms.append(u)
                weights.append(int(cover.wu[s]))
        if hi >= 0 and cover.wo[s] > 0 and len(ks) > hi:
            o = m.new_int_var(0, len(ks) - hi, "")
            m.add(load - o <= hi)
            terms.append(o)
            weights.append(int(cover.wo[s]))
    m.minimize(
        cp_model.LinearExpr.weighted_sum(lits + terms, [c.cost for c in columns] + weights)
        + constant
    )
    if hint is not None:
        for p, k in enumerate(hint):
            for j in by_person[p]:
                m.add_hint(lits[j], j == k)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    code = solver.solve(m)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    chosen = [next(k for k in ks if solver.value(lits[k])) for ks in by_person]
    # Recomputed: a roster found before optimality may hold loose shortfall variables.
    return chosen, master_cost(cover, [columns[k] for k in chosen])


def master_cost(cover: Cover, columns: list[Column]) -> int:
    """Own costs plus cover of one column per person."""
    load = np.zeros(len(cover.slots), dtype=np.int64)
    for col in columns:
        np.add.at(load, col.slots, 1)
    return sum(c.cost for c in columns) + cover.cost(load)


class Generation:
    """A column generation kept between calls, so a caller can alternate it with its own
    search: :meth:`advance` prices rounds until a deadline, :meth:`cell_weights` reads the
    master LP's solution per person and cell, :meth:`integer` picks one column per person.

    ``start``: a roster whose columns seed the master; ``check(cost)``: whether ``start``'s
    master cost is the whole model's objective (else the generation stops: the columns' costs
    are not the model's)."""

    def __init__(
        self,
        problem: Problem,
        workers: int,
        deadline: float,
        start: Roster | None = None,
        idx: ProblemIndex | None = None,
        check: Callable[[int], bool] | None = None,
    ) -> None:
        self.problem = problem
        self.workers = workers
        self.out = Outcome()
        self.idx = idx or ProblemIndex(problem)
        self.cover = cover_of(problem, self.idx)
        self.staff = [s.id for s in problem.staff]
        self.lock = threading.Lock()
        self.failed: list[str] = []
        self.persons: list[Person] = []
        self.best: list[int] | None = None  # column index per person
        self.best_cost: float = math.inf
        self.rounds = 0
        self.center: tuple[np.ndarray, np.ndarray] | None = None
        self.smooth = SMOOTHING
        #: The master LP's value of each column at its last solve.
        self.weights = np.zeros(0)
        self.converged = False
        self.ready = False
        if self.cover is None:
            self.out.messages.append("column generation: cover not of the supported form")
            return
        self.master = Master(self.cover, len(self.staff))
        self._setup(deadline, start, check)

    def _run(self, jobs: list[int], fn: Callable[[int], None], until: float) -> None:
        """``fn`` on each job, on ``workers`` threads, until ``until``."""
        queue = list(reversed(jobs))
        staff, lock, failed = self.staff, self.lock, self.failed

        def work() -> None:
            while True:
                with lock:
                    if not queue or failed or time.perf_counter() > until:
                        return
                    j = queue.pop()
                try:
                    fn(j)
                except Exception as exc:  # noqa: BLE001 - reported, generation stops
                    with lock:
                        failed.append(f"{staff[j]}: {exc!r}")

        threads = [threading.Thread(target=work, daemon=True) for _ in range(max(1, self.workers))]
        for th in threads:
            th.start()
        for th in threads:
            th.join()

    def _setup(
        self, deadline: float, start: Roster | None, check: Callable[[int], bool] | None
    ) -> None:
        problem, staff, idx, out = self.problem, self.staff, self.idx, self.out
        assert self.cover is not None
        cover = self.cover
        people: list[Person | None] = [None] * len(staff)
        start_cells: dict[str, set[tuple[int, str]]] = {s: set() for s in staff}
        if start is not None:
            for a in start.assignments:
                start_cells.setdefault(a.staff, set()).add((problem.horizon.day(a.date), a.shift))
        seed: list[Column | None] = [None] * len(staff)
        found: list[list[Column]] = [[] for _ in staff]

        def setup(j: int) -> None:
            person = Person.make(problem, staff[j], idx, cover)
            people[j] = person
            cols, bound = person.price(j, None, PRICE_TIME)
            found[j] = cols
            if start is not None:
                cells = start_cells.get(staff[j], set())
                cell_list = person.built.vars.cells.get(staff[j], (0, []))[1]
                fixed = np.array([int(c in cells) for c in cell_list], dtype=np.int64)
                if int(fixed.sum()) == len(cells):
                    sc, _ = person.price(j, None, PRICE_TIME, fixed=fixed)
                    if sc:
                        seed[j] = sc[-1]
                        person.last = sc[-1].solution

        self._run(list(range(len(staff))), setup, deadline)
        if self.failed or any(p is None for p in people):
            out.messages += [f"column generation stopped: {m}" for m in self.failed[:3]]
            return
        self.persons = [p for p in people if p is not None]
        master = self.master
        if start is not None and all(s is not None for s in seed):
            seeds = [s for s in seed if s is not None]
            cost = master_cost(cover, seeds)
            if check is not None and not check(cost):
                out.messages.append(f"column generation: master cost {cost} is not the model's")
                return
            out.checked = check is not None
            self.best_cost = cost
            self.best = []
            for col in seeds:
                self.best.append(len(master.columns))
                self.persons[col.person].keys.add(col.cells.tobytes())
                master.add(col)
        for cols in found:
            for col in cols:
                _add(master, self.persons, col)
        self.ready = True

    def _price_round(
        self, pi: np.ndarray, lp_pi: np.ndarray, mu: np.ndarray, until: float
    ) -> tuple[int, list[float]]:
        """Price everyone for multipliers ``pi``; add the columns of negative reduced cost
        for the LP's duals ``lp_pi``, ``mu``. The number added and each person's proven
        bound."""
        jobs = list(range(len(self.staff)))
        found: list[list[Column]] = [[] for _ in jobs]
        bounds = [-math.inf] * len(jobs)
        left = until - time.perf_counter()
        per = min(PRICE_TIME, max(0.05, left * max(1, self.workers) / max(1, len(jobs))))
        persons = self.persons

        def price(j: int) -> None:
            cols, bound = persons[j].price(j, pi, per)
            found[j] = cols
            bounds[j] = bound

        self._run(jobs, price, until)
        added = 0
        for j in jobs:
            for col in found[j]:
                rc = col.cost - (lp_pi[col.slots].sum() / SCALE) - mu[j]
                if rc < -1e-6 and _add(self.master, persons, col):
                    added += 1
        return added, bounds

    def _solve_lp(self) -> tuple[float, np.ndarray, np.ndarray, np.ndarray] | None:
        res = self.master.solve()
        if res is not None:
            self.weights = np.array([v.solution_value() for v in self.master.vars])
            self.out.lp = res[0]
        return res

    def advance(self, until: float) -> None:
        """Pricing rounds until ``until`` (or convergence): the LP, its columns, the bound."""
        if not self.ready or self.converged:
            return
        out, cover = self.out, self.cover
        assert cover is not None
        while time.perf_counter() < until:
            res = self._solve_lp()
            if res is None:
                out.messages.append("column generation: master LP not solved")
                self.converged = True
                break
            lp_value, alpha, beta, mu = res
            if self.center is not None and self.smooth > 0:
                # Wentges smoothing: price between the duals of the best bound so far and the
                # LP's (any multipliers within the weights give a valid bound).
                sm = self.smooth
                alpha = np.round(sm * self.center[0] + (1 - sm) * alpha).astype(np.int64)
                beta = np.round(sm * self.center[1] + (1 - sm) * beta).astype(np.int64)
            added, bounds = self._price_round(alpha - beta, res[1] - res[2], mu, until)
            if self.failed:
                break
            self.rounds += 1
            if all(math.isfinite(b) for b in bounds):
                bound = lagrangian(cover, alpha, beta, bounds)
                if bound > out.bound:
                    out.bound, self.center = bound, (alpha, beta)
            if added == 0:
                if self.smooth > 0:
                    self.smooth = 0.0  # a mispricing: the LP's own duals next
                    continue
                self.converged = True
                break
            self.smooth = SMOOTHING
            if math.isfinite(out.bound) and math.ceil(out.bound - 1e-6) >= math.ceil(
                lp_value - 1e-6
            ):
                self.converged = True
                break  # the LP bound is reached: more columns do not raise the bound
        out.rounds = self.rounds
        out.columns = len(self.master.columns)
        if self.failed:
            out.messages += [f"column generation stopped: {m}" for m in self.failed[:3]]
        # The LP over every column found, for :meth:`cell_weights`.
        self._solve_lp()

    def add_roster(self, roster: Roster, until: float) -> bool:
        """Add ``roster``'s columns (each person's cells priced with the cells fixed), so the
        next LP can keep it; whether every person's column was found."""
        if not self.ready:
            return False
        h = self.problem.horizon
        worked: dict[str, set[tuple[int, str]]] = {s: set() for s in self.staff}
        for a in roster.assignments:
            worked.setdefault(a.staff, set()).add((h.day(a.date), a.shift))
        got: list[Column | None] = [None] * len(self.staff)

        def price(j: int) -> None:
            person = self.persons[j]
            cells = person.built.vars.cells.get(person.staff, (0, []))[1]
            mine = worked.get(person.staff, set())
            fixed = np.array([int(c in mine) for c in cells], dtype=np.int64)
            if int(fixed.sum()) == len(mine):
                cols, _ = person.price(j, None, PRICE_TIME, fixed=fixed)
                if cols:
                    got[j] = cols[-1]

        self._run(list(range(len(self.staff))), price, until)
        for col in got:
            if col is not None:
                _add(self.master, self.persons, col)
        return all(c is not None for c in got)

    def cell_weights(self) -> dict[str, dict[tuple[int, str], float]]:
        """staff -> (day, shift) -> the weight the master LP's solution puts on the person
        working that cell (cells of weight 0 left out)."""
        out: dict[str, dict[tuple[int, str], float]] = {}
        if not self.ready:
            return out
        acc = [np.zeros(len(p.cell_var)) for p in self.persons]
        for col, w in zip(self.master.columns, self.weights.tolist(), strict=False):
            if w > 1e-9:
                acc[col.person][col.cells] += w
        for j, p in enumerate(self.persons):
            cells = p.built.vars.cells.get(p.staff, (0, []))[1]
            nz = np.nonzero(acc[j] > 1e-9)[0]
            out[p.staff] = {cells[k]: float(acc[j][k]) for k in nz.tolist()}
        return out

    def integer(self, until: float) -> Outcome:
        """The outcome: the integer master's roster (or the seed's) within ``until``."""
        out = self.out
        if not self.ready:
            return out
        cover = self.cover
        assert cover is not None
        master, staff = self.master, self.staff
        best, best_cost = self.best, self.best_cost
        left = until - time.perf_counter()
        if master.columns and left > 0.1:
            picked = integer_master(
                cover, len(staff), master.columns, max(0.5, left), self.workers, hint=best
            )
            if picked is not None and picked[1] < best_cost:
                best, best_cost = picked
        if best is not None:
            assignments: list[Assignment] = []
            tests: list[Any] = []
            for j, k in enumerate(best):
                r = self.persons[j].roster(master.columns[k])
                assignments += r.assignments
                tests += r.tests
            out.roster = Roster(assignments=assignments, tests=tests)
            out.objective = int(best_cost)
        return out


def generate(
    problem: Problem,
    time_limit: float,
    workers: int,
    start: Roster | None = None,
    idx: ProblemIndex | None = None,
    check: Callable[[int], bool] | None = None,
) -> Outcome:
    """Column generation within ``time_limit`` seconds on ``workers`` threads; ``start``: a
    roster whose columns seed the master; ``check(cost)``: whether ``start``'s master cost
    is the whole model's objective (else the generation stops: the columns' costs are not
    the model's)."""
    t0 = time.perf_counter()
    deadline = t0 + time_limit
    gen = Generation(problem, workers, deadline, start=start, idx=idx, check=check)
    if not gen.ready:
        return gen.out
    gen.advance(deadline - INTEGER_SHARE * time_limit)
    return gen.integer(deadline)


def _add(master: Master, persons: list[Person], col: Column) -> bool:
    """Add ``col`` unless its person has the same cells already."""
    key = col.cells.tobytes()
    person = persons[col.person]
    if key in person.keys:
        return False
    person.keys.add(key)
    master.add(col)
    return True
