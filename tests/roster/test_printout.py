"""The official roster: per-unit printable sheets in the workbook and the PDF, checked by
reading the workbook's print set-up and by turning the PDF's first page into an image."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from pathlib import Path

import openpyxl
import pytest

from roster import outputs
from roster.model import Assignment, RapidTest, Roster, Unit
from roster.printout import write_pdf
from tests.cli.offices import MONDAY, tiny_office


def day(n: int) -> dt.date:
    return MONDAY + dt.timedelta(days=n)


@pytest.fixture
def problem():
    """The tiny office over a whole week (Saturday and Sunday closed), split in two units."""
    p = tiny_office(days=7)
    p.site.units.append(Unit(id="TN", name="Phòng Tài nguyên"))
    for s in p.staff[4:]:
        s.unit = "TN"
    p.policy.name = "Công văn 2629/UBND - tối đa 1/2 cán bộ tại cơ quan"
    return p


@pytest.fixture
def roster() -> Roster:
    a = [
        Assignment(staff="s1", date=day(0), shift="AM", post="land"),
        Assignment(staff="s5", date=day(0), shift="AM", post="it"),
        Assignment(staff="s2", date=day(1), shift="PM"),
    ]
    return Roster(
        assignments=a,
        tests=[RapidTest(staff="s1", date=day(0))],
        teams={f"s{i}": (i + 1) % 2 for i in range(1, 9)},
    )


def test_workbook_has_one_printable_sheet_per_unit(tmp_path: Path, problem, roster) -> None:
    path = tmp_path / "r.xlsx"
    outputs.write_workbook(path, problem, roster, lang="vi")
    wb = openpyxl.load_workbook(path)
    # the grid, the two official sheets right after it, then the summaries
    assert wb.sheetnames[:3] == ["Lịch", "HC", "TN"]
    ws = wb["TN"]
    texts = [c.value for row in ws.iter_rows(max_row=7) for c in row if c.value]
    assert "TRUNG TÂM THỬ NGHIỆM" in texts  # the office
    assert "LỊCH PHÂN CÔNG LÀM VIỆC" in texts
    assert "Đơn vị: Phòng Tài nguyên — Từ ngày 13/12/2021 đến ngày 19/12/2021" in texts
    assert "Thực hiện theo: Công văn 2629/UBND - tối đa 1/2 cán bộ tại cơ quan" in texts
    # only the unit's people, numbered
    ids = [ws.cell(row=r, column=2).value for r in range(11, 15)]
    assert ids == ["s5", "s6", "s7", "s8"] and ws["A11"].value == 1
    assert ws.cell(row=15, column=2).value is None
    # print set-up: A4 landscape, one page wide, the two header rows on every page
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$9:$10"
    # closed Saturday and Sunday (days 5, 6: columns 15-18) hidden, Friday shown
    hidden = {c for c, d in ws.column_dimensions.items() if d.hidden}
    assert {"O", "P", "Q", "R"} <= hidden and not {"M", "N"} & hidden
    # signature block
    all_text = [c.value for row in ws.iter_rows() for c in row if c.value]
    for label in ("NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG ĐƠN VỊ", "(Ký, ghi rõ họ tên)"):
        assert label in all_text
    # the grid sheet is set up for printing too, with closed shifts hidden
    grid = wb["Lịch"]
    assert grid.page_setup.orientation == "landscape" and grid.print_title_rows == "$1:$2"
    assert grid.column_dimensions["O"].hidden
    # its printed pages carry the title in the page header, page numbers in the footer
    assert "LỊCH PHÂN CÔNG LÀM VIỆC" in grid.oddHeader.center.text
    assert "Trung tâm thử nghiệm" in grid.oddHeader.center.text
    assert grid.oddFooter.right.text == "Trang &P/&N" and ws.oddFooter.right.text == "Trang &P/&N"


def test_english_workbook_names_the_signatures_in_english(tmp_path: Path, problem, roster):
    path = tmp_path / "r.xlsx"
    outputs.write_workbook(path, problem, roster)
    ws = openpyxl.load_workbook(path)["HC"]
    all_text = [c.value for row in ws.iter_rows() for c in row if c.value]
    assert "PREPARED BY" in all_text and "HEAD OF UNIT" in all_text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in all_text


def _render(path: Path, page: int = 0, scale: float = 2.0):
    pdfium = pytest.importorskip("pypdfium2")
    doc = pdfium.PdfDocument(str(path))
    p = doc[page]
    text = p.get_textpage().get_text_range()
    image = p.render(scale=scale).to_pil().convert("RGB")
    return len(doc), text, image


def _dark(image) -> int:
    """How many pixels of a greyscale image are dark (ink)."""
    return image.point(lambda p: 255 if p < 100 else 0).histogram()[255]


def test_pdf_page_shows_the_title_grid_and_signatures(tmp_path: Path, problem, roster) -> None:
    path = tmp_path / "r.pdf"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # fpdf2 warns when a glyph is missing from the font
        write_pdf(path, problem, roster, lang="vi")
    pages, text, image = _render(path)
    assert pages == 2  # one page per unit for a one-week roster
    # A4 landscape: 297 x 210 mm
    assert abs(image.width / image.height - 297 / 210) < 0.01
    for words in (
        "TRUNG TÂM THỬ NGHIỆM",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "LỊCH PHÂN CÔNG LÀM VIỆC",
        "Từ ngày 13/12/2021 đến ngày 19/12/2021",
        "Nguyễn Thị Hồng",
        "NGƯỜI LẬP BIỂU",
        "THỦ TRƯỞNG ĐƠN VỊ",
    ):
        assert words in text, words
    assert "19/12" not in text.replace("19/12/2021", "")  # closed Sunday not in the grid
    # what a reader sees: the post cell's green and the remote cells' yellow are painted,
    # and the title band at the top holds dark ink
    colours = image.getcolors(maxcolors=1 << 20)
    counts = {rgb: n for n, rgb in colours}
    assert counts.get((0xC6, 0xEF, 0xCE), 0) > 200  # s1's counter cell on Monday morning
    assert counts.get((0xFF, 0xF2, 0xCC), 0) > 20 * counts.get((0xC6, 0xEF, 0xCE), 0)
    top = image.crop((0, 0, image.width, image.height // 8)).convert("L")
    assert _dark(top) > 500
    bottom_half = image.crop((0, image.height // 2, image.width, image.height)).convert("L")
    assert _dark(bottom_half) > 200  # legend and signatures


def test_pdf_of_a_long_roster_has_a_page_per_unit_and_week(tmp_path: Path, roster) -> None:
    problem = tiny_office(days=14)
    path = tmp_path / "r.pdf"
    write_pdf(path, problem, roster)
    pages, text, _image = _render(path, page=1, scale=0.5)
    assert pages == 2 and "week 2" in text and "Mon 20 Dec" in text and "Fri 17 Dec" not in text


def test_a_long_unit_runs_over_pages_and_signs_beside_its_last_rows(tmp_path: Path) -> None:
    """60 people in one unit do not fit on one A4 page: the grid goes on over a second page,
    headings repeated, and that page carries the last rows with the legend and signatures."""
    from roster.model import Staff

    problem = tiny_office(n_staff=60)
    problem.staff = [Staff(id=f"s{i + 1}", name=f"Cán bộ số {i + 1}", unit="HC") for i in range(60)]
    path = tmp_path / "r.pdf"
    write_pdf(path, problem, Roster(), lang="vi")
    pages = []
    n = None
    k = 0
    while n is None or k < n:
        n, text, _ = _render(path, page=k, scale=0.3)
        pages.append(text)
        k += 1
    assert len(pages) >= 2
    assert "LỊCH PHÂN CÔNG LÀM VIỆC" in pages[0]
    assert ["NGƯỜI LẬP BIỂU" in p for p in pages] == [False] * (len(pages) - 1) + [True]
    last = pages[-1]
    assert "THỦ TRƯỞNG ĐƠN VỊ" in last
    assert "Cán bộ số 60" in last and "Họ và tên" in last  # rows and the repeated headings
    assert all("Họ và tên" in p for p in pages)
    shown = [int(n) for p in pages for n in re.findall(r"Cán bộ số (\d+)\b", p)]
    assert shown == list(range(1, 61))  # nobody lost or doubled at the breaks, in order
