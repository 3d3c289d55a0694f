"""The ``roster`` command, run in-process through ``cli.main.main``: exit codes, messages,
output files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import cli.main as cli
from roster.model import CountLimit, SolveResult, Status
from roster.schema import RosterFile
from tests.cli.offices import tiny_office

FAST = ["--time-limit", "5", "--workers", "2"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One real solve of the tiny office (shared by the tests that read its output)."""
    from roster.io import write_scenario

    root = tmp_path_factory.mktemp("solved")
    write_scenario(tiny_office(), root / "office")
    out = root / "out"
    import contextlib
    import io

    buf_out, buf_err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(buf_out), contextlib.redirect_stderr(buf_err):
        code = cli.main(["solve", str(root / "office"), "--out", str(out), *FAST])
    return {
        "code": code,
        "out": buf_out.getvalue(),
        "err": buf_err.getvalue(),
        "dir": out,
        "scenario": root / "office",
    }


# ---- solve: exit 0 ------------------------------------------------------------------------


def test_solve_prints_summary_and_referee_verdict(solved: dict) -> None:
    assert solved["code"] == 0, solved["err"]
    out = solved["out"]
    assert "Status: optimal" in out or "Status: feasible" in out
    for title in (
        "On-site headcount per shift",
        "Coverage of every post per shift",
        "Rapid tests per day",
        "On-site days per person, by unit",
        "Penalties paid, by rule",
    ):
        assert title in out
    assert "Nguyễn Thị Hồng" in out  # the grid, with Vietnamese names
    assert "C1 Land registration" in out
    assert "Referee: all hard rules met; objective" in out
    assert "agrees with the solver" in out
    # progress goes to stderr, one line per better roster (not a TTY here)
    assert "best" in solved["err"] and "bound" in solved["err"]


def test_solve_writes_the_files(solved: dict) -> None:
    names = sorted(p.name for p in solved["dir"].iterdir())
    assert names == [
        "calendars",
        "roster.csv",
        "roster.json",
        "roster.pdf",
        "roster.xlsx",
        "tests.csv",
    ]
    assert len(list((solved["dir"] / "calendars").glob("*.ics"))) == 8
    # no temporary folder left next to the output
    assert [p.name for p in solved["dir"].parent.iterdir() if p.name.startswith(".")] == []


def test_roster_json_round_trips_and_matches_the_referee(solved: dict) -> None:
    doc = RosterFile.model_validate_json((solved["dir"] / "roster.json").read_text("utf-8"))
    assert doc.problem is not None and doc.problem.staff == 8
    assert doc.result is not None and doc.result.status in (Status.optimal, Status.feasible)
    assert doc.report is not None and doc.report.ok
    assert doc.report.objective == doc.result.objective
    assert doc.roster.assignments


def test_csv_has_bom_and_vietnamese_round_trips(solved: dict) -> None:
    raw = (solved["dir"] / "roster.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(solved["dir"] / "roster.csv", encoding="utf-8-sig")
    assert list(df.columns) == ["staff_id", "name", "unit", "team", "date", "shift", "mode", "post"]
    assert len(df) == 8 * 5 * 2  # people x days x shifts
    assert "Võ Thị Thuỷ" in set(df["name"])
    assert set(df["mode"]) <= {"on_site", "remote", "off"}
    doc = json.loads((solved["dir"] / "roster.json").read_text("utf-8"))
    on_site = df[df["mode"] == "on_site"]
    assert len(on_site) == len(doc["roster"]["assignments"])
    tests = pd.read_csv(solved["dir"] / "tests.csv", encoding="utf-8-sig")
    assert list(tests.columns) == ["staff_id", "name", "date"]
    assert len(tests) == len(doc["roster"]["tests"])


def test_xlsx_grid_is_coloured_frozen_and_has_summary_sheets(solved: dict) -> None:
    wb = openpyxl.load_workbook(solved["dir"] / "roster.xlsx")
    assert wb.sheetnames[0] == "Roster"
    assert {"Headcount", "Coverage", "Tests", "On-site days", "People", "Penalties"} <= set(
        wb.sheetnames
    )
    ws = wb["Roster"]
    assert ws.freeze_panes == "E3"
    assert ws["A1"].value == "Staff ID"
    assert ws["E1"].value == "Mon 13 Dec" and ws["E2"].value == "morning"
    doc = json.loads((solved["dir"] / "roster.json").read_text("utf-8"))
    first = doc["roster"]["assignments"][0]
    row = next(r for r in range(3, 11) if ws.cell(row=r, column=1).value == first["staff"])
    day = (pd.Timestamp(first["date"]) - pd.Timestamp("2021-12-13")).days
    col = 5 + 2 * day + (0 if first["shift"] == "AM" else 1)
    cell = ws.cell(row=row, column=col)
    expected = {"land": "C1", "it": "T1", None: "G"}[first["post"]]
    assert cell.value.startswith(expected)
    assert cell.fill.start_color.rgb.endswith("C6EFCE" if first["post"] else "DDEBF7")
    values = [c.value for c in ws["B"]]
    assert "Legend" in [c.value for c in ws["A"]]
    assert "Bùi Thị Ngọc" in values
    assert ws.column_dimensions["B"].width >= 20


def test_solve_in_vietnamese(
    tmp_path: Path, office: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "solve", str(office), "--out", str(tmp_path / "vi"), "--lang", "vi", *FAST
    )
    assert code == 0, err
    assert "Đăng ký đất đai" in out and "Lịch làm việc" in out
    wb = openpyxl.load_workbook(tmp_path / "vi" / "roster.xlsx")
    assert wb.sheetnames[0] == "Lịch"
    ws = wb["Lịch"]
    assert ws["A1"].value == "Mã CB" and ws["E1"].value == "T2 13/12" and ws["E2"].value == "sáng"


# ---- solve: exit 2 (bad input, nothing written) --------------------------------------------


def test_unknown_scenario_lists_the_available_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "solve", "no-such-office", "--out", str(tmp_path / "o"))
    assert code == 2
    assert "no such scenario" in err and "service-centre" in err
    assert "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_bad_staff_file_names_file_row_and_field(
    tmp_path: Path, office: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    staff = office / "staff.csv"
    text = staff.read_text("utf-8-sig").replace("s3,Lê Thị Ánh,HC", "s3,Lê Thị Ánh,TNMT")
    staff.write_text(text, encoding="utf-8-sig")
    code, out, err = run(capsys, "solve", str(office), "--out", str(tmp_path / "o"))
    assert code == 2
    assert "staff.csv" in err and "row 4" in err and "TNMT" in err
    assert "Traceback" not in err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    "args, words",
    [
        (["--weeks", "0"], "--weeks"),
        (["--weeks", "two"], "not a whole number"),
        (["--start", "31/02/2021"], "not a date"),
        (["--time-limit", "-1"], "--time-limit"),
        (["--lang", "fr"], "--lang"),
    ],
)
def test_bad_options_exit_2(
    tmp_path: Path, office: Path, capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    code, out, err = run(capsys, "solve", str(office), "--out", str(tmp_path / "o"), *args)
    assert code == 2
    assert words in err
    assert not (tmp_path / "o").exists()


def test_no_command_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run(
            capsys,
        )[0]
        == 2
    )
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "solve" in out


