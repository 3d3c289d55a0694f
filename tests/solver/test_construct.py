"""The person-by-person first roster (solver.construct) and its use by solve()."""

from __future__ import annotations

import importlib
import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from roster.formats import curtois
from roster.index import ProblemIndex
from roster.model import CapRule, Demand, Post, Roster, RuleSwitch, SolveResult, Status
from roster.validation import check
from solver.construct import EarlyStart, construct, improve, person_problem, separable
from tests.helpers import quiet_policy, solve_checked, tiny_problem

solve_module = importlib.import_module("solver.search")
construct_module = importlib.import_module("solver.construct")
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

    # The start is begun before the model build (solver.construct.EarlyStart), or after it.
    monkeypatch.setattr(solve_module, "construct", spy)
    monkeypatch.setattr(construct_module, "construct", spy)
    problem = curtois.read_instance(DATA / "Instance1.txt")
    r = solve_checked(problem, time_limit=10)
    assert calls == [1]
    assert r.status == Status.optimal and r.objective == 607  # the known optimum


def test_early_start_gives_a_roster_that_meets_every_hard_rule():
    problem = curtois.read_instance(DATA / "Instance2.txt")
    start = EarlyStart(problem, 10.0, 2, solve_module.solve_whole)
    roster = start.result()
    assert roster is not None
    report = check(problem, roster)
    assert report.ok, report.violations[:3]
    assert {a.staff for a in roster.assignments} == {s.id for s in problem.staff}


def test_early_start_places_nobody_when_hard_rules_bind_people_together():
    capped = tiny_problem(
        n_staff=2, posts=[_soft_post()], policy=quiet_policy(cap=CapRule(max_on_site=1))
    )
    calls = []

    def solve_one(*args, **kw):
        calls.append(1)
        return solve_module.solve_whole(*args, **kw)

    assert EarlyStart(capped, 10.0, 2, solve_one).result() is None
    assert calls == []


def test_a_stopped_construction_places_nobody_more():
    problem = curtois.read_instance(DATA / "Instance1.txt")
    stop = threading.Event()
    stop.set()
    calls = []

    def solve_one(*args, **kw):
        calls.append(1)
        return solve_module.solve_whole(*args, **kw)

    assert construct(problem, 10.0, 2, solve_one, stop=stop) is None
    assert calls == []


def test_a_person_without_a_first_roster_is_solved_again_on_two_workers(monkeypatch):
    monkeypatch.setattr(construct_module, "DP_FIRST", False)  # every person to CP-SAT
    problem = curtois.read_instance(DATA / "Instance1.txt")
    workers_used = []

    def solve_one(sub, time_limit, workers, polish):
        workers_used.append(workers)
        if workers == 1:  # as if the one-worker solve ran out of its time
            return SolveResult(status=Status.unknown)
        return solve_module.solve_whole(sub, time_limit=time_limit, workers=1, polish=polish)

    roster = construct(problem, 20.0, 1, solve_one)
    assert roster is not None
    assert workers_used == [1, 2] * len(problem.staff)
    report = check(problem, roster)
    assert report.ok, report.violations[:3]


def test_solve_whole_begins_the_start_before_the_build(monkeypatch):
    events = []
    build = solve_module.build_model
    begin = solve_module.EarlyStart

    def spy_build(*args, **kw):
        if args[0] is problem:  # not a person's model
            events.append("build")
        return build(*args, **kw)

    def spy_start(*args, **kw):
        events.append("start")
        return begin(*args, **kw)

    problem = curtois.read_instance(DATA / "Instance1.txt")
    monkeypatch.setattr(solve_module, "build_model", spy_build)
    monkeypatch.setattr(solve_module, "EarlyStart", spy_start)
    r = solve_checked(problem, time_limit=10)
    assert events[:2] == ["start", "build"]
    assert r.status == Status.optimal and r.objective == 607


