"""What the API says about bad requests, in English and Vietnamese.

Each message is one ``(English, Vietnamese)`` pair with the same ``str.format`` fields
(``tests/roster/test_input_messages.py`` checks every entry). Routes raise
:class:`api.errors.ApiError` with ``A(key, ...)``; the error handlers word it in the request's
language (``?lang=``, ``Accept-Language``, else ``ROSTER_LANG``; see :mod:`api.lang`). English
answers are worded exactly as before.
"""

from __future__ import annotations

from typing import Any

from roster.lang import as_lang
from roster.text import Pair, Text

JOB: dict[str, Pair] = {
    # what a job says while it runs and when it ends (in the language of the request that
    # created it; see job_lang below)
    "job.solving": ("solving (attempt {n})", "đang lập lịch (lần thử {n})"),
    "job.handed_back": (
        "re-queued: its worker was stopped during the solve",
        "đã xếp lại hàng đợi: máy xử lý bị dừng trong lúc lập lịch",
    ),
    "job.requeued": (
        "re-queued: its worker stopped during attempt {n}",
        "đã xếp lại hàng đợi: máy xử lý dừng giữa lần thử {n}",
    ),
    "job.orphan_stopped": (
        "stopped; its worker stopped before the stop completed",
        "đã dừng; máy xử lý dừng trước khi lệnh dừng hoàn tất",
    ),
    "job.orphan_failed": (
        "the server or worker stopped while this job was solving (attempt {n}); not retried",
        "máy chủ hoặc máy xử lý dừng trong lúc lập lịch (lần thử {n}); không thử lại",
    ),
    "job.stopped_before_start": ("stopped before it started", "đã dừng trước khi bắt đầu"),
    "job.stopped_before_answer": (
        "stopped before the answer was ready",
        "đã dừng trước khi có kết quả",
    ),
    "job.answered": ("{kind} answered", "đã có kết quả ({kind})"),
    "job.part": ("part {i} of {n} of job {job}", "phần {i}/{n} của yêu cầu {job}"),
    "job.split": ("solving as {n} part jobs", "đang lập lịch thành {n} phần"),
    "job.internal": ("internal error: {why}", "lỗi nội bộ: {why}"),
    # a re-roster's result kept (or not) as a draft revision
    "store.saved": (
        "stored as draft revision {n} of roster {roster} (revision {head} {kept}); review and "
        "publish it with POST /rosters/{{id}}/publish",
        "đã lưu thành bản nháp số {n} của lịch {roster} (bản {head} {kept}); hãy xem lại rồi "
        "công bố bằng POST /rosters/{{id}}/publish",
    ),
    "store.kept_published": ("stays published", "vẫn là bản đã công bố"),
    "store.kept": ("is kept", "được giữ nguyên"),
    "store.nothing": ("nothing is stored", "không lưu gì"),
    "store.full": (
        "nothing is stored: the roster was sent in full (leave 'roster' out to re-roster the "
        "stored roster and keep the result as a draft revision)",
        "không lưu gì: lịch được gửi nguyên bản (bỏ trường 'roster' để xếp lại lịch đã lưu và "
        "giữ kết quả thành một bản nháp)",
    ),
    "store.preview": (
        "nothing is stored: save is false (a preview)",
        "không lưu gì: save là false (chỉ xem trước)",
    ),
    "store.inline": (
        "nothing is stored: the problem was not a stored roster (send roster_id to keep the "
        "result as a draft revision)",
        "không lưu gì: bài toán không phải một lịch đã lưu (gửi roster_id để giữ kết quả "
        "thành một bản nháp)",
    ),
    "store.no_roster": (
        "no roster to store: the re-roster found none",
        "không có lịch để lưu: việc xếp lại không tìm được lịch nào",
    ),
    "store.deleted": (
        "roster {roster!r} was deleted meanwhile: nothing is stored",
        "lịch {roster!r} đã bị xoá trong lúc đó: không lưu gì",
    ),
    "store.changed": (
        "roster {roster!r} changed while the re-roster ran (version {old} -> {new}): nothing is "
        "stored, so that change is not undone; re-run the re-roster on the newest revision",
        "lịch {roster!r} đã thay đổi trong lúc xếp lại (phiên bản {old} -> {new}): không lưu gì "
        "để không làm mất thay đổi đó; hãy xếp lại trên bản mới nhất",
    ),
}

