"""Large-neighbourhood search (LNS) over a built roster model.

A roster is improved by freeing a *neighbourhood* of cells (a few people over the whole
horizon, everybody over a window of days, a block of people and days, or the cells around a
penalty the roster pays) and re-solving the model with every other decision fixed to its value
in the best roster so far. Each re-solve is a small CP-SAT search (one worker, a second or so)
started from the best roster, so it can only keep or improve it. Neighbourhood sizes adapt:
when a re-solve proves its neighbourhood optimal the next one of that kind is larger, when it
runs out of time it is smaller.

Rosters have structure that CP-SAT's own generic neighbourhoods (random variables, random
constraints) do not see: a person's week, a day's slots. Measured on Curtois & Qu, 60 s, 2
workers (one thread here beside one complete CP-SAT search for the bound): see
``benchmarks/README.md``.

Only *decision* variables are fixed (on-site cells, posts, tests, teams); the auxiliary
variables (penalties, days worked, pool counts) stay free, and presolve derives them.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from solver.model import BuiltModel

_FREE = -(2**62)  # marks a decision variable left to its own domain in the working model

#: Neighbourhood kinds and their starting share of the roster's cells.
KINDS: dict[str, float] = {"staff": 0.08, "days": 0.12, "block": 0.15, "penalty": 0.1}
#: Bounds of the share of cells a neighbourhood may free.
MIN_SHARE, MAX_SHARE = 0.01, 0.9
#: A re-solve gets this many seconds at first; the limit adapts between the bounds below.
SOLVE_TIME = 0.25
MIN_SOLVE_TIME, MAX_SOLVE_TIME = 0.3, 5.0


@dataclass
class Incumbent:
    """The best roster so far as CP-SAT values (one per model variable), shared by threads."""

    values: list[int] | None = None
    objective: float = math.inf
    lock: threading.Lock = field(default_factory=threading.Lock)
    version: int = 0

    def offer(self, values: list[int], objective: float) -> bool:
        """Keep ``values`` if strictly better; return whether it was kept."""
        with self.lock:
            if objective >= self.objective - 0.5:
                return False
            self.values = values
            self.objective = objective
            self.version += 1
            return True

    def get(self) -> tuple[list[int] | None, float, int]:
        with self.lock:
            return self.values, self.objective, self.version


@dataclass
class CellMap:
    """Where the decision variables sit: proto indices per (staff, day) and per staff (teams)."""

    staff: list[str]
    days: int
    cell_vars: dict[tuple[str, int], list[int]]
    staff_vars: dict[str, list[int]]
    related: dict[str, list[str]]  # staff -> others sharing a post or unit, most shared first
    # (variable index, negative for a negated literal; weight; staff; day)
    terms: list[tuple[int, int, str | None, int | None]]


def cell_map(built: BuiltModel) -> CellMap:
    """Index the decision variables of ``built`` by staff and day."""
    v = built.vars
    cells: dict[tuple[str, int], list[int]] = defaultdict(list)
    for (s, d, _sh), x in v.x.items():
        cells[(s, d)].append(x.index)
    for (s, _p, d, _sh), y in v.y.items():
        cells[(s, d)].append(y.index)
    for (s, d), t in v.t.items():
        cells[(s, d)].append(t.index)
    staff_vars: dict[str, list[int]] = defaultdict(list)
    for (s, _k), z in v.z.items():
        staff_vars[s].append(z.index)
    problem = built.ctx.problem
    idx = built.ctx.idx
    staff = [s.id for s in problem.staff]
    # People are related when they can serve the same posts (they can swap shifts) or share a
    # unit (caps and fairness read them together).
    posts_of: dict[str, set[str]] = {s: set() for s in staff}
    for pid, people in idx.qualified_staff.items():
        if idx.needs.get(pid):
            for s in people:
                posts_of[s].add(pid)
    unit_of = {s.id: s.unit for s in problem.staff}
    related: dict[str, list[str]] = {}
    for s in staff:
        score = {o: len(posts_of[s] & posts_of[o]) + (unit_of[o] == unit_of[s])
                 for o in staff if o != s}
        related[s] = sorted((o for o in score if score[o] > 0), key=lambda o: -score[o])
    # Penalty terms on one variable or negated literal, for neighbourhoods around them.
    terms = []
    for t in built.penalty_terms:
        index = getattr(t.var, "index", None)
        if isinstance(index, int) and not isinstance(t.var, bool | int):
            terms.append((index, t.weight, t.staff, t.day))
    return CellMap(staff, idx.days, dict(cells), dict(staff_vars), related, terms)


@dataclass
class Neighbourhood:
    kind: str
    cells: set[tuple[str, int]]
    staff: set[str]  # whose team variables are free


class Lns:
    """The LNS loop of one model (see the module docstring). Not thread-safe: one loop, one
    thread (it keeps one working copy of the model whose decision domains it updates)."""

    def __init__(self, built: BuiltModel, seed: int = 0) -> None:
        self.built = built
        self.map = cell_map(built)
        self.rng = random.Random(seed)
        work = built.model.clone()
        work.clear_hints()
        self.work = work
        self.n_vars = len(work.proto.variables)
        self.all_vars = list(range(self.n_vars))
        self.share = dict(KINDS)
        self.solve_time = SOLVE_TIME
        self.stats: dict[str, list[int]] = {k: [0, 0] for k in KINDS}  # tries, improvements
        decision = sorted({i for idx in self.map.cell_vars.values() for i in idx}
                          | {i for idx in self.map.staff_vars.values() for i in idx})
        self.decision = np.array(decision, dtype=np.int64)
        pv = work.proto.variables
        self.domain = {i: list(pv[i].domain) for i in decision}  # as built
        # What each decision variable of the working model is fixed to (_FREE: its own domain).
        self.fixed = np.full(self.n_vars, _FREE, dtype=np.int64)

    # ---- neighbourhoods ---------------------------------------------------------------
    def _pick_staff(self, k: int) -> list[str]:
        """``k`` people: a random one, then mostly people related to those already picked."""
        staff = self.map.staff
        k = max(1, min(k, len(staff)))
        picked = [self.rng.choice(staff)]
        chosen = set(picked)
        while len(picked) < k:
            base = self.rng.choice(picked)
            rel = [o for o in self.map.related.get(base, ())[:3 * k] if o not in chosen]
            cand = self.rng.choice(rel) if rel and self.rng.random() < 0.8 else None
            if cand is None:
                free = [o for o in staff if o not in chosen]
                if not free:
                    break
                cand = self.rng.choice(free)
            picked.append(cand)
            chosen.add(cand)
        return picked

    def _window(self, length: int, centre: int | None = None) -> range:
        days = self.map.days
        length = max(1, min(length, days))
        if centre is None:
            start = self.rng.randrange(0, days - length + 1)
        else:
            start = min(max(0, centre - length // 2), days - length)
        return range(start, start + length)

    def neighbourhood(self, kind: str, values: list[int]) -> Neighbourhood:
        """A neighbourhood of ``kind`` freeing about ``share[kind]`` of the cells."""
        m = self.map
        n_staff, days = len(m.staff), m.days
        target = max(1, int(self.share[kind] * n_staff * days))
        if kind == "staff":
            people = self._pick_staff(math.ceil(target / days))
            window = range(days)
        elif kind == "days":
            window = self._window(math.ceil(target / n_staff))
            people = list(m.staff)
        elif kind == "block":
            length = self.rng.choice([7, 14]) if days > 14 else days
            length = min(length, days)
            people = self._pick_staff(math.ceil(target / length))
            window = self._window(length)
        else:  # penalty: the cells around a paid penalty
            paid = [(s, d) for i, _w, s, d in m.terms
                    if (values[i] > 0 if i >= 0 else values[-i - 1] == 0)]
            if not paid:
                return self.neighbourhood("days", values)
            s, d = self.rng.choice(paid)
            if d is None:
                window = range(days)
            else:
                window = self._window(max(3, math.ceil(target / n_staff)), centre=d)
            k = min(n_staff, math.ceil(target / len(window)))
            if s is None:
                people = list(m.staff) if k >= n_staff else self._pick_staff(k)
            else:
                people = [s] + [o for o in m.related.get(s, ())][: k - 1]
                if len(people) < k:
                    people += [o for o in self._pick_staff(k) if o not in people][
                        : k - len(people)]
        cells = {(s, d) for s in people for d in window}
        return Neighbourhood(kind, cells, set(people) if len(window) == days else set())

    # ---- one re-solve -----------------------------------------------------------------
    def _free_indices(self, hood: Neighbourhood) -> list[int]:
        out: list[int] = []
        for key in hood.cells:
            out += self.map.cell_vars.get(key, ())
        for s in hood.staff:
            out += self.map.staff_vars.get(s, ())
        return out

    def _sync(self, hood: Neighbourhood, values: list[int]) -> None:
        """Fix every decision variable outside ``hood`` to ``values``, free those inside; only
        the variables whose state changes since the last re-solve are touched."""
        want = np.asarray(values, dtype=np.int64)[self.decision]
        free = self._free_indices(hood)
        target = np.full(self.n_vars, _FREE, dtype=np.int64)
        target[self.decision] = want
        if free:
            target[np.asarray(free, dtype=np.int64)] = _FREE
        changed = self.decision[target[self.decision] != self.fixed[self.decision]]
        pv = self.work.proto.variables
        for i in changed.tolist():
            d = pv[i].domain
            d.clear()
            t = int(target[i])
            d.extend(self.domain[i] if t == _FREE else [t, t])
        self.fixed[changed] = target[changed]

    def resolve(self, hood: Neighbourhood, values: list[int], time_limit: float,
                seed: int) -> tuple[int, list[int] | None, float]:
        """Re-solve with everything outside ``hood`` fixed; (status, values, objective)."""
        self._sync(hood, values)
        hint = self.work.proto.solution_hint
        hint.vars.clear()
        hint.values.clear()
        hint.vars.extend(self.all_vars)
        hint.values.extend(values)
        solver = cp_model.CpSolver()
        p = solver.parameters
        p.num_workers = 1
        p.max_time_in_seconds = time_limit
        p.random_seed = seed
        p.symmetry_level = 0
        code = solver.solve(self.work)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return code, list(solver.response_proto.solution), solver.objective_value
        return code, None, math.inf

    # ---- the loop ---------------------------------------------------------------------
    def run(self, incumbent: Incumbent, deadline: float, stop: threading.Event,
            on_improve: Callable[[list[int], float], None] | None = None) -> None:
        """Improve ``incumbent`` until ``deadline`` (a ``time.perf_counter()`` value) or
        ``stop``. ``on_improve(values, objective)`` hears each improvement."""
        kinds = list(KINDS)
        it = 0
        while not stop.is_set():
            left = deadline - time.perf_counter()
            if left < 0.1:
                return
            values, objective, _ = incumbent.get()
            if values is None:
                return
            # Kinds that improved recently are tried more often.
            weights = [1.0 + 4.0 * self.stats[k][1] / (1 + self.stats[k][0]) for k in kinds]
            kind = self.rng.choices(kinds, weights)[0]
            hood = self.neighbourhood(kind, values)
            limit = min(left, self.solve_time)
            t0 = time.perf_counter()
            code, new, obj = self.resolve(hood, values, limit, seed=it)
            spent = time.perf_counter() - t0
            it += 1
            self.stats[kind][0] += 1
            if new is not None and obj < objective - 0.5:
                self.stats[kind][1] += 1
                if incumbent.offer(new, obj) and on_improve is not None:
                    on_improve(new, obj)
            # Adapt: a neighbourhood searched to the end quickly grows; one cut short without
            # a better roster shrinks.
            improved = new is not None and obj < objective - 0.5
            if code in (cp_model.OPTIMAL, cp_model.INFEASIBLE):
                if spent < 0.5 * limit:
                    self.share[kind] = min(MAX_SHARE, self.share[kind] * 1.3)
            elif not improved:
                self.share[kind] = max(MIN_SHARE, self.share[kind] * 0.8)
        return
