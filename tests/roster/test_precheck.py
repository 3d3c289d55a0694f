"""The precheck: each check's sentence, and no finding on a feasible office."""

from __future__ import annotations

import datetime as dt

from roster.model import (
    Absence,
    AbsenceReason,
    CapRule,
    CountLimit,
    Demand,
    FixedCell,
    Post,
    PostKind,
    RapidTestRule,
    RuleSwitch,
    SlotDemand,
    Staff,
)
from roster.precheck import Finding, errors, grouped, precheck
from tests.cli.offices import MONDAY, tiny_office


def messages(findings: list[Finding]) -> list[str]:
    return [f.message for f in findings]


def test_feasible_office_has_no_findings() -> None:
    assert precheck(tiny_office()) == []


def test_cap_below_posts_needing_people() -> None:
    p = tiny_office(cap_fraction=0.2)  # floor(0.2 x 8) = 1 on site
    found = [f for f in precheck(p) if f.rule == "cap"]
    assert (
        "Mon 13 Dec, morning: 2 posts need a person but the cap allows 1 on site "
        "(unit Hành chính)" in messages(found)
    )
    # Tuesday morning only the counter is open: one person, within the cap.
    assert not [f for f in found if f.date == dt.date(2021, 12, 14)]
    assert all(f.severity == "error" and f.unit == "HC" for f in found)


def test_cap_counts_only_posts_served_by_people_counting_toward_the_scope() -> None:
    p = tiny_office(cap_fraction=0.2)
    # The IT task can now be done by a task-force member who does not count toward the cap.
    p.staff.append(Staff(id="tf", name="Tổ phản ứng nhanh", unit="HC", counts_toward_cap=False))
    assert [f for f in precheck(p) if f.rule == "cap"] == []


def test_soft_cap_gives_no_error() -> None:
    p = tiny_office(cap_fraction=0.2)
    p.policy.cap = CapRule(fraction=0.2, hard=False, weight=100)
    assert [f for f in precheck(p) if f.rule == "cap"] == []


def test_nobody_holds_the_skill() -> None:
    p = tiny_office()
    p.site.skills.append("seal")
    p.site.posts.append(
        Post(
            id="seal",
            name="Official seal",
            kind=PostKind.task,
            skill="seal",
            demands=[Demand(weekdays=[0], shifts=["PM"])],
        )
    )
    found = precheck(p)
    assert messages(found) == [
        "task Official seal is open Mon 13 Dec afternoon but nobody on "
        "the staff list holds its skill 'seal'"
    ]
    assert found[0].post == "seal" and found[0].shift == "PM" and found[0].severity == "error"


def test_nobody_available_holds_the_skill() -> None:
    p = tiny_office(qualified=2)
    p.absences = [
        Absence(staff="s1", start=MONDAY, end=MONDAY, reason=AbsenceReason.isolation),
        Absence(
            staff="s2", start=MONDAY, end=MONDAY, shifts=["PM"], reason=AbsenceReason.remote_only
        ),
    ]
    assert messages(errors(precheck(p))) == [
        "counter Land registration is open Mon 13 Dec afternoon but nobody available holds its "
        "skill 'land'"
    ]


def test_cells_fixed_off_make_people_unavailable() -> None:
    p = tiny_office(qualified=1)
    p.fixed = [FixedCell(staff="s1", date=MONDAY, shift="AM", on_site=False)]
    found = [f for f in precheck(p) if f.rule == "coverage.under"]
    assert len(found) == 1 and found[0].shift == "AM" and "nobody available" in found[0].message


def test_more_people_needed_than_qualified() -> None:
    p = tiny_office(qualified=3)
    p.site.posts[0].slot_demands = [
        SlotDemand(date=MONDAY + dt.timedelta(days=1), shift="AM", min=4)
    ]
    assert messages([f for f in precheck(p) if f.rule == "coverage.under"]) == [
        "counter Land registration is open Tue 14 Dec morning and needs 4 people but only 3 "
        "available people with skill 'land' can be on site"
    ]


def test_soft_coverage_gives_warnings() -> None:
    p = tiny_office(qualified=0)
    p.policy.coverage = RuleSwitch(hard=False, weight=50)
    found = precheck(p)
    assert found and all(f.severity == "warning" for f in found)
    assert errors(found) == []


