"""The independent referee: checks a roster against a problem, rule by rule.

The solver defines what is allowed; the referee detects what is wrong. :func:`check` recomputes,
from the roster alone, every broken hard rule (a :class:`~roster.model.Violation`) and every soft
cost (a :class:`~roster.model.Penalty`), and the objective. A solver roster is correct when
``check`` finds no violation and the same objective the solver reports.

This module never imports ortools or anything in ``solver/``: it reads only the domain contract
(:mod:`roster.model`), the derived input facts (:mod:`roster.index`) and the rule labels
(:mod:`roster.labels`).

Readings chosen where the model's docstrings leave room (the solver matches these)
--------------------------------------------------------------------------------
Structure (always hard, whatever the policy says):

* An assignment naming an unknown person or shift, or a date outside the horizon, is reported
  under ``unknown`` and otherwise ignored. An unknown post is reported under ``unknown``; the
  person still counts as on site (as general office work, without a ``general_duty`` report).
* An assignment in a slot that is not open is reported under ``closed`` and otherwise ignored
  (closed slots are off for everyone, so it counts toward nothing else).
* A second assignment of the same person in the same slot is reported under ``double_booked``
  and ignored; the first one listed counts.
* An assignment to a post with no demand in that slot (``coverage.closed``) or by someone without
  the post's skill (``coverage.skill``) is reported; the person counts as on site but does not
  count toward the post's coverage.
* ``general_duty_allowed`` false: an on-site assignment without a post is ``general_duty``.

Fixed cells (always hard): ``on_site`` with a post needs that person on site at that post;
``on_site`` without a post needs them on site (any post or none); not ``on_site`` without a post
forbids being on site in that slot; not ``on_site`` *with* a post forbids only that post. Fixed
cells dated outside the horizon are ignored.

Coverage: the ``coverage`` switch governs only shortfalls of posts whose ``under_weight`` is
None. A post's own ``under_weight``/``over_weight`` always apply (even with ``coverage``
switched off), and exceeding ``max`` without ``over_weight`` is always forbidden.

Teams (when enabled): the team of a rotating person is ``roster.teams[id]``, or the fixed
``Staff.team`` when the roster omits it. Missing, out of range, or different from the fixed
``Staff.team``: ``teams.assignment``, always hard. Teams given for non-rotating people are
ignored. See :meth:`_Referee.teams` for balance.

Rapid tests: tests are counted once per person and day (a duplicate line is ignored). A test
dated outside the horizon is ``tests.day`` and counts for nothing else. A test booked on a day
that is not allowed (closed day; or, with ``on_site_day_only``, a day the person is not on site)
is ``tests.day`` (always hard) but still covers and still costs. ``tests.day`` and
``tests.capacity`` are always hard; ``tests.coverage`` follows the switch.

Contracts apply to everyone (rotating or not) by their ``Staff.contract``. See
:meth:`_Referee.contracts` for the exact windows, runs and rest pairs.

Requests dated outside the horizon are ignored; a request that cannot be met (closed slot,
absence) still costs when unmet, exactly as the ``Request`` docstring says.

A soft rule whose cost is 0 (amount 0 or weight 0) produces no penalty.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from roster.index import ProblemIndex, Slot
from roster.labels import label
from roster.model import (
    Penalty,
    Problem,
    Report,
    Roster,
    RuleSwitch,
    Violation,
)

__all__ = ["check", "summary_figures", "day_label"]

Cell = tuple[str, int, str]  # (staff id, day, shift id)


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_label(date: dt.date) -> str:
    """A date as a head reads it on a roster, e.g. ``Tue 14 Dec`` (English whatever the
    process locale)."""
    return f"{_WEEKDAYS[date.weekday()]} {date.day} {_MONTHS[date.month - 1]}"


def check(problem: Problem, roster: Roster) -> Report:
    """Judge ``roster`` against ``problem``: every broken hard rule, every soft cost, and the
    objective (sum of penalty costs + ``problem.objective_offset``).

    The exact reading of each rule is given in this module's docstring and in the docstrings of
    the ``_Referee`` methods (``structure``, ``fixed``, ``availability``, ``cap``, ``teams``,
    ``tests``, ``coverage``, ``contracts``, ``fairness``, ``requests``).
    """
    return _Referee(problem, roster).run()


def summary_figures(problem: Problem, roster: Roster) -> dict[str, Any]:
    """The figures a head needs to trust a roster, as plain data (lists of dicts, ISO dates).

    Keys:

    * ``cap``: per open slot and cap scope: ``date, day, shift, scope, unit, on_site, cap,
      over`` (``on_site`` counts only people who count toward the cap; ``cap`` is None when the
      cap rule is off).
    * ``coverage``: per post and open slot with a demand: ``date, day, shift, post, post_name,
      min, max, assigned, short, extra`` (``assigned`` counts qualified people only).
    * ``tests``: per day: ``date, day, open, tests, capacity, on_site_people``.
    * ``staff``: per person: ``staff, name, unit, team, on_site_shifts, on_site_days,
      on_site_minutes, tests``.
    * ``penalties``: per rule: ``rule, label, count, cost``; ``violations``: per rule:
      ``rule, label, count``.
    * ``objective``: the objective ``check`` computes; ``ok``: no violation.
    """
    ref = _Referee(problem, roster)
    report = ref.run()
    return ref.figures(report)


class _Referee:
    """One check of one roster. Reads the roster once into sets and dicts, then each rule family
    walks those (never the assignment list again), so a check is linear in the roster size."""

    def __init__(self, problem: Problem, roster: Roster) -> None:
        self.problem = problem
        self.roster = roster
        self.idx = ProblemIndex(problem)
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
        self._dates = [self.h.date(d) for d in range(self.h.days)]
        self._day_labels = [day_label(d) for d in self._dates]

    # ---- wording ----------------------------------------------------------------------------
    def who(self, sid: str) -> str:
        s = self.idx.staff_by_id.get(sid)
        return f"{s.name} ({sid})" if s is not None and s.name else sid

    def when(self, day: int) -> str:
        if 0 <= day < len(self._day_labels):
            return self._day_labels[day]
        return day_label(self.h.date(day))

    def shift(self, shift_id: str) -> str:
        st = self.idx.shift_by_id.get(shift_id)
        return st.label if st is not None else shift_id

    def post(self, post_id: str | None) -> str:
        if post_id is None:
            return "general office work"
        p = self.idx.post_by_id.get(post_id)
        return p.label if p is not None else post_id

    def unit_name(self, unit_id: str | None) -> str:
        for u in self.problem.site.units:
            if u.id == unit_id:
                return u.name or u.id
        return "the whole site" if unit_id is None else unit_id

    # ---- recording --------------------------------------------------------------------------
    def _fields(
        self, staff: str | None, day: int | None, date: dt.date | None, unit: str | None
    ) -> tuple[dt.date | None, str | None]:
        if date is None and day is not None:
            date = self._dates[day] if 0 <= day < len(self._dates) else self.h.date(day)
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
        date, unit = self._fields(staff, day, date, unit)
        self.violations.append(
            Violation(
                rule=rule,
                label=label(rule),
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
        date, unit = self._fields(staff, day, date, unit)
        self.penalties.append(
            Penalty(
                rule=rule,
                label=label(rule),
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
    def run(self) -> Report:
        self.structure()
        self.fixed()
        self.availability()
        self.cap()
        self.teams()
        self.tests()
        self.coverage()
        self.contracts()
        self.fairness()
        self.requests()
        self.resilience()
        objective = sum(p.cost for p in self.penalties) + self.problem.objective_offset
        return Report(violations=self.violations, penalties=self.penalties, objective=objective)

    # ---- structure --------------------------------------------------------------------------
    def structure(self) -> None:
        """Read the assignments (see the module docstring for what is reported and ignored)."""
        idx = self.idx
        open_slots = idx.open_slot_set
        needs = idx.needs
        duty_ok = self.problem.site.general_duty_allowed
        for a in self.roster.assignments:
            sid, shift = a.staff, a.shift
            if sid not in idx.staff_by_id:
                self.violation(
                    "unknown",
                    f"The roster puts unknown staff id {sid!r} on site on "
                    f"{day_label(a.date)} ({shift}); no such person on the staff list.",
                    date=a.date,
                    shift=shift,
                    post=a.post,
                )
                continue
            if shift not in idx.shift_by_id:
                self.violation(
                    "unknown",
                    f"{self.who(sid)} is put on site on {day_label(a.date)} "
                    f"in unknown shift {shift!r}; the site has shifts "
                    f"{', '.join(idx.shift_ids)}.",
                    staff=sid,
                    date=a.date,
                    shift=shift,
                    post=a.post,
                )
                continue
            if not self.h.contains(a.date):
                self.violation(
                    "unknown",
                    f"{self.who(sid)} is put on site on "
                    f"{day_label(a.date)} ({self.shift(shift)}), outside the horizon "
                    f"{day_label(self.h.start)} - {day_label(self.h.end)}.",
                    staff=sid,
                    date=a.date,
                    shift=shift,
                    post=a.post,
                )
                continue
            day = self.h.day(a.date)
            if (day, shift) not in open_slots:
                self.violation(
                    "closed",
                    f"{self.who(sid)} is put on site on {self.when(day)} "
                    f"({self.shift(shift)}), but the office is closed then.",
                    staff=sid,
                    day=day,
                    shift=shift,
                    post=a.post,
                )
                continue
            cell = (sid, day, shift)
            if cell in self.cells:
                self.violation(
                    "double_booked",
                    f"{self.who(sid)} is listed twice on "
                    f"{self.when(day)} ({self.shift(shift)}): at "
                    f"{self.post(self.cells[cell])} and at {self.post(a.post)}; keep "
                    f"one.",
                    staff=sid,
                    day=day,
                    shift=shift,
                    post=a.post,
                )
                continue
            post = a.post
            if post is not None and post not in idx.post_by_id:
                self.violation(
                    "unknown",
                    f"{self.who(sid)} is put at unknown post {post!r} on "
                    f"{self.when(day)} ({self.shift(shift)}).",
                    staff=sid,
                    day=day,
                    shift=shift,
                    post=post,
                )
            elif post is not None:
                if (day, shift) not in needs[post]:
                    self.violation(
                        "coverage.closed",
                        f"{self.who(sid)} is put at "
                        f"{self.post(post)} on {self.when(day)} ({self.shift(shift)}), "
                        f"but that post is not open in that shift.",
                        staff=sid,
                        day=day,
                        shift=shift,
                        post=post,
                    )
                elif not idx.qualified(sid, post):
                    skill = idx.post_by_id[post].skill
                    self.violation(
                        "coverage.skill",
                        f"{self.who(sid)} is put at "
                        f"{self.post(post)} on {self.when(day)} ({self.shift(shift)}) "
                        f"without the required skill '{skill}'.",
                        staff=sid,
                        day=day,
                        shift=shift,
                        post=post,
                    )
                else:
                    self.at_post[(post, day, shift)].append(sid)
            elif not duty_ok:
                self.violation(
                    "general_duty",
                    f"{self.who(sid)} is on site on {self.when(day)} "
                    f"({self.shift(shift)}) without a post; every person on site must "
                    f"cover a post.",
                    staff=sid,
                    day=day,
                    shift=shift,
                )
            self.cells[cell] = post
            self.days_of[sid].setdefault(day, []).append(shift)
            self.slot_people[(day, shift)].append(sid)
        order = idx.shift_order
        for per_day in self.days_of.values():
            for shifts in per_day.values():
                shifts.sort(key=order.__getitem__)

    # ---- fixed cells ------------------------------------------------------------------------
    def fixed(self) -> None:
        """Fixed cells, always hard (see the module docstring for the four cases)."""
        for f in self.problem.fixed:
            if not self.h.contains(f.date):
                continue
            day = self.h.day(f.date)
            cell = (f.staff, day, f.shift)
            present = cell in self.cells
            post = self.cells.get(cell)
            where = dict(staff=f.staff, day=day, shift=f.shift, post=f.post)
            at = f"on {self.when(day)} ({self.shift(f.shift)})"
            if f.on_site and not present:
                target = f" at {self.post(f.post)}" if f.post else ""
                self.violation(
                    "fixed",
                    f"{self.who(f.staff)} was fixed on site{target} {at}, "
                    f"but the roster does not put them on site.",
                    **where,
                )
            elif f.on_site and f.post is not None and post != f.post:
                self.violation(
                    "fixed",
                    f"{self.who(f.staff)} was fixed at {self.post(f.post)} "
                    f"{at}, but the roster puts them at {self.post(post)}.",
                    **where,
                )
            elif not f.on_site and f.post is None and present:
                self.violation(
                    "fixed",
                    f"{self.who(f.staff)} was fixed not on site {at}, but the "
                    f"roster puts them on site.",
                    **where,
                )
            elif not f.on_site and f.post is not None and present and post == f.post:
                self.violation(
                    "fixed",
                    f"{self.who(f.staff)} was fixed not to work at "
                    f"{self.post(f.post)} {at}, but the roster puts them there.",
                    **where,
                )

    # ---- availability -----------------------------------------------------------------------
    def availability(self) -> None:
        """On site in a slot an ``Absence`` covers: one breach per person-slot."""
        sw = self.policy.availability
        if not sw.enabled:
            return
        for (sid, day, shift), post in self.cells.items():
            a = self.idx.absence_at(sid, day, shift)
            if a is None:
                continue
            span = (
                day_label(a.start)
                if a.start == a.end
                else f"{day_label(a.start)} - {day_label(a.end)}"
            )
            note = f" ({a.note})" if a.note else ""
            self.breach(
                sw,
                "availability",
                1,
                f"{self.who(sid)} is on site on {self.when(day)} "
                f"({self.shift(shift)}) but is recorded as {a.reason.value}{note} for "
                f"{span}.",
                staff=sid,
                day=day,
                shift=shift,
                post=post,
            )

    # ---- cap --------------------------------------------------------------------------------
    def cap_counts(self) -> tuple[Counter, Counter]:
        """People on site who count toward the cap: per (day, shift, unit) and per slot."""
        per_unit: Counter = Counter()
        per_site: Counter = Counter()
        staff_by_id = self.idx.staff_by_id
        counts = {s.id for s in self.problem.staff if self.idx.counts_toward_cap(s.id)}
        for sid, day, shift in self.cells:
            if sid in counts:
                per_unit[(day, shift, staff_by_id[sid].unit)] += 1
                per_site[(day, shift)] += 1
        return per_unit, per_site

    def cap(self) -> None:
        """In every open slot and cap scope (``ProblemIndex.cap_scopes``), people on site who
        count toward the cap at most the scope's cap; amount = people above it."""
        rule = self.policy.cap
        if not rule.enabled:
            return
        per_unit, per_site = self.cap_counts()
        caps = {(kind, unit): cap for kind, unit, _members, cap in self.idx.cap_scopes}
        for (day, shift), n_site in sorted(per_site.items(), key=self._slot_key):
            for (kind, unit), cap in caps.items():
                n = n_site if kind == "site" else per_unit.get((day, shift, unit), 0)
                if n > cap:
                    self.breach(
                        rule,
                        "cap",
                        n - cap,
                        f"{n} people of {self.unit_name(unit)} "
                        f"are on site on {self.when(day)} ({self.shift(shift)}); the cap "
                        f"is {cap}: {n - cap} too many.",
                        day=day,
                        shift=shift,
                        unit=unit,
                    )

    def _slot_key(self, item: tuple) -> tuple[int, int]:
        (day, shift) = item[0]
        return day, self.idx.shift_order[shift]

    # ---- teams ------------------------------------------------------------------------------
    def read_teams(self) -> None:
        """Each rotating person's team: ``roster.teams``, else the fixed ``Staff.team``."""
        idx = self.idx
        count = self.policy.teams.count
        enabled = self.policy.teams.enabled
        for sid in self.roster.teams:
            if sid not in idx.staff_by_id:
                self.violation("unknown", f"The roster gives a team to unknown staff id {sid!r}.")
        for sid in idx.rotating_staff:
            s = idx.staff_by_id[sid]
            t = self.roster.teams.get(sid, s.team)
            if t is None:
                if enabled:
                    self.violation(
                        "teams.assignment",
                        f"{self.who(sid)} rotates but has no "
                        f"team; give them one of teams 1-{count}.",
                        staff=sid,
                    )
                continue
            if not 0 <= t < count:
                if enabled:
                    self.violation(
                        "teams.assignment",
                        f"{self.who(sid)} is in team {t + 1}, but there are only teams 1-{count}.",
                        staff=sid,
                    )
                continue
            if s.team is not None and t != s.team and enabled:
                self.violation(
                    "teams.assignment",
                    f"{self.who(sid)} was fixed in team "
                    f"{s.team + 1} but the roster puts them in team {t + 1}.",
                    staff=sid,
                )
            self.team_of[sid] = t

    def teams(self) -> None:
        """Teams: assignment, no mixing, rotation pattern, balance.

        Team numbers in messages are 1-based (team 0 is "team 1").

        * Mixing: per open slot, amount = (distinct teams among rotating people on site) - 1.
        * Rotation (patterns other than ``free``): amount 1 per rotating person on site in a slot
          whose ``ProblemIndex.pattern_team`` is not their team.
        * Balance (``balance`` true): for each unit, over that unit's rotating members that
          have a valid team, ``size[k]`` = members in team k for every k in 0..count-1 (empty
          teams count as 0). Amount = ``max(0, max(size) - min(size) - 1)``, one breach per
          unit: a violation when the rule is hard, else ``weight x amount``. Units without
          rotating members are skipped.

        People without a valid team (already reported as ``teams.assignment``) are left out of
        mixing, rotation and balance.
        """
        self.read_teams()
        rule = self.policy.teams
        if not rule.enabled:
            return
        team_of = self.team_of
        pattern = self.idx.pattern_team
        for (day, shift), people in sorted(self.slot_people.items(), key=self._slot_key):
            groups: dict[int, list[str]] = defaultdict(list)
            for sid in people:
                t = team_of.get(sid)
                if t is not None:
                    groups[t].append(sid)
            if len(groups) > 1:
                parts = "; ".join(
                    f"team {t + 1}: {', '.join(self.who(s) for s in members[:3])}"
                    + (f" and {len(members) - 3} more" if len(members) > 3 else "")
                    for t, members in sorted(groups.items())
                )
                self.breach(
                    rule,
                    "teams.mix",
                    len(groups) - 1,
                    f"{len(groups)} teams are on "
                    f"site together on {self.when(day)} ({self.shift(shift)}): {parts}.",
                    day=day,
                    shift=shift,
                )
            expected = pattern.get((day, shift))
            if expected is None:
                continue
            for t, members in sorted(groups.items()):
                if t == expected:
                    continue
                for sid in members:
                    self.breach(
                        rule,
                        "teams.rotation",
                        1,
                        f"{self.who(sid)}, in team {t + 1}, is "
                        f"on site on {self.when(day)} ({self.shift(shift)}), a slot of "
                        f"team {expected + 1}.",
                        staff=sid,
                        day=day,
                        shift=shift,
                        post=self.cells.get((sid, day, shift)),
                    )
        if rule.balance:
            for unit, members in self.idx.staff_of_unit.items():
                teamed = [sid for sid in members if sid in team_of]
                if not teamed:
                    continue
                sizes = [0] * rule.count
                for sid in teamed:
                    sizes[team_of[sid]] += 1
                excess = max(sizes) - min(sizes) - 1
                listing = ", ".join(f"team {k + 1}: {n}" for k, n in enumerate(sizes))
                self.breach(
                    rule,
                    "teams.balance",
                    excess,
                    f"Team sizes in "
                    f"{self.unit_name(unit)} differ by {max(sizes) - min(sizes)} "
                    f"({listing}); at most 1 is allowed.",
                    unit=unit,
                )

    # ---- rapid tests ------------------------------------------------------------------------
    def tests(self) -> None:
        """Rapid tests.

        * ``tests.day`` (hard): a test outside the horizon, on a day that is not open, or (with
          ``on_site_day_only``) on a day the person has no on-site shift.
        * ``tests.capacity`` (hard): more tests on a day than ``daily_capacity``.
        * ``tests.coverage``: each day with at least one on-site shift of a person must fall in
          ``t .. t + valid_days - 1`` for a test day ``t`` of that person (booked tests,
          including ones reported under ``tests.day``, and ``Staff.last_test``); amount 1 per
          uncovered person-day.
        * ``tests.cost``: ``cost_per_test`` per booked test in the horizon, one penalty per test.
        """
        rule = self.policy.tests
        if not rule.enabled:
            return
        idx = self.idx
        open_days = set(idx.open_days)
        seen: set[tuple[str, int]] = set()
        per_day: Counter = Counter()
        for t in self.roster.tests:
            sid = t.staff
            if sid not in idx.staff_by_id:
                self.violation(
                    "unknown",
                    f"The test plan books a test for unknown staff id "
                    f"{sid!r} on {day_label(t.date)}.",
                    date=t.date,
                )
                continue
            if not self.h.contains(t.date):
                self.violation(
                    "tests.day",
                    f"A test of {self.who(sid)} is booked on "
                    f"{day_label(t.date)}, outside the horizon.",
                    staff=sid,
                    date=t.date,
                )
                continue
            day = self.h.day(t.date)
            if (sid, day) in seen:
                continue
            seen.add((sid, day))
            per_day[day] += 1
            self.tests_of[sid].append(day)
            if day not in open_days:
                self.violation(
                    "tests.day",
                    f"A test of {self.who(sid)} is booked on "
                    f"{self.when(day)}, when the office (and its testing point) is "
                    f"closed.",
                    staff=sid,
                    day=day,
                )
            elif rule.on_site_day_only and day not in self.days_of.get(sid, {}):
                self.violation(
                    "tests.day",
                    f"A test of {self.who(sid)} is booked on "
                    f"{self.when(day)}, but they are not on site that day (tests are "
                    f"taken at the office).",
                    staff=sid,
                    day=day,
                )
            self.penalty(
                "tests.cost",
                rule.cost_per_test,
                f"Rapid test of {self.who(sid)} on {self.when(day)} [1 x {rule.cost_per_test}]",
                staff=sid,
                day=day,
            )
        if rule.daily_capacity is not None:
            for day, n in sorted(per_day.items()):
                if n > rule.daily_capacity:
                    self.violation(
                        "tests.capacity",
                        f"{n} tests are booked on {self.when(day)}; "
                        f"the testing point takes {rule.daily_capacity} a day.",
                        day=day,
                    )
        valid = rule.valid_days
        for s in self.problem.staff:
            on_days = self.days_of.get(s.id)
            if not on_days:
                continue
            test_days = sorted(self.tests_of.get(s.id, []))
            if s.last_test is not None:
                bisect.insort(test_days, self.h.day(s.last_test))
            for day in sorted(on_days):
                i = bisect.bisect_right(test_days, day)
                if i and day - test_days[i - 1] < valid:
                    continue
                last = f"last test {self.when(test_days[i - 1])}" if i else "no earlier test"
                self.breach(
                    rule,
                    "tests.coverage",
                    1,
                    f"{self.who(s.id)} is on site on "
                    f"{self.when(day)} without a valid rapid test ({last}; a test is "
                    f"valid {valid} day{'s' if valid != 1 else ''}).",
                    staff=s.id,
                    day=day,
                )

    # ---- coverage ---------------------------------------------------------------------------
    def coverage(self) -> None:
        """Post coverage in every open slot with a demand: ``n`` = qualified people at the post.

        Shortfall ``min - n``: ``under_weight`` per person when set, else the ``coverage``
        switch. Excess ``n - max``: ``over_weight`` per person when set, else always forbidden.
        """
        sw = self.policy.coverage
        for p in self.problem.site.posts:
            for (day, shift), need in self.idx.needs[p.id].items():
                n = len(self.at_post.get((p.id, day, shift), ()))
                where = dict(day=day, shift=shift, post=p.id, unit=p.unit)
                at = f"{self.post(p.id)} on {self.when(day)} ({self.shift(shift)})"
                if n < need.min:
                    short = need.min - n
                    msg = (
                        f"{at} has {n} qualified {'person' if n == 1 else 'people'}, needs "
                        f"{need.min}: {short} missing."
                    )
                    if p.under_weight is not None:
                        self.penalty(
                            "coverage.under",
                            p.under_weight * short,
                            f"{msg} [{short} x {p.under_weight}]",
                            **where,
                        )
                    elif sw.enabled:
                        self.breach(sw, "coverage.under", short, msg, **where)
                if need.max is not None and n > need.max:
                    extra = n - need.max
                    msg = f"{at} has {n} people, at most {need.max} may serve: {extra} too many."
                    if p.over_weight is not None:
                        self.penalty(
                            "coverage.over",
                            p.over_weight * extra,
                            f"{msg} [{extra} x {p.over_weight}]",
                            **where,
                        )
                    else:
                        self.violation("coverage.over", msg, **where)

    # ---- contracts --------------------------------------------------------------------------
    def contracts(self) -> None:
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
        idx = self.idx
        all_days = list(range(idx.days))
        windows = {"horizon": [all_days], "week": idx.weeks}
        for s in self.problem.staff:
            c = self.policy.contracts[s.contract]
            on = self.days_of.get(s.id, {})
            if c.max_shifts_per_day is not None:
                for day in sorted(on):
                    n = len(on[day])
                    if n > c.max_shifts_per_day:
                        self.violation(
                            "contract.per_day",
                            f"{self.who(s.id)} has {n} shifts on "
                            f"{self.when(day)}; the contract allows "
                            f"{c.max_shifts_per_day}.",
                            staff=s.id,
                            day=day,
                        )
            if c.min_rest_hours is not None:
                self._rest(s.id, on, c.min_rest_hours)
            for cl in c.counts:
                for window in windows[cl.window]:
                    self._count(s.id, on, cl, window)
            for rl in c.runs:
                self._runs(s.id, on, rl)
            for sc in c.successions:
                for day in sorted(on):
                    if sc.first in on[day] and sc.then in on.get(day + 1, ()):
                        msg = (
                            f"{self.who(s.id)} works {self.shift(sc.first)} on "
                            f"{self.when(day)} then {self.shift(sc.then)} on "
                            f"{self.when(day + 1)}"
                        )
                        if sc.weight is None:
                            self.violation(
                                "contract.succession",
                                msg + ", which the contract forbids.",
                                staff=s.id,
                                day=day + 1,
                                shift=sc.then,
                            )
                        else:
                            self.penalty(
                                "contract.succession",
                                sc.weight,
                                f"{msg} [1 x {sc.weight}]",
                                staff=s.id,
                                day=day + 1,
                                shift=sc.then,
                            )
            if c.weekends is not None:
                self._weekends(s.id, on, c.weekends)

    def _rest(self, sid: str, on: dict[int, list[str]], hours: float) -> None:
        idx = self.idx
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
                    self.violation(
                        "contract.rest",
                        f"{self.who(sid)} has only "
                        f"{_hours(rest)} between {self.shift(sa)} on "
                        f"{self.when(da)} and {self.shift(sbb)} on {self.when(db)}; "
                        f"the contract needs {_hours(need)}.",
                        staff=sid,
                        day=db,
                        shift=sbb,
                    )

    def _count(self, sid: str, on: dict[int, list[str]], cl: Any, window: list[int]) -> None:
        sb = self.idx.shift_by_id
        wanted = set(cl.shifts)
        if cl.measure == "days_off":
            v = sum(1 for d in window if not on.get(d))
            unit = "days off"
        else:
            shifts = [sh for d in window for sh in on.get(d, ()) if not wanted or sh in wanted]
            if cl.measure == "shifts":
                v, unit = len(shifts), "shifts"
            elif cl.measure == "minutes":
                v, unit = sum(sb[sh].minutes for sh in shifts), "minutes"
            else:
                v = sum(
                    1 for d in window if any(not wanted or sh in wanted for sh in on.get(d, ()))
                )
                unit = "days"
        which = f" of {', '.join(self.shift(x) for x in cl.shifts)}" if cl.shifts else ""
        span = (
            "the horizon"
            if cl.window == "horizon"
            else f"the week {self.when(window[0])} - {self.when(window[-1])}"
        )
        self._bounds(
            "contract.count",
            v,
            cl,
            dict(staff=sid, day=window[0]),
            lambda: f"{self.who(sid)} has {v} {unit}{which} in {span}",
        )

    def _bounds(
        self,
        rule: str,
        value: int,
        lim: Any,
        where: dict[str, Any],
        base: Callable[[], str],
        suffix: str = "",
        judge_min: bool = True,
    ) -> None:
        """Judge ``value`` against the four bounds of a CountLimit or RunLimit ``lim``: a
        violation ``<rule>.min``/``.max`` per broken hard bound, a penalty of weight x distance
        per soft one. ``base`` (built only when something is wrong) opens every message;
        ``judge_min`` False skips the minimums (runs exempt at the horizon's borders)."""
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
        if hard_min is not None and value < hard_min:
            self.violation(
                f"{rule}.min", f"{text}; the contract needs at least {hard_min}{suffix}.", **where
            )
        if lim.hard_max is not None and value > lim.hard_max:
            self.violation(
                f"{rule}.max",
                f"{text}; the contract allows at most {lim.hard_max}{suffix}.",
                **where,
            )
        if soft_min is not None and value < soft_min:
            a = soft_min - value
            self.penalty(
                f"{rule}.min",
                lim.min_weight * a,
                f"{text}; wanted at least {soft_min} [{a} x {lim.min_weight}]",
                **where,
            )
        if lim.soft_max is not None and value > lim.soft_max:
            a = value - lim.soft_max
            self.penalty(
                f"{rule}.max",
                lim.max_weight * a,
                f"{text}; wanted at most {lim.soft_max} [{a} x {lim.max_weight}]",
                **where,
            )

    def _runs(self, sid: str, on: dict[int, list[str]], rl: Any) -> None:
        n_days = self.idx.days
        wanted = set(rl.shifts)
        if rl.state == "on":
            state = [any(not wanted or sh in wanted for sh in on.get(d, ())) for d in range(n_days)]
        else:
            state = [
                not any(not wanted or sh in wanted for sh in on.get(d, ())) for d in range(n_days)
            ]
        which = f" ({', '.join(self.shift(x) for x in rl.shifts)})" if rl.shifts else ""
        word = f"on site{which}" if rl.state == "on" else f"without an on-site shift{which}"
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
            self._bounds(
                "contract.run",
                length,
                rl,
                dict(staff=sid, day=start),
                lambda length=length, start=start, last=last: (
                    f"{self.who(sid)} has a run of {length} day{'s' if length != 1 else ''} "
                    f"{word} from {self.when(start)} to {self.when(last)}"
                ),
                suffix=" in a row",
                judge_min=not exempt,
            )

    def _weekends(self, sid: str, on: dict[int, list[str]], wl: Any) -> None:
        worked = [wk for wk in self.idx.weekends if any(d in on for d in wk)]
        n = len(worked)
        if not worked:
            return
        dates = ", ".join(self.when(wk[0]) for wk in worked)
        base = f"{self.who(sid)} works {n} weekend{'s' if n != 1 else ''} ({dates})"
        if wl.hard_max is not None and n > wl.hard_max:
            self.violation(
                "contract.weekends",
                f"{base}; the contract allows {wl.hard_max}.",
                staff=sid,
                day=worked[wl.hard_max][0],
            )
        if wl.soft_max is not None and n > wl.soft_max:
            a = n - wl.soft_max
            self.penalty(
                "contract.weekends",
                wl.weight * a,
                f"{base}; wanted at most {wl.soft_max} [{a} x {wl.weight}]",
                staff=sid,
                day=worked[wl.soft_max][0],
            )

    # ---- fairness ---------------------------------------------------------------------------
    def shift_counts(self) -> Counter:
        """On-site shifts per person."""
        return Counter(sid for sid, _day, _shift in self.cells)

    def fairness(self) -> None:
        """Per unit with at least two eligible members (``ProblemIndex.fairness_groups``):
        ``weight x (max - min)`` of their on-site shift counts, one penalty per unit."""
        rule = self.policy.fairness
        if not rule.enabled:
            return
        n = self.shift_counts()
        for unit, members in self.idx.fairness_groups.items():
            counts = {sid: n.get(sid, 0) for sid in members}
            hi = max(counts, key=counts.__getitem__)
            lo = min(counts, key=counts.__getitem__)
            spread = counts[hi] - counts[lo]
            self.penalty(
                "fairness",
                rule.weight * spread,
                f"In {self.unit_name(unit)}, "
                f"{self.who(hi)} has {counts[hi]} on-site shifts and {self.who(lo)} "
                f"{counts[lo]} [{spread} x {rule.weight}]",
                unit=unit,
            )

    # ---- requests ---------------------------------------------------------------------------
    def requests(self) -> None:
        """Each unmet ``Request`` (its four cases) costs ``weight x multiplier``."""
        rule = self.policy.requests
        if not rule.enabled:
            return
        for r in self.problem.requests:
            if not self.h.contains(r.date):
                continue
            day = self.h.day(r.date)
            shifts = self.days_of.get(r.staff, {}).get(day, [])
            if r.on_site:
                unmet = (r.shift not in shifts) if r.shift is not None else not shifts
            else:
                unmet = (r.shift in shifts) if r.shift is not None else bool(shifts)
            if not unmet:
                continue
            slot = f"{self.shift(r.shift)} on {self.when(day)}" if r.shift else self.when(day)
            wish = "to be on site" if r.on_site else "not to be on site"
            cost = r.weight * rule.multiplier
            self.penalty(
                "requests",
                cost,
                f"{self.who(r.staff)} asked {wish} {slot}; not "
                f"met [{r.weight} x {rule.multiplier}]",
                staff=r.staff,
                day=day,
                shift=r.shift,
            )

    # ---- resilience (policy option; added by the repair work) ---------------------------------
    def resilience(self) -> None:
        """``policy.resilience`` (off by default): for each team k (0..count-1) and essential
        skill (``resilience.skills``, else the skills of ``task`` posts, in site order), when no
        person holding the skill has ``rotates`` false and no rotating person with a valid team
        k holds it: one penalty of ``weight``."""
        rule = self.policy.resilience
        teams = self.policy.teams
        if not rule.enabled or not teams.enabled:
            return
        skills = list(rule.skills)
        if not skills:
            for p in self.problem.site.posts:
                if p.kind.value == "task" and p.skill and p.skill not in skills:
                    skills.append(p.skill)
        for skill in skills:
            holders = [s for s in self.problem.staff if skill in s.skills]
            if any(not s.rotates for s in holders):
                continue
            for k in range(teams.count):
                if any(self.team_of.get(s.id) == k for s in holders):
                    continue
                self.penalty(
                    "resilience",
                    rule.weight,
                    f"Team {k + 1} has nobody qualified for '{skill}' [1 x {rule.weight}]",
                )

    # ---- figures ----------------------------------------------------------------------------
    def figures(self, report: Report) -> dict[str, Any]:
        idx = self.idx
        per_unit, per_site = self.cap_counts()
        cap_on = self.policy.cap.enabled
        cap_rows = []
        for day, shift in idx.open_slots:
            for kind, unit, _members, cap in idx.cap_scopes:
                n = (
                    per_site.get((day, shift), 0)
                    if kind == "site"
                    else per_unit.get((day, shift, unit), 0)
                )
                cap_rows.append(
                    {
                        "date": self.h.date(day).isoformat(),
                        "day": self.when(day),
                        "shift": shift,
                        "scope": kind,
                        "unit": unit,
                        "on_site": n,
                        "cap": cap if cap_on else None,
                        "over": max(0, n - cap) if cap_on else 0,
                    }
                )
        cov_rows = []
        for p in self.problem.site.posts:
            for (day, shift), need in idx.needs[p.id].items():
                n = len(self.at_post.get((p.id, day, shift), ()))
                cov_rows.append(
                    {
                        "date": self.h.date(day).isoformat(),
                        "day": self.when(day),
                        "shift": shift,
                        "post": p.id,
                        "post_name": p.label,
                        "min": need.min,
                        "max": need.max,
                        "assigned": n,
                        "short": max(0, need.min - n),
                        "extra": max(0, n - need.max) if need.max is not None else 0,
                    }
                )
        tests_per_day = Counter(d for days in self.tests_of.values() for d in days)
        people_per_day = Counter(d for on in self.days_of.values() for d in on)
        open_days = set(idx.open_days)
        test_rows = [
            {
                "date": self.h.date(d).isoformat(),
                "day": self.when(d),
                "open": d in open_days,
                "tests": tests_per_day.get(d, 0),
                "capacity": self.policy.tests.daily_capacity if self.policy.tests.enabled else None,
                "on_site_people": people_per_day.get(d, 0),
            }
            for d in range(idx.days)
        ]
        shifts = self.shift_counts()
        sb = idx.shift_by_id
        staff_rows = []
        for s in self.problem.staff:
            on = self.days_of.get(s.id, {})
            t = self.team_of.get(s.id)
            staff_rows.append(
                {
                    "staff": s.id,
                    "name": s.name,
                    "unit": s.unit,
                    "team": t + 1 if t is not None else None,
                    "on_site_shifts": shifts.get(s.id, 0),
                    "on_site_days": len(on),
                    "on_site_minutes": sum(sb[x].minutes for xs in on.values() for x in xs),
                    "tests": len(self.tests_of.get(s.id, ())),
                }
            )
        pen: dict[str, list[int]] = {}
        for p in report.penalties:
            row = pen.setdefault(p.rule, [0, 0])
            row[0] += 1
            row[1] += p.cost
        vio = Counter(v.rule for v in report.violations)
        return {
            "cap": cap_rows,
            "coverage": cov_rows,
            "tests": test_rows,
            "staff": staff_rows,
            "penalties": [
                {"rule": r, "label": label(r), "count": c, "cost": k} for r, (c, k) in pen.items()
            ],
            "violations": [{"rule": r, "label": label(r), "count": c} for r, c in vio.items()],
            "objective": report.objective,
            "ok": report.ok,
        }


def _hours(minutes: float) -> str:
    """Minutes as ``7h30`` (negative: overlapping)."""
    if minutes < 0:
        return f"an overlap of {_hours(-minutes)}"
    m = round(minutes)
    return f"{m // 60}h{m % 60:02d}"
