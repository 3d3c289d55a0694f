"""On-site cap: in every open slot and scope, the people on site who count toward the cap are at
most the cap of that scope."""

from __future__ import annotations

from solver.context import Ctx, Term


def build(ctx: Ctx) -> list[Term]:
    """In every open slot and cap scope, on-site people who count are at most the cap."""
    cap = ctx.problem.policy.cap
    if not cap.enabled:
        return []
    weight = ctx.switch_weight(cap)
    idx, v = ctx.idx, ctx.vars
    terms: list[Term] = []
    for kind, unit, members, limit in idx.cap_scopes:
        mset = set(members)
        for d, sh in idx.open_slots:
            xs = [x for s, x in v.x_by_slot.get((d, sh), ()) if s in mset]
            if len(xs) <= limit:
                continue
            where = unit if unit is not None else "site"
            terms += ctx.at_most(
                "cap",
                (kind, where, d, sh),
                sum(xs),
                limit,
                len(xs),
                weight,
                f"cap[{where},{d},{sh}]",
                day=d,
                shift=sh,
                unit=unit,
                detail=f"{kind} cap {limit}",
            )
    return terms
