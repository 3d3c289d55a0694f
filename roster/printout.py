"""The official roster a head posts on the wall and files signed: one printable sheet per unit
in the workbook, and the same pages as a PDF.

Each unit's page carries a title (the office, the unit, the period and the policy's name, which
names the directive it follows), the grid of its people over the open shifts (closed days and
shifts are hidden), the legend of the codes and a signature block (*Người lập biểu* /
*Thủ trưởng đơn vị*). The workbook sheets are set up for printing: A4 landscape, fit to the page
width, the grid's header rows repeated on every page. The PDF is drawn with fpdf2 in DejaVu
Sans Condensed (bundled in ``roster/fonts``, Bitstream Vera licence), which has every
Vietnamese letter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from roster.export import FILL, Lang, RosterView, legend_lines, team_letter
from roster.model import Problem, Roster

FONT_DIR = Path(__file__).parent / "fonts"
FONT_REGULAR = FONT_DIR / "DejaVuSansCondensed.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSansCondensed-Bold.ttf"

WORDS: dict[str, tuple[str, str]] = {
    "title": ("WORK ROSTER", "LỊCH PHÂN CÔNG LÀM VIỆC"),
    "subtitle": (
        "(on site at the office and working from home)",
        "(trực tiếp tại cơ quan và làm việc tại nhà)",
    ),
    "unit": ("Unit", "Đơn vị"),
    "period": ("From {start} to {end}", "Từ ngày {start} đến ngày {end}"),
    "policy": ("Under: {name}", "Thực hiện theo: {name}"),
    "no": ("No.", "STT"),
    "staff_id": ("Staff ID", "Mã CB"),
    "name": ("Name", "Họ và tên"),
    "team": ("Team", "Nhóm"),
    "legend": ("Codes", "Ký hiệu"),
    "place_date": (
        "........, date ..... / ..... / ..........",
        "........, ngày ..... tháng ..... năm ..........",
    ),
    "prepared": ("PREPARED BY", "NGƯỜI LẬP BIỂU"),
    "head": ("HEAD OF UNIT", "THỦ TRƯỞNG ĐƠN VỊ"),
    "sign": ("(signature and full name)", "(Ký, ghi rõ họ tên)"),
    "nation": ("", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    "motto": ("", "Độc lập - Tự do - Hạnh phúc"),
    "week": ("week {n}", "tuần {n}"),
    "page": ("Page &P of &N", "Trang &P/&N"),
}


def w(key: str, lang: Lang) -> str:
    en, vi = WORDS[key]
    return vi if lang == "vi" else en


def _dmy(date: dt.date) -> str:
    return f"{date.day:02d}/{date.month:02d}/{date.year}"


@dataclass(frozen=True)
class UnitPage:
    """What one unit's printed roster shows: its title lines and its people in order."""

    unit: str
    sheet_name: str
    people: list[str]
    office: str
    unit_name: str
    title: str
    subtitle: str
    period: str
    policy: str


def _sheet_name(unit: str, taken: set[str]) -> str:
    base = "".join("_" if c in "[]:*?/\\" else c for c in unit)[:31] or "unit"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def unit_pages(v: RosterView, taken: Sequence[str] = ()) -> list[UnitPage]:
    """One page per unit that has people, in the site's order; ``taken`` sheet names are
    avoided."""
    lang = v.lang
    problem = v.problem
    h = problem.horizon
    names = {n.lower() for n in taken}
    people_of: dict[str, list[str]] = {u: [] for u in v.ix.unit_ids}
    for sid in v.people:
        people_of[v.ix.staff_by_id[sid].unit].append(sid)
    pages = []
    for u in v.ix.unit_ids:
        if not people_of[u]:
            continue
        pages.append(
            UnitPage(
                unit=u,
                sheet_name=_sheet_name(u, names),
                people=people_of[u],
                office=problem.site.name or problem.site.id,
                unit_name=v.unit_name[u],
                title=w("title", lang),
                subtitle=w("subtitle", lang),
                period=w("period", lang).format(start=_dmy(h.start), end=_dmy(h.end)),
                policy=w("policy", lang).format(name=problem.policy.name),
            )
        )
    return pages


