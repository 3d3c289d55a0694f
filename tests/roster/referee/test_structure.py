"""The referee's structure check (``roster/referee/structure.py``) alone, on tiny hand-built
problems (see ``tests/roster/test_validation.py`` for the conventions)."""

from __future__ import annotations

import datetime as dt

import pytest

from roster.model import (
    Assignment,
    Demand,
    Opening,
    Post,
    Roster,
)
from roster.validation import check
from tests.helpers import (
    MONDAY,
    quiet_policy,
    tiny_problem,
    tiny_roster,
    tiny_shifts,
    violated_rules,
)


def test_clean_roster_has_no_violation_and_objective_is_the_offset() -> None:
    p = tiny_problem(policy=quiet_policy(), objective_offset=42)
    rep = check(p, tiny_roster(p, on=[("s0", 0, "AM"), ("s1", 0, "PM")]))
    assert rep.ok and rep.penalties == [] and rep.objective == 42


@pytest.mark.parametrize(
    ("assignment", "rule"),
    [
        (Assignment(staff="nobody", date=MONDAY, shift="AM"), "unknown"),
        (Assignment(staff="s0", date=MONDAY, shift="NIGHT"), "unknown"),
        (Assignment(staff="s0", date=MONDAY, shift="AM", post="nope"), "unknown"),
        (Assignment(staff="s0", date=MONDAY - dt.timedelta(days=1), shift="AM"), "unknown"),
        # Saturday 18 Dec: the default opening is Monday-Friday.
        (Assignment(staff="s0", date=dt.date(2021, 12, 18), shift="AM"), "closed"),
        # Wednesday 15 Dec is a closed date below.
        (Assignment(staff="s0", date=dt.date(2021, 12, 15), shift="AM"), "closed"),
    ],
)
def test_structure_unknown_and_closed(assignment: Assignment, rule: str) -> None:
    p = tiny_problem(days=7, policy=quiet_policy(), closed_dates=[dt.date(2021, 12, 15)])
    rep = check(p, Roster(assignments=[assignment]))
    assert violated_rules(rep) == [rule]


def test_opening_restricted_to_some_shifts_closes_the_others() -> None:
    p = tiny_problem(
        policy=quiet_policy(), opening=[Opening(weekdays=[0, 1, 2, 3, 4], shifts=["AM"])]
    )
    rep = check(p, tiny_roster(p, on=[("s0", 0, "AM"), ("s0", 0, "PM")]))
    assert violated_rules(rep) == ["closed"] and rep.violations[0].shift == "PM"


def test_post_without_demand_in_slot_is_coverage_closed() -> None:
    post = Post(id="c1", demands=[Demand(shifts=["AM"])])
    p = tiny_problem(policy=quiet_policy(), posts=[post])
    rep = check(p, tiny_roster(p, on=[("s0", 0, "AM", "c1"), ("s1", 0, "PM", "c1")]))
    assert violated_rules(rep) == ["coverage.closed"] and rep.violations[0].staff == "s1"


def test_unqualified_person_does_not_cover_the_post() -> None:
    post = Post(id="c1", skill="seal")
    p = tiny_problem(
        days=1,
        shifts=tiny_shifts()[:1],
        policy=quiet_policy(coverage={}),
        posts=[post],
        skills=["seal"],
    )
    rep = check(p, tiny_roster(p, on=[("s0", 0, "AM", "c1")]))
    # The skill breach, and the post counts as uncovered (0 qualified of 1).
    assert violated_rules(rep) == ["coverage.skill", "coverage.under"]


def test_a_person_at_most_once_per_slot() -> None:
    p = tiny_problem(policy=quiet_policy(), posts=[Post(id="c1"), Post(id="c2")])
    rep = check(p, tiny_roster(p, on=[("s0", 0, "AM", "c1"), ("s0", 0, "AM", "c2")]))
    assert violated_rules(rep) == ["double_booked"]


def test_general_duty_not_allowed_needs_a_post() -> None:
    p = tiny_problem(policy=quiet_policy(), posts=[Post(id="c1")], general_duty_allowed=False)
    rep = check(p, tiny_roster(p, on=[("s0", 0, "AM", "c1"), ("s1", 0, "AM")]))
    assert violated_rules(rep) == ["general_duty"] and rep.violations[0].staff == "s1"
