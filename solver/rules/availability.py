"""Availability: nobody is on site in a slot an absence covers (leave, isolation, sickness, rest,
remote-only)."""

from __future__ import annotations

from roster.scopes import PersonScope
from solver.context import Ctx, Term
from solver.variables import unavailable_cells


def build(ctx: Ctx) -> list[Term]:
    """Being on site in a slot an absence covers is a breach (hard, or a weight per slot)."""
    av = ctx.problem.policy.availability
    if not av.enabled:
        return []
    weight = ctx.switch_weight(av)
    if weight is None and not ctx.diagnosis:
        # Hard: the variables of unavailable cells were never created (build_vars), so there
        # is nothing to forbid (Curtois & Qu 24: 188,000 cell look-ups saved).
        return []
    terms: list[Term] = []
    for cell in sorted(unavailable_cells(ctx.problem, ctx.idx)):
        x = ctx.vars.x.get(cell)
        if x is None:
            continue
        s, d, sh = cell
        terms += ctx.clause(
            "availability",
            PersonScope(s),
            [~x],
            weight,
            f"unavailable[{s},{d},{sh}]",
            staff=s,
            day=d,
            shift=sh,
        )
    return terms
