"""Fairness: weight x (max - min) of on-site shifts over a unit's eligible members."""

import math

from roster.model import Absence, FairnessRule, Status
from scenarios.generator import generate
from solver.decompose import components, sub_problem
from tests.helpers import date, fix, quiet_policy, solve_checked, tiny_problem


def test_spread_of_on_site_shifts():
    # s0 fixed on site AM and PM, s1 fixed off both: counts 2 and 0 -> 5 x 2 = 10.
    p = tiny_problem(
        days=1,
        n_staff=2,
        policy=quiet_policy(fairness=FairnessRule(weight=5)),
        fixed=fix(("s0", 0, "AM"), ("s0", 0, "PM"), ("s1", 0, "AM", False), ("s1", 0, "PM", False)),
    )
    r = solve_checked(p)
    assert r.objective == 10 and r.penalties[0].unit == "U"


def test_solver_evens_out():
    # s0 fixed on site twice; s1 free: the solver puts s1 on site twice too -> 0.
    p = tiny_problem(
        days=1,
        n_staff=2,
        policy=quiet_policy(fairness=FairnessRule(weight=5)),
        fixed=fix(("s0", 0, "AM"), ("s0", 0, "PM")),
    )
    assert solve_checked(p).objective == 0


def test_people_with_an_absence_are_not_compared():
    # s1 has an absence in the horizon: the unit has one eligible member, no fairness term.
    p = tiny_problem(
        days=2,
        n_staff=2,
        policy=quiet_policy(fairness=FairnessRule(weight=5)),
        absences=[Absence(staff="s1", start=date(1), end=date(1))],
        fixed=fix(("s0", 0, "AM"), ("s1", 0, "AM", False), ("s1", 0, "PM", False)),
    )
    assert solve_checked(p).objective == 0


def _three_people(fairness_weight: int, test_cost: int) -> tuple:
    """The model of three people of one unit, one day, a post needing one person in each
    shift; tests and fairness priced as given: the model, its number of variables and a
    progress listener."""
    from roster.model import Demand, Post
    from solver.build import build_model
    from solver.search import _Progress

    p = tiny_problem(
        days=1,
        n_staff=3,
        posts=[Post(id="c", demands=[Demand(min=1, max=1)])],
        policy=quiet_policy(
            coverage={},
            fairness=FairnessRule(weight=fairness_weight),
            tests={"valid_days": 3, "cost_per_test": test_cost},
        ),
    )
    built = build_model(p)
    return built, len(built.model.proto.variables), _Progress(0, True, None)


def _split_outcome(fairness_weight: int, test_cost: int) -> tuple:
    """Three people of one unit, one day, a post needing one person in each shift; tests and
    fairness priced as given. The core phase's case split on "the fairness minimum is at least
    1" from a first roster, and a plain CP-SAT solve of the same model."""
    from ortools.sat.python import cp_model

    from solver.search import _single, _split_phase

    built, n, cb = _three_people(fairness_weight, test_cost)
    first = _single(built.model, 5, 2, n, cb, first_only=True, portfolio="default")
    assert first.solution is not None
    split = _split_phase(
        built.model, list(built.ctx.fair_min_positive.values()), first, 5, 2, n, cb
    )
    plain = cp_model.CpSolver()
    plain.parameters.max_time_in_seconds = 5
    assert plain.solve(built.model) == cp_model.OPTIMAL
    return split, plain.objective_value


def test_case_split_finds_the_optimum_where_everyone_comes():
    # Minimum 0: one person twice costs 5 x 2 + 1 test, two people once 5 x 1 + 2 tests;
    # everyone once: spread 0, 3 tests = 3, the optimum (in the second case).
    from ortools.sat.python import cp_model

    split, plain = _split_outcome(fairness_weight=5, test_cost=1)
    assert plain == 3
    assert split.code == cp_model.OPTIMAL and split.objective == 3 and split.bound == 3


def test_case_split_finds_the_optimum_where_someone_stays_home():
    # Fairness 1, tests 2: one person twice 2 + 2 = 4 (the optimum), two people 1 + 4 = 5,
    # everyone 6.
    from ortools.sat.python import cp_model

    split, plain = _split_outcome(fairness_weight=1, test_cost=2)
    assert plain == 4
    assert split.code == cp_model.OPTIMAL and split.objective == 4 and split.bound == 4


