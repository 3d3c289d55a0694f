"""What a head reads and keeps: summary tables, the roster grid, and the files written by
``roster solve`` (``roster.xlsx``, ``roster.csv``, ``tests.csv``, ``roster.json``).

Everything here reads a :class:`~roster.model.Problem` and a :class:`~roster.model.Roster` and
never judges rules: violations, penalties and the objective come from the referee's
:class:`~roster.model.Report`. Labels come in English or Vietnamese (``lang="en"|"vi"``): rule
labels from :mod:`roster.labels`, shift and post names from ``name_vi``.

Grid codes: a post's code (``C1``, ``C2`` ... for counters, ``T1`` ... for essential tasks, in
the site's order), ``G`` on site for general office work, ``R`` remote, ``-`` off (an absence or
a closed slot); ``+T`` after the code marks the day's rapid test. In Vietnamese the codes are
``Q1`` ... (quầy), ``NV1`` ... (nhiệm vụ), ``CQ`` (tại cơ quan, công việc chung), ``Nhà`` (làm
việc tại nhà) and ``-`` (nghỉ), so that no code reads like a weekday heading (``T2`` is Thứ Hai)
or a shift (``C`` would be Chiều).
"""

from __future__ import annotations

import csv
import datetime as dt
import statistics
import textwrap
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from roster import words
from roster.index import ProblemIndex
from roster.labels import label as rule_label
from roster.model import Mode, PostKind, Problem, Roster
from roster.validation import summary_figures

Lang = Literal["en", "vi"]

# ----------------------------------------------------------------------------------------------
# words
# ----------------------------------------------------------------------------------------------

TEXT: dict[str, tuple[str, str]] = {
    "staff_id": ("Staff ID", "Mã CB"),
    "name": ("Name", "Họ tên"),
    "unit": ("Unit", "Đơn vị"),
    "team": ("Team", "Nhóm"),
    "date": ("Date", "Ngày"),
    "shift": ("Shift", "Ca"),
    "post": ("Post", "Vị trí"),
    "code": ("Code", "Mã"),
    "kind": ("Kind", "Loại"),
    "slot": ("Shift", "Ca làm việc"),
    "on_site": ("On site", "Tại cơ quan"),
    "cap": ("Cap", "Giới hạn"),
    "site": ("Whole site", "Toàn cơ quan"),
    "tests": ("Tests", "Lượt test"),
    "capacity": ("Capacity", "Công suất"),
    "people": ("People", "Số người"),
    "min_days": ("Min days", "Ít nhất (ngày)"),
    "max_days": ("Max days", "Nhiều nhất (ngày)"),
    "mean_days": ("Mean days", "Trung bình (ngày)"),
    "mean_shifts": ("Mean shifts", "Trung bình (ca)"),
    "days": ("On-site days", "Số ngày trực tiếp"),
    "shifts": ("On-site shifts", "Số ca trực tiếp"),
    "rule": ("Rule", "Quy tắc"),
    "label": ("What", "Nội dung"),
    "count": ("Count", "Số lần"),
    "cost": ("Cost", "Điểm trừ"),
    "total": ("Total", "Tổng"),
    "unlimited": ("no limit", "không giới hạn"),
    "legend": ("Legend", "Chú thích"),
    "mode.post": ("On site at a post", "Trực tiếp tại quầy/nhiệm vụ"),
    "mode.general": ("On site, general office work", "Trực tiếp tại cơ quan, công việc chung"),
    "mode.remote": ("Remote (working from home)", "Làm việc tại nhà"),
    "mode.off": ("Off (leave, isolation, closed)", "Nghỉ (phép, ốm, cách ly, ngày nghỉ)"),
    "mode.test": ("Rapid test that day", "Test nhanh trong ngày"),
    "sheet.roster": ("Roster", "Lịch"),
    "sheet.headcount": ("Headcount", "Số người"),
    "sheet.coverage": ("Coverage", "Quầy"),
    "sheet.tests": ("Tests", "Test nhanh"),
    "sheet.units": ("On-site days", "Ngày trực tiếp"),
    "sheet.people": ("People", "Cán bộ"),
    "sheet.penalties": ("Penalties", "Điểm trừ"),
    "title.headcount": (
        "On-site headcount per shift (counted toward the cap / cap)",
        "Số cán bộ làm việc trực tiếp tại cơ quan mỗi ca (số tính vào giới hạn / giới hạn)",
    ),
    "title.coverage": (
        "Coverage of every post per shift (people / needed)",
        "Bố trí quầy/nhiệm vụ mỗi ca (số người / yêu cầu)",
    ),
    "title.tests": ("Rapid tests per day", "Test nhanh theo ngày"),
    "title.units": ("On-site days per person, by unit", "Số ngày trực tiếp mỗi người, theo đơn vị"),
    "title.people": ("On-site days and shifts per person", "Số ngày và ca trực tiếp mỗi người"),
    "title.penalties": ("Penalties paid, by rule", "Điểm trừ theo từng quy tắc"),
    "title.grid": ("Roster", "Lịch làm việc"),
    "kind.counter": ("counter", "quầy"),
    "kind.task": ("task", "nhiệm vụ"),
    "kind.remote": ("duty from home", "trực tại nhà"),
}

