"""Every repair command speaks Vietnamese with --lang vi (and with ROSTER_LANG=vi)."""

from __future__ import annotations

import json

from cli.main import main
from tests.repair.offices import counter_office, land_office
from tests.repair.test_cli import _roster_file, _scenario


def test_explain_in_vietnamese(tmp_path, capsys) -> None:
    folder = _scenario(tmp_path, land_office())
    code = main(["explain", folder, "--time-limit", "10", "--lang", "vi"])
    out = capsys.readouterr().out
    assert code == 3
    assert "Không lịch nào đáp ứng được mọi quy tắc bắt buộc" in out
    assert "giới hạn chỉ cho 4/12 cán bộ của Land Registration làm việc trực tiếp" in out
    assert "Cách khắc phục: nâng giới hạn của Land Registration lên 5" in out
    assert "1. T3 14/12, ca " in out
    assert "Fix:" not in out and "the cap allows" not in out


def test_reroster_analyze_substitutes_in_vietnamese(tmp_path, capsys, monkeypatch) -> None:
    p = counter_office()
    folder = _scenario(tmp_path, p)
    rfile = _roster_file(tmp_path, p)
    monkeypatch.setenv("ROSTER_LANG", "vi")
    assert main(["analyze", folder, rfile]) == 0
    out = capsys.readouterr().out
    assert "Tổng điểm trừ" in out and "Theo cán bộ" in out and "By person" not in out
    events = tmp_path / "events.yaml"
    events.write_text(
        "events:\n  - {kind: positive, staff: s0, date: 2021-12-15}\n", encoding="utf-8"
    )
    out_dir = tmp_path / "new"
    code = main(
        [
            "reroster",
            folder,
            rfile,
            str(events),
            "--time-limit",
            "4",
            "--workers",
            "1",
            "--out",
            str(out_dir),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Kết quả: tối ưu" in out and "số ô thay đổi 6" in out
    assert "trực tại Counter C -> nghỉ  (dương tính)" in out
    assert "Kiểm tra độc lập: đáp ứng mọi quy tắc bắt buộc" in out
    changes = (out_dir / "changes.csv").read_text(encoding="utf-8-sig").splitlines()
    assert changes[0] == "Loại,Mã CB,Họ tên,Ngày,Ca,Trước,Sau,Lý do"
    assert "ô lịch" in changes[1] and "15/12/2021" in changes[1]
    assert main(["substitutes", folder, rfile, "s0", "2021-12-16", "AM"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Người thay") and "người đủ điều kiện" in out
    assert main(["reroster", folder, rfile, str(events), "--json", "--time-limit", "4"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["notes_vi"]) == len(data["notes"])  # every note in both languages
    # every change and isolation gives its reason in both languages too (reason kept as it was)
    assert data["changes"] and all(c["reason"] and c["reason_vi"] for c in data["changes"])
    assert {c["reason_vi"] for c in data["changes"] if c["reason"] == "positive test"} == {
        "dương tính"
    }
    assert [i["reason_vi"] for i in data["isolated"]] == ["dương tính"]


def test_a_team_move_reason_in_both_languages() -> None:
    import datetime as dt

    from roster.events import Change

    c = Change(
        kind="team",
        staff="s1",
        date=dt.date(2021, 12, 15),
        before="team:0",
        after="team:1",
        reason="moved to keep every post covered (cost 1000)",
    )
    assert c.reason_vi == "chuyển nhóm để đủ người trực các quầy/nhiệm vụ (điểm trừ 1000)"
    assert Change.model_validate(c.model_dump(mode="json")) == c  # round-trips
    assert Change.model_validate({**c.model_dump(), "reason_vi": ""}).reason_vi == c.reason_vi


def test_analyze_words_broken_rules_in_vietnamese(tmp_path, capsys) -> None:
    from roster.schema import dumps, roster_file
    from tests.helpers import tiny_roster

    p = counter_office()
    folder = _scenario(tmp_path, p)
    crowd = [(s.id, 0, p.site.shifts[0].id) for s in p.staff]  # everyone on site, no post
    rfile = tmp_path / "crowd.json"
    rfile.write_text(dumps(roster_file(p, tiny_roster(p, on=crowd))), encoding="utf-8")
    assert main(["analyze", folder, str(rfile)]) == 1
    en = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  ! ")]
    assert main(["analyze", folder, str(rfile), "--lang", "vi"]) == 1
    vi = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  ! ")]
    assert en and len(vi) == len(en)
    assert all(" on " in line for line in en)
    assert all(" on " not in line and "ngày T" in line for line in vi), vi


def test_drill_in_vietnamese(tmp_path, capsys) -> None:
    from roster.schema import dumps, roster_file
    from tests.helpers import tiny_roster
    from tests.repair.offices import TEAMS, it_office

    p = it_office()
    folder = _scenario(tmp_path, p)
    rfile = tmp_path / "teams.json"
    rfile.write_text(dumps(roster_file(p, tiny_roster(p, teams=TEAMS))), encoding="utf-8")
    code = main(
        ["drill", folder, str(rfile), "--time-limit", "4", "--workers", "1", "--lang", "vi"]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Các nhóm: theo lịch đã có." in out
    assert "Người không thể thiếu" in out and "nhóm 1: người duy nhất trực IT support" in out


def test_an_infeasible_jobs_explanation_lines_in_both_languages(monkeypatch) -> None:
    """What an infeasible job's message carries (``api/solve_child.py``) in the job's language,
    English as before: the precheck's findings, else (precheck silenced here) the conflict the
    diagnosis finds."""
    import solver.diagnose as diagnose

    p = land_office()
    en = diagnose.explanation_lines(p, time_limit=10.0)
    vi = diagnose.explanation_lines(p, time_limit=10.0, lang="vi")
    assert en[0].startswith("found before solving: Tue 14 Dec, Morning: ")
    assert len(vi) == len(en) and vi[0].startswith("phát hiện trước khi xếp lịch: T3 14/12")
    monkeypatch.setattr(diagnose, "precheck", lambda problem: [])
    en = diagnose.explanation_lines(p, time_limit=10.0)
    vi = diagnose.explanation_lines(p, time_limit=10.0, lang="vi")
    assert "the cap allows 4 of Land Registration's 12 staff on site" in "\n".join(en)
    assert "giới hạn chỉ cho 4/12 cán bộ của Land Registration" in "\n".join(vi)
    assert any(line.strip().startswith("Cách khắc phục:") for line in vi)
    assert not any("Fix:" in line or "the cap" in line for line in vi)
