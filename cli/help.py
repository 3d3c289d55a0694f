"""The ``roster`` command's help and usage errors in Vietnamese.

The language is known before the parser exists: :func:`scan_lang` reads ``--lang vi`` (or
``--lang=vi``) anywhere on the command line, else ``ROSTER_LANG``. :func:`use_lang` then

* makes argparse's own words Vietnamese ("usage:", "options", "the following arguments are
  required", "invalid choice"...): argparse words them with ``gettext`` through its module
  globals ``_`` and ``ngettext``, which are replaced by functions that look the English up in
  :data:`ARGPARSE` when the language is Vietnamese (checked with Python 3.11.7, 3.12.1 and
  3.13.0: usage, section titles, required arguments, invalid choice, unrecognized arguments; a
  string a later argparse words differently stays English);
* makes :class:`HelpFormatter` (the formatter of every ``roster`` parser) show each help text
  and description in Vietnamese from :data:`HELP`, keyed by the English written in the parser.

``tests/cli/test_help_vi.py`` checks that every help text of every subcommand has its
Vietnamese here, with the same ``%(...)s`` fields.
"""

from __future__ import annotations

import argparse
import gettext
import os
import re
from collections.abc import Sequence
from typing import Any

from roster.lang import ENV, Lang, as_lang, default_lang

_current: list[Lang] = ["en"]


def scan_lang(argv: Sequence[str] | None) -> Lang:
    """The language a command line asks for (``--lang vi``, ``--lang=vi``; the last one wins),
    else ``ROSTER_LANG``, else English."""
    found: Lang | None = None
    args = list(argv or [])
    for i, a in enumerate(args):
        value = None
        if a == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        elif a.startswith("--lang="):
            value = a.split("=", 1)[1]
        if value is not None:
            found = as_lang(value) or found
    if found is not None:
        return found
    return as_lang(os.environ.get(ENV)) or default_lang()


def current_lang() -> Lang:
    """The language :func:`use_lang` set (English until then)."""
    return _current[0]


def use_lang(lang: Lang) -> None:
    """Word argparse's messages and the help of the parsers built from now on in ``lang``."""
    _current[0] = lang
    argparse._ = _gettext  # type: ignore[attr-defined]
    argparse.ngettext = _ngettext  # type: ignore[attr-defined]


def _gettext(message: str) -> str:
    if _current[0] == "vi" and message in ARGPARSE:
        return ARGPARSE[message]
    return gettext.gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    if _current[0] == "vi" and singular in ARGPARSE:
        return ARGPARSE[singular]
    return gettext.ngettext(singular, plural, n)


def help_text(text: str | None) -> str | None:
    """``text`` (a help or description written in English) in the current language."""
    if text is None or text == argparse.SUPPRESS or _current[0] != "vi":
        return text
    return HELP.get(text, text)


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, showing help texts and descriptions in the current language."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        return help_text(action.help)

    def add_text(self, text: str | None) -> None:
        super().add_text(help_text(text))


def percent_fields(text: str) -> set[str]:
    """The ``%(name)s`` and bare ``%s``/``%r`` fields of an argparse text."""
    return set(re.findall(r"%\((\w+)\)[sdr]|%[sr]", text))


def parser_texts(parser: argparse.ArgumentParser) -> list[str]:
    """Every help text and description of ``parser`` and its subcommands (for the tests)."""
    out: list[str] = []

    def add(text: Any) -> None:
        if isinstance(text, str) and text != argparse.SUPPRESS and text not in out:
            out.append(text)

    def walk(p: argparse.ArgumentParser) -> None:
        add(p.description)
        add(p.epilog)
        for action in p._actions:  # noqa: SLF001 - argparse has no public list
            add(action.help)
            if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
                for choice in action._choices_actions:  # noqa: SLF001
                    add(choice.help)
                for sub in action.choices.values():
                    walk(sub)

    walk(parser)
    return out


#: argparse's own words (Python 3.11 to 3.13), English -> Vietnamese, with the same fields.
ARGPARSE: dict[str, str] = {
    "usage: ": "cách dùng: ",
    "positional arguments": "tham số",
    "options": "tuỳ chọn",
    "optional arguments": "tuỳ chọn",
    "show this help message and exit": "hiện hướng dẫn này rồi thoát",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "lựa chọn không hợp lệ: %(value)r (chọn một trong: %(choices)s)"
    ),
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "unrecognized arguments: %s": "không hiểu tham số: %s",
    "expected one argument": "cần một giá trị",
    "expected at most one argument": "cần nhiều nhất một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "expected %s argument": "cần %s giá trị",
    "ambiguous option: %(option)s could match %(matches)s": (
        "tuỳ chọn không rõ ràng: %(option)s có thể là %(matches)s"
    ),
    "not allowed with argument %s": "không dùng được cùng tham số %s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "ignored explicit argument %r": "bỏ qua giá trị %r",
    "invalid %(type)s value: %(value)r": "giá trị %(type)s không hợp lệ: %(value)r",
    "can't open '%(filename)s': %(error)s": "không mở được '%(filename)s': %(error)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "không có lệnh %(parser_name)r (các lệnh: %(choices)s)"
    ),
    "unexpected option string: %s": "tuỳ chọn không mong đợi: %s",
}

