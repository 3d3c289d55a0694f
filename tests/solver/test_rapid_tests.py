"""Rapid tests: coverage window, last test, daily capacity, booking days, cost per test."""

import datetime as dt

from roster.model import Demand, FairnessRule, Post, RapidTestRule, Status
from solver import build_model
from solver.rules import rapid_tests
from tests.helpers import MONDAY, fix, quiet_policy, solve_checked, tiny_problem, tiny_staff


def test_every_on_site_day_is_covered_at_least_cost():
    # On site Mon-Fri, a test lasts 3 days: tests on Mon and Thu -> 2 tests x 1 = 2.
    p = tiny_problem(
        days=5,
        n_staff=1,
        policy=quiet_policy(tests=RapidTestRule()),
        fixed=fix(*[("s0", d, "AM") for d in range(5)]),
    )
    r = solve_checked(p)
    assert r.objective == 2
    assert [t.date.weekday() for t in r.roster.tests] == [0, 3]


def test_last_test_before_the_horizon_counts():
    # Last test on Sunday covers Sun-Tue; one more test on Wed covers Wed-Fri -> 1.
    staff = tiny_staff(1, last_test=MONDAY - dt.timedelta(days=1))
    p = tiny_problem(
        days=5,
        staff=staff,
        policy=quiet_policy(tests=RapidTestRule()),
        fixed=fix(*[("s0", d, "AM") for d in range(5)]),
    )
    r = solve_checked(p)
    assert r.objective == 1 and r.roster.tests[0].date == MONDAY + dt.timedelta(days=2)


def test_daily_capacity():
    # Both on site Monday, one test a day, tests only on on-site days: impossible.
    pol = quiet_policy(tests=RapidTestRule(daily_capacity=1))
    p = tiny_problem(days=1, n_staff=2, policy=pol, fixed=fix(("s0", 0, "AM"), ("s1", 0, "AM")))
    assert solve_checked(p).status == Status.infeasible
    # Soft coverage (10 a person-day): one test (1) and one uncovered day (10) -> 11.
    pol = quiet_policy(tests=RapidTestRule(daily_capacity=1, hard=False, weight=10))
    p = tiny_problem(days=1, n_staff=2, policy=pol, fixed=fix(("s0", 0, "AM"), ("s1", 0, "AM")))
    r = solve_checked(p)
    assert r.objective == 11
    assert sorted(x.rule for x in r.penalties) == ["tests.cost", "tests.coverage"]


def test_booking_off_site_days_when_allowed():
    # Both on site Tuesday only, capacity 1. Tests allowed on any open day: one tests Monday,
    # one Tuesday (valid 3 days) -> 2 tests = 2.
    pol = quiet_policy(tests=RapidTestRule(daily_capacity=1, on_site_day_only=False))
    p = tiny_problem(days=2, n_staff=2, policy=pol, fixed=fix(("s0", 1, "AM"), ("s1", 1, "AM")))
    r = solve_checked(p)
    assert r.objective == 2 and len({t.date for t in r.roster.tests}) == 2


def test_soft_coverage_cheaper_than_a_test():
    # A test costs 5, an uncovered day 4: cheaper to pay the breach -> 4.
    pol = quiet_policy(tests=RapidTestRule(hard=False, weight=4, cost_per_test=5))
    p = tiny_problem(days=1, n_staff=1, policy=pol, fixed=fix(("s0", 0, "AM")))
    r = solve_checked(p)
    assert r.objective == 4 and r.roster.tests == []


def test_no_tests_on_closed_days():
    # Valid 1 day; on site Friday and Monday after a closed weekend: 2 tests, none at weekend.
    pol = quiet_policy(tests=RapidTestRule(valid_days=1, on_site_day_only=False))
    p = tiny_problem(days=8, n_staff=1, policy=pol, fixed=fix(("s0", 4, "AM"), ("s0", 7, "AM")))
    r = solve_checked(p)
    assert r.objective == 2 and all(t.date.weekday() < 5 for t in r.roster.tests)


def _tested_vars(p) -> list[str]:
    built = build_model(p)
    return [v.name for v in built.model.proto.variables if v.name.startswith("tested[")]


def test_at_least_one_test_cut_only_where_valid():
    # Redundant "on site on an uncovered day -> at least one test": for everyone who may be
    # on site, with hard coverage only; soft coverage may leave a day untested.
    hard = tiny_problem(days=3, n_staff=2, policy=quiet_policy(tests=RapidTestRule()))
    assert _tested_vars(hard) == ["tested[s0,0]", "tested[s1,0]"]
    soft = tiny_problem(
        days=3, n_staff=2, policy=quiet_policy(tests=RapidTestRule(hard=False, weight=4))
    )
    assert _tested_vars(soft) == []


def test_at_least_one_test_cut_per_cluster_of_days():
    # 10 days from Monday, open Mon-Fri, tests valid 3 days: Fri (4) and the next Mon (7) are
    # 3 days apart, so no test covers both: two clusters, one literal each.
    hard = tiny_problem(days=10, n_staff=1, policy=quiet_policy(tests=RapidTestRule()))
    assert _tested_vars(hard) == ["tested[s0,0]", "tested[s0,1]"]
    # On site Friday and the next Monday: two tests, as the per-day rule says.
    p = tiny_problem(
        days=10,
        n_staff=1,
        policy=quiet_policy(tests=RapidTestRule()),
        fixed=fix(("s0", 4, "AM"), ("s0", 7, "AM")),
    )
    assert solve_checked(p).objective == 2


def test_at_least_one_test_cut_spares_days_the_last_test_covers():
    # Last test on Sunday covers Mon-Tue: on site on both, no test is needed (objective 0);
    # on site on Wednesday too, one test (1). The cut must not ask for a test in the first
    # case nor allow none in the second.
    staff = tiny_staff(1, last_test=MONDAY - dt.timedelta(days=1))
    pol = quiet_policy(tests=RapidTestRule())
    p = tiny_problem(days=3, staff=staff, policy=pol, fixed=fix(("s0", 0, "AM"), ("s0", 1, "PM")))
    assert solve_checked(p).objective == 0
    p = tiny_problem(days=3, staff=staff, policy=pol, fixed=fix(("s0", 0, "AM"), ("s0", 2, "AM")))
    assert solve_checked(p).objective == 1


def test_at_least_one_test_cut_with_fairness_gives_the_same_optimum(monkeypatch):
    # Three people, one post needing someone each morning for 4 days, fairness weight 5: the
    # cut changes how fast the optimum is proven, never the optimum.
    pol = quiet_policy(tests=RapidTestRule(), fairness=FairnessRule(weight=5))
    posts = [Post(id="desk", name="Desk", unit="U", demands=[Demand(min=1, max=1)])]
    p = tiny_problem(days=4, n_staff=3, policy=pol, posts=posts, general_duty_allowed=False)
    with_cut = solve_checked(p)
    monkeypatch.setattr(rapid_tests, "AT_LEAST_ONE_TEST", False)
    without = solve_checked(p)
    assert with_cut.status == without.status == Status.optimal
    assert with_cut.objective == without.objective
