"""Events that break a published roster, and what they mean for the rest of the week.

An :class:`Event` is one thing that happened: a positive rapid test, a close contact, leave or
sickness, someone who may only work from home, a counter that closes. :func:`apply_events`
turns events into input a solve understands (isolation and leave as absences, a closed post as
zero demand) and finds close contacts by the policy's isolation rule
(:class:`roster.model.IsolationRule`). :func:`diff_roster` lists what changed, person by person.
:func:`read_events` reads an events file (YAML or CSV, documented in ``docs/repair.md``) with
errors naming file, row and field. Pure Python.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from roster.errors import InputError, Issue, IssueCollector
from roster.export import csv_safe, date_label
from roster.index import ProblemIndex
from roster.input_messages import T, pydantic_text
from roster.io.cells import parse_date
from roster.model import Absence, AbsenceReason, FixedCell, Problem, Roster, SlotDemand
from roster.validation import day_label


class EventKind(StrEnum):
    positive = "positive"  # tested positive on ``date``: isolated, contacts found by policy
    contact = "contact"  # a close contact named by the health service: isolated
    leave = "leave"  # off from ``date`` to ``end``
    sick = "sick"  # off from ``date`` to ``end``
    remote_only = "remote_only"  # works, but only from home, ``date`` to ``end``
    post_closed = "post_closed"  # ``post`` takes nobody from ``date`` to ``end``


class Event(BaseModel):
    """One event. ``staff`` for people's events, ``post`` for ``post_closed``. ``end``: last day
    (inclusive); for ``positive`` and ``contact`` the policy's isolation period decides when
    ``end`` is not given; for the others it defaults to ``date`` (``post_closed``: to the end of
    the horizon). ``shifts`` limits leave, sickness, remote work and a closure to those shifts
    (all when empty). A close contact in isolation works from home (remote) unless ``sick``
    says they are ill (then off); the positive case is off."""

    model_config = ConfigDict(extra="forbid")

    kind: EventKind
    date: dt.date
    staff: str | None = None
    post: str | None = None
    end: dt.date | None = None
    shifts: list[str] = Field(default_factory=list)
    sick: bool = False
    note: str = ""

    @model_validator(mode="after")
    def _fields(self) -> Event:
        if self.kind == EventKind.post_closed:
            if not self.post:
                raise ValueError(T("events.needs_post"))
        elif not self.staff:
            raise ValueError(T("events.needs_staff", kind=self.kind.value))
        if self.end is not None and self.end < self.date:
            raise ValueError(T("events.end_before", end=self.end, date=self.date))
        return self


class Isolation(BaseModel):
    """Someone taken off site by an event: who, why, from when to when, and whether they work
    from home meanwhile (``remote``: a close contact who is not ill) or are off."""

    staff: str
    name: str = ""
    reason: str
    start: dt.date
    end: dt.date
    source: str | None = Field(None, description="For a close contact: the positive case.")
    remote: bool = Field(False, description="Works from home during the isolation.")
    reason_vi: str = Field("", description="``reason`` in Vietnamese (filled in from it).")
    absence: AbsenceReason = Field(
        AbsenceReason.isolation, description="The absence it records on the roster's problem."
    )
    shifts: list[str] = Field(
        default_factory=list, description="The shifts it covers (all when empty)."
    )

    def as_absence(self) -> Absence:
        """The absence this isolation (or leave) adds to the problem the roster is judged by."""
        return Absence(
            staff=self.staff,
            start=self.start,
            end=self.end,
            shifts=self.shifts,
            reason=self.absence,
            note=self.reason,
        )

    @model_validator(mode="after")
    def _reason_vi(self) -> Isolation:
        if self.reason and not self.reason_vi:
            self.reason_vi = reason_words(self.reason, "vi")
        return self


class Change(BaseModel):
    """One changed cell (or test booking) of a roster: ``before`` and ``after`` are ``remote``,
    ``off``, ``on_site``, ``on_site:<post>`` or ``remote:<post>`` (a duty from home: hotline,
    on-call) (tests: ``booked``/``none``; teams: ``team:<n>``)."""

    kind: str = "cell"
    staff: str
    name: str = ""
    date: dt.date
    shift: str | None = None
    before: str
    after: str
    reason: str = ""
    reason_vi: str = Field("", description="``reason`` in Vietnamese (filled in from it).")

    @model_validator(mode="after")
    def _reason_vi(self) -> Change:
        if self.reason and not self.reason_vi:
            self.reason_vi = reason_words(self.reason, "vi")
        return self


class Applied(BaseModel):
    """The problem with the events applied, and what the events did."""

    problem: Problem
    isolated: list[Isolation] = Field(default_factory=list)
    closed: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    notes_vi: list[str] = Field(default_factory=list, description="``notes`` in Vietnamese.")


def _who(ix: ProblemIndex, sid: str) -> str:
    s = ix.staff_by_id.get(sid)
    return f"{s.name} ({sid})" if s is not None and s.name else sid


def close_contacts(problem: Problem, roster: Roster, staff: str, date: dt.date) -> list[str]:
    """The close contacts of ``staff`` who tested positive on ``date``, by the policy's rule:
    ``shared_slots``: on site in a slot ``staff`` was on site in, within ``lookback_days`` days
    up to ``date``; ``team``: the same team in ``roster.teams``; ``none``: nobody."""
    rule = problem.policy.isolation
    if rule.contacts == "none":
        return []
    if rule.contacts == "team":
        team = roster.teams.get(staff)
        if team is None:
            return []
        return [s for s, t in roster.teams.items() if t == team and s != staff]
    first = date - dt.timedelta(days=rule.lookback_days)
    slots = {
        (a.date, a.shift)
        for a in roster.assignments
        if a.staff == staff and first <= a.date <= date
    }
    seen: list[str] = []
    for a in roster.assignments:
        if (a.date, a.shift) in slots and a.staff != staff and a.staff not in seen:
            seen.append(a.staff)
    return seen


def apply_events(problem: Problem, roster: Roster, events: list[Event], start: dt.date) -> Applied:
    """The problem with ``events`` applied from ``start`` on: isolation, leave, sickness and
    remote-only as absences (clipped to ``start``: the days before are history), closed posts
    as zero demand. Close contacts of a positive case are isolated by the policy's rule."""
    ix = ProblemIndex(problem)
    rule = problem.policy.isolation
    absences = list(problem.absences)
    isolated: list[Isolation] = []
    notes: list[str] = []
    notes_vi: list[str] = []
    closed: list[str] = []

    def vi_day(date: dt.date) -> str:
        return f"{date.day:02d}/{date.month:02d}"

    posts = {p.id: p.model_copy(deep=True) for p in problem.site.posts}
    done: set[str] = set()

    def isolate(
        sid: str,
        reason: str,
        first: dt.date,
        last: dt.date,
        note: str,
        source: str | None = None,
        absence: AbsenceReason = AbsenceReason.isolation,
        shifts: list[str] | None = None,
        quarantine: bool = False,
    ) -> None:
        # One isolation per person: the positive case first, then a contact once.
        if quarantine or absence == AbsenceReason.isolation:
            if sid in done:
                return
            done.add(sid)
        s = max(first, start)
        if last < s:
            notes.append(
                f"{_who(ix, sid)}: {reason} ends {day_label(last)}, before "
                f"{day_label(start)}; nothing to change"
            )
            notes_vi.append(
                f"{_who(ix, sid)}: {REASONS_VI.get(reason, reason)} kết thúc ngày {vi_day(last)}, "
                f"trước ngày {vi_day(start)}; không cần thay đổi"
            )
            return
        absences.append(
            Absence(staff=sid, start=s, end=last, reason=absence, shifts=shifts or [], note=note)
        )
        isolated.append(
            Isolation(
                staff=sid,
                name=ix.staff_by_id[sid].name,
                reason=reason,
                start=s,
                end=last,
                source=source,
                remote=not absence.is_off,
                absence=absence,
                shifts=shifts or [],
            )
        )

    for ev in [e for e in events if e.kind == EventKind.positive]:
        assert ev.staff is not None
        last = ev.end or ev.date + dt.timedelta(days=rule.days - 1)
        isolate(
            ev.staff,
            "positive test",
            ev.date,
            last,
            f"positive test {ev.date.isoformat()}" + (f"; {ev.note}" if ev.note else ""),
        )
        contacts = close_contacts(problem, roster, ev.staff, ev.date)
        c_last = ev.date + dt.timedelta(days=(rule.contact_days or rule.days) - 1)
        for c in contacts:
            isolate(
                c,
                "close contact",
                ev.date,
                c_last,
                f"close contact of {ev.staff}, isolated at home",
                source=ev.staff,
                absence=AbsenceReason.remote_only,
                quarantine=True,
            )
        if contacts:
            notes.append(
                f"{_who(ix, ev.staff)} tested positive on {day_label(ev.date)}: "
                f"{len(contacts)} close contact(s) isolated at home, working remotely "
                f"({rule.contacts})"
            )
            notes_vi.append(
                f"{_who(ix, ev.staff)} dương tính ngày {vi_day(ev.date)}: {len(contacts)} người "
                "tiếp xúc gần cách ly tại nhà, làm việc tại nhà"
            )
    for ev in events:
        if ev.kind == EventKind.contact:
            assert ev.staff is not None
            last = ev.end or ev.date + dt.timedelta(days=(rule.contact_days or rule.days) - 1)
            isolate(
                ev.staff,
                "close contact, sick" if ev.sick else "close contact",
                ev.date,
                last,
                ev.note
                or ("close contact, sick" if ev.sick else "close contact, isolated at home"),
                absence=AbsenceReason.isolation if ev.sick else AbsenceReason.remote_only,
                quarantine=True,
            )
        elif ev.kind in (EventKind.leave, EventKind.sick, EventKind.remote_only):
            assert ev.staff is not None
            last = ev.end or ev.date
            isolate(
                ev.staff,
                ev.kind.value.replace("_", " "),
                ev.date,
                last,
                ev.note or ev.kind.value,
                absence=AbsenceReason(ev.kind.value),
                shifts=ev.shifts,
            )
        elif ev.kind == EventKind.post_closed:
            assert ev.post is not None
            post = posts[ev.post]
            last = min(ev.end or problem.horizon.end, problem.horizon.end)
            first = max(ev.date, start)
            n = 0
            for d, sh in ix.needs[ev.post]:
                date = ix.date(d)
                if first <= date <= last and (not ev.shifts or sh in ev.shifts):
                    post.slot_demands.append(SlotDemand(date=date, shift=sh, min=0, max=0))
                    n += 1
            closed.append(ev.post)
            notes.append(
                f"{post.label} closed from {day_label(first)} to {day_label(last)} ({n} shift(s))"
            )
            notes_vi.append(
                f"{post.name_vi or post.label} tạm dừng từ {vi_day(first)} đến {vi_day(last)} "
                f"({n} ca)"
            )
    site = problem.site.model_copy(update={"posts": [posts[p.id] for p in problem.site.posts]})
    fixed = _fixed_kept(problem, absences[len(problem.absences) :], start, ix, notes, notes_vi)
    new = problem.model_copy(update={"site": site, "absences": absences, "fixed": fixed})
    return Applied(
        problem=Problem.model_validate(new.model_dump()),
        isolated=isolated,
        closed=closed,
        notes=notes,
        notes_vi=notes_vi,
    )


