"""The referee's teams check (``roster/referee/teams.py``) alone, on tiny hand-built
problems (see ``tests/roster/test_validation.py`` for the conventions)."""

from __future__ import annotations

import datetime as dt

import pytest

from roster.model import (
    Staff,
)
from roster.validation import check
from tests.helpers import (
    penalty_cost,
    quiet_policy,
    tiny_problem,
    tiny_roster,
    violated_rules,
)


def test_teams_mixing() -> None:
    p = tiny_problem(policy=quiet_policy(teams={"rotation": "free", "balance": False}))
    teams = {"s0": 0, "s1": 1, "s2": 0}
    rep = check(p, tiny_roster(p, on=[("s0", 0, "AM"), ("s2", 0, "AM")], teams=teams))
    assert rep.ok
    rep = check(p, tiny_roster(p, on=[("s0", 0, "AM"), ("s1", 0, "AM")], teams=teams))
    assert violated_rules(rep) == ["teams.mix"]


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
    assert rep.ok and penalty_cost(rep, "teams.mix") == 8


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
    assert penalty_cost(rep, "teams.rotation") == 9


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
    assert violated_rules(check(hard, tiny_roster(hard, teams=teams))) == (
        ["teams.balance"] if excess else []
    )
    soft = tiny_problem(
        n_staff=4,
        policy=quiet_policy(teams={"count": count, "rotation": "free", "hard": False, "weight": 6}),
    )
    # Soft: 6 per person of difference beyond one.
    assert penalty_cost(check(soft, tiny_roster(soft, teams=teams)), "teams.balance") == 6 * excess


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
    assert violated_rules(rep) == (["teams.assignment"] if broken else [])
