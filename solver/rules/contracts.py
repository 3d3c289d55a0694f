"""Contracts: shifts per day, rest between shifts, counts over windows, runs of consecutive days,
shift successions and worked weekends, per person as the person's contract says."""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from roster.model import Contract, CountLimit, RunLimit
from roster.scopes import PersonScope
from solver.context import Ctx, Term
from solver.expr import clause_breach, lsum, neg
from solver.protowrite import Rows
from solver.sequences import Span, add_hard_runs, add_soft_sequence_constraint, neg_ref

#: The lower end of a proto domain with no lower bound.
INT_MIN = -(2**63)
INT_MAX = 2**63 - 1


def build(ctx: Ctx) -> list[Term]:
    """Every contract rule for every person holding that contract."""
    terms: list[Term] = []
    rest_pairs = {name: _rest_pairs(ctx, c) for name, c in ctx.problem.policy.contracts.items()}
    for st in ctx.problem.staff:
        ctx.check_time()
        c = ctx.problem.policy.contracts[st.contract]
        s = st.id
        if ctx.vars.bulk and (c.runs or c.weekends is not None):
            ctx.vars.prepare_on_days(s)
        if c.max_shifts_per_day is not None:
            terms += _per_day(ctx, s, c.max_shifts_per_day)
        terms += _rest(ctx, s, rest_pairs[st.contract])
        for i, cl in enumerate(c.counts):
            terms += _count(ctx, s, i, cl)
        for i, rl in enumerate(c.runs):
            terms += _runs(ctx, s, i, rl)
        _run_windows(ctx, s, c)
        terms += _successions(ctx, s, c)
        terms += _weekends(ctx, s, c)
        ctx.vars.forget_refs(s)
    return terms


def _per_day(ctx: Ctx, s: str, limit: int) -> list[Term]:
    terms: list[Term] = []
    hw = ctx.hard_weight()
    by_day = ctx.vars.x_by_staff_day
    if limit == 1 and hw is None and not ctx.diagnosis:
        # One at-most-one per day with two cells or more, from the person's index matrix.
        refs = ctx.vars.ref_matrix(s)
        m = refs[(refs >= 0).sum(axis=1) > 1]
        rows = Rows(ctx.model, "at_most_one", bulk=ctx.vars.bulk)
        if rows.bulk:
            full = (m >= 0).all(axis=1)
            rows.add_matrix(m[full])
            m = m[~full]
        rows.add_ragged(m)
        rows.flush()
        return terms
    for d in range(ctx.idx.days):
        xs = [x for _, x in by_day.get((s, d), ())]
        if len(xs) <= limit:
            continue
        terms += ctx.at_most(
            "contract.per_day",
            PersonScope(s),
            lsum(xs),
            limit,
            len(xs),
            hw,
            f"per_day[{s},{d}]",
            staff=s,
            day=d,
            detail=f"at most {limit}",
        )
    return terms


def _rest_pairs(ctx: Ctx, c: Contract) -> list[tuple[int, str, str]]:
    """(day delta, shift a, shift b): a then b too close when both on site."""
    if c.min_rest_hours is None:
        return []
    idx = ctx.idx
    need = c.min_rest_hours * 60
    out = []
    ids = idx.shift_ids
    for a in ids:
        for b in ids:
            sa, sb = idx.shift_by_id[a], idx.shift_by_id[b]
            a_start = sa.start.hour * 60 + sa.start.minute
            b_start = sb.start.hour * 60 + sb.start.minute
            # Same day: b is the later shift (ties broken by shift order).
            later = (b_start, idx.shift_order[b]) > (a_start, idx.shift_order[a])
            if a != b and later and idx.rest_minutes(0, a, 0, b) < need:
                out.append((0, a, b))
            if idx.rest_minutes(0, a, 1, b) < need:
                out.append((1, a, b))
    return out