def _fixed_kept(
    problem: Problem,
    added: list[Absence],
    start: dt.date,
    ix: ProblemIndex,
    notes: list[str],
    notes_vi: list[str],
) -> list[FixedCell]:
    """The fixed cells that still hold after the events: a cell fixed on site (the head's plan)
    for someone the events keep away (isolated, on leave, sick, only from home) is dropped,
    with a note; the event is a fact, the fixed cell was a plan made without it."""
    kept: list[FixedCell] = []
    for f in problem.fixed:
        away = (
            f.on_site
            and f.date >= start
            and any(
                a.staff == f.staff
                and a.start <= f.date <= a.end
                and (not a.shifts or f.shift in a.shifts)
                for a in added
            )
        )
        if not away:
            kept.append(f)
            continue
        sh = ix.shift_by_id.get(f.shift)
        shift = (sh.name or f.shift) if sh is not None else f.shift
        shift_vi = (sh.name_vi or shift) if sh is not None else f.shift
        notes.append(
            f"{_who(ix, f.staff)}: the cell fixed on site on {day_label(f.date)} ({shift}) is "
            "dropped (the events keep them away)"
        )
        notes_vi.append(
            f"{_who(ix, f.staff)}: bỏ ô đã cố định trực tiếp tại cơ quan ngày "
            f"{f.date.day:02d}/{f.date.month:02d} ({shift_vi}) (vắng mặt do sự việc mới)"
        )
    return kept