#: Grid codes of the modes, per language (a post's code stands for "on site at the post").
MODE_CODES: dict[str, dict[str, str]] = {
    "en": {"general": "G", "remote": "R", "off": "-"},
    "vi": {"general": "CQ", "remote": "Nhà", "off": "-"},
}
TEST_MARK = "+T"
#: Post code prefixes per language: (counter, task).
POST_PREFIX: dict[str, tuple[str, str, str]] = {"en": ("C", "T", "H"), "vi": ("Q", "NV", "TN")}


# A spreadsheet reads a cell starting with one of these as a formula (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """``value`` for a CSV cell: text that a spreadsheet would run as a formula gets a leading
    apostrophe (OWASP CSV-injection guidance), so ``=HYPERLINK(...)`` shows as text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_workbook(wb: Any) -> None:
    """Every text cell of ``wb`` that starts like a formula is stored as text (not a formula)
    with Excel's quote prefix, so it shows as typed and stays text when edited."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith(FORMULA_START):
                    c.data_type = "s"
                    c.quotePrefix = True


def t(key: str, lang: Lang = "en") -> str:
    """A UI word in the chosen language."""
    en, vi = TEXT[key]
    return vi if lang == "vi" else en


def date_label(date: dt.date, lang: Lang = "en") -> str:
    """``Mon 13 Dec`` or, in Vietnamese, ``T2 13/12``."""
    return words.day_label(date, lang)


def team_letter(team: int | None) -> str:
    """Team 0 is A, team 1 is B ...; '' when none."""
    if team is None:
        return ""
    return chr(ord("A") + team) if 0 <= team < 26 else str(team + 1)


# ----------------------------------------------------------------------------------------------
# the roster as cells
# ----------------------------------------------------------------------------------------------

CellMode = Literal["post", "general", "remote", "off"]


@dataclass(frozen=True)
class Cell:
    """What one person does in one slot: ``mode`` and, at a post, its id; ``test`` marks the
    cell carrying the day's rapid test."""

    mode: CellMode
    post: str | None = None
    test: bool = False

    @property
    def model_mode(self) -> Mode:
        return Mode.on_site if self.mode in ("post", "general") else Mode(self.mode)


