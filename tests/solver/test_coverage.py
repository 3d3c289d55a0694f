"""Coverage of posts: min/max, skills, under/over weights, slot demands, general duty."""

from roster.model import Demand, Post, Request, RequestRule, RuleSwitch, SlotDemand, Status
from tests.helpers import date, fix, quiet_policy, solve_checked, tiny_problem, tiny_staff


def test_post_covered_by_someone():
    p = tiny_problem(
        days=1, n_staff=1, posts=[Post(id="c1")], policy=quiet_policy(coverage=RuleSwitch())
    )
    r = solve_checked(p)
    assert r.objective == 0
    assert sorted((a.shift, a.post) for a in r.roster.assignments) == [("AM", "c1"), ("PM", "c1")]


def test_missing_skill():
    post = Post(id="seal", skill="seal")
    p = tiny_problem(
        days=1, n_staff=1, posts=[post], skills=["seal"], policy=quiet_policy(coverage=RuleSwitch())
    )
    assert solve_checked(p).status == Status.infeasible
    # Soft, 6 per missing person: AM and PM uncovered -> 12.
    p = tiny_problem(
        days=1,
        n_staff=1,
        posts=[post],
        skills=["seal"],
        policy=quiet_policy(coverage=RuleSwitch(hard=False, weight=6)),
    )
    assert solve_checked(p).objective == 12
    # A qualified person covers both.
    p = tiny_problem(
        days=1,
        staff=tiny_staff(1, skills=["seal"]),
        posts=[post],
        skills=["seal"],
        policy=quiet_policy(coverage=RuleSwitch()),
    )
    assert solve_checked(p).objective == 0


def test_under_weight_applies_even_with_coverage_off():
    # Post needs 2 in each of 2 slots, 1 person: 1 short per slot x 3 = 6.
    post = Post(id="c1", demands=[Demand(min=2)], under_weight=3)
    p = tiny_problem(days=1, n_staff=1, posts=[post], policy=quiet_policy())
    assert solve_checked(p).objective == 6


def test_max_hard_and_soft():
    post = Post(id="c1", demands=[Demand(min=0, max=1)])
    p = tiny_problem(
        days=1,
        n_staff=2,
        posts=[post],
        general_duty_allowed=False,
        fixed=fix(("s0", 0, "AM"), ("s1", 0, "AM")),
        policy=quiet_policy(),
    )
    assert solve_checked(p).status == Status.infeasible
    # over_weight 2: one extra person -> 2.
    post = Post(id="c1", demands=[Demand(min=0, max=1)], over_weight=2)
    p = tiny_problem(
        days=1,
        n_staff=2,
        posts=[post],
        general_duty_allowed=False,
        fixed=fix(("s0", 0, "AM"), ("s1", 0, "AM")),
        policy=quiet_policy(),
    )
    r = solve_checked(p)
    assert r.objective == 2 and r.penalties[0].rule == "coverage.over"


def test_general_duty_not_allowed_without_a_post():
    # The post only needs people in the AM; on site PM would be general duty.
    post = Post(id="c1", demands=[Demand(shifts=["AM"], min=0)])
    p = tiny_problem(
        days=1,
        n_staff=1,
        posts=[post],
        general_duty_allowed=False,
        fixed=fix(("s0", 0, "PM")),
        policy=quiet_policy(),
    )
    assert solve_checked(p).status == Status.infeasible
    p = tiny_problem(
        days=1,
        n_staff=1,
        posts=[post],
        general_duty_allowed=False,
        fixed=fix(("s0", 0, "AM")),
        policy=quiet_policy(),
    )
    r = solve_checked(p)
    assert [a.post for a in r.roster.assignments] == ["c1"]


def test_slot_demand_overrides_weekly_demand():
    # No weekly demand; Monday AM needs 2, one person: 1 short x 5 = 5.
    post = Post(
        id="c1",
        demands=[],
        under_weight=5,
        slot_demands=[SlotDemand(date=date(0), shift="AM", min=2)],
    )
    p = tiny_problem(days=1, n_staff=1, posts=[post], policy=quiet_policy())
    r = solve_checked(p)
    assert r.objective == 5 and r.penalties[0].shift == "AM"


