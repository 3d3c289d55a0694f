"""The referee (roster.validation.check) rule by rule, on tiny hand-built problems.

Every problem starts from ``quiet_policy`` (all rule families off) and switches on only the rule
under test, so each assertion sees that rule alone. Days are horizon day numbers; the default
horizon starts on Monday 13 Dec 2021 with shifts AM (07:30-11:30) and PM (13:00-17:00), open
Monday-Friday.
"""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest

from roster.model import (
    Absence,
    AbsenceReason,
    Assignment,
    CapRule,
    Contract,
    CountLimit,
    Demand,
    FixedCell,
    Opening,
    Post,
    RapidTestRule,
    Request,
    RequestRule,
    Roster,
    RuleSwitch,
    RunLimit,
    ShiftType,
    SlotDemand,
    Staff,
    Succession,
    TeamRule,
    WeekendLimit,
)
from roster.validation import check, day_label, summary_figures
from tests.helpers import MONDAY, quiet_policy, tiny_problem, tiny_roster, tiny_shifts

ALL_WEEK = [Opening(weekdays=[0, 1, 2, 3, 4, 5, 6])]


def rules(report) -> list[str]:
    return sorted(v.rule for v in report.violations)


def cost(report, rule: str) -> int:
    return sum(p.cost for p in report.penalties if p.rule == rule)


def on_days(staff: str, pattern: str, shift: str = "AM") -> list[tuple[str, int, str]]:
    """Cells from a pattern such as ``"-x-xx--"`` (x: on site that day)."""
    return [(staff, d, shift) for d, c in enumerate(pattern) if c == "x"]


# ---- wording ----------------------------------------------------------------------------------


def test_day_label_reads_like_a_roster() -> None:
    assert day_label(dt.date(2021, 12, 14)) == "Tue 14 Dec"
    assert day_label(dt.date(2021, 12, 6)) == "Mon 6 Dec"


def test_violation_names_person_date_shift_and_post() -> None:
    post = Post(id="c1", name="Counter 1", skill="seal")
    p = tiny_problem(policy=quiet_policy(), posts=[post], skills=["seal"])
    rep = check(p, tiny_roster(p, on=[("s0", 1, "AM", "c1")]))
    (v,) = rep.violations
    assert v.rule == "coverage.skill" and v.label == "Missing required skill"
    assert "Person 0 (s0)" in v.message and "Tue 14 Dec" in v.message
    assert "Morning" in v.message and "Counter 1" in v.message and "seal" in v.message
    assert (v.staff, v.date, v.shift, v.post, v.unit) == (
        "s0",
        dt.date(2021, 12, 14),
        "AM",
        "c1",
        "U",
    )


# ---- structure --------------------------------------------------------------------------------


def test_clean_roster_has_no_violation_and_objective_is_the_offset() -> None:
    p = tiny_problem(policy=quiet_policy(), objective_offset=42)
    rep = check(p, tiny_roster(p, on=[("s0", 0, "AM"), ("s1", 0, "PM")]))
    assert rep.ok and rep.penalties == [] and rep.objective == 42


@pytest.mark.parametrize(
    ("assignment", "rule"),
    [
        (Assignment(staff="nobody", date=MONDAY, shift="AM"), "unknown"),
        (Assignment(staff="s0", date=MONDAY, shift="NIGHT"), "unknown"),
        (Assignment(staff="s0", date=MONDAY, shift="AM", post="nope"), "unknown"),
        (Assignment(staff="s0", date=MONDAY - dt.timedelta(days=1), shift="AM"), "unknown"),
        # Saturday 18 Dec: the default opening is Monday-Friday.
        (Assignment(staff="s0", date=dt.date(2021, 12, 18), shift="AM"), "closed"),
        # Wednesday 15 Dec is a closed date below.
        (Assignment(staff="s0", date=dt.date(2021, 12, 15), shift="AM"), "closed"),
    ],
)
def test_structure_unknown_and_closed(assignment: Assignment, rule: str) -> None:
    p = tiny_problem(days=7, policy=quiet_policy(), closed_dates=[dt.date(2021, 12, 15)])
    rep = check(p, Roster(assignments=[assignment]))
    assert rules(rep) == [rule]


def test_opening_restricted_to_some_shifts_closes_the_others() -> None:
    p = tiny_problem(
        policy=quiet_policy(), opening=[Opening(weekdays=[0, 1, 2, 3, 4], shifts=["AM"])]
    )
    rep = check(p, tiny_roster(p, on=[("s0", 0, "AM"), ("s0", 0, "PM")]))
    assert rules(rep) == ["closed"] and rep.violations[0].shift == "PM"


def test_post_without_demand_in_slot_is_coverage_closed() -> None:
    post = Post(id="c1", demands=[Demand(shifts=["AM"])])
    p = tiny_problem(policy=quiet_policy(), posts=[post])
    rep = check(p, tiny_roster(p, on=[("s0", 0, "AM", "c1"), ("s1", 0, "PM", "c1")]))
    assert rules(rep) == ["coverage.closed"] and rep.violations[0].staff == "s1"


def test_unqualified_person_does_not_cover_the_post() -> None:
    post = Post(id="c1", skill="seal")
    p = tiny_problem(
        days=1,
        shifts=tiny_shifts()[:1],
        policy=quiet_policy(coverage={}),
        posts=[post],
        skills=["seal"],
    )
    rep = check(p, tiny_roster(p, on=[("s0", 0, "AM", "c1")]))
    # The skill breach, and the post counts as uncovered (0 qualified of 1).
    assert rules(rep) == ["coverage.skill", "coverage.under"]


