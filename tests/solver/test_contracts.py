"""Contracts: shifts per day, rest, counts, runs, successions, weekends."""

import datetime as dt
import itertools

import pytest
from ortools.sat.python import cp_model

from roster.model import (
    Contract,
    CountLimit,
    Opening,
    Request,
    RequestRule,
    RunLimit,
    ShiftType,
    Status,
    Succession,
    WeekendLimit,
)
from solver import build_model
from tests.helpers import date, fix, quiet_policy, solve_checked, tiny_problem

EVERY_DAY = [Opening(weekdays=[0, 1, 2, 3, 4, 5, 6])]
ONE_SHIFT = [ShiftType(id="D", start=dt.time(8), end=dt.time(16))]


def _p(contract: Contract, days: int, on=(), off=(), **kw):
    """One person, one shift 'D' a day, open every day; fixed on/off days."""
    fixed = fix(*[("s0", d, "D") for d in on], *[("s0", d, "D", False) for d in off])
    return tiny_problem(
        days=days,
        n_staff=1,
        shifts=ONE_SHIFT,
        opening=EVERY_DAY,
        fixed=fixed,
        policy=quiet_policy(contracts={"default": contract}),
        **kw,
    )


def test_max_shifts_per_day():
    p = tiny_problem(
        days=1,
        n_staff=1,
        fixed=fix(("s0", 0, "AM"), ("s0", 0, "PM")),
        policy=quiet_policy(contracts={"default": Contract(max_shifts_per_day=1)}),
    )
    assert solve_checked(p).status == Status.infeasible


@pytest.mark.parametrize(
    "hours, cells, ok",
    [
        (14, [("s0", 0, "PM"), ("s0", 1, "AM")], True),  # 17:00 -> 07:30 is 14.5 h
        (15, [("s0", 0, "PM"), ("s0", 1, "AM")], False),
        (2, [("s0", 0, "AM"), ("s0", 0, "PM")], False),  # 11:30 -> 13:00 is 1.5 h
    ],
)
def test_min_rest(hours, cells, ok):
    p = tiny_problem(
        days=2,
        n_staff=1,
        fixed=fix(*cells),
        policy=quiet_policy(contracts={"default": Contract(min_rest_hours=hours)}),
    )
    assert solve_checked(p).status == (Status.optimal if ok else Status.infeasible)


def test_count_hard_and_soft_max():
    # Hard max 2 shifts; asked for 3 (weight 1 each) -> one unmet = 1.
    reqs = [Request(staff="s0", date=date(d)) for d in range(3)]
    p = tiny_problem(
        days=3,
        n_staff=1,
        shifts=ONE_SHIFT,
        opening=EVERY_DAY,
        requests=reqs,
        policy=quiet_policy(
            requests=RequestRule(), contracts={"default": Contract(counts=[CountLimit(hard_max=2)])}
        ),
    )
    assert solve_checked(p).objective == 1
    # Soft max 2 (weight 4), three fixed shifts -> 4.
    r = solve_checked(_p(Contract(counts=[CountLimit(soft_max=2, max_weight=4)]), 3, on=[0, 1, 2]))
    assert r.objective == 4 and r.penalties[0].rule == "contract.count.max"


def test_count_soft_min_and_minutes():
    # At least 5 shifts wanted (weight 5), only 2 days x 2 shifts exist -> 1 short = 5.
    p = tiny_problem(
        days=2,
        n_staff=1,
        policy=quiet_policy(
            contracts={"default": Contract(counts=[CountLimit(soft_min=5, min_weight=5)])}
        ),
    )
    assert solve_checked(p).objective == 5
    # At most 400 minutes: two 4-hour shifts are 480.
    p = tiny_problem(
        days=1,
        n_staff=1,
        fixed=fix(("s0", 0, "AM"), ("s0", 0, "PM")),
        policy=quiet_policy(
            contracts={"default": Contract(counts=[CountLimit(measure="minutes", hard_max=400)])}
        ),
    )
    assert solve_checked(p).status == Status.infeasible