# ---- solve: exit 3 (proven infeasible) ------------------------------------------------------


def test_precheck_error_exits_3_without_solving(
    tmp_path: Path,
    write_office: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = write_office(qualified=1, counter_min=2)

    def no_solve() -> None:
        raise AssertionError("the precheck should stop before solving")

    monkeypatch.setattr(cli, "_solve_function", no_solve)
    code, out, err = run(capsys, "solve", str(folder), "--out", str(tmp_path / "o"))
    assert code == 3
    assert (
        "counter Land registration is open Mon 13 Dec morning and needs 2 people but only 1 "
        "available person with skill 'land' can be on site"
    ) in out
    assert "(and the same 9 more times)" in out
    assert not (tmp_path / "o").exists()


def test_solver_proven_infeasible_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from roster.io import write_scenario

    problem = tiny_office()
    # At most one on-site shift a week each: 8 people cannot cover 10 counter shifts.
    problem.policy.contracts["default"].counts = [
        CountLimit(measure="shifts", window="week", hard_max=1)
    ]
    write_scenario(problem, tmp_path / "office")
    code, out, err = run(
        capsys, "solve", str(tmp_path / "office"), "--out", str(tmp_path / "o"), *FAST
    )
    assert code == 3, out + err
    assert "No roster satisfies all hard rules" in out and "roster explain" in out
    assert not (tmp_path / "o").exists()


def test_failed_solve_clears_the_previous_roster_of_the_folder(
    tmp_path: Path,
    office: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out_dir = tmp_path / "o"
    code, _out, err = run(capsys, "solve", str(office), "--out", str(out_dir), *FAST)
    assert code == 0, err and (out_dir / "roster.json").exists()
    (out_dir / "notes.txt").write_text("mine", encoding="utf-8")

    def infeasible(problem, time_limit, workers, on_progress=None, hint=None):
        return SolveResult(status=Status.infeasible, wall_time=0.1)

    monkeypatch.setattr(cli, "_solve_function", lambda: infeasible)
    code, out, err = run(capsys, "solve", str(office), "--out", str(out_dir), *FAST)
    assert code == 3
    assert "previous roster files in" in out and "roster.json" in out
    # the roster files are gone, the head's own file stays
    assert sorted(p.name for p in out_dir.iterdir()) == ["notes.txt"]


# ---- solve: exit 4 and exit 1 (solver stand-ins: deterministic) ----------------------------


def test_no_roster_within_time_limit_exits_4(
    tmp_path: Path,
    office: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def timeout(problem, time_limit, workers, on_progress=None, hint=None):
        return SolveResult(status=Status.unknown, wall_time=time_limit)

    monkeypatch.setattr(cli, "_solve_function", lambda: timeout)
    code, out, err = run(
        capsys, "solve", str(office), "--out", str(tmp_path / "o"), "--time-limit", "0.5"
    )
    assert code == 4
    assert "No roster found within the time limit of 0.5 s" in out
    assert not (tmp_path / "o").exists()


def test_referee_disagreement_is_a_bug_exit_1(
    tmp_path: Path,
    office: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from solver import solve as real_solve

    def wrong(problem, time_limit, workers, on_progress=None, hint=None):
        result = real_solve(problem, time_limit=time_limit, workers=workers)
        return result.model_copy(update={"objective": (result.objective or 0) + 7})

    monkeypatch.setattr(cli, "_solve_function", lambda: wrong)
    code, out, err = run(capsys, "solve", str(office), "--out", str(tmp_path / "o"), *FAST)
    assert code == 1
    assert "bug" in err and "while the solver says" in err


def test_progress_printer_tty_and_pipe() -> None:
    import io

    from roster.model import Progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    pipe, tty = io.StringIO(), Tty()
    for stream in (pipe, tty):
        printer = cli.ProgressPrinter(stream)
        printer(Progress(elapsed=0.5, objective=120, bound=100, solutions=1))
        printer(Progress(elapsed=1.0, objective=110, bound=100, solutions=2))
        printer.close()
    assert pipe.getvalue().count("\n") == 2 and "gap   9.1%" in pipe.getvalue()
    assert tty.getvalue().count("\r") == 2 and tty.getvalue().endswith("\n")


# ---- check ---------------------------------------------------------------------------------


def test_check_a_good_roster_exits_0(solved: dict, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "check", str(solved["scenario"]), str(solved["dir"] / "roster.json")
    )
    assert code == 0, err
    assert "All hard rules met." in out
    assert "agrees with the" in out and "Objective:" in out


def test_check_finds_violations_exit_1(
    solved: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads((solved["dir"] / "roster.json").read_text("utf-8"))
    doc["roster"]["assignments"] = [a for a in doc["roster"]["assignments"] if a["post"] != "land"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, "check", str(solved["scenario"]), str(bad))
    assert code == 1
    assert "hard rule(s) broken" in out and "[coverage.under]" in out


def test_check_in_vietnamese_words_the_referee_in_vietnamese(
    solved: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = json.loads((solved["dir"] / "roster.json").read_text("utf-8"))
    doc["roster"]["assignments"] = [a for a in doc["roster"]["assignments"] if a["post"] != "land"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, en_out, _ = run(capsys, "check", str(solved["scenario"]), str(bad))
    code_vi, out, err = run(capsys, "check", str(solved["scenario"]), str(bad), "--lang", "vi")
    assert code_vi == code == 1, err
    broken = [line for line in out.splitlines() if line.startswith("  - [")]
    assert broken, out
    for line in broken:  # each message in Vietnamese, days as on the printed roster
        assert "ngày T" in line, line
        assert not {"on", "is", "the", "has", "missing", "needs"} & set(line.split()), line
    assert any("thiếu" in line for line in broken)  # "quầy ... có 0 người ..., cần 1: thiếu 1"
    assert "missing" in en_out and " on Mon " in en_out  # English stays English


def test_check_malformed_json_names_file_and_position(
    solved: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text('{\n  "roster": {\n    "assignments": [,]\n  }\n}\n', encoding="utf-8")
    code, out, err = run(capsys, "check", str(solved["scenario"]), str(bad))
    assert code == 2
    assert "broken.json" in err and "line 3, column 21" in err
    assert "Traceback" not in err


def test_check_invalid_content_names_the_field(
    solved: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "wrong.json"
    bad.write_text(
        json.dumps(
            {"roster": {"assignments": [{"staff": "s1", "date": "13/12/2021", "shift": "AM"}]}}
        ),
        encoding="utf-8",
    )
    code, out, err = run(capsys, "check", str(solved["scenario"]), str(bad))
    assert code == 2
    assert "wrong.json" in err and "roster.assignments.0.date" in err


def test_check_missing_file_exits_2(
    solved: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "check", str(solved["scenario"]), str(tmp_path / "none.json"))
    assert code == 2 and "no such file" in err


# ---- generate, scenarios, schema ------------------------------------------------------------


def test_generate_writes_a_loadable_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from roster.io import load_scenario

    code, out, err = run(capsys, "generate", "--staff", "60", "--seed", "3", str(tmp_path / "g"))
    assert code == 0, err
    assert "60 staff" in out
    assert len(load_scenario(tmp_path / "g").staff) == 60
    code, out, err = run(capsys, "generate", "--staff", "60", str(tmp_path / "g"))
    assert code == 2 and "--force" in err


def test_generate_rejects_too_few_staff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "generate", "--staff", "5", str(tmp_path / "g"))
    assert code == 2 and "40" in err
    assert not (tmp_path / "g").exists()


def test_scenarios_lists_service_centre(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "scenarios")
    assert code == 0
    assert "service-centre" in out and "Staff" in out


def test_schema_matches_the_committed_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "schema")
    assert code == 0
    committed = Path(__file__).resolve().parents[2] / "docs" / "roster.schema.json"
    assert json.loads(out) == json.loads(committed.read_text("utf-8")), (
        "docs/roster.schema.json is stale: run `roster schema > docs/roster.schema.json`"
    )
