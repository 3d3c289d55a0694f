"""The resilience drill and single points of failure."""

from __future__ import annotations

from roster.drill_report import single_points
from solver.drill import drill
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