# ----------------------------------------------------------------------------------------------
# differences
# ----------------------------------------------------------------------------------------------


def cell_states(roster: Roster) -> dict[tuple[str, dt.date, str], str]:
    """Every cell ``roster`` names, as a state: ``on_site``, ``on_site:<post>`` or
    ``remote:<post>`` (a duty from home, a post of kind ``remote``). A cell named twice (a clash
    the referee flags) joins its states with ``+``. Cells not named are remote (or off)."""
    parts: dict[tuple[str, dt.date, str], list[str]] = defaultdict(list)
    for a in roster.assignments:
        parts[(a.staff, a.date, a.shift)].append(f"on_site:{a.post}" if a.post else "on_site")
    for r in roster.remote_duties:
        parts[(r.staff, r.date, r.shift)].append(f"remote:{r.post}")
    return {k: "+".join(sorted(v)) for k, v in parts.items()}


def _state(cells: dict, ix: ProblemIndex, sid: str, day: int, shift: str) -> str:
    key = (sid, ix.date(day), shift)
    if key in cells:
        return str(cells[key])
    absence = ix.absence_at(sid, day, shift)
    return "off" if absence is not None and absence.reason.is_off else "remote"


def _reason(isolation: str | None, before: str, after: str) -> str:
    """Why a cell changed: the person's isolation (or leave...) when it took them off a duty
    or off site; ``covers`` when they take a duty on (a close contact at home may take the
    hotline); ``moved`` otherwise."""
    takes = after not in ("remote", "off") and before in ("remote", "off")
    if isolation and not takes:
        return isolation
    return "moved" if after in ("remote", "off") else "covers"


