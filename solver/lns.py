"""Our own large-neighbourhood search on big models: each neighbourhood is a small CP-SAT model
cut out of the whole one, so its cost grows with the neighbourhood, not with the model.

CP-SAT's own LNS workers copy and presolve the whole model for every neighbourhood: on Curtois
& Qu 13-23 (45,000-380,000 variables) only a handful of neighbourhoods run in a minute on two
cores. Here the whole model's proto is read once into arrays (:class:`ProtoIndex`: each
constraint's literals or linear terms, and which constraints read each variable). A
neighbourhood frees the decision variables of some cells (people x days); every variable that
is not a decision variable (a penalty, slack or count) and shares a constraint with a free
variable is freed too, transitively; every constraint that reads a free variable is copied
with the fixed variables folded into constants (:func:`extract`). The sub-model's objective is
the whole objective's terms over free variables: a sub-solution merged into the whole solution
is feasible for the whole model, and its whole objective changes by exactly the sub-objective's
change (the fixed terms do not move). :func:`improve` runs the loop: neighbourhoods of
adaptive size, each solved briefly from the current values as a hint, kept when not worse.
"""

from __future__ import annotations

import math
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model

from solver.build import BuiltModel

# Constraint kinds the extraction handles (any other kind in the model: no LNS).
_OR, _AND, _AMO, _EXO, _LIN = range(5)
_KINDS = {
    "bool_or": _OR,
    "bool_and": _AND,
    "at_most_one": _AMO,
    "exactly_one": _EXO,
    "linear": _LIN,
}
_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1

#: Seconds per neighbourhood solve (CP-SAT's own LNS uses about as much on these models once
#: presolved; most of our neighbourhoods are proven optimal well within it).
SUB_TIME = 0.5
#: Starting size of a neighbourhood, in free cells (person-days), and its limits; the size
#: grows by :data:`GROW` after a neighbourhood proven optimal within its time, and shrinks by
#: it after one that ran out of time (as CP-SAT adapts its neighbourhoods' difficulty).
START_CELLS, MIN_CELLS, MAX_CELLS = 200, 20, 20_000
GROW = 1.25


class Unsupported(Exception):
    """The model holds a constraint kind the extraction does not handle."""


