"""On-site cap: in every open slot and cap scope, the people on site who count toward the cap
are at most the scope's cap."""

from __future__ import annotations

from collections import Counter

from roster.referee.judge import Judge


def cap_counts(j: Judge) -> tuple[Counter, Counter]:
    """People on site who count toward the cap: per (day, shift, unit) and per slot."""
    per_unit: Counter = Counter()
    per_site: Counter = Counter()
    staff_by_id = j.idx.staff_by_id
    counts = {s.id for s in j.problem.staff if j.idx.counts_toward_cap(s.id)}
    for sid, day, shift in j.cells:
        if sid in counts:
            per_unit[(day, shift, staff_by_id[sid].unit)] += 1
            per_site[(day, shift)] += 1
    return per_unit, per_site


def check(j: Judge) -> None:
    """In every open slot and cap scope (``ProblemIndex.cap_scopes``), people on site who
    count toward the cap at most the scope's cap that day (``ProblemIndex.cap_on``: unit and
    dated overrides applied); amount = people above it."""
    rule = j.policy.cap
    if not rule.enabled:
        return
    per_unit, per_site = cap_counts(j)
    scopes = {(kind, unit): (len(members), cap) for kind, unit, members, cap in j.idx.cap_scopes}
    dated = j.idx.cap_is_dated
    for (day, shift), n_site in sorted(per_site.items(), key=j.slot_key):
        for (kind, unit), (headcount, base) in scopes.items():
            cap = j.idx.cap_on(kind, unit, headcount, day) if dated else base
            n = n_site if kind == "site" else per_unit.get((day, shift, unit), 0)
            if n > cap:
                j.breach(
                    rule,
                    "cap",
                    n - cap,
                    j.tr(
                        f"{n} people of {j.unit_name(unit)} "
                        f"are on site on {j.when(day)} ({j.shift(shift)}); the cap "
                        f"is {cap}: {n - cap} too many.",
                        f"{n} cán bộ của {j.unit_name(unit)} làm việc trực tiếp tại cơ quan "
                        f"ngày {j.when(day)} ({j.shift(shift)}); giới hạn là {cap}: "
                        f"thừa {n - cap} người.",
                    ),
                    day=day,
                    shift=shift,
                    unit=unit,
                )
