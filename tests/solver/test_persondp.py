"""The dynamic program that places one person without CP-SAT (solver.persondp)."""

from __future__ import annotations

import importlib
import itertools
import random
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from roster.formats import curtois
from roster.index import ProblemIndex
from roster.model import Assignment, Roster
from roster.validation import check
from solver import persondp
from solver.construct import construct

construct_module = importlib.import_module("solver.construct")

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "curtois-qu"


def _random_person(rng: random.Random, H: int, K: int) -> persondp.Person:
    allowed = np.array([[rng.random() < 0.8 for _ in range(K)] for _ in range(H)])
    bad = np.array([[rng.random() < 0.3 for _ in range(K)] for _ in range(K)])
    max_on = rng.choice([None, 2, 3, 4])
    min_on = rng.randint(1, max_on or 3)
    max_off = rng.choice([None, None, 3, 4])
    min_off = rng.randint(1, max_off or 3)
    start = rng.randint(0, 6)  # weekday of day 0: 0 Monday
    weekends: list[list[int]] = []
    for d in range(H):
        if (start + d) % 7 == 5 or ((start + d) % 7 == 6 and d == 0):
            weekends.append([d])
        elif (start + d) % 7 == 6:
            weekends[-1].append(d)
    return persondp.Person(
        staff="P",
        types=[f"s{k}" for k in range(K)],
        posts=[None] * K,
        allowed=allowed,
        bad=bad,
        limits=[],
        weekend_max=None,
        min_on=min_on,
        max_on=max_on,
        exempt_on=rng.random() < 0.5,
        min_off=min_off,
        max_off=max_off,
        exempt_off=rng.random() < 0.5,
        weekends=weekends,
    )


def _price(p: persondp.Person, cost: np.ndarray, wk: float, row: list[int]) -> float:
    total = sum(cost[d, k] for d, k in enumerate(row) if k >= 0)
    return total + wk * sum(1 for w in p.weekends if any(row[d] >= 0 for d in w))


@pytest.mark.parametrize("seed", range(40))
def test_the_shortest_path_is_the_cheapest_row_that_keeps_the_rules(seed):
    """Against every row of a small horizon: the path keeps availability, successions and
    runs (with their border exemptions), and no row that keeps them is cheaper."""
    rng = random.Random(seed)
    H, K = rng.randint(5, 8), rng.randint(1, 3)
    p = _random_person(rng, H, K)
    cost = np.array([[rng.randint(-5, 5) for _ in range(K)] for _ in range(H)], dtype=float)
    cost[~p.allowed] = persondp.INF
    wk = float(rng.choice([0, 2, 7]))
    best = None
    for row in itertools.product(range(-1, K), repeat=H):
        if not persondp.violations(p, list(row)):
            price = _price(p, cost, wk, list(row))
            best = price if best is None else min(best, price)
    got = persondp.shortest(p, cost, wk)
    if best is None:
        assert got is None
        return
    assert got is not None
    assert persondp.violations(p, got) == []
    assert _price(p, cost, wk, got) == pytest.approx(best)


def test_violations_sees_every_kind_of_breach():
    rng = random.Random(1)
    p = _random_person(rng, 14, 2)
    p.allowed[:] = True
    p.bad[:] = False
    p.bad[0, 1] = True
    p.min_on, p.max_on, p.min_off, p.max_off = 2, 3, 2, None
    p.exempt_on = p.exempt_off = True
    p.limits = [persondp.Limit(np.array([1.0, 1.0]), 4, 6)]
    p.weekend_max = 1
    p.weekends = [[5, 6], [12, 13]]
    good = [0, 0, -1, -1, 1, 1, -1, -1, 0, 0, -1, -1, -1, -1]
    assert persondp.violations(p, good) == []
    assert persondp.violations(p, [0, 1, *good[2:]])  # 1 may not follow 0
    assert persondp.violations(p, [0, 0, 0, 0, *good[4:]])  # run of 4 on
    assert persondp.violations(p, [0, 0, -1, 1, -1, -1, *good[6:]])  # run of 1 on, inside
    assert persondp.violations(p, [0, 0, -1, 1, 1, -1, *good[6:]])  # run of 1 off
    assert persondp.violations(p, [0, 0, -1, -1, 1, 1, 1, -1, *good[8:]])  # count 7
    assert persondp.violations(p, [*good[:12], 0, 0])  # two weekends
    p.allowed[0, 0] = False
    assert persondp.violations(p, good)  # not allowed on day 0


