"""The referee's rapid tests check (``roster/referee/rapid_tests.py``) alone, on tiny hand-built
problems (see ``tests/roster/test_validation.py`` for the conventions)."""

from __future__ import annotations

import datetime as dt

import pytest

from roster.model import (
    Staff,
)
from roster.validation import check
from tests.helpers import (
    on_days,
    penalty_cost,
    quiet_policy,
    tiny_problem,
    tiny_roster,
    violated_rules,
)


def test_last_test_before_the_horizon_covers_its_valid_days() -> None:
    staff = [Staff(id="s0", name="An", unit="U", last_test=dt.date(2021, 12, 12))]
    p = tiny_problem(staff=staff, policy=quiet_policy(tests={"valid_days": 3, "cost_per_test": 0}))
    # Test on Sun 12 Dec (day -1) covers days -1, 0, 1; day 2 is not covered.
    rep = check(p, tiny_roster(p, on=on_days("s0", "xxx")))
    assert violated_rules(rep) == ["tests.coverage"] and rep.violations[0].date == dt.date(
        2021, 12, 15
    )
    # A test booked on day 2 covers days 2-4.
    rep = check(p, tiny_roster(p, on=on_days("s0", "xxxxx"), tests=[("s0", 2)]))
    assert rep.ok


def test_tests_soft_coverage_and_cost() -> None:
    p = tiny_problem(
        policy=quiet_policy(tests={"hard": False, "weight": 5, "valid_days": 2, "cost_per_test": 2})
    )
    rep = check(p, tiny_roster(p, on=on_days("s0", "xxxxx"), tests=[("s0", 0), ("s0", 3)]))
    # Tests on days 0 and 3 cover 0, 1, 3, 4: day 2 uncovered -> 1 x 5 = 5.
    # Two tests booked x 2 = 4. Objective 9.
    assert penalty_cost(rep, "tests.coverage") == 5 and penalty_cost(rep, "tests.cost") == 4
    assert rep.ok and rep.objective == 9


def test_tests_daily_capacity_is_hard() -> None:
    p = tiny_problem(policy=quiet_policy(tests={"daily_capacity": 1}))
    cells = [("s0", 0, "AM"), ("s1", 0, "AM")]
    rep = check(p, tiny_roster(p, on=cells, tests=[("s0", 0), ("s1", 0)]))
    assert violated_rules(rep) == ["tests.capacity"]


@pytest.mark.parametrize(
    ("on_site_day_only", "test_day", "broken"),
    [
        (True, 0, False),
        (True, 1, True),  # not on site on day 1
        (False, 1, False),
        (False, 5, True),  # Saturday: the office is closed
    ],
)
def test_test_day_allowed(on_site_day_only: bool, test_day: int, broken: bool) -> None:
    p = tiny_problem(days=7, policy=quiet_policy(tests={"on_site_day_only": on_site_day_only}))
    rep = check(p, tiny_roster(p, on=[("s0", 0, "AM")], tests=[("s0", 0), ("s0", test_day)]))
    assert violated_rules(rep) == (["tests.day"] if broken else [])
