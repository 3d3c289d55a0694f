"""Contracts: counts per window, runs of days, successions, rest, weekends and shifts per day,
per person by their ``Staff.contract``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from roster.referee.judge import Judge


def check(j: Judge) -> None:
    """Contract rules for every person, by ``Staff.contract``.

    * ``max_shifts_per_day`` (hard): one violation per day with more on-site shifts.
    * ``min_rest_hours`` (hard): over every two on-site shifts of a person on the same or
      consecutive days, ordered by start time (then site shift order), the minutes from the
      end of the earlier to the start of the later (``ProblemIndex.rest_minutes``, negative
      when they overlap) must be at least ``60 x min_rest_hours``; one violation per pair.
    * ``CountLimit``: per window (the horizon, or each calendar week's days inside the
      horizon, bounds not pro-rated for partial weeks): ``shifts``/``minutes`` count on-site
      shifts of ``shifts`` (all when empty); ``days`` counts days with one; ``days_off``
      counts days of the window with no on-site shift at all. One report per bound and
      window; soft cost ``min_weight x (soft_min - v)`` or ``max_weight x (v - soft_max)``.
    * ``RunLimit``: ``on`` days have an on-site shift of ``shifts`` (all when empty);
      ``off`` days are the other days: no on-site shift of ``shifts`` (so ``state="off",
      shifts=["N"]`` bounds runs of days without a night shift).
      Runs are maximal within the horizon. With ``exempt_at_borders`` a run containing day 0
      or the last day is exempt from ``hard_min``/``soft_min`` only. One report per run and
      bound.
    * ``Succession``: on site in ``first`` on day d and in ``then`` on day d + 1; one report
      per such d (forbidden, or ``weight``).
    * ``WeekendLimit``: weekends are ``ProblemIndex.weekends`` (the Saturday/Sunday days of
      each calendar week inside the horizon); worked if on site on any of those days.
      ``hard_max``: one violation per person; soft: ``weight x (worked - soft_max)``.
    """
    idx = j.idx
    all_days = list(range(idx.days))
    windows = {"horizon": [all_days], "week": idx.weeks}
    for s in j.problem.staff:
        c = j.policy.contracts[s.contract]
        on = j.days_of.get(s.id, {})
        if c.max_shifts_per_day is not None:
            for day in sorted(on):
                n = len(on[day])
                if n > c.max_shifts_per_day:
                    j.violation(
                        "contract.per_day",
                        j.tr(
                            f"{j.who(s.id)} has {n} shifts on "
                            f"{j.when(day)}; the contract allows "
                            f"{c.max_shifts_per_day}.",
                            f"{j.who(s.id)} có {n} ca ngày {j.when(day)}; hợp đồng chỉ cho phép "
                            f"{c.max_shifts_per_day}.",
                        ),
                        staff=s.id,
                        day=day,
                    )
        if c.min_rest_hours is not None:
            _rest(j, s.id, on, c.min_rest_hours)
        for cl in c.counts:
            for window in windows[cl.window]:
                _count(j, s.id, on, cl, window)
        for rl in c.runs:
            _runs(j, s.id, on, rl)
        for sc in c.successions:
            for day in sorted(on):
                if sc.first in on[day] and sc.then in on.get(day + 1, ()):
                    msg = j.tr(
                        f"{j.who(s.id)} works {j.shift(sc.first)} on "
                        f"{j.when(day)} then {j.shift(sc.then)} on "
                        f"{j.when(day + 1)}",
                        f"{j.who(s.id)} làm {j.shift(sc.first)} ngày {j.when(day)} rồi "
                        f"{j.shift(sc.then)} ngày {j.when(day + 1)}",
                    )
                    if sc.weight is None:
                        j.violation(
                            "contract.succession",
                            msg
                            + j.tr(", which the contract forbids.", ", hợp đồng không cho phép."),
                            staff=s.id,
                            day=day + 1,
                            shift=sc.then,
                        )
                    else:
                        j.penalty(
                            "contract.succession",
                            sc.weight,
                            f"{msg} [1 x {sc.weight}]",
                            staff=s.id,
                            day=day + 1,
                            shift=sc.then,
                        )
        if c.weekends is not None:
            _weekends(j, s.id, on, c.weekends)


def _rest(j: Judge, sid: str, on: dict[int, list[str]], hours: float) -> None:
    idx = j.idx
    sb = idx.shift_by_id
    items = sorted(
        ((day, sh) for day, shifts in on.items() for sh in shifts),
        key=lambda x: (
            x[0] * 1440 + sb[x[1]].start.hour * 60 + sb[x[1]].start.minute,
            idx.shift_order[x[1]],
        ),
    )
    need = hours * 60
    for i, (da, sa) in enumerate(items):
        for db, sbb in items[i + 1 :]:
            if db - da > 1:
                break
            rest = idx.rest_minutes(da, sa, db, sbb)
            if rest < need:
                j.violation(
                    "contract.rest",
                    j.tr(
                        f"{j.who(sid)} has only "
                        f"{_hours(j, rest)} between {j.shift(sa)} on "
                        f"{j.when(da)} and {j.shift(sbb)} on {j.when(db)}; "
                        f"the contract needs {_hours(j, need)}.",
                        f"{j.who(sid)} chỉ được nghỉ {_hours(j, rest)} giữa {j.shift(sa)} ngày "
                        f"{j.when(da)} và {j.shift(sbb)} ngày {j.when(db)}; hợp đồng yêu cầu "
                        f"{_hours(j, need)}.",
                    ),
                    staff=sid,
                    day=db,
                    shift=sbb,
                )


def _count(j: Judge, sid: str, on: dict[int, list[str]], cl: Any, window: list[int]) -> None:
    sb = j.idx.shift_by_id
    wanted = set(cl.shifts)
    if cl.measure == "days_off":
        v = sum(1 for d in window if not on.get(d))
        unit = j.tr("days off", "ngày nghỉ")
    else:
        shifts = [sh for d in window for sh in on.get(d, ()) if not wanted or sh in wanted]
        if cl.measure == "shifts":
            v, unit = len(shifts), j.tr("shifts", "ca")
        elif cl.measure == "minutes":
            v, unit = sum(sb[sh].minutes for sh in shifts), j.tr("minutes", "phút")
        else:
            v = sum(1 for d in window if any(not wanted or sh in wanted for sh in on.get(d, ())))
            unit = j.tr("days", "ngày")
    which = j.tr(f" of {j.shifts(cl.shifts)}", f" thuộc {j.shifts(cl.shifts)}") if cl.shifts else ""
    if cl.window == "horizon":
        span = j.tr("the horizon", "kỳ lập lịch")
    else:
        span = j.tr(
            f"the week {j.when(window[0])} - {j.when(window[-1])}",
            f"tuần {j.when(window[0])} - {j.when(window[-1])}",
        )
    _bounds(
        j,
        ("contract.count.min", "contract.count.max"),
        v,
        cl,
        dict(staff=sid, day=window[0]),
        lambda: j.tr(
            f"{j.who(sid)} has {v} {unit}{which} in {span}",
            f"{j.who(sid)} có {v} {unit}{which} trong {span}",
        ),
    )


def _bounds(
    j: Judge,
    rules: tuple[str, str],
    value: int,
    lim: Any,
    where: dict[str, Any],
    base: Callable[[], str],
    suffix: str = "",
    judge_min: bool = True,
) -> None:
    """Judge ``value`` against the four bounds of a CountLimit or RunLimit ``lim``: a
    violation of ``rules`` (the min rule id, the max rule id) per broken hard bound, a penalty
    of weight x distance per soft one. ``base`` (built only when something is wrong) opens
    every message; ``judge_min`` False skips the minimums (runs exempt at the horizon's borders)."""
    hard_min = lim.hard_min if judge_min else None
    soft_min = lim.soft_min if judge_min else None
    if not (
        (hard_min is not None and value < hard_min)
        or (lim.hard_max is not None and value > lim.hard_max)
        or (soft_min is not None and value < soft_min)
        or (lim.soft_max is not None and value > lim.soft_max)
    ):
        return
    text = base()
    rule_min, rule_max = rules
    if hard_min is not None and value < hard_min:
        j.violation(
            rule_min,
            j.tr(
                f"{text}; the contract needs at least {hard_min}{suffix}.",
                f"{text}; hợp đồng yêu cầu ít nhất {hard_min}{suffix}.",
            ),
            **where,
        )
    if lim.hard_max is not None and value > lim.hard_max:
        j.violation(
            rule_max,
            j.tr(
                f"{text}; the contract allows at most {lim.hard_max}{suffix}.",
                f"{text}; hợp đồng cho phép tối đa {lim.hard_max}{suffix}.",
            ),
            **where,
        )
    if soft_min is not None and value < soft_min:
        a = soft_min - value
        j.penalty(
            rule_min,
            lim.min_weight * a,
            j.tr(
                f"{text}; wanted at least {soft_min} [{a} x {lim.min_weight}]",
                f"{text}; mong muốn ít nhất {soft_min} [{a} x {lim.min_weight}]",
            ),
            **where,
        )
    if lim.soft_max is not None and value > lim.soft_max:
        a = value - lim.soft_max
        j.penalty(
            rule_max,
            lim.max_weight * a,
            j.tr(
                f"{text}; wanted at most {lim.soft_max} [{a} x {lim.max_weight}]",
                f"{text}; mong muốn tối đa {lim.soft_max} [{a} x {lim.max_weight}]",
            ),
            **where,
        )


def _runs(j: Judge, sid: str, on: dict[int, list[str]], rl: Any) -> None:
    n_days = j.idx.days
    wanted = set(rl.shifts)
    if rl.state == "on":
        state = [any(not wanted or sh in wanted for sh in on.get(d, ())) for d in range(n_days)]
    else:
        state = [not any(not wanted or sh in wanted for sh in on.get(d, ())) for d in range(n_days)]
    which = f" ({j.shifts(rl.shifts)})" if rl.shifts else ""
    if rl.state == "on":
        word = j.tr(f"on site{which}", f"làm việc trực tiếp{which}")
    else:
        word = j.tr(f"without an on-site shift{which}", f"không có ca trực tiếp{which}")
    d = 0
    while d < n_days:
        if not state[d]:
            d += 1
            continue
        start = d
        while d < n_days and state[d]:
            d += 1
        length = d - start
        last = d - 1
        exempt = rl.exempt_at_borders and (start == 0 or last == n_days - 1)
        _bounds(
            j,
            ("contract.run.min", "contract.run.max"),
            length,
            rl,
            dict(staff=sid, day=start),
            functools.partial(_run_text, j, sid, length, word, start, last),
            suffix=j.tr(" in a row", " liên tiếp"),
            judge_min=not exempt,
        )


def _run_text(j: Judge, sid: str, length: int, word: str, start: int, last: int) -> str:
    return j.tr(
        f"{j.who(sid)} has a run of {length} day{'s' if length != 1 else ''} "
        f"{word} from {j.when(start)} to {j.when(last)}",
        f"{j.who(sid)} có {length} ngày liên tiếp {word} từ {j.when(start)} đến {j.when(last)}",
    )


def _weekends(j: Judge, sid: str, on: dict[int, list[str]], wl: Any) -> None:
    worked = [wk for wk in j.idx.weekends if any(d in on for d in wk)]
    n = len(worked)
    if not worked:
        return
    dates = ", ".join(j.when(wk[0]) for wk in worked)
    base = j.tr(
        f"{j.who(sid)} works {n} weekend{'s' if n != 1 else ''} ({dates})",
        f"{j.who(sid)} làm việc {n} cuối tuần ({dates})",
    )
    if wl.hard_max is not None and n > wl.hard_max:
        j.violation(
            "contract.weekends",
            j.tr(
                f"{base}; the contract allows {wl.hard_max}.",
                f"{base}; hợp đồng chỉ cho phép {wl.hard_max}.",
            ),
            staff=sid,
            day=worked[wl.hard_max][0],
        )
    if wl.soft_max is not None and n > wl.soft_max:
        a = n - wl.soft_max
        j.penalty(
            "contract.weekends",
            wl.weight * a,
            j.tr(
                f"{base}; wanted at most {wl.soft_max} [{a} x {wl.weight}]",
                f"{base}; mong muốn tối đa {wl.soft_max} [{a} x {wl.weight}]",
            ),
            staff=sid,
            day=worked[wl.soft_max][0],
        )


def _hours(j: Judge, minutes: float) -> str:
    """Minutes as ``7h30`` (negative: overlapping)."""
    if minutes < 0:
        return j.tr(
            f"an overlap of {_hours(j, -minutes)}",
            f"0h00 (hai ca chồng lên nhau {_hours(j, -minutes)})",
        )
    m = round(minutes)
    return f"{m // 60}h{m % 60:02d}"
