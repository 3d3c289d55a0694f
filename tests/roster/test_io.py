"""Reading scenario folders: every user mistake is an InputError naming file, row and field."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from roster.errors import InputError, Issue
from roster.io import (
    list_scenarios,
    load_scenario,
    parse_bool,
    parse_date,
    read_staff,
    resolve_scenario,
    scenarios_dir,
    write_scenario,
)

START = dt.date(2021, 12, 13)


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


@pytest.fixture
def scen(tmp_path: Path) -> Path:
    """A private copy of the service-centre scenario to spoil."""
    dst = tmp_path / "sc"
    shutil.copytree(scenarios_dir() / "service-centre", dst)
    return dst


def read_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [row for row in csv.reader(fh)]


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def set_cell(path: Path, row: int, column: str, value: str) -> None:
    """Set a cell by spreadsheet row number (header = 1) and column name."""
    rows = read_rows(path)
    rows[row - 1][rows[0].index(column)] = value
    write_rows(path, rows)


def append_row(path: Path, values: dict[str, str]) -> int:
    rows = read_rows(path)
    rows.append([values.get(c, "") for c in rows[0]])
    write_rows(path, rows)
    return len(rows)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, text: str) -> int:
    """The 1-based number of the first line of ``path`` containing ``text``."""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return n
    raise AssertionError(text)


def issues_of(folder: Path, **kwargs) -> list[Issue]:
    with pytest.raises(InputError) as info:
        load_scenario(folder, **kwargs)
    return info.value.issues


def find(issues: list[Issue], file: str, row: int | None, field: str | None) -> Issue:
    for i in issues:
        if i.file == file and i.row == row and i.field == field:
            return i
    raise AssertionError(
        f"no issue at {file}, row {row}, field {field!r} in:\n" + "\n".join(map(str, issues))
    )


# --------------------------------------------------------------------------------------------
# the error type
# --------------------------------------------------------------------------------------------


def test_issue_text_one_line_per_issue() -> None:
    err = InputError(
        [
            Issue("staff.csv", 7, "unit", "unknown unit 'TNMT'", ["GTVT", "CT", "TNMT-1"]),
            Issue("policy.yaml", None, None, "file not found"),
        ]
    )
    assert str(err).splitlines() == [
        "staff.csv, row 7, field 'unit': unknown unit 'TNMT'; allowed: GTVT, CT, TNMT-1",
        "policy.yaml: file not found",
    ]
    assert err.to_dicts()[0]["allowed"] == "GTVT, CT, TNMT-1"


def test_long_allowed_lists_are_cut() -> None:
    text = str(Issue("f.csv", 2, "x", "bad", [f"v{i}" for i in range(40)]))
    assert "(40 in all)" in text and "v39" not in text


# --------------------------------------------------------------------------------------------
# good input
# --------------------------------------------------------------------------------------------


def test_builtin_names_and_resolution() -> None:
    names = list_scenarios()
    assert {
        "provincial-committee",
        "service-centre",
        "ward-one-stop",
        "district-office",
        "district-on-call",
        "urgent-counters",
    } <= set(names)
    assert resolve_scenario("service-centre") == scenarios_dir() / "service-centre"
    with pytest.raises(InputError) as info:
        resolve_scenario("no-such-office")
    assert "service-centre" in str(info.value)


def test_service_centre_loads_with_times_and_fractions() -> None:
    p = load_scenario("service-centre")
    shifts = {s.id: s for s in p.site.shifts}
    assert shifts["afternoon"].start == dt.time(13, 30)  # not the YAML 1.1 number 810
    assert shifts["morning"].start == dt.time(7, 30)
    assert p.policy.cap.fraction == pytest.approx(1 / 3)
    assert p.horizon.start == START and p.horizon.days == 7
    # absences are clipped to the horizon
    for a in p.absences:
        assert START <= a.start <= a.end <= p.horizon.end
    assert any(s.external for s in p.staff)
    assert any(not s.counts_toward_cap for s in p.staff)


def test_team_numbers_are_one_based_in_the_file(scen: Path) -> None:
    rows = read_rows(scen / "staff.csv")
    sid = rows[1][0]
    set_cell(scen / "staff.csv", 2, "team", "1")
    assert next(s for s in load_scenario(scen).staff if s.id == sid).team == 0
    set_cell(scen / "staff.csv", 2, "team", "B")
    assert next(s for s in load_scenario(scen).staff if s.id == sid).team == 1
    set_cell(scen / "staff.csv", 2, "team", "")
    assert next(s for s in load_scenario(scen).staff if s.id == sid).team is None


def test_excel_staff_and_semicolon_csv(scen: Path) -> None:
    frame = pd.read_csv(scen / "staff.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame["last_test"] = pd.to_datetime(frame["last_test"])  # Excel date cells
    (scen / "staff.csv").unlink()
    frame.to_excel(scen / "staff.xlsx", index=False)
    p = load_scenario(scen)
    assert len(p.staff) == len(frame)
    assert any(s.last_test == dt.date(2021, 12, 9) for s in p.staff)
    # both files: ambiguous
    shutil.copy(scenarios_dir() / "service-centre" / "staff.csv", scen / "staff.csv")
    find(issues_of(scen), "staff.csv", None, None)
    (scen / "staff.xlsx").unlink()
    # a CSV saved by Excel in a locale that separates with ';'
    rows = read_rows(scen / "requests.csv")
    (scen / "requests.csv").write_text(
        "\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8-sig"
    )
    assert len(load_scenario(scen).requests) == len(rows) - 1


def test_horizon_override_drops_rows_of_another_week(scen: Path) -> None:
    p = load_scenario(scen, start=dt.date(2022, 1, 3), weeks=2)
    assert p.horizon.start == dt.date(2022, 1, 3) and p.horizon.days == 14
    assert p.requests == [] and p.fixed == []


def test_parsers() -> None:
    assert parse_date("2021-12-13") == START
    assert parse_date("13/12/2021") == START
    assert parse_date("2021-12-13 00:00:00") == START
    assert parse_date("2021-13-01") is None
    assert parse_bool("Có") is True and parse_bool("no") is False and parse_bool("?") is None


# --------------------------------------------------------------------------------------------
# files and columns
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["site.yaml", "policy.yaml", "staff.csv"])
def test_missing_file(scen: Path, name: str) -> None:
    (scen / name).unlink()
    issue = find(issues_of(scen), name, None, None)
    assert "not found" in issue.message


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_scenario(tmp_path / "nowhere")
    assert "no such scenario" in str(info.value)


def test_unknown_and_missing_columns(scen: Path) -> None:
    rows = read_rows(scen / "staff.csv")
    rows[0][rows[0].index("unit")] = "colour"
    write_rows(scen / "staff.csv", rows)
    issues = issues_of(scen)
    unknown = find(issues, "staff.csv", 1, "colour")
    assert "unknown column" in unknown.message and "counts_toward_cap" in str(unknown)
    assert "missing required column" in find(issues, "staff.csv", 1, "unit").message


def test_duplicate_column(scen: Path) -> None:
    rows = read_rows(scen / "absences.csv")
    rows[0][rows[0].index("note")] = "reason"
    write_rows(scen / "absences.csv", rows)
    assert "twice" in find(issues_of(scen), "absences.csv", 1, "reason").message


def test_empty_and_unreadable_files(scen: Path) -> None:
    (scen / "requests.csv").write_text("", encoding="utf-8")
    (scen / "fixed.csv").write_bytes("staff,date,shift\nNV1,2021-12-13,Chi\xe8u\n".encode("cp1258"))
    issues = issues_of(scen)
    assert "empty" in find(issues, "requests.csv", None, None).message
    assert "UTF-8" in find(issues, "fixed.csv", None, None).message


def test_ragged_row(scen: Path) -> None:
    with open(scen / "requests.csv", "a", encoding="utf-8") as fh:
        fh.write("HCC001,2021-12-14,morning,yes,1,extra,cells\n")
    issue = find(issues_of(scen), "requests.csv", 7, None)
    assert "cannot read" in issue.message


def test_yaml_syntax_error_names_the_line(scen: Path) -> None:
    edit(scen / "policy.yaml", "  count: 2\n", "  count: [2\n")
    issue = next(i for i in issues_of(scen) if i.file == "policy.yaml")
    assert "YAML syntax error" in issue.message and issue.row is not None


# --------------------------------------------------------------------------------------------
# staff.csv
# --------------------------------------------------------------------------------------------


def test_staff_row_mistakes_all_reported_together(scen: Path) -> None:
    f = scen / "staff.csv"
    first_id = read_rows(f)[1][0]
    set_cell(f, 3, "id", first_id)
    set_cell(f, 4, "unit", "TNMT-X")
    set_cell(f, 5, "skills", "cntt;bay")
    set_cell(f, 6, "contract", "full_time")
    set_cell(f, 7, "team", "3")
    set_cell(f, 8, "external", "maybe")
    set_cell(f, 9, "last_test", "2021-31-12")
    set_cell(f, 10, "last_test", "2021-12-14")
    set_cell(f, 11, "unit", "")
    issues = issues_of(scen)
    assert "first on row 2" in find(issues, "staff.csv", 3, "id").message
    unit = find(issues, "staff.csv", 4, "unit")
    assert str(unit).startswith(
        "staff.csv, row 4, field 'unit': unknown unit 'TNMT-X'; allowed: TTHCC, GTVT"
    )
    assert "'bay'" in find(issues, "staff.csv", 5, "skills").message
    assert "full_time" in find(issues, "staff.csv", 6, "contract").message
    assert "1 to 2" in str(find(issues, "staff.csv", 7, "team"))
    assert "yes, no" in str(find(issues, "staff.csv", 8, "external"))
    assert "YYYY-MM-DD" in str(find(issues, "staff.csv", 9, "last_test"))
    assert "before the horizon" in find(issues, "staff.csv", 10, "last_test").message
    find(issues, "staff.csv", 11, "unit")
    assert len([i for i in issues if i.file == "staff.csv"]) == 9


# --------------------------------------------------------------------------------------------
# absences, requests, fixed cells
# --------------------------------------------------------------------------------------------


def test_absence_mistakes(scen: Path) -> None:
    f = scen / "absences.csv"
    r1 = append_row(f, {"staff": "HCC001", "start": "2021-12-15", "end": "2021-12-14"})
    r2 = append_row(
        f, {"staff": "HCC001", "start": "2021-12-15", "end": "2021-12-15", "reason": "holiday"}
    )
    r3 = append_row(
        f, {"staff": "HCC001", "start": "2021-12-15", "end": "2021-12-15", "shifts": "evening"}
    )
    r4 = append_row(f, {"staff": "NOBODY", "start": "15/12/2021", "end": "yesterday"})
    issues = issues_of(scen)
    assert "before start" in find(issues, "absences.csv", r1, "end").message
    assert "remote_only" in str(find(issues, "absences.csv", r2, "reason"))
    assert "morning, afternoon" in str(find(issues, "absences.csv", r3, "shifts"))
    assert "staff.csv" in str(find(issues, "absences.csv", r4, "staff"))
    find(issues, "absences.csv", r4, "end")
    assert len(issues) == 5


def test_absences_outside_the_horizon_are_clipped_or_dropped(scen: Path) -> None:
    f = scen / "absences.csv"
    write_rows(
        f,
        [
            read_rows(f)[0],
            ["HCC001", "2021-11-01", "2021-11-30", "", "leave", "before"],
            ["HCC002", "2021-12-01", "2021-12-14", "", "isolation", "overlap"],
            ["HCC003", "2021-12-17", "2022-01-05", "morning", "remote_only", "after"],
        ],
    )
    p = load_scenario(scen)
    got = [(a.staff, a.start, a.end) for a in p.absences]
    assert got == [
        ("HCC002", START, dt.date(2021, 12, 14)),
        ("HCC003", dt.date(2021, 12, 17), dt.date(2021, 12, 19)),
    ]


def test_request_mistakes(scen: Path) -> None:
    f = scen / "requests.csv"
    r1 = append_row(f, {"staff": "HCC001", "date": "2021-12-20"})
    r2 = append_row(f, {"staff": "HCC001", "date": "2021-12-14", "weight": "-2"})
    r3 = append_row(
        f, {"staff": "HCC001", "date": "2021-12-14", "shift": "night", "on_site": "perhaps"}
    )
    r4 = append_row(f, {"staff": "HCC001", "date": "2021-12-14", "weight": "1.5"})
    issues = issues_of(scen)
    assert "outside the horizon" in find(issues, "requests.csv", r1, "date").message
    assert "negative" in find(issues, "requests.csv", r2, "weight").message
    find(issues, "requests.csv", r3, "shift")
    find(issues, "requests.csv", r3, "on_site")
    assert "whole number" in find(issues, "requests.csv", r4, "weight").message


def test_fixed_cell_mistakes(scen: Path) -> None:
    f = scen / "fixed.csv"
    staff = {r[0]: r[3] for r in read_rows(scen / "staff.csv")[1:]}
    no_gplx = next(s for s, sk in staff.items() if "gplx" not in sk)
    r1 = append_row(
        f, {"staff": "HCC001", "date": "2021-12-13", "shift": "morning", "post": "quay-xyz"}
    )
    r2 = append_row(
        f, {"staff": no_gplx, "date": "2021-12-13", "shift": "morning", "post": "quay-gplx"}
    )
    r3 = append_row(
        f,
        {
            "staff": "HCC001",
            "date": "2021-12-13",
            "shift": "morning",
            "on_site": "no",
            "post": "dong-dau",
        },
    )
    r4 = append_row(f, {"staff": "HCC001", "date": "2021-12-24", "shift": ""})
    issues = issues_of(scen)
    assert "quay-gplx" in str(find(issues, "fixed.csv", r1, "post"))
    assert "lacks skill 'gplx'" in find(issues, "fixed.csv", r2, "post").message
    assert "on_site is no" in find(issues, "fixed.csv", r3, "post").message
    find(issues, "fixed.csv", r4, "date")
    find(issues, "fixed.csv", r4, "shift")


# --------------------------------------------------------------------------------------------
# policy.yaml and site.yaml (pydantic errors translated to file + field)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, words",
    [
        ("1.5", "less than or equal to 1"),
        ("-0.2", "greater than or equal to 0"),
        ("a third", "valid number"),
    ],
)
def test_cap_fraction_out_of_range(scen: Path, value: str, words: str) -> None:
    edit(scen / "policy.yaml", "fraction: 1/3", f"fraction: {value}")
    issue = find(
        issues_of(scen), "policy.yaml", line_of(scen / "policy.yaml", "fraction:"), "cap.fraction"
    )
    assert words in issue.message


def test_cap_fraction_as_percent(scen: Path) -> None:
    edit(scen / "policy.yaml", "fraction: 1/3", "fraction: 50%")
    assert load_scenario(scen).policy.cap.fraction == 0.5


def test_policy_unknown_field_lists_allowed(scen: Path) -> None:
    edit(scen / "policy.yaml", "  fraction: 1/3", "  fracton: 1/3")
    issue = find(
        issues_of(scen), "policy.yaml", line_of(scen / "policy.yaml", "fracton:"), "cap.fracton"
    )
    assert "unknown field" in issue.message and "fraction" in str(issue)


def test_policy_negative_count_and_model_validator(scen: Path) -> None:
    edit(scen / "policy.yaml", "daily_capacity: null", "daily_capacity: -5")
    edit(scen / "policy.yaml", "fraction: 1/3", "fraction: null")
    issues = issues_of(scen)
    pol = scen / "policy.yaml"
    find(issues, "policy.yaml", line_of(pol, "daily_capacity:"), "tests.daily_capacity")
    assert "fraction" in find(issues, "policy.yaml", line_of(pol, "cap:"), "cap").message


def test_policy_contract_with_unknown_shift(scen: Path) -> None:
    edit(scen / "policy.yaml", "window: week,", "window: week, shifts: [night],")
    issue = next(i for i in issues_of(scen) if i.file == "policy.yaml")
    assert issue.field == "contracts.hop_dong_68.counts[0].shifts"
    assert "night" in issue.message and "morning" in str(issue)


def test_site_reference_and_value_mistakes(scen: Path) -> None:
    edit(scen / "site.yaml", "skill: kcn", "skill: kcnn")
    edit(scen / "site.yaml", "unit: CT", "unit: SCT")
    edit(scen / "site.yaml", '"13:30"', '"25:30"')
    edit(
        scen / "site.yaml",
        "{weekdays: [0, 1, 2, 3, 4], min: 1, max: 1}",
        "{weekdays: [0, 1, 2, 3, 4], min: 2, max: 1}",
    )
    issues = issues_of(scen)
    site = scen / "site.yaml"
    assert "'kcnn'" in str(
        find(issues, "site.yaml", line_of(site, "kcnn"), "site.posts[quay-kcn].skill")
    )
    assert "allowed: TTHCC" in str(
        find(issues, "site.yaml", line_of(site, "SCT"), "site.posts[quay-ct].unit")
    )
    find(issues, "site.yaml", line_of(site, "25:30"), "site.shifts[afternoon].start")
    assert (
        "below min"
        in find(
            issues, "site.yaml", line_of(site, "min: 2, max: 1"), "site.posts[quay-gtvt].demands[0]"
        ).message
    )


def test_site_horizon_mistakes(scen: Path) -> None:
    edit(scen / "site.yaml", "start: 2021-12-13", "start: 2021-02-30")
    edit(scen / "site.yaml", "weeks: 1", "weeks: 0")
    issues = issues_of(scen)
    site = scen / "site.yaml"
    assert (
        "not a date"
        in find(issues, "site.yaml", line_of(site, "2021-02-30"), "horizon.start").message
    )
    find(issues, "site.yaml", line_of(site, "weeks: 0"), "horizon.weeks")


def test_site_duplicate_ids(scen: Path) -> None:
    line = line_of(scen / "site.yaml", "- id: quay-gtvt")
    edit(scen / "site.yaml", "- id: quay-gtvt", "- id: quay-gplx")
    issue = find(issues_of(scen), "site.yaml", line, "site.posts[quay-gplx].id")
    assert "duplicate post id" in issue.message


def test_mistakes_in_several_files_in_one_pass(scen: Path) -> None:
    edit(scen / "policy.yaml", "rotation: day", "rotation: daily")
    set_cell(scen / "staff.csv", 2, "unit", "XX")
    append_row(scen / "requests.csv", {"staff": "HCC001", "date": "someday"})
    files = {i.file for i in issues_of(scen)}
    assert files == {"policy.yaml", "staff.csv", "requests.csv"}


# --------------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------------


def test_round_trip_every_scenario(tmp_path: Path) -> None:
    for name in list_scenarios():
        p = load_scenario(name)
        folder = write_scenario(p, tmp_path / name)
        again = load_scenario(folder)
        assert again == p, name
        assert "1/" in (folder / "policy.yaml").read_text(encoding="utf-8")


def test_read_staff_upload(scen: Path, tmp_path: Path) -> None:
    p = load_scenario(scen)
    upload = tmp_path / "upload.csv"
    shutil.copy(scen / "staff.csv", upload)
    assert read_staff(upload, p.site, p.policy) == p.staff
    set_cell(upload, 2, "skills", "gplx;laser")
    with pytest.raises(InputError) as info:
        read_staff(upload, p.site, p.policy)
    assert str(info.value).startswith("upload.csv, row 2, field 'skills': unknown skill 'laser'")


def test_bad_weeks_argument(scen: Path) -> None:
    with pytest.raises(InputError):
        load_scenario(scen, start=START, weeks=0)
