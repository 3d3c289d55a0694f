"""The referee's contracts check (``roster/referee/contracts.py``) alone, on tiny hand-built
problems (see ``tests/roster/test_validation.py`` for the conventions)."""

from __future__ import annotations

import datetime as dt

import pytest

from roster.model import (
    Contract,
    CountLimit,
    RunLimit,
    ShiftType,
    Staff,
    Succession,
    WeekendLimit,
)
from roster.validation import check
from tests.helpers import (
    ALL_WEEK,
    on_days,
    penalty_cost,
    quiet_policy,
    tiny_problem,
    tiny_roster,
    tiny_shifts,
    violated_rules,
)


def _contract_problem(days: int = 7, shifts: list[ShiftType] | None = None, **contract) -> tuple:
    p = tiny_problem(
        days=days,
        n_staff=1,
        shifts=shifts,
        opening=ALL_WEEK,
        policy=quiet_policy(contracts={"default": Contract(**contract)}),
    )
    return p, lambda cells: check(p, tiny_roster(p, on=cells))


def test_max_shifts_per_day() -> None:
    _, run = _contract_problem(max_shifts_per_day=1)
    assert run([("s0", 0, "AM"), ("s0", 1, "AM")]).ok
    assert violated_rules(run([("s0", 0, "AM"), ("s0", 0, "PM")])) == ["contract.per_day"]


def test_min_rest_same_and_next_day() -> None:
    shifts = tiny_shifts() + [ShiftType(id="N", start=dt.time(22), end=dt.time(6))]
    _, run = _contract_problem(shifts=shifts, min_rest_hours=1.5)
    # AM ends 11:30, PM starts 13:00: 1h30 rest, enough.
    assert run([("s0", 0, "AM"), ("s0", 0, "PM")]).ok
    # Night Mon 22:00-Tue 06:00, then Tue AM 07:30: 1h30, enough.
    assert run([("s0", 0, "N"), ("s0", 1, "AM")]).ok
    # Night Mon then Tue night: 16h.
    assert run([("s0", 0, "N"), ("s0", 1, "N")]).ok
    _, run = _contract_problem(shifts=shifts, min_rest_hours=2)
    assert violated_rules(run([("s0", 0, "AM"), ("s0", 0, "PM")])) == ["contract.rest"]
    assert violated_rules(run([("s0", 0, "N"), ("s0", 1, "AM")])) == ["contract.rest"]
    # Night shift overlapping nothing on the same day but PM 13:00-17:00 then N 22:00: 5h.
    assert run([("s0", 0, "PM"), ("s0", 0, "N")]).ok


def test_count_limit_soft_max_exact_cost() -> None:
    _, run = _contract_problem(counts=[CountLimit(soft_max=3, max_weight=4)])
    # 5 on-site shifts against soft_max 3: 2 x 4 = 8.
    rep = run(on_days("s0", "xxxxx"))
    assert rep.ok and penalty_cost(rep, "contract.count.max") == 8


@pytest.mark.parametrize(
    ("limit", "pattern", "expected"),
    [
        (CountLimit(hard_max=2), "xxx", ["contract.count.max"]),
        (CountLimit(hard_max=3), "xxx", []),
        (CountLimit(hard_min=2), "x", ["contract.count.min"]),
        (CountLimit(measure="days_off", hard_min=4), "xxxx", ["contract.count.min"]),  # 3 off
        (CountLimit(measure="days_off", hard_min=3), "xxxx", []),
        (CountLimit(measure="shifts", shifts=["PM"], hard_min=1), "xxxx", ["contract.count.min"]),
    ],
)
def test_count_limit_hard(limit: CountLimit, pattern: str, expected: list) -> None:
    _, run = _contract_problem(counts=[limit])
    assert violated_rules(run(on_days("s0", pattern))) == expected


def test_count_limit_minutes_and_days() -> None:
    _, run = _contract_problem(
        counts=[
            CountLimit(measure="minutes", soft_max=300),
            CountLimit(measure="days", soft_min=3, min_weight=7),
        ]
    )
    rep = run([("s0", 0, "AM"), ("s0", 0, "PM")])
    # Minutes: 240 + 240 = 480, 180 above 300 x 1 = 180. Days: 1 day, 2 below 3 x 7 = 14.
    assert penalty_cost(rep, "contract.count.max") == 180
    assert penalty_cost(rep, "contract.count.min") == 14