def test_pool_of_skill_free_posts_with_skilled_post():
    # No general duty; c1 (anyone, at most 1) and seal (skill, at most 1) in AM and PM. Three
    # people ask for Monday AM (1 each): only two posts -> one wish unmet = 1. s0 alone holds
    # the seal skill, so s0 is at the seal in both shifts.
    posts = [
        Post(id="c1", demands=[Demand(max=1)]),
        Post(id="seal", skill="seal", demands=[Demand(max=1)]),
    ]
    staff = tiny_staff(3)
    staff[0] = staff[0].model_copy(update={"skills": ["seal"]})
    reqs = [Request(staff=f"s{i}", date=date(0), shift="AM") for i in range(3)]
    p = tiny_problem(
        days=1,
        staff=staff,
        posts=posts,
        skills=["seal"],
        requests=reqs,
        general_duty_allowed=False,
        policy=quiet_policy(coverage=RuleSwitch(), requests=RequestRule()),
    )
    r = solve_checked(p)
    assert r.objective == 1
    assert {(a.staff, a.shift, a.post) for a in r.roster.assignments if a.staff == "s0"} == {
        ("s0", "AM", "seal"),
        ("s0", "PM", "seal"),
    }
    assert all(a.post is not None for a in r.roster.assignments)


def test_exact_need_soft_on_both_sides():
    # A post needing exactly 2 (under 10 each, over 1 each) in both slots of one day; nobody may
    # do general duty. Three people fixed on in AM -> 1 over (1); PM forced empty -> 2 short
    # (20). Total 21: the single equality n - 2 = over - under prices both sides.
    post = Post(id="c1", demands=[Demand(min=2, max=2)], under_weight=10, over_weight=1)
    p = tiny_problem(
        days=1,
        n_staff=3,
        posts=[post],
        general_duty_allowed=False,
        policy=quiet_policy(),
        fixed=fix(
            *[(f"s{i}", 0, "AM") for i in range(3)], *[(f"s{i}", 0, "PM", False) for i in range(3)]
        ),
    )
    r = solve_checked(p)
    assert r.objective == 21
    assert sorted((x.rule, x.cost) for x in r.penalties) == [
        ("coverage.over", 1),
        ("coverage.under", 20),
    ]


def test_dated_demand_and_suspension_shape_the_needs():
    from roster.model import Demand, Post, Suspension
    from tests.helpers import MONDAY, date, quiet_policy, solve_checked, tiny_problem

    # Counter C needs 1 every morning; from Wednesday (day 2) it needs 2 (a dated demand listed
    # first wins); a suspension closes it on Tuesday (day 1) "except urgent cases": the urgent
    # counter U is not suspended.
    posts = [
        Post(
            id="C",
            demands=[Demand(min=2, shifts=["AM"], **{"from": date(2)}), Demand(shifts=["AM"])],
        ),
        Post(id="U", demands=[Demand(shifts=["AM"])]),
    ]
    stop = Suspension(kinds=["counter"], posts=[], **{"from": date(1), "to": date(1)})
    stop_c = stop.model_copy(update={"kinds": [], "posts": ["C"]})
    p = tiny_problem(
        days=3,
        posts=posts,
        policy=quiet_policy(coverage={}).model_copy(update={"suspensions": [stop_c]}),
    )
    r = solve_checked(p)
    assert r.status == Status.optimal and r.roster is not None
    at = sorted((a.date, a.post) for a in r.roster.assignments)
    assert at == [
        (MONDAY, "C"),
        (MONDAY, "U"),
        (date(1), "U"),
        (date(2), "C"),
        (date(2), "C"),
        (date(2), "U"),
    ]
    # Suspending every counter on Tuesday closes U too.
    every = p.model_copy(
        update={"policy": quiet_policy(coverage={}).model_copy(update={"suspensions": [stop]})}
    )
    r = solve_checked(every)
    assert r.roster is not None
    assert not [a for a in r.roster.assignments if a.date == date(1)]