def test_person_rounds_keep_every_hard_rule_and_make_the_greedy_start_cheaper():
    problem = curtois.read_instance(DATA / "Instance2.txt")
    start = construct(problem, 10.0, 1, solve_module.solve_whole)
    assert start is not None
    before = check(problem, start)
    better, changed = improve(problem, start, 10.0, solve_module.solve_whole)
    after = check(problem, better)
    assert after.ok, after.violations[:3]
    assert {a.staff for a in better.assignments} == {s.id for s in problem.staff}
    # The people placed first took cover the later ones could give (1532 -> 1229 measured).
    assert changed > 0
    assert after.objective < before.objective


def test_a_build_out_of_time_still_returns_the_starts_roster(monkeypatch):
    """The whole model not built within the time limit (Curtois & Qu 24 on a loaded machine):
    the person-by-person start's roster comes back, priced by the referee."""
    from solver.context import BuildInterrupted

    build = solve_module.build_model

    def slow_build(*args, **kw):
        if args[0] is problem:  # the whole model, not a person's
            start.wait(20)  # as if the build took all the time
            raise BuildInterrupted
        return build(*args, **kw)

    begin = solve_module.EarlyStart
    start = threading.Event()

    def spy_start(*args, **kw):
        early = begin(*args, **kw)
        threading.Thread(target=lambda: (early.result(), start.set()), daemon=True).start()
        return early

    problem = curtois.read_instance(DATA / "Instance2.txt")
    monkeypatch.setattr(solve_module, "build_model", slow_build)
    monkeypatch.setattr(solve_module, "EarlyStart", spy_start)
    r = solve_module.solve_whole(problem, time_limit=10, workers=2)
    assert r.status == Status.feasible and r.roster is not None
    report = check(problem, r.roster)
    assert report.ok, report.violations[:3]
    assert r.objective == report.objective >= 828  # 828: the proven optimum
    assert r.first_solution_time is not None and "start" in r.messages[0]


@pytest.mark.parametrize(
    ("constant", "value"), [("START_ONLY_SHARE", 1.0), ("TAKEOVER_BUILD_RATIO", 1e6)]
)
def test_a_start_that_comes_late_is_the_result(monkeypatch, constant, value):
    """The start's roster with less than START_ONLY_SHARE of the time left, or less than the
    take-over is expected to need (TAKEOVER_BUILD_RATIO times the build): returned as it is
    (the whole model's take-over would overrun the time limit on Curtois & Qu 24)."""
    monkeypatch.setattr(solve_module, constant, value)  # always too late
    _starts_roster_kept()


def _starts_roster_kept() -> None:
    """Instance 2 solved for 10 s on 2 workers, whose result must be the person-by-person
    start's roster (so said in its first message), priced as the referee prices it."""
    problem = curtois.read_instance(DATA / "Instance2.txt")
    r = solve_module.solve_whole(problem, time_limit=10, workers=2)
    assert r.status == Status.feasible and r.roster is not None
    assert "start" in r.messages[0]
    report = check(problem, r.roster)
    assert report.ok and r.objective == report.objective


def test_a_take_over_out_of_time_gives_the_starts_roster_not_a_new_search(monkeypatch):
    """The whole model's take-over of the start's roster runs out of time (Curtois & Qu 24 at
    a load of 4: 9 s for it): the start's roster is the result, priced by the referee, and no
    other whole-model search starts after it (that search overran the time limit)."""
    calls: list[str] = []
    real_single = solve_module._single  # noqa: SLF001

    def spy_single(*args, **kw):
        calls.append(kw.get("portfolio", "auto"))
        return real_single(*args, **kw)

    def out_of_time(*args, **kw):
        calls.clear()
        return solve_module._Outcome(solve_module.cp_model.UNKNOWN, out_of_time=True)  # noqa: SLF001

    monkeypatch.setattr(solve_module, "_single", spy_single)
    monkeypatch.setattr(solve_module, "_from_roster", out_of_time)
    _starts_roster_kept()
    assert calls == []


