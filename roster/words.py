"""Names of things as a head reads them, in English or Vietnamese: days, shifts, posts, units,
people, absence reasons. One place for the referee's messages (:mod:`roster.referee.judge`),
the conflict explanations (:mod:`roster.explain_text`) and the reports that quote them.

Days: ``Mon 13 Dec`` (English, whatever the process locale) or ``T2 13/12`` (Vietnamese, as on
the printed roster). Shifts: their name (``Morning``) or ``ca sáng`` (``name_vi`` when given).
Posts: their name, or ``quầy L1`` / ``nhiệm vụ Đóng dấu`` (``name_vi`` when given).
"""

from __future__ import annotations

import datetime as dt

from roster.index import ProblemIndex
from roster.lang import Lang
from roster.model import Problem

WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS_VI = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")

REASONS_VI = {
    "leave": "nghỉ phép",
    "isolation": "cách ly",
    "sick": "nghỉ ốm",
    "rest": "nghỉ",
    "remote_only": "chỉ làm việc tại nhà",
}


def day_label(date: dt.date, lang: str = "en") -> str:
    """``Tue 14 Dec`` or, in Vietnamese, ``T3 14/12``."""
    if lang == "vi":
        return f"{WEEKDAYS_VI[date.weekday()]} {date.day:02d}/{date.month:02d}"
    return f"{WEEKDAYS_EN[date.weekday()]} {date.day} {MONTHS_EN[date.month - 1]}"


def people(n: int, lang: str = "en") -> str:
    """``1 person``, ``3 people``, ``3 người``."""
    if lang == "vi":
        return f"{n} người"
    return f"{n} person" if n == 1 else f"{n} people"


def and_(items: list[str], lang: str = "en") -> str:
    """``a, b and c`` / ``a, b và c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + (" và " if lang == "vi" else " and ") + items[-1]


def reason(value: str, lang: str = "en") -> str:
    """An absence reason (``leave``, ``isolation``, ...) in the chosen language."""
    return REASONS_VI.get(value, value) if lang == "vi" else value


def shift_vi(name: str) -> str:
    """``Sáng`` -> ``ca sáng``; a name already starting with ``ca`` is kept (lower case)."""
    low = name.lower()
    return low if low.startswith("ca ") else "ca " + low


def post_vi(kind: str, name: str) -> str:
    """``quầy L1`` / ``nhiệm vụ Đóng dấu``: a counter is a quầy, a task or a duty from home a
    nhiệm vụ; a name that already says so (``Quầy Tư pháp``) is not prefixed again."""
    word = "quầy" if kind == "counter" else "nhiệm vụ"
    return name if name.lower().startswith(word) else f"{word} {name}"


class Words:
    """The names of one problem's things in one language (``lang``: en or vi)."""

    def __init__(self, problem: Problem, lang: str = "en", ix: ProblemIndex | None = None) -> None:
        self.p = problem
        self.lang: Lang = "vi" if lang == "vi" else "en"
        self.vi = self.lang == "vi"
        self.ix = ix if ix is not None else ProblemIndex(problem)
        self.units = {u.id: (u.name or u.id) for u in problem.site.units}

    def tr(self, en: str, vi: str) -> str:
        """The sentence in the chosen language."""
        return vi if self.vi else en

    def and_(self, items: list[str]) -> str:
        return and_(items, self.lang)

    def people(self, n: int) -> str:
        return people(n, self.lang)

    def day(self, date: dt.date) -> str:
        return day_label(date, self.lang)

    def reason(self, value: str) -> str:
        return reason(value, self.lang)

    def who(self, sid: str) -> str:
        s = self.ix.staff_by_id.get(sid)
        return f"{s.name} ({sid})" if s is not None and s.name else sid

    def shift_name(self, shift: str) -> str:
        """``Morning`` / ``ca sáng`` (an unknown id as it is)."""
        s = self.ix.shift_by_id.get(shift)
        if s is None:
            return shift
        return shift_vi(s.name_vi or s.label) if self.vi else s.label

    def post_name(self, pid: str) -> str:
        """A post's bare name: ``L1`` / its ``name_vi`` (an unknown id as it is)."""
        post = self.ix.post_by_id.get(pid)
        if post is None:
            return pid
        return (post.name_vi or post.label) if self.vi else post.label

    def post_vi(self, pid: str) -> str:
        """``quầy L1`` / ``nhiệm vụ Đóng dấu`` (a task or a duty from home is a nhiệm vụ)."""
        post = self.ix.post_by_id.get(pid)
        if post is None:
            return pid
        return post_vi(post.kind.value, self.post_name(pid))

    def unit(self, uid: str | None) -> str:
        if uid is None:
            return self.tr("the whole site", "toàn cơ quan")
        return self.units.get(uid, uid)

    def team(self, k: int) -> str:
        """Team ``k`` (0-based) as ``team 1`` / ``nhóm 1``."""
        return self.tr(f"team {k + 1}", f"nhóm {k + 1}")
