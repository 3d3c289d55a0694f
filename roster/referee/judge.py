"""The state of one check of one roster: the problem, the facts read from the roster, and the
violations and penalties found so far. Each rule family's check (one module per family in
:mod:`roster.referee`) reads these facts and records what it finds through
:meth:`Judge.violation`, :meth:`Judge.penalty` and :meth:`Judge.breach`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from roster import words
from roster.index import ProblemIndex, Slot
from roster.lang import Lang
from roster.model import Penalty, Problem, Roster, RuleSwitch, Violation

Cell = tuple[str, int, str]  # (staff id, day, shift id)


def day_label(date: dt.date, lang: str = "en") -> str:
    """A date as a head reads it on a roster, e.g. ``Tue 14 Dec`` (English whatever the
    process locale) or ``T3 14/12`` (Vietnamese)."""
    return words.day_label(date, lang)


class Judge:
    """One check of one roster. Reads the roster once into sets and dicts, then each rule family
    walks those (never the assignment list again), so a check is linear in the roster size.

    ``lang`` (en or vi) is the language of every message and penalty detail: a check words
    each sentence in both through :meth:`tr` and the names of days, shifts, posts and units
    through :mod:`roster.words`; the machine fields (rule, staff, date, ...) never change."""

    def __init__(
        self,
        problem: Problem,
        roster: Roster,
        label: Callable[[str], str] = str,
        lang: Lang | str = "en",
    ) -> None:
        self.problem = problem
        self.label = label
        self.roster = roster
        self.idx = ProblemIndex(problem)
        self.w = words.Words(problem, lang, ix=self.idx)
        self.lang: Lang = self.w.lang
        self.vi = self.w.vi
        self.h = problem.horizon
        self.policy = problem.policy
        self.violations: list[Violation] = []
        self.penalties: list[Penalty] = []
        # Facts read from the roster by structure():
        self.cells: dict[Cell, str | None] = {}  # on-site cell -> post (None: general work)
        self.days_of: dict[str, dict[int, list[str]]] = defaultdict(dict)  # staff -> day -> shifts
        self.at_post: dict[tuple[str, int, str], list[str]] = defaultdict(list)  # counted
        self.slot_people: dict[Slot, list[str]] = defaultdict(list)
        self.team_of: dict[str, int] = {}
        self.tests_of: dict[str, list[int]] = defaultdict(list)  # staff -> sorted booked days
        self.dates = [self.h.date(d) for d in range(self.h.days)]
        self.day_labels = [day_label(d, self.lang) for d in self.dates]

    # ---- wording ----------------------------------------------------------------------------
    def tr(self, en: str, vi: str) -> str:
        """The sentence in the judge's language."""
        return vi if self.vi else en

    def who(self, sid: str) -> str:
        return self.w.who(sid)

    def day(self, date: dt.date) -> str:
        """Any date (inside the horizon or not)."""
        return day_label(date, self.lang)

    def when(self, day: int) -> str:
        if 0 <= day < len(self.day_labels):
            return self.day_labels[day]
        return self.day(self.h.date(day))

    def shift(self, shift_id: str) -> str:
        return self.w.shift_name(shift_id)

    def shifts(self, shift_ids: list[str]) -> str:
        return ", ".join(self.shift(x) for x in shift_ids)

    def post(self, post_id: str | None) -> str:
        if post_id is None:
            return self.tr("general office work", "công việc chung tại cơ quan")
        if self.vi:
            return self.w.post_vi(post_id)
        p = self.idx.post_by_id.get(post_id)
        return p.label if p is not None else post_id

    def unit_name(self, unit_id: str | None) -> str:
        return self.w.unit(unit_id)

    def team(self, k: int) -> str:
        """Team ``k`` (0-based): ``team 1`` / ``nhóm 1``."""
        return self.w.team(k)

    def reason(self, value: str) -> str:
        return self.w.reason(value)

    # ---- recording --------------------------------------------------------------------------
    def fields(
        self, staff: str | None, day: int | None, date: dt.date | None, unit: str | None
    ) -> tuple[dt.date | None, str | None]:
        if date is None and day is not None:
            date = self.dates[day] if 0 <= day < len(self.dates) else self.h.date(day)
        if unit is None and staff is not None and staff in self.idx.staff_by_id:
            unit = self.idx.staff_by_id[staff].unit
        return date, unit

    def violation(
        self,
        rule: str,
        message: str,
        *,
        staff: str | None = None,
        day: int | None = None,
        date: dt.date | None = None,
        shift: str | None = None,
        post: str | None = None,
        unit: str | None = None,
    ) -> None:
        date, unit = self.fields(staff, day, date, unit)
        self.violations.append(
            Violation(
                rule=rule,
                label=self.label(rule),
                message=message,
                staff=staff,
                date=date,
                shift=shift,
                post=post,
                unit=unit,
            )
        )

    def penalty(
        self,
        rule: str,
        cost: int,
        detail: str,
        *,
        staff: str | None = None,
        day: int | None = None,
        date: dt.date | None = None,
        shift: str | None = None,
        post: str | None = None,
        unit: str | None = None,
    ) -> None:
        if cost == 0:
            return
        date, unit = self.fields(staff, day, date, unit)
        self.penalties.append(
            Penalty(
                rule=rule,
                label=self.label(rule),
                cost=cost,
                staff=staff,
                date=date,
                shift=shift,
                post=post,
                unit=unit,
                detail=detail,
            )
        )

    def breach(
        self, switch: RuleSwitch, rule: str, amount: int, message: str, **where: Any
    ) -> None:
        """A breach of ``amount`` units of a switchable rule: a violation when the switch is
        hard, else a penalty of ``switch.weight x amount``."""
        if amount <= 0:
            return
        if switch.hard:
            self.violation(rule, message, **where)
        else:
            self.penalty(
                rule, switch.weight * amount, f"{message} [{amount} x {switch.weight}]", **where
            )

    # ---- the check --------------------------------------------------------------------------

    def slot_key(self, item: tuple) -> tuple[int, int]:
        """Sort key of a ``((day, shift), value)`` item: by day, then shift order."""
        (day, shift) = item[0]
        return day, self.idx.shift_order[shift]
