"""``roster export ROSTER.json``: the files of any roster, and the default language setting."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import cli.main as cli
from tests.cli.test_cli import FAST, run


@pytest.fixture
def roster_json(tmp_path: Path, office: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    code, _out, err = run(capsys, "solve", str(office), "--out", str(tmp_path / "solved"), *FAST)
    assert code == 0, err
    return tmp_path / "solved" / "roster.json"


def test_export_writes_every_file_of_a_roster(
    tmp_path: Path, office: Path, roster_json: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a bare roster edited by hand: only the roster, no record of the scenario
    doc = json.loads(roster_json.read_text("utf-8"))
    bare = tmp_path / "edited.json"
    bare.write_text(json.dumps(doc["roster"]), encoding="utf-8")
    code, out, err = run(capsys, "export", str(bare), "--out", str(tmp_path / "x"))
    assert code == 2 and "--scenario" in err  # which scenario? it says how to name it
    code, out, err = run(
        capsys,
        "export",
        str(bare),
        "--scenario",
        str(office),
        "--out",
        str(tmp_path / "x"),
        "--lang",
        "vi",
    )
    assert code == 0, err
    names = sorted(p.name for p in (tmp_path / "x").iterdir())
    assert names == [
        "calendars",
        "roster.csv",
        "roster.json",
        "roster.pdf",
        "roster.xlsx",
        "tests.csv",
    ]
    assert "Đã ghi vào" in out and "Kiểm tra độc lập: đáp ứng mọi quy tắc bắt buộc" in out
    csv = pd.read_csv(tmp_path / "x" / "roster.csv", encoding="utf-8-sig")
    assert list(csv.columns)[:3] == ["Mã CB", "Họ tên", "Đơn vị"]
    assert set(csv["Hình thức"]) <= {"trực tiếp tại cơ quan", "làm việc tại nhà", "nghỉ"}
    on_site = csv[csv["Hình thức"] == "trực tiếp tại cơ quan"]
    assert len(on_site) == len(doc["roster"]["assignments"])
    wb = openpyxl.load_workbook(tmp_path / "x" / "roster.xlsx")
    assert wb.sheetnames[:2] == ["Lịch", "HC"]


def test_export_next_to_the_roster_by_default(
    roster_json: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = roster_json.parent
    for p in (folder / "roster.xlsx", folder / "roster.pdf"):
        p.unlink()
    code, out, err = run(capsys, "export", str(roster_json))
    assert code == 0, err
    assert (folder / "roster.xlsx").exists() and (folder / "roster.pdf").exists()
    assert "Referee: all hard rules met" in out


def test_export_lists_broken_rules_but_still_writes(
    tmp_path: Path, roster_json: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads(roster_json.read_text("utf-8"))
    doc["roster"]["tests"] = []  # nobody tested: every on-site day breaks the test rule
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(doc), encoding="utf-8")
    code, out, err = run(capsys, "export", str(broken), "--out", str(tmp_path / "b"))
    assert code == 0, err
    assert "hard rule(s) broken" in out and "[tests.coverage]" in out
    saved = json.loads((tmp_path / "b" / "roster.json").read_text("utf-8"))
    assert saved["report"]["violations"]


def test_roster_lang_sets_the_default_language(
    roster_json: Path, office: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    monkeypatch.setenv("ROSTER_LANG", "vi")
    code, out, err = run(capsys, "check", str(office), str(roster_json))
    assert code == 0, err
    assert "Đáp ứng mọi quy tắc bắt buộc." in out and "Tổng điểm trừ" in out
    code, out, err = run(capsys, "check", str(office), str(roster_json), "--lang", "en")
    assert "All hard rules met." in out
    code, out, err = run(capsys, "check", str(office), str(roster_json.parent / "missing.json"))
    assert code == 2 and err.startswith("lỗi:")
    assert cli.main(["scenarios", "--lang", "vi"]) == 0
