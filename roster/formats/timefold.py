"""Timefold Solver's employee-scheduling demo instances (frozen text format) as a :class:`Problem`.

Format (``benchmarks/data/timefold/README.md``): one record a line, fields separated by ``|``,
lists inside a field by ``,``::

    E|name|skills|unavailable_dates|undesired_dates|desired_dates
    S|id|start|end|location|required_skill

Mapping onto the domain model
-----------------------------
* **Shift types** are the distinct (start time, end time) pairs of the shifts; a shift whose end
  date is the day after its start date is an overnight type (``end < start``).
* **Posts** are the (location, required skill) pairs, post id ``"<location> / <skill>"``,
  requiring that skill. A shift starting on date D with type t at that location and skill adds
  one to the post's ``SlotDemand(date=D, shift=t)``, so ``min = max = number of identical
  shifts``; ``under_weight``/``over_weight`` stay None, so every shift gets exactly one employee
  (coverage hard, overstaffing forbidden).
* **Required skill** (hard): the post's skill.
* **No overlap** and **10 hours rest** (hard): ``Contract.min_rest_hours = 10`` (an overlap is a
  negative rest). Shifts are at most 24 h long, so only shifts on the same or the next date can
  come closer than 10 h; :func:`to_problem` checks this and refuses instances where it is not so.
* **At most one shift starting per date**: ``Contract.max_shifts_per_day = 1``.
* **Unavailable dates** (hard): a shift touches a date if it starts or ends on it, so date U
  makes every shift starting on U unavailable (an ``Absence`` on U) and every overnight shift
  starting on U - 1 (an ``Absence`` on U - 1 for the overnight types).
* **Undesired / desired dates** (soft): Timefold charges (earns) the minutes a shift overlaps the
  date, i.e. the interval [U 00:00, U 23:59:59.999999], truncated to whole minutes (Java's
  ``Duration.toMinutes``). A day shift on U counts its full length; a 22:00-06:00 shift counts
  119 minutes on its start date and 360 on its end date. Each (employee, start date, shift type)
  gets one ``Request`` whose weight is the summed minutes over the dates it touches:
  ``on_site=False`` for undesired minutes, ``on_site=True`` for desired minutes. An unmet
  desired request costs its weight in our model, where Timefold *earns* the weight when met;
  ``objective_offset = -(sum of desired weights)`` makes the two agree.
* **Balance** (soft): Timefold charges sqrt(sum over employees of (count - mean)^2), which is
  not linear. We approximate it with a ``CountLimit`` on the horizon's shift count per person,
  ``soft_min = floor(mean)``, ``soft_max = ceil(mean)``, weight :data:`BALANCE_WEIGHT` per shift
  outside that band (an L1 version of the same spread). ``FairnessRule`` is not used: it skips
  everyone with an absence in the horizon, and here most staff have one.

So ``objective = undesired minutes - desired minutes + L1 balance`` while Timefold's soft score
is ``desired minutes - undesired minutes - sqrt(...)``. :func:`timefold_score` computes
Timefold's own score of an assignment exactly, independent of our objective.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from roster.model import (
    Absence,
    AbsenceReason,
    Contract,
    CountLimit,
    Horizon,
    Opening,
    Post,
    PostKind,
    Problem,
    Request,
    Roster,
    ShiftType,
    Site,
    SlotDemand,
    Staff,
    Unit,
)

from .curtois import benchmark_policy

UNIT_ID = "hospital"
CONTRACT_ID = "timefold"
BALANCE_WEIGHT = 1
DAY = dt.timedelta(days=1)


class FormatError(ValueError):
    """The file does not follow the frozen Timefold format (the message names the line)."""


@dataclass(frozen=True)
class Employee:
    name: str
    skills: frozenset[str]
    unavailable: tuple[dt.date, ...]
    undesired: tuple[dt.date, ...]
    desired: tuple[dt.date, ...]


@dataclass(frozen=True)
class Shift:
    id: str
    start: dt.datetime
    end: dt.datetime
    location: str
    skill: str

    @property
    def type_id(self) -> str:
        return shift_type_id(self.start.time(), self.end.time())


@dataclass
class Instance:
    name: str
    employees: list[Employee]
    shifts: list[Shift]

    @property
    def employee_by_name(self) -> dict[str, Employee]:
        return {e.name: e for e in self.employees}


def shift_type_id(start: dt.time, end: dt.time) -> str:
    return f"{start:%H:%M}-{end:%H:%M}"


def post_id(location: str, skill: str) -> str:
    return f"{location} / {skill}"


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------


def parse(text: str, name: str = "instance") -> Instance:
    employees: list[Employee] = []
    shifts: list[Shift] = []
    for lineno, raw in enumerate(text.replace("\r", "").split("\n"), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        f = line.split("|")
        where = f"{name}, line {lineno}"
        try:
            if f[0] == "E":
                if len(f) != 6:
                    raise FormatError(f"{where}: an employee has 6 fields, got {len(f)}")

                def dates(v: str) -> tuple[dt.date, ...]:
                    return tuple(dt.date.fromisoformat(x) for x in v.split(",") if x)

                employees.append(
                    Employee(
                        f[1],
                        frozenset(x for x in f[2].split(",") if x),
                        dates(f[3]),
                        dates(f[4]),
                        dates(f[5]),
                    )
                )
            elif f[0] == "S":
                if len(f) != 6:
                    raise FormatError(f"{where}: a shift has 6 fields, got {len(f)}")
                s = Shift(
                    f[1],
                    dt.datetime.fromisoformat(f[2]),
                    dt.datetime.fromisoformat(f[3]),
                    f[4],
                    f[5],
                )
                if s.end <= s.start:
                    raise FormatError(f"{where}: shift {s.id} ends before it starts")
                shifts.append(s)
            else:
                raise FormatError(f"{where}: a record starts with E or S, got {f[0]!r}")
        except ValueError as e:
            if isinstance(e, FormatError):
                raise
            raise FormatError(f"{where}: {e}") from None
    if len({e.name for e in employees}) != len(employees):
        raise FormatError(f"{name}: duplicate employee names")
    if len({s.id for s in shifts}) != len(shifts):
        raise FormatError(f"{name}: duplicate shift ids")
    return Instance(name, employees, shifts)


def read_raw(path: str | Path) -> Instance:
    p = Path(path)
    return parse(p.read_text(encoding="utf-8"), name=p.stem)


# --------------------------------------------------------------------------------------------
# Timefold's date overlap (shared by the mapping and the scorer)
# --------------------------------------------------------------------------------------------


def touches(shift_start: dt.datetime, shift_end: dt.datetime, date: dt.date) -> bool:
    """Timefold's ``is_overlapping_with_date``: the shift starts or ends on ``date``."""
    return shift_start.date() == date or shift_end.date() == date


