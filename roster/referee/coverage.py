"""Coverage: each post open in a slot gets ``min``..``max`` qualified people."""

from __future__ import annotations

from typing import Any

from roster.referee.judge import Judge


def check(j: Judge) -> None:
    """Post coverage in every open slot with a demand: ``n`` = qualified people at the post.

    Shortfall ``min - n``: ``under_weight`` per person when set, else the ``coverage``
    switch. Excess ``n - max``: ``over_weight`` per person when set, else always forbidden.
    """
    sw = j.policy.coverage
    for p in j.problem.site.posts:
        for (day, shift), need in j.idx.needs[p.id].items():
            n = len(j.at_post.get((p.id, day, shift), ()))
            where: dict[str, Any] = dict(day=day, shift=shift, post=p.id, unit=p.unit)
            at = j.tr(
                f"{j.post(p.id)} on {j.when(day)} ({j.shift(shift)})",
                f"{j.post(p.id)} ngày {j.when(day)} ({j.shift(shift)})",
            )
            head = at[:1].upper() + at[1:]  # a sentence opens with a capital: "Quầy L1 ngày ..."
            if n < need.min:
                short = need.min - n
                msg = j.tr(
                    f"{at} has {n} qualified {'person' if n == 1 else 'people'}, needs "
                    f"{need.min}: {short} missing.",
                    f"{head} có {n} người đủ kỹ năng, cần {need.min}: thiếu {short} người.",
                )
                if p.under_weight is not None:
                    j.penalty(
                        "coverage.under",
                        p.under_weight * short,
                        f"{msg} [{short} x {p.under_weight}]",
                        **where,
                    )
                elif sw.enabled:
                    j.breach(sw, "coverage.under", short, msg, **where)
            if need.max is not None and n > need.max:
                extra = n - need.max
                msg = j.tr(
                    f"{at} has {n} people, at most {need.max} may serve: {extra} too many.",
                    f"{head} có {n} người, tối đa {need.max} người: thừa {extra} người.",
                )
                if p.over_weight is not None:
                    j.penalty(
                        "coverage.over",
                        p.over_weight * extra,
                        f"{msg} [{extra} x {p.over_weight}]",
                        **where,
                    )
                else:
                    j.violation("coverage.over", msg, **where)
