"""The resilience drill, single points of failure and the resilience objective."""

from __future__ import annotations

from roster.drill_report import single_points
from roster.validation import check
from solver.drill import drill
from tests.helpers import solve_checked
from tests.repair.offices import TEAMS, it_office


def test_single_points_of_failure_are_the_only_it_holders_of_each_team() -> None:
    points, gaps = single_points(it_office(), TEAMS)
    assert {(p.staff, p.team, p.post, p.slots) for p in points} == {
        ("s0", 0, "it", 3),
        ("s1", 1, "it", 2),
    }
    assert not gaps


def test_drill_each_team_home_the_other_covers() -> None:
    res = drill(it_office(), TEAMS, time_limit=4, workers=1)
    assert res.ok, res
    assert [t.members for t in res.teams] == [2, 2]


def test_drill_reports_the_shortfall_per_post_and_slot() -> None:
    # s1 may work only 3 shifts: with team 1 at home, IT is short on 2 mornings.
    res = drill(it_office(keeper_max=3), TEAMS, time_limit=4, workers=1)
    t0, t1 = res.teams
    assert not t0.ok and t1.ok
    assert len(t0.shortfalls) == 2 and all(s.post == "it" and s.short == 1 for s in t0.shortfalls)
    assert not res.ok


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