def _rest(ctx: Ctx, s: str, pairs: list[tuple[int, str, str]]) -> list[Term]:
    terms: list[Term] = []
    if not pairs:
        return terms
    v = ctx.vars
    for d in range(ctx.idx.days):
        for delta, a, b in pairs:
            if d + delta >= ctx.idx.days:
                continue
            x1, x2 = v.xv(s, d, a), v.xv(s, d + delta, b)
            if x1 is False or x2 is False:
                continue
            terms += ctx.clause(
                "contract.rest",
                PersonScope(s),
                [~x1, ~x2],
                ctx.hard_weight(),
                f"rest[{s},{d},{a},{b}]",
                staff=s,
                day=d + delta,
                shift=b,
                detail=f"after {a}",
            )
    return terms


def _count(ctx: Ctx, s: str, i: int, cl: CountLimit) -> list[Term]:
    idx, v = ctx.idx, ctx.vars
    windows = [list(range(idx.days))] if cl.window == "horizon" else idx.weeks
    terms: list[Term] = []
    fast = (
        cl.measure in ("shifts", "minutes")
        and cl.soft_min is None
        and cl.soft_max is None
        and ctx.hard_weight() is None
        and not ctx.diagnosis
    )
    for w, days in enumerate(windows):
        expr: cp_model.LinearExprT
        if fast and _hard_count(ctx, s, days, cl, len(windows) == 1):
            continue
        if cl.measure in ("shifts", "minutes"):
            items = _count_items(ctx, s, days, cl, len(windows) == 1)
            expr = (
                cp_model.LinearExpr.weighted_sum([x for _, x in items], [c for c, _ in items])
                if items
                else 0
            )
            lo, hi = 0, sum(c for c, _ in items)
        elif cl.measure == "days":
            lits = [lit for d in days if (lit := v.on_day(s, d, cl.shifts or None)) is not False]
            expr, lo, hi = lsum(lits), 0, len(lits)
        else:  # days_off
            lits = [lit for d in days if (lit := v.on_day(s, d)) is not False]
            expr, lo, hi = len(days) - lsum(lits), len(days) - len(lits), len(days)
        scope = PersonScope(s, (i, w))
        meta = dict(staff=s, day=days[0], detail=f"{cl.measure} per {cl.window}")
        hw = ctx.hard_weight()
        both = (
            cl.hard_min is not None
            and cl.hard_max is not None
            and hw is None
            and not ctx.diagnosis
            and not isinstance(expr, int)
            and lo < cl.hard_min <= cl.hard_max < hi
        )
        if both:
            assert cl.hard_min is not None and cl.hard_max is not None  # for the type checker
            # Both hard bounds as one constraint: the expression is flattened once (Curtois &
            # Qu 24: 150 sums of about 7,000 minutes terms each).
            ctx.model.add_linear_constraint(expr, cl.hard_min, cl.hard_max)
        elif cl.hard_min is not None:
            terms += ctx.at_least(
                "contract.count.min",
                scope,
                expr,
                cl.hard_min,
                lo,
                hw,
                f"count_hmin[{s},{i},{w}]",
                **meta,
            )
        if cl.hard_max is not None and not both:
            terms += ctx.at_most(
                "contract.count.max",
                scope,
                expr,
                cl.hard_max,
                hi,
                hw,
                f"count_hmax[{s},{i},{w}]",
                **meta,
            )
        if cl.soft_min is not None:
            terms += ctx.at_least(
                "contract.count.min",
                scope,
                expr,
                cl.soft_min,
                lo,
                cl.min_weight,
                f"count_smin[{s},{i},{w}]",
                **meta,
            )
        if cl.soft_max is not None:
            terms += ctx.at_most(
                "contract.count.max",
                scope,
                expr,
                cl.soft_max,
                hi,
                cl.max_weight,
                f"count_smax[{s},{i},{w}]",
                **meta,
            )
    return terms


