"""OR-Tools' ``shift_scheduling_sat.py`` example (8 employees, 3 weeks) as a :class:`Problem`.

The example (``examples/python/shift_scheduling_sat.py`` in OR-Tools) gives every employee
exactly one of Off/Morning/Afternoon/Night each day. In the domain model ``O`` (Off) is simply
"no on-site shift that day": M, A and N are the shift types, one post per shift type holds the
cover, and ``max_shifts_per_day = 1`` with ``general_duty_allowed = False`` makes "exactly one of
O, M, A, N" hold by construction.

Rule by rule (the example's semantics, checked against its source):

* **Fixed assignments** ``(e, s, d)``: ``FixedCell(on_site=True, shift=s)``; for ``s = O``,
  ``FixedCell(on_site=False)`` for each of M, A and N on that day. The list is kept as written,
  including ``(6, A, 3)`` (day 3, not day 0).
* **Requests** ``(e, s, d, w)`` add ``w * work[e, s, d]`` to the objective; a negative ``w`` is a
  wish. ``w > 0`` on a work shift: ``Request(on_site=False, shift=s, weight=w)`` (costs ``w``
  when worked). ``w < 0`` on a work shift: ``Request(on_site=True, shift=s, weight=-w)``, which
  costs ``-w`` when *not* worked, i.e. ``-w + w * work``: the constant ``-w`` goes to
  ``objective_offset``. ``w < 0`` on ``O``: ``Request(on_site=False, shift=None, weight=-w)``
  costs ``-w`` when on site at all, i.e. ``-w * (1 - off) = -w + w * off``: plus the same
  constant, moved to ``objective_offset``.
* **Sequence constraints** ``add_soft_sequence_constraint``: for O they bound runs of days off
  (``RunLimit(state="off")``), for N runs of night shifts (``RunLimit(state="on",
  shifts=["N"])``). ``negated_bounded_span`` treats the horizon's ends as run borders, so a run
  touching day 0 or day 20 is judged like any other: ``exempt_at_borders=False``. A soft
  bound with cost 0 adds nothing and is left out.
* **Weekly sums** ``add_soft_sum_constraint`` over days ``7w .. 7w+6``: for O a count of days off
  (``CountLimit(measure="days_off", window="week")``), for N a count of night shifts. The
  example penalizes below ``soft_min`` only when ``soft_min > hard_min`` and above ``soft_max``
  only when ``soft_max < hard_max``, and only with a positive cost; the soft bounds here are set
  the same way. The horizon starts on a Monday, so calendar weeks are the example's weeks.
* **Transitions** ``(from, to, cost)``: ``Succession(first, then, weight=cost)``, forbidden when
  the cost is 0.
* **Cover**: ``worked >= demand`` is hard, each extra person costs 2, 2 or 5 (M, A, N): a post
  per shift type with weekly ``Demand(min=max=demand)`` and ``over_weight``.

The objective, including ``objective_offset``, equals the example's objective.
"""

from __future__ import annotations

import datetime as dt

from roster.model import (
    Contract,
    CountLimit,
    Demand,
    FixedCell,
    Horizon,
    Opening,
    Post,
    PostKind,
    Problem,
    Request,
    RunLimit,
    ShiftType,
    Site,
    Staff,
    Succession,
    Unit,
)

from .curtois import benchmark_policy

START = dt.date(2024, 1, 1)  # a Monday: the example's weeks start on Monday
NUM_EMPLOYEES = 8
NUM_WEEKS = 3
SHIFTS = ["O", "M", "A", "N"]
WORK_SHIFTS = {
    "M": ("Morning", dt.time(6, 0), dt.time(14, 0)),
    "A": ("Afternoon", dt.time(14, 0), dt.time(22, 0)),
    "N": ("Night", dt.time(22, 0), dt.time(6, 0)),
}

