"""The resilience rule: each team holds someone qualified for every essential skill (soft)."""

from __future__ import annotations

from roster.validation import check
from tests.helpers import solve_checked
from tests.repair.offices import it_office


def test_resilience_objective_splits_the_skill_holders() -> None:
    p = it_office(resilience=True)
    p.policy.teams.rotation = "free"
    result = solve_checked(p, time_limit=5, workers=1)
    assert result.roster is not None
    assert result.roster.teams["s0"] != result.roster.teams["s1"]
    assert result.objective == 0


def test_resilience_penalty_when_a_team_cannot_hold_the_skill() -> None:
    p = it_office(resilience=True, holders=1)
    p.policy.teams.rotation = "free"
    result = solve_checked(p, time_limit=5, workers=1)  # the referee prices it the same
    assert result.roster is not None
    report = check(p, result.roster)
    assert [(x.rule, x.cost) for x in report.penalties] == [("resilience", 200)]
    assert result.objective == 200