def test_a_take_over_whose_solve_finds_nothing_in_time_says_so(monkeypatch):
    """_from_roster tells a take-over that ran out of time (its CP-SAT solve found nothing in
    the time left) from a roster the model refuses."""
    from solver.build import build_model

    problem = curtois.read_instance(DATA / "Instance2.txt")
    built = build_model(problem)
    n_vars = len(built.model.proto.variables)
    roster = construct(problem, 5.0, 2, solve_module.solve_whole)
    assert roster is not None
    cb = solve_module._Progress(0, True, None)  # noqa: SLF001
    ok = solve_module._from_roster(built, roster, 10.0, 2, n_vars, cb)  # noqa: SLF001
    assert ok.solution is not None and not ok.out_of_time
    unknown = solve_module.cp_model.UNKNOWN
    monkeypatch.setattr(solve_module, "_single", lambda *a, **k: solve_module._Outcome(unknown))  # noqa: SLF001
    late = solve_module._from_roster(built, roster, 0.0, 2, n_vars, cb)  # noqa: SLF001
    assert late.solution is None and late.out_of_time
    # Someone on every day of the fortnight: past the contract's hard limits.
    a = roster.assignments[0]
    every_day = [
        a.model_copy(update={"date": problem.horizon.start + timedelta(days=d)})
        for d in range(problem.horizon.days)
    ]
    others = [b for b in roster.assignments if b.staff != a.staff]
    refused = roster.model_copy(update={"assignments": others + every_day})
    assert not check(problem, refused).ok
    bad = solve_module._from_roster(built, refused, 10.0, 2, n_vars, cb)  # noqa: SLF001
    assert bad.solution is None and not bad.out_of_time


def test_a_phase_too_short_to_load_the_model_is_not_started(monkeypatch):
    """Phases shorter than PHASE_MIN_SECONDS_PER_VAR per variable are skipped (on Curtois & Qu
    24 an lp_lns phase of 0.1 s returned 2 s later, past the time limit): with every phase
    too short the solve returns the first roster well inside the time limit."""
    portfolios: list[str] = []
    real_single = solve_module._single  # noqa: SLF001

    def spy_single(*args, **kw):
        portfolios.append(kw.get("portfolio", "auto"))
        return real_single(*args, **kw)

    monkeypatch.setattr(solve_module, "PHASE_MIN_SECONDS_PER_VAR", 1.0)
    monkeypatch.setattr(solve_module, "EARLY_START", False)  # else the start alone is kept
    monkeypatch.setattr(solve_module, "_single", spy_single)
    problem = curtois.read_instance(DATA / "Instance2.txt")
    r = solve_module.solve_whole(problem, time_limit=10, workers=2)
    assert r.status == Status.feasible and r.roster is not None
    report = check(problem, r.roster)
    assert report.ok and r.objective == report.objective
    assert "lp_lns" not in portfolios and "core" not in portfolios
    assert not r.messages or "start" not in r.messages[0]  # the whole model's roster
    assert r.wall_time < 9


def test_the_search_improves_the_start_by_the_programs_rounds(monkeypatch):
    """A separable problem the dynamic program reads: the start goes through its rounds
    before the whole model takes it over; the rounds' roster is never dearer than the start
    and the solve's roster passes the referee."""
    from solver import persondp

    seen: list[tuple[float, float]] = []
    real = persondp.improve

    def spy(prep, assignments, deadline, min_gain=0.0, seed=0, on_round=None):
        out = real(prep, assignments, deadline, min_gain, seed, on_round)
        assert out is not None
        before = check(problem, Roster(assignments=assignments)).objective
        seen.append((before, check(problem, Roster(assignments=out[0])).objective))
        return out

    problem = curtois.read_instance(DATA / "Instance5.txt")
    monkeypatch.setattr(persondp, "improve", spy)
    r = solve_checked(problem, time_limit=8)
    assert len(seen) == 1 and seen[0][1] <= seen[0][0]
    assert r.roster is not None and r.objective is not None
    assert r.objective <= seen[0][1]  # the whole model starts from the rounds' roster