def test_split_only_with_enough_time_per_variable(monkeypatch):
    # A unit whose time is short for its size gets one LNS solve (which finds its own first
    # roster); with enough time it gets the case split.
    import solver.search as search
    from solver.search import _split_phase

    p = generate(staff=120, weeks=1, seed=2)
    parts = components(p)
    assert parts is not None
    unit = sub_problem(p, max(parts, key=len), first=False)
    real = _split_phase
    calls = []

    def split(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(search, "_split_phase", split)
    monkeypatch.setattr(search, "SPLIT_MIN_SECONDS_PER_VAR", 1.0)  # 1 s per variable
    short = solve_checked(unit, time_limit=2)
    assert short.roster is not None and not calls
    monkeypatch.setattr(search, "SPLIT_MIN_SECONDS_PER_VAR", 0.0)
    solve_checked(unit, time_limit=2)
    assert calls


def _prove_outcome(
    fairness_weight: int, test_cost: int, time_limit: float = 5.0, dear: bool = False
) -> tuple:
    """The same three people as :func:`_split_outcome`, proved by
    :func:`solver.search._prove_phase` from a first roster (with ``dear``, the roster where s0
    works both shifts and the others stay home); with the plain optimum."""
    from ortools.sat.python import cp_model

    from solver.search import _prove_phase, _single

    built, n, cb = _three_people(fairness_weight, test_cost)
    start = built.model.clone()
    if dear:
        for (who, _day, _sh), x in built.vars.x.items():
            dom = start.proto.variables[x.index].domain
            dom.clear()
            dom.extend([int(who == "s0")] * 2)
    first = _single(start, 5, 2, n, cb, first_only=not dear, portfolio="default")
    assert first.solution is not None
    first.code, first.bound = cp_model.FEASIBLE, -math.inf  # a roster, nothing proven
    ((unit, (top, spread)),) = built.ctx.fair_max.items()
    positive = built.ctx.fair_min_positive[unit]
    out = _prove_phase(built.model, positive, top, spread, first, time_limit, 2, n, cb)
    plain = cp_model.CpSolver()
    plain.parameters.max_time_in_seconds = 5
    assert plain.solve(built.model) == cp_model.OPTIMAL
    return first, out, plain.objective_value


def test_prove_phase_finds_the_optimum_where_everyone_comes():
    # Everyone once (3 tests, spread 0) is the optimum: the case "everyone comes".
    from ortools.sat.python import cp_model

    _, out, plain = _prove_outcome(fairness_weight=5, test_cost=1)
    assert plain == 3
    assert out.code == cp_model.OPTIMAL and out.objective == 3 and out.bound == 3


def test_prove_phase_finds_the_optimum_where_someone_stays_home():
    # One person twice (largest count 2: 2 + one test at 2 = 4) is the optimum: a case of the
    # minimum at 0 split on the largest count.
    from ortools.sat.python import cp_model

    _, out, plain = _prove_outcome(fairness_weight=1, test_cost=2)
    assert plain == 4
    assert out.code == cp_model.OPTIMAL and out.objective == 4 and out.bound == 4


def test_prove_phase_without_time_keeps_a_sound_bound():
    # No time for any case, from a dear roster (s0 on both shifts, the others home: 5 x 2 + 1
    # = 11; the optimum 3): the roster stays, unproven, and the bound is the domains' (at most 3).
    from ortools.sat.python import cp_model

    first, out, plain = _prove_outcome(fairness_weight=5, test_cost=1, time_limit=0.0, dear=True)
    assert first.objective == 11 and plain == 3
    assert out.objective == 11 and out.code == cp_model.FEASIBLE and out.bound <= 3


def test_prove_phase_from_a_dear_roster():
    # From the dear roster the cases find and prove the optimum.
    from ortools.sat.python import cp_model

    _, out, _ = _prove_outcome(fairness_weight=5, test_cost=1, dear=True)
    assert out.code == cp_model.OPTIMAL and out.objective == 3 and out.bound == 3


def test_prove_last_first_turn_lns_later_turns_prove(monkeypatch):
    # With PROVE_LAST a unit's first turn is one lp_lns solve (no split), and the parts' later
    # turns prove the roster so far: every roster still passes the referee.
    import solver.search as search
    from solver.search import _prove_phase

    p = generate(staff=120, weeks=1, seed=2)
    monkeypatch.setattr(search, "PROVE_LAST", True)
    monkeypatch.setattr(search, "PROVE_LAST_STALL", 0.05)  # leave time to the later turns
    monkeypatch.setattr(search, "PROVE_LAST_MAX_SECONDS_PER_VAR", 0.0)  # every unit, ungated
    calls: dict[str, int] = {"split": 0, "prove": 0}
    real_prove = _prove_phase

    def split(*args, **kwargs):
        calls["split"] += 1
        raise AssertionError("no case split under PROVE_LAST")

    def prove(*args, **kwargs):
        calls["prove"] += 1
        return real_prove(*args, **kwargs)

    monkeypatch.setattr(search, "_split_phase", split)
    monkeypatch.setattr(search, "_prove_phase", prove)
    r = solve_checked(p, time_limit=20)
    assert r.roster is not None and r.status in (Status.optimal, Status.feasible)
    assert calls["split"] == 0
    assert r.status == Status.optimal or calls["prove"] > 0


def test_prove_last_only_for_units_short_of_time(monkeypatch):
    # With a limit of time per variable that no unit is under, every unit's first turn keeps
    # the first roster and the case split (the plan is for units short of time).
    import solver.search as search
    from solver.search import _unit_plan

    p = generate(staff=120, weeks=1, seed=2)
    monkeypatch.setattr(search, "PROVE_LAST", True)
    monkeypatch.setattr(search, "PROVE_LAST_MAX_SECONDS_PER_VAR", 1e-9)
    first_turns = []

    def plan(built, time_limit, workers, n_vars, cb, prove):
        if prove is None:
            first_turns.append(n_vars)
        return _unit_plan(built, time_limit, workers, n_vars, cb, prove)

    monkeypatch.setattr(search, "_unit_plan", plan)
    r = solve_checked(p, time_limit=10)
    assert r.roster is not None and not first_turns
    monkeypatch.setattr(search, "PROVE_LAST_MAX_SECONDS_PER_VAR", 0.0)  # no limit
    solve_checked(p, time_limit=10)
    assert first_turns