@pytest.mark.parametrize("name", ["2", "5", "14", "18"])
def test_every_person_placed_keeps_the_referees_rules(name):
    """Each person placed by the program in turn (against the others' cover): no breach by
    the program's own check, and the referee finds none in the person's part nor in the
    whole roster."""
    problem = curtois.read_instance(DATA / f"Instance{name}.txt")
    idx = ProblemIndex(problem)
    prep = persondp.prepare(problem, idx)
    assert prep is not None
    load: Counter = Counter()
    assignments = []
    placed = 0
    ids = set()
    for s in problem.staff:
        p = prep.person(s.id)
        assert p is not None
        row = persondp.solve_person(p, prep.base_cost(p, load))
        if row is None:
            continue
        placed += 1
        ids.add(s.id)
        assert persondp.violations(p, row) == []
        mine = prep.assignments(p, row)
        for a in mine:
            load[(a.post, idx.problem.horizon.day(a.date), a.shift)] += 1
        assignments += mine
    assert placed >= len(problem.staff) - 1
    report = check(problem, Roster(assignments=assignments))
    if placed == len(problem.staff):
        assert report.ok, report.violations[:3]
    mine_broken = [v for v in report.violations if v.staff in ids]
    assert mine_broken == [], mine_broken[:3]


def test_a_broken_row_is_never_returned(monkeypatch):
    """When the repair leaves a breach, the person goes back to CP-SAT (None), never a row
    that breaks a rule."""
    problem = curtois.read_instance(DATA / "Instance2.txt")
    prep = persondp.prepare(problem, ProblemIndex(problem))
    assert prep is not None
    p = prep.person(problem.staff[0].id)
    assert p is not None
    monkeypatch.setattr(persondp, "_repair", lambda p, row, base: row)
    p.limits.append(persondp.Limit(np.ones(len(p.types)), 0, 0))  # never work
    p.limits.append(persondp.Limit(np.ones(len(p.types)), 1, 99))  # work at least once
    assert persondp.solve_person(p, prep.base_cost(p, Counter())) is None


def test_the_construction_meets_every_hard_rule_with_the_program(monkeypatch):
    monkeypatch.setattr(construct_module, "DP_MIN_STAFF_DAYS", 0)
    problem = curtois.read_instance(DATA / "Instance8.txt")
    calls = []

    def solve_one(*args, **kw):
        calls.append(1)
        from solver.search import solve_whole

        return solve_whole(*args, **kw)

    roster = construct(problem, 30.0, 2, solve_one)
    assert roster is not None
    report = check(problem, roster)
    assert report.ok, report.violations[:3]
    assert len(calls) <= 2  # nearly everyone placed by the program


def test_prepare_declines_rules_it_does_not_keep():
    problem = curtois.read_instance(DATA / "Instance1.txt")
    contracts = {
        k: c.model_copy(update={"min_rest_hours": 11.0})
        for k, c in problem.policy.contracts.items()
    }
    rested = problem.model_copy(
        update={"policy": problem.policy.model_copy(update={"contracts": contracts})}
    )
    prep = persondp.prepare(rested, ProblemIndex(rested))
    assert prep is None or prep.person(rested.staff[0].id) is None


