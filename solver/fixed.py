"""Fixed cells: a cell the head fixed by hand (on site, at a post, or not on site) is kept."""

from __future__ import annotations

from solver.context import Ctx, Term, neg


def build(ctx: Ctx) -> list[Term]:
    """Every fixed cell inside the horizon is kept (always hard)."""
    h = ctx.problem.horizon
    v = ctx.vars
    for i, f in enumerate(ctx.problem.fixed):
        if not h.contains(f.date):
            continue
        d = h.day(f.date)
        scope = (i,)
        x = v.xv(f.staff, d, f.shift)
        if not f.on_site:
            ctx.clause("fixed", scope, [neg(x)], None, "")
        elif f.post is None:
            ctx.clause("fixed", scope, [x], None, "")
        else:
            y = v.y.get((f.staff, f.post, d, f.shift), False)
            ctx.clause("fixed", scope, [y], None, "")
    return []