def test_count_limit_per_week_counts_partial_weeks() -> None:
    # Start Thursday 16 Dec, 7 days: week 1 Thu-Sun (4 days), week 2 Mon-Wed (3 days).
    p = tiny_problem(
        days=7,
        n_staff=1,
        start=dt.date(2021, 12, 16),
        opening=ALL_WEEK,
        policy=quiet_policy(
            contracts={
                "default": Contract(
                    counts=[CountLimit(window="week", measure="days", soft_min=2, min_weight=3)]
                )
            }
        ),
    )
    rep = check(p, tiny_roster(p, on=on_days("s0", "x---x--")))
    # One day in each week, 1 below 2 twice: 2 x 3 = 6.
    assert penalty_cost(rep, "contract.count.min") == 6
    assert [x.date for x in rep.penalties] == [dt.date(2021, 12, 16), dt.date(2021, 12, 20)]


@pytest.mark.parametrize(
    ("limit", "pattern", "expected"),
    [
        (RunLimit(hard_min=2), "-x-----", ["contract.run.min"]),
        (RunLimit(hard_min=2), "x------", []),  # touches day 0: exempt from the minimum
        (RunLimit(hard_min=2, exempt_at_borders=False), "x------", ["contract.run.min"]),
        (RunLimit(hard_min=2), "------x", []),  # touches the last day
        (RunLimit(hard_min=2), "-xx-x-x", ["contract.run.min"]),  # only the run on day 4
        (RunLimit(hard_max=2), "xxx----", ["contract.run.max"]),  # maximum applies at borders
        (RunLimit(hard_max=3), "xxx-xxx", []),
        (RunLimit(state="off", hard_min=2), "x-x--xx", ["contract.run.min"]),  # off on day 1
        (RunLimit(state="off", hard_max=2), "xx---xx", ["contract.run.max"]),
        (RunLimit(shifts=["PM"], hard_min=2), "-x-----", []),  # AM days are not PM runs
        # Off for a shift filter: days without a PM shift. AM on day 1 does not break the run.
        (RunLimit(state="off", shifts=["PM"], hard_max=6), "-x-----", ["contract.run.max"]),
        (RunLimit(state="off", hard_max=6), "-x-----", []),
    ],
)
def test_run_limit_hard(limit: RunLimit, pattern: str, expected: list) -> None:
    _, run = _contract_problem(runs=[limit])
    assert violated_rules(run(on_days("s0", pattern))) == expected


def test_run_limit_soft_costs_per_run() -> None:
    _, run = _contract_problem(runs=[RunLimit(soft_min=3, min_weight=2, soft_max=1, max_weight=5)])
    rep = run(on_days("s0", "-x-xx--"))
    # Runs: day 1 (length 1) and days 3-4 (length 2), neither at a border.
    # Minimum 3: (3 - 1) x 2 + (3 - 2) x 2 = 6. Maximum 1: (2 - 1) x 5 = 5.
    assert penalty_cost(rep, "contract.run.min") == 6
    assert penalty_cost(rep, "contract.run.max") == 5


def test_succession() -> None:
    _, run = _contract_problem(successions=[Succession(first="PM", then="AM")])
    assert run([("s0", 0, "AM"), ("s0", 1, "PM"), ("s0", 3, "AM")]).ok
    rep = run([("s0", 0, "PM"), ("s0", 1, "AM")])
    assert violated_rules(rep) == ["contract.succession"] and rep.violations[0].date == dt.date(
        2021, 12, 14
    )
    _, run = _contract_problem(successions=[Succession(first="PM", then="AM", weight=5)])
    # Two PM -> AM successions: 2 x 5 = 10.
    rep = run([("s0", 0, "PM"), ("s0", 1, "AM"), ("s0", 1, "PM"), ("s0", 2, "AM")])
    assert rep.ok and penalty_cost(rep, "contract.succession") == 10


def test_weekends() -> None:
    _, run = _contract_problem(days=14, weekends=WeekendLimit(hard_max=1, soft_max=0, weight=3))
    # Sat 18 Dec and Sun 26 Dec: two weekends worked; a Saturday plus Sunday of one weekend
    # would count once.
    rep = run([("s0", 5, "AM"), ("s0", 13, "AM")])
    assert violated_rules(rep) == ["contract.weekends"]
    assert penalty_cost(rep, "contract.weekends") == 6  # 2 above soft_max 0, x 3
    rep = run([("s0", 5, "AM"), ("s0", 6, "PM")])
    assert rep.ok and penalty_cost(rep, "contract.weekends") == 3


def test_contracts_follow_each_persons_contract() -> None:
    staff = [Staff(id="a", unit="U"), Staff(id="b", unit="U", contract="part")]
    policy = quiet_policy(
        contracts={"default": Contract(), "part": Contract(counts=[CountLimit(hard_max=1)])}
    )
    p = tiny_problem(staff=staff, policy=policy)
    rep = check(p, tiny_roster(p, on=on_days("a", "xx") + on_days("b", "xx")))
    assert violated_rules(rep) == ["contract.count.max"] and rep.violations[0].staff == "b"
