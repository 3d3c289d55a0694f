"""The Curtois & Qu shift scheduling benchmark (instances 1-24) as a :class:`Problem`.

The format, its ten hard rules and its objective are described in
``benchmarks/data/curtois-qu/FORMAT.md``. This module maps them onto the domain model, rule by rule:

====================================  =========================================================
benchmark                             domain model
====================================  =========================================================
decision: one shift type or nothing   ``Site.general_duty_allowed = False``; one post per shift
                                      type, so working a shift means covering that post
1. one shift per day                  ``Contract.max_shifts_per_day = 1``
2. shift rotation (CannotFollow)      ``Succession(first, then)`` with no weight (forbidden)
3. MaxShifts per type                 ``CountLimit(measure="shifts", shifts=[s], hard_max)``;
                                      a max of 0 is a missing *skill*: each shift type is a
                                      skill, held by staff whose MaxShifts for it is above 0,
                                      and the shift's post requires it
4./5. Max/MinTotalMinutes             ``CountLimit(measure="minutes", hard_min, hard_max)``
6./7. Max/MinConsecutiveShifts        ``RunLimit(state="on", hard_min, hard_max,
                                      exempt_at_borders=True)``
8. MinConsecutiveDaysOff              ``RunLimit(state="off", hard_min, exempt_at_borders=True)``
9. MaxWeekends                        ``WeekendLimit(hard_max)`` (day 0 is a Monday)
10. days off                          ``Absence(reason="rest")`` (availability is hard)
on-requests                           ``Request(on_site=True, shift=s, weight)``
off-requests                          ``Request(on_site=False, shift=s, weight)``
cover rows                            ``SlotDemand(min=max=requirement)`` on the shift's post
                                      with ``under_weight=WeightUnder``,
                                      ``over_weight=WeightOver``
====================================  =========================================================

Cover weights live on the post, so cover rows of one shift type with different weights go to
different posts (``D``, ``D#2``, ...), each holding only the days with its weights; in the 24
files every row has weights 100/1, so there is exactly one post per shift type.

Shift types get invented clock times: every shift starts at 00:00 and lasts its length from the
file (480, 600 or 720 minutes), so no shift crosses midnight and no two shifts on different days
can overlap; ``min_rest_hours`` stays None, so the times add no rule. Everything else in the
policy (cap, teams, tests, fairness) is switched off, and the horizon starts on a Monday.

:func:`evaluate` is an independent checker written from FORMAT.md alone (it does not use the
domain model), so tests can confirm that the mapping and the referee agree with the benchmark.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from roster.model import (
    Absence,
    AbsenceReason,
    Assignment,
    CapRule,
    Contract,
    CountLimit,
    FairnessRule,
    Horizon,
    Opening,
    Policy,
    Post,
    PostKind,
    Problem,
    RapidTestRule,
    Request,
    RequestRule,
    Roster,
    RuleSwitch,
    RunLimit,
    ShiftType,
    Site,
    SlotDemand,
    Staff,
    Succession,
    TeamRule,
    Unit,
    WeekendLimit,
)

DEFAULT_START = dt.date(2024, 1, 1)  # a Monday, as day 0 of every instance is
UNIT_ID = "ward"

SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)


class FormatError(ValueError):
    """The file does not follow the Curtois & Qu format (the message names the line)."""


# --------------------------------------------------------------------------------------------
# The raw instance
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShiftDef:
    id: str
    minutes: int
    cannot_follow: tuple[str, ...]


@dataclass(frozen=True)
class StaffDef:
    id: str
    max_shifts: dict[str, int]
    max_total_minutes: int
    min_total_minutes: int
    max_consecutive_shifts: int
    min_consecutive_shifts: int
    min_consecutive_days_off: int
    max_weekends: int


@dataclass(frozen=True)
class ShiftRequest:
    staff: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True)
class Cover:
    day: int
    shift: str
    requirement: int
    weight_under: int
    weight_over: int


@dataclass
class Instance:
    """A Curtois & Qu instance exactly as the file gives it."""

    name: str
    horizon: int
    shifts: list[ShiftDef]
    staff: list[StaffDef]
    days_off: dict[str, list[int]] = field(default_factory=dict)
    on_requests: list[ShiftRequest] = field(default_factory=list)
    off_requests: list[ShiftRequest] = field(default_factory=list)
    cover: list[Cover] = field(default_factory=list)

    @property
    def shift_by_id(self) -> dict[str, ShiftDef]:
        return {s.id: s for s in self.shifts}


def parse(text: str, name: str = "instance") -> Instance:
    """Parse the text of an instance file (LF or CRLF line endings)."""
    rows: dict[str, list[tuple[int, list[str]]]] = {s: [] for s in SECTIONS}
    current: str | None = None
    for lineno, raw in enumerate(text.replace("\r", "").split("\n"), start=1):
        line = raw.strip()
        if line.startswith("#"):
            continue
        if not line:
            current = None
            continue
        if line.startswith("SECTION_"):
            if line not in rows:
                raise FormatError(f"{name}, line {lineno}: unknown section {line!r}")
            current = line
            continue
        if current is None:
            raise FormatError(f"{name}, line {lineno}: data outside a section: {line!r}")
        rows[current].append((lineno, [f.strip() for f in line.split(",")]))

    def bad(lineno: int, msg: str) -> FormatError:
        return FormatError(f"{name}, line {lineno}: {msg}")

    def integer(lineno: int, value: str, what: str) -> int:
        try:
            return int(value)
        except ValueError:
            raise bad(lineno, f"{what} must be a whole number, got {value!r}") from None

    if len(rows["SECTION_HORIZON"]) != 1:
        raise FormatError(f"{name}: SECTION_HORIZON must hold exactly one number")
    ln, f = rows["SECTION_HORIZON"][0]
    horizon = integer(ln, f[0], "the horizon")

    shifts = []
    for ln, f in rows["SECTION_SHIFTS"]:
        if len(f) < 2:
            raise bad(ln, "a shift row is 'ShiftID, LengthMinutes, CannotFollow'")
        follow = tuple(x for x in (f[2].split("|") if len(f) > 2 else []) if x)
        shifts.append(ShiftDef(f[0], integer(ln, f[1], "LengthMinutes"), follow))
    shift_ids = {s.id for s in shifts}
    for s in shifts:
        for t in s.cannot_follow:
            if t not in shift_ids:
                raise FormatError(f"{name}: shift {s.id!r} cannot be followed by unknown {t!r}")

    staff = []
    for ln, f in rows["SECTION_STAFF"]:
        if len(f) != 8:
            raise bad(ln, f"a staff row has 8 fields, this one has {len(f)}")
        max_shifts = {}
        for item in (x for x in f[1].split("|") if x):
            sid, _, value = item.partition("=")
            if sid not in shift_ids:
                raise bad(ln, f"unknown shift {sid!r} in MaxShifts")
            max_shifts[sid] = integer(ln, value, f"MaxShifts for {sid}")
        nums = [integer(ln, v, "a staff limit") for v in f[2:]]
        staff.append(StaffDef(f[0], max_shifts, *nums))
    staff_ids = {s.id for s in staff}

    days_off: dict[str, list[int]] = {}
    for ln, f in rows["SECTION_DAYS_OFF"]:
        if f[0] not in staff_ids:
            raise bad(ln, f"unknown employee {f[0]!r}")
        days_off.setdefault(f[0], []).extend(integer(ln, d, "a day") for d in f[1:] if d)

    def requests(section: str) -> list[ShiftRequest]:
        out = []
        for ln, f in rows[section]:
            if len(f) != 4:
                raise bad(ln, "a request row is 'EmployeeID, Day, ShiftID, Weight'")
            if f[0] not in staff_ids:
                raise bad(ln, f"unknown employee {f[0]!r}")
            if f[2] not in shift_ids:
                raise bad(ln, f"unknown shift {f[2]!r}")
            out.append(
                ShiftRequest(f[0], integer(ln, f[1], "Day"), f[2], integer(ln, f[3], "Weight"))
            )
        return out

    cover = []
    for ln, f in rows["SECTION_COVER"]:
        if len(f) != 5:
            raise bad(ln, "a cover row is 'Day, ShiftID, Requirement, WeightUnder, WeightOver'")
        if f[1] not in shift_ids:
            raise bad(ln, f"unknown shift {f[1]!r}")
        d, req, wu, wo = (integer(ln, v, "a cover field") for v in (f[0], f[2], f[3], f[4]))
        cover.append(Cover(d, f[1], req, wu, wo))

    for e, days in days_off.items():
        for d in days:
            if not 0 <= d < horizon:
                raise FormatError(f"{name}: day off {d} of {e} outside the horizon")

    inst = Instance(
        name,
        horizon,
        shifts,
        staff,
        days_off,
        requests("SECTION_SHIFT_ON_REQUESTS"),
        requests("SECTION_SHIFT_OFF_REQUESTS"),
        cover,
    )
    for r in inst.on_requests + inst.off_requests:
        if not 0 <= r.day < horizon:
            raise FormatError(f"{name}: request day {r.day} outside the horizon")
    for c in inst.cover:
        if not 0 <= c.day < horizon:
            raise FormatError(f"{name}: cover day {c.day} outside the horizon")
    return inst


def read_raw(path: str | Path) -> Instance:
    """Read an instance file as it is (no mapping to the domain model)."""
    p = Path(path)
    return parse(p.read_text(encoding="ascii", errors="strict"), name=p.stem)


# --------------------------------------------------------------------------------------------
# Instance -> Problem
# --------------------------------------------------------------------------------------------


def shift_times(minutes: int) -> tuple[dt.time, dt.time]:
    """Invented clock times for a shift of ``minutes``: from 00:00, never past midnight."""
    if not 0 < minutes < 24 * 60:
        raise FormatError(f"shift length {minutes} minutes is not between 1 and 1439")
    return dt.time(0, 0), dt.time(minutes // 60, minutes % 60)


def benchmark_policy(name: str, contracts: dict[str, Contract]) -> Policy:
    """A policy with only the benchmark's rules: no cap, teams, tests or fairness; coverage and
    availability hard; requests at face value."""
    return Policy(
        name=name,
        cap=CapRule(enabled=False),
        teams=TeamRule(enabled=False),
        tests=RapidTestRule(enabled=False),
        coverage=RuleSwitch(enabled=True, hard=True),
        availability=RuleSwitch(enabled=True, hard=True),
        fairness=FairnessRule(enabled=False),
        requests=RequestRule(enabled=True, multiplier=1),
        contracts=contracts,
    )


def _contract(inst: Instance, s: StaffDef) -> Contract:
    counts = [
        CountLimit(measure="shifts", shifts=[sid], hard_max=mx)
        for sid, mx in s.max_shifts.items()
        # 0 is a missing skill, kept as a bound of 0 (the posts carry no skill, see
        # to_problem); a max >= the horizon can never bind.
        if mx < inst.horizon
    ]
    counts.append(
        CountLimit(measure="minutes", hard_min=s.min_total_minutes, hard_max=s.max_total_minutes)
    )
    return Contract(
        max_shifts_per_day=1,
        min_rest_hours=None,
        counts=counts,
        runs=[
            RunLimit(
                state="on",
                hard_min=s.min_consecutive_shifts,
                hard_max=s.max_consecutive_shifts,
                exempt_at_borders=True,
            ),
            RunLimit(state="off", hard_min=s.min_consecutive_days_off, exempt_at_borders=True),
        ],
        successions=[
            Succession(first=sh.id, then=t) for sh in inst.shifts for t in sh.cannot_follow
        ],
        weekends=WeekendLimit(hard_max=s.max_weekends),
    )


def to_problem(inst: Instance, start: dt.date = DEFAULT_START) -> Problem:
    """Map a parsed instance onto the domain model (see the module docstring)."""
    if start.weekday() != 0:
        raise ValueError(f"the horizon must start on a Monday (day 0 is a Monday), got {start}")
    horizon = Horizon(start=start, days=inst.horizon)

    def date(day: int) -> dt.date:
        return start + dt.timedelta(days=day)

    shifts = []
    for sh in inst.shifts:
        a, b = shift_times(sh.minutes)
        shifts.append(ShiftType(id=sh.id, name=sh.id, start=a, end=b))

    # One post per (shift, WeightUnder, WeightOver); one per shift type in every known file.
    groups: dict[tuple[str, int, int], list[Cover]] = {}
    for c in inst.cover:
        groups.setdefault((c.shift, c.weight_under, c.weight_over), []).append(c)
    posts = []
    per_shift: dict[str, int] = {}
    for (sid, wu, wo), rows in groups.items():
        per_shift[sid] = per_shift.get(sid, 0) + 1
        pid = sid if per_shift[sid] == 1 else f"{sid}#{per_shift[sid]}"
        posts.append(
            Post(
                # No skill on the post: working shift s means covering post s, so the solver counts
                # the people on shift s per slot instead of keeping a per-person copy of every
                # shift variable (a weaker LP and more memory); MaxShifts=0 is a count bound of 0.
                id=pid,
                name=f"shift {sid}",
                kind=PostKind.task,
                skill=None,
                unit=UNIT_ID,
                demands=[],
                slot_demands=[
                    SlotDemand(date=date(c.day), shift=sid, min=c.requirement, max=c.requirement)
                    for c in rows
                ],
                under_weight=wu,
                over_weight=wo,
            )
        )
    covered = {c.shift for c in inst.cover}
    for sh in inst.shifts:  # a shift type with no cover row at all: nobody works it
        if sh.id not in covered:
            posts.append(
                Post(
                    id=sh.id,
                    name=f"shift {sh.id}",
                    kind=PostKind.task,
                    skill=None,
                    unit=UNIT_ID,
                    demands=[],
                    slot_demands=[],
                )
            )

    site = Site(
        id=f"curtois-qu-{inst.name}",
        name=f"Curtois & Qu {inst.name}",
        units=[Unit(id=UNIT_ID, name="Ward")],
        shifts=shifts,
        skills=[sh.id for sh in inst.shifts],
        posts=posts,
        opening=[Opening(weekdays=list(range(7)), shifts=[])],
        general_duty_allowed=False,
    )

    # Identical contracts are shared (same rules, smaller problem).
    contracts: dict[str, Contract] = {}
    by_json: dict[str, str] = {}
    staff = []
    for s in inst.staff:
        contract = _contract(inst, s)
        key = contract.model_dump_json()
        if key not in by_json:
            by_json[key] = f"contract-{len(by_json) + 1}"
            contracts[by_json[key]] = contract
        staff.append(
            Staff(
                id=s.id,
                name=s.id,
                unit=UNIT_ID,
                skills=[sid for sid, mx in s.max_shifts.items() if mx > 0],
                contract=by_json[key],
            )
        )

    absences = [
        Absence(staff=e, start=date(d), end=date(d), reason=AbsenceReason.rest, note="day off")
        for e, days in inst.days_off.items()
        for d in sorted(set(days))
    ]
    requests = [
        Request(staff=r.staff, date=date(r.day), shift=r.shift, on_site=True, weight=r.weight)
        for r in inst.on_requests
    ]
    requests += [
        Request(staff=r.staff, date=date(r.day), shift=r.shift, on_site=False, weight=r.weight)
        for r in inst.off_requests
    ]

    return Problem(
        site=site,
        staff=staff,
        policy=benchmark_policy(f"curtois-qu {inst.name}", contracts),
        horizon=horizon,
        absences=absences,
        requests=requests,
        objective_offset=0,
    )


def read_instance(path: str | Path, start: dt.date = DEFAULT_START) -> Problem:
    """Read an instance file into a :class:`Problem` (day 0 = ``start``, a Monday)."""
    return to_problem(read_raw(path), start=start)


# --------------------------------------------------------------------------------------------
# Solutions: one line per employee, tab-separated shift ids, empty for a day off
# --------------------------------------------------------------------------------------------

Grid = list[list[str | None]]  # staff (in file order) x day -> shift id or None


def roster_to_grid(problem: Problem, roster: Roster) -> Grid:
    """The roster as a staff x day grid. Raises ValueError if someone has two shifts a day."""
    h = problem.horizon
    pos = {s.id: i for i, s in enumerate(problem.staff)}
    grid: Grid = [[None] * h.days for _ in problem.staff]
    for a in roster.assignments:
        if a.staff not in pos:
            raise ValueError(f"roster names unknown staff {a.staff!r}")
        if not h.contains(a.date):
            raise ValueError(f"roster date {a.date} outside the horizon")
        d = h.day(a.date)
        row = grid[pos[a.staff]]
        if row[d] is not None and row[d] != a.shift:
            raise ValueError(f"{a.staff} has two shifts on day {d}: {row[d]} and {a.shift}")
        row[d] = a.shift
    return grid


def write_solution(problem: Problem, roster: Roster) -> str:
    """One line per employee (in the problem's staff order), one tab-separated field per day:
    the shift id, or empty for a day off (the format of Strandmark's ``save_solution``)."""
    grid = roster_to_grid(problem, roster)
    return "".join("\t".join(x or "" for x in row) + "\n" for row in grid)


def _post_of_slot(problem: Problem) -> dict[tuple[dt.date, str], str]:
    out: dict[tuple[dt.date, str], str] = {}
    for p in problem.site.posts:
        for sd in p.slot_demands:
            out.setdefault((sd.date, sd.shift), p.id)
    return out


def grid_to_roster(problem: Problem, grid: Sequence[Sequence[str | None]]) -> Roster:
    """A staff x day grid as a roster, each shift at the post that covers it that day."""
    h = problem.horizon
    post_of = _post_of_slot(problem)
    fallback: dict[str, str] = {}
    for p in problem.site.posts:
        fallback.setdefault(p.id.split("#")[0], p.id)
    shift_ids = {s.id for s in problem.site.shifts}
    if len(grid) != len(problem.staff):
        raise ValueError(f"{len(grid)} rows for {len(problem.staff)} staff")
    assignments = []
    for s, row in zip(problem.staff, grid, strict=True):
        if len(row) > h.days:
            raise ValueError(f"row of {s.id} has {len(row)} days, the horizon {h.days}")
        for d, sid in enumerate(row):
            if not sid:
                continue
            if sid not in shift_ids:
                raise ValueError(f"row of {s.id}, day {d}: unknown shift {sid!r}")
            date = h.date(d)
            assignments.append(
                Assignment(
                    staff=s.id,
                    date=date,
                    shift=sid,
                    post=post_of.get((date, sid), fallback.get(sid)),
                )
            )
    return Roster(assignments=assignments)


def read_solution(problem: Problem, text: str) -> Roster:
    """Read the text written by :func:`write_solution` (or Strandmark's ``save_solution``)."""
    lines = text.replace("\r", "").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    grid = [[x.strip() or None for x in line.split("\t")] for line in lines]
    return grid_to_roster(problem, grid)


# --------------------------------------------------------------------------------------------
# An independent checker, from FORMAT.md alone
# --------------------------------------------------------------------------------------------


def evaluate(inst: Instance, grid: Sequence[Sequence[str | None]]) -> tuple[list[str], int]:
    """Check a grid against the ten hard rules of FORMAT.md and compute its objective.

    Returns ``(violations, objective)``; the roster is feasible when ``violations`` is empty.
    This does not use the domain model, so it cross-checks the mapping and the referee.
    """
    H = inst.horizon
    shifts = inst.shift_by_id
    out: list[str] = []
    if len(grid) != len(inst.staff):
        raise ValueError(f"{len(grid)} rows for {len(inst.staff)} staff")
    rows = [list(r) + [None] * (H - len(r)) for r in grid]
    for s, row in zip(inst.staff, rows, strict=True):
        work = [x is not None for x in row]
        for d in range(H - 1):  # 2. rotation
            first, then = row[d], row[d + 1]
            if first and then and then in shifts[first].cannot_follow:
                out.append(f"{s.id}: {row[d + 1]} on day {d + 1} cannot follow {row[d]}")
        for sid in shifts:  # 3. max shifts per type
            n = sum(1 for x in row if x == sid)
            if n > s.max_shifts.get(sid, H):
                out.append(f"{s.id}: {n} shifts {sid}, max {s.max_shifts.get(sid)}")
        minutes = sum(shifts[x].minutes for x in row if x)
        if minutes > s.max_total_minutes:  # 4.
            out.append(f"{s.id}: {minutes} minutes > max {s.max_total_minutes}")
        if minutes < s.min_total_minutes:  # 5.
            out.append(f"{s.id}: {minutes} minutes < min {s.min_total_minutes}")
        for state, lo, hi in (
            (True, s.min_consecutive_shifts, s.max_consecutive_shifts),
            (False, s.min_consecutive_days_off, None),
        ):
            for a, b in _runs(work, state):  # 6./7./8.
                length = b - a
                if hi is not None and length > hi:
                    out.append(f"{s.id}: run of {length} working days from day {a} > {hi}")
                if length < lo and a > 0 and b < H:
                    what = "working days" if state else "days off"
                    out.append(f"{s.id}: run of {length} {what} from day {a} < {lo}")
        weekends = sum(1 for k in range(H // 7) if work[7 * k + 5] or work[7 * k + 6])
        if weekends > s.max_weekends:  # 9.
            out.append(f"{s.id}: {weekends} weekends worked > {s.max_weekends}")
        for d in inst.days_off.get(s.id, []):  # 10.
            if work[d]:
                out.append(f"{s.id}: works on day off {d}")
    pos = {s.id: i for i, s in enumerate(inst.staff)}
    obj = 0
    for r in inst.on_requests:
        if rows[pos[r.staff]][r.day] != r.shift:
            obj += r.weight
    for r in inst.off_requests:
        if rows[pos[r.staff]][r.day] == r.shift:
            obj += r.weight
    for c in inst.cover:
        n = sum(1 for row in rows if row[c.day] == c.shift)
        obj += c.weight_under * max(0, c.requirement - n)
        obj += c.weight_over * max(0, n - c.requirement)
    return out, obj


def _runs(flags: list[bool], state: bool) -> Iterable[tuple[int, int]]:
    """Maximal runs [a, b) of ``state`` in ``flags``."""
    a = None
    for i, f in enumerate(flags + [not state]):
        if f == state and a is None:
            a = i
        elif f != state and a is not None:
            yield a, i
            a = None


# --------------------------------------------------------------------------------------------
# Best known bounds
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BestKnown:
    instance: str
    lower_bound: int | None
    upper_bound: int | None
    optimal_known: str  # "yes", "no" or "uncertain"
    source: str = ""
    notes: str = ""


def read_best_known(path: str | Path) -> dict[str, BestKnown]:
    """Read ``best_known.csv`` (instance, lower_bound, upper_bound, optimal_known, source, notes)
    into a dict keyed by instance name (``Instance1`` ...); missing bounds are None."""
    out = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):

            def num(v: str | None) -> int | None:
                v = (v or "").strip()
                return int(v) if v else None

            out[row["instance"]] = BestKnown(
                instance=row["instance"],
                lower_bound=num(row["lower_bound"]),
                upper_bound=num(row["upper_bound"]),
                optimal_known=row["optimal_known"].strip(),
                source=row.get("source", ""),
                notes=row.get("notes", ""),
            )
    return out