class RosterView:
    """A problem and a roster read together: cells, names, codes and labels."""

    def __init__(self, problem: Problem, roster: Roster, lang: Lang = "en") -> None:
        self.problem = problem
        self.roster = roster
        self.lang: Lang = lang
        self.ix = ProblemIndex(problem)
        h = problem.horizon
        self.on_site: dict[tuple[str, int, str], str | None] = {}
        for a in roster.assignments:
            if h.contains(a.date):
                self.on_site[(a.staff, h.day(a.date), a.shift)] = a.post
        #: Remote duties: (staff, day, shift) -> the remote post served from home.
        self.remote_duty: dict[tuple[str, int, str], str] = {
            (r.staff, h.day(r.date), r.shift): r.post
            for r in roster.remote_duties
            if h.contains(r.date)
        }
        self.tests: set[tuple[str, int]] = {
            (x.staff, h.day(x.date)) for x in roster.tests if h.contains(x.date)
        }
        self.unit_name = {u.id: (u.name or u.id) for u in problem.site.units}
        self.codes = post_codes(problem, lang)

    # ---- labels ---------------------------------------------------------------------------
    def shift_label(self, shift: str) -> str:
        s = self.ix.shift_by_id[shift]
        if self.lang == "vi" and s.name_vi:
            return s.name_vi
        return s.label

    def post_label(self, post: str) -> str:
        p = self.ix.post_by_id.get(post)
        if p is None:
            return post
        if self.lang == "vi" and p.name_vi:
            return p.name_vi
        return p.label

    def date_label(self, day: int) -> str:
        return date_label(self.ix.date(day), self.lang)

    def slot_label(self, day: int, shift: str) -> str:
        shift_name = self.shift_label(shift)
        if self.lang == "vi" and not shift_name.lower().startswith("ca "):
            shift_name = "ca " + shift_name.lower()
        return f"{self.date_label(day)} {shift_name}"

    def team_of(self, staff_id: str) -> int | None:
        team = self.roster.teams.get(staff_id)
        return team if team is not None else self.ix.staff_by_id[staff_id].team

    # ---- people in display order ----------------------------------------------------------
    @property
    def people(self) -> list[str]:
        order = {u: i for i, u in enumerate(self.ix.unit_ids)}
        pos = {s.id: i for i, s in enumerate(self.problem.staff)}
        return sorted(pos, key=lambda s: (order[self.ix.staff_by_id[s].unit], pos[s]))

    # ---- cells ----------------------------------------------------------------------------
    def cell(self, staff_id: str, day: int, shift: str) -> Cell:
        key = (staff_id, day, shift)
        if key in self.on_site:
            post = self.on_site[key]
            return Cell("post", post) if post is not None else Cell("general")
        if (day, shift) not in self.ix.open_slot_set:
            return Cell("off")
        absence = self.ix.absence_at(staff_id, day, shift)
        if absence is not None and absence.reason.is_off:
            return Cell("off")
        return Cell("remote", self.remote_duty.get(key))

    def test_shift(self, staff_id: str, day: int) -> str:
        """The shift whose cell shows the day's test: the first on site, else the first open,
        else the first shift."""
        shifts = self.ix.shift_ids
        for s in shifts:
            if (staff_id, day, s) in self.on_site:
                return s
        open_ = self.ix.open_shifts_by_day[day]
        return open_[0] if open_ else shifts[0]

    def cells(
        self, staff_id: str, days: Sequence[int] | None = None
    ) -> dict[tuple[int, str], Cell]:
        out: dict[tuple[int, str], Cell] = {}
        for d in days if days is not None else range(self.ix.days):
            test_at = self.test_shift(staff_id, d) if (staff_id, d) in self.tests else None
            for s in self.ix.shift_ids:
                c = self.cell(staff_id, d, s)
                if s == test_at:
                    c = Cell(c.mode, c.post, True)
                out[(d, s)] = c
        return out

    def code(self, c: Cell) -> str:
        if c.mode == "post" or (c.mode == "remote" and c.post is not None):
            # A remote duty shows its post's code in a remote cell (coloured as remote).
            base = self.codes.get(c.post or "", c.post or "?")
        else:
            base = MODE_CODES[self.lang][c.mode]
        return base + (TEST_MARK if c.test else "")

    def on_site_counts(self) -> dict[str, tuple[int, int]]:
        """staff -> (on-site days, on-site shifts)."""
        days: dict[str, set[int]] = defaultdict(set)
        shifts: Counter[str] = Counter()
        for staff, d, _s in self.on_site:
            days[staff].add(d)
            shifts[staff] += 1
        return {s.id: (len(days[s.id]), shifts[s.id]) for s in self.problem.staff}


def post_codes(problem: Problem, lang: Lang = "en") -> dict[str, str]:
    """Short grid codes in the site's order: counters C1, C2 ..., tasks T1, T2 ..., duties
    from home H1, H2 ...; in Vietnamese Q1, Q2 ... (quầy), NV1, NV2 ... (nhiệm vụ) and TN1,
    TN2 ... (trực tại nhà)."""
    counter, task, remote = POST_PREFIX[lang]
    prefix = {PostKind.counter: counter, PostKind.task: task, PostKind.remote: remote}
    out: dict[str, str] = {}
    n = dict.fromkeys(prefix, 0)
    for p in problem.site.posts:
        n[p.kind] += 1
        out[p.id] = prefix[p.kind] + str(n[p.kind])
    return out


# ----------------------------------------------------------------------------------------------
# tables
# ----------------------------------------------------------------------------------------------