def test_a_person_at_most_once_per_slot() -> None:
    p = tiny_problem(policy=quiet_policy(), posts=[Post(id="c1"), Post(id="c2")])
    rep = check(p, tiny_roster(p, on=[("s0", 0, "AM", "c1"), ("s0", 0, "AM", "c2")]))
    assert rules(rep) == ["double_booked"]


def test_general_duty_not_allowed_needs_a_post() -> None:
    p = tiny_problem(policy=quiet_policy(), posts=[Post(id="c1")], general_duty_allowed=False)
    rep = check(p, tiny_roster(p, on=[("s0", 0, "AM", "c1"), ("s1", 0, "AM")]))
    assert rules(rep) == ["general_duty"] and rep.violations[0].staff == "s1"


# ---- fixed cells ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "on", "broken"),
    [
        (FixedCell(staff="s0", date=MONDAY, shift="AM"), [], True),
        (FixedCell(staff="s0", date=MONDAY, shift="AM"), [("s0", 0, "AM", "c2")], False),
        (FixedCell(staff="s0", date=MONDAY, shift="AM", post="c1"), [("s0", 0, "AM", "c2")], True),
        (FixedCell(staff="s0", date=MONDAY, shift="AM", post="c1"), [("s0", 0, "AM", "c1")], False),
        (FixedCell(staff="s0", date=MONDAY, shift="AM", on_site=False), [("s0", 0, "AM")], True),
        (FixedCell(staff="s0", date=MONDAY, shift="AM", on_site=False), [("s0", 0, "PM")], False),
        # Not on site *at c1*: on site at c2 is fine, at c1 is not.
        (
            FixedCell(staff="s0", date=MONDAY, shift="AM", on_site=False, post="c1"),
            [("s0", 0, "AM", "c2")],
            False,
        ),
        (
            FixedCell(staff="s0", date=MONDAY, shift="AM", on_site=False, post="c1"),
            [("s0", 0, "AM", "c1")],
            True,
        ),
    ],
)
def test_fixed_cells(cell: FixedCell, on: list, broken: bool) -> None:
    p = tiny_problem(policy=quiet_policy(), posts=[Post(id="c1"), Post(id="c2")], fixed=[cell])
    rep = check(p, tiny_roster(p, on=on))
    assert rules(rep) == (["fixed"] if broken else [])


# ---- availability -----------------------------------------------------------------------------


@pytest.mark.parametrize("reason", list(AbsenceReason))
def test_on_site_during_an_absence(reason: AbsenceReason) -> None:
    absence = Absence(
        staff="s0",
        start=dt.date(2021, 12, 14),
        end=dt.date(2021, 12, 15),
        shifts=["AM"],
        reason=reason,
    )
    p = tiny_problem(policy=quiet_policy(availability={}), absences=[absence])
    # Day 1 AM and day 2 AM are covered; day 1 PM and day 3 AM are not.
    on = [("s0", 1, "AM"), ("s0", 2, "AM"), ("s0", 1, "PM"), ("s0", 3, "AM")]
    rep = check(p, tiny_roster(p, on=on))
    assert rules(rep) == ["availability", "availability"]
    assert reason.value in rep.violations[0].message


def test_availability_soft_costs_weight_per_slot() -> None:
    absence = Absence(staff="s0", start=MONDAY, end=MONDAY)
    p = tiny_problem(
        policy=quiet_policy(availability={"hard": False, "weight": 7}), absences=[absence]
    )
    rep = check(p, tiny_roster(p, on=[("s0", 0, "AM"), ("s0", 0, "PM")]))
    # Two person-slots inside the absence: 2 x 7 = 14.
    assert rep.ok and cost(rep, "availability") == 14 and rep.objective == 14


# ---- cap --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cap", "n_staff", "on_site", "over"),
    [
        (CapRule(fraction=1 / 3), 9, 3, 0),  # floor(1/3 x 9) = 3 (not 2.999..)
        (CapRule(fraction=1 / 3), 9, 4, 1),
        (CapRule(fraction=1 / 3), 5, 2, 1),  # floor(1.67) = 1
        (CapRule(fraction=1 / 3, rounding="nearest"), 5, 2, 0),  # round(1.67) = 2
        (CapRule(fraction=0.5, rounding="nearest"), 5, 3, 0),  # 2.5 rounds half up to 3
        (CapRule(fraction=1 / 3, rounding="ceil"), 4, 2, 0),  # ceil(1.33) = 2
        (CapRule(fraction=0.1), 5, 1, 0),  # floor(0.5) = 0, raised to minimum 1
        (CapRule(fraction=0.1, minimum=0), 5, 1, 1),
        (CapRule(max_on_site=2), 9, 3, 1),
    ],
)
def test_cap_value(cap: CapRule, n_staff: int, on_site: int, over: int) -> None:
    p = tiny_problem(n_staff=n_staff, policy=quiet_policy(cap=cap))
    rep = check(p, tiny_roster(p, on=[(f"s{i}", 0, "AM") for i in range(on_site)]))
    assert rules(rep) == ["cap"] * (1 if over else 0)


def test_cap_soft_costs_weight_per_person_above() -> None:
    p = tiny_problem(n_staff=9, policy=quiet_policy(cap={"hard": False, "weight": 10}))
    rep = check(p, tiny_roster(p, on=[(f"s{i}", 0, "AM") for i in range(5)]))
    # cap = floor(9 / 3) = 3; 5 on site: 2 above x 10 = 20.
    assert rep.ok and cost(rep, "cap") == 20