def _open_day_chunks(v: RosterView) -> list[list[int]]:
    """The open days of each week of the horizon (a week a page in the PDF)."""
    weeks: dict[int, list[int]] = {}
    for d in v.ix.open_days:
        weeks.setdefault(d // 7, []).append(d)
    return list(weeks.values()) or [[]]


def _legend_text(v: RosterView) -> list[str]:
    return legend_lines(v)


# ----------------------------------------------------------------------------------------------
# workbook
# ----------------------------------------------------------------------------------------------


def setup_print(ws: Any, header_rows: str | None, *, fit_height: bool = False) -> None:
    """A4 landscape, fit to one page wide (as many pages tall as needed), ``header_rows``
    (e.g. ``"8:9"``) repeated at the top of every page, centred, narrow margins."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if fit_height else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    if header_rows:
        ws.print_title_rows = header_rows


def page_header(ws: Any, v: RosterView) -> None:
    """A printed page header (office, title, period, policy) and a page-number footer, for a
    sheet whose cells must stay where they are."""
    h = v.problem.horizon
    lang = v.lang
    office = v.problem.site.name or v.problem.site.id
    period = w("period", lang).format(start=_dmy(h.start), end=_dmy(h.end))
    text = f"{office} — {w('title', lang)} — {period}"
    ws.oddHeader.center.text = text.replace("&", "&&")
    ws.oddHeader.center.size = 10
    ws.oddHeader.center.font = "DejaVu Sans,Bold"
    ws.oddFooter.left.text = w("policy", lang).format(name=v.problem.policy.name).replace("&", "&&")
    ws.oddFooter.right.text = w("page", lang)


def hide_closed_columns(ws: Any, v: RosterView, first_col: int) -> None:
    """Hide the grid columns (one per day and shift from ``first_col``) of closed slots."""
    from openpyxl.utils import get_column_letter

    col = first_col
    for d in range(v.ix.days):
        for s in v.ix.shift_ids:
            if (d, s) not in v.ix.open_slot_set:
                ws.column_dimensions[get_column_letter(col)].hidden = True
            col += 1


def add_unit_sheets(wb: Any, v: RosterView) -> list[str]:
    """One printable sheet per unit; returns their names."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    lang = v.lang
    shifts = v.ix.shift_ids
    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    bold = Font(bold=True)
    fills = {k: PatternFill("solid", start_color=c, end_color=c) for k, c in FILL.items()}
    test_font = Font(bold=True, color="C00000")
    fixed = [w("no", lang), w("staff_id", lang), w("name", lang), w("team", lang)]
    n_fixed = len(fixed)
    last_col = n_fixed + v.ix.days * len(shifts)
    # the visible width, to centre the title over the columns that print
    visible = n_fixed + len(v.ix.open_slots)
    names = []
    for page in unit_pages(v, wb.sheetnames):
        ws = wb.create_sheet(page.sheet_name)
        names.append(page.sheet_name)
        ws.cell(row=1, column=1, value=page.office.upper()).font = bold
        ws.cell(row=2, column=1, value=page.unit_name).font = bold
        if lang == "vi":
            right = n_fixed + 1 + max(0, (visible - n_fixed) // 2 - 3)
            ws.cell(row=1, column=right, value=w("nation", lang)).font = bold
            ws.cell(row=2, column=right, value=w("motto", lang)).font = Font(
                bold=True, underline="single"
            )
        for row, text, font in (
            (4, page.title, Font(bold=True, size=14)),
            (5, page.subtitle, Font(italic=True)),
            (6, f"{w('unit', lang)}: {page.unit_name} — {page.period}", bold),
            (7, page.policy, Font(italic=True)),
        ):
            c = ws.cell(row=row, column=1, value=text)
            c.font = font
            c.alignment = Alignment(horizontal="center")
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
        head1, head2 = 9, 10
        for i, name in enumerate(fixed, start=1):
            c = ws.cell(row=head1, column=i, value=name)
            c.font = bold
            c.alignment = centre
            c.border = box
            ws.merge_cells(start_row=head1, start_column=i, end_row=head2, end_column=i)
        col = n_fixed + 1
        for d in range(v.ix.days):
            c = ws.cell(row=head1, column=col, value=v.date_label(d))
            c.font = bold
            c.alignment = centre
            c.border = box
            if len(shifts) > 1:
                ws.merge_cells(
                    start_row=head1,
                    start_column=col,
                    end_row=head1,
                    end_column=col + len(shifts) - 1,
                )
            for j, s in enumerate(shifts):
                c = ws.cell(row=head2, column=col + j, value=v.shift_label(s))
                c.font = bold
                c.alignment = centre
                c.border = box
            col += len(shifts)
        row = head2 + 1
        for k, sid in enumerate(page.people, start=1):
            person = v.ix.staff_by_id[sid]
            for i, val in enumerate([k, sid, person.name, team_letter(v.team_of(sid))], start=1):
                c = ws.cell(row=row, column=i, value=val)
                c.border = box
                if i != 3:
                    c.alignment = centre
            cells = v.cells(sid)
            col = n_fixed + 1
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
        row += 1
        ws.cell(row=row, column=1, value=w("legend", lang) + ":").font = bold
        for line in _legend_text(v):
            row += 1
            ws.cell(row=row, column=1, value=line)
        row += 2
        left_col = 2
        right_col = max(n_fixed + 1, n_fixed + len(v.ix.open_slots) - 4)
        right_letter_col = _visible_col(v, n_fixed, right_col)
        ws.cell(row=row, column=right_letter_col, value=w("place_date", lang)).font = Font(
            italic=True
        )
        row += 1
        for key, font in (("prepared", bold), ("sign", Font(italic=True))):
            ws.cell(row=row, column=left_col, value=w(key, lang)).font = font
            ws.cell(
                row=row, column=right_letter_col, value=w(key if key == "sign" else "head", lang)
            ).font = font
            row += 1
        for i, width in enumerate((5, 10, 26, 6), start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        for i in range(n_fixed + 1, last_col + 1):
            ws.column_dimensions[get_column_letter(i)].width = 8
        hide_closed_columns(ws, v, n_fixed + 1)
        ws.freeze_panes = ws.cell(row=head2 + 1, column=n_fixed + 1)
        setup_print(ws, f"{head1}:{head2}")
        ws.oddFooter.right.text = w("page", lang)
    return names


def _visible_col(v: RosterView, n_fixed: int, nth_visible: int) -> int:
    """The sheet column of the ``nth_visible`` visible column (1-based, fixed columns first),
    skipping the hidden columns of closed slots."""
    if nth_visible <= n_fixed:
        return nth_visible
    col = n_fixed
    seen = n_fixed
    for d in range(v.ix.days):
        for s in v.ix.shift_ids:
            col += 1
            if (d, s) in v.ix.open_slot_set:
                seen += 1
                if seen == nth_visible:
                    return col
    return col


# ----------------------------------------------------------------------------------------------
# PDF
# ----------------------------------------------------------------------------------------------


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def write_pdf(path: Path, problem: Problem, roster: Roster, lang: Lang = "en") -> None:
    """The official roster as a PDF: per unit, one A4 landscape page (or more) per week of open
    days, with the title, the grid (header rows repeated on each page), the legend and the
    signature block. A long unit's rows run over several pages; the last page always holds
    some rows with the legend and the signatures, never the signatures alone."""
    from fpdf import FPDF

    v = RosterView(problem, roster, lang)
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=10)
    pdf.set_margins(10, 10, 10)
    pdf.add_font("DejaVu", "", str(FONT_REGULAR))
    pdf.add_font("DejaVu", "B", str(FONT_BOLD))
    pdf.set_title(f"{w('title', lang)} - {problem.site.name or problem.site.id}")
    pdf.set_creator("office-roster")
    chunks = _open_day_chunks(v)
    epw = pdf.w - pdf.l_margin - pdf.r_margin
    for page in unit_pages(v):
        for n_chunk, days in enumerate(chunks, start=1):
            week = w("week", lang).format(n=n_chunk) if len(chunks) > 1 else ""
            pdf.add_page()
            _pdf_title(pdf, page, lang, epw)
            if week:
                pdf.set_font("DejaVu", "", 9)
                pdf.cell(epw, 5, week, align="C", new_x="LMARGIN", new_y="NEXT")
            numbered = list(enumerate(page.people, start=1))
            while numbered:
                k = _rows_that_fit(pdf, v, days, numbered, lang, epw)
                _pdf_grid(pdf, v, days, numbered[:k], lang, epw)
                numbered = numbered[k:]
                if numbered:
                    pdf.add_page()
                    pdf.set_font("DejaVu", "", 9)
                    more = f"{page.unit_name} — {page.period}" + (f" — {week}" if week else "")
                    pdf.cell(epw, 5, more, align="C", new_x="LMARGIN", new_y="NEXT")
            _pdf_footer(pdf, v, lang, epw)
    pdf.output(str(path))


def _rows_that_fit(
    pdf: Any, v: RosterView, days: list[int], numbered: list, lang: Lang, epw: float
) -> int:
    """How many of ``numbered`` (number, staff) rows to draw on this page: all of them when they
    fit with the legend and signatures; else as many as fit, leaving at least one for the page
    that carries the signatures."""

    def fits(k: int, footer: bool) -> bool:
        with pdf.offset_rendering() as dummy:
            _pdf_grid(dummy, v, days, numbered[:k], lang, epw)
            if footer:
                _pdf_footer(dummy, v, lang, epw)
        return not dummy.page_break_triggered

    n = len(numbered)
    if fits(n, True):
        return n
    lo, hi = 1, n - 1  # the largest k in [1, n - 1] whose rows fit alone
    if hi < 1:
        return n
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(mid, False):
            lo = mid
        else:
            hi = mid - 1
    # a few rows go over with the signatures, so they never stand on a page of their own
    return max(1, min(lo, n - min(5, n - 1)))


def _pdf_grid(
    pdf: Any, v: RosterView, days: list[int], numbered: list, lang: Lang, epw: float
) -> None:
    """The grid of ``numbered`` (number, staff) rows over the open shifts of ``days``."""
    from fpdf.fonts import FontFace

    shifts = v.ix.shift_ids
    fills = {k: _rgb(c) for k, c in FILL.items()}
    slots = [(d, s) for d in days for s in shifts if (d, s) in v.ix.open_slot_set]
    fixed_w = [9.0, 18.0, 46.0, 11.0]
    slot_w = max(8.0, min(22.0, (epw - sum(fixed_w)) / max(1, len(slots))))
    widths = fixed_w + [slot_w] * len(slots)
    total = min(sum(widths), epw - 0.01)
    pdf.set_font("DejaVu", "", 8)
    head_style = FontFace(emphasis="BOLD", fill_color=(242, 242, 242))
    with pdf.table(
        col_widths=widths,
        width=total,
        align="CENTER",
        text_align="CENTER",
        line_height=4.6,
        num_heading_rows=2,
        repeat_headings=1,
        headings_style=head_style,
        first_row_as_headings=True,
    ) as table:
        r1 = table.row()
        for name in (w("no", lang), w("staff_id", lang), w("name", lang), w("team", lang)):
            r1.cell(name, rowspan=2)
        for d in days:
            n_open = sum(1 for s in shifts if (d, s) in v.ix.open_slot_set)
            if n_open:
                r1.cell(v.date_label(d), colspan=n_open)
        r2 = table.row()
        for _d, s in slots:
            r2.cell(v.shift_label(s))
        for k, sid in numbered:
            person = v.ix.staff_by_id[sid]
            row = table.row()
            row.cell(str(k))
            row.cell(sid)
            row.cell(person.name, align="LEFT")
            row.cell(team_letter(v.team_of(sid)))
            cells = v.cells(sid, days)
            for d, s in slots:
                cell = cells[(d, s)]
                style = FontFace(
                    fill_color=fills[cell.mode],
                    color=(192, 0, 0) if cell.test else None,
                    emphasis="BOLD" if cell.test else None,
                )
                row.cell(v.code(cell), style=style)


def _pdf_footer(pdf: Any, v: RosterView, lang: Lang, epw: float) -> None:
    """The legend of the codes and the signature block."""
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", 8)
    pdf.cell(epw, 4.5, w("legend", lang) + ":", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 8)
    for line in _legend_text(v):
        pdf.multi_cell(epw, 4, line, new_x="LMARGIN", new_y="NEXT")
    _pdf_signatures(pdf, lang, epw)


def _pdf_title(pdf: Any, page: UnitPage, lang: Lang, epw: float) -> None:
    half = epw / 2
    top = pdf.get_y()
    pdf.set_font("DejaVu", "B", 10)
    pdf.multi_cell(half, 5, page.office.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 9)
    pdf.multi_cell(half, 5, page.unit_name, align="C", new_x="LMARGIN", new_y="NEXT")
    left_bottom = pdf.get_y()
    if lang == "vi":
        pdf.set_xy(pdf.l_margin + half, top)
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(half, 5, w("nation", lang), align="C", new_x="LEFT", new_y="NEXT")
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(half, 5, w("motto", lang), align="C", new_x="LMARGIN", new_y="NEXT")
        text_w = pdf.get_string_width(w("motto", lang))
        y = pdf.get_y()
        x0 = pdf.l_margin + half + (half - text_w) / 2
        pdf.line(x0, y, x0 + text_w, y)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 4)
    pdf.set_font("DejaVu", "B", 14)
    pdf.cell(epw, 7, page.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(epw, 5, page.subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(
        epw,
        5.5,
        f"{w('unit', lang)}: {page.unit_name} — {page.period}",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(epw, 5, page.policy, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _pdf_signatures(pdf: Any, lang: Lang, epw: float) -> None:
    """The place-and-date line and the two signature columns; kept on one page."""
    pdf.ln(3)
    half = epw / 2
    pdf.set_font("DejaVu", "", 9)
    pdf.set_x(pdf.l_margin + half)
    pdf.cell(half, 5, w("place_date", lang), align="C", new_x="LMARGIN", new_y="NEXT")
    y = pdf.get_y()
    for i, key in enumerate(("prepared", "head")):
        pdf.set_xy(pdf.l_margin + i * half, y)
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(half, 5, w(key, lang), align="C", new_x="LEFT", new_y="NEXT")
        pdf.set_font("DejaVu", "", 9)
        pdf.cell(half, 5, w("sign", lang), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(18)  # room to sign
