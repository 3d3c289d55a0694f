"""Availability: nobody on site during leave, isolation or remote-only periods."""

from __future__ import annotations

from roster.referee.judge import Judge, day_label


def check(j: Judge) -> None:
    """On site in a slot an ``Absence`` covers: one breach per person-slot."""
    sw = j.policy.availability
    if not sw.enabled:
        return
    for (sid, day, shift), post in j.cells.items():
        a = j.idx.absence_at(sid, day, shift)
        if a is None:
            continue
        span = (
            day_label(a.start) if a.start == a.end else f"{day_label(a.start)} - {day_label(a.end)}"
        )
        note = f" ({a.note})" if a.note else ""
        j.breach(
            sw,
            "availability",
            1,
            f"{j.who(sid)} is on site on {j.when(day)} "
            f"({j.shift(shift)}) but is recorded as {a.reason.value}{note} for "
            f"{span}.",
            staff=sid,
            day=day,
            shift=shift,
            post=post,
        )