def test_cap_counts_only_people_who_count_toward_it() -> None:
    staff = [
        Staff(id="a", unit="U"),
        Staff(id="b", unit="U"),
        Staff(id="c", unit="U"),
        Staff(id="police", unit="U", counts_toward_cap=False),
        Staff(id="post", unit="U", external=True),
    ]
    # Headcount 3 (a, b, c): cap floor(3 / 3) = 1.
    p = tiny_problem(staff=staff, policy=quiet_policy(cap={}))
    rep = check(p, tiny_roster(p, on=[("a", 0, "AM"), ("police", 0, "AM"), ("post", 0, "AM")]))
    assert rep.ok
    # Counting external staff: headcount 4, cap floor(4/3) = 1, on site a + post = 2.
    p = tiny_problem(staff=staff, policy=quiet_policy(cap={"count_external": True}))
    rep = check(p, tiny_roster(p, on=[("a", 0, "AM"), ("police", 0, "AM"), ("post", 0, "AM")]))
    assert rules(rep) == ["cap"]


def test_cap_per_unit_and_site_scopes() -> None:
    staff = [Staff(id=f"{u}{i}", unit=u) for u in "AB" for i in range(3)]
    p = tiny_problem(
        staff=staff,
        units=("A", "B"),
        policy=quiet_policy(cap={"scopes": ["unit", "site"], "hard": False, "weight": 1}),
    )
    # Unit caps floor(3/3) = 1, site cap floor(6/3) = 2. A0, A1, B0 on site:
    # unit A 2 > 1 (1 above), unit B 1 ok, site 3 > 2 (1 above): 1 + 1 = 2.
    rep = check(p, tiny_roster(p, on=[("A0", 0, "AM"), ("A1", 0, "AM"), ("B0", 0, "AM")]))
    assert cost(rep, "cap") == 2
    assert sorted((x.unit or "site") for x in rep.penalties) == ["A", "site"]


# ---- teams ------------------------------------------------------------------------------------


def test_teams_mixing() -> None:
    p = tiny_problem(policy=quiet_policy(teams={"rotation": "free", "balance": False}))
    teams = {"s0": 0, "s1": 1, "s2": 0}
    rep = check(p, tiny_roster(p, on=[("s0", 0, "AM"), ("s2", 0, "AM")], teams=teams))
    assert rep.ok
    rep = check(p, tiny_roster(p, on=[("s0", 0, "AM"), ("s1", 0, "AM")], teams=teams))
    assert rules(rep) == ["teams.mix"]


def test_teams_mixing_soft_costs_teams_present_minus_one() -> None:
    p = tiny_problem(
        policy=quiet_policy(
            teams={"count": 3, "rotation": "free", "balance": False, "hard": False, "weight": 4}
        )
    )
    rep = check(
        p,
        tiny_roster(
            p,
            on=[("s0", 0, "AM"), ("s1", 0, "AM"), ("s2", 0, "AM")],
            teams={"s0": 0, "s1": 1, "s2": 2},
        ),
    )
    # Three teams in one slot: (3 - 1) x 4 = 8.
    assert rep.ok and cost(rep, "teams.mix") == 8


def test_non_rotating_staff_never_mix() -> None:
    staff = [Staff(id="a", unit="U"), Staff(id="it", unit="U", rotates=False)]
    p = tiny_problem(staff=staff, policy=quiet_policy(teams={"rotation": "free", "balance": False}))
    rep = check(p, tiny_roster(p, on=[("a", 0, "AM"), ("it", 0, "AM")], teams={"a": 1}))
    assert rep.ok


@pytest.mark.parametrize(
    ("rotation", "closed", "cells", "off_pattern"),
    [
        # day: open day i -> team i mod 2.
        ("day", [], [("s0", 0, "AM"), ("s0", 2, "PM"), ("s1", 1, "AM")], []),
        ("day", [], [("s0", 1, "AM")], [("s0", 1, "AM")]),
        # Tue 14 Dec closed: Wed (day 2) is open day 1 -> team 1.
        ("day", [dt.date(2021, 12, 14)], [("s1", 2, "AM"), ("s0", 3, "AM")], []),
        # half_day: (open day i, shift j) -> team (i + j) mod 2.
        ("half_day", [], [("s0", 0, "AM"), ("s1", 0, "PM"), ("s1", 1, "AM"), ("s0", 1, "PM")], []),
        ("half_day", [], [("s0", 0, "PM")], [("s0", 0, "PM")]),
        # week: calendar week w -> team w mod 2 (the horizon here is 10 days from Monday).
        ("week", [], [("s0", 4, "AM"), ("s1", 7, "AM")], []),
        ("week", [], [("s0", 7, "AM")], [("s0", 7, "AM")]),
    ],
)
def test_rotation_pattern(rotation: str, closed: list, cells: list, off_pattern: list) -> None:
    p = tiny_problem(
        days=10,
        closed_dates=closed,
        policy=quiet_policy(teams={"rotation": rotation, "balance": False}),
    )
    rep = check(p, tiny_roster(p, on=cells, teams={"s0": 0, "s1": 1, "s2": 0}))
    found = [(v.staff, p.horizon.day(v.date), v.shift) for v in rep.violations]
    assert all(v.rule == "teams.rotation" for v in rep.violations)
    assert found == off_pattern


