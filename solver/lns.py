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
Neighbourhoods are random (a window of days, a group of people, or both) or aimed at a costly
objective term of the current solution (:class:`Aim`: an under-covered slot, an unmet
request), the kind chosen by its recent gain per second.
"""

from __future__ import annotations

import math
import os
import random
import tempfile
import threading
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
#: CP-SAT's parameters for a neighbourhood's solve: its full linear relaxation
#: (``linearization_level`` 2), one round of presolve, no Chvatal-Gomory or MIR cuts. The same
#: 40 neighbourhoods cut by a whole solve of each of Curtois & Qu 12, 13, 16, 17, 19 and 20,
#: each solved alone on one worker for 0.5 s (load 1-2), against CP-SAT's defaults: the sum of
#: the gains 3,182 against 1,338 (12), 1,577 / 858 (13), 2,496 / 905 (16), 1,381 / 1,062 (17),
#: 1,961 / 869 (19), 2,588 / 1,329 (20); proven optimal 25-35 of 40 against 16-22, median
#: seconds 0.08-0.22 against 0.28-0.50. ``ROSTER_LNS_SUB_LP=0``: CP-SAT's defaults.
SUB_PARAMS: dict[str, int | bool] = (
    {
        "linearization_level": 2,
        "max_presolve_iterations": 1,
        "add_cg_cuts": False,
        "add_mir_cuts": False,
    }
    if os.environ.get("ROSTER_LNS_SUB_LP", "1") != "0"
    else {}
)
#: Starting size of a neighbourhood, in free cells (person-days), and its limits; the size
#: grows by :data:`GROW` after a neighbourhood proven optimal within its time, and shrinks by
#: it after one that ran out of time (as CP-SAT adapts its neighbourhoods' difficulty).
START_CELLS, MIN_CELLS, MAX_CELLS = 200, 20, 20_000
GROW = 1.25
#: Aimed neighbourhoods (:class:`Aim`) mixed with the random ones (``ROSTER_LNS_AIM=0``: only
#: random ones, as before). Whole solves of Curtois & Qu 12, 13, 16-20, 60 s, 6 A/B pairs each
#: at load 5-10: on/off 0.983 in geometric mean, 12 0.89, 19 0.96, 18 1.056 (benchmarks/README).
AIM = os.environ.get("ROSTER_LNS_AIM", "1") != "0"
#: Each kind of neighbourhood (random, aimed) keeps at least this chance of being chosen,
#: whatever its success rate.
AIM_MIN_SHARE = 0.2
#: Each kind's success rate forgets by this factor per neighbourhood of that kind (the
#: costly terms change as the search goes: what paid early may not later).
AIM_DECAY = 0.95
#: Share of the aimed neighbourhoods that free scattered days (:meth:`Aim.scatter`) rather
#: than a window (Curtois & Qu 17, same start, 25 s, load 6: 12 gained a scattered try against
#: 28 an aimed window and 28 a random one).
AIM_SCATTER = float(os.environ.get("ROSTER_LNS_AIM_SCATTER", "0.25"))


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
    aimed: int = 0  # neighbourhoods aimed at a costly objective term
    aimed_improved: int = 0
    #: sub-solutions merged again because another neighbourhood changed what they read
    #: (:func:`_rebase`), and how many of those still improved
    rebased: int = 0
    rebased_kept: int = 0
    #: per kind of neighbourhood ("random", "window", "scatter"): tries, better, total gain
    kinds: dict[str, list[int]] = field(default_factory=dict)


class Aim:
    """Neighbourhoods aimed at where the cost is: an objective term of the current solution
    that costs (an under- or over-covered slot's slack, an unmet request, a penalty on a run
    or a count), picked with a chance proportional to its cost; the neighbourhood frees a
    window of days around one of the term's days, with the people the term reads (for a
    cover slack: everyone whose assignment counts towards that slot, i.e. who could fix it)
    and then the people who share a constraint with them on that day (who could take over
    their shift), then anyone.

    The cells a term reads come from the proto alone (:class:`ProtoIndex`): a term on a
    decision variable is its cell; otherwise the decision variables sharing a constraint with
    the term's variable, or, when there are none (a penalty on a count), those one constraint
    further away. A term that an aimed neighbourhood failed to improve is picked half as often
    each time (:attr:`fails`) until a neighbourhood frees it again and improves: an
    under-cover that no one can fix would otherwise take most of the neighbourhoods."""

    def __init__(self, index: ProtoIndex, cells: Cells) -> None:
        self.index = index
        self.cells = cells
        self.cell_of = np.full(index.n_vars, -1, dtype=np.int64)
        D = cells.days
        for p, per_day in enumerate(cells.refs):
            for d, refs in enumerate(per_day):
                if len(refs):
                    self.cell_of[refs] = p * D + d
        ov = index.obj_vars
        # Each term's literal's range (a negated term reads 1 - var).
        lit_lo = np.where(index.obj_neg, 1 - index.hi[ov], index.lo[ov])
        lit_hi = np.where(index.obj_neg, 1 - index.lo[ov], index.hi[ov])
        self._lit_lo, self._lit_hi = lit_lo, lit_hi
        self.fails = np.zeros(len(ov), dtype=np.int64)
        self._term_cells: dict[int, np.ndarray] = {}
        self._related: dict[tuple[int, int], np.ndarray] = {}

    def costs(self, sol: np.ndarray) -> np.ndarray:
        """Each objective term's cost above its best value in ``sol`` (a negative coefficient,
        e.g. a request to work, costs when its literal is below its maximum)."""
        ix = self.index
        v = sol[ix.obj_vars]
        lit = np.where(ix.obj_neg, 1 - v, v)
        c = ix.obj_coeff
        return np.where(c > 0, c * (lit - self._lit_lo), -c * (self._lit_hi - lit))

    def term_cells(self, j: int) -> np.ndarray:
        """The cells (person x days + day) term ``j`` reads, directly or through one or two
        constraints."""
        got = self._term_cells.get(j)
        if got is not None:
            return got
        ix = self.index
        v = int(ix.obj_vars[j])
        if self.cell_of[v] >= 0:
            got = self.cell_of[v : v + 1]
        else:
            vs = np.unique(ix.vars_of(ix.constraints_of(np.asarray([v], dtype=np.int64))))
            c = self.cell_of[vs]
            got = np.unique(c[c >= 0])
            if len(got) == 0:
                further = vs[(self.cell_of[vs] < 0) & (vs != v)]
                if len(further):
                    c = self.cell_of[ix.vars_of(ix.constraints_of(further))]
                    got = np.unique(c[c >= 0])
        self._term_cells[j] = got
        return got

    def related(self, person: int, day: int) -> np.ndarray:
        """The people whose cells on ``day`` share a constraint with ``person``'s (a cover of
        a shift they both may work): who could take over that person's shift."""
        key = (person, day)
        got = self._related.get(key)
        if got is None:
            refs = self.cells.refs[person][day]
            if len(refs):
                c = self.cell_of[self.index.vars_of(self.index.constraints_of(refs))]
                c = c[c >= 0]
                D = self.cells.days
                got = np.unique(c[c % D == day] // D)
            else:
                got = np.zeros(0, dtype=np.int64)
            self._related[key] = got
        return got

    def pick(self, sol: np.ndarray, rng: random.Random) -> int | None:
        """A costly term, with a chance proportional to its cost (halved per failure)."""
        w = self.costs(sol).astype(np.float64) * np.power(0.5, np.minimum(self.fails, 60))
        total = float(w.sum())
        if total <= 0:
            return None
        cum = np.cumsum(w)
        at = int(np.searchsorted(cum, rng.random() * total, side="right"))
        return min(len(w) - 1, at)

    def neighbourhood(
        self, j: int, cells_wanted: int, rng: random.Random
    ) -> tuple[list[int], int, int] | None:
        """People and a window of days (first, width) around term ``j``, of about
        ``cells_wanted`` cells."""
        tc = self.term_cells(j)
        if len(tc) == 0:
            return None
        P, D = self.cells.people, self.cells.days
        centre = int(tc[rng.randrange(len(tc))])
        day = centre % D
        if rng.random() < 0.3:  # all the people, a few days around it
            width = max(1, min(D, round(cells_wanted / P)))
            people = list(range(P))
        else:
            width = max(1, min(D, int(rng.uniform(0.25, 1.0) * math.sqrt(cells_wanted) * 2)))
            k = max(1, min(P, round(cells_wanted / width)))
            own = np.unique(tc // D).tolist()
            rng.shuffle(own)
            people = own[:k]
            if len(people) < k:
                near = self.related(centre // D, day).tolist()
                people = _topped_up(people, k, [near], P, rng)
        first = min(max(0, day - rng.randrange(width)), D - width)
        return people, first, width

    def scatter(
        self, j: int, sol: np.ndarray, cells_wanted: int, rng: random.Random
    ) -> tuple[list[int], list[int]] | None:
        """People and days (not a window) for term ``j`` and a few other costly terms that
        read some of the same people: the days around each, the people of ``j`` first. An
        under-covered slot and an over-covered one of the same skill days apart are fixed
        together by moving a shift between them, which no window of a few days frees."""
        tc = self.term_cells(j)
        if len(tc) == 0:
            return None
        P, D = self.cells.people, self.cells.days
        own = np.unique(tc // D)
        costly = np.flatnonzero(self.costs(sol) > 0)
        costly = costly[costly != j]
        days = {int(tc[rng.randrange(len(tc))]) % D}
        partners: list[np.ndarray] = []
        if len(costly):
            for t in rng.sample(costly.tolist(), min(len(costly), 40)):
                oc = self.term_cells(t)
                if len(oc) and np.isin(oc // D, own).any():
                    days.add(int(oc[rng.randrange(len(oc))]) % D)
                    partners.append(oc // D)
                    if len(partners) >= rng.randint(1, 3):
                        break
        spread: set[int] = set()
        for d in days:
            spread.update(x for x in (d - 1, d, d + 1) if 0 <= x < D)
        day_list = sorted(spread)
        k = max(1, min(P, round(cells_wanted / len(day_list))))
        people_l = own.tolist()
        rng.shuffle(people_l)
        pools = [np.unique(extra).tolist() for extra in partners]
        return _topped_up(people_l[:k], k, pools, P, rng), day_list


def _topped_up(
    people: list[int], k: int, pools: list[list[int]], P: int, rng: random.Random
) -> list[int]:
    """``people`` topped up to ``k`` of the ``P`` people: from each pool in turn (in a random
    order, people not already in), then from anyone."""
    taken = set(people)
    for pool in pools:
        if len(people) >= k:
            break
        more = [q for q in pool if q not in taken]
        rng.shuffle(more)
        people += more[: k - len(people)]
        taken.update(people)
    if len(people) < k:
        rest = [q for q in range(P) if q not in taken]
        people += rng.sample(rest, min(len(rest), k - len(people)))
    return people


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
    aim: bool | None = None,
    max_neighbourhoods: int | None = None,
    threads: int = 1,
) -> tuple[np.ndarray, Stats]:
    """``solution`` (a feasible solution of ``built``'s model) improved by re-solving
    neighbourhoods until ``time_limit`` seconds are spent: the best solution found (never
    worse than ``solution``) and what was done. ``on_improve`` hears each better solution and
    its objective (the objective's terms, without offset). ``aim`` (default :data:`AIM`) mixes
    neighbourhoods aimed at costly terms (:class:`Aim`) with the random ones, choosing between
    the two kinds by their recent gains per second; ``max_neighbourhoods`` stops the search
    after that many neighbourhoods (for the tests).

    ``threads`` neighbourhoods are solved at once (each solve on ``workers // threads``
    workers), all cut from the one current solution: a sub-solution is merged as it comes
    when nothing its sub-model read has changed since it was cut; otherwise its decision
    values are merged again over the current solution (:func:`_rebase`), kept when the
    whole objective does not get worse."""
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
    aimer = Aim(index, cells) if (AIM if aim is None else aim) else None
    # Per kind (random, aimed): the objective gained and the seconds spent (cut and solve),
    # both forgetting by AIM_DECAY per neighbourhood of that kind; the kind is chosen by gain
    # per second, not by success rate (a whole solve of Curtois & Qu 19, load 6: 32 of 39
    # aimed neighbourhoods better against 25 of 38 random ones, yet 11,287 against 10,972 for
    # random ones alone; they may succeed more often and gain less).
    wins, tries = [1.0, 1.0], [1.0, 1.0]
    threads = max(1, min(threads, workers))
    sub_workers = max(1, workers // threads)
    lock = threading.Lock()
    failure: list[BaseException] = []

    def run(rng: random.Random) -> None:
        nonlocal size, current
        while True:
            with lock:
                left = time_limit - (time.perf_counter() - t0)
                if (
                    failure
                    or left < 0.2
                    or (max_neighbourhoods is not None and stats.tried >= max_neighbourhoods)
                ):
                    return
                picked = _pick(cells, aimer, sol, size, wins, tries, rng)
                if picked is None:
                    continue
                seed, term, scattered = picked
                t1 = time.perf_counter()
                free = close(index, seed, cells.decision, cells.anchor)
                sub = extract(index, free, sol)
                if threads > 1:
                    reads = np.unique(index.vars_of(index.constraints_of(free)))
                    seen = sol[reads].copy()
                t2 = time.perf_counter()
                stats.extract_time += t2 - t1
                stats.sub_vars.append(len(free))
                stats.sizes.append(int(size))
                stats.tried += 1
            solver = cp_model.CpSolver()
            span = min(SUB_TIME, left - 0.05)
            solver.parameters.max_time_in_seconds = span
            solver.parameters.num_workers = sub_workers
            solver.parameters.symmetry_level = 0
            for name, setting in SUB_PARAMS.items():
                setattr(solver.parameters, name, setting)
            code = solver.solve(sub.model)
            with lock:
                stats.solve_time += time.perf_counter() - t2
                if code == cp_model.OPTIMAL:
                    stats.proven += 1
                    size = min(MAX_CELLS, size * GROW)
                elif code == cp_model.INFEASIBLE:
                    size = min(MAX_CELLS, size * GROW)
                else:
                    size = max(MIN_CELLS, size / GROW)
                if code == cp_model.MODEL_INVALID:
                    stats.invalid += 1
                better = False
                gain = 0
                if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                    got = np.asarray(solver.response_proto.solution, dtype=np.int64)
                    value, now = int(round(solver.objective_value)), sub.objective_now
                    keep = value <= now
                    if threads > 1 and keep and not np.array_equal(sol[reads], seen):
                        # Another neighbourhood moved what this one read: an equal move is
                        # dropped, a better one merged again over the current solution.
                        keep = False
                        if value < now:
                            stats.rebased += 1
                            again = _rebase(index, cells.decision, free, got, sol)
                            if again is not None:
                                got, value, now = again
                                keep = value <= now
                                stats.rebased_kept += value < now
                    if not keep:
                        value = now
                    else:
                        sol[free] = got
                    if value < now:
                        better = True
                        gain = now - value
                        current -= gain
                        stats.improved += 1
                        if on_improve is not None:
                            on_improve(sol, current)
                label = "random" if term is None else ("scatter" if scattered else "window")
                row = stats.kinds.setdefault(label, [0, 0, 0])
                row[0] += 1
                if better:
                    row[1] += 1
                    row[2] += gain
                if aimer is not None:
                    kind = 0 if term is None else 1
                    wins[kind] = wins[kind] * AIM_DECAY + gain
                    tries[kind] = tries[kind] * AIM_DECAY + (time.perf_counter() - t1)
                    if term is not None:
                        stats.aimed += 1
                        stats.aimed_improved += better
                        if not better:
                            aimer.fails[term] += 1
                    if better:
                        freed = np.zeros(index.n_vars, dtype=bool)
                        freed[free] = True
                        aimer.fails[freed[index.obj_vars]] = 0

    def guarded(rng: random.Random) -> None:
        try:
            run(rng)
        except BaseException as exc:  # raised again in the caller's thread, never lost
            with lock:
                failure.append(exc)

    others = [
        threading.Thread(target=guarded, args=(random.Random(rng.random()),), daemon=True)
        for _ in range(threads - 1)
    ]
    for th in others:
        th.start()
    guarded(rng)
    for th in others:
        th.join()
    if failure:
        raise failure[0]
    stats.end = current
    return sol, stats


def _pick(
    cells: Cells,
    aimer: Aim | None,
    sol: np.ndarray,
    size: float,
    wins: list[float],
    tries: list[float],
    rng: random.Random,
) -> tuple[np.ndarray, int | None, list[int]] | None:
    """A neighbourhood of about ``size`` cells: its seed (decision variables), the objective
    term it is aimed at (None: random) and its scattered days (empty: a window); None when it
    frees nothing."""
    P, D = cells.people, cells.days
    # A window of days x a group of people, of about ``size`` cells.
    cells_wanted = max(MIN_CELLS, min(int(size), P * D))
    term = None
    hood = None
    scattered: list[int] = []
    if aimer is not None:
        ra, rb = wins[0] / tries[0], wins[1] / tries[1]
        share = min(1 - AIM_MIN_SHARE, max(AIM_MIN_SHARE, rb / (ra + rb)))
        if rng.random() < share:
            term = aimer.pick(sol, rng)
            if term is not None:
                if rng.random() < AIM_SCATTER:
                    spots = aimer.scatter(term, sol, cells_wanted, rng)
                    if spots is not None:
                        hood = spots[0], 0, 0
                        scattered = spots[1]
                else:
                    hood = aimer.neighbourhood(term, cells_wanted, rng)
            if hood is None:
                term = None
    shape = rng.random() if hood is None else -1.0
    if hood is not None:
        people, first, width = hood
    elif shape < 0.3:  # all the people, a few days
        width = max(1, min(D, round(cells_wanted / P)))
        people = list(range(P))
    elif shape < 0.5:  # a few people, the whole horizon
        width = D
        people = rng.sample(range(P), max(1, min(P, round(cells_wanted / D))))
    else:  # a group of people x a window
        width = max(1, min(D, int(rng.uniform(0.25, 1.0) * math.sqrt(cells_wanted) * 2)))
        k = max(1, min(P, round(cells_wanted / width)))
        people = rng.sample(range(P), k)
    if hood is None:
        first = rng.randrange(0, D - width + 1)
    if scattered:
        seed = np.concatenate([cells.refs[p][d] for p in people for d in scattered])
    else:
        seed = cells.seed(people, first, first + width - 1)
    if len(seed) == 0:
        return None
    return seed, term, scattered


def _rebase(
    index: ProtoIndex, decision: np.ndarray, free: np.ndarray, got: np.ndarray, sol: np.ndarray
) -> tuple[np.ndarray, int, int] | None:
    """A sub-solution ``got`` over ``free`` cut from an earlier solution, merged over ``sol``
    (which another neighbourhood changed since): the sub-model cut again from ``sol`` with
    ``got``'s decision values fixed, the rest (slacks, counts, penalties) solved again. Its
    values, objective and the objective ``sol`` has there; None when the decision values no
    longer fit (a hard rule would break) or no longer lower the objective over ``sol`` (the
    sub-model bounds its objective by the current value, see :func:`extract`)."""
    sub = extract(index, free, sol)
    mine = np.flatnonzero(decision[free])
    sub.model.proto.merge_text_format(
        "".join(
            f"constraints{{linear{{vars:[{k}] coeffs:[1] domain:[{v},{v}]}}}}"
            for k, v in zip(mine.tolist(), got[mine].tolist(), strict=True)
        )
    )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = SUB_TIME
    solver.parameters.num_workers = 1
    code = solver.solve(sub.model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    out = np.asarray(solver.response_proto.solution, dtype=np.int64)
    return out, int(round(solver.objective_value)), sub.objective_now