def test_count_days_off_per_week():
    # 7 days, on Mon-Thu: 3 days off. Needing 4 is infeasible; 3 is fine.
    on = [0, 1, 2, 3]
    bad = Contract(counts=[CountLimit(measure="days_off", window="week", hard_min=4)])
    good = Contract(counts=[CountLimit(measure="days_off", window="week", hard_min=3)])
    assert solve_checked(_p(bad, 7, on=on)).status == Status.infeasible
    assert solve_checked(_p(good, 7, on=on)).status == Status.optimal


def test_count_days_per_week_window():
    # Horizon of 14 days from Monday: at most 1 day a week; two in week 1 is infeasible.
    c = Contract(counts=[CountLimit(measure="days", window="week", hard_max=1)])
    assert solve_checked(_p(c, 14, on=[0, 1])).status == Status.infeasible
    assert solve_checked(_p(c, 14, on=[0, 7])).status == Status.optimal


def test_run_hard_max():
    c = Contract(runs=[RunLimit(hard_max=2)])
    assert solve_checked(_p(c, 5, on=[0, 1, 2])).status == Status.infeasible
    assert solve_checked(_p(c, 5, on=[0, 1, 3, 4])).status == Status.optimal


def test_run_hard_min_and_borders():
    # A one-day run at day 0: exempt at the border, or not.
    exempt = Contract(runs=[RunLimit(hard_min=2)])
    strict = Contract(runs=[RunLimit(hard_min=2, exempt_at_borders=False)])
    assert solve_checked(_p(exempt, 4, on=[0], off=[1])).status == Status.optimal
    assert solve_checked(_p(strict, 4, on=[0], off=[1])).status == Status.infeasible
    # A one-day run inside the horizon is never exempt.
    assert solve_checked(_p(exempt, 5, on=[2], off=[1, 3])).status == Status.infeasible


def test_run_soft_max_per_extra_day():
    # A run of 5 days, soft max 2 (weight 3): 3 x (5 - 2) = 9.
    r = solve_checked(
        _p(Contract(runs=[RunLimit(soft_max=2, max_weight=3)]), 5, on=[0, 1, 2, 3, 4])
    )
    assert r.objective == 9
    assert {x.rule for x in r.penalties} == {"contract.run.max"}


def test_run_soft_min_per_missing_day():
    # One-day run on day 2 of 5, soft min 3 (weight 2), border bounding: 2 x (3 - 1) = 4.
    c = Contract(runs=[RunLimit(soft_min=3, min_weight=2, exempt_at_borders=False)])
    r = solve_checked(_p(c, 5, on=[2], off=[0, 1, 3, 4]))
    assert r.objective == 4 and r.penalties[0].rule == "contract.run.min"
    # A 4-day run touching both borders: exempt -> 0, bounded -> soft min 5: 1 x 1 = 1.
    assert (
        solve_checked(_p(Contract(runs=[RunLimit(soft_min=5)]), 4, on=[0, 1, 2, 3])).objective == 0
    )
    assert (
        solve_checked(
            _p(Contract(runs=[RunLimit(soft_min=5, exempt_at_borders=False)]), 4, on=[0, 1, 2, 3])
        ).objective
        == 1
    )


def test_runs_of_days_off():
    # No two consecutive days off.
    c = Contract(runs=[RunLimit(state="off", hard_max=1)])
    assert solve_checked(_p(c, 4, off=[1, 2])).status == Status.infeasible
    # Off runs of at least 2 (weight 5): a single day off between two on days -> 5.
    c = Contract(runs=[RunLimit(state="off", soft_min=2, min_weight=5)])
    assert solve_checked(_p(c, 3, on=[0, 2], off=[1])).objective == 5