# (employee, shift, day); fixes the first two days (and, as written, employee 6 on day 3).
FIXED_ASSIGNMENTS = [
    (0, 0, 0),
    (1, 0, 0),
    (2, 1, 0),
    (3, 1, 0),
    (4, 2, 0),
    (5, 2, 0),
    (6, 2, 3),
    (7, 3, 0),
    (0, 1, 1),
    (1, 1, 1),
    (2, 2, 1),
    (3, 2, 1),
    (4, 2, 1),
    (5, 0, 1),
    (6, 0, 1),
    (7, 3, 1),
]
# (employee, shift, day, weight); negative = wanted.
REQUESTS = [(3, 0, 5, -2), (5, 3, 10, -2), (2, 3, 4, 4)]
# (shift, hard_min, soft_min, min_cost, soft_max, hard_max, max_cost)
SHIFT_CONSTRAINTS = [(0, 1, 1, 0, 2, 2, 0), (3, 1, 2, 20, 3, 4, 5)]
WEEKLY_SUM_CONSTRAINTS = [(0, 1, 2, 7, 2, 3, 4), (3, 0, 1, 3, 4, 4, 0)]
# (previous_shift, next_shift, cost); 0 = forbidden.
PENALIZED_TRANSITIONS = [(2, 3, 4), (3, 1, 0)]
# (M, A, N) minimum cover per weekday, Monday first.
WEEKLY_COVER_DEMANDS = [(2, 3, 1), (2, 3, 1), (2, 2, 2), (2, 3, 1), (2, 2, 2), (1, 2, 3), (1, 3, 1)]
EXCESS_COVER_PENALTIES = (2, 2, 5)

UNIT_ID = "team"
CONTRACT_ID = "example"


def staff_id(e: int) -> str:
    return f"worker {e}"


def build() -> Problem:
    """The example as a Problem (its objective, offset included, equals the example's)."""
    num_days = NUM_WEEKS * 7
    horizon = Horizon(start=START, days=num_days)
    work_ids = list(WORK_SHIFTS)

    def date(d: int) -> dt.date:
        return START + dt.timedelta(days=d)

    shifts = [ShiftType(id=k, name=name, start=a, end=b) for k, (name, a, b) in WORK_SHIFTS.items()]
    posts = [
        Post(
            id=sid,
            name=WORK_SHIFTS[sid][0],
            kind=PostKind.task,
            unit=UNIT_ID,
            demands=[
                Demand(
                    weekdays=[wd],
                    shifts=[sid],
                    min=WEEKLY_COVER_DEMANDS[wd][i],
                    max=WEEKLY_COVER_DEMANDS[wd][i],
                )
                for wd in range(7)
            ],
            under_weight=None,
            over_weight=EXCESS_COVER_PENALTIES[i],
        )
        for i, sid in enumerate(work_ids)
    ]
    site = Site(
        id="ortools-shift-scheduling",
        name="OR-Tools shift_scheduling_sat example",
        units=[Unit(id=UNIT_ID)],
        shifts=shifts,
        posts=posts,
        opening=[Opening(weekdays=list(range(7)), shifts=[])],
        general_duty_allowed=False,
    )

    runs = []
    for s, hmin, smin, mincost, smax, hmax, maxcost in SHIFT_CONSTRAINTS:
        state = "off" if s == 0 else "on"
        runs.append(
            RunLimit(
                state=state,
                shifts=[] if s == 0 else [SHIFTS[s]],
                hard_min=hmin if hmin > 1 else None,
                hard_max=hmax,
                soft_min=smin if mincost > 0 and smin > hmin else None,
                min_weight=max(mincost, 1),
                soft_max=smax if maxcost > 0 and smax < hmax else None,
                max_weight=max(maxcost, 1),
                exempt_at_borders=False,
            )
        )
    counts = []
    for s, hmin, smin, mincost, smax, hmax, maxcost in WEEKLY_SUM_CONSTRAINTS:
        counts.append(
            CountLimit(
                measure="days_off" if s == 0 else "shifts",
                shifts=[] if s == 0 else [SHIFTS[s]],
                window="week",
                hard_min=hmin if hmin > 0 else None,
                hard_max=hmax,
                soft_min=smin if mincost > 0 and smin > hmin else None,
                min_weight=max(mincost, 1),
                soft_max=smax if maxcost > 0 and smax < hmax else None,
                max_weight=max(maxcost, 1),
            )
        )
    successions = [
        Succession(first=SHIFTS[a], then=SHIFTS[b], weight=c or None)
        for a, b, c in PENALIZED_TRANSITIONS
    ]
    contract = Contract(max_shifts_per_day=1, counts=counts, runs=runs, successions=successions)

    fixed = []
    for e, s, d in FIXED_ASSIGNMENTS:
        if s == 0:
            fixed += [
                FixedCell(staff=staff_id(e), date=date(d), shift=w, on_site=False) for w in work_ids
            ]
        else:
            fixed.append(FixedCell(staff=staff_id(e), date=date(d), shift=SHIFTS[s], on_site=True))

    # The example adds w * work[e, s, d]; our requests cost a weight >= 0 when unmet, so a
    # negative w becomes a wish of weight -w plus the constant w (moved to objective_offset).
    requests = []
    offset = 0
    for e, s, d, w in REQUESTS:
        if w == 0:
            continue
        shift = None if s == 0 else SHIFTS[s]
        # For a work shift the request is about being on site in it; for O about being on site
        # at all that day (off = 1 - on site), so the sense flips.
        wants_on_site = (w < 0) != (s == 0)
        requests.append(
            Request(
                staff=staff_id(e), date=date(d), shift=shift, on_site=wants_on_site, weight=abs(w)
            )
        )
        if w < 0:
            offset += w
    staff = [
        Staff(id=staff_id(e), name=f"Worker {e}", unit=UNIT_ID, contract=CONTRACT_ID)
        for e in range(NUM_EMPLOYEES)
    ]
    return Problem(
        site=site,
        staff=staff,
        policy=benchmark_policy("ortools shift_scheduling_sat", {CONTRACT_ID: contract}),
        horizon=horizon,
        requests=requests,
        fixed=fixed,
        objective_offset=offset,
    )


