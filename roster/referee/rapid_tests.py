"""Rapid tests: every on-site day covered by a valid test, the daily capacity, booking days
and the cost per test."""

from __future__ import annotations

import bisect
from collections import Counter

from roster.referee.judge import Judge


def check(j: Judge) -> None:
    """Rapid tests.

    * ``tests.day`` (hard): a test outside the horizon, on a day that is not open, or (with
      ``on_site_day_only``) on a day the person has no on-site shift.
    * ``tests.capacity`` (hard): more tests on a day than ``daily_capacity``.
    * ``tests.coverage``: each day with at least one on-site shift of a person must fall in
      ``t .. t + valid_days - 1`` for a test day ``t`` of that person (booked tests,
      including ones reported under ``tests.day``, and ``Staff.last_test``); amount 1 per
      uncovered person-day.
    * ``tests.cost``: ``cost_per_test`` per booked test in the horizon, one penalty per test.
    """
    rule = j.policy.tests
    if not rule.enabled:
        return
    idx = j.idx
    open_days = set(idx.open_days)
    seen: set[tuple[str, int]] = set()
    per_day: Counter = Counter()
    for t in j.roster.tests:
        sid = t.staff
        if sid not in idx.staff_by_id:
            j.violation(
                "unknown",
                j.tr(
                    f"The test plan books a test for unknown staff id {sid!r} on {j.day(t.date)}.",
                    f"Kế hoạch test nhanh đặt lịch test cho mã cán bộ không tồn tại {sid!r} "
                    f"ngày {j.day(t.date)}.",
                ),
                date=t.date,
            )
            continue
        if not j.h.contains(t.date):
            j.violation(
                "tests.day",
                j.tr(
                    f"A test of {j.who(sid)} is booked on {j.day(t.date)}, outside the horizon.",
                    f"Lượt test nhanh của {j.who(sid)} được đặt ngày {j.day(t.date)}, "
                    f"ngoài kỳ lập lịch.",
                ),
                staff=sid,
                date=t.date,
            )
            continue
        day = j.h.day(t.date)
        if (sid, day) in seen:
            continue
        seen.add((sid, day))
        per_day[day] += 1
        j.tests_of[sid].append(day)
        if day not in open_days:
            j.violation(
                "tests.day",
                j.tr(
                    f"A test of {j.who(sid)} is booked on "
                    f"{j.when(day)}, when the office (and its testing point) is "
                    f"closed.",
                    f"Lượt test nhanh của {j.who(sid)} được đặt ngày {j.when(day)}, khi cơ quan "
                    f"(và điểm test) đóng cửa.",
                ),
                staff=sid,
                day=day,
            )
        elif rule.on_site_day_only and day not in j.days_of.get(sid, {}):
            j.violation(
                "tests.day",
                j.tr(
                    f"A test of {j.who(sid)} is booked on "
                    f"{j.when(day)}, but they are not on site that day (tests are "
                    f"taken at the office).",
                    f"Lượt test nhanh của {j.who(sid)} được đặt ngày {j.when(day)}, nhưng hôm đó "
                    f"người này không làm việc trực tiếp (test nhanh làm tại cơ quan).",
                ),
                staff=sid,
                day=day,
            )
        j.penalty(
            "tests.cost",
            rule.cost_per_test,
            j.tr(
                f"Rapid test of {j.who(sid)} on {j.when(day)} [1 x {rule.cost_per_test}]",
                f"Test nhanh của {j.who(sid)} ngày {j.when(day)} [1 x {rule.cost_per_test}]",
            ),
            staff=sid,
            day=day,
        )
    if rule.daily_capacity is not None:
        for day, n in sorted(per_day.items()):
            if n > rule.daily_capacity:
                j.violation(
                    "tests.capacity",
                    j.tr(
                        f"{n} tests are booked on {j.when(day)}; "
                        f"the testing point takes {rule.daily_capacity} a day.",
                        f"{n} lượt test nhanh được đặt ngày {j.when(day)}; điểm test chỉ làm "
                        f"được {rule.daily_capacity} lượt một ngày.",
                    ),
                    day=day,
                )
    valid = rule.valid_days
    for s in j.problem.staff:
        on_days = j.days_of.get(s.id)
        if not on_days:
            continue
        test_days = sorted(j.tests_of.get(s.id, []))
        if s.last_test is not None:
            bisect.insort(test_days, j.h.day(s.last_test))
        for day in sorted(on_days):
            i = bisect.bisect_right(test_days, day)
            if i and day - test_days[i - 1] < valid:
                continue
            if i:
                last = j.tr(
                    f"last test {j.when(test_days[i - 1])}",
                    f"lần test gần nhất {j.when(test_days[i - 1])}",
                )
            else:
                last = j.tr("no earlier test", "chưa test lần nào trước đó")
            j.breach(
                rule,
                "tests.coverage",
                1,
                j.tr(
                    f"{j.who(s.id)} is on site on "
                    f"{j.when(day)} without a valid rapid test ({last}; a test is "
                    f"valid {valid} day{'s' if valid != 1 else ''}).",
                    f"{j.who(s.id)} làm việc trực tiếp ngày {j.when(day)} mà không có kết quả "
                    f"test nhanh còn hiệu lực ({last}; kết quả có hiệu lực {valid} ngày).",
                ),
                staff=s.id,
                day=day,
            )
