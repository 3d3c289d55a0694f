"""Remote duties: each listed remote duty names a remote post open in that slot, a qualified
person, and that person is remote then (working, not on site, one duty a slot)."""

from __future__ import annotations

from typing import Any

from roster.referee.judge import Judge


def check(j: Judge) -> None:
    """Read ``roster.remote_duties``: unknown references, closed slots and missing skills are
    structure breaches (always hard); a duty of a person on site in the same slot, or two
    duties in one slot, are ``remote.on_site`` / ``double_booked`` (always hard); a duty while
    an absence sends the person off is ``remote.off`` (the remote switch: hard, or ``weight``
    per person-slot). Valid duties count toward their post's coverage."""
    idx = j.idx
    rule = j.policy.remote
    seen: dict[tuple[str, int, str], str] = {}
    for duty in j.roster.remote_duties:
        sid, shift, post = duty.staff, duty.shift, duty.post
        where: dict[str, Any] = dict(staff=sid, date=duty.date, shift=shift, post=post)
        if (
            sid not in idx.staff_by_id
            or shift not in idx.shift_by_id
            or post not in idx.post_by_id
            or not j.h.contains(duty.date)
        ):
            j.violation(
                "unknown",
                j.tr(
                    f"A remote duty names {sid!r} at {post!r} on {j.day(duty.date)} "
                    f"({shift}): unknown person, post or shift, or a date outside the horizon.",
                    f"Một nhiệm vụ làm tại nhà ghi {sid!r} tại {post!r} ngày {j.day(duty.date)} "
                    f"({shift}): cán bộ, quầy/nhiệm vụ hoặc ca không tồn tại, hoặc ngày nằm "
                    f"ngoài kỳ lập lịch.",
                ),
                **where,
            )
            continue
        day = j.h.day(duty.date)
        at = j.tr(
            f"{j.post(post)} on {j.when(day)} ({j.shift(shift)})",
            f"{j.post(post)} ngày {j.when(day)} ({j.shift(shift)})",
        )
        if post not in idx.remote_posts:
            j.violation(
                "remote.kind",
                j.tr(
                    f"{j.who(sid)} is listed for {at} from home, but that post is done on site.",
                    f"{j.who(sid)} được ghi làm {at} tại nhà, nhưng vị trí này phải làm việc "
                    f"trực tiếp tại cơ quan.",
                ),
                **where,
            )
            continue
        if (day, shift) not in idx.needs[post]:
            j.violation(
                "coverage.closed",
                j.tr(
                    f"{j.who(sid)} is listed for {at}, but that duty is not open in that shift.",
                    f"{j.who(sid)} được ghi làm {at}, nhưng ca này nhiệm vụ đó không mở.",
                ),
                **where,
            )
            continue
        if not idx.qualified(sid, post):
            skill = idx.post_by_id[post].skill
            j.violation(
                "coverage.skill",
                j.tr(
                    f"{j.who(sid)} is listed for {at} without the required skill '{skill}'.",
                    f"{j.who(sid)} được ghi làm {at} nhưng không có kỹ năng yêu cầu '{skill}'.",
                ),
                **where,
            )
            continue
        cell = (sid, day, shift)
        if cell in seen:
            j.violation(
                "double_booked",
                j.tr(
                    f"{j.who(sid)} has two remote duties on {j.when(day)} ({j.shift(shift)}): "
                    f"{j.post(seen[cell])} and {j.post(post)}; keep one.",
                    f"{j.who(sid)} có hai nhiệm vụ làm tại nhà ngày {j.when(day)} "
                    f"({j.shift(shift)}): {j.post(seen[cell])} và {j.post(post)}; chỉ giữ một.",
                ),
                **where,
            )
            continue
        seen[cell] = post
        if cell in j.cells:
            j.violation(
                "remote.on_site",
                j.tr(
                    f"{j.who(sid)} is on site on {j.when(day)} ({j.shift(shift)}) and also "
                    f"listed for {j.post(post)} from home; a remote duty is served from home.",
                    f"{j.who(sid)} làm việc trực tiếp ngày {j.when(day)} ({j.shift(shift)}) và "
                    f"cũng được ghi làm {j.post(post)} tại nhà; nhiệm vụ này phải làm tại nhà.",
                ),
                **where,
            )
            continue
        absence = idx.absence_at(sid, day, shift)
        if rule.enabled and absence is not None and absence.reason.is_off:
            j.breach(
                rule,
                "remote.off",
                1,
                j.tr(
                    f"{j.who(sid)} is listed for {at} but is off then ({absence.reason.value}).",
                    f"{j.who(sid)} được ghi làm {at} nhưng khi đó đang nghỉ "
                    f"({j.reason(absence.reason.value)}).",
                ),
                **where,
            )
        j.at_post[(post, day, shift)].append(sid)
