"""Structure (always hard): reads every assignment into the judge's facts and reports unknown
references, closed slots, double bookings, posts without demand or skill, and general duty."""

from __future__ import annotations

from roster.referee.judge import Judge, day_label


def check(j: Judge) -> None:
    """Read the assignments (see the module docstring for what is reported and ignored)."""
    idx = j.idx
    open_slots = idx.open_slot_set
    needs = idx.needs
    duty_ok = j.problem.site.general_duty_allowed
    for a in j.roster.assignments:
        sid, shift = a.staff, a.shift
        if sid not in idx.staff_by_id:
            j.violation(
                "unknown",
                f"The roster puts unknown staff id {sid!r} on site on "
                f"{day_label(a.date)} ({shift}); no such person on the staff list.",
                date=a.date,
                shift=shift,
                post=a.post,
            )
            continue
        if shift not in idx.shift_by_id:
            j.violation(
                "unknown",
                f"{j.who(sid)} is put on site on {day_label(a.date)} "
                f"in unknown shift {shift!r}; the site has shifts "
                f"{', '.join(idx.shift_ids)}.",
                staff=sid,
                date=a.date,
                shift=shift,
                post=a.post,
            )
            continue
        if not j.h.contains(a.date):
            j.violation(
                "unknown",
                f"{j.who(sid)} is put on site on "
                f"{day_label(a.date)} ({j.shift(shift)}), outside the horizon "
                f"{day_label(j.h.start)} - {day_label(j.h.end)}.",
                staff=sid,
                date=a.date,
                shift=shift,
                post=a.post,
            )
            continue
        day = j.h.day(a.date)
        if (day, shift) not in open_slots:
            j.violation(
                "closed",
                f"{j.who(sid)} is put on site on {j.when(day)} "
                f"({j.shift(shift)}), but the office is closed then.",
                staff=sid,
                day=day,
                shift=shift,
                post=a.post,
            )
            continue
        cell = (sid, day, shift)
        if cell in j.cells:
            j.violation(
                "double_booked",
                f"{j.who(sid)} is listed twice on "
                f"{j.when(day)} ({j.shift(shift)}): at "
                f"{j.post(j.cells[cell])} and at {j.post(a.post)}; keep "
                f"one.",
                staff=sid,
                day=day,
                shift=shift,
                post=a.post,
            )
            continue
        post = a.post
        if post is not None and post not in idx.post_by_id:
            j.violation(
                "unknown",
                f"{j.who(sid)} is put at unknown post {post!r} on "
                f"{j.when(day)} ({j.shift(shift)}).",
                staff=sid,
                day=day,
                shift=shift,
                post=post,
            )
        elif post is not None:
            if (day, shift) not in needs[post]:
                j.violation(
                    "coverage.closed",
                    f"{j.who(sid)} is put at "
                    f"{j.post(post)} on {j.when(day)} ({j.shift(shift)}), "
                    f"but that post is not open in that shift.",
                    staff=sid,
                    day=day,
                    shift=shift,
                    post=post,
                )
            elif post in idx.remote_posts:
                j.violation(
                    "remote.at_office",
                    f"{j.who(sid)} is put on site at {j.post(post)} on {j.when(day)} "
                    f"({j.shift(shift)}), but that duty is done from home: list it under "
                    f"remote duties.",
                    staff=sid,
                    day=day,
                    shift=shift,
                    post=post,
                )
            elif not idx.qualified(sid, post):
                skill = idx.post_by_id[post].skill
                j.violation(
                    "coverage.skill",
                    f"{j.who(sid)} is put at "
                    f"{j.post(post)} on {j.when(day)} ({j.shift(shift)}) "
                    f"without the required skill '{skill}'.",
                    staff=sid,
                    day=day,
                    shift=shift,
                    post=post,
                )
            else:
                j.at_post[(post, day, shift)].append(sid)
        elif not duty_ok:
            j.violation(
                "general_duty",
                f"{j.who(sid)} is on site on {j.when(day)} "
                f"({j.shift(shift)}) without a post; every person on site must "
                f"cover a post.",
                staff=sid,
                day=day,
                shift=shift,
            )
        j.cells[cell] = post
        j.days_of[sid].setdefault(day, []).append(shift)
        j.slot_people[(day, shift)].append(sid)
    order = idx.shift_order
    for per_day in j.days_of.values():
        for shifts in per_day.values():
            shifts.sort(key=order.__getitem__)