def diff_roster(
    problem: Problem,
    old: Roster,
    new: Roster,
    start: dt.date,
    isolated: list[Isolation] | None = None,
) -> list[Change]:
    """Changed cells and test bookings from ``start`` on, person by person (staff-list order),
    then by date and shift. ``problem`` is the one with the events applied (so absent people
    read ``off``)."""
    ix = ProblemIndex(problem)
    why = {i.staff: i.reason for i in isolated or []}
    a = cell_states(old)
    b = cell_states(new)
    keys = {k for k in set(a) | set(b) if k[1] >= start and a.get(k, "-") != b.get(k, "-")}
    order = {s.id: i for i, s in enumerate(problem.staff)}
    out: list[Change] = []
    for sid, date, shift in sorted(
        keys, key=lambda k: (order.get(k[0], 1 << 30), k[1], ix.shift_order.get(k[2], 0))
    ):
        if sid not in ix.staff_by_id or not problem.horizon.contains(date):
            continue
        d = problem.horizon.day(date)
        before = a.get((sid, date, shift), "remote")
        after = _state(b, ix, sid, d, shift)
        out.append(
            Change(
                staff=sid,
                name=ix.staff_by_id[sid].name,
                date=date,
                shift=shift,
                before=before,
                after=after,
                reason=_reason(why.get(sid), before, after),
            )
        )
    ta = {(t.staff, t.date) for t in old.tests if t.date >= start}
    tb = {(t.staff, t.date) for t in new.tests if t.date >= start}
    for sid, date in sorted(ta ^ tb, key=lambda k: (order.get(k[0], 1 << 30), k[1])):
        booked = (sid, date) in tb
        out.append(
            Change(
                kind="test",
                staff=sid,
                name=ix.staff_by_id[sid].name if sid in ix.staff_by_id else "",
                date=date,
                before="none" if booked else "booked",
                after="booked" if booked else "none",
                reason="test plan",
            )
        )
    return out