def test_succession():
    cells = fix(("s0", 0, "PM"), ("s0", 1, "AM"))
    hard = Contract(successions=[Succession(first="PM", then="AM")])
    soft = Contract(successions=[Succession(first="PM", then="AM", weight=7)])
    p = tiny_problem(
        days=2, n_staff=1, fixed=cells, policy=quiet_policy(contracts={"default": hard})
    )
    assert solve_checked(p).status == Status.infeasible
    p = tiny_problem(
        days=2, n_staff=1, fixed=cells, policy=quiet_policy(contracts={"default": soft})
    )
    assert solve_checked(p).objective == 7


@pytest.mark.parametrize(
    "first, then, status, objective",
    [
        ("PM", "AM", Status.infeasible, None),
        ("PM", "PM", Status.infeasible, None),
        ("AM", "PM", Status.optimal, 3),  # the soft succession of the same contract still counts
        ("AM", "AM", Status.optimal, 0),
    ],
)
def test_successions_with_one_shift_a_day(first, then, status, objective):
    # With one shift a day (hard), the hard successions of one first shift are one at-most-one
    # constraint per day; the result must be the same as with one clause per pair.
    c = Contract(
        max_shifts_per_day=1,
        successions=[
            Succession(first="PM", then="AM"),
            Succession(first="PM", then="PM"),
            Succession(first="AM", then="PM", weight=3),
        ],
    )
    p = tiny_problem(
        days=2,
        n_staff=1,
        fixed=fix(("s0", 0, first), ("s0", 1, then)),
        policy=quiet_policy(contracts={"default": c}),
    )
    r = solve_checked(p)
    assert r.status == status
    if objective is not None:
        assert r.objective == objective


def test_weekends():
    # 14 days from Monday: weekends are days 5-6 and 12-13.
    hard = Contract(weekends=WeekendLimit(hard_max=1))
    soft = Contract(weekends=WeekendLimit(soft_max=1, weight=4))
    assert solve_checked(_p(hard, 14, on=[5, 13])).status == Status.infeasible
    assert solve_checked(_p(hard, 14, on=[5, 6])).objective == 0  # one weekend, both days
    assert solve_checked(_p(soft, 14, on=[5, 13])).objective == 4


def _runs_ok(pattern: tuple[int, ...], max_on: int, min_off: int) -> bool:
    """Brute force: runs of on-days at most ``max_on``; runs of off-days not touching either
    end at least ``min_off``."""
    n = len(pattern)
    i = 0
    while i < n:
        j = i
        while j < n and pattern[j] == pattern[i]:
            j += 1
        if pattern[i] and j - i > max_on:
            return False
        if not pattern[i] and i > 0 and j < n and j - i < min_off:
            return False
        i = j
    return True


