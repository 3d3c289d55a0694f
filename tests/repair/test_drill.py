"""The resilience drill and single points of failure."""

from __future__ import annotations

from roster.drill_report import format_drill, single_points
from roster.model import Contract, CountLimit
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


def test_single_points_count_contracts_not_only_heads() -> None:
    """Both teams have two IT holders, so the head count finds no single point of failure.
    But s2 (team 1) may come at most once a week while team 1 serves three mornings (Mon, Wed,
    Fri): without s0, team 1 cannot keep IT support covered. The probe finds s0; nobody else
    (without s2, s0 covers all three; team 2's holders are both free)."""
    p = it_office(holders=4)
    p.policy.contracts["short"] = Contract(counts=[CountLimit(hard_max=1)])
    p.staff[2].contract = "short"
    points, _gaps = single_points(p, TEAMS)
    assert points == []
    res = drill(p, TEAMS, time_limit=8, workers=1)
    found = {(x.staff, x.post, x.why) for x in res.single_points}
    assert found == {("s0", "it", "rules")}
    assert res.candidates == 4 and res.probed == 4
    s0 = res.single_points[0]
    assert s0.slots == 2  # s2 takes one of the three mornings, two fall short
    text = format_drill(res, p)
    assert "without them IT support falls short in 2 shift(s)" in text
    assert "Checked against the cap, contracts and absences: 4 of 4" in text