@dataclass
class ProtoIndex:
    """The whole model's constraints as arrays, read once from its proto."""

    n_vars: int
    kind: np.ndarray  # per constraint, one of _OR.._LIN
    body_start: np.ndarray  # CSR over constraints: literals, or linear vars
    body: np.ndarray
    coeff: np.ndarray  # aligned with body (linear constraints; 0 elsewhere)
    enf_start: np.ndarray
    enf: np.ndarray
    domain: dict[int, list[int]]  # linear constraint -> its domain
    var_start: np.ndarray  # CSR over variables: the constraints reading each
    var_cts: np.ndarray
    lo: np.ndarray  # variable domains' bounds
    hi: np.ndarray
    var_domain: dict[int, list[int]]  # variables whose domain has holes
    dlo: np.ndarray  # per constraint, a linear constraint's domain as one interval
    dhi: np.ndarray  # (dlo > dhi: several intervals, or not linear)
    obj_vars: np.ndarray  # objective terms as variable index, sign (+1: var, -1: not var)
    obj_neg: np.ndarray
    obj_coeff: np.ndarray

    @classmethod
    def of(cls, model: cp_model.CpModel) -> ProtoIndex:
        proto = _readable(model)
        n_vars = len(proto.variables)
        kinds: list[int] = []
        body: list[int] = []
        body_len: list[int] = []
        coeff: list[int] = []
        enf: list[int] = []
        enf_len: list[int] = []
        domain: dict[int, list[int]] = {}
        for i, ct in enumerate(proto.constraints):
            e = list(ct.enforcement_literal)
            enf += e
            enf_len.append(len(e))
            which = ct.WhichOneof("constraint")
            if which == "linear":
                lin = ct.linear
                lits = list(lin.vars)
                if any(r < 0 for r in lits):
                    raise Unsupported(f"constraint {i}: a linear term over a negated literal")
                kinds.append(_LIN)
                domain[i] = list(lin.domain)
                body += lits
                body_len.append(len(lits))
                coeff += list(lin.coeffs)
                continue
            if which not in _KINDS:
                raise Unsupported(f"constraint {i}: {which}")
            kinds.append(_KINDS[which])
            lits = list(getattr(ct, which).literals)
            body += lits
            body_len.append(len(lits))
            coeff += [0] * len(lits)
        b = np.asarray(body, dtype=np.int64)
        blen = np.asarray(body_len, dtype=np.int64)
        e_arr = np.asarray(enf, dtype=np.int64)
        elen = np.asarray(enf_len, dtype=np.int64)
        body_start = np.zeros(len(blen) + 1, dtype=np.int64)
        np.cumsum(blen, out=body_start[1:])
        enf_start = np.zeros(len(elen) + 1, dtype=np.int64)
        np.cumsum(elen, out=enf_start[1:])
        # Variable -> constraints (body and enforcement), as CSR.
        all_vars = np.concatenate([_var_of(b), _var_of(e_arr)])
        all_cts = np.concatenate(
            [
                np.repeat(np.arange(len(blen), dtype=np.int64), blen),
                np.repeat(np.arange(len(elen), dtype=np.int64), elen),
            ]
        )
        order = np.argsort(all_vars, kind="stable")
        var_cts = all_cts[order]
        counts = np.bincount(all_vars, minlength=n_vars)
        var_start = np.zeros(n_vars + 1, dtype=np.int64)
        np.cumsum(counts, out=var_start[1:])
        lo = np.empty(n_vars, dtype=np.int64)
        hi = np.empty(n_vars, dtype=np.int64)
        var_domain: dict[int, list[int]] = {}
        for j, v in enumerate(proto.variables):
            d = list(v.domain)
            lo[j], hi[j] = d[0], d[-1]
            if len(d) > 2:
                var_domain[j] = d
        obj = proto.objective
        ov = np.asarray(list(obj.vars), dtype=np.int64)
        dlo = np.ones(len(blen), dtype=np.int64)
        dhi = np.zeros(len(blen), dtype=np.int64)
        for c, d in domain.items():
            if len(d) == 2:
                dlo[c], dhi[c] = d
        return cls(
            n_vars=n_vars,
            kind=np.asarray(kinds, dtype=np.int8),
            body_start=body_start,
            body=b,
            coeff=np.asarray(coeff, dtype=np.int64),
            enf_start=enf_start,
            enf=e_arr,
            domain=domain,
            var_start=var_start,
            var_cts=var_cts,
            lo=lo,
            hi=hi,
            var_domain=var_domain,
            dlo=dlo,
            dhi=dhi,
            obj_vars=_var_of(ov),
            obj_neg=ov < 0,
            obj_coeff=np.asarray(list(obj.coeffs), dtype=np.int64),
        )

    def objective(self, sol: np.ndarray) -> int:
        """The objective's terms (without offset and scaling) in ``sol``."""
        v = sol[self.obj_vars]
        v = np.where(self.obj_neg, 1 - v, v)
        return int(np.dot(self.obj_coeff, v))

    def constraints_of(self, free: np.ndarray) -> np.ndarray:
        """The constraints reading any of the variables ``free`` (indexes), sorted."""
        return np.unique(self.var_cts[_ranges(self.var_start, free)])

    def vars_of(self, cts: np.ndarray) -> np.ndarray:
        """The variables read by the constraints ``cts`` (indexes, with repeats)."""
        b = self.body[_ranges(self.body_start, cts)]
        e = self.enf[_ranges(self.enf_start, cts)]
        return _var_of(np.concatenate([b, e]))