@dataclass
class Table:
    """A plain table: ``key`` names it (sheet name key), ``columns`` and ``rows`` hold display
    values; ``lead`` columns are kept when a text rendering must drop columns to fit."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    lead: int = 1
    notes: list[str] = field(default_factory=list)


Figures = dict[str, Any]


def _slot_key(row: dict[str, Any]) -> tuple[str, str]:
    return (row["date"], row["shift"])


def _slot_rows(v: RosterView) -> list[tuple[tuple[str, str], str]]:
    """Open slots in order as (figures key, display label)."""
    return [((v.ix.date(d).isoformat(), s), v.slot_label(d, s)) for d, s in v.ix.open_slots]


def headcount_table(v: RosterView, figures: Figures) -> Table:
    """On-site headcount per open slot in each cap scope, as ``n/cap`` (``!``: over the cap);
    the last column counts everyone on site."""
    lang = v.lang
    scopes: list[tuple[str, str | None]] = []
    cells: dict[tuple[tuple[str, str], str, str | None], str] = {}
    for r in figures["cap"]:
        scope = (r["scope"], r["unit"])
        if scope not in scopes:
            scopes.append(scope)
        cap = r["cap"]
        text = f"{r['on_site']}" if cap is None else f"{r['on_site']}/{cap}"
        cells[(_slot_key(r), *scope)] = text + ("!" if r["over"] else "")
    cols = [t("slot", lang)]
    cols += [u if k == "unit" and u else t("site", lang) for k, u in scopes]
    cols.append(t("on_site", lang))
    present: Counter[tuple[str, str]] = Counter()
    for _staff, d, s in v.on_site:
        present[(v.ix.date(d).isoformat(), s)] += 1
    table = Table("headcount", t("title.headcount", lang), cols)
    for key, name in _slot_rows(v):
        table.rows.append([name] + [cells.get((key, k, u), "") for k, u in scopes] + [present[key]])
    units = [u for k, u in scopes if k == "unit" and u]
    if units:
        table.notes.append(", ".join(f"{u} {v.unit_name.get(u, u)}" for u in units))
    return table


def coverage_table(v: RosterView, figures: Figures) -> Table:
    """Every post (columns, by code) per open slot (rows): ``n/min`` where it has a demand
    (``!``: short or over its max), ``.`` where it takes nobody."""
    lang = v.lang
    posts = [p.id for p in v.problem.site.posts]
    cells: dict[tuple[tuple[str, str], str], str] = {}
    for r in figures["coverage"]:
        bad = r["short"] or r["extra"]
        cells[(_slot_key(r), r["post"])] = f"{r['assigned']}/{r['min']}" + ("!" if bad else "")
    table = Table(
        "coverage", t("title.coverage", lang), [t("slot", lang)] + [v.codes[p] for p in posts]
    )
    for key, name in _slot_rows(v):
        table.rows.append([name] + [cells.get((key, p), ".") for p in posts])
    if posts:
        table.notes.append(legend_lines(v)[0])
    return table


def tests_table(v: RosterView, figures: Figures) -> Table:
    """Tests booked per day (open days, and any day with a test) against the daily capacity,
    with the number of people on site."""
    lang = v.lang
    table = Table(
        "tests",
        t("title.tests", lang),
        [t("date", lang), t("tests", lang), t("capacity", lang), t("on_site", lang)],
    )
    total = 0
    for r in figures["tests"]:
        if not r["open"] and not r["tests"]:
            continue
        total += r["tests"]
        cap = r["capacity"]
        table.rows.append(
            [
                date_label(dt.date.fromisoformat(r["date"]), lang),
                r["tests"],
                cap if cap is not None else t("unlimited", lang),
                r["on_site_people"],
            ]
        )
    table.rows.append([t("total", lang), total, "", ""])
    return table


def units_table(v: RosterView, figures: Figures) -> Table:
    """On-site days per person: min, max and mean for each unit (and the mean of shifts)."""
    lang = v.lang
    by_unit: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in figures["staff"]:
        by_unit[r["unit"]].append(r)
    table = Table(
        "units",
        t("title.units", lang),
        [
            t("unit", lang),
            t("people", lang),
            t("min_days", lang),
            t("max_days", lang),
            t("mean_days", lang),
            t("mean_shifts", lang),
        ],
    )
    for u in v.ix.unit_ids:
        rows = by_unit.get(u)
        if not rows:
            continue
        days = [r["on_site_days"] for r in rows]
        shifts = [r["on_site_shifts"] for r in rows]
        table.rows.append(
            [
                v.unit_name[u],
                len(rows),
                min(days),
                max(days),
                round(statistics.fmean(days), 1),
                round(statistics.fmean(shifts), 1),
            ]
        )
    return table


def people_table(v: RosterView, figures: Figures) -> Table:
    """On-site days, shifts and tests of every person (for the workbook)."""
    lang = v.lang
    rows = {r["staff"]: r for r in figures["staff"]}
    table = Table(
        "people",
        t("title.people", lang),
        [
            t("staff_id", lang),
            t("name", lang),
            t("unit", lang),
            t("team", lang),
            t("days", lang),
            t("shifts", lang),
            t("tests", lang),
        ],
        lead=2,
    )
    for s in v.people:
        r = rows[s]
        table.rows.append(
            [
                s,
                r["name"],
                v.unit_name[r["unit"]],
                team_letter(v.team_of(s)),
                r["on_site_days"],
                r["on_site_shifts"],
                r["tests"],
            ]
        )
    return table


def penalties_table(figures: Figures, lang: Lang = "en") -> Table:
    """Penalties paid, totalled by rule, largest first. In English the rule id (the key in
    policy.yaml) comes first; in Vietnamese only the rule's name."""
    vi = lang == "vi"
    columns = [t("label", lang), t("count", lang), t("cost", lang)]
    table = Table(
        "penalties",
        t("title.penalties", lang),
        columns if vi else [t("rule", lang), *columns],
        lead=1 if vi else 2,
    )
    rows = sorted(figures["penalties"], key=lambda r: (-r["cost"], r["rule"]))
    for r in rows:
        row = [rule_label(r["rule"], lang), r["count"], r["cost"]]
        table.rows.append(row if vi else [r["rule"], *row])
    total = [sum(r["count"] for r in rows), sum(r["cost"] for r in rows)]
    table.rows.append([t("total", lang), *total] if vi else [t("total", lang), "", *total])
    return table


