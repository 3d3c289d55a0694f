"""A tiny office with Vietnamese names for the CLI, export and precheck tests."""

from __future__ import annotations

import datetime as dt

from roster.model import (
    CapRule,
    Demand,
    Policy,
    Post,
    PostKind,
    Problem,
    RapidTestRule,
    ShiftType,
    Site,
    Staff,
    TeamRule,
    Unit,
)

MONDAY = dt.date(2021, 12, 13)

NAMES = [
    "Nguyễn Thị Hồng",
    "Trần Văn Đức",
    "Lê Thị Ánh",
    "Phạm Quốc Việt",
    "Hoàng Minh Châu",
    "Võ Thị Thuỷ",
    "Đặng Văn Lợi",
    "Bùi Thị Ngọc",
]


def tiny_office(
    *,
    n_staff: int = 8,
    qualified: int = 4,
    counter_min: int = 1,
    cap_fraction: float = 0.5,
    days: int = 5,
) -> Problem:
    """One unit 'HC' (Hành chính), two shifts, one land counter (skill 'land', held by the
    first ``qualified`` people) and an IT-support task anyone may do; two teams rotating by
    day, rapid tests valid 3 days, capacity 10 a day."""
    site = Site(
        id="tiny",
        name="Trung tâm thử nghiệm",
        units=[Unit(id="HC", name="Hành chính")],
        shifts=[
            ShiftType(
                id="AM", name="morning", name_vi="sáng", start=dt.time(7, 30), end=dt.time(11, 30)
            ),
            ShiftType(
                id="PM",
                name="afternoon",
                name_vi="chiều",
                start=dt.time(13, 30),
                end=dt.time(17, 0),
            ),
        ],
        skills=["land"],
        posts=[
            Post(
                id="land",
                name="Land registration",
                name_vi="Đăng ký đất đai",
                skill="land",
                demands=[Demand(min=counter_min)],
            ),
            Post(
                id="it",
                name="IT support",
                name_vi="Hỗ trợ CNTT",
                kind=PostKind.task,
                demands=[Demand(weekdays=[0, 2, 4], shifts=["AM"], min=1)],
            ),
        ],
    )
    staff = [
        Staff(
            id=f"s{i + 1}",
            name=NAMES[i % len(NAMES)],
            unit="HC",
            skills=["land"] if i < qualified else [],
        )
        for i in range(n_staff)
    ]
    policy = Policy(
        cap=CapRule(fraction=cap_fraction),
        teams=TeamRule(rotation="day"),
        tests=RapidTestRule(valid_days=3, daily_capacity=10),
    )
    return Problem(site=site, staff=staff, policy=policy, horizon={"start": MONDAY, "days": days})
