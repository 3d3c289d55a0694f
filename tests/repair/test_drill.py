"""The resilience drill and single points of failure."""

from __future__ import annotations

import datetime as dt

from roster.drill_report import format_drill, single_points
from roster.model import Absence, Contract, CountLimit, Demand, FixedCell, Post, Problem, Staff
from solver.drill import drill
from tests.helpers import MONDAY, quiet_policy, tiny_problem
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


def cap_office(absent_s2_from: int | None = None) -> Problem:
    """Two teams by day (team 0: s0, s2, s4; team 1: s1, s3, s5). IT support needs a person
    holding 'it' every morning: s0, s1 (unit A) and s2, s3 (unit B) hold it, two per team. The
    B counter needs a person holding 'b' every morning: only s4 (team 0) and s5 (team 1), both
    of unit B. The cap lets one person of each unit on site at a time."""
    staff = [
        Staff(id="s0", name="Person 0", unit="A", skills=["it"]),
        Staff(id="s1", name="Person 1", unit="A", skills=["it"]),
        Staff(id="s2", name="Person 2", unit="B", skills=["it"]),
        Staff(id="s3", name="Person 3", unit="B", skills=["it"]),
        Staff(id="s4", name="Person 4", unit="B", skills=["b"]),
        Staff(id="s5", name="Person 5", unit="B", skills=["b"]),
    ]
    posts = [
        Post(id="it", name="IT support", kind="task", skill="it", demands=[Demand(shifts=["AM"])]),
        Post(id="bc", name="B counter", skill="b", unit="B", demands=[Demand(shifts=["AM"])]),
    ]
    absences = []
    if absent_s2_from is not None:
        first = MONDAY + dt.timedelta(days=absent_s2_from)
        absences.append(Absence(staff="s2", start=first, end=MONDAY + dt.timedelta(days=4)))
    policy = quiet_policy(
        coverage={"enabled": True},
        availability={"enabled": True},
        cap={"max_on_site": 1, "fraction": None},
        teams={"count": 2, "rotation": "day"},
    )
    return tiny_problem(
        staff=staff,
        units=("A", "B"),
        posts=posts,
        skills=["it", "b"],
        policy=policy,
        absences=absences,
    )


CAP_TEAMS = {"s0": 0, "s2": 0, "s4": 0, "s1": 1, "s3": 1, "s5": 1}


def test_single_points_count_the_cap_not_only_heads() -> None:
    """Each team has two IT holders, so the head count finds none for IT (only s4 and s5, the
    sole holders of 'b'). But s2 and s3 are of unit B, whose cap (one on site) the B counter
    takes every morning: without s0, team 0 cannot keep IT covered, nor team 1 without s1.
    The drill flags s0 and s1 as single points of failure by the rules."""
    p = cap_office()
    points, _gaps = single_points(p, CAP_TEAMS)
    assert {(x.staff, x.post) for x in points} == {("s4", "bc"), ("s5", "bc")}
    res = drill(p, CAP_TEAMS, time_limit=8, workers=1)
    by_rules = {(x.staff, x.post) for x in res.single_points if x.why == "rules"}
    assert by_rules == {("s0", "it"), ("s1", "it")}
    assert res.candidates == 4 and res.probed == 4
    s0 = next(x for x in res.single_points if x.staff == "s0")
    assert s0.slots == 3  # team 0's mornings: Mon, Wed, Fri
    assert "Checked against the cap, contracts and absences: 4 of 4" in format_drill(res, p)


def test_single_points_count_absences_not_only_heads() -> None:
    """Without the cap binding (one of unit B may come: the B counter is closed), the two IT
    holders of team 0 cover for each other, except where s2 is absent (from Wednesday): there
    s0 alone is left, and the head count flags s0 for those shifts (Wed and Fri)."""
    p = cap_office(absent_s2_from=2)
    p.policy.cap.max_on_site = 2
    points, _gaps = single_points(p, CAP_TEAMS)
    s0 = [x for x in points if x.staff == "s0"]
    assert [(x.post, x.slots, x.first.weekday()) for x in s0] == [("it", 2, 2)]
    res = drill(p, CAP_TEAMS, time_limit=8, workers=1)
    assert ("s0", "it") in {(x.staff, x.post) for x in res.single_points}
    assert "s2" not in {x.staff for x in res.single_points}


def test_drill_drops_the_fixed_cells_of_the_team_sent_home() -> None:
    """s2 (team 0) is fixed on site on Monday: with team 0 sent home the fixed cell cannot hold,
    and the drill drops it (it used to keep s2 on site, breaking the isolation and keeping team
    1 away that morning: on district-office, every post short on Monday morning)."""
    p = cap_office()
    p.policy.cap.max_on_site = 2
    p.fixed = [FixedCell(staff="s2", date=MONDAY, shift="AM")]
    res = drill(p, CAP_TEAMS, time_limit=8, workers=1)
    t0 = res.teams[0]
    assert t0.ok, (t0.shortfalls, t0.other)
    # Nor is s2 a single point of failure for being fixed on site: sent home, the fixed cell
    # goes too, and s0 covers IT.
    assert {x.staff for x in res.single_points} == {"s4", "s5"}
    assert res.probed == res.candidates == 4