def test_small_problems_keep_the_cp_sat_start():
    """Below DP_MIN_STAFF_DAYS every person is solved by CP-SAT (its rosters are cheaper)."""
    problem = curtois.read_instance(DATA / "Instance2.txt")
    calls = []

    def solve_one(*args, **kw):
        calls.append(1)
        from solver.search import solve_whole

        return solve_whole(*args, **kw)

    assert construct(problem, 30.0, 1, solve_one) is not None
    assert len(calls) == len(problem.staff)


@pytest.mark.parametrize("name", ["5", "8"])
def test_rounds_keep_every_hard_rule_and_lower_the_objective_as_the_referee_prices_it(
    monkeypatch, name
):
    """From the program's greedy start, each round over the people keeps every hard rule and
    the objective the rounds keep (:meth:`Rounds.total`) is the referee's at every step; the
    rounds lower it, and a round after one that changed nobody changes nobody again."""
    monkeypatch.setattr(construct_module, "DP_MIN_STAFF_DAYS", 0)
    problem = curtois.read_instance(DATA / f"Instance{name}.txt")
    idx = ProblemIndex(problem)
    start = construct(problem, 60.0, 1, _no_cp_sat, idx=idx)
    assert start is not None
    prep = persondp.prepare(problem, idx)
    assert prep is not None
    rounds = persondp.Rounds(prep, start.assignments, seed=3)
    assert rounds.complete
    first = check(problem, start).objective
    assert rounds.total() == pytest.approx(first)
    seen = [first]
    for _ in range(20):
        changed, gain = rounds.round(float("inf"))
        report = check(problem, Roster(assignments=rounds.assignments()))
        assert report.ok, report.violations[:3]
        assert report.objective == pytest.approx(rounds.total())
        assert report.objective == pytest.approx(seen[-1] - gain)
        seen.append(report.objective)
        if not changed:
            break
    assert seen[-1] < first  # the greedy start is never a local optimum on these
    assert rounds.round(float("inf")) == (0, 0.0)


def _no_cp_sat(*args, **kw):
    raise AssertionError("every person of these instances is placed by the program")


def test_improve_declines_a_roster_it_cannot_read():
    """A shift the program does not know for a person (here: one a hard count of 0 bans):
    None, the roster is left to the search as it is."""
    problem = curtois.read_instance(DATA / "Instance2.txt")
    idx = ProblemIndex(problem)
    prep = persondp.prepare(problem, idx)
    assert prep is not None
    p = prep.person("D")  # D may not work L
    assert p is not None
    banned = sorted(set(idx.shift_ids) - set(p.types))
    assert banned == ["L"]
    a = Assignment(
        staff=p.staff, date=idx.dates[0], shift=banned[0], post=prep.slot_post.get((0, banned[0]))
    )
    assert persondp.improve(prep, [a], deadline=float("inf")) is None


@pytest.mark.parametrize("name", ["5", "14", "22"])
def test_the_fast_repair_makes_the_same_changes_as_the_numpy_loop(name, monkeypatch):
    """The repair's changes made in plain Python (:func:`persondp._apply_changes`) give
    the same row as the loop of numpy steps, on rows that break the counts and weekends
    (each person's path under random costs, without the multipliers), and repair some."""
    problem = curtois.read_instance(DATA / f"Instance{name}.txt")
    prep = persondp.prepare(problem, ProblemIndex(problem))
    assert prep is not None
    rng = np.random.default_rng(int(name))
    repaired = 0
    for s in problem.staff[:6]:
        p = prep.person(s.id)
        assert p is not None
        base = prep.base_cost(p, Counter())
        base = np.where(base < persondp.INF / 2, base + rng.normal(0, 50, base.shape), base)
        row = persondp.shortest(p, base)
        assert row is not None
        rows = []
        for fast in (False, True):
            monkeypatch.setattr(persondp, "FAST_REPAIR", fast)
            rows.append(persondp._repair(p, row, base))  # noqa: SLF001
        assert rows[0] == rows[1]
        if rows[1] != row:
            repaired += 1
            assert len(persondp.violations(p, rows[1])) <= len(persondp.violations(p, row))
    assert repaired >= 3
