"""Why this roster? What each choice of a roster costs, per rule, per person, per slot.

:func:`breakdown` runs the referee (:func:`roster.validation.check`) on any roster (the solver's
or one edited by hand) and groups its penalties: totals per rule, per person, per slot (date and
shift), per unit and per post, each sorted by cost, plus the broken hard rules. Penalties that
belong to no person (fairness of a unit, a shift's cap) are counted under ``(none)`` in the
per-person table, so every table adds up to the same total. Pure Python.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from pydantic import BaseModel, Field

from roster import words
from roster.labels import label
from roster.model import Penalty, Problem, Report, Roster, Violation
from roster.validation import check

NONE = "(none)"


class Line(BaseModel):
    """One row of a breakdown table: a key (rule id, staff id, slot, unit or post), its words,
    how many penalties and their total cost."""

    key: str
    label: str
    count: int
    cost: int
    share: float = Field(description="cost / total (0 when the total is 0)")


class Breakdown(BaseModel):
    """The penalty breakdown of one roster."""

    objective: int
    total: int = Field(description="Sum of the penalty costs (objective minus the offset).")
    ok: bool
    violations: list[Violation] = Field(default_factory=list)
    by_rule: list[Line] = Field(default_factory=list)
    by_staff: list[Line] = Field(default_factory=list)
    by_slot: list[Line] = Field(default_factory=list)
    by_unit: list[Line] = Field(default_factory=list)
    by_post: list[Line] = Field(default_factory=list)
    penalties: list[Penalty] = Field(default_factory=list)


_WORDS: dict[str, tuple[str, str]] = {
    "no_day": ("not tied to a day", "không gắn với ngày nào"),
    "whole_day": ("(whole day)", "(cả ngày)"),
    "no_person": ("not tied to a person", "không gắn với cán bộ nào"),
    "no_unit": ("not tied to a unit", "không gắn với đơn vị nào"),
    "no_post": ("not tied to a post", "không gắn với quầy/nhiệm vụ nào"),
    "objective": (
        "Objective {objective} (penalties {total}); ",
        "Tổng điểm trừ {objective} (từ các quy tắc {total}); ",
    ),
    "ok": ("all hard rules met.", "đáp ứng mọi quy tắc bắt buộc."),
    "broken": ("{n} hard rule(s) broken.", "vi phạm {n} quy tắc bắt buộc."),
    "By rule": ("By rule", "Theo quy tắc"),
    "By person": ("By person", "Theo cán bộ"),
    "By slot": ("By slot", "Theo ca"),
    "By unit": ("By unit", "Theo đơn vị"),
    "By post": ("By post", "Theo quầy/nhiệm vụ"),
    "top": ("{title} (top {n} of {of}):", "{title} ({n} dòng đầu trong {of}):"),
    "total": ("total", "tổng"),
}


def _w(key: str, lang: str, **fields: object) -> str:
    en, vi = _WORDS[key]
    return (vi if lang == "vi" else en).format(**fields)


def breakdown(
    problem: Problem, roster: Roster, report: Report | None = None, lang: str = "en"
) -> Breakdown:
    """The penalty breakdown of ``roster`` (``report``: the referee's, when already at hand);
    the labels, the violations' messages and the penalties' details in ``lang`` (a given
    ``report`` is taken as it is worded)."""
    report = report or check(problem, roster, lang)
    total = sum(p.cost for p in report.penalties)
    w = words.Words(problem, lang)
    staff = {s.id: s for s in problem.staff}
    shifts = {s.id: w.shift_name(s.id) for s in problem.site.shifts}
    units = {u.id: u.name or u.id for u in problem.site.units}
    posts = {p.id: w.post_name(p.id) for p in problem.site.posts}

    def table(key_of, label_of) -> list[Line]:
        count: dict[str, int] = defaultdict(int)
        cost: dict[str, int] = defaultdict(int)
        for p in report.penalties:
            k = key_of(p)
            count[k] += 1
            cost[k] += p.cost
        rows = [
            Line(
                key=k,
                label=label_of(k),
                count=count[k],
                cost=cost[k],
                share=round(cost[k] / total, 4) if total else 0.0,
            )
            for k in cost
        ]
        rows.sort(key=lambda r: (-r.cost, r.key))
        return rows

    def slot_key(p: Penalty) -> str:
        if p.date is None:
            return NONE
        return f"{p.date.isoformat()} {p.shift}" if p.shift else p.date.isoformat()

    def slot_label(k: str) -> str:
        if k == NONE:
            return _w("no_day", lang)
        date, _, shift = k.partition(" ")
        text = w.day(dt.date.fromisoformat(date))
        return f"{text}, {shifts.get(shift, shift)}" if shift else f"{text} {_w('whole_day', lang)}"

    def who(k: str) -> str:
        s = staff.get(k)
        if s is None:
            return _w("no_person", lang) if k == NONE else k
        return f"{s.name} ({k})" if s.name else k

    return Breakdown(
        objective=report.objective,
        total=total,
        ok=report.ok,
        violations=report.violations,
        by_rule=table(lambda p: p.rule, lambda r: label(r, lang)),
        by_staff=table(lambda p: p.staff or NONE, who),
        by_slot=table(slot_key, slot_label),
        by_unit=table(
            lambda p: p.unit or NONE,
            lambda k: units.get(k, _w("no_unit", lang) if k == NONE else k),
        ),
        by_post=table(
            lambda p: p.post or NONE,
            lambda k: posts.get(k, _w("no_post", lang) if k == NONE else k),
        ),
        penalties=sorted(report.penalties, key=lambda p: -p.cost),
    )


def format_breakdown(b: Breakdown, top: int = 10, lang: str = "en") -> str:
    """The breakdown as text tables (the ``top`` rows of each)."""
    lines = [
        _w("objective", lang, objective=b.objective, total=b.total)
        + (_w("ok", lang) if b.ok else _w("broken", lang, n=len(b.violations)))
    ]
    for v in b.violations[:top]:
        rule = label(v.rule, "vi") if lang == "vi" else v.rule
        lines.append(f"  ! [{rule}] {v.message}")
    for title, rows in (
        ("By rule", b.by_rule),
        ("By person", b.by_staff),
        ("By slot", b.by_slot),
        ("By unit", b.by_unit),
        ("By post", b.by_post),
    ):
        lines.append("")
        lines.append(_w("top", lang, title=_w(title, lang), n=min(top, len(rows)), of=len(rows)))
        width = max([len(r.label) for r in rows[:top]] + [10])
        for r in rows[:top]:
            lines.append(
                f"  {r.label:<{width}}  {r.count:>5} x  {r.cost:>8}  {100 * r.share:5.1f}%"
            )
        lines.append(
            f"  {_w('total', lang):<{width}}  {sum(r.count for r in rows):>5} x  "
            f"{sum(r.cost for r in rows):>8}"
        )
    return "\n".join(lines)
