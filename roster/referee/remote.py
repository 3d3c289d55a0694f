"""Remote duties: each listed remote duty names a remote post open in that slot, a qualified
person, and that person is remote then (working, not on site, one duty a slot)."""

from __future__ import annotations

from typing import Any

from roster.referee.judge import Judge, day_label


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
                f"A remote duty names {sid!r} at {post!r} on {day_label(duty.date)} "
                f"({shift}): unknown person, post or shift, or a date outside the horizon.",
                **where,
            )
            continue
        day = j.h.day(duty.date)
        at = f"{j.post(post)} on {j.when(day)} ({j.shift(shift)})"
        if post not in idx.remote_posts:
            j.violation(
                "remote.kind",
                f"{j.who(sid)} is listed for {at} from home, but that post is done on site.",
                **where,
            )
            continue
        if (day, shift) not in idx.needs[post]:
            j.violation(
                "coverage.closed",
                f"{j.who(sid)} is listed for {at}, but that duty is not open in that shift.",
                **where,
            )
            continue
        if not idx.qualified(sid, post):
            skill = idx.post_by_id[post].skill
            j.violation(
                "coverage.skill",
                f"{j.who(sid)} is listed for {at} without the required skill '{skill}'.",
                **where,
            )
            continue
        cell = (sid, day, shift)
        if cell in seen:
            j.violation(
                "double_booked",
                f"{j.who(sid)} has two remote duties on {j.when(day)} ({j.shift(shift)}): "
                f"{j.post(seen[cell])} and {j.post(post)}; keep one.",
                **where,
            )
            continue
        seen[cell] = post
        if cell in j.cells:
            j.violation(
                "remote.on_site",
                f"{j.who(sid)} is on site on {j.when(day)} ({j.shift(shift)}) and also listed "
                f"for {j.post(post)} from home; a remote duty is served from home.",
                **where,
            )
            continue
        absence = idx.absence_at(sid, day, shift)
        if rule.enabled and absence is not None and absence.reason.is_off:
            j.breach(
                rule,
                "remote.off",
                1,
                f"{j.who(sid)} is listed for {at} but is off then ({absence.reason.value}).",
                **where,
            )
        j.at_post[(post, day, shift)].append(sid)
