"""The referee's availability check (``roster/referee/availability.py``) alone, on tiny hand-built
problems (see ``tests/roster/test_validation.py`` for the conventions)."""

from __future__ import annotations

import datetime as dt

import pytest

from roster.model import (
    Absence,
    AbsenceReason,
)
from roster.validation import check
from tests.helpers import (
    MONDAY,
    penalty_cost,
    quiet_policy,
    tiny_problem,
    tiny_roster,
    violated_rules,
)


@pytest.mark.parametrize("reason", list(AbsenceReason))
def test_on_site_during_an_absence(reason: AbsenceReason) -> None:
    absence = Absence(
        staff="s0",
        start=dt.date(2021, 12, 14),
        end=dt.date(2021, 12, 15),
        shifts=["AM"],
        reason=reason,
    )
    p = tiny_problem(policy=quiet_policy(availability={}), absences=[absence])
    # Day 1 AM and day 2 AM are covered; day 1 PM and day 3 AM are not.
    on = [("s0", 1, "AM"), ("s0", 2, "AM"), ("s0", 1, "PM"), ("s0", 3, "AM")]
    rep = check(p, tiny_roster(p, on=on))
    assert violated_rules(rep) == ["availability", "availability"]
    assert reason.value in rep.violations[0].message


def test_availability_soft_costs_weight_per_slot() -> None:
    absence = Absence(staff="s0", start=MONDAY, end=MONDAY)
    p = tiny_problem(
        policy=quiet_policy(availability={"hard": False, "weight": 7}), absences=[absence]
    )
    rep = check(p, tiny_roster(p, on=[("s0", 0, "AM"), ("s0", 0, "PM")]))
    # Two person-slots inside the absence: 2 x 7 = 14.
    assert rep.ok and penalty_cost(rep, "availability") == 14 and rep.objective == 14