def test_rotation_with_fixed_teams() -> None:
    staff = [
        Staff(id=f"s{i}", name=f"Người {i}", unit="HC", skills=["land"] if i < 2 else [], team=0)
        for i in range(8)
    ]
    p = tiny_office()
    p.staff = staff  # both holders of 'land' are in team A; rotation by day gives Tue to B
    found = precheck(p)
    assert found and all(f.rule == "teams.rotation" for f in found)
    assert "each person belongs to one team" in found[0].message  # the whole-week finding
    found = [f for f in found if f.shift is not None]
    assert found[0].message == (
        "counter Land registration is open Tue 14 Dec morning and needs 1 person, but the "
        "rotation gives this shift to team B and none of its members holding skill 'land' "
        "(or staff outside the rotation) can be on site"
    )
    assert {f.date.weekday() for f in found} == {1, 3}


def test_rotation_not_checked_when_teams_are_free() -> None:
    p = tiny_office()
    p.staff = [s.model_copy(update={"team": None}) for s in p.staff]
    assert precheck(p) == []


def test_test_capacity_below_need() -> None:
    p = tiny_office()
    p.policy.tests = RapidTestRule(valid_days=1, daily_capacity=1)
    found = precheck(p)
    assert messages(found)[0] == (
        "Mon 13 Dec: at least 2 people must be on site and 2 of them need a new rapid test, "
        "but the testing point can do at most 1 (1 a day, Mon 13 Dec)"
    )
    # Tuesday needs one person only: within capacity.
    assert {f.date for f in found} == {
        MONDAY,
        MONDAY + dt.timedelta(days=2),
        MONDAY + dt.timedelta(days=4),
    }


def test_earlier_tests_count_toward_the_need() -> None:
    p = tiny_office()
    p.policy.tests = RapidTestRule(valid_days=1, daily_capacity=1)
    p.staff[0] = p.staff[0].model_copy(update={"last_test": MONDAY})
    assert MONDAY not in {f.date for f in precheck(p)}


def test_contract_minimum_above_open_slots() -> None:
    p = tiny_office()
    p.policy.contracts["default"].counts = [CountLimit(measure="shifts", window="week", hard_min=6)]
    p.absences = [Absence(staff="s2", start=MONDAY, end=MONDAY + dt.timedelta(days=2))]
    found = precheck(p)
    assert messages(found) == [
        "Trần Văn Đức (Hành chính): contract 'default' requires at least 6 on-site shifts in the "
        "week of Mon 13 Dec, but the open shifts they can work allow only 4"
    ]
    assert found[0].staff == "s2"


def test_contract_minutes_and_shifts_per_day() -> None:
    p = tiny_office()
    p.policy.contracts["default"].max_shifts_per_day = 1
    p.policy.contracts["default"].counts = [
        CountLimit(measure="minutes", window="horizon", hard_min=21 * 60)
    ]
    found = precheck(p)
    # Five days, one shift a day, at most 4 hours each: 20 hours < 21 hours.
    assert len(found) == 8 and "allow only 1200" in found[0].message


def test_grouped_folds_repeated_findings() -> None:
    p = tiny_office(qualified=1, counter_min=2)
    found = [f for f in precheck(p) if f.rule == "coverage.under"]
    folded = grouped(found, p)
    assert len(found) == 10 and len(folded) == 1 and folded[0][1] == 9


def test_one_team_cannot_hold_every_qualified_person() -> None:
    p = tiny_office(qualified=3, counter_min=2)  # 2 per shift, teams alternate by day
    found = precheck(p)
    assert messages(found) == [
        "counter Land registration must be covered by team A and team B in turn (2 + 2 people), "
        "but only 3 rotating people hold skill 'land' and each person belongs to one team"
    ]
    assert found[0].rule == "teams.rotation" and found[0].post == "land"


def test_staff_outside_the_rotation_serve_every_team() -> None:
    p = tiny_office(qualified=1)
    assert [f.rule for f in precheck(p)] == ["teams.rotation"]
    p.staff.append(
        Staff(id="x", name="Ngoài luân phiên", unit="HC", skills=["land"], rotates=False)
    )
    assert precheck(p) == []
