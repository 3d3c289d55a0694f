"""On-site cap: in every open slot and scope, the people on site who count toward the cap are at
most the cap of that scope."""

from __future__ import annotations

from roster.index import ProblemIndex
from roster.model import Problem
from roster.scopes import CapScope
from solver.context import Ctx, Term


def build(ctx: Ctx) -> list[Term]:
    """In every open slot and cap scope, on-site people who count are at most the cap."""
    cap = ctx.problem.policy.cap
    if not cap.enabled:
        return []
    weight = ctx.switch_weight(cap)
    idx, v = ctx.idx, ctx.vars
    terms: list[Term] = []
    for kind, unit, members, base in idx.cap_scopes:
        mset = set(members)
        for d, sh in idx.open_slots:
            limit = idx.cap_on(kind, unit, len(members), d) if idx.cap_is_dated else base
            xs = [x for s, x in v.x_by_slot.get((d, sh), ()) if s in mset]
            if len(xs) <= limit:
                continue
            where = unit if unit is not None else "site"
            terms += ctx.at_most(
                "cap",
                CapScope(unit, d, sh),
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


def links_site(problem: Problem, idx: ProblemIndex, soft_hard_rules: bool) -> bool:
    """A site-wide cap scope links everyone on site."""
    cap = problem.policy.cap
    return cap.enabled and "site" in cap.scopes


def hard_links_people(problem: Problem, idx: ProblemIndex) -> bool:
    """A hard cap limits people together."""
    cap = problem.policy.cap
    return cap.enabled and cap.hard
