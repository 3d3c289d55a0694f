"""Fairness: on-site shifts spread evenly within a unit (max - min)."""

from __future__ import annotations

from collections import Counter

from roster.referee.judge import Judge


def shift_counts(j: Judge) -> Counter:
    """On-site shifts per person."""
    return Counter(sid for sid, _day, _shift in j.cells)


def check(j: Judge) -> None:
    """Per unit with at least two eligible members (``ProblemIndex.fairness_groups``):
    ``weight x (max - min)`` of their on-site shift counts, one penalty per unit."""
    rule = j.policy.fairness
    if not rule.enabled:
        return
    n = shift_counts(j)
    for unit, members in j.idx.fairness_groups.items():
        counts = {sid: n.get(sid, 0) for sid in members}
        hi = max(counts, key=counts.__getitem__)
        lo = min(counts, key=counts.__getitem__)
        spread = counts[hi] - counts[lo]
        j.penalty(
            "fairness",
            rule.weight * spread,
            j.tr(
                f"In {j.unit_name(unit)}, "
                f"{j.who(hi)} has {counts[hi]} on-site shifts and {j.who(lo)} "
                f"{counts[lo]} [{spread} x {rule.weight}]",
                f"Trong {j.unit_name(unit)}, {j.who(hi)} có {counts[hi]} ca trực tiếp còn "
                f"{j.who(lo)} có {counts[lo]} [{spread} x {rule.weight}]",
            ),
            unit=unit,
        )