def test_models_above_the_lns_limit_keep_the_rounds_roster_to_the_end(monkeypatch):
    """Above LNS_BOUND_MAX_VARS the rounds may take all the time; the result is then the
    rounds' roster, priced by the referee, said to be the start's."""
    import time

    from solver import persondp

    real = persondp.improve
    got: list[list] = []

    def all_the_time(prep, assignments, deadline, min_gain=0.0, seed=0, on_round=None):
        out = real(prep, assignments, deadline, min_gain, seed, on_round)
        assert out is not None
        got.append(out[0])
        time.sleep(max(0.0, deadline - time.perf_counter() - 0.2))  # rounds to the end
        return out

    monkeypatch.setattr(solve_module, "LNS_BOUND_MAX_VARS", 10)
    monkeypatch.setattr(persondp, "improve", all_the_time)
    problem = curtois.read_instance(DATA / "Instance5.txt")
    r = solve_module.solve_whole(problem, time_limit=6, workers=2)
    assert r.status == Status.feasible and r.roster is not None
    report = check(problem, r.roster)
    assert report.ok, report.violations[:3]
    assert r.objective == report.objective
    assert report.objective == check(problem, Roster(assignments=got[0])).objective
    assert "improved person by person" in r.messages[0]
    assert r.wall_time < 7.5


def test_the_start_and_each_round_are_reported_before_the_model_takes_over(monkeypatch):
    """A job listening for rosters hears the start's roster and the rounds' before the rounds
    end (a job stopped during them keeps the best); each reported roster is priced as the
    referee prices it, and each is cheaper than the one before."""
    from solver import persondp

    reports: list = []
    heard_by_the_end: list[int] = []
    real = persondp.improve

    def spy(prep, assignments, deadline, min_gain=0.0, seed=0, on_round=None):
        out = real(prep, assignments, deadline, min_gain, seed, on_round)
        heard_by_the_end.append(len(reports))
        return out

    monkeypatch.setattr(persondp, "improve", spy)
    problem = curtois.read_instance(DATA / "Instance5.txt")
    r = solve_module.solve(
        problem, time_limit=8, workers=2, on_progress=reports.append, progress_rosters=True
    )
    assert r.roster is not None and r.objective is not None
    assert heard_by_the_end and heard_by_the_end[0] >= 2  # the start and at least one round
    for p in reports[: heard_by_the_end[0]]:
        report = check(problem, p.roster)
        assert report.ok, report.violations[:3]
        assert report.objective == p.objective
    objectives = [p.objective for p in reports]
    assert objectives == sorted(objectives, reverse=True) and len(set(objectives)) == len(reports)
    assert r.objective <= objectives[-1]


def test_the_pace_gives_the_last_people_to_cp_sat(monkeypatch):
    """With the choice by pace (``DP_PACE``), the program places people while the people left
    would not fit the pace at CP-SAT's pace, CP-SAT the last ones once they do; the roster
    meets every hard rule. Off, the program places everyone."""
    from solver import persondp
    from solver.search import solve_whole

    monkeypatch.setattr(construct_module, "DP_MIN_STAFF_DAYS", 0)
    problem = curtois.read_instance(DATA / "Instance5.txt")
    n = len(problem.staff)
    real_person = persondp.solve_person

    def by_pace(pace_on: bool) -> list[str]:
        who: list[str] = []

        def program(*args, **kw):
            who.append("dp")
            return real_person(*args, **kw)

        def cp_sat(*args, **kw):
            who.append("cp")
            return solve_whole(*args, **kw)

        monkeypatch.setattr(persondp, "solve_person", program)
        monkeypatch.setattr(construct_module, "DP_PACE", pace_on)
        # One person by CP-SAT priced at 2 s before any is measured: with 8 s of pace and
        # one thread, the last 3 people fit (2 if the program's took over 2 s).
        monkeypatch.setattr(construct_module, "CP_PRIOR_PER_DAY", 2.0 / problem.horizon.days)
        roster = construct(problem, 30.0, 1, cp_sat, pace=8.0)
        assert roster is not None
        report = check(problem, roster)
        assert report.ok, report.violations[:3]
        return who

    paced = by_pace(True)
    first_cp = paced.index("cp")
    assert 2 <= paced.count("cp") <= 3
    assert all(w == "dp" for w in paced[:first_cp])
    assert all(w == "cp" for w in paced[first_cp:])
    assert len(paced) == n
    assert by_pace(False) == ["dp"] * n
