"""Structure (always hard): reads every assignment into the judge's facts and reports unknown
references, closed slots, double bookings, posts without demand or skill, and general duty."""

from __future__ import annotations

from roster.referee.judge import Judge


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
                j.tr(
                    f"The roster puts unknown staff id {sid!r} on site on "
                    f"{j.day(a.date)} ({shift}); no such person on the staff list.",
                    f"Lịch xếp mã cán bộ không tồn tại {sid!r} làm việc trực tiếp tại cơ quan "
                    f"ngày {j.day(a.date)} ({shift}); danh sách cán bộ không có người này.",
                ),
                date=a.date,
                shift=shift,
                post=a.post,
            )
            continue
        if shift not in idx.shift_by_id:
            j.violation(
                "unknown",
                j.tr(
                    f"{j.who(sid)} is put on site on {j.day(a.date)} "
                    f"in unknown shift {shift!r}; the site has shifts "
                    f"{', '.join(idx.shift_ids)}.",
                    f"{j.who(sid)} được xếp trực tiếp ngày {j.day(a.date)} vào ca không tồn tại "
                    f"{shift!r}; cơ quan có các ca {', '.join(idx.shift_ids)}.",
                ),
                staff=sid,
                date=a.date,
                shift=shift,
                post=a.post,
            )
            continue
        if not j.h.contains(a.date):
            j.violation(
                "unknown",
                j.tr(
                    f"{j.who(sid)} is put on site on "
                    f"{j.day(a.date)} ({j.shift(shift)}), outside the horizon "
                    f"{j.day(j.h.start)} - {j.day(j.h.end)}.",
                    f"{j.who(sid)} được xếp trực tiếp ngày {j.day(a.date)} ({j.shift(shift)}), "
                    f"ngoài kỳ lập lịch {j.day(j.h.start)} - {j.day(j.h.end)}.",
                ),
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
                j.tr(
                    f"{j.who(sid)} is put on site on {j.when(day)} "
                    f"({j.shift(shift)}), but the office is closed then.",
                    f"{j.who(sid)} được xếp trực tiếp ngày {j.when(day)} ({j.shift(shift)}), "
                    f"nhưng khi đó cơ quan đóng cửa.",
                ),
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
                j.tr(
                    f"{j.who(sid)} is listed twice on "
                    f"{j.when(day)} ({j.shift(shift)}): at "
                    f"{j.post(j.cells[cell])} and at {j.post(a.post)}; keep "
                    f"one.",
                    f"{j.who(sid)} bị xếp hai lần ngày {j.when(day)} ({j.shift(shift)}): "
                    f"{j.post(j.cells[cell])} và {j.post(a.post)}; chỉ giữ một.",
                ),
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
                j.tr(
                    f"{j.who(sid)} is put at unknown post {post!r} on "
                    f"{j.when(day)} ({j.shift(shift)}).",
                    f"{j.who(sid)} được xếp vào quầy/nhiệm vụ không tồn tại {post!r} ngày "
                    f"{j.when(day)} ({j.shift(shift)}).",
                ),
                staff=sid,
                day=day,
                shift=shift,
                post=post,
            )
        elif post is not None:
            if (day, shift) not in needs[post]:
                j.violation(
                    "coverage.closed",
                    j.tr(
                        f"{j.who(sid)} is put at "
                        f"{j.post(post)} on {j.when(day)} ({j.shift(shift)}), "
                        f"but that post is not open in that shift.",
                        f"{j.who(sid)} được xếp vào {j.post(post)} ngày {j.when(day)} "
                        f"({j.shift(shift)}), nhưng ca này {j.post(post)} không mở.",
                    ),
                    staff=sid,
                    day=day,
                    shift=shift,
                    post=post,
                )
            elif post in idx.remote_posts:
                j.violation(
                    "remote.at_office",
                    j.tr(
                        f"{j.who(sid)} is put on site at {j.post(post)} on {j.when(day)} "
                        f"({j.shift(shift)}), but that duty is done from home: list it under "
                        f"remote duties.",
                        f"{j.who(sid)} được xếp trực tiếp tại cơ quan cho {j.post(post)} ngày "
                        f"{j.when(day)} ({j.shift(shift)}), nhưng nhiệm vụ này làm việc tại nhà: "
                        f"hãy ghi vào danh sách nhiệm vụ làm tại nhà.",
                    ),
                    staff=sid,
                    day=day,
                    shift=shift,
                    post=post,
                )
            elif not idx.qualified(sid, post):
                skill = idx.post_by_id[post].skill
                j.violation(
                    "coverage.skill",
                    j.tr(
                        f"{j.who(sid)} is put at "
                        f"{j.post(post)} on {j.when(day)} ({j.shift(shift)}) "
                        f"without the required skill '{skill}'.",
                        f"{j.who(sid)} được xếp vào {j.post(post)} ngày {j.when(day)} "
                        f"({j.shift(shift)}) nhưng không có kỹ năng yêu cầu '{skill}'.",
                    ),
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
                j.tr(
                    f"{j.who(sid)} is on site on {j.when(day)} "
                    f"({j.shift(shift)}) without a post; every person on site must "
                    f"cover a post.",
                    f"{j.who(sid)} làm việc trực tiếp ngày {j.when(day)} ({j.shift(shift)}) "
                    f"mà không được phân công quầy/nhiệm vụ; mọi cán bộ có mặt tại cơ quan "
                    f"phải đảm nhận một quầy/nhiệm vụ.",
                ),
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
