"""Facts derived from a problem's input, computed once: open slots, post demands, who may be on
site where, caps, the rotation pattern.

These are facts of the *input* (which slots exist, who holds which skill), not rule logic: the
solver uses them to decide which variables to create and the referee uses them to judge a roster.
Rule logic (what is a breach, what it costs) lives separately in ``solver/`` and in
``roster/validation.py``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import cached_property

from roster.model import Absence, CapOverride, Contract, Post, Problem, Staff

Slot = tuple[int, str]  # (day index, shift id)


@dataclass(frozen=True)
class Need:
    """What a post needs in one slot."""

    min: int
    max: int | None


@dataclass
class ProblemIndex:
    """Read-only derived view of a :class:`Problem`. Build with ``ProblemIndex(problem)``."""

    problem: Problem
    _cache: dict = field(default_factory=dict, repr=False)

    # ---- basic lookups ------------------------------------------------------------------
    @cached_property
    def shift_ids(self) -> list[str]:
        return [s.id for s in self.problem.site.shifts]

    @cached_property
    def shift_by_id(self):
        return {s.id: s for s in self.problem.site.shifts}

    @cached_property
    def shift_order(self) -> dict[str, int]:
        return {s: i for i, s in enumerate(self.shift_ids)}

    @cached_property
    def staff_by_id(self) -> dict[str, Staff]:
        return {s.id: s for s in self.problem.staff}

    @cached_property
    def post_by_id(self) -> dict[str, Post]:
        return {p.id: p for p in self.problem.site.posts}

    @cached_property
    def unit_ids(self) -> list[str]:
        return [u.id for u in self.problem.site.units]

    @cached_property
    def staff_of_unit(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {u: [] for u in self.unit_ids}
        for s in self.problem.staff:
            out[s.unit].append(s.id)
        return out

    def contract(self, staff_id: str) -> Contract:
        return self.problem.policy.contracts[self.staff_by_id[staff_id].contract]

    @property
    def days(self) -> int:
        return self.problem.horizon.days

    @cached_property
    def dates(self) -> list[dt.date]:
        """The date of each day of the horizon."""
        h = self.problem.horizon
        return [h.date(d) for d in range(h.days)]

    @cached_property
    def weekdays(self) -> list[int]:
        """The weekday (Monday 0) of each day of the horizon."""
        return [d.weekday() for d in self.dates]

    def date(self, day: int) -> dt.date:
        if 0 <= day < len(self.dates):
            return self.dates[day]
        return self.problem.horizon.date(day)

    def weekday(self, day: int) -> int:
        return self.date(day).weekday()

    # ---- opening ------------------------------------------------------------------------
    @cached_property
    def open_shifts_by_day(self) -> list[list[str]]:
        """For each day, the open shifts in the site's shift order."""
        site = self.problem.site
        closed = set(site.closed_dates)
        out: list[list[str]] = []
        for d in range(self.days):
            if self.date(d) in closed:
                out.append([])
                continue
            wd = self.weekday(d)
            opened: set[str] = set()
            for o in site.opening:
                if wd in o.weekdays:
                    opened.update(o.shifts or self.shift_ids)
            out.append([s for s in self.shift_ids if s in opened])
        return out

    @cached_property
    def open_slots(self) -> list[Slot]:
        return [(d, s) for d in range(self.days) for s in self.open_shifts_by_day[d]]

    @cached_property
    def open_slot_set(self) -> set[Slot]:
        return set(self.open_slots)

    @cached_property
    def open_days(self) -> list[int]:
        return [d for d in range(self.days) if self.open_shifts_by_day[d]]

    # ---- posts --------------------------------------------------------------------------
    @cached_property
    def needs(self) -> dict[str, dict[Slot, Need]]:
        """post id -> open slot -> Need. Slots absent from the dict take nobody at the post."""
        out: dict[str, dict[Slot, Need]] = {}
        h = self.problem.horizon
        for p in self.problem.site.posts:
            per: dict[Slot, Need] = {}
            overrides = {
                (h.day(sd.date), sd.shift): Need(sd.min, sd.max)
                for sd in p.slot_demands
                if h.contains(sd.date)
            }
            suspensions = [
                su
                for su in self.problem.policy.suspensions
                if p.id in su.posts or p.kind in su.kinds
            ]
            if not suspensions and not p.demands:
                # Only per-slot rows (the benchmarks' cover rows): no scan of every open slot.
                out[p.id] = {slot: overrides[slot] for slot in self.open_slots if slot in overrides}
                continue
            dates, weekdays = self.dates, self.weekdays
            for d, s in self.open_slots:
                date = dates[d]
                if any(su.applies(p, date, s) for su in suspensions):
                    continue
                if (d, s) in overrides:
                    need = overrides[(d, s)]
                else:
                    need = None
                    wd = weekdays[d]
                    for dem in p.demands:
                        if (
                            wd in dem.weekdays
                            and (not dem.shifts or s in dem.shifts)
                            and dem.covers(date)
                        ):
                            need = Need(dem.min, dem.max)
                            break
                if need is not None:
                    per[(d, s)] = need
            out[p.id] = per
        return out

    @cached_property
    def remote_posts(self) -> set[str]:
        """Ids of the posts done from home (kind ``remote``)."""
        return {p.id for p in self.problem.site.posts if p.remote}

    def qualified(self, staff_id: str, post_id: str) -> bool:
        post = self.post_by_id[post_id]
        return post.skill is None or post.skill in self.staff_by_id[staff_id].skills

    @cached_property
    def qualified_staff(self) -> dict[str, list[str]]:
        return {
            p.id: [s.id for s in self.problem.staff if self.qualified(s.id, p.id)]
            for p in self.problem.site.posts
        }

    # ---- availability -------------------------------------------------------------------
    @cached_property
    def absences_by_staff(self) -> dict[str, list[Absence]]:
        out: dict[str, list[Absence]] = {s.id: [] for s in self.problem.staff}
        for a in self.problem.absences:
            out[a.staff].append(a)
        return out

    def absence_at(self, staff_id: str, day: int, shift: str) -> Absence | None:
        """The absence covering this person's slot, if any (the first listed wins)."""
        date = self.date(day)
        for a in self.absences_by_staff[staff_id]:
            if a.start <= date <= a.end and (not a.shifts or shift in a.shifts):
                return a
        return None

    def available(self, staff_id: str, day: int, shift: str) -> bool:
        """May be on site in this open slot as far as absences go."""
        return self.absence_at(staff_id, day, shift) is None

    @cached_property
    def has_absence_in_horizon(self) -> set[str]:
        h = self.problem.horizon
        return {a.staff for a in self.problem.absences if a.end >= h.start and a.start <= h.end}

    # ---- cap ----------------------------------------------------------------------------
    def counts_toward_cap(self, staff_id: str) -> bool:
        s = self.staff_by_id[staff_id]
        if not s.counts_toward_cap:
            return False
        return (not s.external) or self.problem.policy.cap.count_external

    def cap_of(self, headcount: int, unit: str | None = None, date: dt.date | None = None) -> int:
        """The cap of a scope of ``headcount`` people: of unit ``unit`` (None: the site scope)
        on ``date`` (None: ignoring the dated overrides), per ``CapRule``."""
        cap = self.problem.policy.cap
        fraction, number = cap.fraction, cap.max_on_site
        override = self.cap_override(unit, date)
        if override is not None:
            fraction, number = override.fraction, override.max_on_site
        if number is not None:
            value = number
        else:
            value = round_share(fraction or 0.0, headcount, cap.rounding)
        return max(value, cap.minimum)

    def cap_override(self, unit: str | None, date: dt.date | None) -> CapOverride | None:
        """The ``CapRule.overrides`` entry that sets the cap of ``unit``'s scope (None: the
        site scope) on ``date`` (None: only undated overrides), if any."""
        found = None
        for o in self.problem.policy.cap.overrides:
            if (o.covers(date) if date is not None else not o.dated) and o.unit is None:
                found = o
        if unit is not None:
            for o in self.problem.policy.cap.overrides:
                if (o.covers(date) if date is not None else not o.dated) and o.unit == unit:
                    found = o
        return found

    @cached_property
    def cap_is_dated(self) -> bool:
        """True when some cap override has dates (the cap of a scope may change by day)."""
        return any(o.dated for o in self.problem.policy.cap.overrides)

    def cap_on(self, kind: str, unit: str | None, headcount: int, day: int) -> int:
        """The cap of a scope on ``day`` (dated overrides applied)."""
        return self.cap_of(headcount, unit if kind == "unit" else None, self.date(day))

    @cached_property
    def cap_scopes(self) -> list[tuple[str, str | None, list[str], int]]:
        """Each cap scope as (scope kind, unit id or None, staff ids counted, cap), the cap
        without dated overrides (``cap_on`` gives a day's cap)."""
        cap = self.problem.policy.cap
        out: list[tuple[str, str | None, list[str], int]] = []
        if "unit" in cap.scopes:
            for u in self.unit_ids:
                members = [s for s in self.staff_of_unit[u] if self.counts_toward_cap(s)]
                if members:
                    out.append(("unit", u, members, self.cap_of(len(members), u)))
        if "site" in cap.scopes:
            members = [s.id for s in self.problem.staff if self.counts_toward_cap(s.id)]
            if members:
                out.append(("site", None, members, self.cap_of(len(members))))
        return out

    # ---- presence floors ----------------------------------------------------------------
    @cached_property
    def presence_floors(self) -> dict[tuple[str, int, str], int]:
        """(unit, day, shift) -> the unit's presence floor in that open slot (only floors
        above 0), per ``PresenceRule``."""
        rule = self.problem.policy.presence
        out: dict[tuple[str, int, str], int] = {}
        if not rule.floors:
            return out
        for fl in rule.floors:
            units = [fl.unit] if fl.unit is not None else self.unit_ids
            for u in units:
                headcount = len(self.staff_of_unit[u])
                if fl.min is not None:
                    need = fl.min
                else:
                    need = round_share(fl.fraction or 0.0, headcount, fl.rounding)
                if need <= 0:
                    continue
                for d, sh in self.open_slots:
                    if fl.shifts and sh not in fl.shifts:
                        continue
                    if self.weekday(d) not in fl.weekdays or not fl.covers(self.date(d)):
                        continue
                    key = (u, d, sh)
                    out[key] = max(out.get(key, 0), need)
        return out

    # ---- teams --------------------------------------------------------------------------
    @cached_property
    def rotating_staff(self) -> list[str]:
        return [s.id for s in self.problem.staff if s.rotates]

    @cached_property
    def pattern_team(self) -> dict[Slot, int]:
        """open slot -> the team the rotation pattern gives it (empty for ``free``)."""
        teams = self.problem.policy.teams
        k = teams.count
        out: dict[Slot, int] = {}
        if teams.rotation == "free":
            return out
        start_monday = self.problem.horizon.start - dt.timedelta(days=self.weekday(0))
        for i, d in enumerate(self.open_days):
            for j, s in enumerate(self.open_shifts_by_day[d]):
                if teams.rotation == "half_day":
                    out[(d, s)] = (i + j) % k
                elif teams.rotation == "day":
                    out[(d, s)] = i % k
                else:  # week
                    week = (self.date(d) - start_monday).days // 7
                    out[(d, s)] = week % k
        return out

    # ---- calendar windows ---------------------------------------------------------------
    @cached_property
    def weeks(self) -> list[list[int]]:
        """Days of the horizon grouped by calendar week (Monday-Sunday)."""
        out: list[list[int]] = []
        for d in range(self.days):
            if d == 0 or self.weekday(d) == 0:
                out.append([])
            out[-1].append(d)
        return out

    @cached_property
    def weekends(self) -> list[list[int]]:
        """Saturday/Sunday days of each calendar week that has any inside the horizon."""
        out = []
        for week in self.weeks:
            wk = [d for d in week if self.weekday(d) >= 5]
            if wk:
                out.append(wk)
        return out

    # ---- fairness -----------------------------------------------------------------------
    @cached_property
    def fairness_groups(self) -> dict[str, list[str]]:
        """unit -> eligible members (rotate, count toward the cap, no absence in the horizon).
        Only units with at least two eligible members."""
        out = {}
        for u in self.unit_ids:
            members = [
                s
                for s in self.staff_of_unit[u]
                if self.staff_by_id[s].rotates
                and self.counts_toward_cap(s)
                and s not in self.has_absence_in_horizon
            ]
            if len(members) >= 2:
                out[u] = members
        return out

    # ---- rest ---------------------------------------------------------------------------
    def rest_minutes(self, day_a: int, shift_a: str, day_b: int, shift_b: str) -> int:
        """Minutes from the end of shift_a on day_a to the start of shift_b on day_b (may be
        negative when they overlap)."""
        a = self.shift_by_id[shift_a]
        b = self.shift_by_id[shift_b]
        a_start = day_a * 1440 + a.start.hour * 60 + a.start.minute
        a_end = a_start + a.minutes
        b_start = day_b * 1440 + b.start.hour * 60 + b.start.minute
        return b_start - a_end


def round_share(fraction: float, headcount: int, rounding: str) -> int:
    """``fraction x headcount`` rounded ``floor``, ``ceil`` or ``nearest`` (halves up)."""
    # Guard against float noise such as 1/3 * 9 = 2.9999999999999996.
    raw = round(fraction * headcount, 9)
    if rounding == "floor":
        return math.floor(raw)
    if rounding == "ceil":
        return math.ceil(raw)
    return math.floor(raw + 0.5)


def index(problem: Problem) -> ProblemIndex:
    """Shorthand for ``ProblemIndex(problem)``."""
    return ProblemIndex(problem)