def _readable(model: cp_model.CpModel) -> cp_model_pb2.CpModelProto:
    """A copy of ``model``'s proto as a Python protobuf message, written out by CP-SAT and read
    back: its fields read many times faster than the model's own proto object (Curtois & Qu
    24, 1.12 million variables and 624,000 constraints: the index took 27 s read from the
    model's proto, about 5 s from this copy, the copy included)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.pb"
        if not model.export_to_file(str(path)):
            raise Unsupported("the model could not be written out")
        return cp_model_pb2.CpModelProto.FromString(path.read_bytes())


def _ranges(start: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The positions ``start[r] .. start[r + 1] - 1`` of every row ``r`` of ``rows``, in order
    (a CSR gather without a Python loop)."""
    s, e = start[rows], start[rows + 1]
    lens = e - s
    total = int(lens.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(lens) - lens
    return np.repeat(s - offsets, lens) + np.arange(total, dtype=np.int64)


def _var_of(refs: np.ndarray) -> np.ndarray:
    return np.where(refs >= 0, refs, -refs - 1)


@dataclass
class SubModel:
    """A neighbourhood's model: ``free[k]`` is variable ``k`` of ``model``."""

    model: cp_model.CpModel
    free: np.ndarray
    objective_now: int  # the sub-objective's value in the solution it was cut from


def anchored(index: ProtoIndex, decision: np.ndarray) -> np.ndarray:
    """The non-decision variables that share a constraint with a decision variable (an on-day
    literal, a count, a cover slack): their values follow cells."""
    pos = np.arange(len(index.body), dtype=np.int64)
    body_ct = np.searchsorted(index.body_start, pos, side="right") - 1
    bv = _var_of(index.body)
    has = np.zeros(len(index.kind), dtype=bool)
    has[body_ct[decision[bv]]] = True
    epos = np.arange(len(index.enf), dtype=np.int64)
    enf_ct = np.searchsorted(index.enf_start, epos, side="right") - 1
    ev = _var_of(index.enf)
    has[enf_ct[decision[ev]]] = True
    out = np.zeros(index.n_vars, dtype=bool)
    out[bv[has[body_ct]]] = True
    out[ev[has[enf_ct]]] = True
    return out & ~decision


def close(
    index: ProtoIndex, seed: np.ndarray, decision: np.ndarray, anchor: np.ndarray
) -> np.ndarray:
    """The variables a neighbourhood frees: the decision variables ``seed``, every other
    variable that shares a constraint with one of them (its slack, count, on-day literal), and
    then, transitively, every variable not anchored to cells (:func:`anchored`: a weekend
    literal, a penalty on a count) that shares a constraint with a freed one. An anchored
    variable of cells left fixed stays fixed: its cells fix it (and fixing more than needed
    only narrows the neighbourhood: the current solution stays feasible)."""
    free = np.zeros(index.n_vars, dtype=bool)
    seed = np.unique(seed)
    free[seed] = True
    vs = index.vars_of(index.constraints_of(seed))
    frontier = np.unique(vs[~free[vs] & ~decision[vs]])
    free[frontier] = True
    while len(frontier):
        vs = index.vars_of(index.constraints_of(frontier))
        new = np.unique(vs[~free[vs] & ~decision[vs] & ~anchor[vs]])
        free[new] = True
        frontier = new
    return np.flatnonzero(free)


def extract(index: ProtoIndex, free: np.ndarray, sol: np.ndarray) -> SubModel:
    """The sub-model over the variables ``free`` (sorted indexes, closed under :func:`close`),
    every other variable fixed at its value in ``sol``.

    Vectorized over the constraints (their literals gathered in one array, fixed literals
    counted per constraint with ``bincount``) and written by one text-format merge: a
    neighbourhood of a few thousand constraints is cut in milliseconds."""
    sub = cp_model.CpModel()
    proto = sub.proto
    new = np.full(index.n_vars, -1, dtype=np.int64)
    new[free] = np.arange(len(free), dtype=np.int64)
    isfree = new >= 0
    text: list[str] = []
    lo, hi = index.lo[free], index.hi[free]
    if index.var_domain:
        for j, a, b in zip(free.tolist(), lo.tolist(), hi.tolist(), strict=True):
            d = index.var_domain.get(j, [a, b])
            text.append("variables{domain:[" + ",".join(map(str, d)) + "]}")
    elif len(free):
        bools = (lo == 0) & (hi == 1)
        if bools.all():
            text.append("variables{domain:[0,1]}" * len(free))
        else:
            for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
                text.append(f"variables{{domain:[{a},{b}]}}")

    cts = index.constraints_of(free)
    n = len(cts)
    # Enforcement literals: constraints with one fixed false are dropped.
    epos = _ranges(index.enf_start, cts)
    elen = index.enf_start[cts + 1] - index.enf_start[cts]
    eref = index.enf[epos]
    ecid = np.repeat(np.arange(n, dtype=np.int64), elen)
    ev = _var_of(eref)
    efree = isfree[ev]
    evalue = np.where(eref >= 0, sol[ev], 1 - sol[ev])
    e_false = np.bincount(ecid, weights=(~efree) & (evalue == 0), minlength=n) > 0
    e_nfree = np.bincount(ecid, weights=efree, minlength=n).astype(np.int64)
    enew = np.where(eref >= 0, new[ev], -new[ev] - 1)[efree].tolist()
    e_at = np.concatenate([[0], np.cumsum(e_nfree)]).tolist()
    # Bodies.
    bpos = _ranges(index.body_start, cts)
    blen = index.body_start[cts + 1] - index.body_start[cts]
    bref = index.body[bpos]
    bcid = np.repeat(np.arange(n, dtype=np.int64), blen)
    bv = _var_of(bref)
    bfree = isfree[bv]
    bval = sol[bv]
    lit = np.where(bref >= 0, bval, 1 - bval)
    fixed = ~bfree
    ones = np.bincount(bcid, weights=fixed & (lit == 1), minlength=n).astype(np.int64)
    zeros = np.bincount(bcid, weights=fixed & (lit == 0), minlength=n).astype(np.int64)
    const = np.bincount(bcid, weights=np.where(fixed, index.coeff[bpos] * bval, 0), minlength=n)
    nfree = np.bincount(bcid, weights=bfree, minlength=n).astype(np.int64)
    # Linear constraints the fixed part already satisfies whatever the free part takes
    # (most run windows and counts around a small neighbourhood) are left out.
    cf = np.where(bfree, index.coeff[bpos], 0)
    vlo, vhi = index.lo[bv], index.hi[bv]
    lo_part = np.bincount(bcid, weights=np.minimum(cf * vlo, cf * vhi), minlength=n) + const
    hi_part = np.bincount(bcid, weights=np.maximum(cf * vlo, cf * vhi), minlength=n) + const
    c_dlo, c_dhi = index.dlo[cts], index.dhi[cts]
    slack = ((c_dlo <= c_dhi) & (c_dlo <= lo_part) & (hi_part <= c_dhi)).tolist()
    bnew = np.where(bref >= 0, new[bv], -new[bv] - 1)[bfree].tolist()
    bcoef = index.coeff[bpos][bfree].tolist()
    b_at = np.concatenate([[0], np.cumsum(nfree)]).tolist()
    kinds = index.kind[cts].tolist()
    consts = np.rint(const).astype(np.int64).tolist()
    for k, (c, kind) in enumerate(zip(cts.tolist(), kinds, strict=True)):
        if e_false[k]:
            continue  # not enforced
        e = enew[e_at[k] : e_at[k + 1]]
        head = (
            "constraints{enforcement_literal:[" + ",".join(map(str, e)) + "]"
            if e
            else ("constraints{")
        )
        lits = bnew[b_at[k] : b_at[k + 1]]
        broken = False
        if kind == _LIN:
            if slack[k]:
                continue
            dom = [_shift(x, -consts[k]) for x in index.domain[c]]
            if not lits:
                broken = not _in_domain(0, dom)
            else:
                text.append(
                    head
                    + "linear{vars:["
                    + ",".join(map(str, lits))
                    + "] coeffs:["
                    + ",".join(map(str, bcoef[b_at[k] : b_at[k + 1]]))
                    + "] domain:["
                    + ",".join(map(str, dom))
                    + "]}}"
                )
        elif kind == _OR:
            if ones[k]:
                continue
            if not lits:
                broken = True
            else:
                text.append(head + "bool_or{literals:[" + ",".join(map(str, lits)) + "]}}")
        elif kind == _AND:
            if zeros[k]:
                broken = True
            elif lits:
                text.append(head + "bool_and{literals:[" + ",".join(map(str, lits)) + "]}}")
        else:  # at most one, exactly one
            if ones[k] > 1 or (kind == _EXO and ones[k] == 0 and not lits):
                broken = True
            elif ones[k] == 1:
                if lits:  # every free literal false
                    neg = ",".join(str(-r - 1) for r in lits)
                    text.append(head + "bool_and{literals:[" + neg + "]}}")
            elif kind == _EXO:
                text.append(head + "exactly_one{literals:[" + ",".join(map(str, lits)) + "]}}")
            elif len(lits) > 1:
                text.append(head + "at_most_one{literals:[" + ",".join(map(str, lits)) + "]}}")
        if broken:
            # The fixed part breaks the body: not every enforcement literal may hold.
            if not e:
                raise ValueError(f"the solution breaks constraint {c}")
            neg = ",".join(str(-r - 1) for r in e)
            text.append("constraints{bool_or{literals:[" + neg + "]}}")
    # The objective's terms over free variables.
    f = isfree[index.obj_vars]
    ov, neg_o, oc = index.obj_vars[f], index.obj_neg[f], index.obj_coeff[f]
    nv = new[ov]
    refs = np.where(neg_o, -nv - 1, nv)
    v = sol[ov]
    now = int(np.dot(oc, np.where(neg_o, 1 - v, v)))
    text.append(
        "objective{vars:["
        + ",".join(map(str, refs.tolist()))
        + "] coeffs:["
        + ",".join(map(str, oc.tolist()))
        + "] domain:["
        + f"{_INT_MIN + 1},{now}"
        + "]}"
    )
    # A complete hint: the current values.
    text.append(
        "solution_hint{vars:["
        + ",".join(map(str, range(len(free))))
        + "] values:["
        + ",".join(map(str, sol[free].tolist()))
        + "]}"
    )
    proto.merge_text_format("".join(text))
    return SubModel(sub, free, now)


def _shift(x: int, by: int) -> int:
    if x in (_INT_MIN, _INT_MAX):
        return x
    return max(_INT_MIN + 1, min(_INT_MAX - 1, x + by))


def _in_domain(v: int, dom: list[int]) -> bool:
    return any(dom[i] <= v <= dom[i + 1] for i in range(0, len(dom), 2))


@dataclass
class Cells:
    """The model's decision variables by cell: ``refs[person, day]`` lists the variables of
    that person and day (on-site cells, posts, tests), ``decision`` marks every decision
    variable."""

    people: int
    days: int
    refs: list[list[np.ndarray]]
    decision: np.ndarray
    anchor: np.ndarray
    staff: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, built: BuiltModel, index: ProtoIndex) -> Cells:
        n_vars = index.n_vars
        v = built.vars
        problem = built.ctx.problem
        staff = [s.id for s in problem.staff]
        days = problem.horizon.days
        row = {s: i for i, s in enumerate(staff)}
        extra: dict[tuple[int, int], list[int]] = {}
        for (s, _p, d, _sh), y in v.y.items():
            extra.setdefault((row[s], d), []).append(y.index)
        for (s, _p, d, _sh), r in v.r.items():
            extra.setdefault((row[s], d), []).append(r.index)
        for (s, d), t in v.t.items():
            extra.setdefault((row[s], d), []).append(t.index)
        decision = np.zeros(n_vars, dtype=bool)
        refs: list[list[np.ndarray]] = []
        for i, s in enumerate(staff):
            m = v.ref_matrix(s)
            per_day = []
            for d in range(days):
                got = m[d][m[d] >= 0] if d < len(m) else np.zeros(0, dtype=np.int64)
                more = extra.get((i, d))
                if more:
                    got = np.concatenate([got, np.asarray(more, dtype=np.int64)])
                decision[got] = True
                per_day.append(got.astype(np.int64))
            refs.append(per_day)
            v.forget_refs(s)
        for z in v.z.values():
            decision[z.index] = True
        return cls(len(staff), days, refs, decision, anchored(index, decision), staff)

    def seed(self, people: list[int], first: int, last: int) -> np.ndarray:
        parts = [self.refs[p][d] for p in people for d in range(first, last + 1)]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate(parts)


