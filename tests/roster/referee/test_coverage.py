"""The referee's coverage check (``roster/referee/coverage.py``) alone, on tiny hand-built
problems (see ``tests/roster/test_validation.py`` for the conventions)."""

from __future__ import annotations

import datetime as dt

import pytest

from roster.model import (
    Demand,
    Post,
    SlotDemand,
)
from roster.validation import check
from tests.helpers import (
    MONDAY,
    penalty_cost,
    quiet_policy,
    tiny_problem,
    tiny_roster,
    tiny_shifts,
    violated_rules,
)


def _post_problem(post: Post, **policy) -> tuple:
    p = tiny_problem(
        days=1, shifts=tiny_shifts()[:1], n_staff=6, posts=[post], policy=quiet_policy(**policy)
    )
    return p, lambda n: tiny_roster(p, on=[(f"s{i}", 0, "AM", post.id) for i in range(n)])


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, ["coverage.under"]), (1, ["coverage.under"]), (2, []), (3, []), (4, ["coverage.over"])],
)
def test_coverage_hard(n: int, expected: list) -> None:
    p, roster = _post_problem(Post(id="c", demands=[Demand(min=2, max=3)]), coverage={})
    assert violated_rules(check(p, roster(n))) == expected


def test_coverage_soft_under_uses_policy_weight() -> None:
    p, roster = _post_problem(
        Post(id="c", demands=[Demand(min=2)]), coverage={"hard": False, "weight": 10}
    )
    # Nobody at a post needing 2: 2 missing x 10 = 20.
    assert penalty_cost(check(p, roster(0)), "coverage.under") == 20


def test_coverage_post_weights_apply_even_with_coverage_off() -> None:
    post = Post(id="c", demands=[Demand(min=2, max=3)], under_weight=3, over_weight=2)
    p, roster = _post_problem(post)
    assert penalty_cost(check(p, roster(0)), "coverage.under") == 6  # 2 missing x 3
    assert penalty_cost(check(p, roster(5)), "coverage.over") == 4  # 2 extra x 2
    assert check(p, roster(5)).ok


def test_coverage_off_ignores_shortfall_but_max_stays_hard() -> None:
    p, roster = _post_problem(Post(id="c", demands=[Demand(min=2, max=3)]))
    assert check(p, roster(0)).ok
    assert violated_rules(check(p, roster(4))) == ["coverage.over"]


def test_slot_demand_overrides_weekly_demand() -> None:
    post = Post(
        id="c",
        demands=[Demand(min=1)],
        slot_demands=[SlotDemand(date=dt.date(2021, 12, 14), shift="AM", min=0)],
    )
    p = tiny_problem(
        days=2,
        shifts=tiny_shifts()[:1],
        posts=[post],
        policy=quiet_policy(coverage={"hard": False, "weight": 1}),
    )
    rep = check(p, tiny_roster(p))
    # Day 0 needs 1 (missing), day 1 needs 0.
    assert penalty_cost(rep, "coverage.under") == 1 and rep.penalties[0].date == MONDAY


def test_dated_demands_and_suspensions_read_by_the_referee() -> None:
    from roster.model import Demand, Policy, Post, Problem, Suspension
    from tests.helpers import date, quiet_policy, tiny_problem, tiny_roster, violated_rules

    posts = [Post(id="C", demands=[Demand(shifts=["AM"], **{"to": date(1)})])]
    policy = quiet_policy(coverage={}).model_dump(by_alias=True)
    policy["suspensions"] = [{"posts": ["C"], "from": date(0), "to": date(0), "note": "directive"}]
    p = tiny_problem(days=3, posts=posts, policy=Policy.model_validate(policy))
    p = Problem.model_validate(p.model_dump(by_alias=True))
    assert isinstance(p.policy.suspensions[0], Suspension)
    # Monday suspended, Tuesday needed, Wednesday past the demand's end: only Tuesday counts.
    assert violated_rules(check(p, tiny_roster(p))) == ["coverage.under"]
    assert check(p, tiny_roster(p, on=[("s0", 1, "AM", "C")])).ok
    rep = check(p, tiny_roster(p, on=[("s0", 1, "AM", "C"), ("s1", 0, "AM", "C")]))
    assert violated_rules(rep) == ["coverage.closed"]
