"""Fixed cells: a cell the head fixed by hand is kept: on site (at a post if given), or not on
site (not at that post, when one is given)."""

from __future__ import annotations

from roster.scopes import FixedScope
from solver.context import Ctx, Term
from solver.expr import neg


def build(ctx: Ctx) -> list[Term]:
    """Every fixed cell inside the horizon is kept (always hard)."""
    h = ctx.problem.horizon
    v = ctx.vars
    for i, f in enumerate(ctx.problem.fixed):
        if not h.contains(f.date):
            continue
        d = h.day(f.date)
        scope = FixedScope(i)
        x = v.xv(f.staff, d, f.shift)
        if not f.on_site and f.post is not None:  # not at that post (elsewhere is fine)
            ctx.clause(
                "fixed", scope, [neg(v.y.get((f.staff, f.post, d, f.shift), False))], None, ""
            )
        elif not f.on_site:
            ctx.clause("fixed", scope, [neg(x)], None, "")
        elif f.post is None:
            ctx.clause("fixed", scope, [x], None, "")
        else:
            y = v.y.get((f.staff, f.post, d, f.shift), False)
            ctx.clause("fixed", scope, [y], None, "")
    return []