def grid_table(
    v: RosterView, days: Sequence[int] | None = None, people: Sequence[str] | None = None
) -> Table:
    """People x (day, shift) codes. By default every day of the horizon and everyone."""
    lang = v.lang
    days = list(days) if days is not None else list(range(v.ix.days))
    people = list(people) if people is not None else v.people
    shifts = v.ix.shift_ids
    short = len(shifts) > 1
    cols = [t("staff_id", lang), t("name", lang), t("unit", lang), t("team", lang)]
    for d in days:
        for s in shifts:
            cols.append(f"{v.date_label(d)} {_short_shift(v, s)}" if short else v.date_label(d))
    table = Table("grid", t("title.grid", lang), cols, lead=4)
    for sid in people:
        person = v.ix.staff_by_id[sid]
        cells = v.cells(sid, days)
        row: list[Any] = [sid, person.name, v.unit_name[person.unit], team_letter(v.team_of(sid))]
        row += [v.code(cells[(d, s)]) for d in days for s in shifts]
        table.rows.append(row)
    return table


def _short_shift(v: RosterView, shift: str) -> str:
    return v.shift_label(shift)[:5]


def figures_of(problem: Problem, roster: Roster) -> Figures:
    """The referee's summary figures of a roster."""
    return summary_figures(problem, roster)


def summary_tables(
    problem: Problem,
    roster: Roster,
    figures: Figures | None = None,
    lang: Lang = "en",
    *,
    people: bool = False,
) -> list[Table]:
    """The tables of the summary, in reading order (``people``: add the per-person table)."""
    v = RosterView(problem, roster, lang)
    figures = figures if figures is not None else figures_of(problem, roster)
    tables = [
        headcount_table(v, figures),
        coverage_table(v, figures),
        tests_table(v, figures),
        units_table(v, figures),
    ]
    if people:
        tables.append(people_table(v, figures))
    tables.append(penalties_table(figures, lang))
    return tables


# ----------------------------------------------------------------------------------------------
# plain text
# ----------------------------------------------------------------------------------------------


def _width(text: str) -> int:
    return len(text)


def format_table(
    table: Table,
    *,
    max_width: int = 160,
    max_rows: int | None = None,
    title: bool = True,
    lang: Lang = "en",
) -> str:
    """Aligned plain text. Numbers align right. Columns past ``max_width`` are dropped (the
    ``lead`` columns stay) and rows past ``max_rows`` cut, each with a note saying so."""
    cells = [[str(c) for c in table.columns]] + [
        ["" if c is None else str(c) for c in r] for r in table.rows
    ]
    rows_cut = 0
    if max_rows is not None and len(cells) - 1 > max_rows:
        rows_cut = len(cells) - 1 - max_rows
        cells = cells[: max_rows + 1]
    ncol = len(table.columns)
    widths = [max(_width(r[i]) for r in cells) for i in range(ncol)]
    keep = list(range(min(table.lead, ncol)))
    used = sum(widths[i] + 2 for i in keep)
    for i in range(len(keep), ncol):
        if used + widths[i] + 2 > max_width:
            break
        keep.append(i)
        used += widths[i] + 2
    numeric = [
        all(_is_number(r[i]) for r in cells[1:] if r[i] != "") and len(cells) > 1
        for i in range(ncol)
    ]
    lines = []
    if title:
        lines.append(table.title)
    for k, r in enumerate(cells):
        parts = []
        for i in keep:
            parts.append(r[i].rjust(widths[i]) if numeric[i] else r[i].ljust(widths[i]))
        lines.append("  ".join(parts).rstrip())
        if k == 0:
            lines.append("  ".join("-" * widths[i] for i in keep))
    dropped = ncol - len(keep)
    if rows_cut:
        lines.append(
            f"... và {rows_cut} dòng nữa" if lang == "vi" else f"... and {rows_cut} more rows"
        )
    if dropped:
        lines.append(
            f"... và {dropped} cột nữa" if lang == "vi" else f"... and {dropped} more columns"
        )
    for note in table.notes:
        lines.extend(textwrap.wrap(note, width=120, break_on_hyphens=False))
    return "\n".join(lines)


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def legend_lines(v: RosterView) -> list[str]:
    """What the grid codes mean."""
    lang = v.lang
    parts = [f"{v.codes[p.id]} {v.post_label(p.id)}" for p in v.problem.site.posts]
    codes = MODE_CODES[lang]
    general = [
        f"{codes['general']} {t('mode.general', lang)}",
        f"{codes['remote']} {t('mode.remote', lang)}",
        f"{codes['off']} {t('mode.off', lang)}",
        f"{TEST_MARK} {t('mode.test', lang)}",
    ]
    return [", ".join(parts), ", ".join(general)] if parts else [", ".join(general)]


