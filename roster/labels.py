"""Rule identifiers and their human labels (English and Vietnamese).

The solver labels every penalty and the referee every violation and penalty with one of these ids,
so a roster can always say, in words a head reads, what it paid for.
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "cap": (
        "On-site cap exceeded",
        "Vượt giới hạn số người làm việc trực tiếp",
    ),
    "teams.mix": (
        "Teams mixed on site",
        "Hai nhóm cùng có mặt trong một ca",
    ),
    "teams.rotation": (
        "On site outside the team's rotation",
        "Có mặt ngoài lịch luân phiên của nhóm",
    ),
    "teams.balance": (
        "Team sizes unbalanced",
        "Quy mô các nhóm chênh lệch",
    ),
    "teams.assignment": (
        "Team missing or invalid",
        "Chưa phân nhóm hoặc nhóm không hợp lệ",
    ),
    "tests.coverage": (
        "On site without a valid rapid test",
        "Làm việc trực tiếp khi không có kết quả test nhanh còn hiệu lực",
    ),
    "tests.capacity": (
        "Testing point over its daily capacity",
        "Vượt công suất test trong ngày",
    ),
    "tests.day": (
        "Test booked on a day not allowed",
        "Lịch test vào ngày không được phép",
    ),
    "tests.cost": (
        "Rapid tests booked",
        "Số lượt test nhanh",
    ),
    "coverage.under": (
        "Post not covered",
        "Quầy/nhiệm vụ thiếu người",
    ),
    "coverage.over": (
        "Too many people at a post",
        "Quầy/nhiệm vụ thừa người",
    ),
    "coverage.skill": (
        "Missing required skill",
        "Không có kỹ năng yêu cầu",
    ),
    "coverage.closed": (
        "Post not open in that slot",
        "Quầy/nhiệm vụ không mở trong ca này",
    ),
    "general_duty": (
        "On site without a post",
        "Có mặt nhưng không được phân công vị trí",
    ),
    "availability": (
        "On site while unavailable",
        "Được xếp làm trực tiếp khi nghỉ/cách ly/chỉ làm từ xa",
    ),
    "closed": (
        "On site while the office is closed",
        "Xếp lịch khi cơ quan đóng cửa",
    ),
    "fixed": (
        "Fixed cell not respected",
        "Không giữ ô đã cố định",
    ),
    "contract.per_day": (
        "Too many shifts in a day",
        "Quá số ca trong ngày",
    ),
    "contract.rest": (
        "Too little rest between shifts",
        "Không đủ thời gian nghỉ giữa hai ca",
    ),
    "contract.count.min": (
        "Too few (contract)",
        "Thiếu so với hợp đồng",
    ),
    "contract.count.max": (
        "Too many (contract)",
        "Vượt so với hợp đồng",
    ),
    "contract.run.min": (
        "Run of days too short",
        "Chuỗi ngày liên tiếp quá ngắn",
    ),
    "contract.run.max": (
        "Run of days too long",
        "Chuỗi ngày liên tiếp quá dài",
    ),
    "contract.succession": (
        "Shift succession",
        "Chuyển ca không phù hợp",
    ),
    "contract.weekends": (
        "Too many working weekends",
        "Quá số cuối tuần làm việc",
    ),
    "fairness": (
        "Unequal on-site duty in a unit",
        "Phân công trực tiếp không đều trong đơn vị",
    ),
    "requests": (
        "Unmet staff request",
        "Nguyện vọng không được đáp ứng",
    ),
    "resilience": (
        "A team lacks an essential skill",
        "Một nhóm thiếu người có kỹ năng thiết yếu",
    ),
    "unknown": (
        "Unknown reference in the roster",
        "Tham chiếu không tồn tại trong lịch",
    ),
    "double_booked": (
        "Person booked twice in one slot",
        "Một người được xếp hai lần trong cùng một ca",
    ),
}


def label(rule: str, lang: str = "en") -> str:
    """The human label of a rule id (the id itself if unknown)."""
    en, vi = LABELS.get(rule, (rule, rule))
    return vi if lang == "vi" else en