def test_rotation_soft_costs_weight_per_person_slot() -> None:
    p = tiny_problem(policy=quiet_policy(teams={"hard": False, "weight": 3, "balance": False}))
    rep = check(
        p,
        tiny_roster(
            p,
            on=[("s0", 1, "AM"), ("s0", 1, "PM"), ("s0", 3, "AM")],
            teams={"s0": 0, "s1": 1, "s2": 0},
        ),
    )
    # Team 0 on days 1 and 3 (team 1's days): three person-slots x 3 = 9.
    assert cost(rep, "teams.rotation") == 9


@pytest.mark.parametrize(
    ("teams", "count", "excess"),
    [
        ({"s0": 0, "s1": 1, "s2": 0, "s3": 1}, 2, 0),  # 2/2
        ({"s0": 0, "s1": 1, "s2": 0, "s3": 0}, 2, 1),  # 3/1: differ by 2, 1 beyond 1
        ({"s0": 0, "s1": 0, "s2": 0, "s3": 0}, 2, 3),  # 4/0
        ({"s0": 0, "s1": 1, "s2": 2, "s3": 0}, 3, 0),  # 2/1/1
        ({"s0": 0, "s1": 0, "s2": 0, "s3": 1}, 3, 2),  # 3/1/0: empty team counts as 0
    ],
)
def test_team_balance(teams: dict, count: int, excess: int) -> None:
    hard = tiny_problem(n_staff=4, policy=quiet_policy(teams={"count": count, "rotation": "free"}))
    assert rules(check(hard, tiny_roster(hard, teams=teams))) == (
        ["teams.balance"] if excess else []
    )
    soft = tiny_problem(
        n_staff=4,
        policy=quiet_policy(teams={"count": count, "rotation": "free", "hard": False, "weight": 6}),
    )
    # Soft: 6 per person of difference beyond one.
    assert cost(check(soft, tiny_roster(soft, teams=teams)), "teams.balance") == 6 * excess


def test_team_balance_is_per_unit_among_rotating_staff() -> None:
    staff = [
        Staff(id="a0", unit="A"),
        Staff(id="a1", unit="A"),
        Staff(id="b0", unit="B"),
        Staff(id="b1", unit="B"),
        Staff(id="it", unit="B", rotates=False),
    ]
    p = tiny_problem(staff=staff, units=("A", "B"), policy=quiet_policy(teams={"rotation": "free"}))
    # Site-wide team 0 has 3 and team 1 has 1, but each unit is 1/1 (and `it` does not rotate).
    rep = check(p, tiny_roster(p, teams={"a0": 0, "a1": 1, "b0": 0, "b1": 1}))
    assert rep.ok


@pytest.mark.parametrize(
    ("staff_team", "roster_teams", "broken"),
    [
        (None, {"s0": 1}, False),
        (None, {}, True),  # rotating person without a team
        (None, {"s0": 2}, True),  # out of range (teams 0 and 1)
        (1, {"s0": 0}, True),  # fixed team not kept
        (1, {}, False),  # the fixed team stands when the roster omits it
    ],
)
def test_team_assignment(staff_team: int | None, roster_teams: dict, broken: bool) -> None:
    staff = [Staff(id="s0", unit="U", team=staff_team), Staff(id="s1", unit="U", rotates=False)]
    p = tiny_problem(staff=staff, policy=quiet_policy(teams={"rotation": "free", "balance": False}))
    rep = check(p, tiny_roster(p, teams=roster_teams))
    assert rules(rep) == (["teams.assignment"] if broken else [])


# ---- rapid tests ------------------------------------------------------------------------------


def test_last_test_before_the_horizon_covers_its_valid_days() -> None:
    staff = [Staff(id="s0", name="An", unit="U", last_test=dt.date(2021, 12, 12))]
    p = tiny_problem(staff=staff, policy=quiet_policy(tests={"valid_days": 3, "cost_per_test": 0}))
    # Test on Sun 12 Dec (day -1) covers days -1, 0, 1; day 2 is not covered.
    rep = check(p, tiny_roster(p, on=on_days("s0", "xxx")))
    assert rules(rep) == ["tests.coverage"] and rep.violations[0].date == dt.date(2021, 12, 15)
    # A test booked on day 2 covers days 2-4.
    rep = check(p, tiny_roster(p, on=on_days("s0", "xxxxx"), tests=[("s0", 2)]))
    assert rep.ok


def test_tests_soft_coverage_and_cost() -> None:
    p = tiny_problem(
        policy=quiet_policy(tests={"hard": False, "weight": 5, "valid_days": 2, "cost_per_test": 2})
    )
    rep = check(p, tiny_roster(p, on=on_days("s0", "xxxxx"), tests=[("s0", 0), ("s0", 3)]))
    # Tests on days 0 and 3 cover 0, 1, 3, 4: day 2 uncovered -> 1 x 5 = 5.
    # Two tests booked x 2 = 4. Objective 9.
    assert cost(rep, "tests.coverage") == 5 and cost(rep, "tests.cost") == 4
    assert rep.ok and rep.objective == 9


def test_tests_daily_capacity_is_hard() -> None:
    p = tiny_problem(policy=quiet_policy(tests={"daily_capacity": 1}))
    cells = [("s0", 0, "AM"), ("s1", 0, "AM")]
    rep = check(p, tiny_roster(p, on=cells, tests=[("s0", 0), ("s1", 0)]))
    assert rules(rep) == ["tests.capacity"]


