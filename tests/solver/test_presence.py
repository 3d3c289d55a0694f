"""Presence floors (``PresenceRule``) alone: hard, soft, a fraction of the headcount, dated."""

from roster.model import CapRule, Request, RequestRule, Status
from tests.helpers import date, quiet_policy, solve_checked, tiny_problem


def _no_one_wants_to_come(days: int, n: int = 3) -> list[Request]:
    return [
        Request(staff=f"s{i}", date=date(d), on_site=False, weight=1)
        for i in range(n)
        for d in range(days)
    ]


def test_hard_floor_against_a_hard_cap_is_infeasible():
    p = tiny_problem(
        days=1,
        policy=quiet_policy(
            cap=CapRule(max_on_site=1), presence={"floors": [{"min": 2, "shifts": ["AM"]}]}
        ),
    )
    assert solve_checked(p).status == Status.infeasible


def test_soft_floor_costs_weight_per_missing_person():
    # Cap 1 (hard), floor 2 on Monday AM (soft, 5): one person missing -> 5.
    p = tiny_problem(
        days=1,
        policy=quiet_policy(
            cap=CapRule(max_on_site=1),
            presence={"hard": False, "weight": 5, "floors": [{"min": 2, "shifts": ["AM"]}]},
        ),
    )
    r = solve_checked(p)
    assert r.status == Status.optimal and r.objective == 5
    assert [(x.rule, x.cost, x.unit) for x in r.penalties] == [("presence", 5, "U")]


def test_fraction_of_the_headcount_rounds_up_by_default():
    # 3 staff x 1/2 = 1.5 -> 2 on site in each of Monday's two shifts, though all three
    # would rather stay home (1 each, charged once a day): 2 people refused -> 2.
    p = tiny_problem(
        days=1,
        requests=_no_one_wants_to_come(1),
        policy=quiet_policy(requests=RequestRule(), presence={"floors": [{"fraction": 0.5}]}),
    )
    r = solve_checked(p)
    assert r.status == Status.optimal and r.objective == 2
    assert r.roster is not None and len(r.roster.assignments) == 4


def test_a_dated_floor_applies_only_inside_its_dates():
    # Floor 1 in the morning on Tuesday only (day 1): one refused request over three days.
    p = tiny_problem(
        days=3,
        requests=_no_one_wants_to_come(3),
        policy=quiet_policy(
            requests=RequestRule(),
            presence={"floors": [{"min": 1, "shifts": ["AM"], "from": date(1), "to": date(1)}]},
        ),
    )
    r = solve_checked(p)
    assert r.status == Status.optimal and r.objective == 1
    assert r.roster is not None
    cells = {(a.date, a.shift) for a in r.roster.assignments}
    assert (date(1), "AM") in cells and {d for d, _ in cells} == {date(1)}


def test_floor_of_one_unit_leaves_the_other_alone():
    from tests.helpers import tiny_staff

    staff = tiny_staff(2, unit="A") + [
        s.model_copy(update={"id": f"b{i}"}) for i, s in enumerate(tiny_staff(2, unit="B"))
    ]
    p = tiny_problem(
        days=1,
        staff=staff,
        units=("A", "B"),
        requests=[Request(staff=s.id, date=date(0), on_site=False) for s in staff],
        policy=quiet_policy(requests=RequestRule(), presence={"floors": [{"unit": "B", "min": 1}]}),
    )
    r = solve_checked(p)
    assert r.status == Status.optimal and r.objective == 1
    assert r.roster is not None
    assert {a.staff[0] for a in r.roster.assignments} == {"b"}
