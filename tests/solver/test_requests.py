"""Staff requests: each unmet wish costs weight x multiplier."""

from roster.model import Request, RequestRule
from tests.helpers import date, fix, quiet_policy, solve_checked, tiny_problem

POLICY = quiet_policy(requests=RequestRule(multiplier=1))


def test_wish_for_a_shift_met():
    p = tiny_problem(
        days=1,
        n_staff=1,
        policy=POLICY,
        requests=[Request(staff="s0", date=date(0), shift="PM", weight=3)],
    )
    r = solve_checked(p)
    assert r.objective == 0 and [a.shift for a in r.roster.assignments] == ["PM"]


def test_wish_not_to_come_charged_once_per_day():
    # Fixed on site AM and PM, asked not to come that day (4): charged once -> 4.
    p = tiny_problem(
        days=1,
        n_staff=1,
        policy=POLICY,
        fixed=fix(("s0", 0, "AM"), ("s0", 0, "PM")),
        requests=[Request(staff="s0", date=date(0), on_site=False, weight=4)],
    )
    assert solve_checked(p).objective == 4


def test_wish_for_a_day_met_by_any_shift():
    p = tiny_problem(
        days=1,
        n_staff=1,
        policy=POLICY,
        fixed=fix(("s0", 0, "AM", False)),
        requests=[Request(staff="s0", date=date(0), weight=4)],
    )
    r = solve_checked(p)
    assert r.objective == 0 and [a.shift for a in r.roster.assignments] == ["PM"]


def test_wish_in_a_closed_slot_always_costs():
    # Day 5 is a Saturday (closed): the wish cannot be met -> 2 x multiplier 3 = 6.
    p = tiny_problem(
        days=6,
        n_staff=1,
        policy=quiet_policy(requests=RequestRule(multiplier=3)),
        requests=[Request(staff="s0", date=date(5), shift="AM", weight=2)],
    )
    r = solve_checked(p)
    assert r.objective == 6 and r.penalties[0].rule == "requests"
