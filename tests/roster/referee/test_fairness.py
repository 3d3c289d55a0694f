"""The referee's fairness check (``roster/referee/fairness.py``) alone, on tiny hand-built
problems (see ``tests/roster/test_validation.py`` for the conventions)."""

from __future__ import annotations

import datetime as dt

from roster.model import (
    Absence,
    Staff,
)
from roster.validation import check
from tests.helpers import (
    on_days,
    penalty_cost,
    quiet_policy,
    tiny_problem,
    tiny_roster,
)


def test_fairness_max_minus_min() -> None:
    p = tiny_problem(policy=quiet_policy(fairness={"weight": 5}))
    rep = check(p, tiny_roster(p, on=on_days("s0", "xxx") + on_days("s1", "x")))
    # s0 3 shifts, s1 1, s2 0: (3 - 0) x 5 = 15.
    assert penalty_cost(rep, "fairness") == 15 and rep.objective == 15


def test_fairness_leaves_out_absent_and_non_rotating_staff() -> None:
    staff = [
        Staff(id="a", unit="U"),
        Staff(id="b", unit="U"),
        Staff(id="c", unit="U"),
        Staff(id="it", unit="U", rotates=False),
    ]
    absence = Absence(staff="c", start=dt.date(2021, 12, 17), end=dt.date(2021, 12, 17))
    p = tiny_problem(staff=staff, policy=quiet_policy(fairness={"weight": 5}), absences=[absence])
    rep = check(
        p, tiny_roster(p, on=on_days("a", "xxx") + on_days("b", "x") + on_days("it", "xxxxx"))
    )
    # Eligible: a (3) and b (1): (3 - 1) x 5 = 10.
    assert penalty_cost(rep, "fairness") == 10
