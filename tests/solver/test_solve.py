"""The public solve() API: statuses, objective offset, progress, hints, soft hard rules and the
diagnosis hook of build_model."""

from ortools.sat.python import cp_model

from roster.model import (
    Absence,
    CapRule,
    Policy,
    Post,
    Progress,
    RapidTestRule,
    Request,
    RequestRule,
    RuleSwitch,
    Status,
    TeamRule,
)
from roster.scopes import CapScope, FixedScope
from solver import build_model, search, solve
from tests.helpers import date, fix, quiet_policy, solve_checked, tiny_problem


def test_default_policy_solves_and_referee_agrees():
    p = tiny_problem(
        days=5,
        n_staff=6,
        posts=[Post(id="c1")],
        absences=[Absence(staff="s0", start=date(0), end=date(1))],
        requests=[Request(staff="s1", date=date(2))],
    )
    r = solve_checked(p)
    assert r.status == Status.optimal
    assert set(r.roster.teams) == {f"s{i}" for i in range(6)}
    assert r.gap == 0 and r.build_time > 0 and r.wall_time >= r.build_time
    assert r.first_solution_time is not None


def test_infeasible_never_raises():
    p = tiny_problem(
        days=1,
        n_staff=2,
        policy=quiet_policy(cap=CapRule(max_on_site=1)),
        fixed=fix(("s0", 0, "AM"), ("s1", 0, "AM")),
    )
    r = solve(p, time_limit=2, workers=1)
    assert r.status == Status.infeasible and r.roster is None and r.objective is None


def test_offset_progress_and_penalty_labels():
    # One unmet wish (5) plus offset 100 -> 105, bound equal.
    seen: list[Progress] = []
    p = tiny_problem(
        days=1,
        n_staff=1,
        objective_offset=100,
        policy=quiet_policy(requests=RequestRule()),
        fixed=fix(("s0", 0, "AM", False)),
        requests=[Request(staff="s0", date=date(0), shift="AM", weight=5)],
    )
    r = solve_checked(p, on_progress=seen.append)
    assert (r.objective, r.bound) == (105, 105)
    assert seen and seen[-1].objective == 105 and seen[-1].solutions >= 1
    pen = r.penalties[0]
    assert (pen.rule, pen.label, pen.cost, pen.staff, pen.date) == (
        "requests",
        "Unmet staff request",
        5,
        "s0",
        date(0),
    )


def test_hint_is_accepted():
    p = tiny_problem(days=5, n_staff=4, posts=[Post(id="c1")])
    first = solve_checked(p)
    again = solve_checked(p, hint=first.roster)
    assert again.status == Status.optimal and again.objective == first.objective


def test_soft_hard_rules_always_return_a_roster():
    # Cap 1 with two people fixed on site, and an absent person fixed on site: infeasible when
    # hard; with soft_hard_rules a roster comes back naming what it breaks.
    pol = Policy(
        cap=CapRule(max_on_site=1),
        teams=TeamRule(rotation="free"),
        tests=RapidTestRule(daily_capacity=0),
        coverage=RuleSwitch(),
        availability=RuleSwitch(),
    )
    p = tiny_problem(
        days=1,
        n_staff=2,
        policy=pol,
        posts=[Post(id="c", skill="x")],
        skills=["x"],
        absences=[Absence(staff="s1", start=date(0), end=date(0))],
        fixed=fix(("s0", 0, "AM"), ("s1", 0, "AM")),
    )
    assert solve(p, time_limit=2, workers=1).status == Status.infeasible
    r = solve_checked(p, soft_hard_rules=True)
    assert r.status == Status.optimal
    rules = {x.rule for x in r.penalties}
    assert {"cap", "availability", "tests.coverage", "coverage.under"} <= rules


def test_diagnosis_mode_names_conflicting_rules():
    p = tiny_problem(
        days=1,
        n_staff=2,
        policy=quiet_policy(cap=CapRule(max_on_site=1)),
        fixed=fix(("s0", 0, "AM"), ("s1", 0, "AM")),
    )
    built = build_model(p, diagnosis=True)
    keys = set(built.enforcement)
    assert ("cap", CapScope("U", 0, "AM")) in keys
    assert ("fixed", FixedScope(0)) in keys and ("fixed", FixedScope(1)) in keys
    lits = list(built.enforcement.values())
    built.model.add_assumptions(lits)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(built.model) == cp_model.INFEASIBLE
    core = {
        k
        for k, v in built.enforcement.items()
        if v.index in solver.sufficient_assumptions_for_infeasibility()
    }
    assert core == {
        ("cap", CapScope("U", 0, "AM")),
        ("fixed", FixedScope(0)),
        ("fixed", FixedScope(1)),
    }


def test_progress_reports_carry_rosters_the_referee_accepts():
    # With progress_rosters, every report holds the roster just found; each is a valid roster
    # whose objective the referee recomputes to the reported value, and the last one is the
    # returned roster's objective. Without the flag, reports carry no roster.
    from roster.validation import check

    p = tiny_problem(days=5, n_staff=4, posts=[Post(id="c1")])
    seen: list[Progress] = []
    r = solve(p, time_limit=5, workers=1, on_progress=seen.append, progress_rosters=True)
    assert r.status == Status.optimal and seen
    for rep in seen:
        assert rep.roster is not None
        report = check(p, rep.roster)
        assert report.ok and report.objective == rep.objective
    assert seen[-1].objective == r.objective

    plain: list[Progress] = []
    solve(p, time_limit=5, workers=1, on_progress=plain.append)
    assert plain and all(rep.roster is None for rep in plain)


def test_build_past_the_time_limit_is_an_answer_not_a_crash():
    # A time limit of 0 s: the build stops at its first check and says why.
    p = tiny_problem(days=5, n_staff=3)
    r = solve(p, time_limit=0.0)
    assert r.status == Status.unknown and r.roster is None
    assert "not built within the time limit" in r.messages[0]


def testdomain_bound_of_an_objective():
    m = cp_model.CpModel()
    x = m.new_int_var(0, 3, "x")
    y = m.new_bool_var("y")
    m.minimize(2 * x - y + 5)
    assert search.domain_bound(m) == 4


def test_a_roster_without_a_bound_yet_gets_thedomain_bound(monkeypatch):
    # The time runs out right after the first roster (no bound from CP-SAT yet): the result
    # still carries a bound, not an overflow.
    real = search._search  # noqa: SLF001 - stands in for a search that ran out of time

    def first_only(built, *args, **kw):
        out = real(built, *args[:-1], True)
        out.bound = float("-inf")
        return out

    monkeypatch.setattr(search, "_search", first_only)
    p = tiny_problem(days=3, n_staff=2, policy=quiet_policy(tests=RapidTestRule()))
    r = solve_checked(p)
    assert r.roster is not None and r.bound is not None and r.bound <= r.objective
