"""Test helpers: tiny hand-built problems and rosters, and solving with the referee's check
(shared by the solver, referee and repair tests; conftest files hold only fixtures).

Keep this module additive: other test files rely on the defaults below.

* :func:`tiny_problem` builds a small :class:`Problem`: one unit ``U``, two shifts ``AM``
  (07:30-11:30) and ``PM`` (13:00-17:00), no posts, open Monday-Friday, ``n_staff`` people
  ``s0, s1, ...`` named ``Person 0, ...``, a horizon of ``days`` days starting on Monday
  13 Dec 2021. Any keyword overrides the default.
* :func:`quiet_policy` is a policy with every rule family switched off except those given, so a
  test sees only the rule it is about.
* :func:`tiny_roster` builds a roster from ``(staff, day, shift[, post])`` tuples.
* :func:`solve_checked` solves a problem and has the independent referee check the roster.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from roster.model import (
    Absence,
    Assignment,
    CapRule,
    Contract,
    CountLimit,
    Demand,
    FairnessRule,
    FixedCell,
    Opening,
    Policy,
    Post,
    PresenceFloor,
    PresenceRule,
    Problem,
    RapidTest,
    RapidTestRule,
    RemoteDuty,
    RemoteDutyRule,
    Report,
    Request,
    RequestRule,
    ResilienceRule,
    Roster,
    RuleSwitch,
    RunLimit,
    ShiftType,
    Site,
    SolveResult,
    Staff,
    Status,
    Succession,
    TeamRule,
    Unit,
    WeekendLimit,
)
from roster.registry import FAMILIES
from roster.validation import check
from solver import solve

MONDAY = dt.date(2021, 12, 13)
"""Default horizon start: Monday 13 Dec 2021."""


def tiny_shifts() -> list[ShiftType]:
    """Morning ``AM`` 07:30-11:30 and afternoon ``PM`` 13:00-17:00."""
    return [
        ShiftType(id="AM", name="Morning", start=dt.time(7, 30), end=dt.time(11, 30)),
        ShiftType(id="PM", name="Afternoon", start=dt.time(13, 0), end=dt.time(17, 0)),
    ]


def quiet_policy(**families: Any) -> Policy:
    """A policy with every rule family off, except the families passed as keywords.

    Each keyword is a policy field of a rule family (:data:`roster.registry.FAMILIES`: ``cap``,
    ``teams``, ``tests``, ``coverage``, ``availability``, ``fairness``, ``requests``,
    ``resilience``, ``contracts``) with a model instance or a dict of its fields, e.g.
    ``quiet_policy(cap={"fraction": 1/3})``. Contracts are the default (no limit) unless given.
    """
    kinds = {
        f.policy: Policy.model_fields[f.policy].annotation
        for f in FAMILIES
        if f.policy is not None and f.policy != "contracts"
    }
    base: dict[str, Any] = {name: kind(enabled=False) for name, kind in kinds.items()}
    base["contracts"] = {"default": Contract()}
    for name, value in families.items():
        if name == "contracts":
            base[name] = {
                k: (Contract(**v) if isinstance(v, dict) else v) for k, v in value.items()
            }
        elif isinstance(value, dict):
            base[name] = kinds[name](**value)
        else:
            base[name] = value
    return Policy(**base)


def tiny_staff(n: int, unit: str = "U", **fields: Any) -> list[Staff]:
    """``n`` people ``s0 .. s{n-1}`` named ``Person 0 ..`` in ``unit``; ``fields`` apply to all."""
    return [Staff(id=f"s{i}", name=f"Person {i}", unit=unit, **fields) for i in range(n)]


def tiny_problem(
    *,
    days: int = 5,
    start: dt.date = MONDAY,
    n_staff: int = 3,
    staff: list[Staff] | None = None,
    units: Sequence[str] = ("U",),
    shifts: list[ShiftType] | None = None,
    posts: list[Post] | None = None,
    skills: list[str] | None = None,
    opening: list[Opening] | None = None,
    closed_dates: list[dt.date] | None = None,
    general_duty_allowed: bool = True,
    policy: Policy | None = None,
    **problem_fields: Any,
) -> Problem:
    """A small problem; every argument overrides a default (see the module docstring).

    ``problem_fields`` go to :class:`Problem` unchanged (``absences``, ``requests``, ``fixed``,
    ``objective_offset``). ``policy`` defaults to the product's default :class:`Policy`.
    """
    site = Site(
        id="site",
        name="Tiny office",
        units=[Unit(id=u, name=f"Unit {u}") for u in units],
        shifts=shifts if shifts is not None else tiny_shifts(),
        skills=skills or [],
        posts=posts or [],
        opening=opening if opening is not None else [Opening()],
        closed_dates=closed_dates or [],
        general_duty_allowed=general_duty_allowed,
    )
    return Problem(
        site=site,
        staff=staff if staff is not None else tiny_staff(n_staff, unit=units[0]),
        policy=policy if policy is not None else Policy(),
        horizon={"start": start, "days": days},
        **problem_fields,
    )


def tiny_roster(
    problem: Problem,
    on: Iterable[tuple] = (),
    tests: Iterable[tuple[str, int]] = (),
    teams: dict[str, int] | None = None,
    remote: Iterable[tuple[str, int, str, str]] = (),
) -> Roster:
    """A roster from ``(staff, day, shift)`` or ``(staff, day, shift, post)`` tuples (days are
    horizon day numbers), ``(staff, day)`` tests and ``(staff, day, shift, post)`` remote
    duties."""
    h = problem.horizon
    assignments = [
        Assignment(staff=c[0], date=h.date(c[1]), shift=c[2], post=c[3] if len(c) > 3 else None)
        for c in on
    ]
    return Roster(
        assignments=assignments,
        remote_duties=[
            RemoteDuty(staff=s, date=h.date(d), shift=sh, post=p) for s, d, sh, p in remote
        ],
        tests=[RapidTest(staff=s, date=h.date(d)) for s, d in tests],
        teams=dict(teams or {}),
    )


def solve_checked(problem: Problem, time_limit: float = 5.0, workers: int = 2, **kw) -> SolveResult:
    """Solve ``problem``; when a roster comes back, the independent referee must find it valid
    and price it exactly as the solver did."""
    result = solve(problem, time_limit=time_limit, workers=workers, **kw)
    if result.status in (Status.optimal, Status.feasible):
        assert result.roster is not None
        report = check(problem, result.roster)
        if not kw.get("soft_hard_rules"):
            assert report.ok, report.violations
            assert report.objective == result.objective, (report.penalties, result.penalties)
        assert result.objective == sum(p.cost for p in result.penalties) + problem.objective_offset
    return result


def cells(result: SolveResult, problem: Problem) -> set[tuple]:
    """On-site cells of the result as (staff, day, shift) with horizon day numbers."""
    h = problem.horizon
    assert result.roster is not None
    return {(a.staff, h.day(a.date), a.shift) for a in result.roster.assignments}


def fix(*cells: tuple, start: dt.date | None = None) -> list[FixedCell]:
    """Fixed cells from ``(staff, day, shift)`` (on site), ``(staff, day, shift, False)`` (not on
    site) or ``(staff, day, shift, True, post)`` tuples; days count from :data:`MONDAY`."""
    base = start or MONDAY
    out = []
    for c in cells:
        on = c[3] if len(c) > 3 else True
        post = c[4] if len(c) > 4 else None
        out.append(
            FixedCell(
                staff=c[0], date=base + dt.timedelta(days=c[1]), shift=c[2], on_site=on, post=post
            )
        )
    return out


def date(i: int) -> dt.date:
    """The date of horizon day ``i`` of the default horizon."""
    return MONDAY + dt.timedelta(days=i)


def every_rule_problem() -> Problem:
    """Two weeks of a small two-unit office with every rule family switched on and hard where it
    can be, so that building it emits every hard rule the solver knows (the registry test builds
    it family by family). A new rule family switches itself on here."""
    staff = [
        Staff(id=f"u{i}", name=f"U {i}", unit="U", skills=["k"] if i < 2 else [], team=i % 2)
        for i in range(4)
    ] + [Staff(id=f"v{i}", name=f"V {i}", unit="V", team=None) for i in range(4)]
    posts = [
        Post(id="P1", skill="k", unit="U", demands=[Demand(min=1, max=1)]),
        Post(id="P2", unit="V", demands=[Demand(min=1, max=2)]),
        Post(id="H", kind="remote", unit="U", demands=[Demand(min=1, max=1)]),
    ]
    limits = Contract(
        max_shifts_per_day=1,
        min_rest_hours=16,
        counts=[
            CountLimit(hard_min=1, hard_max=6, soft_min=2, soft_max=5),
            CountLimit(window="week", measure="days_off", hard_min=1, soft_min=2),
        ],
        runs=[
            RunLimit(hard_min=2, hard_max=4, soft_min=2, soft_max=3),
            RunLimit(state="off", hard_max=5, soft_max=3),
        ],
        successions=[
            Succession(first="PM", then="AM"),
            Succession(first="AM", then="PM", weight=3),
        ],
        weekends=WeekendLimit(hard_max=1, soft_max=0),
    )
    policy = Policy(
        cap=CapRule(fraction=0.5, scopes=["unit", "site"]),
        teams=TeamRule(count=2, rotation="day", balance=True),
        tests=RapidTestRule(valid_days=3, daily_capacity=3),
        coverage=RuleSwitch(),
        availability=RuleSwitch(),
        fairness=FairnessRule(weight=5),
        requests=RequestRule(),
        resilience=ResilienceRule(enabled=True, weight=100, skills=["k"]),
        presence=PresenceRule(floors=[PresenceFloor(unit="U", min=1, shifts=["AM"])]),
        remote=RemoteDutyRule(),
        contracts={"default": limits},
    )
    return tiny_problem(
        days=14,
        units=("U", "V"),
        staff=staff,
        skills=["k"],
        posts=posts,
        opening=[Opening(weekdays=[0, 1, 2, 3, 4, 5, 6])],
        policy=policy,
        absences=[Absence(staff="u2", start=MONDAY, end=MONDAY + dt.timedelta(days=1))],
        requests=[Request(staff="v1", date=MONDAY, on_site=False, weight=2)],
        fixed=fix(("u0", 2, "AM"), ("v0", 3, "PM", False)),
    )


#: Open every day of the week (the default opening is Monday-Friday).
ALL_WEEK = [Opening(weekdays=[0, 1, 2, 3, 4, 5, 6])]


def violated_rules(report: Report) -> list[str]:
    """The rule ids of a report's violations, sorted."""
    return sorted(v.rule for v in report.violations)


def penalty_cost(report: Report, rule: str) -> int:
    """What a report's penalties of ``rule`` cost in all."""
    return sum(p.cost for p in report.penalties if p.rule == rule)


def on_days(staff: str, pattern: str, shift: str = "AM") -> list[tuple[str, int, str]]:
    """Cells from a pattern such as ``"-x-xx--"`` (x: on site that day)."""
    return [(staff, d, shift) for d, c in enumerate(pattern) if c == "x"]