def overlap_minutes(shift_start: dt.datetime, shift_end: dt.datetime, date: dt.date) -> int:
    """Minutes of the shift inside [date 00:00, date 23:59:59.999999], truncated."""
    lo = max(dt.datetime.combine(date, dt.time.min), shift_start)
    hi = min(dt.datetime.combine(date, dt.time.max), shift_end)
    return max(0, int((hi - lo).total_seconds() // 60))


# --------------------------------------------------------------------------------------------
# Instance -> Problem
# --------------------------------------------------------------------------------------------


def to_problem(inst: Instance) -> Problem:
    """Map a parsed instance onto the domain model (see the module docstring)."""
    if not inst.shifts:
        raise FormatError(f"{inst.name}: no shifts")
    first = min(s.start.date() for s in inst.shifts)
    last = max(s.start.date() for s in inst.shifts)
    horizon = Horizon(start=first, days=(last - first).days + 1)

    # Shift types: distinct (start, end) clock pairs.
    types: dict[str, ShiftType] = {}
    for s in inst.shifts:
        days_spanned = (s.end.date() - s.start.date()).days
        length = (s.end - s.start).total_seconds() / 60
        st = ShiftType(id=s.type_id, start=s.start.time(), end=s.end.time())
        if (
            days_spanned > 1
            or (days_spanned == 1) != (s.end.time() <= s.start.time())
            or st.minutes != length
        ):
            raise FormatError(
                f"{inst.name}: shift {s.id} ({s.start} - {s.end}) is not a "
                "same-day or overnight shift of at most 24 h"
            )
        types.setdefault(st.id, st)
    shift_types = sorted(types.values(), key=lambda t: (t.start, t.end))

    # Rest is only checked between shifts on the same or the next date: make sure that is enough
    # (no shift starting on D can end within 10 h of a shift starting on D + 2).
    def offset(t: ShiftType) -> int:
        return t.start.hour * 60 + t.start.minute

    latest_end = max(offset(t) + t.minutes for t in shift_types)
    earliest_start = min(offset(t) for t in shift_types)
    if 2 * 1440 + earliest_start - latest_end < 600:
        raise FormatError(
            f"{inst.name}: shifts so long that the 10 h rest rule reaches two days "
            "ahead; the domain model checks only the next day"
        )

    # Posts: (location, skill); demand per (date, type) = number of identical shifts.
    counts: dict[tuple[str, str], dict[tuple[dt.date, str], int]] = defaultdict(
        lambda: defaultdict(int)
    )
    for s in inst.shifts:
        counts[(s.location, s.skill)][(s.start.date(), s.type_id)] += 1
    posts = [
        Post(
            id=post_id(loc, sk),
            name=f"{loc} ({sk})",
            kind=PostKind.task,
            skill=sk,
            unit=UNIT_ID,
            demands=[],
            slot_demands=[
                SlotDemand(date=d, shift=t, min=n, max=n) for (d, t), n in sorted(slots.items())
            ],
        )
        for (loc, sk), slots in sorted(counts.items())
    ]
    skills = sorted({s.skill for s in inst.shifts} | {k for e in inst.employees for k in e.skills})
    site = Site(
        id=f"timefold-{inst.name}",
        name=f"Timefold employee scheduling {inst.name}",
        units=[Unit(id=UNIT_ID, name="Hospital")],
        shifts=shift_types,
        skills=skills,
        posts=posts,
        opening=[Opening(weekdays=list(range(7)), shifts=[])],
        general_duty_allowed=False,
    )

    # The slots that exist (some post needs someone), with their start/end datetimes.
    slots: dict[tuple[dt.date, str], tuple[dt.datetime, dt.datetime]] = {}
    for s in inst.shifts:
        slots[(s.start.date(), s.type_id)] = (s.start, s.end)
    overnight = [t.id for t in shift_types if t.end <= t.start]

    absences = []
    wishes: dict[tuple[str, dt.date, str, bool], int] = defaultdict(int)
    for e in inst.employees:
        for u in sorted(set(e.unavailable)):
            absences.append(
                Absence(
                    staff=e.name, start=u, end=u, reason=AbsenceReason.leave, note="unavailable"
                )
            )
            if overnight:
                absences.append(
                    Absence(
                        staff=e.name,
                        start=u - DAY,
                        end=u - DAY,
                        shifts=overnight,
                        reason=AbsenceReason.leave,
                        note=f"unavailable on {u} (overnight shift ends then)",
                    )
                )
        for dates, on_site in ((e.undesired, False), (e.desired, True)):
            for u in dates:
                for (d, t), (a, b) in slots.items():
                    if touches(a, b, u):
                        m = overlap_minutes(a, b, u)
                        if m > 0:
                            wishes[(e.name, d, t, on_site)] += m
    requests = [
        Request(staff=n, date=d, shift=t, on_site=on, weight=w)
        for (n, d, t, on), w in sorted(wishes.items())
    ]
    desired_total = sum(r.weight for r in requests if r.on_site)

    mean = len(inst.shifts) / max(1, len(inst.employees))
    contract = Contract(
        max_shifts_per_day=1,
        min_rest_hours=10,
        counts=[
            CountLimit(
                measure="shifts",
                window="horizon",
                soft_min=math.floor(mean),
                soft_max=math.ceil(mean),
                min_weight=BALANCE_WEIGHT,
                max_weight=BALANCE_WEIGHT,
            )
        ],
    )
    staff = [
        Staff(id=e.name, name=e.name, unit=UNIT_ID, skills=sorted(e.skills), contract=CONTRACT_ID)
        for e in inst.employees
    ]
    return Problem(
        site=site,
        staff=staff,
        policy=benchmark_policy(f"timefold {inst.name}", {CONTRACT_ID: contract}),
        horizon=horizon,
        absences=absences,
        requests=requests,
        objective_offset=-desired_total,
    )


def read_instance(path: str | Path) -> Problem:
    """Read a frozen Timefold instance into a :class:`Problem`."""
    return to_problem(read_raw(path))


# --------------------------------------------------------------------------------------------
# Roster -> Timefold assignment
# --------------------------------------------------------------------------------------------


def roster_to_assignment(inst: Instance, roster: Roster) -> dict[str, str | None]:
    """Map a roster back to the original shift ids: shift id -> employee name (None: empty).

    Identical shifts (same start, end, location and skill) are interchangeable; they are given
    to the roster's people in shift-id order. Raises ValueError for an assignment that matches
    no remaining original shift.
    """
    buckets: dict[tuple[dt.date, str, str], list[str]] = defaultdict(list)
    for s in sorted(inst.shifts, key=lambda s: _id_key(s.id)):
        buckets[(s.start.date(), s.type_id, post_id(s.location, s.skill))].append(s.id)
    out: dict[str, str | None] = {s.id: None for s in inst.shifts}
    for a in sorted(roster.assignments, key=lambda a: (a.date, a.shift, a.post or "", a.staff)):
        key = (a.date, a.shift, a.post or "")
        if not buckets.get(key):
            raise ValueError(
                f"{a.staff} on {a.date} {a.shift} at {a.post!r}: no such shift left in the instance"
            )
        out[buckets[key].pop(0)] = a.staff
    return out


def write_assignment(inst: Instance, roster: Roster) -> str:
    """CSV ``shift_id,employee`` with every original shift id (employee empty if unassigned)."""
    assignment = roster_to_assignment(inst, roster)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["shift_id", "employee"])
    for s in sorted(inst.shifts, key=lambda s: _id_key(s.id)):
        w.writerow([s.id, assignment[s.id] or ""])
    return buf.getvalue()


def read_assignment(text: str) -> dict[str, str | None]:
    """Read the CSV written by :func:`write_assignment`."""
    return {row["shift_id"]: (row["employee"] or None) for row in csv.DictReader(io.StringIO(text))}


def _id_key(i: str) -> tuple[int, int | str]:
    return (0, int(i)) if i.isdigit() else (1, i)


# --------------------------------------------------------------------------------------------
# Timefold's own score
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimefoldScore:
    hard: int
    soft: float
    parts: dict[str, float]

    def __iter__(self):  # allows ``hard, soft = timefold_score(...)``
        return iter((self.hard, self.soft))

    def __str__(self) -> str:
        return f"{self.hard}hard/{self.soft:.5f}soft"


def timefold_score(inst: Instance, assignment: Mapping[str, str | None]) -> TimefoldScore:
    """Score an assignment (shift id -> employee name) the way the demo's constraints do.

    Hard (each a negative number of points): missing required skill (1 per shift); overlapping
    shifts of one employee (overlap minutes per pair); less than 10 h between two shifts
    (600 - gap minutes per ordered pair, when the gap in whole hours is below 10); two shifts
    starting on one date (1 per pair); a shift on an unavailable date (overlap minutes with the
    date). Timefold cannot leave a shift empty; here an empty shift costs 1 hard point.

    Soft: minus the minutes on undesired dates, plus the minutes on desired dates (overlap with
    the date, truncated to whole minutes), minus sqrt(sum over all employees of
    (count - mean)^2) with employees without shifts counted as 0.
    """
    emp = inst.employee_by_name
    parts: dict[str, float] = defaultdict(float)
    by_emp: dict[str, list[Shift]] = {e.name: [] for e in inst.employees}
    for s in inst.shifts:
        name = assignment.get(s.id)
        if name is None:
            parts["Unassigned shift"] -= 1
            continue
        if name not in emp:
            raise ValueError(f"shift {s.id}: unknown employee {name!r}")
        by_emp[name].append(s)
        e = emp[name]
        if s.skill not in e.skills:
            parts["Missing required skill"] -= 1
        for u in e.unavailable:
            if touches(s.start, s.end, u):
                parts["Unavailable employee"] -= overlap_minutes(s.start, s.end, u)
        for u in e.undesired:
            if touches(s.start, s.end, u):
                parts["Undesired day for employee"] -= overlap_minutes(s.start, s.end, u)
        for u in e.desired:
            if touches(s.start, s.end, u):
                parts["Desired day for employee"] += overlap_minutes(s.start, s.end, u)
    for shifts in by_emp.values():
        for i, a in enumerate(shifts):
            for b in shifts[i + 1 :]:
                if a.start < b.end and b.start < a.end:
                    parts["Overlapping shift"] -= (
                        min(a.end, b.end) - max(a.start, b.start)
                    ).total_seconds() // 60
                if a.start.date() == b.start.date():
                    parts["Max one shift per day"] -= 1
            for b in shifts:
                if a.end <= b.start:
                    gap = (b.start - a.end).total_seconds()
                    if gap // 3600 < 10:
                        parts["At least 10 hours between 2 shifts"] -= 600 - gap // 60
    n = len(inst.employees)
    if n:
        counts = [len(v) for v in by_emp.values()]
        mean = sum(counts) / n
        parts["Balance employee shift assignments"] -= math.sqrt(
            sum((c - mean) ** 2 for c in counts)
        )
    hard_keys = {
        "Unassigned shift",
        "Missing required skill",
        "Unavailable employee",
        "Overlapping shift",
        "Max one shift per day",
        "At least 10 hours between 2 shifts",
    }
    hard = int(sum(v for k, v in parts.items() if k in hard_keys))
    soft = sum(v for k, v in parts.items() if k not in hard_keys)
    return TimefoldScore(hard=hard, soft=soft, parts=dict(parts))