def _hard_count(ctx: Ctx, s: str, days: list[int], cl: CountLimit, whole: bool) -> bool:
    """A count of shifts or minutes with hard bounds only, as one linear constraint written
    from the variables' proto indexes (the bounds the count can break; none when it cannot
    break them). False, and nothing added, when the general path must handle it (no cell,
    or bounds that exclude each other)."""
    minutes = cl.measure == "minutes"
    idx, v = ctx.idx, ctx.vars
    refs: list[int] = []
    coeffs: list[int] = []
    if whole and cl.shifts:
        by_shift = v.shift_refs(s)
        for sh in dict.fromkeys(cl.shifts):
            got = by_shift.get(sh, ())
            refs += got
            coeffs += [idx.shift_by_id[sh].minutes if minutes else 1] * len(got)
    elif whole and v.bulk and minutes and not cl.shifts:
        # Every cell of the person from the index matrix (row-major order is creation order).
        m = v.ref_matrix(s)
        present = m >= 0
        mins_by_col = np.array([idx.shift_by_id[sh].minutes for sh in v.shift_col], dtype=np.int64)
        refs = m[present].tolist()
        coeffs = mins_by_col[np.nonzero(present)[1]].tolist()
    elif whole:
        # Every cell of the person, in creation order.
        first, cells = v.cells.get(s, (0, []))
        if cl.shifts:
            only = set(cl.shifts)
            picked = [(i, sh) for i, (_, sh) in enumerate(cells, first) if sh in only]
            refs = [i for i, _ in picked]
            shifts = [sh for _, sh in picked]
        else:
            refs = list(range(first, first + len(cells)))
            shifts = [sh for _, sh in cells]
        if minutes:
            mins = {sh: idx.shift_by_id[sh].minutes for sh in idx.shift_ids}
            coeffs = [mins[sh] for sh in shifts]
        else:
            coeffs = [1] * len(refs)
    else:
        only = set(cl.shifts)
        by_day = v.day_refs(s)
        mins = {sh: idx.shift_by_id[sh].minutes if minutes else 1 for sh in idx.shift_ids}
        for d in days:
            for sh, i in by_day.get(d, ()):
                if not only or sh in only:
                    refs.append(i)
                    coeffs.append(mins[sh])
    if not refs:
        # No cell counted: the count is 0, which only a positive minimum or a negative
        # maximum can break (left to the general path). Curtois & Qu 24: the per-shift
        # maxima of the shifts a person has no variable for (1,631 look-ups saved).
        breakable = (cl.hard_min is not None and cl.hard_min > 0) or (
            cl.hard_max is not None and cl.hard_max < 0
        )
        return not breakable
    hi = sum(coeffs)
    lb = cl.hard_min if cl.hard_min is not None and cl.hard_min > 0 else None
    ub = cl.hard_max if cl.hard_max is not None and cl.hard_max < hi else None
    if lb is not None and ub is not None and lb > ub:
        return False
    if lb is None and ub is None:
        return True
    lin = ctx.model.proto.constraints.add().linear
    lin.vars.extend(refs)
    lin.coeffs.extend(coeffs)
    lin.domain.extend((INT_MIN if lb is None else lb, INT_MAX if ub is None else ub))
    return True


def _count_items(
    ctx: Ctx, s: str, days: list[int], cl: CountLimit, whole: bool
) -> list[tuple[int, cp_model.IntVar]]:
    """(coefficient, x) of the cells counted by ``cl`` on ``days`` (``whole``: every day)."""
    idx, v = ctx.idx, ctx.vars
    minutes = cl.measure == "minutes"
    if whole and cl.shifts:
        # Per shift, from the (staff, shift) index: no scan of every cell of the person.
        out = []
        for sh in dict.fromkeys(cl.shifts):
            c = idx.shift_by_id[sh].minutes if minutes else 1
            out += [(c, x) for _, x in v.x_by_staff_shift.get((s, sh), ())]
        return out
    only = set(cl.shifts)
    by_day = v.x_by_staff_day
    if not minutes:
        return [(1, x) for d in days for sh, x in by_day.get((s, d), ()) if not only or sh in only]
    mins = {sh: idx.shift_by_id[sh].minutes for sh in idx.shift_ids}
    return [
        (mins[sh], x) for d in days for sh, x in by_day.get((s, d), ()) if not only or sh in only
    ]


