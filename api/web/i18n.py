"""Words of the web pages in Vietnamese (default) and English, and date formats
(``Thứ Hai 13/12/2021`` / ``Monday 13/12/2021``)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")

WEEKDAYS_VI = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]
WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SHORT_VI = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]
SHORT_EN = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

# key -> (vi, en)
TEXT: dict[str, tuple[str, str]] = {
    "app.title": ("Lịch làm việc cơ quan", "Office roster"),
    "app.skip": ("Bỏ qua, tới nội dung chính", "Skip to main content"),
    "lang.switch": ("English", "Tiếng Việt"),
    "lang.label": ("Ngôn ngữ", "Language"),
    "nav.week": ("Lịch tuần", "Week"),
    "nav.policy": ("Quy định", "Policy"),
    "nav.staff": ("Cán bộ", "Staff"),
    "nav.absences": ("Vắng mặt", "Absences"),
    "nav.whatif": ("So sánh phương án", "What-if"),
    "nav.positive": ("Ca dương tính", "Positive case"),
    "nav.logout": ("Đăng xuất", "Sign out"),
    "nav.main": ("Điều hướng chính", "Main navigation"),
    "role.hr": ("Tổ chức cán bộ (HR)", "HR"),
    "role.head": ("Trưởng đơn vị", "Head of unit"),
    "role.portal": ("Cổng thông tin (chỉ xem)", "Portal (read only)"),
    "login.title": ("Đăng nhập", "Sign in"),
    "login.token": ("Mã truy cập (token)", "Access token"),
    "login.help": (
        "Nhập mã truy cập do bộ phận Tổ chức cán bộ cấp cho bạn.",
        "Enter the access token HR issued to you.",
    ),
    "login.submit": ("Đăng nhập", "Sign in"),
    "login.bad": ("Mã truy cập không đúng hoặc đã bị thu hồi.", "Unknown or revoked token."),
    "login.empty": ("Hãy nhập mã truy cập.", "Enter your token."),
    "login.signed_as": ("Đăng nhập với tư cách", "Signed in as"),
    "csrf.bad": (
        "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ; hãy tải lại trang và thử lại.",
        "The session expired or the form is not valid; reload the page and try again.",
    ),
    "week.title": ("Lịch làm việc theo tuần", "Weekly roster"),
    "week.site": ("Cơ quan", "Site"),
    "week.unit": ("Đơn vị", "Unit"),
    "week.start": ("Tuần bắt đầu (Thứ Hai)", "Week starting (Monday)"),
    "week.show": ("Xem", "Show"),
    "week.roster": ("Bản lịch", "Roster"),
    "week.none": (
        "Chưa có lịch cho đơn vị này trong tuần này.",
        "No roster yet for this unit and week.",
    ),
    "week.no_site": (
        "Chưa có cơ quan nào bạn được xem. Bộ phận Tổ chức cán bộ tạo cơ quan qua API "
        "(POST /sites) hoặc tải một kịch bản mẫu dưới đây.",
        "There is no site you may see yet. HR creates sites through the API (POST /sites) or "
        "loads a built-in scenario below.",
    ),
    "demo.scenario": ("Kịch bản mẫu", "Built-in scenario"),
    "demo.site_id": ("Mã cơ quan (tuỳ chọn)", "Site id (optional)"),
    "demo.load": ("Tải kịch bản", "Load the scenario"),
    "week.prev": ("Tuần trước", "Previous week"),
    "week.next": ("Tuần sau", "Next week"),
    "week.period": ("Thời gian", "Period"),
    "week.status.draft": ("Bản nháp", "Draft"),
    "week.status.published": ("Đã công bố", "Published"),
    "week.revision": ("Lần sửa", "Revision"),
    "week.policy_version": ("Quy định phiên bản", "Policy version"),
    "week.ok": ("Trọng tài: đạt mọi quy tắc bắt buộc", "Referee: every hard rule met"),
    "week.broken": ("Trọng tài: vi phạm quy tắc bắt buộc", "Referee: hard rules broken"),
    "week.objective": ("Điểm phạt", "Penalty"),
    "filter.title": ("Lọc", "Filter"),
    "filter.team": ("Nhóm", "Team"),
    "filter.post": ("Vị trí", "Post"),
    "filter.person": ("Cán bộ (tên hoặc mã)", "Person (name or id)"),
    "filter.all": ("Tất cả", "All"),
    "filter.count": ("Đang hiện {n}/{total} cán bộ", "Showing {n} of {total} people"),
    "grid.caption": (
        "Lịch {unit}, {period}. Dùng phím mũi tên để di chuyển, Enter để sửa ô.",
        "Roster of {unit}, {period}. Arrow keys move, Enter edits a cell.",
    ),
    "grid.person": ("Cán bộ", "Person"),
    "grid.team": ("Nhóm", "Team"),
    "mode.on_site": ("Tại cơ quan", "On site"),
    "mode.general": ("Tại cơ quan (việc chung)", "On site (general duty)"),
    "mode.remote": ("Ở nhà", "At home"),
    "mode.off": ("Nghỉ", "Off"),
    "mode.test": ("Test nhanh", "Rapid test"),
    "legend": ("Chú thích", "Legend"),
    "legend.on_site": ("TC = tại cơ quan (kèm vị trí)", "ON = on site (with post)"),
    "legend.remote": ("NH = làm việc ở nhà", "HOME = working from home"),
    "legend.off": (
        "N = nghỉ (phép, cách ly, ngày đóng cửa)",
        "OFF = off (leave, isolation, closed)",
    ),
    "legend.test": ("XN = ngày test nhanh", "TEST = rapid test day"),
    "legend.team": (
        "·N1, ·N2 = nhóm của người tại cơ quan",
        "·T1, ·T2 = team of the person on site",
    ),
    "code.on_site": ("TC", "ON"),
    "code.remote": ("NH", "HOME"),
    "code.off": ("N", "OFF"),
    "code.test": ("XN", "TEST"),
    "team.name": ("Nhóm {n}", "Team {n}"),
    "headcount.title": (
        "Số người tại cơ quan so với giới hạn",
        "On-site headcount against the cap",
    ),
    "coverage.title": ("Bố trí quầy/nhiệm vụ mỗi ca", "Coverage of every post per shift"),
    "slot": ("Ca", "Shift"),
    "date": ("Ngày", "Date"),
    "gen.title": ("Lập lịch tự động", "Generate"),
    "gen.generate": ("Lập lịch", "Generate"),
    "gen.regenerate": ("Lập lại lịch", "Re-generate"),
    "gen.time_limit": ("Thời gian tối đa (giây)", "Time limit (seconds)"),
    "gen.stop": ("Dừng (giữ lịch tốt nhất)", "Stop (keep the best roster)"),
    "gen.status": ("Trạng thái", "Status"),
    "gen.objective": ("Điểm phạt tốt nhất", "Best objective"),
    "gen.bound": ("Cận dưới", "Bound"),
    "gen.gap": ("Khoảng cách", "Gap"),
    "gen.elapsed": ("Thời gian", "Elapsed"),
    "gen.solutions": ("Số lời giải", "Solutions"),
    "gen.queued": ("Đang chờ", "Queued"),
    "gen.solving": ("Đang tính", "Solving"),
    "gen.done": ("Xong", "Done"),
    "gen.failed": ("Không lập được lịch", "No roster"),
    "gen.stopped": ("Đã dừng, giữ lịch tốt nhất", "Stopped, best roster kept"),
    "gen.chart": (
        "Biểu đồ điểm phạt (trên) và cận dưới (dưới) theo thời gian",
        "Objective (top) and bound (bottom) over time",
    ),
    "act.publish": ("Công bố", "Publish"),
    "act.published": ("Đã công bố lịch.", "Roster published."),
    "act.print": ("Bản in", "Print view"),
    "act.print_all": ("Bản in mọi đơn vị", "Print every unit"),
    "act.download": ("Tải về", "Download"),
    "act.xlsx": ("Excel (.xlsx)", "Excel (.xlsx)"),
    "act.pdf": ("PDF (bản in ký)", "PDF (to print and sign)"),
    "act.csv": ("CSV", "CSV"),
    "act.tests_csv": ("Lịch test (CSV)", "Tests (CSV)"),
    "act.calendar": ("Lịch cá nhân (.ics)", "Personal calendar (.ics)"),
    "act.save": ("Lưu", "Save"),
    "act.cancel": ("Huỷ", "Cancel"),
    "act.accept": ("Vẫn lưu (chấp nhận vi phạm)", "Save anyway (accept the breach)"),
    "act.close": ("Đóng", "Close"),
    "edit.title": ("Sửa ô lịch", "Edit a cell"),
    "edit.mode": ("Làm việc", "Work"),
    "edit.post": ("Vị trí (khi tại cơ quan)", "Post (when on site)"),
    "edit.general": ("Việc chung (không quầy)", "General duty (no post)"),
    "edit.test": ("Test nhanh ngày này", "Rapid test this day"),
    "edit.reason": ("Lý do", "Reason"),
    "edit.refused": (
        "Trọng tài từ chối thay đổi: vi phạm {n} quy tắc bắt buộc. Không có gì được lưu.",
        "The referee refused the change: it breaks {n} hard rule(s). Nothing was saved.",
    ),
    "edit.saved": ("Đã lưu thay đổi.", "Change saved."),
    "edit.readonly": ("Bạn chỉ có quyền xem lịch này.", "You may only read this roster."),
    "print.title": ("LỊCH LÀM VIỆC", "WORK ROSTER"),
    "print.period": ("Từ {a} đến {b}", "From {a} to {b}"),
    "print.maker": ("Người lập biểu", "Prepared by"),
    "print.chief": ("Thủ trưởng đơn vị", "Head of unit"),
    "print.sign": ("(Ký, ghi rõ họ tên)", "(Signature and full name)"),
    "print.button": ("In", "Print"),
    "print.date_line": ("…………, ngày …… tháng …… năm ……", "…………, date ………………"),
    "print.none": ("Không có lịch nào để in.", "No roster to print."),
    "explain.title": ("Vì sao không lập được lịch", "Why no roster exists"),
    "explain.summary": (
        "Không có lịch nào đáp ứng mọi quy tắc bắt buộc. {n} ràng buộc sau mâu thuẫn nhau "
        "(bỏ bất kỳ một ràng buộc nào thì các ràng buộc còn lại có thể thỏa mãn). Chi tiết:",
        "No roster can meet every hard rule. These {n} rules conflict (drop any one and the "
        "rest can hold). Details:",
    ),
    "explain.rules": ("Quy tắc liên quan", "Rules involved"),
    "explain.fixes": ("Cách khắc phục", "Fixes"),
    "explain.setting": ("Mở phần cài đặt: {name}", "Open the setting: {name}"),
    "explain.loading": ("Đang tìm nguyên nhân…", "Looking for the cause…"),
    "policy.title": ("Quy định phòng dịch", "Policy"),
    "policy.cap": ("Giới hạn người tại cơ quan", "On-site cap"),
    "policy.cap.fraction": ("Tỉ lệ tối đa (ví dụ 0.5 hoặc 1/3)", "Largest share (e.g. 0.5 or 1/3)"),
    "policy.cap.max": ("Số người tối đa (để trống: không)", "Most people (empty: none)"),
    "policy.cap.rounding": ("Làm tròn", "Rounding"),
    "policy.cap.minimum": ("Tối thiểu", "Minimum"),
    "policy.cap.scopes": ("Áp dụng cho", "Applies to"),
    "policy.scope.unit": ("Từng đơn vị", "Each unit"),
    "policy.scope.site": ("Toàn cơ quan", "Whole site"),
    "policy.teams": ("Nhóm và luân phiên", "Teams and rotation"),
    "policy.teams.count": ("Số nhóm", "Number of teams"),
    "policy.teams.rotation": ("Luân phiên theo", "Rotation by"),
    "rounding.floor": ("Làm tròn xuống", "Round down"),
    "rounding.ceil": ("Làm tròn lên", "Round up"),
    "rounding.nearest": ("Làm tròn gần nhất", "Round to nearest"),
    "rotation.half_day": ("Nửa ngày", "Half day"),
    "rotation.day": ("Ngày", "Day"),
    "rotation.week": ("Tuần", "Week"),
    "rotation.free": ("Tự do (nhóm không gặp nhau)", "Free (teams never meet)"),
    "policy.teams.balance": ("Cân bằng số người giữa các nhóm", "Balance team sizes"),
    "policy.tests": ("Test nhanh", "Rapid tests"),
    "policy.tests.valid_days": ("Kết quả có giá trị (ngày)", "A result is valid for (days)"),
    "policy.tests.capacity": (
        "Số test tối đa mỗi ngày (để trống: không)",
        "Tests a day at most (empty: none)",
    ),
    "policy.coverage": ("Bố trí đủ quầy/nhiệm vụ", "Coverage of every post"),
    "policy.contracts": ("Chế độ làm việc (hợp đồng)", "Contracts"),
    "policy.contracts.help": (
        "Mỗi chế độ dưới dạng JSON: số ca tối đa mỗi ngày, giờ nghỉ tối thiểu, giới hạn số ca…",
        "Each contract as JSON: most shifts a day, least rest hours, count limits…",
    ),
    "policy.weights": ("Trọng số", "Weights"),
    "policy.fairness": ("Công bằng giữa cán bộ (trọng số)", "Fairness between people (weight)"),
    "policy.requests": ("Nguyện vọng (hệ số)", "Requests (multiplier)"),
    "policy.test_cost": ("Chi phí mỗi lượt test", "Cost of one test"),
    "policy.enabled": ("Áp dụng", "Enabled"),
    "policy.hard": ("Bắt buộc (không được vi phạm)", "Hard (never broken)"),
    "policy.weight": ("Trọng số khi vi phạm", "Weight when broken"),
    "policy.reason": ("Lý do thay đổi (bắt buộc)", "Reason for the change (required)"),
    "policy.save": ("Lưu thành phiên bản mới", "Save as a new version"),
    "policy.saved": ("Đã lưu phiên bản {v}.", "Version {v} saved."),
    "policy.invalid": (
        "Chưa lưu: hãy sửa các ô được đánh dấu.",
        "Not saved: fix the marked fields.",
    ),
    "policy.history": ("Lịch sử phiên bản", "Version history"),
    "policy.version": ("Phiên bản", "Version"),
    "policy.who": ("Người sửa", "Who"),
    "policy.when": ("Thời điểm", "When"),
    "policy.why": ("Lý do", "Why"),
    "policy.diff": ("So sánh hai phiên bản", "Compare two versions"),
    "policy.diff.a": ("Phiên bản A", "Version A"),
    "policy.diff.b": ("Phiên bản B", "Version B"),
    "policy.diff.show": ("So sánh", "Compare"),
    "policy.diff.none": ("Hai phiên bản giống nhau.", "The two versions are the same."),
    "policy.diff.field": ("Mục", "Setting"),
    "policy.restore": ("Dùng lại phiên bản này", "Restore this version"),
    "policy.readonly": (
        "Chỉ bộ phận Tổ chức cán bộ được sửa quy định.",
        "Only HR may change the policy.",
    ),
    "field.required": ("Bắt buộc nhập.", "Required."),
    "field.number": ("Phải là một số.", "Must be a number."),
    "field.fraction": (
        "Phải là số từ 0 đến 1, ví dụ 0.5 hoặc 1/3.",
        "Must be a number from 0 to 1, e.g. 0.5 or 1/3.",
    ),
    "field.int_min": (
        "Phải là số nguyên từ {min} trở lên.",
        "Must be a whole number of at least {min}.",
    ),
    "field.json": ("JSON không hợp lệ: {err}", "Not valid JSON: {err}"),
    "staff.title": ("Danh sách cán bộ", "Staff"),
    "staff.import": ("Nhập danh sách từ tệp CSV/XLSX", "Import staff from a CSV/XLSX file"),
    "staff.file": ("Tệp (staff.csv hoặc staff.xlsx)", "File (staff.csv or staff.xlsx)"),
    "staff.mode": ("Cách nhập", "Mode"),
    "staff.mode.merge": ("Thêm/cập nhật theo mã", "Add or update by id"),
    "staff.mode.replace": ("Thay toàn bộ danh sách", "Replace the whole list"),
    "staff.submit": ("Nhập", "Import"),
    "staff.imported": (
        "Đã nhập {n} cán bộ; tổng cộng {total}.",
        "Imported {n} people; {total} in all.",
    ),
    "staff.errors": (
        "Tệp có {n} lỗi nên chưa nhập gì; xem bảng lỗi bên dưới.",
        "The file has {n} error(s), so nothing was imported; see the table below.",
    ),
    "staff.errors.caption": ("Các lỗi trong tệp", "Errors in the file"),
    "staff.count": ("{n} cán bộ", "{n} people"),
    "staff.row": ("Dòng", "Row"),
    "staff.field": ("Cột", "Column"),
    "staff.message": ("Lỗi", "Problem"),
    "staff.allowed": ("Giá trị hợp lệ", "Allowed"),
    "staff.id": ("Mã", "Id"),
    "staff.name": ("Họ tên", "Name"),
    "staff.unit": ("Đơn vị", "Unit"),
    "staff.skills": ("Kỹ năng", "Skills"),
    "staff.team": ("Nhóm", "Team"),
    "staff.contract": ("Chế độ", "Contract"),
    "abs.title": (
        "Vắng mặt (nghỉ phép, cách ly, chỉ làm từ xa)",
        "Absences (leave, isolation, remote only)",
    ),
    "abs.add": ("Thêm vắng mặt", "Add an absence"),
    "abs.staff": ("Cán bộ", "Person"),
    "abs.start": ("Từ ngày", "From"),
    "abs.end": ("Đến ngày", "To"),
    "abs.reason": ("Lý do", "Reason"),
    "abs.note": ("Ghi chú", "Note"),
    "abs.delete": ("Xoá", "Delete"),
    "abs.none": ("Chưa có vắng mặt nào.", "No absences."),
    "abs.added": ("Đã thêm.", "Added."),
    "abs.deleted": ("Đã xoá.", "Deleted."),
    "abs.gone": (
        "Mục này đã được người khác sửa hoặc xoá; hãy xem lại danh sách.",
        "Someone else changed or deleted this entry; check the list again.",
    ),
    "abs.end_before": ("Ngày kết thúc trước ngày bắt đầu.", "The end is before the start."),
    "reason.leave": ("Nghỉ phép", "Leave"),
    "reason.isolation": ("Cách ly", "Isolation"),
    "reason.sick": ("Ốm", "Sick"),
    "reason.remote_only": ("Chỉ làm từ xa", "Remote only"),
    "reason.training": ("Đào tạo", "Training"),
    "reason.other": ("Khác", "Other"),
    "whatif.title": ("So sánh hai phương án quy định", "What-if: two policies side by side"),
    "whatif.help": (
        "Chọn hai phiên bản quy định đã lưu; hệ thống lập lịch cùng tuần theo từng phiên bản "
        "rồi so sánh.",
        "Pick two saved policy versions; the same week is solved under each and compared.",
    ),
    "whatif.a": ("Phương án A (phiên bản)", "Option A (version)"),
    "whatif.b": ("Phương án B (phiên bản)", "Option B (version)"),
    "whatif.run": ("Chạy so sánh", "Compare"),
    "whatif.running": ("Đang lập lịch cho hai phương án…", "Solving both options…"),
    "whatif.metric": ("Chỉ số", "Measure"),
    "whatif.onsite": (
        "Người tại cơ quan mỗi ca (TB / cao nhất)",
        "On site per shift (mean / most)",
    ),
    "whatif.short": ("Thiếu người tại quầy (lượt ca)", "Coverage shortfalls (post-shifts)"),
    "whatif.tests": ("Lượt test đã đặt", "Tests booked"),
    "whatif.fair": (
        "Công bằng: số ngày tại cơ quan (ít nhất–nhiều nhất)",
        "Fairness: on-site days (least–most)",
    ),
    "whatif.drill": (
        "Diễn tập: một nhóm cách ly, nhóm kia còn đủ quầy?",
        "Drill: one team isolated, are posts still covered?",
    ),
    "whatif.drill.ok": ("Đạt", "Passes"),
    "whatif.drill.bad": ("Không đạt: thiếu {n} lượt ca", "Fails: {n} post-shifts short"),
    "solve.optimal": ("Tối ưu (đã chứng minh)", "Optimal (proven)"),
    "solve.feasible": ("Có lịch (chưa chứng minh tối ưu)", "A roster (not proven best)"),
    "solve.infeasible": ("Không thể lập lịch", "No roster exists"),
    "solve.unknown": ("Chưa tìm được lịch trong thời gian cho phép", "No roster within the time"),
    "solve.done": ("Xong", "Done"),
    "solve.failed": ("Không lập được lịch", "No roster"),
    "solve.stopped": ("Đã dừng", "Stopped"),
    "whatif.objective": ("Điểm phạt", "Penalty"),
    "whatif.status": ("Kết quả lập lịch", "Solve result"),
    "whatif.perslot": ("Người tại cơ quan theo ca", "On site per shift"),
    "pos.title": ("Xử lý ca dương tính", "After a positive case"),
    "pos.person": ("Cán bộ dương tính", "Person who tested positive"),
    "pos.date": ("Ngày phát hiện", "Date found"),
    "pos.run": ("Tìm F1 và đề xuất lịch mới", "Find contacts and propose a new roster"),
    "pos.contacts": (
        "Người cách ly (F0 và tiếp xúc gần)",
        "Isolated (the case and close contacts)",
    ),
    "pos.changes": ("Các thay đổi đề xuất", "Proposed changes"),
    "pos.price": ("Chi phí", "Price"),
    "pos.before": ("Trước", "Before"),
    "pos.after": ("Sau", "After"),
    "pos.breaks": (
        "Không có lịch nào đạt mọi quy tắc bắt buộc sau sự việc này; lịch đề xuất vi phạm {n} "
        "quy tắc (ít nhất có thể). Chấp nhận nghĩa là chấp nhận các vi phạm này.",
        "No roster meets every hard rule after this event; the proposal breaks {n} rule(s), as "
        "few as it can. Accepting it accepts these breaches.",
    ),
    "pos.hr_records": (
        "Bộ phận Tổ chức cán bộ cần ghi nhận thời gian cách ly vào mục Vắng mặt.",
        "HR must record the isolation under Absences.",
    ),
    "pos.accept": ("Chấp nhận thành bản sửa mới", "Accept as a new revision"),
    "pos.accepted": ("Đã lưu lịch mới.", "New roster saved."),
    "pos.no_roster": (
        "Hãy chọn một bản lịch ở trang Lịch tuần trước.",
        "Pick a roster on the Week page first.",
    ),
    "pos.changed": ("Ô thay đổi được tô viền đậm.", "Changed cells have a thick outline."),
    "error.title": ("Có lỗi", "Something went wrong"),
    "error.unavailable": (
        "Cơ sở dữ liệu tạm thời không truy cập được; chưa có thay đổi nào được lưu từ thao tác "
        "này. Hãy thử lại sau ít giây.",
        "The database cannot be reached for the moment; nothing from this action was saved. "
        "Try again in a few seconds.",
    ),
    "error.unexpected": (
        "Trang gặp lỗi ngoài dự kiến; chưa có thay đổi nào được lưu từ thao tác này. Hãy thử "
        "lại, và báo cho quản trị viên nếu lỗi lặp lại.",
        "The page failed unexpectedly; nothing from this action was saved. Try again, and tell "
        "the administrator if it happens again.",
    ),
    "stale": (
        "Người khác vừa thay đổi mục này sau khi bạn mở trang; chưa lưu gì. Hãy tải lại trang "
        "rồi làm lại.",
        "Someone else changed this after you opened the page; nothing was saved. Reload the "
        "page and do it again.",
    ),
    "error.forbidden": ("Bạn không có quyền xem mục này.", "You may not see this."),
    "yes": ("Có", "Yes"),
    "no": ("Không", "No"),
    "none": ("Không có", "None"),
}


def t(key: str, lang: Lang = "vi", **kw: object) -> str:
    vi, en = TEXT.get(key, (key, key))
    s = vi if lang == "vi" else en
    return s.format(**kw) if kw else s


def weekday(date: dt.date, lang: Lang = "vi") -> str:
    return (WEEKDAYS_VI if lang == "vi" else WEEKDAYS_EN)[date.weekday()]


def long_date(date: dt.date | str, lang: Lang = "vi") -> str:
    """``Thứ Hai 13/12/2021`` / ``Monday 13/12/2021``."""
    if isinstance(date, str):
        date = dt.date.fromisoformat(date[:10])
    return f"{weekday(date, lang)} {date:%d/%m/%Y}"


def short_date(date: dt.date | str, lang: Lang = "vi") -> str:
    """``T2 13/12`` / ``Mon 13/12``."""
    if isinstance(date, str):
        date = dt.date.fromisoformat(date[:10])
    return f"{(SHORT_VI if lang == 'vi' else SHORT_EN)[date.weekday()]} {date:%d/%m}"


def plain_date(date: dt.date | str) -> str:
    if isinstance(date, str):
        date = dt.date.fromisoformat(date[:10])
    return f"{date:%d/%m/%Y}"


def when(stamp: str | dt.datetime | None) -> str:
    """``13/12/2021 08:30`` (UTC) from an API timestamp."""
    if not stamp:
        return ""
    if isinstance(stamp, str):
        stamp = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return f"{stamp:%d/%m/%Y %H:%M} UTC"


def message(text: str, lang: Lang) -> str:
    """An API message as the page shows it. The pages ask the API in their own language
    (``Accept-Language``), and the API words its messages in it (``api/messages.py``,
    ``roster/input_messages.py``), so the text is shown as it came."""
    return text
