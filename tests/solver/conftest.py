"""Shared helpers of the solver tests: solve a tiny problem and have the referee check it."""

from __future__ import annotations

from roster.model import Problem, SolveResult, Status
from solver import solve


def solve_checked(problem: Problem, time_limit: float = 5.0, workers: int = 2, **kw) -> SolveResult:
    """Solve ``problem``; when a roster comes back, the independent referee must find it valid
    and price it exactly as the solver did."""
    from roster.validation import check

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


def fix(*cells: tuple, start=None) -> list:
    """Fixed cells from ``(staff, day, shift)`` (on site), ``(staff, day, shift, False)`` (not on
    site) or ``(staff, day, shift, True, post)`` tuples; days count from the factory's Monday."""
    import datetime as dt

    from roster.model import FixedCell
    from tests.factories import MONDAY

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


def date(i: int):
    """The date of horizon day ``i`` of the factory's default horizon."""
    import datetime as dt

    from tests.factories import MONDAY

    return MONDAY + dt.timedelta(days=i)