def _runs(ctx: Ctx, s: str, i: int, rl: RunLimit) -> list[Term]:
    v = ctx.vars
    prefix = f"run{i}[{s}]"
    hw = ctx.hard_weight()
    terms: list[Term] = []
    works: list = []
    if hw is not None or rl.soft_min is not None or rl.soft_max is not None:
        works = [v.on_day(s, d, rl.shifts or None) for d in range(ctx.idx.days)]
        if rl.state == "off":
            works = [neg(lit) for lit in works]
    if hw is None:
        # Hard bounds, each behind its own enforcement hook, written from literal references.
        refs = [v.on_day_ref(s, d, rl.shifts or None) for d in range(ctx.idx.days)]
        if rl.state == "off":
            refs = [neg_ref(r) for r in refs]
        if rl.hard_min is not None and rl.hard_min > 1:
            enforce = [e.index for e in ctx.enforce("contract.run.min", PersonScope(s, (i,)))]
            add_hard_runs(ctx.model, refs, rl.hard_min, None, rl.exempt_at_borders, enforce, v.bulk)
        if rl.hard_max is not None:
            enforce = [e.index for e in ctx.enforce("contract.run.max", PersonScope(s, (i,)))]
            add_hard_runs(ctx.model, refs, None, rl.hard_max, rl.exempt_at_borders, enforce, v.bulk)
    else:
        # soft_hard_rules: hard bounds become soft, a large weight per day of deviation.
        terms += _run_terms(
            ctx, s, rl, works, None, rl.hard_min, hw, rl.hard_max, None, hw, prefix + "_hard"
        )
    if not works:
        return terms
    hmin = rl.hard_min if hw is None else None
    hmax = rl.hard_max if hw is None else None
    terms += _run_terms(
        ctx,
        s,
        rl,
        works,
        hmin,
        rl.soft_min,
        rl.min_weight,
        rl.soft_max,
        hmax,
        rl.max_weight,
        prefix,
    )
    return terms


def _run_windows(ctx: Ctx, s: str, c: Contract) -> None:
    """Redundant: with runs of a state at most ``M`` days long (hard) and runs of the other
    state at least ``m`` days long (hard), any ``M + m`` consecutive days hold at most ``M``
    days of the first state.

    Two runs of the first state inside such a window are separated by a run of the other state
    that lies between two days of the horizon, so it is maximal, not at a border, and at least
    ``m`` long; hence more than ``M`` days in state need more than ``M + m`` days. CDCL search
    cannot derive this counting fact: with it, a 182-day contract of Curtois & Qu 20 (115-117
    shifts, runs of 2-5, days off in pairs) is solved in 0.05 s, without it not in 5 s.
    """
    if ctx.diagnosis or ctx.hard_weight() is not None:
        return
    whole = [r for r in c.runs if not r.shifts]
    v = ctx.vars
    on = None
    constraints = ctx.model.proto.constraints
    for a in whole:
        if a.hard_max is None:
            continue
        for b in whole:
            if b.state == a.state or b.hard_min is None or b.hard_min < 2:
                continue
            if on is None:
                on = [v.on_day_ref(s, d) for d in range(ctx.idx.days)]
            lits = on if a.state == "on" else [neg_ref(x) for x in on]
            length = a.hard_max + b.hard_min
            if v.bulk:
                _windows_text(ctx, lits, length, a.hard_max)
                continue
            for start in range(len(lits) - length + 1):
                window = [x for x in lits[start : start + length] if x is not False]
                if len(window) <= a.hard_max:
                    continue
                fixed = sum(1 for x in window if x is True)
                # sum of the literals <= hard_max - fixed; a negated literal is 1 - x.
                refs = [x for x in window if x is not True]
                negated = sum(1 for x in refs if x < 0)
                lin = constraints.add().linear
                lin.vars.extend([x if x >= 0 else -x - 1 for x in refs])
                lin.coeffs.extend([1 if x >= 0 else -1 for x in refs])
                lin.domain.extend((INT_MIN, a.hard_max - fixed - negated))