def _shift_abbrevs(v: RosterView) -> dict[str, str]:
    """Short shift headings for the text grid: the labels when all are short (``Sáng``,
    ``Chiều``), else the ids when all are short (``AM``), else the labels' first three letters
    (``Mor``, ``Aft``) when they differ, else the ids. Never one letter: ``A`` would read as
    team A, ``C`` as a counter."""
    ids = v.ix.shift_ids
    labels = {s: v.shift_label(s) for s in ids}
    if all(len(x) <= 5 for x in labels.values()) and len(set(labels.values())) == len(ids):
        return labels
    if all(len(s) <= 4 for s in ids):
        return {s: s for s in ids}
    three = {s: labels[s][:3] for s in ids}
    if len(set(three.values())) == len(ids):
        return three
    return {s: s for s in ids}


def text_grid(v: RosterView, *, max_people: int = 40, max_days: int = 7) -> str:
    """The roster grid for a terminal: one column per open shift under a day heading, people
    by unit. Big rosters are cut politely (first people, first days) with a note pointing to
    the workbook."""
    lang = v.lang
    open_days = v.ix.open_days
    days = open_days[:max_days]
    people = v.people
    shown = people[:max_people]
    heads = [t("staff_id", lang), t("name", lang), t("unit", lang), t("team", lang)]
    info = []
    for sid in shown:
        person = v.ix.staff_by_id[sid]
        info.append([sid, person.name, person.unit, team_letter(v.team_of(sid))])
    iw = [max([len(h)] + [len(r[i]) for r in info]) for i, h in enumerate(heads)]
    day_shifts = [(d, v.ix.open_shifts_by_day[d]) for d in days]
    abbrev = _shift_abbrevs(v)
    codes = {sid: v.cells(sid, days) for sid in shown}
    cw = max([4] + [len(v.code(c)) for cs in codes.values() for c in cs.values()])
    blocks = []
    for d, shifts in day_shifts:
        width = max(len(v.date_label(d)), len(shifts) * (cw + 1) - 1)
        blocks.append((d, shifts, width))
    left = "  ".join(" " * w for w in iw)
    line1 = left + "  " + "  ".join(v.date_label(d).ljust(w) for d, _s, w in blocks)
    line2 = (
        "  ".join(h.ljust(w) for h, w in zip(heads, iw, strict=True))
        + "  "
        + "  ".join(
            " ".join(abbrev[s].ljust(cw) for s in shifts).ljust(w) for _d, shifts, w in blocks
        )
    )
    lines = [t("title.grid", lang), line1.rstrip(), line2.rstrip(), "-" * len(line2.rstrip())]
    for sid, r in zip(shown, info, strict=True):
        left = "  ".join(x.ljust(w) for x, w in zip(r, iw, strict=True))
        right = "  ".join(
            " ".join(v.code(codes[sid][(d, s)]).ljust(cw) for s in shifts).ljust(w)
            for d, shifts, w in blocks
        )
        lines.append((left + "  " + right).rstrip())
    cut = []
    vi = lang == "vi"
    if len(people) > len(shown):
        cut.append(
            f"{len(shown)}/{len(people)} cán bộ đầu"
            if vi
            else f"first {len(shown)} of {len(people)} people"
        )
    if len(days) < len(open_days):
        cut.append(
            f"{len(days)}/{len(open_days)} ngày làm việc đầu"
            if vi
            else f"first {len(days)} of {len(open_days)} open days"
        )
    if cut and vi:
        lines.append(f"(chỉ hiện {' và '.join(cut)}; lịch đầy đủ trong roster.xlsx và roster.pdf)")
    elif cut:
        lines.append(f"(showing the {' and the '.join(cut)}; the full grid is in roster.xlsx)")
    extra = []
    if any(abbrev[s] != v.shift_label(s) for s in abbrev):
        extra.append(", ".join(f"{abbrev[s]} {v.shift_label(s)}" for s in v.ix.shift_ids))
    units = sorted({v.ix.staff_by_id[sid].unit for sid in shown}, key=v.ix.unit_ids.index)
    if any(v.unit_name[u] != u for u in units):
        extra.append(", ".join(f"{u} {v.unit_name[u]}" for u in units))
    for text in legend_lines(v) + extra:
        lines.extend(textwrap.wrap(text, width=120, break_on_hyphens=False))
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------
# files
# ----------------------------------------------------------------------------------------------