_STATE_WORDS = {
    "en": {
        "on_site": "on site",
        "on_site_at": "on site at {post}",
        "remote": "remote",
        "remote_at": "from home on duty {post}",
        "off": "off",
        "booked": "test booked",
        "none": "no test",
        "team": "team {team}",
    },
    "vi": {
        "on_site": "trực tiếp tại cơ quan",
        "on_site_at": "trực tại {post}",
        "remote": "làm việc tại nhà",
        "remote_at": "trực {post} tại nhà",
        "off": "nghỉ",
        "booked": "có lịch test",
        "none": "không test",
        "team": "nhóm {team}",
    },
}

#: Reasons of a change, as :func:`diff_roster` and the re-roster write them, in Vietnamese.
REASONS_VI = {
    "positive test": "dương tính",
    "close contact": "tiếp xúc gần, cách ly tại nhà",
    "close contact, sick": "tiếp xúc gần, bị ốm",
    "leave": "nghỉ phép",
    "sick": "nghỉ ốm",
    "remote only": "chỉ làm việc tại nhà",
    "covers": "thay thế",
    "moved": "điều chỉnh",
    "test plan": "lịch test",
}


def reason_words(reason: str, lang: str = "en") -> str:
    """A change's reason in ``lang``."""
    if lang != "vi":
        return reason
    moved = "moved to keep every post covered"
    if reason.startswith(moved):
        rest = reason[len(moved) :].replace("(cost ", "(điểm trừ ")
        return "chuyển nhóm để đủ người trực các quầy/nhiệm vụ" + rest
    return REASONS_VI.get(reason, reason)


def _words(state: str, posts: dict[str, str], lang: str = "en") -> str:
    words = _STATE_WORDS["vi" if lang == "vi" else "en"]
    if "+" in state:  # a clash: two duties in one cell
        return " + ".join(_words(part, posts, lang) for part in state.split("+"))
    if state.startswith("on_site:"):
        pid = state.split(":", 1)[1]
        return words["on_site_at"].format(post=posts.get(pid, pid))
    if state.startswith("remote:"):
        pid = state.split(":", 1)[1]
        return words["remote_at"].format(post=posts.get(pid, pid))
    if state.startswith("team:"):
        k = int(state.split(":", 1)[1])
        return words["team"].format(team=chr(ord("A") + k))
    return words.get(state, state)