#: The help texts and descriptions of ``roster`` and its subcommands, English -> Vietnamese.
HELP: dict[str, str] = {
    # roster
    "Weekly staff rosters for public offices under epidemic rules (on-site cap, rotating "
    "teams, rapid tests, counters covered).": "Lập lịch làm việc hằng tuần cho cán bộ các cơ "
    "quan hành chính trong thời gian phòng, chống dịch (giới hạn số người làm việc trực tiếp "
    "tại cơ quan, các nhóm luân phiên, xét nghiệm nhanh, đủ người ở các quầy).",
    "show tracebacks of internal errors": "hiện chi tiết (traceback) của lỗi nội bộ",
    "language of the help and of the command's messages (same as the command's --lang)": (
        "ngôn ngữ của hướng dẫn và thông báo của lệnh (như --lang của từng lệnh)"
    ),
    "make a roster for a scenario": "lập lịch cho một kịch bản",
    "referee a roster.json against a scenario": (
        "kiểm tra độc lập một tệp roster.json theo một kịch bản"
    ),
    "write a generated office as a scenario folder": (
        "sinh dữ liệu một cơ quan mẫu và ghi thành thư mục kịch bản"
    ),
    "list the built-in scenarios": "liệt kê các kịch bản có sẵn",
    "print the JSON Schema of roster.json": "in JSON Schema của roster.json",
    "start the HTTP API (settings from the environment)": (
        "chạy HTTP API (cấu hình lấy từ biến môi trường)"
    ),
    "start a job worker (Celery; needs ROSTER_BROKER_URL)": (
        "chạy một tiến trình xử lý yêu cầu lập lịch (Celery; cần ROSTER_BROKER_URL)"
    ),
    "why no roster exists: the rules that conflict, and fixes": (
        "vì sao không lập được lịch: các quy tắc mâu thuẫn và cách khắc phục"
    ),
    "what a roster's choices cost: per rule, person, slot": (
        "điểm trừ của một lịch: theo quy tắc, theo cán bộ, theo ca"
    ),
    "re-roster the rest of the week after events": (
        "lập lại lịch cho những ngày còn lại trong tuần sau các sự việc phát sinh"
    ),
    "the cheapest substitutes for one absence in one slot": (
        "những người thay thế ít điểm trừ nhất cho một người vắng trong một ca"
    ),
    "can each team alone keep the posts covered?": (
        "mỗi nhóm có tự bảo đảm đủ người cho các quầy/nhiệm vụ không?"
    ),
    "write the workbook, PDF, CSV files and calendars of a roster.json": (
        "ghi bảng tính, PDF, các tệp CSV và lịch (calendar) của một tệp roster.json"
    ),
    # solve, check and the horizon options
    "Load a scenario, check it, solve it, have the referee check the roster, print a summary "
    "and write roster.xlsx, roster.csv, tests.csv and roster.json.": "Đọc một kịch bản, kiểm "
    "tra dữ liệu, lập lịch, kiểm tra độc lập lịch vừa lập, in tóm tắt và ghi roster.xlsx, "
    "roster.csv, tests.csv và roster.json.",
    "first day of the horizon (YYYY-MM-DD); default: the scenario's": (
        "ngày đầu tiên của kỳ lập lịch (YYYY-MM-DD); mặc định: theo kịch bản"
    ),
    "number of weeks to roster; default: the scenario's": (
        "số tuần cần lập lịch; mặc định: theo kịch bản"
    ),
    "built-in scenario name or folder": "tên kịch bản có sẵn hoặc thư mục kịch bản",
    "seconds the solver may search (default 10)": "số giây tối đa để tìm lịch (mặc định 10)",
    "solver threads (default 2)": "số luồng tính toán (mặc định 2)",
    "output folder (default out/<scenario>)": "thư mục ghi kết quả (mặc định out/<kịch bản>)",
    f"language of messages, tables and files (default: ${ENV}, else en)": (
        f"ngôn ngữ của thông báo, bảng và tệp (mặc định: ${ENV}, nếu không có thì en)"
    ),
    "Check every hard rule and recompute the objective of a roster file. Without "
    "--start/--weeks the horizon recorded in the file is used.": "Kiểm tra mọi quy tắc bắt "
    "buộc và tính lại tổng điểm trừ của một tệp lịch. Không có --start/--weeks thì dùng kỳ "
    "lập lịch ghi trong tệp.",
    # generate
    "every unit keeps at least one person on site in every shift (a presence floor)": (
        "mỗi đơn vị luôn có ít nhất một người làm việc trực tiếp tại cơ quan trong mỗi ca "
        "(mức tối thiểu có mặt)"
    ),
    "write into a folder holding a scenario": "ghi vào cả thư mục đang chứa một kịch bản",
    # serve, worker
    "Serve the HTTP API for the portal. DATABASE_URL chooses the database (default: a SQLite "
    "file); ROSTER_ADMIN_TOKEN gives the first hr token. See api/README.md.": "Chạy HTTP API "
    "cho cổng thông tin. DATABASE_URL chọn cơ sở dữ liệu (mặc định: một tệp SQLite); "
    "ROSTER_ADMIN_TOKEN là mã truy cập hr đầu tiên. Xem api/README.md.",
    "address to listen on (default 127.0.0.1)": "địa chỉ nhận kết nối (mặc định 127.0.0.1)",
    "port (default 8000)": "cổng (mặc định 8000)",
    "Take solve jobs from the broker (ROSTER_BROKER_URL, e.g. "
    "amqp://guest:guest@127.0.0.1:5672//) and solve them; progress and results go to the "
    "database (DATABASE_URL). Start any number, on any machine. SIGTERM hands running jobs "
    "back to the queue. See api/README.md.": "Nhận các yêu cầu lập lịch từ hàng đợi "
    "(ROSTER_BROKER_URL, ví dụ amqp://guest:guest@127.0.0.1:5672//) và lập lịch; tiến độ và "
    "kết quả ghi vào cơ sở dữ liệu (DATABASE_URL). Chạy bao nhiêu tiến trình, trên máy nào "
    "cũng được. SIGTERM trả các yêu cầu đang chạy về hàng đợi. Xem api/README.md.",
    "solves at once (default 1)": "số lịch lập cùng lúc (mặc định 1)",
    "log level (default INFO)": "mức ghi nhật ký (mặc định INFO)",
    # explain, analyze, reroster, substitutes, drill
    "first day of the horizon (default: the scenario's or the roster file's)": (
        "ngày đầu tiên của kỳ lập lịch (mặc định: theo kịch bản hoặc theo tệp lịch)"
    ),
    "print JSON instead of text": "in JSON thay cho văn bản",
    "also make a roster anyway (hard rules as heavy costs) and list every shortfall": (
        "vẫn lập một lịch (quy tắc bắt buộc tính thành điểm trừ lớn) và liệt kê mọi chỗ chưa đạt"
    ),
    "with --soft: write that roster.json here": "dùng với --soft: ghi tệp roster.json đó vào đây",
    "rows shown per table (default 10)": "số dòng hiện ở mỗi bảng (mặc định 10)",
    "events file (.yaml, .yml or .csv)": "tệp các sự việc phát sinh (.yaml, .yml hoặc .csv)",
    "first day that may change (default: the events file's, else the earliest event)": (
        "ngày đầu tiên được thay đổi (mặc định: theo tệp sự việc, nếu không có thì ngày của "
        "sự việc sớm nhất)"
    ),
    "write the new roster's files (as `roster solve` does) and changes.csv here": (
        "ghi các tệp của lịch mới (như `roster solve`) và changes.csv vào đây"
    ),
    "a roster whose teams to test (default: teams from a quick solve)": (
        "lịch có các nhóm cần thử (mặc định: các nhóm của một lần lập lịch nhanh)"
    ),
    # export
    "Write roster.xlsx (with the official per-unit sheets), roster.pdf, roster.csv, "
    "tests.csv, roster.json and calendars/ for any roster file.": "Ghi roster.xlsx (kèm các "
    "trang theo mẫu của từng đơn vị), roster.pdf, roster.csv, tests.csv, roster.json và "
    "calendars/ cho bất kỳ tệp lịch nào.",
    "the scenario the roster belongs to (default: the one recorded in the file)": (
        "kịch bản của lịch (mặc định: kịch bản ghi trong tệp)"
    ),
    "output folder (default: the folder of ROSTER.json)": (
        "thư mục ghi kết quả (mặc định: thư mục chứa ROSTER.json)"
    ),
}
