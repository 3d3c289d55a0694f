"""The repair commands on the command line: output, exit codes, bad input without traceback."""

from __future__ import annotations

from pathlib import Path

from cli.main import main
from roster.io import write_scenario
from roster.schema import dumps, roster_file
from tests.helpers import tiny_roster
from tests.repair.offices import TEAMS, counter_office, it_office, land_office, whole_team_office


def _scenario(tmp_path: Path, problem, name: str = "office") -> str:
    folder = tmp_path / name
    write_scenario(problem, folder)
    return str(folder)


def _roster_file(tmp_path: Path, problem) -> str:
    roster = tiny_roster(problem, on=[("s0", d, "AM", "C") for d in range(5)])
    path = tmp_path / "roster.json"
    path.write_text(dumps(roster_file(problem, roster)), encoding="utf-8")
    return str(path)


def test_explain_names_cap_and_posts(tmp_path, capsys) -> None:
    folder = _scenario(tmp_path, land_office())
    code = main(["explain", folder, "--time-limit", "10"])
    out = capsys.readouterr().out
    assert code == 3
    assert "the cap allows 4 of Land Registration's 12 staff on site" in out
    assert "raise the cap of Land Registration to 5" in out


def test_explain_soft_lists_shortfalls(tmp_path, capsys) -> None:
    folder = _scenario(tmp_path, land_office())
    code = main(
        [
            "explain",
            folder,
            "--soft",
            "--time-limit",
            "4",
            "--workers",
            "1",
            "--out",
            str(tmp_path / "out"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0 and "1 shortfall under the original rules" in out
    assert (tmp_path / "out" / "roster.json").is_file()


def test_analyze_and_reroster(tmp_path, capsys) -> None:
    p = counter_office()
    folder = _scenario(tmp_path, p)
    rfile = _roster_file(tmp_path, p)
    assert main(["analyze", folder, rfile]) == 0
    assert "By person" in capsys.readouterr().out
    events = tmp_path / "events.yaml"
    events.write_text(
        "from: 2021-12-15\nevents:\n  - {kind: positive, staff: s0, date: 2021-12-15}\n",
        encoding="utf-8",
    )
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
            str(tmp_path / "new"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "changed cells 6" in out and "Referee: all hard rules met" in out
    assert (tmp_path / "new" / "changes.csv").read_text(encoding="utf-8-sig").count("\n") == 7
    # the new roster's whole set, as `roster solve` writes it
    for name in ("roster.json", "roster.xlsx", "roster.pdf", "roster.csv", "tests.csv"):
        assert (tmp_path / "new" / name).is_file(), name
    assert list((tmp_path / "new" / "calendars").glob("*.ics"))
    # the positive case is off in the new grid: the roster file carries the isolation
    assert (
        main(["export", str(tmp_path / "new" / "roster.json"), "--out", str(tmp_path / "x")]) == 0
    )
    capsys.readouterr()
    rows = (tmp_path / "x" / "roster.csv").read_text(encoding="utf-8-sig").splitlines()
    s0_later = [r for r in rows if r.startswith("s0,") and ",2021-12-16," in r]
    assert s0_later and all(",off," in r for r in s0_later)
    assert main(["substitutes", folder, rfile, "s0", "2021-12-16", "AM"]) == 0
    assert "3 eligible" in capsys.readouterr().out


def test_export_of_a_reroster_judges_it_by_the_events(tmp_path, capsys) -> None:
    """The re-roster's roster.json records the isolations and the closed counter, so `roster
    export` of it (with the scenario as it is on disk) finds every hard rule met."""
    p = counter_office()
    folder = _scenario(tmp_path, p)
    rfile = _roster_file(tmp_path, p)
    events = tmp_path / "events.yaml"
    events.write_text(
        "events:\n  - {kind: positive, staff: s0, date: 2021-12-15}\n"
        "  - {kind: post_closed, post: C, date: 2021-12-16}\n",
        encoding="utf-8",
    )
    new = tmp_path / "new"
    args = ["reroster", folder, rfile, str(events), "--time-limit", "4", "--out", str(new)]
    assert main(args) == 0
    capsys.readouterr()
    assert main(["export", str(new / "roster.json"), "--out", str(tmp_path / "x")]) == 0
    out = capsys.readouterr().out
    assert "Referee: all hard rules met" in out, out


def test_bad_events_file_names_file_row_field(tmp_path, capsys) -> None:
    p = counter_office()
    folder = _scenario(tmp_path, p)
    rfile = _roster_file(tmp_path, p)
    events = tmp_path / "events.csv"
    events.write_text(
        "kind,staff,date\npositive,s0,2021-12-15\nleave,nobody,2021-12-16\n"
        "holiday,s1,2021-12-16\ncontact,s2,someday\n",
        encoding="utf-8",
    )
    code = main(["reroster", folder, rfile, str(events)])
    err = capsys.readouterr().err
    assert code == 2
    assert "events.csv, row 4, field 'kind'" in err
    assert "events.csv, row 5, field 'date': not a date" in err
    assert "Traceback" not in err
    events.write_text("kind,staff,date\nleave,nobody,2021-12-16\n", encoding="utf-8")
    assert main(["reroster", folder, rfile, str(events)]) == 2
    assert "events.csv, row 2, field 'staff': unknown staff 'nobody'" in capsys.readouterr().err


def test_drill_command(tmp_path, capsys) -> None:
    p = it_office()
    folder = _scenario(tmp_path, p)
    roster = tiny_roster(p, teams=TEAMS)
    rfile = tmp_path / "teams.json"
    rfile.write_text(dumps(roster_file(p, roster)), encoding="utf-8")
    code = main(["drill", folder, str(rfile), "--time-limit", "4", "--workers", "1"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Single points of failure" in out and "Person 0 (s0), team 1" in out


def test_reroster_says_why_when_no_roster_meets_every_rule(tmp_path, capsys) -> None:
    """The whole-team case (tests/repair/test_reroster.py): team 0 isolated, team 1 has
    worked on Tuesday. The command prints the explanation (English, then Vietnamese with
    --lang vi) before the softened roster's breaches, and exits 3."""
    p, old, _events = whole_team_office(s3_on_tuesday=True)
    folder = _scenario(tmp_path, p)
    rfile = tmp_path / "roster.json"
    rfile.write_text(dumps(roster_file(p, old)), encoding="utf-8")
    events = tmp_path / "events.yaml"
    events.write_text(
        "events:\n  - {kind: positive, staff: s0, date: 2021-12-15}\n"
        "  - {kind: contact, staff: s1, date: 2021-12-15}\n",
        encoding="utf-8",
    )
    args = ["reroster", folder, str(rfile), str(events), "--time-limit", "4", "--workers", "1"]
    assert main(args) == 3
    out = capsys.readouterr().out
    assert "No roster can meet every hard rule" in out
    assert out.index("No roster can meet every hard rule") < out.index("Status:")
    assert "keeps their team this week" in out
    assert main([*args, "--lang", "vi"]) == 3
    out = capsys.readouterr().out
    assert "Không lịch nào đáp ứng được mọi quy tắc bắt buộc" in out
