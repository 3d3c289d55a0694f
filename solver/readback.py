"""Reading a CP-SAT solution back into the domain: the status, a value lookup, the roster and
the labelled penalties. Shared by :mod:`solver.search` and :mod:`solver.reroster`."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
from ortools.sat.python import cp_model, cp_model_helper

from roster.labels import label
from roster.model import Assignment, Penalty, Problem, RapidTest, RemoteDuty, Roster, Status
from solver.build import BuiltModel
from solver.variables import CellMap

#: The one place CP-SAT statuses map to ours.
STATUS: dict[Any, Status] = {
    cp_model.OPTIMAL: Status.optimal,
    cp_model.FEASIBLE: Status.feasible,
    cp_model.INFEASIBLE: Status.infeasible,
    cp_model.UNKNOWN: Status.unknown,
    cp_model.MODEL_INVALID: Status.invalid,
}


def values(solution: Sequence[int]) -> Callable[[Any], int]:
    """Fast value lookup of literals and expressions in a solution (one value per variable)."""
    sol = list(solution)
    response = cp_model_helper.CpSolverResponse()
    response.solution.extend(sol)

    def val(e: Any) -> int:
        if isinstance(e, bool | int):
            return int(e)
        if isinstance(e, cp_model.IntVar):
            return sol[e.index]
        idx = getattr(e, "index", None)
        if isinstance(e, cp_model_helper_not) and idx is not None:
            return 1 - sol[-idx - 1]
        return int(cp_model_helper.ResponseHelper.value(response, e))

    val.solution = sol  # type: ignore[attr-defined]
    return val


cp_model_helper_not = type(~cp_model.CpModel().new_bool_var("_"))


def roster_from_values(built: BuiltModel, problem: Problem, val: Callable[[Any], int]) -> Roster:
    """The roster a solution gives: on-site cells with their posts (pool people of a slot take
    its skill-free posts in staff order), booked tests and teams."""
    v = built.vars
    idx = built.ctx.idx
    # Pool people of each slot take the skill-free posts, in staff order.
    free_post: dict[tuple[str, int, str], str] = {}
    for (p, d, sh), a in sorted(v.a.items(), key=lambda kv: kv[0]):
        seats = val(a)
        if not seats:
            continue
        for s, x in v.x_by_slot.get((d, sh), ()):
            if seats == 0:
                break
            cell = (s, d, sh)
            if cell in free_post or not val(x) or not pooled(v, cell):
                continue
            if any(val(y) for _, y in v.y_by_cell.get(cell, ())):
                continue
            free_post[cell] = p
            seats -= 1
    assignments = []
    for s, d, sh in _on_site_cells(v, val):
        post = next(
            (p for p, y in v.y_by_cell.get((s, d, sh), ()) if val(y)), free_post.get((s, d, sh))
        )
        assignments.append(Assignment(staff=s, date=idx.date(d), shift=sh, post=post))
    order = {s.id: i for i, s in enumerate(problem.staff)}
    assignments.sort(key=lambda a: (a.date, idx.shift_order[a.shift], order[a.staff]))
    tests = sorted(
        (RapidTest(staff=s, date=idx.date(d)) for (s, d), t in v.t.items() if val(t)),
        key=lambda r: (r.date, order[r.staff]),
    )
    teams: dict[str, int] = {}
    if problem.policy.teams.enabled:
        for s in idx.rotating_staff:
            teams[s] = next(k for k in range(problem.policy.teams.count) if val(v.z[(s, k)]))
    else:
        teams = {s.id: s.team for s in problem.staff if s.rotates and s.team is not None}
    duties = sorted(
        (
            RemoteDuty(staff=s, date=idx.date(d), shift=sh, post=p)
            for (s, p, d, sh), r in v.r.items()
            if val(r)
        ),
        key=lambda r: (r.date, idx.shift_order[r.shift], order[r.staff]),
    )
    return Roster(assignments=assignments, remote_duties=duties, tests=tests, teams=teams)


def _on_site_cells(v: Any, val: Callable[[Any], int]) -> Iterator[tuple[str, int, str]]:
    """The on-site cells of the solution ``val`` reads: by proto index on a bulk model read
    from a whole solution (no Python variable per cell), else cell by cell."""
    solution = getattr(val, "solution", None)
    if isinstance(v.x, CellMap) and solution is not None:
        yield from v.x.ones(np.asarray(solution, dtype=np.int64))
        return
    for cell, x in v.x.items():
        if val(x):
            yield cell


def pooled(v: Any, cell: tuple[str, int, str]) -> bool:
    """Whether the cell belongs to its slot's pool (no individual y for skill-free posts)."""
    return cell not in v.individual


def penalties_from_values(
    built: BuiltModel, problem: Problem, val: Callable[[Any], int]
) -> tuple[list[Penalty], int]:
    """The labelled penalties a solution pays (each term's exact breach x weight) and their
    total."""
    idx = built.ctx.idx
    out = []
    total = 0
    for t in built.penalty_terms:
        amount = t.value(val)
        cost = t.weight * amount
        if cost <= 0:
            continue
        total += cost
        out.append(
            Penalty(
                rule=t.rule,
                label=label(t.rule),
                cost=cost,
                staff=t.staff,
                date=idx.date(t.day) if t.day is not None else None,
                shift=t.shift,
                post=t.post,
                unit=t.unit or unit_of(idx, t.staff),
                detail=t.detail,
            )
        )
    return out, total


def unit_of(idx: Any, staff: str | None) -> str | None:
    """The unit of ``staff`` (None for none)."""
    return idx.staff_by_id[staff].unit if staff is not None else None