def example_objective(grid: list[list[str]]) -> tuple[list[str], int]:
    """The example's own objective of a grid (employee x day -> 'O', 'M', 'A' or 'N'),
    computed the way the example's model does, with its hard constraints listed when broken.
    Independent of the domain model, so tests can cross-check the mapping and the referee."""
    days = NUM_WEEKS * 7
    bad: list[str] = []
    obj = 0
    work = {(e, SHIFTS.index(grid[e][d]), d): 1 for e in range(NUM_EMPLOYEES) for d in range(days)}

    def x(e: int, s: int, d: int) -> int:
        return work.get((e, s, d), 0)

    for e, s, d in FIXED_ASSIGNMENTS:
        if not x(e, s, d):
            bad.append(f"fixed ({e},{SHIFTS[s]},{d})")
    for e, s, d, w in REQUESTS:
        obj += w * x(e, s, d)
    for s, hmin, smin, mincost, smax, hmax, maxcost in SHIFT_CONSTRAINTS:
        for e in range(NUM_EMPLOYEES):
            seq = [x(e, s, d) for d in range(days)] + [0]
            d = 0
            while d < days:
                if seq[d]:
                    run_length = 0
                    while seq[d + run_length]:
                        run_length += 1
                    if run_length < hmin or run_length > hmax:
                        bad.append(f"run of {SHIFTS[s]} for {e} at {d}: {run_length}")
                    if mincost > 0 and hmin <= run_length < smin:
                        obj += mincost * (smin - run_length)
                    if maxcost > 0 and smax < run_length <= hmax:
                        obj += maxcost * (run_length - smax)
                    d += run_length
                else:
                    d += 1
    for s, hmin, smin, mincost, smax, hmax, maxcost in WEEKLY_SUM_CONSTRAINTS:
        for e in range(NUM_EMPLOYEES):
            for w in range(NUM_WEEKS):
                total = sum(x(e, s, 7 * w + d) for d in range(7))
                if not hmin <= total <= hmax:
                    bad.append(f"weekly sum of {SHIFTS[s]} for {e} week {w}: {total}")
                if smin > hmin and mincost > 0:
                    obj += mincost * max(0, smin - total)
                if smax < hmax and maxcost > 0:
                    obj += maxcost * max(0, total - smax)
    for a, b, c in PENALIZED_TRANSITIONS:
        for e in range(NUM_EMPLOYEES):
            for d in range(days - 1):
                if x(e, a, d) and x(e, b, d + 1):
                    if c == 0:
                        bad.append(f"transition {SHIFTS[a]}->{SHIFTS[b]} for {e} on {d}")
                    obj += c
    for s in range(1, 4):
        for d in range(days):
            n = sum(x(e, s, d) for e in range(NUM_EMPLOYEES))
            need = WEEKLY_COVER_DEMANDS[d % 7][s - 1]
            if n < need:
                bad.append(f"cover {SHIFTS[s]} day {d}: {n} < {need}")
            obj += EXCESS_COVER_PENALTIES[s - 1] * max(0, n - need)
    return bad, obj