@pytest.mark.parametrize(
    ("on_site_day_only", "test_day", "broken"),
    [
        (True, 0, False),
        (True, 1, True),  # not on site on day 1
        (False, 1, False),
        (False, 5, True),  # Saturday: the office is closed
    ],
)
def test_test_day_allowed(on_site_day_only: bool, test_day: int, broken: bool) -> None:
    p = tiny_problem(days=7, policy=quiet_policy(tests={"on_site_day_only": on_site_day_only}))
    rep = check(p, tiny_roster(p, on=[("s0", 0, "AM")], tests=[("s0", 0), ("s0", test_day)]))
    assert rules(rep) == (["tests.day"] if broken else [])


# ---- coverage ---------------------------------------------------------------------------------


def _post_problem(post: Post, **policy) -> tuple:
    p = tiny_problem(
        days=1, shifts=tiny_shifts()[:1], n_staff=6, posts=[post], policy=quiet_policy(**policy)
    )
    return p, lambda n: tiny_roster(p, on=[(f"s{i}", 0, "AM", post.id) for i in range(n)])


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, ["coverage.under"]), (1, ["coverage.under"]), (2, []), (3, []), (4, ["coverage.over"])],
)
def test_coverage_hard(n: int, expected: list) -> None:
    p, roster = _post_problem(Post(id="c", demands=[Demand(min=2, max=3)]), coverage={})
    assert rules(check(p, roster(n))) == expected


def test_coverage_soft_under_uses_policy_weight() -> None:
    p, roster = _post_problem(
        Post(id="c", demands=[Demand(min=2)]), coverage={"hard": False, "weight": 10}
    )
    # Nobody at a post needing 2: 2 missing x 10 = 20.
    assert cost(check(p, roster(0)), "coverage.under") == 20


def test_coverage_post_weights_apply_even_with_coverage_off() -> None:
    post = Post(id="c", demands=[Demand(min=2, max=3)], under_weight=3, over_weight=2)
    p, roster = _post_problem(post)
    assert cost(check(p, roster(0)), "coverage.under") == 6  # 2 missing x 3
    assert cost(check(p, roster(5)), "coverage.over") == 4  # 2 extra x 2
    assert check(p, roster(5)).ok


def test_coverage_off_ignores_shortfall_but_max_stays_hard() -> None:
    p, roster = _post_problem(Post(id="c", demands=[Demand(min=2, max=3)]))
    assert check(p, roster(0)).ok
    assert rules(check(p, roster(4))) == ["coverage.over"]


def test_slot_demand_overrides_weekly_demand() -> None:
    post = Post(
        id="c",
        demands=[Demand(min=1)],
        slot_demands=[SlotDemand(date=dt.date(2021, 12, 14), shift="AM", min=0)],
    )
    p = tiny_problem(
        days=2,
        shifts=tiny_shifts()[:1],
        posts=[post],
        policy=quiet_policy(coverage={"hard": False, "weight": 1}),
    )
    rep = check(p, tiny_roster(p))
    # Day 0 needs 1 (missing), day 1 needs 0.
    assert cost(rep, "coverage.under") == 1 and rep.penalties[0].date == MONDAY


# ---- contracts --------------------------------------------------------------------------------


def _contract_problem(days: int = 7, shifts: list[ShiftType] | None = None, **contract) -> tuple:
    p = tiny_problem(
        days=days,
        n_staff=1,
        shifts=shifts,
        opening=ALL_WEEK,
        policy=quiet_policy(contracts={"default": Contract(**contract)}),
    )
    return p, lambda cells: check(p, tiny_roster(p, on=cells))


def test_max_shifts_per_day() -> None:
    _, run = _contract_problem(max_shifts_per_day=1)
    assert run([("s0", 0, "AM"), ("s0", 1, "AM")]).ok
    assert rules(run([("s0", 0, "AM"), ("s0", 0, "PM")])) == ["contract.per_day"]


def test_min_rest_same_and_next_day() -> None:
    shifts = tiny_shifts() + [ShiftType(id="N", start=dt.time(22), end=dt.time(6))]
    _, run = _contract_problem(shifts=shifts, min_rest_hours=1.5)
    # AM ends 11:30, PM starts 13:00: 1h30 rest, enough.
    assert run([("s0", 0, "AM"), ("s0", 0, "PM")]).ok
    # Night Mon 22:00-Tue 06:00, then Tue AM 07:30: 1h30, enough.
    assert run([("s0", 0, "N"), ("s0", 1, "AM")]).ok
    # Night Mon then Tue night: 16h.
    assert run([("s0", 0, "N"), ("s0", 1, "N")]).ok
    _, run = _contract_problem(shifts=shifts, min_rest_hours=2)
    assert rules(run([("s0", 0, "AM"), ("s0", 0, "PM")])) == ["contract.rest"]
    assert rules(run([("s0", 0, "N"), ("s0", 1, "AM")])) == ["contract.rest"]
    # Night shift overlapping nothing on the same day but PM 13:00-17:00 then N 22:00: 5h.
    assert run([("s0", 0, "PM"), ("s0", 0, "N")]).ok


def test_count_limit_soft_max_exact_cost() -> None:
    _, run = _contract_problem(counts=[CountLimit(soft_max=3, max_weight=4)])
    # 5 on-site shifts against soft_max 3: 2 x 4 = 8.
    rep = run(on_days("s0", "xxxxx"))
    assert rep.ok and cost(rep, "contract.count.max") == 8


