"""Presence floors: in every open slot, at least the unit's floor of its people on site."""

from __future__ import annotations

from collections import Counter

from roster.referee.judge import Judge


def check(j: Judge) -> None:
    """Per unit and open slot with a floor (``ProblemIndex.presence_floors``): the unit's
    people on site (anyone of the unit) at least the floor; amount = people missing."""
    rule = j.policy.presence
    if not rule.enabled or not j.idx.presence_floors:
        return
    on_site: Counter = Counter()
    unit_of = {s.id: s.unit for s in j.problem.staff}
    for sid, day, shift in j.cells:
        if sid in unit_of:
            on_site[(unit_of[sid], day, shift)] += 1
    floors = j.idx.presence_floors
    for (unit, day, shift), floor in sorted(
        floors.items(), key=lambda kv: (j.slot_key(((kv[0][1], kv[0][2]),)), kv[0][0])
    ):
        n = on_site.get((unit, day, shift), 0)
        if n < floor:
            j.breach(
                rule,
                "presence",
                floor - n,
                j.tr(
                    f"{n} of {j.unit_name(unit)} on site on {j.when(day)} ({j.shift(shift)}); "
                    f"the unit's presence floor is {floor}: {floor - n} missing.",
                    f"{n} cán bộ của {j.unit_name(unit)} làm việc trực tiếp ngày {j.when(day)} "
                    f"({j.shift(shift)}); đơn vị cần tối thiểu {floor} người có mặt: "
                    f"thiếu {floor - n} người.",
                ),
                day=day,
                shift=shift,
                unit=unit,
            )
