"""Coverage: every post has between ``min`` and ``max`` qualified people in each slot where it
has a need."""

from __future__ import annotations

from ortools.sat.python import cp_model

from roster.index import ProblemIndex
from roster.model import Problem
from roster.scopes import PostScope
from solver.context import Ctx, Term


def build(ctx: Ctx) -> list[Term]:
    """Post needs per open slot: shortfall per the post's under_weight or the coverage switch,
    excess per over_weight or forbidden."""
    idx, v = ctx.idx, ctx.vars
    switch = ctx.problem.policy.coverage
    switch_weight = ctx.switch_weight(switch) if switch.enabled else 0
    terms: list[Term] = []
    for post in ctx.problem.site.posts:
        under_w = post.under_weight if post.under_weight is not None else switch_weight
        for (d, sh), need in idx.needs[post.id].items():
            n, hi = v.post_load(post.id, d, sh)
            meta = dict(day=d, shift=sh, post=post.id, unit=post.unit)
            if not ctx.diagnosis and not isinstance(n, int):
                exact = _exact(post.id, n, need.min, need.max, hi, under_w, post.over_weight, meta)
                if exact is not None:
                    terms += exact
                    continue
            if (
                need.max == need.min > 0
                and hi > need.min
                and under_w
                and post.over_weight
                and not ctx.diagnosis
            ):
                terms += _target(
                    ctx, post.id, d, sh, n, need.min, hi, under_w, post.over_weight, meta
                )
                continue
            if need.min > 0:
                terms += ctx.at_least(
                    "coverage.under",
                    PostScope(post.id, d, sh),
                    n,
                    need.min,
                    0,
                    under_w,
                    f"under[{post.id},{d},{sh}]",
                    detail=f"needs {need.min}",
                    **meta,
                )
            if need.max is not None:
                terms += ctx.at_most(
                    "coverage.over",
                    PostScope(post.id, d, sh),
                    n,
                    need.max,
                    hi,
                    post.over_weight,
                    f"over[{post.id},{d},{sh}]",
                    detail=f"at most {need.max}",
                    **meta,
                )
    return terms


def _exact(
    post: str,
    n: cp_model.LinearExprT,
    need_min: int,
    need_max: int | None,
    hi: int,
    under_w: int | None,
    over_w: int | None,
    meta: dict,
) -> list[Term] | None:
    """The soft cost of a slot as a linear term of its load ``n`` when no variable is needed:
    a shortfall that fewer people than the need can fill (``hi <= min``: shortfall
    ``min - n``, never an excess) or an excess where nobody is needed (``min = max = 0``:
    excess ``n``). None in the other cases. Both terms are exact, so the objective is the same
    as with a penalty variable; a one-person model (the person-by-person start) then prices
    each of the person's cells directly."""
    if need_min > 0 and hi <= need_min and under_w and (need_max is None or hi <= need_max):
        return [
            Term(
                "coverage.under",
                under_w,
                need_min - n,
                amount=lambda val: max(0, need_min - val(n)),
                detail=f"needs {need_min}",
                **meta,
            )
        ]
    if need_min == 0 and need_max == 0 and over_w:
        return [
            Term(
                "coverage.over",
                over_w,
                n,
                amount=lambda val: max(0, val(n)),
                detail="at most 0",
                **meta,
            )
        ]
    return None


def _target(
    ctx: Ctx,
    post: str,
    d: int,
    sh: str,
    n: cp_model.LinearExprT,
    need: int,
    hi: int,
    under_w: int,
    over_w: int,
    meta: dict,
) -> list[Term]:
    """Soft on both sides of an exact need: ``n - need == over - under``, one equality (the
    LP sees the shortfall and the excess of the same count)."""
    under = ctx.model.new_int_var(0, need, f"under[{post},{d},{sh}]")
    over = ctx.model.new_int_var(0, hi - need, f"over[{post},{d},{sh}]")
    refs = ctx.vars.post_load_refs(post, d, sh)
    if refs is None:
        ctx.model.add(n - need == over - under)
    else:
        # The same constraint written from the pool's indexes (bulk models: Curtois & Qu 24,
        # 10,628 slots of about 70 people).
        lin = ctx.model.proto.constraints.add().linear
        lin.vars.extend([*refs, under.index, over.index])
        lin.coeffs.extend([1] * len(refs) + [1, -1])
        lin.domain.extend((need, need))
    return [
        Term(
            "coverage.under",
            under_w,
            under,
            amount=lambda val: max(0, need - val(n)),
            detail=f"needs {need}",
            **meta,
        ),
        Term(
            "coverage.over",
            over_w,
            over,
            amount=lambda val: max(0, val(n) - need),
            detail=f"at most {need}",
            **meta,
        ),
    ]


def hard_links_people(problem: Problem, idx: ProblemIndex) -> bool:
    """A hard minimum or maximum of a post reads everyone qualified for it."""
    coverage_hard = problem.policy.coverage.enabled and problem.policy.coverage.hard
    for post in problem.site.posts:
        needs = idx.needs.get(post.id, {})
        if post.under_weight is None and coverage_hard and any(n.min > 0 for n in needs.values()):
            return True
        if post.over_weight is None and any(n.max is not None for n in needs.values()):
            return True
    return False
