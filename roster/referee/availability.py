"""Availability: nobody on site during leave, isolation or remote-only periods."""

from __future__ import annotations

from roster.referee.judge import Judge


def check(j: Judge) -> None:
    """On site in a slot an ``Absence`` covers: one breach per person-slot."""
    sw = j.policy.availability
    if not sw.enabled:
        return
    for (sid, day, shift), post in j.cells.items():
        a = j.idx.absence_at(sid, day, shift)
        if a is None:
            continue
        span = j.day(a.start) if a.start == a.end else f"{j.day(a.start)} - {j.day(a.end)}"
        note = f" ({a.note})" if a.note else ""
        j.breach(
            sw,
            "availability",
            1,
            j.tr(
                f"{j.who(sid)} is on site on {j.when(day)} "
                f"({j.shift(shift)}) but is recorded as {a.reason.value}{note} for "
                f"{span}.",
                f"{j.who(sid)} làm việc trực tiếp ngày {j.when(day)} ({j.shift(shift)}) "
                f"nhưng đang {j.reason(a.reason.value)}{note} từ {span}.",
            ),
            staff=sid,
            day=day,
            shift=shift,
            post=post,
        )
