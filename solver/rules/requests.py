"""Requests: each unmet staff wish (to be on site, or not, on a date or shift) costs its weight
times the policy's multiplier."""

from __future__ import annotations

from solver.context import Ctx, Term
from solver.expr import neg


def build(ctx: Ctx) -> list[Term]:
    """One term per request in the horizon: its weight x multiplier when unmet."""
    rule = ctx.problem.policy.requests
    if not rule.enabled or rule.multiplier == 0:
        return []
    h, v = ctx.problem.horizon, ctx.vars
    terms: list[Term] = []
    for r in ctx.problem.requests:
        weight = r.weight * rule.multiplier
        if weight == 0 or not h.contains(r.date):
            continue
        d = h.day(r.date)
        lit = v.xv(r.staff, d, r.shift) if r.shift is not None else v.on_day(r.staff, d)
        unmet = neg(lit) if r.on_site else lit  # on_day is exact, so the literal is the breach
        if unmet is False:
            continue
        var = 1 if unmet is True else unmet
        what = "on site" if r.on_site else "not on site"
        terms.append(
            Term(
                "requests",
                weight,
                var,
                staff=r.staff,
                day=d,
                shift=r.shift,
                detail=f"asked to be {what}",
            )
        )
    return terms
