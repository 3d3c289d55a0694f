"""The words of the ``roster`` command in English and Vietnamese.

Every command takes ``--lang en|vi``; its default is the ``ROSTER_LANG`` environment variable
(``en`` when unset). Messages are kept here by key, each as an ``(English, Vietnamese)`` pair
with ``str.format`` fields, so both languages say the same thing. The Vietnamese follows the
words of the offices' own documents: *trực tiếp tại cơ quan*, *làm việc tại nhà*, *trực*,
*ca sáng / ca chiều*, *cán bộ*, *quầy*, *nhiệm vụ*.
"""

from __future__ import annotations

import argparse

from roster.labels import label
from roster.lang import ENV, LANGS, Lang, default_lang
from roster.text import Text

__all__ = ["ENV", "LANGS", "Lang", "default_lang"]


def add_lang_argument(parser: argparse.ArgumentParser) -> None:
    """``--lang en|vi``, defaulting to :func:`default_lang`."""
    parser.add_argument(
        "--lang",
        choices=LANGS,
        default=default_lang(),
        help=f"language of messages, tables and files (default: ${ENV}, else en)",
    )


MESSAGES: dict[str, tuple[str, str]] = {
    # horizon line
    "horizon": (
        "{site}: {start} to {end} ({length}), {staff} in {units}, {posts}",
        "{site}: từ {start} đến {end} ({length}), {staff}, {units}, {posts}",
    ),
    "weeks": ("{n} week|{n} weeks", "{n} tuần|{n} tuần"),
    "days": ("{n} day|{n} days", "{n} ngày|{n} ngày"),
    "staff": ("{n} person|{n} staff", "{n} cán bộ|{n} cán bộ"),
    "units": ("{n} unit|{n} units", "{n} đơn vị|{n} đơn vị"),
    "posts": ("{n} post|{n} posts", "{n} quầy/nhiệm vụ|{n} quầy/nhiệm vụ"),
    # solving
    "solving": (
        "Solving (up to {limit} s, {workers} worker(s))...",
        "Đang lập lịch (tối đa {limit} giây, {workers} luồng)...",
    ),
    "progress": (
        "  {elapsed:6.1f} s  best {best:>8}  bound {bound:>8}  gap {gap:>6}  ({n} roster(s) found)",
        "  {elapsed:6.1f} s  tốt nhất {best:>8}  cận dưới {bound:>8}  chênh {gap:>6}"
        "  (đã tìm được {n} lịch)",
    ),
    "status": (
        "Status: {status}   objective {objective}   bound {bound}   gap {gap}   time {time:.1f} s",
        "Kết quả: {status}   điểm trừ {objective}   cận dưới {bound}   chênh lệch {gap}   "
        "thời gian {time:.1f} giây",
    ),
    "status.optimal": ("optimal", "tối ưu"),
    "status.feasible": ("feasible", "khả thi"),
    "status.infeasible": ("infeasible", "không khả thi"),
    "status.unknown": ("unknown", "chưa xác định"),
    "status.invalid": ("invalid", "mô hình lỗi"),
    "impossible": ("Impossible as given (hard rules):", "Không thể đáp ứng (quy tắc bắt buộc):"),
    "warnings": (
        "Warnings (these will cost penalties):",
        "Cảnh báo (sẽ bị tính điểm trừ):",
    ),
    "same_more": (
        " (and the same {n} more time)| (and the same {n} more times)",
        " (và lặp lại thêm {n} lần)| (và lặp lại thêm {n} lần)",
    ),
    "and_more": ("  ... and {n} more", "  ... và {n} mục nữa"),
    "precheck_infeasible": (
        "No roster can meet every hard rule with this input (found before solving). {nothing}",
        "Không lịch nào đáp ứng được mọi quy tắc bắt buộc với dữ liệu này (phát hiện trước khi "
        "lập lịch). {nothing}",
    ),
    "solve_infeasible": (
        "No roster satisfies all hard rules. The quick prechecks found no single cause; run "
        "`roster explain {scenario}` to find which rules conflict and how to relax them. "
        "{nothing}",
        "Không lịch nào đáp ứng được mọi quy tắc bắt buộc. Kiểm tra nhanh chưa tìm ra nguyên "
        "nhân; chạy `roster explain {scenario} --lang vi` để biết các quy tắc nào mâu thuẫn và "
        "cách nới lỏng. {nothing}",
    ),
    "no_roster_in_time": (
        "No roster found within the time limit of {limit} s (nothing proven either way). Try a "
        "longer --time-limit or more --workers. {nothing}",
        "Chưa tìm được lịch trong {limit} giây (chưa chứng minh được có hay không). Hãy tăng "
        "--time-limit hoặc --workers. {nothing}",
    ),
    "nothing_written": ("Nothing written.", "Không ghi tệp nào."),
    "nothing_written_cleared": (
        "Nothing written; the previous roster files in {folder} were removed ({files}) so "
        "that no stale roster passes for this run's.",
        "Không ghi tệp nào; các tệp lịch cũ trong {folder} đã được xoá ({files}) để không bị "
        "nhầm là kết quả của lần chạy này.",
    ),
    "wrote": ("Wrote {folder}: {files}", "Đã ghi vào {folder}: {files}"),
    "cannot_write": (
        "cannot write the output folder {folder}: {why}",
        "không ghi được thư mục {folder}: {why}",
    ),
    # the referee
    "referee_ok": (
        "Referee: all hard rules met; objective {objective} agrees with the solver",
        "Kiểm tra độc lập: đáp ứng mọi quy tắc bắt buộc; điểm trừ {objective} khớp với bộ lập lịch",
    ),
    "referee_ok_objective": (
        "Referee: all hard rules met; objective {objective}.",
        "Kiểm tra độc lập: đáp ứng mọi quy tắc bắt buộc; điểm trừ {objective}.",
    ),
    "referee_broken_n": (
        "Referee: {n} hard rule(s) broken:",
        "Kiểm tra độc lập: vi phạm {n} quy tắc bắt buộc:",
    ),
    "referee_bug_broken": (
        "Referee: {n} hard rule(s) broken in the solver's roster; this is a bug in the solver "
        "or the referee",
        "Kiểm tra độc lập: lịch của bộ lập lịch vi phạm {n} quy tắc bắt buộc; đây là lỗi phần mềm",
    ),
    "referee_bug_objective": (
        "Referee: all hard rules met, but the objective is {ours} while the solver says "
        "{theirs}; this is a bug in the solver or the referee",
        "Kiểm tra độc lập: đáp ứng mọi quy tắc bắt buộc nhưng điểm trừ là {ours} trong khi bộ "
        "lập lịch báo {theirs}; đây là lỗi phần mềm",
    ),
    # explain
    "diagnosing": (
        "Diagnosing (up to {limit} s)...",
        "Đang tìm nguyên nhân (tối đa {limit} giây)...",
    ),
    "diagnosis_time": (
        "(diagnosis {time:.1f} s, {probes} probe solves)",
        "(tìm nguyên nhân mất {time:.1f} giây, {probes} lần thử)",
    ),
    "no_soft_roster": (
        "No roster even with soft rules within {limit} s.",
        "Không lập được lịch kể cả khi nới các quy tắc, trong {limit} giây.",
    ),
    "soft_roster": (
        "A roster anyway (hard rules as heavy costs): {n} shortfall under the original rules:|"
        "A roster anyway (hard rules as heavy costs): {n} shortfalls under the original rules:",
        "Vẫn lập một lịch (quy tắc bắt buộc tính thành điểm trừ lớn): {n} chỗ chưa đạt theo "
        "quy tắc gốc:|Vẫn lập một lịch (quy tắc bắt buộc tính thành điểm trừ lớn): {n} chỗ chưa "
        "đạt theo quy tắc gốc:",
    ),
    "wrote_files": ("Wrote {files}", "Đã ghi {files}"),
    # reroster
    "reroster_status": (
        "Status: {status}   changed cells {cells}   objective {objective}   time {time:.1f} s",
        "Kết quả: {status}   số ô thay đổi {cells}   điểm trừ {objective}   thời gian "
        "{time:.1f} giây",
    ),
    "reroster_none": (
        "No roster absorbs these events; run `roster explain` on the scenario with the "
        "isolations added, or relax a rule. {nothing}",
        "Không lịch nào đáp ứng được các sự việc này; chạy `roster explain` cho kịch bản có "
        "thêm các trường hợp cách ly, hoặc nới lỏng một quy tắc. {nothing}",
    ),
    "breaks_n": (
        "  (breaks {n} hard rule(s))",
        "  (vi phạm {n} quy tắc bắt buộc)",
    ),
    # check
    "broken_n": ("{n} hard rule(s) broken:", "Vi phạm {n} quy tắc bắt buộc:"),
    "all_met": ("All hard rules met.", "Đáp ứng mọi quy tắc bắt buộc."),
    "objective": ("Objective: {objective}", "Tổng điểm trừ: {objective}"),
    "objective_agrees": (
        " (agrees with the {recorded} recorded in the file)",
        " (khớp với {recorded} ghi trong tệp)",
    ),
    "objective_differs": (
        " (differs from the {recorded} recorded in the file)",
        " (khác với {recorded} ghi trong tệp)",
    ),
    # scenarios, generate
    "no_scenarios": ("No built-in scenarios installed.", "Chưa cài kịch bản mẫu nào."),
    "scenarios_title": ("Built-in scenarios", "Các kịch bản có sẵn"),
    "scenarios_cols": (
        "Name|Staff|Units|Posts|Days|Site",
        "Tên|Cán bộ|Đơn vị|Quầy/nhiệm vụ|Số ngày|Cơ quan",
    ),
    "cannot_load": ("(cannot load: {why})", "(không đọc được: {why})"),
    "generated": (
        "Wrote {folder}: {staff} staff in {units} units, {posts} posts, {days} days from {start}",
        "Đã ghi {folder}: {staff} cán bộ, {units} đơn vị, {posts} quầy/nhiệm vụ, {days} ngày "
        "từ {start}",
    ),
    "generator_ignores": (
        "note: the generator does not take {what}; ignored",
        "lưu ý: bộ sinh dữ liệu không dùng {what}; bỏ qua",
    ),
    "input_warning": ("warning: {text}", "cảnh báo: {text}"),
    # bad input (command-line arguments, files named on the command line)
    "arg_not_number": ("not a number: {value!r}", "không phải số: {value!r}"),
    "arg_not_positive": ("must be more than 0, got {value}", "phải lớn hơn 0, đang là {value}"),
    "arg_not_whole": ("not a whole number: {value!r}", "không phải số nguyên: {value!r}"),
    "arg_below_one": ("must be 1 or more, got {value}", "phải từ 1 trở lên, đang là {value}"),
    "arg_not_date": (
        "not a date: {value!r} (write it as YYYY-MM-DD or DD/MM/YYYY)",
        "không phải ngày: {value!r} (ghi dạng YYYY-MM-DD hoặc DD/MM/YYYY)",
    ),
    "no_such_file": ("no such file", "không có tệp này"),
    "cannot_read": ("cannot read the file: {why}", "không đọc được tệp: {why}"),
    "bad_json": (
        "not valid JSON at line {line}, column {column}: {why}",
        "không phải JSON hợp lệ ở dòng {line}, cột {column}: {why}",
    ),
    "no_scenario_recorded": (
        "the file does not say which scenario it belongs to; name it with --scenario",
        "tệp không ghi lịch thuộc kịch bản nào; hãy chỉ rõ bằng --scenario",
    ),
    "already_scenario": (
        "already holds a scenario; choose another folder or pass --force to overwrite it",
        "đã chứa một kịch bản; hãy chọn thư mục khác hoặc thêm --force để ghi đè",
    ),
    "unknown_staff": ("unknown staff {value!r}", "không có cán bộ {value!r}"),
    "unknown_shift": ("unknown shift {value!r}", "không có ca {value!r}"),
    "outside_roster": (
        "{date} is outside the roster ({start} to {end})",
        "ngày {date} nằm ngoài lịch (từ {start} đến {end})",
    ),
    "invalid_model": (
        "the solver built an invalid model (a bug): {messages}",
        "bộ lập lịch tạo ra một mô hình lỗi (lỗi phần mềm): {messages}",
    ),
    "needs_api_extra": (
        "the {what} needs the 'api' extra: pip install -e '.[api]' ({why})",
        "{what} cần gói bổ sung 'api': pip install -e '.[api]' ({why})",
    ),
    "what_api": ("HTTP API", "HTTP API"),
    "what_worker": ("worker", "tiến trình xử lý (worker)"),
    "server_settings": ("server settings: {problems}", "cấu hình máy chủ: {problems}"),
    "no_broker": (
        "no broker configured: set ROSTER_BROKER_URL, e.g. amqp://guest:guest@127.0.0.1:5672// "
        "(without one, 'roster serve' solves in-process)",
        "chưa cấu hình hàng đợi: đặt ROSTER_BROKER_URL, ví dụ amqp://guest:guest@127.0.0.1:5672// "
        "(không có hàng đợi thì 'roster serve' tự lập lịch trong tiến trình của nó)",
    ),
    # errors
    "error": ("error: {text}", "lỗi: {text}"),
    "interrupted": ("interrupted; nothing written", "đã dừng; không ghi tệp nào"),
    "internal_error": (
        "internal error: {kind}: {text}\nThis is a bug, not a mistake in your input; run again "
        "with --debug for details and report it.",
        "lỗi nội bộ: {kind}: {text}\nĐây là lỗi phần mềm, không phải lỗi dữ liệu của bạn; chạy "
        "lại với --debug để xem chi tiết và báo lỗi.",
    ),
}


def msg(key: str, lang: Lang = "en", **fields: object) -> str:
    """The message ``key`` in ``lang``, its fields filled."""
    en, vi = MESSAGES[key]
    return (vi if lang == "vi" else en).format(**fields)


def text(key: str, /, **fields: object) -> Text:
    """The message ``key`` in both languages, worded when shown (for errors raised before the
    language is at hand, e.g. :class:`cli.common.CliError`)."""
    return Text(MESSAGES[key], **fields)


def count(key: str, n: int, lang: Lang = "en") -> str:
    """A counted noun, e.g. ``count("staff", 3)`` -> ``3 staff``; messages hold
    ``one|many``."""
    one, many = msg(key, lang, n=n).split("|")
    return one if n == 1 else many


def rule_name(rule: str, lang: Lang = "en") -> str:
    """How a rule is named in a message: its id in English (``coverage.under``, the name in
    policy.yaml), its label in Vietnamese."""
    return label(rule, "vi") if lang == "vi" else rule


def status_word(status: str, lang: Lang = "en") -> str:
    key = f"status.{status}"
    return msg(key, lang) if key in MESSAGES else status