@pytest.mark.parametrize("max_on, min_off", [(3, 2), (2, 3)])
def test_run_windows_cut_no_feasible_pattern(max_on, min_off):
    # The redundant "at most max_on days on in any max_on + min_off days" must leave exactly
    # the patterns the run rules allow: enumerate every roster of one person over 9 days.
    from solver.build import build_model

    c = Contract(
        max_shifts_per_day=1,
        runs=[RunLimit(hard_max=max_on), RunLimit(state="off", hard_min=min_off)],
    )
    p = _p(c, 9)
    built = build_model(p)
    x = [built.vars.x[("s0", d, "D")] for d in range(9)]
    found: set[tuple[int, ...]] = set()

    class Collect(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            found.add(tuple(self.value(v) for v in x))

    built.model.clear_objective()
    solver = cp_model.CpSolver()
    solver.parameters.enumerate_all_solutions = True
    solver.parameters.num_workers = 1
    assert solver.solve(built.model, Collect()) == cp_model.OPTIMAL
    expected = {
        bits for bits in itertools.product((0, 1), repeat=9) if _runs_ok(bits, max_on, min_off)
    }
    assert found == expected
    assert len(expected) > 20  # the check above compares real sets, not two empty ones


THREE_SHIFTS = [
    ShiftType(id="E", start=dt.time(6), end=dt.time(14)),
    ShiftType(id="L", start=dt.time(14), end=dt.time(22)),
    ShiftType(id="N", start=dt.time(22), end=dt.time(23, 59)),
]


def test_grouped_successions_match_the_pairs():
    # L and N may not be followed by E, N not by L either: L and N share no follower set, so
    # two groups; with two first shifts of the same set (E after L and after N) the group is
    # one at-most-one per day. Every pair (day 0, day 1) must be allowed exactly when the
    # pair rules allow it.
    c = Contract(
        max_shifts_per_day=1,
        successions=[
            Succession(first="L", then="E"),
            Succession(first="N", then="E"),
            Succession(first="N", then="L"),
        ],
    )
    forbidden = {("L", "E"), ("N", "E"), ("N", "L")}
    for first, then in itertools.product("ELN", repeat=2):
        p = tiny_problem(
            days=2,
            n_staff=1,
            shifts=THREE_SHIFTS,
            opening=EVERY_DAY,
            fixed=fix(("s0", 0, first), ("s0", 1, then)),
            policy=quiet_policy(contracts={"default": c}),
        )
        want = Status.infeasible if (first, then) in forbidden else Status.optimal
        assert solve_checked(p).status == want, (first, then)


def test_grouped_successions_share_one_constraint_per_day():
    c = Contract(
        max_shifts_per_day=1,
        successions=[Succession(first="L", then="E"), Succession(first="N", then="E")],
    )
    p = tiny_problem(
        days=3,
        n_staff=1,
        shifts=THREE_SHIFTS,
        opening=EVERY_DAY,
        policy=quiet_policy(contracts={"default": c}),
    )
    built = build_model(p)
    x = built.vars.x
    groups = [
        sorted(ct.at_most_one.literals)
        for ct in built.model.proto.constraints
        if len(ct.at_most_one.literals) == 3
    ]
    # Per day d: L and N on d, E on d + 1 (days 0-1 and 1-2); no per-pair clause.
    want = [
        sorted([x[("s0", d, "L")].index, x[("s0", d, "N")].index, x[("s0", d + 1, "E")].index])
        for d in range(2)
    ]
    per_day = [sorted(x[("s0", d, sh)].index for sh in "ELN") for d in range(3)]
    assert sorted(g for g in groups if g not in per_day) == sorted(want)
    assert not any(len(ct.bool_or.literals) == 2 for ct in built.model.proto.constraints)


def test_zero_count_leaves_no_variable_and_still_binds():
    # A hard count of 0 of shift PM (a missing skill in Curtois & Qu terms): no PM variable
    # for that person, and a fixed PM cell is infeasible, as the rule says.
    c = Contract(counts=[CountLimit(shifts=["PM"], hard_max=0)])
    p = tiny_problem(days=3, n_staff=1, policy=quiet_policy(contracts={"default": c}))
    built = build_model(p)
    assert not [cell for cell in built.vars.x if cell[2] == "PM"]
    assert len([cell for cell in built.vars.x if cell[2] == "AM"]) == 3
    bad = p.model_copy(update={"fixed": fix(("s0", 1, "PM"))})
    assert solve_checked(bad).status == Status.infeasible
    # Softened (explanations), the variable exists and the breach is priced.
    r = solve_checked(bad, soft_hard_rules=True)
    assert r.status == Status.optimal
    assert [pen.rule for pen in r.penalties] == ["contract.count.max"]


@pytest.mark.parametrize("minutes, ok", [(240, False), (480, True), (720, True), (960, False)])
def test_count_hard_min_and_max_together(minutes, ok):
    # 2 days x AM/PM of 4 h; between 480 and 720 minutes, both hard (one constraint).
    n = minutes // 240
    on = [("s0", d, sh) for d, sh in itertools.product(range(2), ("AM", "PM"))][:n]
    off = [("s0", d, sh, False) for d, sh in itertools.product(range(2), ("AM", "PM"))][n:]
    c = Contract(counts=[CountLimit(measure="minutes", hard_min=480, hard_max=720)])
    p = tiny_problem(
        days=2, n_staff=1, fixed=fix(*on, *off), policy=quiet_policy(contracts={"default": c})
    )
    assert solve_checked(p).status == (Status.optimal if ok else Status.infeasible)
