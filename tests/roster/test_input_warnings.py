"""Warnings (not errors) about input that loads but is probably a mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

import cli.main as cli
from roster.input_warnings import scenario_warnings, short_rows, unused_skills
from roster.io import load_scenario, write_scenario
from tests.cli.offices import tiny_office


def test_a_skill_no_post_uses_is_a_warning() -> None:
    p = tiny_office()
    assert unused_skills(p) == []
    p.site.skills.append("seal")
    p.staff[0].skills.append("seal")
    (w,) = unused_skills(p)
    assert w.text() == (
        "site.yaml, field 'skills': skill 'seal' is used by no post (1 staff hold it); give a "
        "post this skill or remove it"
    )
    assert "kỹ năng 'seal' không quầy/nhiệm vụ nào dùng" in w.text("vi")


def test_a_short_csv_row_is_a_warning_and_still_loads(tmp_path: Path) -> None:
    folder = tmp_path / "office"
    write_scenario(tiny_office(), folder)
    staff = folder / "staff.csv"
    lines = staff.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    short = lines[2].split(",")[:3]
    lines[2] = ",".join(short)
    lines.append("")  # a blank line is no row
    staff.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problem = load_scenario(folder)  # loads: a warning, not an error
    warnings = short_rows(folder)
    assert [(w.file, w.row) for w in warnings] == [("staff.csv", 3)]
    assert warnings[0].message.startswith(f"3 of {len(header)} cells; {header[3]}")
    assert scenario_warnings(folder, problem) == warnings


def test_solve_prints_the_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tiny_office()
    p.site.skills.append("seal")
    write_scenario(p, tmp_path / "office")
    code = cli.main(
        ["solve", str(tmp_path / "office"), "--out", str(tmp_path / "o"), "--time-limit", "5"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "warning: site.yaml, field 'skills': skill 'seal' is used by no post" in out