#: Stand-ins for the Python bool constants in the arrays of :func:`_windows_text`.
_TRUE = 2**62
_FALSE = _TRUE + 1


def _windows_text(ctx: Ctx, lits: list, length: int, most: int) -> None:
    """The window constraints of :func:`_run_windows` (``sum of the literals of any
    ``length`` consecutive days <= most``) for a bulk model: the same linears, in the same
    order, written in one text-format merge."""
    if len(lits) < length:
        return
    arr = np.array(
        [_TRUE if x is True else _FALSE if x is False else x for x in lits], dtype=np.int64
    )
    windows = np.lib.stride_tricks.sliding_window_view(arr, length)
    present = (windows != _FALSE).sum(axis=1)
    windows = windows[present > most]
    if not len(windows):
        return
    fixed = (windows == _TRUE).sum(axis=1)
    negated = (windows < 0).sum(axis=1)
    ub = (most - fixed - negated).tolist()
    plain = ((windows >= 0) & (windows < _TRUE)).all(axis=1).tolist()
    head = "constraints{linear{vars:["
    tail = f"]domain:[{INT_MIN},%d]}}}}"
    template = head + ",".join(["%d"] * length) + "]coeffs:[" + ",".join(["1"] * length) + tail
    text = []
    for row, k, simple in zip(windows.tolist(), ub, plain, strict=True):
        if simple:
            text.append(template % (*row, k))
            continue
        refs = [x for x in row if x < _TRUE]
        text.append(
            head
            + ",".join(str(x if x >= 0 else -x - 1) for x in refs)
            + "]coeffs:["
            + ",".join("1" if x >= 0 else "-1" for x in refs)
            + tail % k
        )
    ctx.model.proto.merge_text_format("".join(text))


def _run_terms(
    ctx: Ctx,
    s: str,
    rl: RunLimit,
    works: list,
    hard_min: int | None,
    soft_min: int | None,
    min_cost: int,
    soft_max: int | None,
    hard_max: int | None,
    max_cost: int,
    prefix: str,
) -> list[Term]:
    """Penalty terms of the soft run bounds (hard bounds given only to skip useless spans)."""
    spans: list[Span] = []
    pvars, coeffs = add_soft_sequence_constraint(
        ctx.model,
        works,
        hard_min,
        soft_min,
        min_cost,
        soft_max,
        hard_max,
        max_cost,
        prefix,
        rl.exempt_at_borders,
        spans=spans,
        add_hard=False,
    )
    terms = []
    for p, c, sp in zip(pvars, coeffs, spans, strict=True):
        rule = "contract.run.min" if sp.kind == "min" else "contract.run.max"
        what = "run" if sp.kind == "min" else "window"
        terms.append(
            Term(
                rule,
                c,
                p,
                amount=clause_breach(list(sp.clause)),
                staff=s,
                day=sp.start,
                detail=f"{rl.state} {what} of {sp.length} days",
            )
        )
    return terms


def _successions(ctx: Ctx, s: str, c: Contract) -> list[Term]:
    v = ctx.vars
    terms: list[Term] = []
    grouped = _grouped_successions(ctx, s, c)
    for sc in c.successions:
        if sc.weight is None and sc.first in grouped:
            continue
        weight = sc.weight if sc.weight is not None else ctx.hard_weight()
        for d in range(ctx.idx.days - 1):
            x1, x2 = v.xv(s, d, sc.first), v.xv(s, d + 1, sc.then)
            if x1 is False or x2 is False:
                continue
            terms += ctx.clause(
                "contract.succession",
                PersonScope(s),
                [~x1, ~x2],
                weight,
                f"succ[{s},{d},{sc.first},{sc.then}]",
                staff=s,
                day=d + 1,
                shift=sc.then,
                detail=f"{sc.first} then {sc.then}",
            )
    return terms


