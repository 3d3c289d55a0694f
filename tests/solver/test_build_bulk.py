"""The bulk build of large models (solver.protowrite, ``Vars.bulk``) and the exact linear cover
terms: the same model meaning as the one-constraint-at-a-time build."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

import solver.variables as variables
from roster.formats import curtois
from roster.index import ProblemIndex
from roster.model import Demand, Post, RuleSwitch, SlotDemand
from roster.validation import check
from solver.build import build_model
from solver.construct import person_problem
from tests.helpers import quiet_policy, solve_checked, tiny_problem

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "curtois-qu"


def _shape(problem) -> tuple[int, Counter, Counter]:
    """Variables, constraints per kind and literals per kind: what the two builds share."""
    built = build_model(problem)
    kinds: Counter = Counter()
    sizes: Counter = Counter()
    for ct in built.model.proto.constraints:
        for kind in ("at_most_one", "bool_or", "bool_and", "exactly_one", "linear"):
            if getattr(ct, f"has_{kind}")():
                kinds[kind] += 1
                part = getattr(ct, kind)
                sizes[kind] += len(part.vars) if kind == "linear" else len(part.literals)
        sizes["enforcement"] += len(ct.enforcement_literal)
    return len(built.model.proto.variables), kinds, sizes


@pytest.mark.parametrize("instance", ["Instance1.txt", "Instance2.txt"])
def test_bulk_build_has_the_same_constraints(monkeypatch, instance):
    problem = curtois.read_instance(DATA / instance)
    one_by_one = _shape(problem)
    monkeypatch.setattr(variables, "NAMED_CELLS_MAX", 0)  # every model is "large"
    assert build_model(problem).vars.bulk
    assert _shape(problem) == one_by_one


def test_bulk_build_keeps_the_optimum(monkeypatch):
    monkeypatch.setattr(variables, "NAMED_CELLS_MAX", 0)
    problem = curtois.read_instance(DATA / "Instance1.txt")
    r = solve_checked(problem, time_limit=20)
    assert r.objective == 607  # the proven optimum of Instance1
    assert r.roster is not None and check(problem, r.roster).objective == 607


def test_exact_cover_terms_price_shortfall_and_excess():
    # Two people, general duty off: a need of 2 on Monday AM (nobody can exceed it: the
    # shortfall is 2 - n) and a need of 0 on Monday PM (every person there is an excess).
    post = Post(
        id="c1",
        demands=[Demand(min=1, max=1)],
        slot_demands=[
            SlotDemand(date=tiny_problem().horizon.start, shift="AM", min=2, max=2),
            SlotDemand(date=tiny_problem().horizon.start, shift="PM", min=0, max=0),
        ],
        under_weight=100,
        over_weight=7,
    )
    p = tiny_problem(
        days=1,
        n_staff=2,
        posts=[post],
        general_duty_allowed=False,
        policy=quiet_policy(coverage=RuleSwitch()),
    )
    built = build_model(p)
    rules = sorted(t.rule for t in built.penalty_terms)
    assert rules == ["coverage.over", "coverage.under"]
    # No penalty variable for those two slots: the terms are the load itself.
    assert len(built.model.proto.variables) == len(built.vars.x) == 4
    r = solve_checked(p, time_limit=5)
    assert r.objective == 0  # both on AM, nobody on PM
    assert r.roster is not None and check(p, r.roster).objective == 0


def test_person_problem_leaves_out_shifts_the_person_may_not_work():
    problem = curtois.read_instance(DATA / "Instance2.txt")
    idx = ProblemIndex(problem)
    banned = variables.zero_count_shifts(problem)
    who = next(s for s, b in banned.items() if b)
    sub = person_problem(problem, who, Counter(), idx, banned)
    shifts = {sd.shift for post in sub.site.posts for sd in post.slot_demands}
    assert shifts and not shifts & banned[who]
