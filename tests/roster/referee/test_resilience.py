"""The referee's resilience check (``roster/referee/resilience.py``) alone, on tiny hand-built
problems (see ``tests/roster/test_validation.py`` for the conventions)."""

from __future__ import annotations

import pytest

from roster.model import Staff
from roster.validation import check
from tests.helpers import penalty_cost, quiet_policy, tiny_problem, tiny_roster


def _office(holders: list[str], teams: dict[str, int], *, enabled: bool = True, **staff_fields):
    """Four people, two teams; ``holders`` hold the essential skill 'seal'."""
    staff = [
        Staff(
            id=f"s{i}",
            name=f"Person {i}",
            unit="U",
            skills=["seal"] if f"s{i}" in holders else [],
            **(staff_fields if f"s{i}" in holders else {}),
        )
        for i in range(4)
    ]
    policy = quiet_policy(
        teams={"count": 2, "rotation": "free"},
        resilience={"enabled": enabled, "weight": 200, "skills": ["seal"]},
    )
    p = tiny_problem(staff=staff, skills=["seal"], policy=policy)
    return check(p, tiny_roster(p, teams=teams))


@pytest.mark.parametrize(
    ("holders", "teams", "cost"),
    [
        (["s0", "s1"], {"s0": 0, "s1": 1, "s2": 0, "s3": 1}, 0),  # one holder in each team
        (["s0", "s1"], {"s0": 0, "s1": 0, "s2": 1, "s3": 1}, 200),  # team 2 has none: 1 x 200
        ([], {"s0": 0, "s1": 1, "s2": 0, "s3": 1}, 400),  # nobody holds it: 2 teams x 200
    ],
)
def test_each_team_without_a_holder_costs_the_weight(holders, teams, cost) -> None:
    report = _office(holders, teams)
    assert report.ok
    assert penalty_cost(report, "resilience") == cost


def test_a_holder_outside_the_rotation_covers_every_team() -> None:
    teams = {"s1": 0, "s2": 1, "s3": 1}
    assert penalty_cost(_office(["s0"], teams, rotates=False), "resilience") == 0


def test_resilience_off_costs_nothing() -> None:
    teams = {"s0": 0, "s1": 0, "s2": 1, "s3": 1}
    assert penalty_cost(_office(["s0"], teams, enabled=False), "resilience") == 0