def _grouped_successions(ctx: Ctx, s: str, c: Contract) -> set[str]:
    """Hard successions as one at-most-one per (day, first shift): ``x[d, a] + sum of x[d+1, b]
    over the shifts b that may not follow a <= 1``. Valid only when at most one shift a day is
    hard (the b's of one day already exclude each other); it replaces one two-literal clause per
    pair (Curtois & Qu 13: 386,000 clauses, most of presolve's 11 s). Returns the first shifts so
    encoded."""
    if (
        ctx.diagnosis
        or ctx.hard_weight() is not None
        or c.max_shifts_per_day != 1
        or not c.successions
    ):
        return set()
    then: dict[str, list[str]] = {}
    for sc in c.successions:
        if sc.weight is None:
            then.setdefault(sc.first, []).append(sc.then)
    # First shifts with the same forbidden followers share one at-most-one per day: at most one
    # of them is worked on day d, at most one follower on d + 1, and every pair is forbidden
    # (Curtois & Qu 24: 32 first shifts, 8 distinct follower sets).
    groups: dict[frozenset[str], list[str]] = {}
    for a, bs in then.items():
        groups.setdefault(frozenset(bs), []).append(a)
    plan = [
        (firsts, sorted(bs, key=ctx.idx.shift_order.__getitem__)) for bs, firsts in groups.items()
    ]
    # Only the shifts this person may work at all (no variable for the others).
    mine = ctx.vars.shift_refs(s)
    col = ctx.idx.shift_order
    refs = ctx.vars.ref_matrix(s)
    rows = Rows(ctx.model, "at_most_one", bulk=ctx.vars.bulk)
    ordered: list[tuple[int, int, list[int]]] = []  # (day, group, row) when not in bulk
    for g, (firsts, bs) in enumerate(plan):
        fs = [col[a] for a in firsts if a in mine]
        bs2 = [col[b] for b in bs if b in mine]
        if not fs or not bs2:
            continue
        # Row d: the firsts on day d, then their forbidden followers on day d + 1.
        lhs, rhs = refs[:-1, fs], refs[1:, bs2]
        both = (lhs >= 0).any(axis=1) & (rhs >= 0).any(axis=1)
        m = np.hstack([lhs, rhs])[both]
        if rows.bulk:
            full = (m >= 0).all(axis=1)
            rows.add_matrix(m[full])
            rows.add_ragged(m[~full])
        else:
            days = np.flatnonzero(both).tolist()
            ordered += [
                (d, g, [x for x in row if x >= 0]) for d, row in zip(days, m.tolist(), strict=True)
            ]
    for _, _, row in sorted(ordered, key=lambda t: (t[0], t[1])):
        rows.add(row)
    rows.flush()
    return set(then)


def _weekends(ctx: Ctx, s: str, c: Contract) -> list[Term]:
    wl = c.weekends
    if wl is None or (wl.hard_max is None and wl.soft_max is None):
        return []
    v, model = ctx.vars, ctx.model
    worked = []
    for k, days in enumerate(ctx.idx.weekends):
        lits = [lit for d in days if (lit := v.on_day(s, d)) is not False]
        if not lits:
            continue
        if len(lits) == 1:
            worked.append(lits[0])
            continue
        w = model.new_bool_var(f"weekend[{s},{k}]")
        model.add_bool_or(lits).only_enforce_if(w)
        for lit in lits:
            model.add_implication(lit, w)
        worked.append(w)
    terms: list[Term] = []
    expr = lsum(worked)
    day = ctx.idx.weekends[0][0] if ctx.idx.weekends else None
    if wl.hard_max is not None:
        terms += ctx.at_most(
            "contract.weekends",
            PersonScope(s),
            expr,
            wl.hard_max,
            len(worked),
            ctx.hard_weight(),
            f"weekends_hmax[{s}]",
            staff=s,
            day=day,
        )
    if wl.soft_max is not None:
        terms += ctx.at_most(
            "contract.weekends",
            PersonScope(s),
            expr,
            wl.soft_max,
            len(worked),
            wl.weight,
            f"weekends_smax[{s}]",
            staff=s,
            day=day,
        )
    return terms