@dataclass
class Stats:
    """What :func:`improve` did, for the logs and the tests."""

    tried: int = 0
    improved: int = 0
    proven: int = 0
    invalid: int = 0  # sub-models CP-SAT rejected (a bug: none expected)
    index_time: float = 0.0
    extract_time: float = 0.0
    solve_time: float = 0.0
    sub_vars: list[int] = field(default_factory=list)
    start: int = 0
    end: int = 0
    sizes: list[int] = field(default_factory=list)


def improve(
    built: BuiltModel,
    solution: list[int],
    time_limit: float,
    workers: int = 1,
    *,
    rng: random.Random | None = None,
    on_improve: Callable[[np.ndarray, int], None] | None = None,
    index: ProtoIndex | None = None,
    cells: Cells | None = None,
) -> tuple[np.ndarray, Stats]:
    """``solution`` (a feasible solution of ``built``'s model) improved by re-solving
    neighbourhoods until ``time_limit`` seconds are spent: the best solution found (never
    worse than ``solution``) and what was done. ``on_improve`` hears each better solution and
    its objective (the objective's terms, without offset)."""
    t0 = time.perf_counter()
    rng = rng or random.Random(0)
    stats = Stats()
    model = built.model
    if index is None:
        index = ProtoIndex.of(model)
    if cells is None:
        cells = Cells.of(built, index)
    stats.index_time = time.perf_counter() - t0
    sol = np.asarray(solution, dtype=np.int64)
    current = index.objective(sol)
    stats.start = stats.end = current
    size = float(START_CELLS)
    P, D = cells.people, cells.days
    while True:
        left = time_limit - (time.perf_counter() - t0)
        if left < 0.2:
            break
        # A window of days x a group of people, of about ``size`` cells.
        cells_wanted = max(MIN_CELLS, min(int(size), P * D))
        shape = rng.random()
        if shape < 0.3:  # all the people, a few days
            width = max(1, min(D, round(cells_wanted / P)))
            people = list(range(P))
        elif shape < 0.5:  # a few people, the whole horizon
            width = D
            people = rng.sample(range(P), max(1, min(P, round(cells_wanted / D))))
        else:  # a group of people x a window
            width = max(1, min(D, int(rng.uniform(0.25, 1.0) * math.sqrt(cells_wanted) * 2)))
            k = max(1, min(P, round(cells_wanted / width)))
            people = rng.sample(range(P), k)
        first = rng.randrange(0, D - width + 1)
        seed = cells.seed(people, first, first + width - 1)
        if len(seed) == 0:
            continue
        t1 = time.perf_counter()
        free = close(index, seed, cells.decision, cells.anchor)
        sub = extract(index, free, sol)
        t2 = time.perf_counter()
        stats.extract_time += t2 - t1
        stats.sub_vars.append(len(free))
        solver = cp_model.CpSolver()
        span = min(SUB_TIME, left - 0.05)
        solver.parameters.max_time_in_seconds = span
        solver.parameters.num_workers = max(1, workers)
        solver.parameters.symmetry_level = 0
        code = solver.solve(sub.model)
        stats.solve_time += time.perf_counter() - t2
        stats.tried += 1
        stats.sizes.append(int(size))
        if code == cp_model.OPTIMAL:
            stats.proven += 1
            size = min(MAX_CELLS, size * GROW)
        elif code == cp_model.INFEASIBLE:
            size = min(MAX_CELLS, size * GROW)
        else:
            size = max(MIN_CELLS, size / GROW)
        if code == cp_model.MODEL_INVALID:
            stats.invalid += 1
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        got = np.asarray(solver.response_proto.solution, dtype=np.int64)
        value = int(round(solver.objective_value))
        if value > sub.objective_now:
            continue
        sol[free] = got
        if value < sub.objective_now:
            current += value - sub.objective_now
            stats.improved += 1
            if on_improve is not None:
                on_improve(sol, current)
    stats.end = current
    return sol, stats
