"""The referee's cap check (``roster/referee/cap.py``) alone, on tiny hand-built
problems (see ``tests/roster/test_validation.py`` for the conventions)."""

from __future__ import annotations

import pytest

from roster.model import (
    CapRule,
    Staff,
)
from roster.validation import check
from tests.helpers import (
    penalty_cost,
    quiet_policy,
    tiny_problem,
    tiny_roster,
    violated_rules,
)


@pytest.mark.parametrize(
    ("cap", "n_staff", "on_site", "over"),
    [
        (CapRule(fraction=1 / 3), 9, 3, 0),  # floor(1/3 x 9) = 3 (not 2.999..)
        (CapRule(fraction=1 / 3), 9, 4, 1),
        (CapRule(fraction=1 / 3), 5, 2, 1),  # floor(1.67) = 1
        (CapRule(fraction=1 / 3, rounding="nearest"), 5, 2, 0),  # round(1.67) = 2
        (CapRule(fraction=0.5, rounding="nearest"), 5, 3, 0),  # 2.5 rounds half up to 3
        (CapRule(fraction=1 / 3, rounding="ceil"), 4, 2, 0),  # ceil(1.33) = 2
        (CapRule(fraction=0.1), 5, 1, 0),  # floor(0.5) = 0, raised to minimum 1
        (CapRule(fraction=0.1, minimum=0), 5, 1, 1),
        (CapRule(max_on_site=2), 9, 3, 1),
    ],
)
def test_cap_value(cap: CapRule, n_staff: int, on_site: int, over: int) -> None:
    p = tiny_problem(n_staff=n_staff, policy=quiet_policy(cap=cap))
    rep = check(p, tiny_roster(p, on=[(f"s{i}", 0, "AM") for i in range(on_site)]))
    assert violated_rules(rep) == ["cap"] * (1 if over else 0)


def test_cap_soft_costs_weight_per_person_above() -> None:
    p = tiny_problem(n_staff=9, policy=quiet_policy(cap={"hard": False, "weight": 10}))
    rep = check(p, tiny_roster(p, on=[(f"s{i}", 0, "AM") for i in range(5)]))
    # cap = floor(9 / 3) = 3; 5 on site: 2 above x 10 = 20.
    assert rep.ok and penalty_cost(rep, "cap") == 20


def test_cap_counts_only_people_who_count_toward_it() -> None:
    staff = [
        Staff(id="a", unit="U"),
        Staff(id="b", unit="U"),
        Staff(id="c", unit="U"),
        Staff(id="police", unit="U", counts_toward_cap=False),
        Staff(id="post", unit="U", external=True),
    ]
    # Headcount 3 (a, b, c): cap floor(3 / 3) = 1.
    p = tiny_problem(staff=staff, policy=quiet_policy(cap={}))
    rep = check(p, tiny_roster(p, on=[("a", 0, "AM"), ("police", 0, "AM"), ("post", 0, "AM")]))
    assert rep.ok
    # Counting external staff: headcount 4, cap floor(4/3) = 1, on site a + post = 2.
    p = tiny_problem(staff=staff, policy=quiet_policy(cap={"count_external": True}))
    rep = check(p, tiny_roster(p, on=[("a", 0, "AM"), ("police", 0, "AM"), ("post", 0, "AM")]))
    assert violated_rules(rep) == ["cap"]


def test_cap_per_unit_and_site_scopes() -> None:
    staff = [Staff(id=f"{u}{i}", unit=u) for u in "AB" for i in range(3)]
    p = tiny_problem(
        staff=staff,
        units=("A", "B"),
        policy=quiet_policy(cap={"scopes": ["unit", "site"], "hard": False, "weight": 1}),
    )
    # Unit caps floor(3/3) = 1, site cap floor(6/3) = 2. A0, A1, B0 on site:
    # unit A 2 > 1 (1 above), unit B 1 ok, site 3 > 2 (1 above): 1 + 1 = 2.
    rep = check(p, tiny_roster(p, on=[("A0", 0, "AM"), ("A1", 0, "AM"), ("B0", 0, "AM")]))
    assert penalty_cost(rep, "cap") == 2
    assert sorted((x.unit or "site") for x in rep.penalties) == ["A", "site"]