API: dict[str, Pair] = {
    # the error handlers
    "conflict": (
        "the change conflicts with another one saved at the same time (or with an existing "
        "record); read the current state and retry",
        "thay đổi này xung đột với một thay đổi khác được lưu cùng lúc (hoặc với một bản ghi đã "
        "có); hãy đọc lại dữ liệu hiện tại rồi thử lại",
    ),
    "too_long_for_db": (
        "a value is too long or out of range for the database",
        "có giá trị quá dài hoặc vượt quá giới hạn của cơ sở dữ liệu",
    ),
    "db_busy": (
        "the database is busy or unreachable; retry in a moment",
        "cơ sở dữ liệu đang bận hoặc không kết nối được; hãy thử lại sau ít phút",
    ),
    "db_lost": (
        "the database connection was lost; retry",
        "mất kết nối tới cơ sở dữ liệu; hãy thử lại",
    ),
    "db_error": (
        "internal error (database); it has been logged",
        "lỗi nội bộ (cơ sở dữ liệu); lỗi đã được ghi lại",
    ),
    "server_busy": (
        "the server is busy; retry in a moment",
        "máy chủ đang bận; hãy thử lại sau ít phút",
    ),
    "out_of_range": (
        "a date or number is out of range ({why})",
        "có ngày hoặc số nằm ngoài phạm vi cho phép ({why})",
    ),
    "internal": ("internal error; it has been logged", "lỗi nội bộ; lỗi đã được ghi lại"),
    "referee_unavailable": (
        "the referee (roster.validation) is not available: {why}",
        "bộ kiểm tra lịch (roster.validation) không dùng được: {why}",
    ),
    "invalid_request": ("invalid request", "yêu cầu không hợp lệ"),
    "field_message": ("{field}: {message}", "{field}: {message}"),
    "http.Not Found": ("Not Found", "Không tìm thấy"),
    "http.Method Not Allowed": ("Method Not Allowed", "Phương thức không được hỗ trợ"),
    # not found
    "not_found": ("{kind} {key!r} not found", "không tìm thấy {kind} {key!r}"),
    "kind.site": ("site", "cơ quan"),
    "kind.policy version": ("policy version", "phiên bản quy định"),
    "kind.unit": ("unit", "đơn vị"),
    "kind.token": ("token", "mã truy cập"),
    "kind.job": ("job", "yêu cầu lập lịch"),
    "kind.roster": ("roster", "lịch"),
    "kind.revision": ("revision", "bản sửa"),
    "no_policy_yet": ("site {site!r} has no policy yet", "cơ quan {site!r} chưa có quy định"),
    "unit_not_in_site": (
        "unit {unit!r} not found in site {site!r}",
        "không tìm thấy đơn vị {unit!r} trong cơ quan {site!r}",
    ),
    # setting a site up
    "scenario_not_found": (
        "scenario {name!r} not found; built-in: {names}",
        "không tìm thấy kịch bản {name!r}; các kịch bản có sẵn: {names}",
    ),
    "scenario_errors": ("scenario {name!r} has errors", "kịch bản {name!r} có lỗi"),
    "site_exists": ("site {site!r} already exists", "cơ quan {site!r} đã có"),
    "site_id_fixed": (
        "the site id cannot change ({old!r} to {new!r})",
        "không thể đổi mã cơ quan ({old!r} thành {new!r})",
    ),
    "site_busy": (
        "site {site!r} has {n} job(s) queued or solving; stop them (DELETE /jobs/{{id}}) before "
        "deleting the site",
        "cơ quan {site!r} còn {n} yêu cầu lập lịch đang chờ hoặc đang chạy; hãy dừng chúng "
        "(DELETE /jobs/{{id}}) trước khi xoá cơ quan",
    ),
    "file_type": (
        "file {name!r} must be .csv or .xlsx",
        "tệp {name!r} phải là .csv hoặc .xlsx",
    ),
    "file_too_large": (
        "file is larger than {limit} bytes",
        "tệp lớn hơn {limit} byte",
    ),
    "file_problems": (
        "{n} problem(s) in the file; first: {first}{hint}",
        "tệp có {n} lỗi; lỗi đầu tiên: {first}{hint}",
    ),
    "contract_hint": (
        ". The policy defines the contracts {defined} but not {names}: define them first "
        "(PUT /sites/{site}/policy with {keys}), then import the staff. The order of set-up: "
        "the site (units, shifts, skills, posts), then the policy (with every contract the "
        "staff list names), then the staff.",
        ". Quy định (policy) có các loại hợp đồng {defined} nhưng chưa có {names}: hãy khai báo "
        "trước (PUT /sites/{site}/policy với {keys}), rồi mới nhập danh sách cán bộ. Thứ tự "
        "thiết lập: cơ quan (đơn vị, ca, kỹ năng, quầy/nhiệm vụ), rồi quy định (có mọi loại hợp "
        "đồng mà danh sách cán bộ dùng), rồi danh sách cán bộ.",
    ),
    "too_many_rows": (
        "the file has {n} staff rows; at most {limit}",
        "tệp có {n} dòng cán bộ; tối đa {limit}",
    ),
    "too_many_data_rows": (
        "the file has more than {limit} data rows; at most {limit} per import",
        "tệp có hơn {limit} dòng dữ liệu; mỗi lần nhập tối đa {limit}",
    ),
    "workbook_too_large": (
        "the workbook unpacks to more than {limit} bytes",
        "bảng tính khi giải nén lớn hơn {limit} byte",
    ),
    "no_staff_rows": (
        "the file has no staff rows: a replace import needs the whole staff list (it would "
        "empty the site)",
        "tệp không có dòng cán bộ nào: nhập thay thế (replace) cần cả danh sách cán bộ (nếu "
        "không cơ quan sẽ không còn ai)",
    ),
    "import_drops": (
        "the import would drop {n} person(s) who have absences, requests or fixed cells "
        "({people}); nothing was changed: include them in the file, or remove their records "
        "first (PATCH /sites/{{id}})",
        "lần nhập này sẽ bỏ {n} cán bộ đang có lịch vắng, nguyện vọng hoặc ô cố định "
        "({people}); chưa thay đổi gì: hãy giữ họ trong tệp, hoặc xoá các bản ghi đó trước "
        "(PATCH /sites/{{id}})",
    ),
    # rosters and repairs
    "send_problem": (
        "send a problem, or a site_id with a start date",
        "hãy gửi một bài toán (problem), hoặc site_id kèm ngày bắt đầu (start)",
    ),
    "send_roster_source": (
        "send a roster_id, a problem, or a site_id with a start date",
        "hãy gửi roster_id, một bài toán (problem), hoặc site_id kèm ngày bắt đầu (start)",
    ),
    "send_roster": ("send a roster (or a roster_id)", "hãy gửi một lịch (hoặc roster_id)"),
    "unknown_staff": ("unknown staff {value!r}", "không có cán bộ {value!r}"),
    "unknown_shift": ("unknown shift {value!r}", "không có ca {value!r}"),
    "outside_roster": ("{date} is outside the roster", "ngày {date} nằm ngoài lịch"),
    "staff_not_in_roster": (
        "staff {staff!r} is not in this roster",
        "cán bộ {staff!r} không có trong lịch này",
    ),
    # editing a roster
    "edit.cell": ("cell", "ô"),
    "edit.test": ("test", "xét nghiệm"),
    "edit_staff_not_in": (
        "{kind} #{n}: staff {staff!r} is not in this roster",
        "{kind} #{n}: cán bộ {staff!r} không có trong lịch này",
    ),
    "edit_outside": (
        "{kind} #{n}: {date} is outside the roster ({start} to {end})",
        "{kind} #{n}: ngày {date} nằm ngoài lịch (từ {start} đến {end})",
    ),
    "edit_unknown_shift": (
        "cell #{n}: unknown shift {shift!r}; known: {known}",
        "ô #{n}: không có ca {shift!r}; các ca: {known}",
    ),
    "edit_unknown_post": (
        "cell #{n}: unknown post {post!r}; known: {known}",
        "ô #{n}: không có quầy/nhiệm vụ {post!r}; các quầy/nhiệm vụ: {known}",
    ),
    "edit_remote_on_site": (
        "cell #{n}: post {post!r} is a duty from home (kind remote): send it with on_site false",
        "ô #{n}: {post!r} là nhiệm vụ làm việc tại nhà (kind remote): hãy gửi với on_site false",
    ),
    "edit_site_off": (
        "cell #{n}: post {post!r} is served on site: send it with on_site true (with on_site "
        "false, post must be a duty from home, kind remote)",
        "ô #{n}: {post!r} làm việc trực tiếp tại cơ quan: hãy gửi với on_site true (với "
        "on_site false, post phải là nhiệm vụ làm việc tại nhà, kind remote)",
    ),
    "edit.absence": ("absence", "vắng mặt"),
    "edit_shift_unknown_in_absence": (
        "absence #{n}: unknown shift {shift!r}; known: {known}",
        "vắng mặt #{n}: không có ca {shift!r}; các ca: {known}",
    ),
    "edit_team_unknown": (
        "team of unknown staff {staff!r}",
        "nhóm của cán bộ không có trong danh sách {staff!r}",
    ),
    "edit_team_range": (
        "team {team} of {staff!r} is not between 0 and {last}",
        "nhóm {team} của {staff!r} không nằm trong khoảng 0 đến {last}",
    ),
    # the edge limits (api.limits)
    "bad_id": (
        "{field} {value!r} is not a valid id: use 1 to 64 letters, digits, - or _",
        "{field} {value!r} không phải mã hợp lệ: dùng 1 đến 64 chữ cái, chữ số, - hoặc _",
    ),
    "too_deep": ("nested more than {depth} levels deep", "lồng nhau quá {depth} cấp"),
    "control_chars": (
        "{where}: control characters (such as NUL) are not allowed in text",
        "{where}: không được có ký tự điều khiển (như NUL) trong văn bản",
    ),
    "text_too_long": (
        "{where}: text longer than {limit} characters",
        "{where}: văn bản dài hơn {limit} ký tự",
    ),
    "date_out_of_range": (
        "{where}: date {value} is outside {low} to {high}",
        "{where}: ngày {value} nằm ngoài khoảng {low} đến {high}",
    ),
    "int_out_of_range": (
        "{where}: integer beyond +-2^53 is out of range",
        "{where}: số nguyên vượt quá +-2^53",
    ),
    "too_many_items": (
        "{where}: more than {limit} items in one list",
        "{where}: một danh sách có hơn {limit} mục",
    ),
    "too_many_keys": (
        "{where}: more than {limit} keys in one object",
        "{where}: một đối tượng có hơn {limit} khoá",
    ),
    "url_too_long": (
        "the URL is longer than {limit} characters",
        "URL dài hơn {limit} ký tự",
    ),
    "url_control_chars": (
        "control characters (such as NUL) are not allowed in the URL",
        "không được có ký tự điều khiển (như NUL) trong URL",
    ),
    "bad_content_length": (
        "Content-Length is not a number",
        "Content-Length không phải là số",
    ),
    "body_too_large": (
        "the body is larger than {limit} bytes",
        "nội dung yêu cầu lớn hơn {limit} byte",
    ),
    "already_published": (
        "revision {n} is already published; edit the roster to start a new revision",
        "bản sửa {n} đã được công bố; hãy sửa lịch để tạo một bản sửa mới",
    ),
    # access
    "missing_credentials": (
        "missing credentials: send 'Authorization: Bearer <token>' or 'X-API-Key: <token>'",
        "thiếu thông tin xác thực: hãy gửi 'Authorization: Bearer <token>' hoặc "
        "'X-API-Key: <token>'",
    ),
    "unknown_token": ("unknown or revoked token", "mã truy cập không tồn tại hoặc đã bị thu hồi"),
    "too_many_failures": (
        "too many failed authentications from this address; retry in {wait} s",
        "địa chỉ này xác thực sai quá nhiều lần; hãy thử lại sau {wait} giây",
    ),
    "head_unit_only": (
        "a head may only act on unit {unit!r} of site {site!r}",
        "lãnh đạo đơn vị chỉ được thao tác trên đơn vị {unit!r} của cơ quan {site!r}",
    ),
    "head_site_only": (
        "a head may only act on site {site!r}",
        "lãnh đạo đơn vị chỉ được thao tác trên cơ quan {site!r}",
    ),
    "role_may_not": (
        "role {role!r} may not do this (needs {needs})",
        "vai trò {role!r} không được làm việc này (cần {needs})",
    ),
    "unknown_role": (
        "unknown role {role!r}; roles: hr, head, portal",
        "không có vai trò {role!r}; các vai trò: hr, head, portal",
    ),
    "head_needs_unit": (
        "a head token needs site_id and unit_id",
        "mã truy cập của lãnh đạo đơn vị cần site_id và unit_id",
    ),
    # versions (If-Match)
    "if_match_missing": (
        "this write needs If-Match with the ETag of the {what} it is based on (read it first: "
        'its ETag is now "{current}")',
        "thao tác ghi này cần If-Match với ETag của {what} mà nó dựa vào (hãy đọc trước: ETag "
        'hiện là "{current}")',
    ),
    "if_match_stale": (
        'the {what} changed since you read it (If-Match {sent}, now "{current}"); read it '
        "again, re-apply your change and retry",
        '{what} đã thay đổi kể từ khi bạn đọc (If-Match {sent}, hiện là "{current}"); hãy '
        "đọc lại, áp dụng lại thay đổi rồi thử lại",
    ),
    "what.site": ("site", "cơ quan"),
    "what.policy": ("policy", "quy định"),
    "what.roster": ("roster", "lịch"),
    # jobs
    "too_many_jobs": (
        "this token already has {n} job(s) queued or solving (at most {limit}); wait for one to "
        "finish or stop one",
        "mã truy cập này đã có {n} yêu cầu lập lịch đang chờ hoặc đang chạy (tối đa {limit}); "
        "hãy chờ một yêu cầu xong hoặc dừng bớt",
    ),
}


def A(key: str, /, **fields: Any) -> Text:
    """The API message ``key`` with its fields."""
    return Text(API[key], **fields)


def kind_text(kind: str) -> Text | str:
    """``site``, ``roster``...: the name of a kind of record in both languages (a kind not
    listed stays as it is)."""
    pair = API.get(f"kind.{kind}") or API.get(f"what.{kind}")
    return Text(pair) if pair is not None else kind


def job_text(lang: str | None, key: str, /, **fields: Any) -> str:
    """A job's message ``key`` in ``lang``."""
    return Text(JOB[key], **fields)(lang)


def job_lang(params: dict[str, Any] | None) -> str:
    """The language of a job: the one of the request that created it, kept in its ``params``
    (``lang``); English for jobs made before jobs kept one."""
    return as_lang((params or {}).get("lang")) or "en"