@pytest.mark.parametrize(
    ("limit", "pattern", "expected"),
    [
        (CountLimit(hard_max=2), "xxx", ["contract.count.max"]),
        (CountLimit(hard_max=3), "xxx", []),
        (CountLimit(hard_min=2), "x", ["contract.count.min"]),
        (CountLimit(measure="days_off", hard_min=4), "xxxx", ["contract.count.min"]),  # 3 off
        (CountLimit(measure="days_off", hard_min=3), "xxxx", []),
        (CountLimit(measure="shifts", shifts=["PM"], hard_min=1), "xxxx", ["contract.count.min"]),
    ],
)
def test_count_limit_hard(limit: CountLimit, pattern: str, expected: list) -> None:
    _, run = _contract_problem(counts=[limit])
    assert rules(run(on_days("s0", pattern))) == expected


def test_count_limit_minutes_and_days() -> None:
    _, run = _contract_problem(
        counts=[
            CountLimit(measure="minutes", soft_max=300),
            CountLimit(measure="days", soft_min=3, min_weight=7),
        ]
    )
    rep = run([("s0", 0, "AM"), ("s0", 0, "PM")])
    # Minutes: 240 + 240 = 480, 180 above 300 x 1 = 180. Days: 1 day, 2 below 3 x 7 = 14.
    assert cost(rep, "contract.count.max") == 180
    assert cost(rep, "contract.count.min") == 14


def test_count_limit_per_week_counts_partial_weeks() -> None:
    # Start Thursday 16 Dec, 7 days: week 1 Thu-Sun (4 days), week 2 Mon-Wed (3 days).
    p = tiny_problem(
        days=7,
        n_staff=1,
        start=dt.date(2021, 12, 16),
        opening=ALL_WEEK,
        policy=quiet_policy(
            contracts={
                "default": Contract(
                    counts=[CountLimit(window="week", measure="days", soft_min=2, min_weight=3)]
                )
            }
        ),
    )
    rep = check(p, tiny_roster(p, on=on_days("s0", "x---x--")))
    # One day in each week, 1 below 2 twice: 2 x 3 = 6.
    assert cost(rep, "contract.count.min") == 6
    assert [x.date for x in rep.penalties] == [dt.date(2021, 12, 16), dt.date(2021, 12, 20)]


@pytest.mark.parametrize(
    ("limit", "pattern", "expected"),
    [
        (RunLimit(hard_min=2), "-x-----", ["contract.run.min"]),
        (RunLimit(hard_min=2), "x------", []),  # touches day 0: exempt from the minimum
        (RunLimit(hard_min=2, exempt_at_borders=False), "x------", ["contract.run.min"]),
        (RunLimit(hard_min=2), "------x", []),  # touches the last day
        (RunLimit(hard_min=2), "-xx-x-x", ["contract.run.min"]),  # only the run on day 4
        (RunLimit(hard_max=2), "xxx----", ["contract.run.max"]),  # maximum applies at borders
        (RunLimit(hard_max=3), "xxx-xxx", []),
        (RunLimit(state="off", hard_min=2), "x-x--xx", ["contract.run.min"]),  # off on day 1
        (RunLimit(state="off", hard_max=2), "xx---xx", ["contract.run.max"]),
        (RunLimit(shifts=["PM"], hard_min=2), "-x-----", []),  # AM days are not PM runs
        # Off for a shift filter: days without a PM shift. AM on day 1 does not break the run.
        (RunLimit(state="off", shifts=["PM"], hard_max=6), "-x-----", ["contract.run.max"]),
        (RunLimit(state="off", hard_max=6), "-x-----", []),
    ],
)
def test_run_limit_hard(limit: RunLimit, pattern: str, expected: list) -> None:
    _, run = _contract_problem(runs=[limit])
    assert rules(run(on_days("s0", pattern))) == expected


def test_run_limit_soft_costs_per_run() -> None:
    _, run = _contract_problem(runs=[RunLimit(soft_min=3, min_weight=2, soft_max=1, max_weight=5)])
    rep = run(on_days("s0", "-x-xx--"))
    # Runs: day 1 (length 1) and days 3-4 (length 2), neither at a border.
    # Minimum 3: (3 - 1) x 2 + (3 - 2) x 2 = 6. Maximum 1: (2 - 1) x 5 = 5.
    assert cost(rep, "contract.run.min") == 6
    assert cost(rep, "contract.run.max") == 5


def test_succession() -> None:
    _, run = _contract_problem(successions=[Succession(first="PM", then="AM")])
    assert run([("s0", 0, "AM"), ("s0", 1, "PM"), ("s0", 3, "AM")]).ok
    rep = run([("s0", 0, "PM"), ("s0", 1, "AM")])
    assert rules(rep) == ["contract.succession"] and rep.violations[0].date == dt.date(2021, 12, 14)
    _, run = _contract_problem(successions=[Succession(first="PM", then="AM", weight=5)])
    # Two PM -> AM successions: 2 x 5 = 10.
    rep = run([("s0", 0, "PM"), ("s0", 1, "AM"), ("s0", 1, "PM"), ("s0", 2, "AM")])
    assert rep.ok and cost(rep, "contract.succession") == 10


def test_weekends() -> None:
    _, run = _contract_problem(days=14, weekends=WeekendLimit(hard_max=1, soft_max=0, weight=3))
    # Sat 18 Dec and Sun 26 Dec: two weekends worked; a Saturday plus Sunday of one weekend
    # would count once.
    rep = run([("s0", 5, "AM"), ("s0", 13, "AM")])
    assert rules(rep) == ["contract.weekends"]
    assert cost(rep, "contract.weekends") == 6  # 2 above soft_max 0, x 3
    rep = run([("s0", 5, "AM"), ("s0", 6, "PM")])
    assert rep.ok and cost(rep, "contract.weekends") == 3


