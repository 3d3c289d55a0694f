"""On-site cap: hard, soft, fraction rounding, who counts."""

from roster.model import CapRule, Request, RequestRule, Status
from tests.helpers import date, fix, quiet_policy, solve_checked, tiny_problem, tiny_staff


def test_hard_cap_forbids_two_on_site():
    p = tiny_problem(
        days=1,
        n_staff=3,
        policy=quiet_policy(cap=CapRule(max_on_site=1)),
        fixed=fix(("s0", 0, "AM"), ("s1", 0, "AM")),
    )
    assert solve_checked(p).status == Status.infeasible


def test_soft_cap_costs_weight_per_extra_person():
    # Two fixed on site, cap 1: one person above the cap in one slot -> 7 x 1 = 7.
    p = tiny_problem(
        days=1,
        n_staff=3,
        policy=quiet_policy(cap=CapRule(max_on_site=1, hard=False, weight=7)),
        fixed=fix(("s0", 0, "AM"), ("s1", 0, "AM")),
    )
    r = solve_checked(p)
    assert r.status == Status.optimal and r.objective == 7
    assert [(x.rule, x.cost) for x in r.penalties] == [("cap", 7)]


def test_fraction_floor_leaves_requests_unmet():
    # 3 staff x 1/3 = cap 1; three people ask for Monday AM (weight 4): two are refused -> 8.
    reqs = [Request(staff=f"s{i}", date=date(0), shift="AM", weight=4) for i in range(3)]
    p = tiny_problem(
        days=1,
        n_staff=3,
        requests=reqs,
        policy=quiet_policy(cap=CapRule(fraction=1 / 3), requests=RequestRule()),
    )
    r = solve_checked(p)
    assert r.status == Status.optimal and r.objective == 8


def test_people_outside_the_cap_do_not_count():
    # s2 does not count toward the cap (headcount 2, cap max(floor(2/3), minimum 1) = 1).
    staff = tiny_staff(2) + tiny_staff(3)[2:]
    staff[2] = staff[2].model_copy(update={"counts_toward_cap": False})
    p = tiny_problem(
        days=1,
        staff=staff,
        policy=quiet_policy(cap=CapRule()),
        fixed=fix(("s0", 0, "AM"), ("s2", 0, "AM")),
    )
    r = solve_checked(p)
    assert r.status == Status.optimal and r.objective == 0


def test_site_scope():
    # Units A and B have one person each: unit caps 1, site cap 1 -> two on site breaks the
    # site cap only; soft weight 2 -> 2.
    staff = tiny_staff(1, unit="A") + [
        s.model_copy(update={"id": "t0"}) for s in tiny_staff(1, unit="B")
    ]
    cap = CapRule(max_on_site=1, scopes=["unit", "site"], hard=False, weight=2)
    p = tiny_problem(
        days=1,
        staff=staff,
        units=("A", "B"),
        policy=quiet_policy(cap=cap),
        fixed=fix(("s0", 0, "AM"), ("t0", 0, "AM")),
    )
    r = solve_checked(p)
    assert r.objective == 2 and r.penalties[0].unit is None


def test_a_unit_override_raises_that_units_cap_only():
    # Units A and B of 3 each, cap floor(3/3) = 1; A's override max_on_site 2. Two of each unit
    # fixed on site: only B is above its cap -> 1 x 3 = 3.
    staff = tiny_staff(3, unit="A") + [
        s.model_copy(update={"id": f"b{i}"}) for i, s in enumerate(tiny_staff(3, unit="B"))
    ]
    cap = CapRule(hard=False, weight=3, overrides=[{"unit": "A", "max_on_site": 2}])
    p = tiny_problem(
        days=1,
        staff=staff,
        units=("A", "B"),
        policy=quiet_policy(cap=cap),
        fixed=fix(("s0", 0, "AM"), ("s1", 0, "AM"), ("b0", 0, "AM"), ("b1", 0, "AM")),
    )
    r = solve_checked(p)
    assert r.objective == 3 and [x.unit for x in r.penalties] == ["B"]


def test_a_dated_override_changes_the_cap_on_its_days():
    # Cap 1 of 3, raised to a fraction 1 from Tuesday to Wednesday: two fixed on site each day
    # over three days break the cap on Monday only -> 4.
    cap = CapRule(
        hard=False, weight=4, overrides=[{"fraction": 1.0, "from": date(1), "to": date(2)}]
    )
    cells = [(f"s{i}", d, "AM") for d in range(3) for i in range(2)]
    p = tiny_problem(days=3, policy=quiet_policy(cap=cap), fixed=fix(*cells))
    r = solve_checked(p)
    assert r.objective == 4 and [x.date for x in r.penalties] == [date(0)]


def test_a_hard_unit_override_lets_a_post_be_covered():
    from roster.model import Demand, Post

    posts = [Post(id="C", demands=[Demand(min=2, shifts=["AM"])])]
    base = CapRule(max_on_site=1)
    p = tiny_problem(days=1, posts=posts, policy=quiet_policy(cap=base, coverage={}))
    assert solve_checked(p).status == Status.infeasible
    raised = CapRule(max_on_site=1, overrides=[{"unit": "U", "max_on_site": 2}])
    p = tiny_problem(days=1, posts=posts, policy=quiet_policy(cap=raised, coverage={}))
    assert solve_checked(p).status == Status.optimal
