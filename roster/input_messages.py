"""What the input checks say, in English and Vietnamese: the scenario loader, the model's own
checks, pydantic's validation errors and the input warnings.

Each message is one ``(English, Vietnamese)`` pair of ``str.format`` templates with the same
fields (``tests/roster/test_input_messages.py`` checks every entry). :func:`T` makes a
:class:`~roster.text.Text` of one; it is worded in the reader's language when shown.

Vietnamese words follow the offices' own: *cán bộ*, *đơn vị*, *quầy/nhiệm vụ*, *ca*, *kỹ năng*,
*tệp*, *dòng*, *cột* (a table's column), *trường* (a field of a YAML file).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from roster.text import Pair, Text, template_fields, word

INPUT: dict[str, Pair] = {
    # where an issue is (roster.errors.Issue)
    "where.row": ("row {row}", "dòng {row}"),
    "where.column": ("field {field!r}", "cột {field!r}"),
    "where.field": ("field {field!r}", "trường {field!r}"),
    "where.file": ("{file}", "tệp {file}"),
    "where.allowed": ("{text}; allowed: {allowed}", "{text}; cho phép: {allowed}"),
    "where.in_all": ("{shown}, ... ({n} in all)", "{shown}, ... (tất cả {n})"),
    # what is allowed
    "allowed.bool": (
        "yes, no, true, false, 1, 0 (blank: default)",
        "có, không, yes, no, true, false, 1, 0 (để trống: mặc định)",
    ),
    "allowed.date": (
        "a date as YYYY-MM-DD (or DD/MM/YYYY)",
        "một ngày dạng YYYY-MM-DD (hoặc DD/MM/YYYY)",
    ),
    "allowed.staff": (
        "an id from the id column of staff.csv",
        "một mã cán bộ trong cột id của staff.csv",
    ),
    "allowed.count": ("a whole number >= 0", "một số nguyên >= 0"),
    "allowed.whole": ("a whole number", "một số nguyên"),
    "allowed.whole1": ("a whole number >= 1", "một số nguyên >= 1"),
    "allowed.team_range": (
        "1 to {count} or A to {letter} (blank: the solver picks)",
        "từ 1 đến {count} hoặc từ A đến {letter} (để trống: phần mềm tự chọn)",
    ),
    "allowed.team_any": (
        "a team number from 1 (blank: the solver picks)",
        "số thứ tự nhóm, bắt đầu từ 1 (để trống: phần mềm tự chọn)",
    ),
    "allowed.between": ("{start} to {end}", "từ {start} đến {end}"),
    "allowed.before": ("a date before {date}", "một ngày trước {date}"),
    "allowed.from": ("a date from {date}", "một ngày từ {date} trở đi"),
    "allowed.blank_off_site": ("blank when on_site is no", "để trống khi on_site là không"),
    "allowed.post_skill": (
        "a post whose skill the person holds (see staff.csv skills)",
        "một quầy/nhiệm vụ mà cán bộ có kỹ năng (xem cột skills của staff.csv)",
    ),
    # finding the scenario (roster.io.paths)
    "scenario.not_folder": (
        "not a folder: a scenario is a folder holding site.yaml, policy.yaml and staff.csv",
        "không phải thư mục: một kịch bản là một thư mục chứa site.yaml, policy.yaml và staff.csv",
    ),
    "scenario.none": (
        "no such scenario: neither a built-in name nor an existing folder",
        "không có kịch bản này: không phải tên một kịch bản có sẵn, cũng không phải một thư mục",
    ),
    "scenario.weeks": (
        "not a whole number from 1 to {most}: {weeks!r}",
        "không phải số nguyên từ 1 đến {most}: {weeks!r}",
    ),
    # reading files (roster.io.tables, roster.io.documents)
    "file.not_found": ("file not found", "không tìm thấy tệp"),
    "file.not_in_folder": (
        "file not found in the scenario folder",
        "không tìm thấy tệp trong thư mục kịch bản",
    ),
    "file.no_staff": (
        "file not found: a scenario needs staff.csv or staff.xlsx",
        "không tìm thấy tệp: kịch bản cần staff.csv hoặc staff.xlsx",
    ),
    "file.both_staff": (
        "both staff.csv and staff.xlsx exist; keep only one",
        "có cả staff.csv và staff.xlsx; chỉ giữ lại một tệp",
    ),
    "file.not_utf8_csv": (
        "not UTF-8 text; in Excel use 'Save as: CSV UTF-8'",
        "không phải văn bản UTF-8; trong Excel hãy lưu dạng 'CSV UTF-8' (Save as: CSV UTF-8)",
    ),
    "file.not_utf8": (
        "not UTF-8 text; save the file as UTF-8",
        "không phải văn bản UTF-8; hãy lưu tệp dạng UTF-8",
    ),
    "file.empty": (
        "the file is empty; it needs a header row",
        "tệp trống; tệp cần một dòng tiêu đề",
    ),
    "file.unreadable": ("cannot read the file: {why}", "không đọc được tệp: {why}"),
    "file.bad_table": (
        "cannot read the table: {detail}; quote cells that contain the separator",
        "không đọc được bảng: {detail}; hãy đặt các ô có chứa dấu phân cách trong dấu ngoặc kép",
    ),
    "file.bad_sheet": ("cannot read the spreadsheet: {why}", "không đọc được bảng tính: {why}"),
    "file.yaml_syntax": (
        "YAML syntax error: {problem}{context}{column}",
        "lỗi cú pháp YAML: {problem}{context}{column}",
    ),
    "file.yaml_context": (" ({context})", " ({context})"),
    "file.yaml_column": (" at column {column}", " tại cột {column}"),
    # table headers (roster.io.tables)
    "table.header_first": (
        "the first row must be the header",
        "dòng đầu tiên phải là dòng tiêu đề (tên các cột)",
    ),
    "table.unnamed_column": (
        "column {n} has data but no name in the header",
        "cột thứ {n} có dữ liệu nhưng không có tên ở dòng tiêu đề",
    ),
    "table.unknown_column": ("unknown column {name!r}", "không có cột tên {name!r}"),
    "table.twice": (
        "column {name!r} appears twice (columns {first} and {second})",
        "cột {name!r} xuất hiện hai lần (cột thứ {first} và thứ {second})",
    ),
    "table.missing_column": (
        "missing required column {name!r}",
        "thiếu cột bắt buộc {name!r}",
    ),
    # cells (roster.io.load)
    "cell.empty": ("{column} is empty", "ô {column} đang trống"),
    "cell.unknown": ("unknown {kind} {value!r}", "không có {kind} {value!r}"),
    "cell.unknown_many": ("unknown {kinds} {values}", "không có {kinds} {values}"),
    "cell.not_date": ("not a date: {value!r}", "không phải ngày: {value!r}"),
    "cell.not_bool": ("not a yes/no value: {value!r}", "không phải giá trị có/không: {value!r}"),
    "cell.not_whole": ("not a whole number: {value!r}", "không phải số nguyên: {value!r}"),
    "cell.negative": ("negative number {n}", "số âm {n}"),
    "cell.outside_horizon": (
        "date {date} is outside the horizon {start} to {end}",
        "ngày {date} nằm ngoài kỳ lập lịch từ {start} đến {end}",
    ),
    "cell.not_team": ("not a team: {value!r}", "không phải nhóm: {value!r}"),
    "cell.no_such_team": (
        "team {value!r} does not exist; the policy has {count} teams",
        "không có nhóm {value!r}; quy định (policy) chỉ có {count} nhóm",
    ),
    "cell.duplicate_id": (
        "duplicate id {id!r} (first on row {row})",
        "mã {id!r} bị trùng (xuất hiện lần đầu ở dòng {row})",
    ),
    "cell.last_test_late": (
        "last_test {date} is not before the horizon start {start} (tests inside the horizon "
        "are planned by the roster)",
        "last_test {date} không trước ngày bắt đầu kỳ lập lịch {start} (các lần xét nghiệm "
        "trong kỳ do lịch sắp xếp)",
    ),
    "cell.end_before_start": (
        "end {end} is before start {start}",
        "ngày kết thúc {end} trước ngày bắt đầu {start}",
    ),
    "cell.unknown_reason": ("unknown reason {value!r}", "không có lý do {value!r}"),
    "cell.post_off_site": (
        "a post is given but on_site is no",
        "có ghi quầy/nhiệm vụ nhưng on_site là không",
    ),
    "cell.lacks_skill": (
        "{staff} lacks skill {skill!r} required by post {post!r}",
        "{staff} không có kỹ năng {skill!r} mà quầy/nhiệm vụ {post!r} yêu cầu",
    ),
    # the kinds of things a cell names
    "kind.unit": ("unit", "đơn vị"),
    "kind.units": ("units", "đơn vị"),
    "kind.skill": ("skill", "kỹ năng"),
    "kind.skills": ("skills", "kỹ năng"),
    "kind.shift": ("shift", "ca"),
    "kind.shifts": ("shifts", "ca"),
    "kind.post": ("post", "quầy/nhiệm vụ"),
    "kind.contract": ("contract", "loại hợp đồng"),
    "kind.staff_id": ("staff id", "mã cán bộ"),
    "kind.staff": ("staff", "cán bộ"),
    # YAML documents (roster.io.load, roster.io.documents)
    "yaml.site_mapping": (
        "the file must be a mapping with 'site:' and 'horizon:'",
        "tệp phải là một bảng khoá–giá trị có 'site:' và 'horizon:'",
    ),
    "yaml.policy_mapping": (
        "the file must be a mapping of policy fields",
        "tệp phải là một bảng khoá–giá trị gồm các trường của quy định (policy)",
    ),
    "yaml.unknown_top": (
        "unknown top-level key {key!r}",
        "khoá cấp ngoài cùng {key!r} không hợp lệ",
    ),
    "yaml.no_site": (
        "required section 'site:' is missing",
        "thiếu phần bắt buộc 'site:'",
    ),
    "yaml.unknown_field": ("unknown field {name!r}", "không có trường {name!r}"),
    "yaml.unknown_field_bare": ("unknown field", "trường không hợp lệ"),
    "yaml.missing": ("required field is missing", "thiếu trường bắt buộc"),
    "yaml.got": ("{text} (got {value!r})", "{text} (giá trị đang có: {value!r})"),
    "yaml.duplicate_id": ("duplicate {kind} id {id!r}", "mã {kind} {id!r} bị trùng"),
    "yaml.horizon_mapping": (
        "must be a mapping such as {{start: 2021-12-13, weeks: 1}}",
        "phải là một bảng khoá–giá trị, ví dụ {{start: 2021-12-13, weeks: 1}}",
    ),
    "yaml.horizon_start": (
        "the horizon needs a start date",
        "kỳ lập lịch cần ngày bắt đầu (start)",
    ),
    "yaml.weeks_or_days": (
        "give weeks or days, not both",
        "chỉ ghi weeks hoặc days, không ghi cả hai",
    ),
    "yaml.not_whole1": (
        "not a whole number >= 1: {value!r}",
        "không phải số nguyên >= 1: {value!r}",
    ),
    # the model's own checks (roster.model)
    "model.to_before_from": (
        "to {to} is before from {from_}",
        "ngày kết thúc (to) {to} trước ngày bắt đầu (from) {from_}",
    ),
    "model.max_below_min": (
        "max ({max}) is below min ({min})",
        "max ({max}) nhỏ hơn min ({min})",
    ),
    "model.unknown_known": (
        "{where}: unknown {kind} {value!r}; known {kinds}: {known}",
        "{where}: không có {kind} {value!r}; các {kinds} đã khai báo: {known}",
    ),
    "model.unknown_ref": (
        "{where}: unknown {kind} {value!r}; known: {known}",
        "{where}: không có {kind} {value!r}; đã khai báo: {known}",
    ),
    "model.unknown_staff": (
        "{where}: unknown staff {value!r}",
        "{where}: không có cán bộ {value!r}",
    ),
    "model.unknown_shift": ("{where}: unknown shift {value!r}", "{where}: không có ca {value!r}"),
    "model.unknown_post": (
        "{where}: unknown post {value!r}",
        "{where}: không có quầy/nhiệm vụ {value!r}",
    ),
    "model.unknown_contract": (
        "{where}: unknown contract {value!r}; policy has {known}",
        "{where}: không có loại hợp đồng {value!r}; quy định (policy) có {known}",
    ),
    "model.team_range": (
        "{where}: team {team} but the policy has {count} teams (0 to {last})",
        "{where}: nhóm {team} nhưng quy định (policy) chỉ có {count} nhóm (0 đến {last})",
    ),
    "model.cap_unit_scope": (
        "{where}: names a unit but cap.scopes has no 'unit'",
        "{where}: ghi một đơn vị nhưng cap.scopes không có 'unit'",
    ),
    "model.where_post": ("post {id!r}", "quầy/nhiệm vụ {id!r}"),
    "model.where_staff": ("staff {id!r}", "cán bộ {id!r}"),
    "model.where_contract": ("contract {id!r}", "hợp đồng {id!r}"),
    "model.where_opening": ("opening", "giờ mở cửa (opening)"),
    "model.where_absence": ("absence #{n}", "vắng mặt #{n}"),
    "model.where_request": ("request #{n}", "nguyện vọng #{n}"),
    "model.where_fixed": ("fixed cell #{n}", "ô cố định #{n}"),
    "model.where_override": ("policy cap.overrides #{n}", "policy cap.overrides #{n} (quy định)"),
    "model.where_floor": (
        "policy presence.floors #{n}",
        "policy presence.floors #{n} (quy định)",
    ),
    "model.where_suspension": (
        "policy suspensions #{n}",
        "policy suspensions #{n} (quy định)",
    ),
    "model.end_before_start": (
        "end {end} is before start {start}",
        "ngày kết thúc {end} trước ngày bắt đầu {start}",
    ),
    "model.cap_override_one": (
        "cap override: give exactly one of fraction (0 to 1) or max_on_site",
        "điều chỉnh mức trần (cap override): ghi đúng một trong hai: fraction (0 đến 1) hoặc "
        "max_on_site",
    ),
    "model.cap_bound": (
        "cap: give a fraction (0 to 1) or max_on_site",
        "mức trần (cap): ghi fraction (0 đến 1) hoặc max_on_site",
    ),
    "model.floor_one": (
        "presence floor: give exactly one of min or fraction (0 to 1)",
        "mức tối thiểu có mặt (presence floor): ghi đúng một trong hai: min hoặc fraction "
        "(0 đến 1)",
    ),
    "model.suspension_empty": (
        "suspension: name posts or kinds of posts",
        "tạm dừng (suspension): ghi các quầy/nhiệm vụ (posts) hoặc loại quầy/nhiệm vụ (kinds)",
    ),
    # events files (roster.events, `roster reroster`)
    "events.needs_post": ("a post_closed event needs a post", "sự việc post_closed cần ghi post"),
    "events.needs_staff": (
        "a {kind} event needs a staff id",
        "sự việc {kind} cần mã cán bộ (staff)",
    ),
    "events.end_before": (
        "end {end} is before date {date}",
        "ngày kết thúc {end} trước ngày {date}",
    ),
    "events.unknown_key": ("unknown key", "khoá không hợp lệ"),
    "events.not_list": ("expected a list of events", "cần một danh sách các sự việc"),
    "events.no_such_file": ("no such file", "không có tệp này"),
    "events.bad_yaml": ("not valid YAML: {why}", "không phải YAML hợp lệ: {why}"),
    "events.file_type": ("unknown events file type", "loại tệp sự việc không hợp lệ"),
    "events.unknown_column": ("unknown column", "cột không hợp lệ"),
    "events.missing_column": ("missing column", "thiếu cột"),
    "allowed.date_short": ("YYYY-MM-DD or DD/MM/YYYY", "YYYY-MM-DD hoặc DD/MM/YYYY"),
    # the generator of offices (scenarios.generator, `roster generate`)
    "generate.min_staff": (
        "generate() needs at least {n} staff",
        "cần ít nhất {n} cán bộ để sinh dữ liệu",
    ),
    "generate.too_few": (
        "{staff} staff are too few for {units} units and {counters} counters (need at least "
        "{need})",
        "{staff} cán bộ là quá ít cho {units} đơn vị và {counters} quầy (cần ít nhất {need})",
    ),
    # input warnings (roster.input_warnings)
    "warn.unused_skill": (
        "skill '{skill}' is used by no post ({holders} staff hold it); give a post this skill "
        "or remove it",
        "kỹ năng '{skill}' không quầy/nhiệm vụ nào dùng ({holders} cán bộ có kỹ năng này); gán "
        "kỹ năng cho một quầy/nhiệm vụ hoặc xoá đi",
    ),
    "warn.short_row": (
        "{cells} of {header} cells; {missing} take their defaults (a separator missing?)",
        "chỉ có {cells}/{header} ô; các cột {missing} nhận giá trị mặc định (thiếu dấu phân cách?)",
    ),
}


def T(key: str, /, **fields: Any) -> Text:
    """The input message ``key`` with its fields."""
    return Text(INPUT[key], **fields)


# Pydantic's errors, by their ``type``: pydantic's English template (its ``msg`` is used as it
# is; the test checks the two agree) and ours in Vietnamese, both with the fields of the error's
# ``ctx``. A type not listed keeps pydantic's English in both languages.
PYDANTIC: dict[str, Pair] = {
    "missing": ("Field required", "Thiếu trường bắt buộc"),
    "extra_forbidden": ("Extra inputs are not permitted", "Không được có trường này"),
    "int_parsing": (
        "Input should be a valid integer, unable to parse string as an integer",
        "Phải là một số nguyên (không đọc được thành số nguyên)",
    ),
    "int_from_float": (
        "Input should be a valid integer, got a number with a fractional part",
        "Phải là một số nguyên, không có phần thập phân",
    ),
    "int_type": ("Input should be a valid integer", "Phải là một số nguyên"),
    "float_parsing": (
        "Input should be a valid number, unable to parse string as a number",
        "Phải là một số (không đọc được thành số)",
    ),
    "float_type": ("Input should be a valid number", "Phải là một số"),
    "finite_number": ("Input should be a finite number", "Phải là một số hữu hạn"),
    "bool_parsing": (
        "Input should be a valid boolean, unable to interpret input",
        "Phải là giá trị đúng/sai (true/false)",
    ),
    "bool_type": ("Input should be a valid boolean", "Phải là giá trị đúng/sai (true/false)"),
    "string_type": ("Input should be a valid string", "Phải là một chuỗi ký tự"),
    "string_too_short": (
        "String should have at least {min_length} character{expected_plural}",
        "Phải có ít nhất {min_length} ký tự{expected_plural}",
    ),
    "string_too_long": (
        "String should have at most {max_length} character{expected_plural}",
        "Chỉ được tối đa {max_length} ký tự{expected_plural}",
    ),
    "string_pattern_mismatch": (
        "String should match pattern '{pattern}'",
        "Phải khớp mẫu '{pattern}'",
    ),
    "too_short": (
        "{field_type} should have at least {min_length} item{expected_plural} after validation, "
        "not {actual_length}",
        "{field_type} phải có ít nhất {min_length} mục{expected_plural}, đang có {actual_length}",
    ),
    "too_long": (
        "{field_type} should have at most {max_length} item{expected_plural} after validation, "
        "not {actual_length}",
        "{field_type} chỉ được tối đa {max_length} mục{expected_plural}, đang có {actual_length}",
    ),
    "list_type": ("Input should be a valid list", "Phải là một danh sách"),
    "dict_type": ("Input should be a valid dictionary", "Phải là một bảng khoá–giá trị"),
    "model_type": (
        "Input should be a valid dictionary or instance of {class_name}",
        "Phải là một bảng khoá–giá trị ({class_name})",
    ),
    "model_attributes_type": (
        "Input should be a valid dictionary or object to extract fields from",
        "Phải là một bảng khoá–giá trị",
    ),
    "literal_error": ("Input should be {expected}", "Phải là {expected}"),
    "enum": ("Input should be {expected}", "Phải là {expected}"),
    "greater_than_equal": (
        "Input should be greater than or equal to {ge}",
        "Phải lớn hơn hoặc bằng {ge}",
    ),
    "greater_than": ("Input should be greater than {gt}", "Phải lớn hơn {gt}"),
    "less_than_equal": (
        "Input should be less than or equal to {le}",
        "Phải nhỏ hơn hoặc bằng {le}",
    ),
    "less_than": ("Input should be less than {lt}", "Phải nhỏ hơn {lt}"),
    "date_type": ("Input should be a valid date", "Phải là một ngày (YYYY-MM-DD)"),
    "date_parsing": (
        "Input should be a valid date in the format YYYY-MM-DD, {error}",
        "Phải là một ngày dạng YYYY-MM-DD, {error}",
    ),
    "date_from_datetime_parsing": (
        "Input should be a valid date or datetime, {error}",
        "Phải là một ngày (YYYY-MM-DD), {error}",
    ),
    "date_from_datetime_inexact": (
        "Datetimes provided to dates should have zero time - e.g. be exact dates",
        "Chỉ ghi ngày, không kèm giờ (hoặc giờ phải là 00:00)",
    ),
    "datetime_type": ("Input should be a valid datetime", "Phải là ngày giờ hợp lệ"),
    "datetime_parsing": (
        "Input should be a valid datetime, {error}",
        "Phải là ngày giờ hợp lệ, {error}",
    ),
    "datetime_from_date_parsing": (
        "Input should be a valid datetime or date, {error}",
        "Phải là ngày giờ hoặc ngày hợp lệ, {error}",
    ),
    "time_type": ("Input should be a valid time", "Phải là giờ hợp lệ (HH:MM)"),
    "time_parsing": (
        "Input should be in a valid time format, {error}",
        "Phải là giờ dạng HH:MM, {error}",
    ),
    "json_invalid": ("Invalid JSON: {error}", "JSON không hợp lệ: {error}"),
    "json_type": (
        "JSON input should be string, bytes or bytearray",
        "JSON phải là chuỗi ký tự hoặc bytes",
    ),
    "uuid_parsing": (
        "Input should be a valid UUID, {error}",
        "Phải là một UUID hợp lệ, {error}",
    ),
    "union_tag_invalid": (
        "Input tag '{tag}' found using {discriminator} does not match any of the expected tags: "
        "{expected_tags}",
        "Nhãn '{tag}' (theo {discriminator}) không thuộc các nhãn cho phép: {expected_tags}",
    ),
    "value_error": ("Value error, {error}", "{error}"),
    "assertion_error": ("Assertion failed, {error}", "Không hợp lệ: {error}"),
}

# The details pydantic's date and time parser (speedate) gives, in Vietnamese.
_PARSER_DETAILS: dict[str, str] = {
    "input is too short": "quá ngắn",
    "input is too long": "quá dài",
    "invalid character in year": "ký tự không hợp lệ ở năm",
    "invalid character in month": "ký tự không hợp lệ ở tháng",
    "invalid character in day": "ký tự không hợp lệ ở ngày",
    "invalid date separator, expected `-`": "dấu phân cách ngày phải là '-'",
    "month value is outside expected range of 1-12": "tháng phải từ 1 đến 12",
    "day value is outside expected range": "ngày vượt quá số ngày của tháng",
    "unexpected extra characters at the end of the input": "có ký tự thừa ở cuối",
    "invalid character in hour": "ký tự không hợp lệ ở giờ",
    "invalid character in minute": "ký tự không hợp lệ ở phút",
    "invalid time separator, expected `:`": "dấu phân cách giờ phải là ':'",
    "hour value is outside expected range of 0-23": "giờ phải từ 0 đến 23",
    "minute value is outside expected range of 0-59": "phút phải từ 0 đến 59",
    "second value is outside expected range of 0-59": "giây phải từ 0 đến 59",
    "invalid datetime separator, expected `T`, `t`, `_` or space": (
        "giữa ngày và giờ phải là 'T' hoặc dấu cách"
    ),
    "input is too short for a date": "quá ngắn để là một ngày",
}

_FIELD_TYPES_VI = {"List": "Danh sách", "Dictionary": "Bảng", "Set": "Tập hợp", "Tuple": "Bộ"}


def _literal(en: str, vi: str) -> Text:
    """Two finished strings (no fields) as a text; braces in them are kept as they are."""
    return Text((_escape(en), _escape(vi)))


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _detail(value: Any) -> Text:
    text = str(value)
    return _literal(text, _PARSER_DETAILS.get(text, text))


def _pair(text: str) -> Text:
    """A plain string (no fields) as a text that reads the same in both languages."""
    return _literal(text, text)


def pydantic_text(error: Mapping[str, Any]) -> Text:
    """One error of ``ValidationError.errors()`` as a text: pydantic's own English, and the
    Vietnamese of its ``type`` with the values of its ``ctx``. A ``value_error`` raised with a
    :class:`~roster.text.Text` (the model's own checks) is worded by that text, without the
    "Value error, " prefix. A type we do not know keeps the English in both languages."""
    kind = str(error.get("type", ""))
    msg = str(error.get("msg", "invalid value"))
    ctx = dict(error.get("ctx") or {})
    if kind in ("value_error", "assertion_error"):
        err = ctx.get("error")
        if isinstance(err, Exception) and err.args and isinstance(err.args[0], Text):
            return err.args[0]
        return _pair(msg.removeprefix("Value error, "))
    pair = PYDANTIC.get(kind)
    if pair is None:
        return _pair(msg)
    fields: dict[str, Any] = {}
    for name in template_fields(pair[1]):
        value = ctx.get(name, "")
        if name == "error":
            value = _detail(value)
        elif name == "field_type":
            value = _literal(str(value), _FIELD_TYPES_VI.get(str(value), str(value)))
        elif name == "expected_plural":
            value = ""
        elif name in ("expected", "expected_tags"):
            value = _literal(str(value), str(value).replace(" or ", " hoặc "))
        fields[name] = value
    try:
        vi = pair[1].format(**{k: word(v, "vi") for k, v in fields.items()})
    except (KeyError, IndexError, ValueError):
        return _pair(msg)
    return _literal(msg, vi)
