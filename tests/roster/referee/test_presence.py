"""The referee's presence-floor check (``roster/referee/presence.py``) alone."""

from __future__ import annotations

from roster.model import Staff
from roster.validation import check
from tests.helpers import (
    date,
    penalty_cost,
    quiet_policy,
    tiny_problem,
    tiny_roster,
    violated_rules,
)


def _two_units() -> list[Staff]:
    return [Staff(id=f"{u}{i}", unit=u) for u in "AB" for i in range(4)]


def test_each_unit_needs_its_floor_in_every_open_slot() -> None:
    # Half of each unit of 4 = 2 in each slot of Monday only (1-day horizon).
    p = tiny_problem(
        days=1,
        staff=_two_units(),
        units=("A", "B"),
        policy=quiet_policy(presence={"floors": [{"fraction": 0.5}]}),
    )
    full = [(f"{u}{i}", 0, sh) for u in "AB" for i in range(2) for sh in ("AM", "PM")]
    assert check(p, tiny_roster(p, on=full)).ok
    # B has one person in the afternoon: one violation for (B, PM).
    short = [c for c in full if c != ("B1", 0, "PM")]
    rep = check(p, tiny_roster(p, on=short))
    assert violated_rules(rep) == ["presence"]
    assert (rep.violations[0].unit, rep.violations[0].shift) == ("B", "PM")


def test_soft_floor_costs_weight_per_missing_person_and_honours_dates() -> None:
    floors = [{"unit": "A", "min": 3, "shifts": ["AM"], "from": date(1)}]
    p = tiny_problem(
        days=2,
        staff=_two_units(),
        units=("A", "B"),
        policy=quiet_policy(presence={"hard": False, "weight": 7, "floors": floors}),
    )
    # Nobody on site: Monday has no floor (it starts Tuesday), Tuesday AM misses 3 -> 21.
    rep = check(p, tiny_roster(p))
    assert rep.ok and penalty_cost(rep, "presence") == 21
    assert [x.date for x in rep.penalties] == [date(1)]


def test_the_largest_floor_applies_and_everyone_of_the_unit_counts() -> None:
    staff = [Staff(id="a0", unit="A"), Staff(id="police", unit="A", counts_toward_cap=False)]
    floors = [{"min": 1}, {"unit": "A", "min": 2, "shifts": ["AM"]}]
    p = tiny_problem(
        days=1, staff=staff, units=("A",), policy=quiet_policy(presence={"floors": floors})
    )
    rep = check(p, tiny_roster(p, on=[("a0", 0, "AM"), ("police", 0, "AM"), ("a0", 0, "PM")]))
    assert rep.ok
    rep = check(p, tiny_roster(p, on=[("a0", 0, "AM"), ("a0", 0, "PM")]))
    assert violated_rules(rep) == ["presence"]
