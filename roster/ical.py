"""iCalendar (RFC 5545) feed of one person's roster: one VEVENT per on-site shift and one per
rapid-test appointment. Hand-written, no dependency: UTF-8, CRLF line ends, text escaping and
line folding at 75 octets. Times are local to the office (``Asia/Ho_Chi_Minh``, UTC+7 all year,
declared in a VTIMEZONE)."""

from __future__ import annotations

import datetime as dt
import hashlib

from roster.model import Problem, Roster

TZID = "Asia/Ho_Chi_Minh"
PRODID = "-//office-roster//roster calendar//EN"
TEST_MINUTES = 15

_VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0700",
    "TZOFFSETTO:+0700",
    "TZNAME:ICT",
    "END:STANDARD",
    "END:VTIMEZONE",
]

_WORDS = {
    "en": {
        "on_site": "On site",
        "general": "general office work",
        "test": "Rapid test",
        "cal": "Roster",
        "at": "at",
        "remote": "Duty from home",
        "home": "Home (reachable)",
    },
    "vi": {
        "on_site": "Làm việc trực tiếp",
        "general": "công việc chung",
        "test": "Test nhanh",
        "cal": "Lịch làm việc",
        "at": "tại",
        "remote": "Trực tại nhà",
        "home": "Tại nhà (liên lạc được)",
    },
}


def escape(text: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma, newline."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line to at most 75 octets per physical line, never splitting a UTF-8
    character; continuation lines start with a space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[str] = []
    current = ""
    size = 0
    limit = 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            parts.append(current)
            current, size, limit = ch, n, 74  # the leading space takes one octet
        else:
            current += ch
            size += n
    parts.append(current)
    return "\r\n ".join(parts)


def _local(d: dt.date, t: dt.time) -> str:
    return f"{d:%Y%m%d}T{t:%H%M%S}"


def _uid(*parts: object) -> str:
    digest = hashlib.sha1("|".join(str(p) for p in parts).encode()).hexdigest()[:20]
    return f"{digest}@office-roster"


def person_calendar(
    problem: Problem,
    roster: Roster,
    staff_id: str,
    *,
    lang: str = "en",
    calendar_id: str = "",
    stamp: dt.datetime | None = None,
) -> bytes:
    """The person's calendar as bytes (UTF-8, CRLF). ``calendar_id`` (e.g. the roster id) makes
    event UIDs unique across rosters, so a re-published roster updates the same events."""
    words = _WORDS.get(lang, _WORDS["en"])
    person = next((s for s in problem.staff if s.id == staff_id), None)
    if person is None:
        raise KeyError(staff_id)
    stamp = (stamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    dtstamp = f"{stamp:%Y%m%dT%H%M%SZ}"
    shifts = {s.id: s for s in problem.site.shifts}
    posts = {p.id: p for p in problem.site.posts}
    site_name = problem.site.name or problem.site.id

    def shift_name(sid: str) -> str:
        s = shifts[sid]
        return (s.name_vi if lang == "vi" and s.name_vi else s.name) or s.id

    def post_name(pid: str | None) -> str:
        if pid is None or pid not in posts:
            return words["general"]
        p = posts[pid]
        return (p.name_vi if lang == "vi" and p.name_vi else p.name) or p.id

    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(words['cal'] + ' - ' + (person.name or person.id))}",
        f"X-WR-TIMEZONE:{TZID}",
        *_VTIMEZONE,
    ]
    mine = sorted(
        (a for a in roster.assignments if a.staff == staff_id),
        key=lambda a: (a.date, shifts[a.shift].start if a.shift in shifts else dt.time()),
    )
    first_start: dict[dt.date, dt.time] = {}
    for a in mine:
        if a.shift not in shifts:
            continue
        s = shifts[a.shift]
        first_start.setdefault(a.date, s.start)
        end_date = a.date + dt.timedelta(days=1) if s.end <= s.start else a.date
        summary = f"{words['on_site']}: {post_name(a.post)} ({shift_name(a.shift)})"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_uid(calendar_id, staff_id, a.date, a.shift)}",
            f"DTSTAMP:{dtstamp}",
            f"DTSTART;TZID={TZID}:{_local(a.date, s.start)}",
            f"DTEND;TZID={TZID}:{_local(end_date, s.end)}",
            f"SUMMARY:{escape(summary)}",
            f"LOCATION:{escape(site_name)}",
            "CATEGORIES:ON-SITE",
            "TRANSP:OPAQUE",
            "END:VEVENT",
        ]
    duties = sorted(
        (r for r in roster.remote_duties if r.staff == staff_id and r.shift in shifts),
        key=lambda r: (r.date, shifts[r.shift].start),
    )
    for r in duties:
        s = shifts[r.shift]
        end_date = r.date + dt.timedelta(days=1) if s.end <= s.start else r.date
        summary = f"{words['remote']}: {post_name(r.post)} ({shift_name(r.shift)})"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_uid(calendar_id, staff_id, r.date, r.shift, 'remote')}",
            f"DTSTAMP:{dtstamp}",
            f"DTSTART;TZID={TZID}:{_local(r.date, s.start)}",
            f"DTEND;TZID={TZID}:{_local(end_date, s.end)}",
            f"SUMMARY:{escape(summary)}",
            f"LOCATION:{escape(words['home'])}",
            "CATEGORIES:REMOTE-DUTY",
            "TRANSP:OPAQUE",
            "END:VEVENT",
        ]
    for t in sorted((t for t in roster.tests if t.staff == staff_id), key=lambda t: t.date):
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_uid(calendar_id, staff_id, t.date, 'test')}",
            f"DTSTAMP:{dtstamp}",
        ]
        start = first_start.get(t.date)
        if start is not None:
            begin = dt.datetime.combine(t.date, start)
            end = begin + dt.timedelta(minutes=TEST_MINUTES)
            lines += [
                f"DTSTART;TZID={TZID}:{begin:%Y%m%dT%H%M%S}",
                f"DTEND;TZID={TZID}:{end:%Y%m%dT%H%M%S}",
            ]
        else:
            lines += [
                f"DTSTART;VALUE=DATE:{t.date:%Y%m%d}",
                f"DTEND;VALUE=DATE:{t.date + dt.timedelta(days=1):%Y%m%d}",
            ]
        lines += [
            f"SUMMARY:{escape(words['test'])}",
            f"LOCATION:{escape(site_name)}",
            "CATEGORIES:RAPID-TEST",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(x) for x in lines) + "\r\n").encode("utf-8")
