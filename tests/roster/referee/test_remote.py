"""The referee's remote-duty check (``roster/referee/remote.py``) alone."""

from __future__ import annotations

from roster.model import Absence, Demand, Post, Staff
from roster.validation import check
from tests.helpers import (
    MONDAY,
    penalty_cost,
    quiet_policy,
    tiny_problem,
    tiny_roster,
    violated_rules,
)


def _problem(**policy) -> object:
    posts = [
        Post(id="H", kind="remote", skill="phone", demands=[Demand(min=1, shifts=["AM"])]),
        Post(id="C", demands=[Demand(min=0, shifts=["AM"])]),
    ]
    staff = [Staff(id="s0", unit="U", skills=["phone"]), Staff(id="s1", unit="U")]
    return tiny_problem(
        days=1,
        staff=staff,
        skills=["phone"],
        posts=posts,
        policy=quiet_policy(coverage={}, remote=policy),
        absences=[Absence(staff="s0", start=MONDAY, end=MONDAY, shifts=["PM"])],
    )


def test_a_remote_duty_covers_its_post() -> None:
    p = _problem()
    assert check(p, tiny_roster(p, remote=[("s0", 0, "AM", "H")])).ok
    assert violated_rules(check(p, tiny_roster(p))) == ["coverage.under"]


def test_a_remote_duty_is_not_served_on_site() -> None:
    p = _problem()
    # Listed for the hotline and on site in the same slot: not remote.
    rep = check(p, tiny_roster(p, on=[("s0", 0, "AM")], remote=[("s0", 0, "AM", "H")]))
    assert violated_rules(rep) == ["coverage.under", "remote.on_site"]
    # The hotline put as an on-site assignment.
    rep = check(p, tiny_roster(p, on=[("s0", 0, "AM", "H")]))
    assert "remote.at_office" in violated_rules(rep)
    # An on-site counter listed as a remote duty.
    rep = check(p, tiny_roster(p, remote=[("s1", 0, "AM", "C"), ("s0", 0, "AM", "H")]))
    assert violated_rules(rep) == ["remote.kind"]


def test_skill_closed_slot_and_double_duty() -> None:
    p = _problem()
    assert "coverage.skill" in violated_rules(
        check(p, tiny_roster(p, remote=[("s1", 0, "AM", "H")]))
    )
    rep = check(p, tiny_roster(p, remote=[("s0", 0, "AM", "H"), ("s0", 0, "PM", "H")]))
    assert violated_rules(rep) == ["coverage.closed"]
    rep = check(p, tiny_roster(p, remote=[("s0", 0, "AM", "H"), ("s0", 0, "AM", "H")]))
    assert violated_rules(rep) == ["double_booked"]


def test_a_duty_while_off_is_hard_or_priced() -> None:
    posts = [Post(id="H", kind="remote", demands=[Demand(min=1, shifts=["PM"])])]
    staff = [Staff(id="s0", unit="U")]
    off = [Absence(staff="s0", start=MONDAY, end=MONDAY, reason="sick")]
    p = tiny_problem(
        days=1, staff=staff, posts=posts, policy=quiet_policy(coverage={}, remote={}), absences=off
    )
    roster = tiny_roster(p, remote=[("s0", 0, "PM", "H")])
    assert violated_rules(check(p, roster)) == ["remote.off"]
    soft = p.model_copy(
        update={"policy": quiet_policy(coverage={}, remote={"hard": False, "weight": 6})}
    )
    rep = check(soft, roster)
    assert rep.ok and penalty_cost(rep, "remote.off") == 6
