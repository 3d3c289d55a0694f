"""Remote duties: a person serving a remote post (hotline, phone follow-up, on-call) is remote in
that slot: working, not off. (Not on site and one duty a slot are structure: see
``solver/variables.py``.)"""

from __future__ import annotations

from roster.index import ProblemIndex
from roster.model import Problem
from roster.scopes import CellScope
from solver.context import Ctx, Term


def build(ctx: Ctx) -> list[Term]:
    """Serving a remote duty in a slot an absence sends the person off is a breach."""
    rule = ctx.problem.policy.remote
    if not rule.enabled:
        return []
    weight = ctx.switch_weight(rule)
    idx, v = ctx.idx, ctx.vars
    terms: list[Term] = []
    for (sid, post, d, sh), r in v.r.items():
        absence = idx.absence_at(sid, d, sh)
        if absence is None or not absence.reason.is_off:
            continue
        terms += ctx.clause(
            "remote.off",
            CellScope(sid, d, sh),
            [~r],
            weight,
            f"remote_off[{sid},{post},{d},{sh}]",
            staff=sid,
            day=d,
            shift=sh,
            post=post,
            detail=absence.reason.value,
        )
    return terms


def hard_links_people(problem: Problem, idx: ProblemIndex) -> bool:
    """The person-by-person first roster carries no remote duties: keep it for problems
    without remote posts (the duty variables exist whether the rule is on or off)."""
    return bool(idx.remote_posts)
