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
        slot = f"{j.shift(r.shift)} on {j.when(day)}" if r.shift else j.when(day)
        wish = "to be on site" if r.on_site else "not to be on site"
        cost = r.weight * rule.multiplier
        j.penalty(
            "requests",
            cost,
            f"{j.who(r.staff)} asked {wish} {slot}; not met [{r.weight} x {rule.multiplier}]",
            staff=r.staff,
            day=day,
            shift=r.shift,
        )
