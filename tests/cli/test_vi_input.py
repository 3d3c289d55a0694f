"""Bad input and the help of ``roster`` in Vietnamese (``--lang vi`` or ``ROSTER_LANG=vi``),
and in English as before without them."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

import cli.main as cli
from cli.help import ARGPARSE, HELP, parser_texts, percent_fields, use_lang

VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùý]")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _spoil_unit(folder: Path) -> None:
    path = folder / "staff.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("unit")] = "NOPE"
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_solve_a_bad_folder_in_vietnamese_exits_2_naming_file_row_and_column(
    capsys: pytest.CaptureFixture[str], office: Path
) -> None:
    _spoil_unit(office)
    code, out, err = run(capsys, "solve", str(office), "--lang", "vi")
    assert code == 2
    assert err.startswith(
        "lỗi: tệp staff.csv, dòng 2, cột 'unit': không có đơn vị 'NOPE'; cho phép:"
    )
    assert "Traceback" not in err and "unknown" not in err
    code, _, err = run(capsys, "solve", str(office))
    assert code == 2
    assert err.startswith("error: staff.csv, row 2, field 'unit': unknown unit 'NOPE'; allowed:")


def test_roster_lang_vi_words_errors_too(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ROSTER_LANG", "vi")
    code, _, err = run(capsys, "solve", str(tmp_path / "nowhere"))
    assert code == 2
    assert "không có kịch bản này" in err and err.startswith("lỗi: ")
    # --lang on the command line wins over ROSTER_LANG, before or after the command
    for argv in (
        ["solve", str(tmp_path / "nowhere"), "--lang", "en"],
        ["--lang=en", "solve", str(tmp_path / "nowhere")],
    ):
        code, _, err = run(capsys, *argv)
        assert code == 2 and err.startswith("error: ") and "no such scenario" in err


def test_solve_help_in_vietnamese_with_roster_lang(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROSTER_LANG", "vi")
    code, out, _ = run(capsys, "solve", "--help")
    assert code == 0
    assert out.startswith("cách dùng: roster solve")
    for words in ("tham số:", "tuỳ chọn:", "hiện hướng dẫn này rồi thoát", "số giây tối đa"):
        assert words in out, out
    assert "seconds the solver" not in out and "options:" not in out
    monkeypatch.delenv("ROSTER_LANG")
    code, out, _ = run(capsys, "solve", "--help")
    assert code == 0 and out.startswith("usage: roster solve") and "seconds the solver" in out


@pytest.mark.parametrize(
    "command",
    [
        "",
        "solve",
        "check",
        "generate",
        "scenarios",
        "schema",
        "serve",
        "worker",
        "explain",
        "analyze",
        "reroster",
        "substitutes",
        "drill",
        "export",
    ],
)
def test_every_subcommand_help_is_vietnamese_with_lang_vi(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    argv = [command, "--help", "--lang", "vi"] if command else ["--lang", "vi", "--help"]
    code, out, _ = run(capsys, *argv)
    assert code == 0 and out.startswith("cách dùng: roster"), out
    use_lang("en")
    english = parser_texts(cli.build_parser())
    flat = " ".join(out.split())
    left = [t for t in english if len(t) > 12 and " ".join(t.split()) in flat]
    assert left == [], f"English help left in `roster {command} --help --lang vi`: {left}"
    assert VIETNAMESE.search(out)


def test_every_help_text_has_its_vietnamese_with_the_same_fields() -> None:
    use_lang("en")
    texts = parser_texts(cli.build_parser())
    assert len(texts) > 40
    missing = [t for t in texts if t not in HELP and t not in ARGPARSE]
    assert missing == [], "help texts without Vietnamese in cli/help.py HELP: " + repr(missing)
    for en, vi in [*HELP.items(), *ARGPARSE.items()]:
        assert vi.strip() and percent_fields(en) == percent_fields(vi), en
    unused = [en for en in HELP if en not in texts]
    assert unused == [], f"HELP entries no parser uses: {unused}"


def test_usage_errors_in_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "solve", "--lang", "vi")
    assert code == 2
    assert "lỗi: roster solve: thiếu tham số bắt buộc: SCENARIO" in err
    assert "cách dùng: roster solve" in err
    code, _, err = run(capsys, "sovle", "--lang", "vi")
    assert code == 2 and "lựa chọn không hợp lệ: 'sovle' (chọn một trong:" in err
    code, _, err = run(capsys, "solve", "x", "--weeks", "abc", "--lang", "vi")
    assert code == 2 and "tham số --weeks: không phải số nguyên: 'abc'" in err
    code, _, err = run(capsys, "solve", "x", "--start", "2021-13-01", "--lang", "vi")
    assert code == 2 and "không phải ngày: '2021-13-01'" in err
    # and English after a Vietnamese run in the same process
    code, _, err = run(capsys, "solve")
    assert code == 2
    assert "the following arguments are required: SCENARIO" in err and "usage: roster" in err


def test_argparse_words_are_looked_up_through_gettext() -> None:
    """argparse words its messages with its module-level ``_``; ``use_lang`` replaces it."""
    use_lang("vi")
    try:
        assert argparse._("usage: ") == "cách dùng: "  # type: ignore[attr-defined]
        assert argparse.ngettext("expected %s argument", "expected %s arguments", 2) == (  # type: ignore[attr-defined]
            "cần %s giá trị"
        )
    finally:
        use_lang("en")
    assert argparse._("usage: ") == "usage: "  # type: ignore[attr-defined]


def test_a_missing_roster_file_in_vietnamese(
    capsys: pytest.CaptureFixture[str], office: Path, tmp_path: Path
) -> None:
    code, _, err = run(capsys, "check", str(office), str(tmp_path / "none.json"), "--lang", "vi")
    assert code == 2 and "không có tệp này" in err
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    code, _, err = run(capsys, "check", str(office), str(bad), "--lang", "vi")
    assert code == 2 and "không phải JSON hợp lệ ở dòng 1" in err