def test_contracts_follow_each_persons_contract() -> None:
    staff = [Staff(id="a", unit="U"), Staff(id="b", unit="U", contract="part")]
    policy = quiet_policy(
        contracts={"default": Contract(), "part": Contract(counts=[CountLimit(hard_max=1)])}
    )
    p = tiny_problem(staff=staff, policy=policy)
    rep = check(p, tiny_roster(p, on=on_days("a", "xx") + on_days("b", "xx")))
    assert rules(rep) == ["contract.count.max"] and rep.violations[0].staff == "b"


# ---- fairness ---------------------------------------------------------------------------------


def test_fairness_max_minus_min() -> None:
    p = tiny_problem(policy=quiet_policy(fairness={"weight": 5}))
    rep = check(p, tiny_roster(p, on=on_days("s0", "xxx") + on_days("s1", "x")))
    # s0 3 shifts, s1 1, s2 0: (3 - 0) x 5 = 15.
    assert cost(rep, "fairness") == 15 and rep.objective == 15


def test_fairness_leaves_out_absent_and_non_rotating_staff() -> None:
    staff = [
        Staff(id="a", unit="U"),
        Staff(id="b", unit="U"),
        Staff(id="c", unit="U"),
        Staff(id="it", unit="U", rotates=False),
    ]
    absence = Absence(staff="c", start=dt.date(2021, 12, 17), end=dt.date(2021, 12, 17))
    p = tiny_problem(staff=staff, policy=quiet_policy(fairness={"weight": 5}), absences=[absence])
    rep = check(
        p, tiny_roster(p, on=on_days("a", "xxx") + on_days("b", "x") + on_days("it", "xxxxx"))
    )
    # Eligible: a (3) and b (1): (3 - 1) x 5 = 10.
    assert cost(rep, "fairness") == 10


# ---- requests ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on_site", "shift", "cells", "unmet"),
    [
        (True, "AM", [("s0", 0, "AM")], False),
        (True, "AM", [("s0", 0, "PM")], True),  # another shift
        (True, "AM", [], True),
        (True, None, [("s0", 0, "PM")], False),
        (True, None, [], True),
        (False, "AM", [("s0", 0, "PM")], False),
        (False, "AM", [("s0", 0, "AM")], True),
        (False, None, [], False),
        (False, None, [("s0", 0, "AM"), ("s0", 0, "PM")], True),  # charged once
    ],
)
def test_requests(on_site: bool, shift: str | None, cells: list, unmet: bool) -> None:
    req = Request(staff="s0", date=MONDAY, shift=shift, on_site=on_site, weight=2)
    p = tiny_problem(policy=quiet_policy(requests=RequestRule(multiplier=3)), requests=[req])
    rep = check(p, tiny_roster(p, on=cells))
    # Unmet: weight 2 x multiplier 3 = 6, once.
    assert [x.cost for x in rep.penalties] == ([6] if unmet else [])


def test_requests_off_or_outside_horizon_cost_nothing() -> None:
    reqs = [Request(staff="s0", date=MONDAY - dt.timedelta(days=1))]
    p = tiny_problem(policy=quiet_policy(requests={}), requests=reqs)
    assert check(p, tiny_roster(p)).objective == 0
    p = tiny_problem(policy=quiet_policy(), requests=[Request(staff="s0", date=MONDAY)])
    assert check(p, tiny_roster(p)).objective == 0


# ---- switches ---------------------------------------------------------------------------------


def test_disabled_families_report_nothing() -> None:
    absence = Absence(staff="s0", start=MONDAY, end=MONDAY)
    p = tiny_problem(n_staff=3, policy=quiet_policy(), absences=[absence])
    cells = [("s0", 0, "AM"), ("s1", 0, "AM"), ("s2", 0, "AM")]
    rep = check(p, tiny_roster(p, on=cells, teams={"s0": 0, "s1": 1}))
    assert rep.ok and rep.objective == 0


def test_zero_weight_soft_rules_produce_no_penalty() -> None:
    p = tiny_problem(
        n_staff=3,
        policy=quiet_policy(
            cap=CapRule(hard=False, weight=0),
            coverage=RuleSwitch(hard=False, weight=0),
            tests=RapidTestRule(hard=False, weight=0, cost_per_test=0),
            teams=TeamRule(hard=False, weight=0),
        ),
        posts=[Post(id="c")],
    )
    rep = check(
        p, tiny_roster(p, on=[("s0", 0, "AM"), ("s1", 0, "AM")], teams={"s0": 0, "s1": 1, "s2": 0})
    )
    assert rep.ok and rep.penalties == []


# ---- summary figures --------------------------------------------------------------------------


