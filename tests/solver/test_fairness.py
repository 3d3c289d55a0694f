"""Fairness: weight x (max - min) of on-site shifts over a unit's eligible members."""

from roster.model import Absence, FairnessRule
from tests.helpers import date, fix, quiet_policy, solve_checked, tiny_problem


def test_spread_of_on_site_shifts():
    # s0 fixed on site AM and PM, s1 fixed off both: counts 2 and 0 -> 5 x 2 = 10.
    p = tiny_problem(
        days=1,
        n_staff=2,
        policy=quiet_policy(fairness=FairnessRule(weight=5)),
        fixed=fix(("s0", 0, "AM"), ("s0", 0, "PM"), ("s1", 0, "AM", False), ("s1", 0, "PM", False)),
    )
    r = solve_checked(p)
    assert r.objective == 10 and r.penalties[0].unit == "U"


def test_solver_evens_out():
    # s0 fixed on site twice; s1 free: the solver puts s1 on site twice too -> 0.
    p = tiny_problem(
        days=1,
        n_staff=2,
        policy=quiet_policy(fairness=FairnessRule(weight=5)),
        fixed=fix(("s0", 0, "AM"), ("s0", 0, "PM")),
    )
    assert solve_checked(p).objective == 0


def test_people_with_an_absence_are_not_compared():
    # s1 has an absence in the horizon: the unit has one eligible member, no fairness term.
    p = tiny_problem(
        days=2,
        n_staff=2,
        policy=quiet_policy(fairness=FairnessRule(weight=5)),
        absences=[Absence(staff="s1", start=date(1), end=date(1))],
        fixed=fix(("s0", 0, "AM"), ("s1", 0, "AM", False), ("s1", 0, "PM", False)),
    )
    assert solve_checked(p).objective == 0
