"""Requests: staff wishes to be (or not be) on site."""

from __future__ import annotations

from roster.referee.judge import Judge


def check(j: Judge) -> None:
    """Each unmet ``Request`` (its four cases) costs ``weight x multiplier``."""
    rule = j.policy.requests
    if not rule.enabled:
        return
    for r in j.problem.requests:
        if not j.h.contains(r.date):
            continue
        day = j.h.day(r.date)
        shifts = j.days_of.get(r.staff, {}).get(day, [])
        if r.on_site:
            unmet = (r.shift not in shifts) if r.shift is not None else not shifts
        else:
            unmet = (r.shift in shifts) if r.shift is not None else bool(shifts)
        if not unmet:
            continue
        if j.vi:
            slot = f"{j.shift(r.shift)} ngày {j.when(day)}" if r.shift else f"ngày {j.when(day)}"
            wish = "được làm việc trực tiếp" if r.on_site else "không làm việc trực tiếp"
        else:
            slot = f"{j.shift(r.shift)} on {j.when(day)}" if r.shift else j.when(day)
            wish = "to be on site" if r.on_site else "not to be on site"
        cost = r.weight * rule.multiplier
        j.penalty(
            "requests",
            cost,
            j.tr(
                f"{j.who(r.staff)} asked {wish} {slot}; not met [{r.weight} x {rule.multiplier}]",
                f"{j.who(r.staff)} đề nghị {wish} {slot}; chưa đáp ứng "
                f"[{r.weight} x {rule.multiplier}]",
            ),
            staff=r.staff,
            day=day,
            shift=r.shift,
        )
