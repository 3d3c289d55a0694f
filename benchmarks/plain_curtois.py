"""The plain CP-SAT baseline of the Curtois & Qu targets (``benchmarks/README.md``): a plain
CP-SAT model of a Curtois & Qu instance.

What a CP-SAT user writes first, straight from ``data/curtois-qu/FORMAT.md``: one Boolean per
staff, day and shift, the ten hard rules as clauses and linear constraints, the objective as
written, CP-SAT's default parameters. It does not use the product's domain model or solver: it
exists so that the product's figures can be compared with it *in the same run* on the same
machine (``python -m benchmarks curtois-qu --plain``), rather than with figures taken elsewhere.
"""

from __future__ import annotations

import time
from typing import Any

from ortools.sat.python import cp_model

from roster.formats.curtois import Instance


def build(inst: Instance) -> tuple[cp_model.CpModel, dict[tuple[int, int, str], Any]]:
    """The plain model of ``inst`` and its variables ``x[(staff index, day, shift)]``."""
    m = cp_model.CpModel()
    H = inst.horizon
    shifts = inst.shift_by_id
    x = {
        (e, d, s): m.new_bool_var(f"x[{e},{d},{s}]")
        for e in range(len(inst.staff))
        for d in range(H)
        for s in shifts
    }
    obj: list[Any] = []
    for e, st in enumerate(inst.staff):
        work = []
        for d in range(H):
            w = m.new_bool_var(f"w[{e},{d}]")
            m.add(sum(x[e, d, s] for s in shifts) == w)  # 1. one shift a day
            work.append(w)
        for d in range(H - 1):  # 2. rotation
            for s, sd in shifts.items():
                for t in sd.cannot_follow:
                    m.add_bool_or([~x[e, d, s], ~x[e, d + 1, t]])
        for s in shifts:  # 3. max shifts per type
            m.add(sum(x[e, d, s] for d in range(H)) <= st.max_shifts.get(s, H))
        minutes = sum(shifts[s].minutes * x[e, d, s] for d in range(H) for s in shifts)
        m.add(minutes <= st.max_total_minutes)  # 4.
        m.add(minutes >= st.min_total_minutes)  # 5.
        mx = st.max_consecutive_shifts  # 6.
        for d in range(H - mx):
            m.add_bool_or([~work[j] for j in range(d, d + mx + 1)])
        for state, lo in (
            (True, st.min_consecutive_shifts),  # 7.
            (False, st.min_consecutive_days_off),
        ):  # 8.
            lits = work if state else [~w for w in work]
            for length in range(1, lo):
                for d in range(1, H - length):
                    m.add_bool_or(
                        [lits[d - 1]]
                        + [~lits[j] for j in range(d, d + length)]
                        + [lits[d + length]]
                    )
        weekends = []  # 9.
        for k in range(H // 7):
            wk = m.new_bool_var(f"wk[{e},{k}]")
            m.add_max_equality(wk, [work[7 * k + 5], work[7 * k + 6]])
            weekends.append(wk)
        m.add(sum(weekends) <= st.max_weekends)
        for d in inst.days_off.get(st.id, []):  # 10.
            m.add(work[d] == 0)
    pos = {s.id: i for i, s in enumerate(inst.staff)}
    for r in inst.on_requests:
        obj.append(r.weight * (1 - x[pos[r.staff], r.day, r.shift]))
    for r in inst.off_requests:
        obj.append(r.weight * x[pos[r.staff], r.day, r.shift])
    for c in inst.cover:
        n = sum(x[e, c.day, c.shift] for e in range(len(inst.staff)))
        under = m.new_int_var(0, c.requirement, f"under[{c.day},{c.shift}]")
        over = m.new_int_var(0, len(inst.staff), f"over[{c.day},{c.shift}]")
        m.add(n - c.requirement == over - under)
        obj += [c.weight_under * under, c.weight_over * over]
    m.minimize(sum(obj))
    return m, x


def solve(inst: Instance, time_limit: float, workers: int) -> dict[str, Any]:
    """Solve the plain model with CP-SAT's defaults; objective, bound, status and the grid."""
    t0 = time.perf_counter()
    m, x = build(inst)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    code = solver.solve(m)
    out: dict[str, Any] = {
        "status": solver.status_name(code),
        "wall_time": round(time.perf_counter() - t0, 3),
        "objective": None,
        "bound": None,
        "grid": None,
    }
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        out["objective"] = round(solver.objective_value)
        out["bound"] = round(solver.best_objective_bound)
        out["grid"] = [
            [
                next((s for s in inst.shift_by_id if solver.value(x[e, d, s])), None)
                for d in range(inst.horizon)
            ]
            for e in range(len(inst.staff))
        ]
    return out
