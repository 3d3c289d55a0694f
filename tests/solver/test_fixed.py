"""Fixed cells: on site, at a post, not on site, closed slots."""

from roster.model import Post, Request, RequestRule, Status
from tests.helpers import cells, date, fix, quiet_policy, solve_checked, tiny_problem


def test_fixed_on_site_and_at_post():
    p = tiny_problem(
        days=1,
        n_staff=2,
        posts=[Post(id="c1")],
        policy=quiet_policy(),
        fixed=fix(("s0", 0, "AM"), ("s1", 0, "PM", True, "c1")),
    )
    r = solve_checked(p)
    assert {("s0", 0, "AM"), ("s1", 0, "PM")} <= cells(r, p)
    assert any(a.staff == "s1" and a.post == "c1" for a in r.roster.assignments)


def test_fixed_in_a_closed_slot_is_infeasible():
    # Day 5 is a Saturday; the tiny office opens Monday-Friday.
    p = tiny_problem(days=6, n_staff=1, policy=quiet_policy(), fixed=fix(("s0", 5, "AM")))
    assert solve_checked(p).status == Status.infeasible


def test_fixed_off_beats_a_request():
    # Asked to be on site (2 x multiplier 3) but fixed off -> 6.
    p = tiny_problem(
        days=1,
        n_staff=1,
        fixed=fix(("s0", 0, "AM", False)),
        requests=[Request(staff="s0", date=date(0), shift="AM", weight=2)],
        policy=quiet_policy(requests=RequestRule(multiplier=3)),
    )
    assert solve_checked(p).objective == 6


def test_fixed_not_at_a_post_allows_elsewhere():
    # Not at c1 on Monday AM, but asked to be on site there: general duty meets the wish -> 0.
    p = tiny_problem(
        days=1,
        n_staff=1,
        posts=[Post(id="c1")],
        fixed=fix(("s0", 0, "AM", False, "c1")),
        requests=[Request(staff="s0", date=date(0), shift="AM")],
        policy=quiet_policy(requests=RequestRule()),
    )
    r = solve_checked(p)
    assert r.objective == 0
    assert [a.post for a in r.roster.assignments if a.shift == "AM"] == [None]
