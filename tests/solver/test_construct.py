"""The person-by-person first roster (solver.construct) and its use by solve()."""

from __future__ import annotations

import importlib
from collections import Counter
from pathlib import Path

from roster.formats import curtois
from roster.index import ProblemIndex
from roster.model import CapRule, Demand, Post, RuleSwitch, Status
from roster.validation import check
from solver.construct import construct, person_problem, separable
from tests.helpers import quiet_policy, solve_checked, tiny_problem

solve_module = importlib.import_module("solver.search")
DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "curtois-qu"


def _soft_post(**kw) -> Post:
    return Post(id="c1", demands=[Demand(min=2, max=2)], under_weight=100, over_weight=1, **kw)


def test_separable_only_without_hard_rules_between_people():
    soft = tiny_problem(
        n_staff=2,
        posts=[_soft_post()],
        general_duty_allowed=False,
        policy=quiet_policy(coverage=RuleSwitch()),
    )
    assert separable(soft)
    # A hard cap reads everybody on site in a slot.
    capped = tiny_problem(
        n_staff=2, posts=[_soft_post()], policy=quiet_policy(cap=CapRule(max_on_site=1))
    )
    assert not separable(capped)
    # A post without an under weight under hard coverage needs people together.
    hard = tiny_problem(
        n_staff=2, posts=[Post(id="c1")], policy=quiet_policy(coverage=RuleSwitch())
    )
    assert not separable(hard)


def test_person_problem_asks_for_what_the_others_leave():
    p = tiny_problem(
        days=1,
        n_staff=2,
        posts=[_soft_post()],
        general_duty_allowed=False,
        policy=quiet_policy(coverage=RuleSwitch()),
    )
    sub = person_problem(
        p, "s1", Counter({("c1", 0, "AM"): 1, ("c1", 0, "PM"): 3}), ProblemIndex(p)
    )
    assert [s.id for s in sub.staff] == ["s1"]
    demands = {sd.shift: (sd.min, sd.max) for sd in sub.site.posts[0].slot_demands}
    # AM: 2 needed, 1 placed -> 1 more; PM: 3 placed of 2 -> nothing more (each extra is over).
    assert demands == {"AM": (1, 1), "PM": (0, 0)}


def test_construct_meets_every_hard_rule_of_a_curtois_instance():
    problem = curtois.read_instance(DATA / "Instance2.txt")
    assert separable(problem)
    roster = construct(problem, 10.0, 2, solve_module.solve_whole)
    assert roster is not None
    report = check(problem, roster)
    assert report.ok, report.violations[:3]
    # 828 is the proven optimum of Instance2: a feasible roster cannot beat it.
    assert report.objective >= 828


def test_solve_starts_from_the_constructed_roster(monkeypatch):
    calls = []

    def spy(*args, **kw):
        calls.append(1)
        return construct(*args, **kw)

    monkeypatch.setattr(solve_module, "construct", spy)
    problem = curtois.read_instance(DATA / "Instance1.txt")
    r = solve_checked(problem, time_limit=10)
    assert calls == [1]
    assert r.status == Status.optimal and r.objective == 607  # the known optimum
