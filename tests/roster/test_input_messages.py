"""Input errors and warnings in both languages: every catalogue entry has both, with the same
fields; a set of bad scenario files gives Vietnamese that names the file, row and field; pydantic's
errors are worded by their type."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic_core import PydanticKnownError

from roster.errors import InputError, Issue
from roster.input_messages import INPUT, PYDANTIC, T, pydantic_text
from roster.input_warnings import scenario_warnings
from roster.io import load_scenario, scenarios_dir
from roster.text import Text, catalogue_problems, template_fields

#: Letters only Vietnamese uses (a message holding none is not Vietnamese).
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùýĐ]")
#: English words of the loader's messages that must not be left in the Vietnamese.
ENGLISH = re.compile(
    r"\b(row|field|allowed|unknown|missing|required|Input should|not a|is empty|cells)\b"
)


def all_catalogues() -> dict[str, dict[str, tuple[str, str]]]:
    from api.messages import API, JOB
    from cli.lang import MESSAGES

    return {"INPUT": INPUT, "PYDANTIC": PYDANTIC, "API": API, "JOB": JOB, "cli.MESSAGES": MESSAGES}


@pytest.mark.parametrize("name", ["INPUT", "PYDANTIC", "API", "JOB", "cli.MESSAGES"])
def test_every_entry_has_both_languages_with_the_same_fields(name: str) -> None:
    catalogue = all_catalogues()[name]
    assert catalogue
    assert catalogue_problems(catalogue) == []


def test_the_catalogue_check_finds_a_missing_language_and_different_fields() -> None:
    bad = {"a": ("x {n}", ""), "b": ("x {n}", "y {m}"), "c": ("x {n!r}", "y {n}"), "d": "x"}
    found = catalogue_problems(bad)  # type: ignore[arg-type]
    assert [f.split(":")[0] for f in found] == ["a", "b", "d"]
    assert "fields differ" in found[1]


def test_the_english_of_pydantic_types_is_pydantic_own_template() -> None:
    """The catalogue's English mirrors pydantic's template for each type (so the two fields
    agree with the ``ctx`` pydantic gives); a pydantic that words a type differently shows
    here."""
    for kind, (en, _vi) in PYDANTIC.items():
        names = template_fields(en) - {"expected_plural"}
        numbers = {"min_length", "max_length", "actual_length", "ge", "gt", "le", "lt"}
        ctx = {f: 1 if f in numbers else "x" for f in names}
        assert PydanticKnownError(kind, ctx or None).message_template == en, kind


def test_a_text_is_its_english_and_words_fields_in_the_same_language() -> None:
    t = T("cell.unknown", kind=T("kind.unit"), value="TNMT")
    assert t == "unknown unit 'TNMT'" and isinstance(t, str)
    assert t("vi") == "không có đơn vị 'TNMT'"
    import pickle

    again = pickle.loads(pickle.dumps(t))
    assert isinstance(again, Text) and again("vi") == t("vi")


def test_an_issue_words_file_row_and_field_in_each_language() -> None:
    csv_issue = Issue("staff.csv", 7, "unit", T("cell.unknown", kind=T("kind.unit"), value="X"))
    csv_issue = Issue(csv_issue.file, 7, "unit", csv_issue.message, ["A", "B"])
    assert str(csv_issue) == "staff.csv, row 7, field 'unit': unknown unit 'X'; allowed: A, B"
    assert csv_issue.text("vi") == (
        "tệp staff.csv, dòng 7, cột 'unit': không có đơn vị 'X'; cho phép: A, B"
    )
    yaml_issue = Issue("policy.yaml", 3, "cap.fraction", T("yaml.missing"))
    assert (
        yaml_issue.text("vi")
        == "tệp policy.yaml, dòng 3, trường 'cap.fraction': thiếu trường bắt buộc"
    )
    many = Issue("site.yaml", None, "x", "bad", [str(i) for i in range(20)])
    assert many.text("vi").endswith("... (tất cả 20)") and str(many).endswith("(20 in all)")
    err = InputError([csv_issue, yaml_issue])
    assert err.to_dicts("vi")[0]["message"] == "không có đơn vị 'X'"
    assert err.to_dicts()[0]["message"] == "unknown unit 'X'"


# --------------------------------------------------------------------------------------------
# a table of bad scenario files
# --------------------------------------------------------------------------------------------


def _rows(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8-sig").splitlines()


def _write(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _cell(folder: Path, file: str, row: int, column: str, value: str) -> None:
    lines = _rows(folder / file)
    header = lines[0].split(",")
    cells = lines[row - 1].split(",")
    cells[header.index(column)] = value
    lines[row - 1] = ",".join(cells)
    _write(folder / file, lines)


def _drop_column(folder: Path, file: str, column: str) -> None:
    lines = _rows(folder / file)
    j = lines[0].split(",").index(column)
    _write(
        folder / file, [",".join(c for i, c in enumerate(ln.split(",")) if i != j) for ln in lines]
    )


def _policy(folder: Path, old: str, new: str) -> None:
    path = folder / "policy.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _policy_line(folder: Path, start: str) -> int:
    for n, line in enumerate((folder / "policy.yaml").read_text(encoding="utf-8").splitlines(), 1):
        if line.strip().startswith(start):
            return n
    raise AssertionError(start)


Spoil = Callable[[Path], None]

#: (what is spoiled, how, the file, row and field the message names, a Vietnamese phrase)
BAD_FILES: list[tuple[str, Spoil, str, Callable[[Path], int | None], str | None, str]] = [
    (
        "missing column",
        lambda f: _drop_column(f, "staff.csv", "unit"),
        "staff.csv",
        lambda f: 1,
        "unit",
        "thiếu cột bắt buộc 'unit'",
    ),
    (
        "bad date",
        lambda f: _cell(f, "staff.csv", 3, "last_test", "31/02/2021"),
        "staff.csv",
        lambda f: 3,
        "last_test",
        "không phải ngày: '31/02/2021'; cho phép: một ngày dạng YYYY-MM-DD",
    ),
    (
        "unknown unit",
        lambda f: _cell(f, "staff.csv", 2, "unit", "TNMT-9"),
        "staff.csv",
        lambda f: 2,
        "unit",
        "không có đơn vị 'TNMT-9'; cho phép: TTHCC",
    ),
    (
        "bad yes/no",
        lambda f: _cell(f, "staff.csv", 4, "external", "maybe"),
        "staff.csv",
        lambda f: 4,
        "external",
        "không phải giá trị có/không: 'maybe'",
    ),
    (
        "bad fraction",
        lambda f: _policy(f, "fraction: 1/3", "fraction: 3/2"),
        "policy.yaml",
        lambda f: _policy_line(f, "fraction: 3/2"),
        "cap.fraction",
        "Phải nhỏ hơn hoặc bằng 1 (giá trị đang có: '3/2')",
    ),
    (
        "unknown policy field",
        lambda f: _policy(f, "fraction: 1/3", "fractoin: 1/3"),
        "policy.yaml",
        lambda f: _policy_line(f, "fractoin"),
        "cap.fractoin",
        "không có trường 'fractoin'; cho phép: enabled, hard, weight, fraction",
    ),
    (
        "cap with neither bound (the model's own check)",
        lambda f: _policy(f, "fraction: 1/3", "fraction: null"),
        "policy.yaml",
        lambda f: _policy_line(f, "cap:"),
        "cap",
        "mức trần (cap): ghi fraction (0 đến 1) hoặc max_on_site",
    ),
]


@pytest.fixture
def scen(tmp_path: Path) -> Path:
    dst = tmp_path / "sc"
    shutil.copytree(scenarios_dir() / "service-centre", dst)
    return dst


def _is_vietnamese(text: str) -> None:
    assert VIETNAMESE.search(text), text
    assert not ENGLISH.search(text), text


@pytest.mark.parametrize(("case", "spoil", "file", "row", "field", "phrase"), BAD_FILES)
def test_a_bad_file_is_told_in_vietnamese_naming_file_row_and_field(
    scen: Path,
    case: str,
    spoil: Spoil,
    file: str,
    row: Callable[[Path], int | None],
    field: str | None,
    phrase: str,
) -> None:
    spoil(scen)
    line = row(scen)
    with pytest.raises(InputError) as info:
        load_scenario(scen)
    found = [i for i in info.value.issues if (i.file, i.row, i.field) == (file, line, field)]
    assert found, f"{case}: no issue at {file}, {line}, {field} in:\n{info.value}"
    vi = found[0].text("vi")
    where = f"tệp {file}, dòng {line}, {'cột' if file.endswith('.csv') else 'trường'} '{field}': "
    assert vi.startswith(where), vi
    assert phrase in vi, vi
    _is_vietnamese(vi.removeprefix(where))
    # the English is as it was: file, row, field in English words
    en = found[0].text("en")
    assert en.startswith(f"{file}, row {line}, field '{field}': ") and not VIETNAMESE.search(
        en.removeprefix(f"{file}, row {line}, field '{field}': ").split("allowed:")[0]
    )
    assert info.value.text("vi").count("\n") == info.value.text("en").count("\n")


def test_warnings_short_row_and_unused_skill_in_vietnamese(scen: Path) -> None:
    lines = _rows(scen / "staff.csv")
    lines[2] = ",".join(lines[2].split(",")[:3])  # row 3 cut after the unit
    _write(scen / "staff.csv", lines)
    site = scen / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("skills: [", "skills: [thu_vien, ", 1))
    problem = load_scenario(scen)
    texts = {(w.file, w.row, w.field): w for w in scenario_warnings(scen, problem)}
    short = texts[("staff.csv", 3, None)].text("vi")
    assert short.startswith("tệp staff.csv, dòng 3: chỉ có 3/10 ô; các cột skills, team")
    unused = texts[("site.yaml", None, "skills")].text("vi")
    assert unused.startswith("tệp site.yaml, trường 'skills': kỹ năng 'thu_vien' không")
    for text in (short, unused):
        _is_vietnamese(text)
    assert texts[("staff.csv", 3, None)].text("en").startswith("staff.csv, row 3: 3 of 10 cells")


# --------------------------------------------------------------------------------------------
# pydantic's errors by type
# --------------------------------------------------------------------------------------------

POLICY_ERRORS = [
    ({"teams": {"count": "abc"}}, "int_parsing", "Phải là một số nguyên"),
    ({"teams": {"count": 0}}, "greater_than_equal", "Phải lớn hơn hoặc bằng 1"),
    ({"teams": {"rotation": "daily"}}, "literal_error", "Phải là 'half_day', 'day', 'week' hoặc"),
    ({"teams": {"count": 1.5}}, "int_from_float", "Phải là một số nguyên, không có phần thập"),
    ({"tests": {"enabled": "maybe"}}, "bool_parsing", "Phải là giá trị đúng/sai"),
    ({"cap": 3}, "model_type", "Phải là một bảng khoá–giá trị"),
    ({"suspensions": 3}, "list_type", "Phải là một danh sách"),
    ({"contracts": []}, "dict_type", "Phải là một bảng khoá–giá trị"),
    ({"name": 3}, "string_type", "Phải là một chuỗi ký tự"),
    (
        {"cap": {"overrides": [{"from": "2021-02-30", "fraction": 0.5}]}},
        "date_from_datetime_parsing",
        "Phải là một ngày (YYYY-MM-DD), ngày vượt quá số ngày của tháng",
    ),
    (
        {"cap": {"overrides": [{"from": "2021-12-13T10:00", "fraction": 0.5}]}},
        "date_from_datetime_inexact",
        "Chỉ ghi ngày, không kèm giờ",
    ),
    ({"bogus": 1}, "extra_forbidden", "Không được có trường này"),
]


@pytest.mark.parametrize(("data", "kind", "phrase"), POLICY_ERRORS)
def test_pydantic_errors_are_worded_by_type(data: dict, kind: str, phrase: str) -> None:
    from pydantic import ValidationError

    from roster.model import Policy

    with pytest.raises(ValidationError) as info:
        Policy.model_validate(data)
    errors = [e for e in info.value.errors() if e["type"] == kind]
    assert errors, info.value.errors()
    text = pydantic_text(errors[0])
    assert text == errors[0]["msg"]  # the English is pydantic's own
    assert phrase in text("vi"), text("vi")
    _is_vietnamese(text("vi"))


def test_a_rare_pydantic_type_keeps_its_english() -> None:
    error = {"type": "some_future_type", "msg": "Something odd", "ctx": {}}
    assert pydantic_text(error)("vi") == "Something odd"


def test_the_models_own_checks_speak_vietnamese() -> None:
    from pydantic import ValidationError

    from roster.model import Demand

    with pytest.raises(ValidationError) as info:
        Demand(min=3, max=1)
    (error,) = info.value.errors()
    assert pydantic_text(error) == "max (1) is below min (3)"
    assert pydantic_text(error)("vi") == "max (1) nhỏ hơn min (3)"


def test_an_events_file_is_told_in_vietnamese(tmp_path: Path) -> None:
    from roster.events import read_events

    problem = load_scenario("service-centre")
    bad = tmp_path / "events.csv"
    bad.write_text("kind,staff,date,colour\npositive,NOBODY,2021-12-14,red\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_events(bad, problem)
    assert info.value.text("vi").startswith(
        "tệp events.csv, dòng 1, cột 'colour': cột không hợp lệ; cho phép: kind, staff"
    )
    bad.write_text("kind,staff,date\npositive,NOBODY,14/13/2021\nsick,,2021-12-14\n", "utf-8")
    with pytest.raises(InputError) as info:
        read_events(bad, problem)
    vi = info.value.text("vi").splitlines()
    assert vi[0] == (
        "tệp events.csv, dòng 2, cột 'date': không phải ngày: '14/13/2021'; cho phép: "
        "YYYY-MM-DD hoặc DD/MM/YYYY"
    )
    assert vi[1] == "tệp events.csv, dòng 3: sự việc sick cần mã cán bộ (staff)"
    bad.write_text("kind,staff,date\npositive,NOBODY,2021-12-14\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_events(bad, problem)
    assert info.value.text("vi") == "tệp events.csv, dòng 2, cột 'staff': không có cán bộ 'NOBODY'"
    assert str(info.value) == "events.csv, row 2, field 'staff': unknown staff 'NOBODY'"


def test_an_input_error_crosses_a_process_boundary_whole(scen: Path) -> None:
    import pickle

    _cell(scen, "staff.csv", 1, "unit", "KHONGCO")
    with pytest.raises(InputError) as info:
        load_scenario(scen)
    bad = info.value
    again = pickle.loads(pickle.dumps(bad))
    assert isinstance(again, InputError) and len(again.issues) == len(bad.issues) >= 1
    assert [i.to_dict("vi") for i in again.issues] == [i.to_dict("vi") for i in bad.issues]
    assert str(again) == str(bad)