def format_changes(changes: list[Change], problem: Problem, lang: str = "en") -> str:
    """The changes as text, person by person."""
    vi = lang == "vi"
    if not changes:
        return "Không thay đổi." if vi else "No changes."
    posts = {p.id: (p.name_vi if vi and p.name_vi else p.label) for p in problem.site.posts}
    shifts = {s.id: (s.name_vi if vi and s.name_vi else s.label) for s in problem.site.shifts}
    by: dict[str, list[Change]] = defaultdict(list)
    for c in changes:
        by[c.staff].append(c)
    cells = sum(1 for c in changes if c.kind == "cell")
    tests = sum(1 for c in changes if c.kind == "test")
    teams = sum(1 for c in changes if c.kind == "team")
    if vi:
        moved = f", {teams} lượt chuyển nhóm" if teams else ""
        head_line = f"Thay đổi: {cells} ô lịch, {tests} lịch test{moved}, {len(by)} cán bộ:"
    else:
        moved = f", {teams} team move(s)" if teams else ""
        head_line = (
            f"Changes: {cells} cell(s), {tests} test booking(s){moved}, {len(by)} person(s):"
        )
    lines = [head_line]
    for sid, items in by.items():
        head = f"{items[0].name} ({sid})" if items[0].name else sid
        lines.append(f"  {head}:")
        for c in items:
            day = date_label(c.date, "vi") if vi else day_label(c.date)
            when = day + (f" {shifts.get(c.shift, c.shift)}" if c.shift else "")
            lines.append(
                f"    {when}: {_words(c.before, posts, lang)} -> {_words(c.after, posts, lang)}"
                f"  ({reason_words(c.reason, lang)})"
            )
    return "\n".join(lines)


CHANGES_COLUMNS_VI = ["Loại", "Mã CB", "Họ tên", "Ngày", "Ca", "Trước", "Sau", "Lý do"]


KINDS_VI = {"cell": "ô lịch", "test": "lịch test", "team": "chuyển nhóm"}