FILL = {"post": "C6EFCE", "general": "DDEBF7", "remote": "FFF2CC", "off": "D9D9D9"}


def write_xlsx(
    path: Path, problem: Problem, roster: Roster, figures: Figures | None = None, lang: Lang = "en"
) -> None:
    """The workbook of :func:`build_workbook`, saved to ``path`` (the official per-unit sheets
    are added by :func:`roster.outputs.write_workbook`)."""
    build_workbook(problem, roster, figures, lang).save(path)


def build_workbook(
    problem: Problem, roster: Roster, figures: Figures | None = None, lang: Lang = "en"
) -> Any:
    """The workbook: a 'Roster' sheet (grid coloured by mode, tests marked, frozen header,
    legend) and one sheet per summary table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    v = RosterView(problem, roster, lang)
    wb = Workbook()
    ws = wb.active
    ws.title = t("sheet.roster", lang)
    bold = Font(bold=True)
    centre = Alignment(horizontal="center", vertical="center")
    thin = Side(style="thin", color="BFBFBF")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    fills = {k: PatternFill("solid", start_color=c, end_color=c) for k, c in FILL.items()}
    test_font = Font(bold=True, color="C00000")

    shifts = v.ix.shift_ids
    fixed_cols = [t("staff_id", lang), t("name", lang), t("unit", lang), t("team", lang)]
    for i, name in enumerate(fixed_cols, start=1):
        ws.cell(row=1, column=i, value=name).font = bold
        ws.merge_cells(start_row=1, start_column=i, end_row=2, end_column=i)
        ws.cell(row=1, column=i).alignment = centre
    col = len(fixed_cols) + 1
    for d in range(v.ix.days):
        ws.cell(row=1, column=col, value=v.date_label(d)).font = bold
        ws.cell(row=1, column=col).alignment = centre
        if len(shifts) > 1:
            ws.merge_cells(
                start_row=1, start_column=col, end_row=1, end_column=col + len(shifts) - 1
            )
        for j, s in enumerate(shifts):
            c = ws.cell(row=2, column=col + j, value=v.shift_label(s))
            c.font = bold
            c.alignment = centre
        col += len(shifts)
    row = 3
    for sid in v.people:
        person = v.ix.staff_by_id[sid]
        values = [sid, person.name, v.unit_name[person.unit], team_letter(v.team_of(sid))]
        for i, val in enumerate(values, start=1):
            ws.cell(row=row, column=i, value=val)
        cells = v.cells(sid)
        col = len(fixed_cols) + 1
        for d in range(v.ix.days):
            for s in shifts:
                cell = cells[(d, s)]
                x = ws.cell(row=row, column=col, value=v.code(cell))
                x.fill = fills[cell.mode]
                x.alignment = centre
                x.border = box
                if cell.test:
                    x.font = test_font
                col += 1
        row += 1
    last_col = len(fixed_cols) + v.ix.days * len(shifts)
    ws.freeze_panes = ws.cell(row=3, column=len(fixed_cols) + 1)
    widths = [max(8, len(fixed_cols[0]) + 2), 26, 22, 7]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    for i in range(len(fixed_cols) + 1, last_col + 1):
        ws.column_dimensions[get_column_letter(i)].width = 9

    # legend under the grid
    row += 1
    ws.cell(row=row, column=1, value=t("legend", lang)).font = bold
    row += 1
    codes = MODE_CODES[lang]
    first_post = next(iter(v.codes.values()), POST_PREFIX[lang][0] + "1")
    for mode, key, code in (
        ("post", "mode.post", first_post),
        ("general", "mode.general", codes["general"]),
        ("remote", "mode.remote", codes["remote"]),
        ("off", "mode.off", codes["off"]),
    ):
        x = ws.cell(row=row, column=1, value=code)
        x.fill = fills[mode]
        x.alignment = centre
        x.border = box
        ws.cell(row=row, column=2, value=t(key, lang))
        row += 1
    x = ws.cell(row=row, column=1, value=TEST_MARK)
    x.font = test_font
    x.alignment = centre
    ws.cell(row=row, column=2, value=t("mode.test", lang))
    row += 2
    for h, key in ((1, "code"), (2, "post"), (3, "kind")):
        ws.cell(row=row, column=h, value=t(key, lang)).font = bold
    row += 1
    for p in problem.site.posts:
        ws.cell(row=row, column=1, value=v.codes[p.id]).alignment = centre
        ws.cell(row=row, column=2, value=v.post_label(p.id))
        ws.cell(row=row, column=3, value=t(f"kind.{p.kind.value}", lang))
        row += 1

    for table in summary_tables(problem, roster, figures, lang, people=True):
        _table_sheet(wb, table, t(f"sheet.{table.key}", lang))
    neutralise_workbook(wb)
    return wb


def _table_sheet(wb: Any, table: Table, name: str) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(name[:31])
    ws.cell(row=1, column=1, value=table.title).font = Font(bold=True, size=12)
    for i, c in enumerate(table.columns, start=1):
        ws.cell(row=2, column=i, value=c).font = Font(bold=True)
    for r, values in enumerate(table.rows, start=3):
        for i, val in enumerate(values, start=1):
            ws.cell(row=r, column=i, value=val)
    for k, note in enumerate(table.notes):
        ws.cell(row=len(table.rows) + 4 + k, column=1, value=note)
    ws.freeze_panes = ws.cell(row=3, column=min(table.lead, len(table.columns)) + 1)
    for i, c in enumerate(table.columns, start=1):
        longest = max([len(str(c))] + [len(str(r[i - 1])) for r in table.rows])
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(6, longest + 2))


CSV_COLUMNS = ["staff_id", "name", "unit", "team", "date", "shift", "mode", "post"]
CSV_COLUMNS_VI = ["Mã CB", "Họ tên", "Đơn vị", "Nhóm", "Ngày", "Ca", "Hình thức", "Vị trí"]
MODE_VI = {
    "on_site": "trực tiếp tại cơ quan",
    "remote": "làm việc tại nhà",
    "off": "nghỉ",
}


def write_roster_csv(path: Path, problem: Problem, roster: Roster, lang: Lang = "en") -> None:
    """One row per person per slot of the horizon (closed slots included, as off); UTF-8 with a
    BOM so Excel shows Vietnamese names. In English the values are ids (``on_site``, the shift
    and post ids) for other programs; in Vietnamese every header and value is in words."""
    v = RosterView(problem, roster, lang)
    vi = lang == "vi"
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(CSV_COLUMNS_VI if vi else CSV_COLUMNS)
        for sid in v.people:
            person = v.ix.staff_by_id[sid]
            team = team_letter(v.team_of(sid))
            unit = v.unit_name[person.unit] if vi else person.unit
            for d in range(v.ix.days):
                date = v.ix.date(d)
                for s in v.ix.shift_ids:
                    c = v.cell(sid, d, s)
                    mode = c.model_mode.value
                    if vi:
                        post = v.post_label(c.post) if c.post else ""
                        if c.mode == "general":
                            post = t("mode.general", lang)
                        row = [
                            sid,
                            person.name,
                            unit,
                            team,
                            f"{date:%d/%m/%Y}",
                            v.shift_label(s),
                            MODE_VI[mode],
                            post,
                        ]
                    else:
                        row = [
                            sid,
                            person.name,
                            unit,
                            team,
                            date.isoformat(),
                            s,
                            mode,
                            c.post or "",
                        ]
                    w.writerow([csv_safe(x) for x in row])


def write_tests_csv(path: Path, problem: Problem, roster: Roster, lang: Lang = "en") -> None:
    """The test plan: one row per booked test (staff_id, name, date), by date."""
    names = {s.id: s.name for s in problem.staff}
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        if lang == "vi":
            w.writerow(["Mã CB", "Họ tên", "Ngày test nhanh"])
        else:
            w.writerow(["staff_id", "name", "date"])
        for x in sorted(roster.tests, key=lambda x: (x.date, x.staff)):
            date = f"{x.date:%d/%m/%Y}" if lang == "vi" else x.date.isoformat()
            w.writerow([csv_safe(v) for v in [x.staff, names.get(x.staff, ""), date]])
