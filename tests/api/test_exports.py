"""Exports read back: roster CSV, XLSX, test plan CSV, iCalendar per person."""

from __future__ import annotations

import csv
import io

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from tests.api.helpers import HR, make_site, run_job


@pytest.fixture(scope="module")
def roster(client):
    site_id = make_site(client)
    job = run_job(client, site_id, "tp", time_limit=2)
    assert job["status"] == "done", job
    return client.get(f"/rosters/{job['roster_id']}", headers=HR).json()


def test_roster_csv(client, roster):
    r = client.get(f"/rosters/{roster['id']}/roster.csv", headers=HR)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 6 * 5 * 2  # people x days x shifts
    on_site = {(x["staff_id"], x["date"], x["shift"]) for x in rows if x["mode"] == "on_site"}
    assigned = {
        (a["staff"], a["date"], a["shift"]) for a in roster["revision"]["roster"]["assignments"]
    }
    assert on_site == assigned
    assert rows[0]["name"].startswith("Nguyễn")


def test_roster_csv_in_vietnamese(client, roster):
    r = client.get(f"/rosters/{roster['id']}/roster.csv", params={"lang": "vi"}, headers=HR)
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert list(rows[0]) == [
        "Mã CB",
        "Họ tên",
        "Đơn vị",
        "Nhóm",
        "Ngày",
        "Ca",
        "Hình thức",
        "Vị trí",
    ]
    assert {x["Hình thức"] for x in rows} <= {"trực tiếp tại cơ quan", "làm việc tại nhà", "nghỉ"}
    r = client.get(f"/rosters/{roster['id']}/tests.csv", params={"lang": "vi"}, headers=HR)
    assert r.content.decode("utf-8-sig").startswith("Mã CB,Họ tên,Ngày test nhanh")


def test_roster_xlsx(client, roster):
    r = client.get(f"/rosters/{roster['id']}/roster.xlsx", params={"lang": "vi"}, headers=HR)
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb.worksheets[0]
    ids = [ws.cell(row=i, column=1).value for i in range(3, 9)]
    assert sorted(ids) == [f"tp{i:02d}" for i in range(6)]


def test_roster_xlsx_has_the_official_sheet_of_each_unit(client, roster):
    r = client.get(f"/rosters/{roster['id']}/roster.xlsx", params={"lang": "vi"}, headers=HR)
    wb = load_workbook(io.BytesIO(r.content))
    official = wb.worksheets[1]
    texts = [c.value for row in official.iter_rows() for c in row if c.value]
    assert "LỊCH PHÂN CÔNG LÀM VIỆC" in texts and "THỦ TRƯỞNG ĐƠN VỊ" in texts
    assert official.page_setup.orientation == "landscape"


def test_roster_pdf(client, roster):
    pdfium = pytest.importorskip("pypdfium2")
    r = client.get(f"/rosters/{roster['id']}/roster.pdf", headers=HR)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].endswith(".pdf")
    doc = pdfium.PdfDocument(r.content)
    text = doc[0].get_textpage().get_text_range()
    assert "LỊCH PHÂN CÔNG LÀM VIỆC" in text and "NGƯỜI LẬP BIỂU" in text


def test_tests_csv(client, roster):
    r = client.get(f"/rosters/{roster['id']}/tests.csv", headers=HR)
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert {(x["staff_id"], x["date"]) for x in rows} == {
        (t["staff"], t["date"]) for t in roster["revision"]["roster"]["tests"]
    }


def test_ical_per_person(client, roster):
    data = roster["revision"]["roster"]
    person = data["assignments"][0]["staff"]
    r = client.get(f"/rosters/{roster['id']}/calendar/{person}.ics", headers=HR)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    raw = r.content
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    cal = Calendar.from_ical(raw.decode("utf-8"))
    events = [c for c in cal.walk("VEVENT")]
    mine = [a for a in data["assignments"] if a["staff"] == person]
    tests = [t for t in data["tests"] if t["staff"] == person]
    assert len(events) == len(mine) + len(tests)
    assert len({str(e["UID"]) for e in events}) == len(events)
    shifts = [e for e in events if "ON-SITE" in e["CATEGORIES"].to_ical().decode()]
    first = min(shifts, key=lambda e: e.decoded("DTSTART"))
    start = first.decoded("DTSTART")
    assert str(start.tzinfo) in ("Asia/Ho_Chi_Minh", "ICT") or start.utcoffset().seconds == 7 * 3600
    assert "Quầy, tp" in str(first["SUMMARY"]) or "công việc chung" in str(first["SUMMARY"])
    if "Quầy" in str(first["SUMMARY"]):
        assert b"Qu\xe1\xba\xa7y\\, tp" in raw  # the comma is escaped
    assert client.get(f"/rosters/{roster['id']}/calendar/ghost.ics", headers=HR).status_code == 404


def test_ical_escaping_and_folding():
    from roster.ical import escape, fold

    assert escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "SUMMARY:" + "Làm việc trực tiếp " * 10
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line