def changes_csv(changes: list[Change], lang: str = "en", problem: Problem | None = None) -> str:
    """The changes as CSV text (one row per change; formula-like text neutralised). In English
    the values are ids (``on_site:<post>``, ``remote:<post>`` for a duty from home, ``remote``...);
    in Vietnamese every header and value is in words."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    vi = lang == "vi"
    posts: dict[str, str] = {}
    shifts: dict[str, str] = {}
    if problem is not None:
        posts = {p.id: (p.name_vi or p.label) if vi else p.label for p in problem.site.posts}
        shifts = {s.id: (s.name_vi or s.label) if vi else s.id for s in problem.site.shifts}
    if vi:
        w.writerow(CHANGES_COLUMNS_VI)
    else:
        w.writerow(["kind", "staff", "name", "date", "shift", "before", "after", "reason"])
    for c in changes:
        if vi:
            row = [
                KINDS_VI.get(c.kind, c.kind),
                c.staff,
                c.name,
                f"{c.date:%d/%m/%Y}",
                shifts.get(c.shift, c.shift) if c.shift else "",
                _words(c.before, posts, "vi"),
                _words(c.after, posts, "vi"),
                reason_words(c.reason, "vi"),
            ]
        else:
            row = [
                c.kind,
                c.staff,
                c.name,
                c.date.isoformat(),
                c.shift or "",
                c.before,
                c.after,
                c.reason,
            ]
        w.writerow([csv_safe(v) for v in row])
    return buf.getvalue()


# ----------------------------------------------------------------------------------------------
# reading events
# ----------------------------------------------------------------------------------------------

CSV_COLUMNS = ["kind", "staff", "post", "date", "end", "shifts", "sick", "note"]


def check_events(
    events: list[Event],
    problem: Problem,
    file: str = "events",
    rows: list[int | None] | None = None,
) -> None:
    """InputError unless every event names known staff, posts and shifts."""
    staff = {s.id for s in problem.staff}
    posts = {p.id for p in problem.site.posts}
    shifts = [s.id for s in problem.site.shifts]
    issues = IssueCollector()
    for i, ev in enumerate(events):
        row = rows[i] if rows else i + 1
        if ev.staff is not None and ev.staff not in staff:
            issues.add(file, row, "staff", _unknown("staff", ev.staff))
        if ev.post is not None and ev.post not in posts:
            issues.add(file, row, "post", _unknown("post", ev.post), sorted(posts))
        for sh in ev.shifts:
            if sh not in shifts:
                issues.add(file, row, "shifts", _unknown("shift", sh), shifts)
    issues.raise_if_any()


def _unknown(kind: str, value: Any) -> str:
    """``unknown staff 'x'``, worded in both languages."""
    return T("cell.unknown", kind=T(f"kind.{kind}"), value=value)


def parse_events(
    data: Any, problem: Problem, file: str = "events"
) -> tuple[list[Event], dt.date | None]:
    """Events from parsed YAML/JSON: a list of events, or ``{from: DATE, events: [...]}``."""
    start = None
    items = data
    if isinstance(data, dict):
        unknown = set(data) - {"from", "events"}
        if unknown:
            field = sorted(unknown)[0]
            raise InputError(Issue(file, None, field, T("events.unknown_key"), "from, events"))
        start = _date(data.get("from"), file, None, "from")
        items = data.get("events") or []
    if not isinstance(items, list):
        raise InputError(Issue(file, None, "events", T("events.not_list")))
    events: list[Event] = []
    issues = IssueCollector()
    for i, item in enumerate(items):
        try:
            events.append(Event.model_validate(item))
        except ValidationError as e:
            for x in e.errors():
                loc = ".".join(str(p) for p in x["loc"]) or None
                issues.add(
                    file,
                    None,
                    f"events[{i}]" + (f".{loc}" if loc else ""),
                    pydantic_text(x),
                )
    issues.raise_if_any()
    check_events(events, problem, file, [None] * len(events))
    return events, start


def _date(value: Any, file: str, row: int | None, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    d = parse_date(str(value))
    if d is None:
        raise InputError(
            Issue(file, row, field, T("cell.not_date", value=value), T("allowed.date_short"))
        )
    return d


def read_events(path: Path, problem: Problem) -> tuple[list[Event], dt.date | None]:
    """Events from a ``.yaml``/``.yml``/``.json`` or ``.csv`` file, and the file's ``from``
    date (YAML only). InputError with file, row and field for every mistake."""
    name = path.name
    if not path.is_file():
        raise InputError(Issue(str(path), None, None, T("events.no_such_file")))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(Issue(name, None, None, T("file.unreadable", why=e))) from None
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml", ".json"):
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            raise InputError(
                Issue(
                    name,
                    mark.line + 1 if mark else None,
                    None,
                    T("events.bad_yaml", why=getattr(e, "problem", e)),
                )
            ) from None
        return parse_events(data or [], problem, name)
    if suffix == ".csv":
        return _read_csv(text, problem, name), None
    raise InputError(Issue(name, None, None, T("events.file_type"), ".yaml, .yml, .json, .csv"))


def _read_csv(text: str, problem: Problem, name: str) -> list[Event]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    issues = IssueCollector()
    for h in header:
        if h not in CSV_COLUMNS:
            issues.add(name, 1, h, T("events.unknown_column"), CSV_COLUMNS)
    for req in ("kind", "date"):
        if req not in header:
            issues.add(name, 1, req, T("events.missing_column"))
    issues.raise_if_any()
    events: list[Event] = []
    rows: list[int | None] = []
    for i, raw in enumerate(reader, start=2):
        r = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(r.values()):
            continue
        try:
            data = {
                "kind": r.get("kind", ""),
                "staff": r.get("staff") or None,
                "post": r.get("post") or None,
                "date": _date(r.get("date"), name, i, "date"),
                "end": _date(r.get("end"), name, i, "end"),
                "shifts": [
                    s.strip()
                    for s in (r.get("shifts") or "").replace(";", ",").split(",")
                    if s.strip()
                ],
                "sick": r.get("sick", "").lower() in ("1", "true", "yes", "x", "có"),
                "note": r.get("note", ""),
            }
            events.append(Event.model_validate(data))
            rows.append(i)
        except InputError as e:
            issues.extend(e.issues)
        except ValidationError as e:
            for x in e.errors():
                loc = ".".join(str(p) for p in x["loc"]) or None
                allowed = [k.value for k in EventKind] if loc == "kind" else None
                issues.add(name, i, loc, pydantic_text(x), allowed)
    issues.raise_if_any()
    check_events(events, problem, name, rows)
    return events