def test_summary_figures() -> None:
    p = tiny_problem(
        days=2,
        n_staff=3,
        posts=[Post(id="c", name="Counter", demands=[Demand(min=1, max=1)])],
        policy=quiet_policy(cap={}, tests={}, coverage={"hard": False, "weight": 9}),
    )
    r = tiny_roster(
        p,
        on=[("s0", 0, "AM", "c"), ("s1", 0, "AM")],
        tests=[("s0", 0), ("s1", 0)],
        teams={"s0": 0, "s1": 1, "s2": 0},
    )
    fig = summary_figures(p, r)
    json.dumps(fig)  # plain data
    cap0 = fig["cap"][0]
    assert (cap0["date"], cap0["shift"], cap0["on_site"], cap0["cap"], cap0["over"]) == (
        "2021-12-13",
        "AM",
        2,
        1,
        1,
    )
    assert len(fig["cap"]) == 4  # 2 days x 2 shifts x unit scope
    cov = {(c["date"], c["shift"]): c for c in fig["coverage"]}
    assert cov[("2021-12-13", "AM")]["assigned"] == 1
    assert cov[("2021-12-13", "PM")]["short"] == 1
    assert [t["tests"] for t in fig["tests"]] == [2, 0]
    assert [s["on_site_shifts"] for s in fig["staff"]] == [1, 1, 0]
    pen = {x["rule"]: x for x in fig["penalties"]}
    # Three uncovered slots (Mon PM, Tue AM, Tue PM) x 9 = 27; two tests x 1 = 2.
    assert pen["coverage.under"]["cost"] == 27 and pen["tests.cost"]["cost"] == 2
    assert {v["rule"]: v["count"] for v in fig["violations"]} == {"cap": 1}
    assert fig["objective"] == 29 and fig["ok"] is False


# ---- scale ------------------------------------------------------------------------------------


def test_check_is_fast_on_3000_staff_for_28_days() -> None:
    units = tuple(f"u{i}" for i in range(30))
    staff = [
        Staff(id=f"p{i}", name=f"P {i}", unit=units[i % 30], skills=["desk"]) for i in range(3000)
    ]
    posts = [
        Post(id=f"c{i}", skill="desk", unit=units[i], demands=[Demand(min=1, max=2)])
        for i in range(30)
    ]
    contract = Contract(
        max_shifts_per_day=1,
        min_rest_hours=1,
        counts=[CountLimit(window="week", soft_max=4)],
        runs=[RunLimit(hard_max=5, soft_min=2)],
        weekends=WeekendLimit(soft_max=1),
    )
    p = tiny_problem(
        days=28,
        staff=staff,
        units=units,
        posts=posts,
        skills=["desk"],
        opening=ALL_WEEK,
        policy=quiet_policy(
            cap={},
            teams={},
            tests={},
            coverage={},
            availability={},
            fairness={},
            requests={},
            contracts={"default": contract},
        ),
    )
    cells = []
    for i, s in enumerate(staff):
        for d in range(i % 2, 28, 2):
            post = f"c{i % 30}" if i < 60 else None
            cells.append((s.id, d, "AM" if i % 3 else "PM", post))
    r = tiny_roster(
        p,
        on=cells,
        tests=[(s.id, d) for s in staff for d in range(0, 28, 3)],
        teams={s.id: i % 2 for i, s in enumerate(staff)},
    )
    t0 = time.perf_counter()
    rep = check(p, r)
    elapsed = time.perf_counter() - t0
    assert len(r.assignments) == 42000 and rep.violations
    assert elapsed < 10, f"check took {elapsed:.1f}s"


# ---- unknown references in the test plan and the teams ----------------------------------------


def test_unknown_staff_in_tests_and_teams_and_tests_outside_horizon() -> None:
    p = tiny_problem(policy=quiet_policy(tests={}))
    r = Roster(
        tests=[
            {"staff": "ghost", "date": MONDAY},
            {"staff": "s0", "date": MONDAY - dt.timedelta(days=3)},
        ],
        teams={"ghost": 0},
    )
    assert rules(check(p, r)) == ["tests.day", "unknown", "unknown"]


def test_fixed_cell_outside_the_horizon_is_ignored() -> None:
    cell = FixedCell(staff="s0", date=MONDAY + dt.timedelta(days=30), shift="AM")
    p = tiny_problem(policy=quiet_policy(), fixed=[cell])
    assert check(p, tiny_roster(p)).ok


# ---- everything on: a correct roster ----------------------------------------------------------


def test_default_policy_correct_roster_and_exact_objective() -> None:
    """The product's default policy (cap 1/3, two teams rotating by day, 3-day tests, coverage,
    availability, fairness 5, requests) on 6 people and one counter needing 1 per slot."""
    p = tiny_problem(n_staff=6, posts=[Post(id="c1", name="Counter 1")], objective_offset=100)
    teams = {"s0": 0, "s1": 0, "s2": 0, "s3": 1, "s4": 1, "s5": 1}
    # Days 0, 2, 4 are team 0's, days 1, 3 team 1's; one person per slot at the counter.
    plan = {0: ("s0", "s1"), 1: ("s3", "s4"), 2: ("s2", "s0"), 3: ("s5", "s3"), 4: ("s1", "s2")}
    cells = [(am, d, "AM", "c1") for d, (am, _pm) in plan.items()]
    cells += [(pm, d, "PM", "c1") for d, (_am, pm) in plan.items()]
    # Tests: s0 day 0 (covers 0-2), s1 days 0 and 4, s2 day 2 (covers 2-4), s3 day 1 (1-3),
    # s4 day 1, s5 day 3: 7 tests.
    tests = [("s0", 0), ("s1", 0), ("s1", 4), ("s2", 2), ("s3", 1), ("s4", 1), ("s5", 3)]
    rep = check(p, tiny_roster(p, on=cells, tests=tests, teams=teams))
    assert rep.ok, [v.message for v in rep.violations]
    # Shifts: s0-s3 two each, s4 and s5 one each: fairness (2 - 1) x 5 = 5.
    # Tests: 7 x 1 = 7. Objective 5 + 7 + offset 100 = 112.
    assert cost(rep, "fairness") == 5 and cost(rep, "tests.cost") == 7
    assert rep.objective == 112
    assert rep.objective == sum(x.cost for x in rep.penalties) + 100
