"""Why this roster: the penalty breakdown adds up per rule, person, slot, unit and post."""

from __future__ import annotations

from roster.breakdown import breakdown, format_breakdown
from roster.model import Request
from roster.validation import check
from tests.helpers import MONDAY, quiet_policy, tiny_problem, tiny_roster


def test_breakdown_tables_add_up_to_the_objective() -> None:
    p = tiny_problem(
        n_staff=3,
        policy=quiet_policy(fairness={"weight": 5}, requests={"multiplier": 2}),
        requests=[Request(staff="s1", date=MONDAY, shift="AM", weight=3)],
    )
    r = tiny_roster(p, on=[("s0", 0, "AM"), ("s0", 1, "AM"), ("s2", 0, "PM")])
    b = breakdown(p, r)
    assert b.objective == check(p, r).objective == b.total
    for table in (b.by_rule, b.by_staff, b.by_slot, b.by_unit, b.by_post):
        assert sum(x.cost for x in table) == b.total
    assert {x.key: x.cost for x in b.by_rule} == {"fairness": 10, "requests": 6}
    assert {x.key: x.cost for x in b.by_staff} == {"(none)": 10, "s1": 6}
    assert b.by_slot[1].label == "Mon 13 Dec, Morning"
    text = format_breakdown(b)
    assert "Unequal on-site duty in a unit" in text and "Person 1 (s1)" in text
