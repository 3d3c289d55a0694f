"""One person's roster over the whole horizon by dynamic programming, without CP-SAT.

Used by the person-by-person start (:func:`solver.construct.construct`): there each person's
roster is the cheapest one given what the people placed before cover, and a CP-SAT solve of
the person's model takes 0.2-1.5 s on the 364-day Curtois & Qu instances (150 people of 24 do
not fit in 60 s). Here the rules that read one day and the day before (availability, one shift
a day, forbidden successions, minimum and maximum runs of days on and off, weekends) are the
states and transitions of a shortest path over the days; the rules that count over the horizon
(shifts per type, minutes, days, weekends worked) are priced into the day costs by Lagrangian
multipliers, and what they still break is repaired by changing the shift of single worked days
(which keeps the days on and off, so every rule of the path still holds).

It applies only to problems whose hard rules are all of those kinds (:func:`prepare` returns
None otherwise), and every roster it returns has been checked against those rules
(:func:`violations`); a person it cannot place within :data:`MAX_ROUNDS` is left to CP-SAT.
"""

from __future__ import annotations

import math
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from roster.index import ProblemIndex
from roster.model import Assignment, Contract, Problem
from solver.colgen import Cover, cover_of

#: A cost no roster may pay: a cell the person may not work.
INF = 1e15
#: Rounds of multiplier updates (one shortest path each) before the person is left to CP-SAT,
#: with the weekends chosen first and then with the weekends priced (:func:`solve_person`).
#: A shortest path over 364 days and 32 shift types takes about 15-30 ms; with the weekends
#: chosen every person of Curtois & Qu 23 and 24 needs one round.
CLOSED_ROUNDS = 4
MAX_ROUNDS = 12
#: Passes of the repair per round.
MAX_REPAIRS = 30
#: The repair's changes made by :func:`_apply_changes` (plain Python over the few limits, the
#: rules of the path checked first) instead of a loop of numpy steps per change; the same
#: changes. Off: ``ROSTER_DP_FAST_REPAIR=0``. Curtois & Qu 22's rounds from the program's
#: start: 5.2 s a round against 3.0 s, the same rosters; 60 s, 2 workers, interleaved pairs,
#: load 2.1-5.4, numpy loop against this: 22 90,480 / 69,380, 66,094 / 67,040, 88,196 /
#: 72,665, 81,679 / 72,990, 90,764 / 76,729; 20 8,318 / 7,810, 8,532 / 8,020; 21 32,596 /
#: 32,101, 32,455 / 33,064, 31,640 / 32,004, 32,708 / 31,941; 23 35,935 / 34,260, 35,519 /
#: 34,639; 24 96,868 / 96,559, 96,868 / 96,868.
FAST_REPAIR = os.environ.get("ROSTER_DP_FAST_REPAIR", "1") != "0"
#: Rise of a count's multiplier per round, as a share of the largest day cost, for a count
#: over its maximum by all of it.
STEP = 1.0


@dataclass
class Limit:
    """A hard bound on a count over the horizon: ``sum_d coef[row[d]]`` in ``[lo, hi]``
    (``coef`` per shift type of the person; ``unit``: what one unit of breach weighs in the
    repair, e.g. one shift of minutes)."""

    coef: np.ndarray
    lo: float
    hi: float
    unit: float = 1.0


@dataclass
class Person:
    """One person's rules as arrays: shift types ``types`` (index k), ``cost[d, k]`` of
    working type k on day d (INF: not allowed), ``bad[k1, k2]``: k2 may not follow k1."""

    staff: str
    types: list[str]
    posts: list[str | None]  # post of each (day, type) is per day: see ``post_of``
    allowed: np.ndarray  # (H, K) bool
    bad: np.ndarray  # (K, K) bool
    limits: list[Limit]
    weekend_max: int | None
    min_on: int
    max_on: int | None
    exempt_on: bool
    min_off: int
    max_off: int | None
    exempt_off: bool
    weekends: list[list[int]] = field(default_factory=list)


class Prepared:
    """What the dynamic program needs of a problem, computed once: the cover slots and, per
    contract, the rules as arrays."""

    def __init__(self, problem: Problem, idx: ProblemIndex, cover: Cover) -> None:
        self.problem = problem
        self.idx = idx
        self.cover = cover
        self.H = idx.days
        self.shift_ids = idx.shift_ids
        self.minutes = {s.id: s.minutes for s in problem.site.shifts}
        self.weekends = [w for w in idx.weekends]
        mult = problem.policy.requests.multiplier if problem.policy.requests.enabled else 0
        self.requests: dict[str, list[tuple[int, str | None, bool, int]]] = {}
        h = problem.horizon
        for r in problem.requests:
            if mult and h.contains(r.date):
                self.requests.setdefault(r.staff, []).append(
                    (h.day(r.date), r.shift, r.on_site, r.weight * mult)
                )
        self.slot_post = {(d, sh): post for post, d, sh in cover.slots}

    def person(self, staff: str) -> Person | None:
        """``staff``'s rules as arrays, or None when one of them is not of a supported kind."""
        idx = self.idx
        contract = idx.contract(staff)
        rules = _contract_rules(contract)
        if rules is None:
            return None
        st = idx.staff_by_id[staff]
        banned = set()
        for cl in contract.counts:
            if cl.hard_max == 0 and cl.measure in ("shifts", "days"):
                banned |= set(cl.shifts) if cl.shifts else set(self.shift_ids)
        H = self.H
        types = [sh for sh in self.shift_ids if sh not in banned]
        K = len(types)
        allowed = np.zeros((H, K), dtype=bool)
        col = {sh: k for k, sh in enumerate(types)}
        for (d, sh), post in self.slot_post.items():
            k = col.get(sh)
            if k is not None and idx.qualified(st.id, post):
                allowed[d, k] = True
        open_slots = idx.open_slot_set
        for d in range(H):
            for k, sh in enumerate(types):
                if allowed[d, k] and (d, sh) not in open_slots:
                    allowed[d, k] = False
        h = self.problem.horizon
        for a in idx.absences_by_staff.get(staff, []):
            if a.end < h.start or a.start > h.end:
                continue
            first, last = max(0, h.day(a.start)), min(H - 1, h.day(a.end))
            for d in range(first, last + 1):
                for k, sh in enumerate(types):
                    if not a.shifts or sh in a.shifts:
                        allowed[d, k] = False
        bad = np.zeros((K, K), dtype=bool)
        for su in contract.successions:
            if su.weight is None and su.first in col and su.then in col:
                bad[col[su.first], col[su.then]] = True
        limits = []
        mins = np.array([self.minutes[sh] for sh in types], dtype=float)
        unit = float(mins.min()) if K else 1.0
        for cl in contract.counts:
            if cl.hard_min is None and cl.hard_max is None:
                continue
            member = np.array([not cl.shifts or sh in cl.shifts for sh in types], dtype=float)
            lo = -math.inf if cl.hard_min is None else float(cl.hard_min)
            hi = math.inf if cl.hard_max is None else float(cl.hard_max)
            if cl.measure == "minutes":
                limits.append(Limit(member * mins, lo, hi, unit))
            elif cl.measure in ("shifts", "days"):
                if hi == 0:
                    continue  # banned above
                limits.append(Limit(member, lo, hi))
            else:  # days_off: H - days worked
                limits.append(Limit(np.ones(K), H - hi, H - lo))
        min_on, max_on, ex_on, min_off, max_off, ex_off, wk = rules
        return Person(
            staff=staff,
            types=types,
            posts=[None] * K,
            allowed=allowed,
            bad=bad,
            limits=limits,
            weekend_max=wk,
            min_on=min_on,
            max_on=max_on,
            exempt_on=ex_on,
            min_off=min_off,
            max_off=max_off,
            exempt_off=ex_off,
            weekends=self.weekends,
        )

    def base_cost(self, p: Person, load: Counter) -> np.ndarray:
        """Cost of working each (day, type) given ``load`` (people per (post, day, shift)
        already placed): the cover's shortfall saved or excess added, and the requests."""
        cover = self.cover
        H, K = p.allowed.shape
        cost = np.zeros((H, K))
        for k, sh in enumerate(p.types):
            for d in range(H):
                s = cover.of_cell.get((d, sh))
                if s is None:
                    continue
                placed = load.get((cover.slots[s][0], d, sh), 0)
                if placed < cover.lo[s]:
                    cost[d, k] -= cover.wu[s]
                elif cover.hi[s] >= 0 and placed >= cover.hi[s]:
                    cost[d, k] += cover.wo[s]
        col = {sh: k for k, sh in enumerate(p.types)}
        for d, wish, on_site, w in self.requests.get(p.staff, []):
            if wish is None:
                cost[d, :] += -w if on_site else w
            elif wish in col:
                cost[d, col[wish]] += -w if on_site else w
        cost[~p.allowed] = INF
        return cost

    def assignments(self, p: Person, row: list[int]) -> list[Assignment]:
        """The roster ``row`` (type index per day, -1 off) as assignments."""
        dates = self.idx.dates
        out = []
        for d, k in enumerate(row):
            if k >= 0:
                sh = p.types[k]
                out.append(
                    Assignment(staff=p.staff, date=dates[d], shift=sh, post=self.slot_post[(d, sh)])
                )
        return out


def _contract_rules(
    c: Contract,
) -> tuple[int, int | None, bool, int, int | None, bool, int | None] | None:
    """The run and weekend rules of a contract, or None when it has a hard rule the dynamic
    program does not model (per-week counts, runs of some shifts only, rest hours, several
    shifts a day)."""
    if c.min_rest_hours is not None:
        return None
    if c.max_shifts_per_day is not None and c.max_shifts_per_day != 1:
        return None
    for cl in c.counts:
        if (cl.hard_min is not None or cl.hard_max is not None) and cl.window != "horizon":
            return None
    min_on, min_off = 1, 1
    max_on: int | None = None
    max_off: int | None = None
    ex_on = ex_off = True
    for r in c.runs:
        if r.hard_min is None and r.hard_max is None:
            continue
        if r.shifts:
            return None
        if r.state == "on":
            if r.hard_min is not None:
                min_on = max(min_on, r.hard_min)
                ex_on = ex_on and r.exempt_at_borders
            if r.hard_max is not None:
                max_on = r.hard_max if max_on is None else min(max_on, r.hard_max)
        else:
            if r.hard_min is not None:
                min_off = max(min_off, r.hard_min)
                ex_off = ex_off and r.exempt_at_borders
            if r.hard_max is not None:
                max_off = r.hard_max if max_off is None else min(max_off, r.hard_max)
    wk = c.weekends.hard_max if c.weekends is not None else None
    return min_on, max_on, ex_on, min_off, max_off, ex_off, wk


def prepare(problem: Problem, idx: ProblemIndex) -> Prepared | None:
    """The problem's arrays when every hard rule is one the dynamic program keeps, else None:
    cover of skill-free posts only (:func:`solver.colgen.cover_of`), no fixed cells, no tests,
    teams, cap, presence floors or remote duties."""
    pol = problem.policy
    if problem.fixed or pol.cap.enabled or pol.teams.enabled or pol.tests.enabled:
        return None
    if pol.presence.enabled and pol.presence.floors:
        return None
    if idx.remote_posts or pol.suspensions:
        return None
    cover = cover_of(problem, idx)
    if cover is None:
        return None
    return Prepared(problem, idx, cover)


# --- the shortest path ----------------------------------------------------------------------


def shortest(p: Person, cost: np.ndarray, wk_price: float = 0.0) -> list[int] | None:
    """The cheapest row (type index per day, -1 off) under ``cost`` that keeps every rule of
    the path (availability, successions, runs), each worked weekend costing ``wk_price``;
    None when there is none."""
    H, K = cost.shape
    cost = np.where(p.allowed, cost, INF)
    # An unbounded run keeps a last state "at least Ron days" (at least 2 states, so a new run
    # never lands on it).
    Ron = p.max_on if p.max_on is not None else max(p.min_on, 2)
    stay_on = p.max_on is None
    Roff = p.max_off if p.max_off is not None else max(p.min_off, 2)
    stay_off = p.max_off is None
    # Types with the same followers forbidden form one class: the best predecessor of a run
    # is found over the classes (Curtois & Qu 24: 8 classes of 32 types), then inside one.
    classes: dict[bytes, list[int]] = {}
    for k in range(K):
        classes.setdefault(p.bad[k].tobytes(), []).append(k)
    groups = list(classes.values())
    perm = np.array([k for g in groups for k in g], dtype=int)
    cls_at = np.cumsum([0] + [len(g) for g in groups[:-1]])
    badinf = np.where(np.array([p.bad[g[0]] for g in groups]), INF, 0.0)  # (G, K2)
    ons: list[np.ndarray] = []  # the on states of each day, to find the type inside a class
    first_wk = np.zeros(H, dtype=bool)
    second_wk = np.zeros(H, dtype=bool)
    for w in p.weekends:
        first_wk[w[0]] = True
        for d in w[1:]:
            second_wk[d] = True
    # on[E, k, r]: run of r+1 days on ending with type k today; E: the run began on day 0.
    # off[E, r]: run of r+1 days off.
    on = np.full((2, K, Ron), INF)
    off = np.full((2, Roff), INF)
    c0 = cost[0] + (wk_price if first_wk[0] or second_wk[0] else 0.0)
    on[1 if p.exempt_on else 0, :, 0] = c0
    off[1 if p.exempt_off else 0, 0] = 0.0
    # Back pointers per day.
    back_cont: list[np.ndarray] = []  # (2, Ron, K): best k1 for the continuing runs
    back_stay: list[np.ndarray] = []  # (2, K): at the cap of an unbounded run: 1 came from stay
    back_start: list[int] = []  # flat index into off of the best start
    back_rest: list[int] = []  # flat index into on of the best rest
    back_offstay: list[np.ndarray] = []  # (2,): the capped off state came from stay
    on_ok = np.zeros((2, Ron), dtype=bool)  # may end the run now (min met or exempt)
    on_ok[:, max(p.min_on, 1) - 1 :] = True
    on_ok[1, :] = True
    off_ok = np.zeros((2, Roff), dtype=bool)
    off_ok[:, max(p.min_off, 1) - 1 :] = True
    off_ok[1, :] = True
    for d in range(1, H):
        c = cost[d]
        if first_wk[d]:
            c = c + wk_price
        # continue working: on[E, k1, r] -> new[E, k2, r+1]
        ons.append(on)
        m = np.minimum.reduceat(on[:, perm, :], cls_at, axis=1) if K else on  # (2, G, Ron)
        T = m[:, :, :, None] + badinf[None, :, None, :]  # (2, G, Ron, K2)
        arg = T.argmin(axis=1)  # (2, Ron, K2): the class of the best predecessor
        best = T.min(axis=1)  # (2, Ron, K2)
        new_on = np.full((2, K, Ron), INF)
        if Ron > 1:
            new_on[:, :, 1:] = best[:, :-1, :].transpose(0, 2, 1)
        stay = np.zeros((2, K), dtype=bool)
        if stay_on:
            from_stay = best[:, Ron - 1, :]  # (2, K2)
            cur = new_on[:, :, Ron - 1] if Ron > 1 else np.full((2, K), INF)
            stay = from_stay < cur
            new_on[:, :, Ron - 1] = np.where(stay, from_stay, cur)
        new_on += c[None, :, None]
        # start working after a run off (a new run, not at the border)
        starts = np.where(off_ok, off, INF)
        s_idx = int(starts.argmin())
        s_val = float(starts.flat[s_idx])
        sc = s_val + c + (wk_price if second_wk[d] else 0.0)
        new_on[0, :, 0] = sc
        # rest after a run on
        rests = np.where(on_ok[:, None, :], on, INF)
        r_idx = int(rests.argmin())
        r_val = float(rests.flat[r_idx])
        new_off = np.full((2, Roff), INF)
        if Roff > 1:
            new_off[:, 1:] = off[:, :-1]
        ostay = np.zeros(2, dtype=bool)
        if stay_off:
            cur_o = new_off[:, Roff - 1] if Roff > 1 else np.full(2, INF)
            ostay = off[:, Roff - 1] < cur_o
            new_off[:, Roff - 1] = np.where(ostay, off[:, Roff - 1], cur_o)
        new_off[0, 0] = r_val
        back_cont.append(arg)
        back_stay.append(stay)
        back_start.append(s_idx)
        back_rest.append(r_idx)
        back_offstay.append(ostay)
        on, off = new_on, new_off
    # the last run: its minimum holds unless it is exempt at the border
    end_on = np.where(on_ok[:, None, :] if not p.exempt_on else True, on, INF)
    end_off = np.where(off_ok if not p.exempt_off else True, off, INF)
    b_on, b_off = float(end_on.min()), float(end_off.min())
    if min(b_on, b_off) >= INF / 2:
        return None
    row = [-1] * H
    # state: ("on", E, k, r) or ("off", E, r)
    if b_on <= b_off:
        e0, k0, r0 = np.unravel_index(int(end_on.argmin()), on.shape)
        state: tuple = ("on", int(e0), int(k0), int(r0))
    else:
        E, r = np.unravel_index(int(end_off.argmin()), off.shape)
        state = ("off", int(E), int(r))
    for d in range(H - 1, 0, -1):
        i = d - 1  # back pointers of day d
        if state[0] == "on":
            _, E, k, r = state
            row[d] = k
            if r == 0:  # a run begun today, after a run off
                oE, orr = np.unravel_index(back_start[i], (2, Roff))
                state = ("off", int(oE), int(orr))
            else:
                if stay_on and r == Ron - 1 and back_stay[i][E, k]:
                    k1 = _member(groups, ons[i], E, int(back_cont[i][E, Ron - 1, k]), Ron - 1)
                    state = ("on", E, k1, Ron - 1)
                else:
                    k1 = _member(groups, ons[i], E, int(back_cont[i][E, r - 1, k]), r - 1)
                    state = ("on", E, k1, r - 1)
        else:
            _, E, r = state
            row[d] = -1
            if r == 0:  # a rest begun today, after a run on
                oE, ok_, orr = np.unravel_index(back_rest[i], (2, K, Ron))
                state = ("on", int(oE), int(ok_), int(orr))
            elif stay_off and r == Roff - 1 and back_offstay[i][E]:
                state = ("off", E, Roff - 1)
            else:
                state = ("off", E, r - 1)
    row[0] = state[2] if state[0] == "on" else -1
    return row


def _member(groups: list[list[int]], on: np.ndarray, E: int, g: int, r: int) -> int:
    """The type of class ``g`` whose state ``(E, type, r)`` is cheapest in ``on``."""
    members = groups[g]
    return members[int(on[E, members, r].argmin())]


# --- the rules, checked --------------------------------------------------------------------


def violations(p: Person, row: list[int]) -> list[str]:
    """Every hard rule of ``p`` that ``row`` breaks (empty: none), checked directly on the
    row, independently of how it was built."""
    H = len(row)
    out = []
    for d, k in enumerate(row):
        if k >= 0 and not p.allowed[d, k]:
            out.append(f"day {d}: {p.types[k]} not allowed")
        if d > 0 and k >= 0 and row[d - 1] >= 0 and p.bad[row[d - 1], k]:
            out.append(f"day {d}: {p.types[k]} may not follow {p.types[row[d - 1]]}")
    for lim in p.limits:
        v = sum(lim.coef[k] for k in row if k >= 0)
        if v < lim.lo - 1e-9 or v > lim.hi + 1e-9:
            out.append(f"count {v:g} outside [{lim.lo:g}, {lim.hi:g}]")
    if p.weekend_max is not None:
        worked = sum(1 for w in p.weekends if any(row[d] >= 0 for d in w))
        if worked > p.weekend_max:
            out.append(f"{worked} weekends worked, at most {p.weekend_max}")
    d = 0
    while d < H:
        on = row[d] >= 0
        e = d
        while e + 1 < H and (row[e + 1] >= 0) == on:
            e += 1
        n = e - d + 1
        border = d == 0 or e == H - 1
        lo, hi, ex = (
            (p.min_on, p.max_on, p.exempt_on) if on else (p.min_off, p.max_off, p.exempt_off)
        )
        if hi is not None and n > hi:
            out.append(f"run of {n} days {'on' if on else 'off'} from day {d}, at most {hi}")
        if n < lo and not (ex and border):
            out.append(f"run of {n} days {'on' if on else 'off'} from day {d}, at least {lo}")
        d = e + 1
    return out


# --- multipliers and repair -----------------------------------------------------------------


def _breach(p: Person, totals: np.ndarray) -> float:
    """Sum of the count limits' breaches (in their units) at ``totals`` (one per limit)."""
    b = 0.0
    for j, lim in enumerate(p.limits):
        v = totals[j]
        if v > lim.hi:
            b += (v - lim.hi) / lim.unit
        elif v < lim.lo:
            b += (lim.lo - v) / lim.unit
    return b


def _run_ok(p: Person, row: list[int], d: int) -> bool:
    """Whether the maximal run (on or off) holding day ``d`` keeps its bounds."""
    H = len(row)
    on = row[d] >= 0
    a = d
    while a > 0 and (row[a - 1] >= 0) == on:
        a -= 1
    e = d
    while e + 1 < H and (row[e + 1] >= 0) == on:
        e += 1
    n = e - a + 1
    lo, hi, ex = (p.min_on, p.max_on, p.exempt_on) if on else (p.min_off, p.max_off, p.exempt_off)
    if hi is not None and n > hi:
        return False
    return n >= lo or (ex and (a == 0 or e == H - 1))


def _local_ok(p: Person, row: list[int], d: int) -> bool:
    """Whether the rules of the path hold around day ``d`` after ``row[d]`` changed: the cell
    is allowed, the successions with both neighbours hold, and the runs holding ``d`` and its
    neighbours keep their bounds."""
    H = len(row)
    k = row[d]
    if k >= 0:
        if not p.allowed[d, k]:
            return False
        if d > 0 and row[d - 1] >= 0 and p.bad[row[d - 1], k]:
            return False
        if d + 1 < H and row[d + 1] >= 0 and p.bad[k, row[d + 1]]:
            return False
    return all(_run_ok(p, row, x) for x in (d - 1, d, d + 1) if 0 <= x < H)


def _put(p: Person, row: list[int], cells: list[tuple[int, int]], olds: list[int]) -> bool:
    """Write ``cells`` (day, type) into ``row`` when every changed day keeps the rules of the
    path (:func:`_local_ok`); otherwise put ``olds`` back and say no."""
    for x, k in cells:
        row[x] = k
    if all(_local_ok(p, row, x) for x, _ in cells):
        return True
    for (x, _), o in zip(cells, olds, strict=True):
        row[x] = o
    return False


def _repair(p: Person, row: list[int], base: np.ndarray) -> list[int]:
    """``row`` changed one day at a time, each time by the change that most reduces the
    breach of the count and weekend limits (cheapest under ``base`` among equals), until no
    limit is broken or no change helps. A change is another shift on a worked day (the days
    on and off stay, so only the successions with the neighbours need checking), or a day
    added or taken at either end of a run of days on (checked by :func:`_local_ok`)."""
    H, K = base.shape
    row = list(row)
    J = len(p.limits)
    C = np.array([lim.coef for lim in p.limits]).reshape(J, K)
    lo = np.array([lim.lo for lim in p.limits])
    hi = np.array([lim.hi for lim in p.limits])
    unit = np.array([lim.unit for lim in p.limits])
    wk_of = np.full(H, -1)
    for w, days_ in enumerate(p.weekends):
        wk_of[days_] = w
    wmax = p.weekend_max

    def breach_of(tot: np.ndarray) -> np.ndarray:
        """Breach of the count limits for totals ``tot`` (J, ...)."""
        if not J:
            return np.zeros(tot.shape[1:])
        shape = (J,) + (1,) * (tot.ndim - 1)
        over = np.maximum(0.0, tot - hi.reshape(shape)) + np.maximum(0.0, lo.reshape(shape) - tot)
        return (over / unit.reshape(shape)).sum(axis=0)

    def wk_breach(n: int) -> int:
        """Weekends worked over the limit, with ``n`` worked."""
        return max(0, n - wmax) if wmax is not None else 0

    def wk_breaches(n: np.ndarray) -> np.ndarray:
        return np.maximum(0, n - wmax) if wmax is not None else np.zeros_like(n)

    for _ in range(MAX_REPAIRS):
        arr = np.array(row)
        worked = arr >= 0
        totals = C[:, arr[worked]].sum(axis=1)
        wk_n = np.zeros(len(p.weekends), dtype=int)  # days worked per weekend
        wd = wk_of[worked]
        np.add.at(wk_n, wd[wd >= 0], 1)
        W = int((wk_n > 0).sum())
        wb = wk_breach(W)
        now = float(breach_of(totals)) + wb
        if now <= 1e-9:
            return row
        parts_b, parts_c, parts_d, parts_k = [], [], [], []
        pair_k2: list[np.ndarray] = []  # the second day's shift of a new run of two
        days = np.nonzero(worked)[0]
        if len(days) and J:  # another shift on a worked day
            cur = arr[days]
            new = totals[:, None, None] - C[:, cur][:, :, None] + C[:, None, :]  # (J, n, K)
            br = breach_of(new) + wb
            ok = p.allowed[days].copy()
            prev = np.where(days > 0, arr[np.maximum(days - 1, 0)], -1)
            nxt = np.where(days < H - 1, arr[np.minimum(days + 1, H - 1)], -1)
            has_prev = prev >= 0
            ok[has_prev] &= ~p.bad[prev[has_prev]]
            has_next = nxt >= 0
            ok[has_next] &= ~p.bad[:, nxt[has_next]].T
            ok[np.arange(len(days)), cur] = False
            keep = ok & (br < now - 1e-9)
            i, k = np.nonzero(keep)
            parts_b.append(br[i, k])
            parts_c.append(base[days[i], k] - base[days[i], cur[i]])
            parts_d.append(days[i])
            parts_k.append(k)
        # the ends of the runs on, and the days off beside them
        prev_w = np.concatenate(([False], worked[:-1]))
        next_w = np.concatenate((worked[1:], [False]))
        first = worked & ~prev_w
        last = worked & ~next_w
        ends = np.nonzero(first | last)[0]
        if len(ends):  # take the day
            k_end = arr[ends]
            tot = totals[:, None] - C[:, k_end]
            w_e = wk_of[ends]
            lose = (w_e >= 0) & (wk_n[np.maximum(w_e, 0)] == 1)
            br = breach_of(tot) + wk_breaches(W - lose.astype(int))
            keep = br < now - 1e-9
            parts_b.append(br[keep])
            parts_c.append(-base[ends[keep], k_end[keep]])
            parts_d.append(ends[keep])
            parts_k.append(np.full(int(keep.sum()), -1))
        beside = ~worked & (prev_w | next_w)
        adds = np.nonzero(beside)[0]
        if len(adds):  # add the day
            tot = totals[:, None, None] + np.broadcast_to(C[:, None, :], (J, len(adds), K))
            w_a = wk_of[adds]
            new_wk = (w_a >= 0) & (wk_n[np.maximum(w_a, 0)] == 0)
            br = breach_of(tot) + wk_breaches(W + new_wk.astype(int))[:, None]
            keep = p.allowed[adds] & (br < now - 1e-9)
            i, k = np.nonzero(keep)
            parts_b.append(br[i, k])
            parts_c.append(base[adds[i], k])
            parts_d.append(adds[i])
            parts_k.append(k)
        # a new run of two days inside a run off, long enough to leave both sides their
        # minimum (the second day's shift: the cheapest that may follow the first's)
        if p.min_on <= 2 and (p.max_on is None or p.max_on >= 2):
            off_run_ok = ~worked & np.concatenate((~worked[1:], [False]))
            pairs = np.nonzero(off_run_ok)[0]
            if len(pairs):
                c2 = np.where(p.allowed[pairs + 1], base[pairs + 1], INF)  # (m, K2)
                c2 = c2[:, None, :] + np.where(p.bad, INF, 0.0)[None, :, :]  # (m, K1, K2)
                k2 = c2.argmin(axis=2)  # (m, K1)
                cost2 = np.take_along_axis(c2, k2[:, :, None], axis=2)[:, :, 0]
                tot = totals[:, None, None] + C[:, None, :] + C[:, k2]  # (J, m, K1)
                w1, w2 = wk_of[pairs], wk_of[pairs + 1]
                more = ((w1 >= 0) & (wk_n[np.maximum(w1, 0)] == 0)).astype(int)
                more += ((w2 >= 0) & (w2 != w1) & (wk_n[np.maximum(w2, 0)] == 0)).astype(int)
                br = breach_of(tot) + wk_breaches(W + more)[:, None]
                keep = p.allowed[pairs] & (cost2 < INF / 2) & (br < now - 1e-9)
                i, k = np.nonzero(keep)
                parts_b.append(br[i, k])
                parts_c.append(base[pairs[i], k] + cost2[i, k])
                parts_d.append(pairs[i])
                parts_k.append(k)
                pair_k2.append(np.where(keep[i, k], k2[i, k], -1))
        if not parts_b:
            return row
        bs = np.concatenate(parts_b)
        if not len(bs):
            return row
        cs = np.concatenate(parts_c)
        n_single = len(bs) - sum(len(x) for x in pair_k2)
        k2s = np.concatenate([np.full(n_single, -2), *pair_k2])
        ds = np.concatenate(parts_d)
        ks = np.concatenate(parts_k)
        # As many changes as keep lowering the breach, each checked on the row as it is then
        # (a change alters only the runs around its own day, so checking those keeps the
        # whole row right): about 5 passes instead of 50 single changes per person.
        order = np.lexsort((cs, bs))
        if FAST_REPAIR:
            changed, cur_b = _apply_changes(p, row, order, ds, ks, k2s, totals, wk_n, wk_of, now)
            if cur_b <= 1e-9 or not changed:
                return row
            continue
        changed = 0
        cur_b = now
        for m in order:
            cells: list[tuple[int, int]] = [(int(ds[m]), int(ks[m]))]
            if k2s[m] != -2:
                cells.append((int(ds[m]) + 1, int(k2s[m])))
            olds = [row[x] for x, _ in cells]
            if all(o == kk for o, (_, kk) in zip(olds, cells, strict=True)):
                continue
            tot = totals.copy()
            wk_new = wk_n.copy()
            for (x, kk), o in zip(cells, olds, strict=True):
                if o >= 0:
                    tot -= C[:, o]
                if kk >= 0:
                    tot += C[:, kk]
                wx = int(wk_of[x])
                if wx >= 0:
                    wk_new[wx] += int(kk >= 0) - int(o >= 0)
            n_w = int((wk_new > 0).sum())
            b = float(breach_of(tot)) + wk_breach(n_w)
            if not b < cur_b - 1e-9:
                continue
            if not _put(p, row, cells, olds):
                continue
            totals, W, cur_b, wk_n = tot, n_w, b, wk_new
            changed += 1
            if cur_b <= 1e-9:
                return row
        if not changed:
            return row
    return row


def _apply_changes(
    p: Person,
    row: list[int],
    order: np.ndarray,
    ds: np.ndarray,
    ks: np.ndarray,
    k2s: np.ndarray,
    totals: np.ndarray,
    wk_n: np.ndarray,
    wk_of: np.ndarray,
    now: float,
) -> tuple[int, float]:
    """One pass of :func:`_repair`'s changes, in ``order``, on ``row`` (in place): each made
    when it keeps the rules of the path around its days (:func:`_local_ok`) and lowers the
    breach below the last one kept. Returns how many were made and the breach after them.

    The same changes as the loop of numpy steps it replaces (:data:`FAST_REPAIR`), in plain
    Python floats over the few limits, and the rules of the path checked before the breach:
    on Curtois & Qu 22 three changes in four that lowered the breach broke a run, and the
    breach is the dearer test."""
    J = len(p.limits)
    cols = [
        [float(x) for x in col]
        for col in np.asarray([lim.coef for lim in p.limits]).reshape(J, -1).T
    ]
    lims = [(lim.lo, lim.hi, lim.unit) for lim in p.limits]
    wmax = p.weekend_max
    tot = [float(x) for x in totals]
    wk = [int(x) for x in wk_n]
    W = sum(1 for x in wk if x > 0)
    wk_at = [int(x) for x in wk_of]
    D, Kn, K2 = ds.tolist(), ks.tolist(), k2s.tolist()
    changed = 0
    cur_b = now
    for m in order.tolist():
        d, kk = D[m], Kn[m]
        k2 = K2[m]
        cells = [(d, kk)] if k2 == -2 else [(d, kk), (d + 1, k2)]
        olds = [row[x] for x, _ in cells]
        if all(o == k for o, (_, k) in zip(olds, cells, strict=True)):
            continue
        if not _put(p, row, cells, olds):
            continue
        new = list(tot)
        dw: dict[int, int] = {}
        for (x, k), o in zip(cells, olds, strict=True):
            if o >= 0:
                c = cols[o]
                for j in range(J):
                    new[j] -= c[j]
            if k >= 0:
                c = cols[k]
                for j in range(J):
                    new[j] += c[j]
            wx = wk_at[x]
            if wx >= 0:
                dw[wx] = dw.get(wx, 0) + int(k >= 0) - int(o >= 0)
        n_w = W
        for wx, delta in dw.items():
            n_w += int(wk[wx] + delta > 0) - int(wk[wx] > 0)
        b = 0.0
        for j, (lo, hi, unit) in enumerate(lims):
            v = new[j]
            if v > hi:
                b += (v - hi) / unit
            elif v < lo:
                b += (lo - v) / unit
        b += max(0, n_w - wmax) if wmax is not None else 0
        if not b < cur_b - 1e-9:
            for (x, _), o in zip(cells, olds, strict=True):
                row[x] = o
            continue
        tot, W, cur_b = new, n_w, b
        for wx, delta in dw.items():
            wk[wx] += delta
        changed += 1
        if cur_b <= 1e-9:
            break
    return changed, cur_b


def _weekends_chosen(p: Person, base: np.ndarray) -> Person:
    """``p`` with every weekend but the ``weekend_max`` most valuable ones (the most negative
    sums of their days' cheapest shifts) closed, when the limit can bind: the weekend limit
    then holds by construction. Priced by a multiplier instead, the weekends took 3-11 rounds
    per person on Curtois & Qu 24 (13 of 52 weekends for some people)."""
    if p.weekend_max is None or len(p.weekends) <= p.weekend_max:
        return p
    best = np.where(p.allowed, base, INF).min(axis=1)
    value = [sum(min(0.0, float(best[d])) for d in w) for w in p.weekends]
    # Stable order: among equal weekends the earliest are kept (the cover the people placed
    # before leave makes their days' costs differ).
    order = sorted(range(len(p.weekends)), key=lambda w: value[w])
    allowed = p.allowed.copy()
    for w in order[p.weekend_max :]:
        allowed[p.weekends[w], :] = False
    return replace(p, allowed=allowed, weekend_max=None)


@dataclass
class Warm:
    """A person's multipliers kept from one program to the next (:func:`solve_person`): in
    rounds over the same people (:class:`Rounds`) the counts need about the same prices each
    time, so the first path starts near a row that keeps them."""

    pi: np.ndarray | None = None
    gain: np.ndarray | None = None
    last: np.ndarray | None = None
    nu: float = 0.0


def solve_person(
    p: Person,
    base: np.ndarray,
    deadline: float = math.inf,
    warm: Warm | None = None,
    extra: int = 0,
) -> list[int] | None:
    """A row keeping every hard rule of ``p`` (checked by :func:`violations`), cheap under
    ``base``; None when the multipliers and the repair found none, or at ``deadline``
    (``time.perf_counter()``; checked between rounds).

    First with the weekends chosen (:func:`_weekends_chosen`), :data:`CLOSED_ROUNDS` rounds;
    then, when that fails (a tight contract whose runs need the weekends elsewhere: Curtois &
    Qu 18, 4 of 22 people), with the weekends priced by a multiplier, :data:`MAX_ROUNDS`."""
    closed = _weekends_chosen(p, base)
    rounds = CLOSED_ROUNDS if closed is not p else MAX_ROUNDS
    row = _rounds(closed, base, deadline, rounds, warm, extra)
    if row is None and closed is not p:
        row = _rounds(p, base, deadline, MAX_ROUNDS, warm, extra)
    return row


def _rounds(
    p: Person,
    base: np.ndarray,
    deadline: float,
    rounds: int,
    warm: Warm | None = None,
    extra: int = 0,
) -> list[int] | None:
    """Up to ``rounds`` shortest paths, each repaired (:func:`_repair`), the multipliers of
    the limits the path broke raised between them; the first row with no breach. ``warm``:
    the multipliers to start from, updated in place."""
    J = len(p.limits)
    C = np.array([lim.coef for lim in p.limits]).reshape(J, -1)
    if warm is not None and warm.pi is not None and len(warm.pi) == J:
        pi, gain, last = warm.pi, warm.gain, warm.last
        assert gain is not None and last is not None
    else:
        pi = np.zeros(J)  # > 0: the count is too high
        gain = np.full(J, STEP)
        last = np.zeros(J)  # the side each limit was last broken on: 1 over, -1 under
        if warm is not None:
            warm.pi, warm.gain, warm.last = pi, gain, last
    nu = warm.nu if warm is not None and p.weekend_max is not None else 0.0  # a weekend's price
    scale = max(1.0, float(np.abs(base[base < INF / 2]).max(initial=1.0)))
    best: list[int] | None = None
    best_cost = math.inf
    more = -1  # paths left after the first row with no breach
    for _ in range(rounds):
        if time.perf_counter() > deadline:
            return best
        cost = base + (pi @ C)[None, :] if J else base
        row = shortest(p, cost, nu)
        if row is None:
            return best
        fixed = _repair(p, row, base)
        if not violations(p, fixed):
            arr_f = np.array(fixed)
            on_f = arr_f >= 0
            c_f = float(base[np.nonzero(on_f)[0], arr_f[on_f]].sum())
            if c_f < best_cost:
                best, best_cost = fixed, c_f
            more = extra if more < 0 else more - 1
            if more <= 0 or fixed == row:
                return best
        arr = np.array(row)
        worked = arr >= 0
        totals = C[:, arr[worked]].sum(axis=1) if J else np.zeros(0)
        # The multipliers move where the row (before the repair) is over a maximum or under
        # a minimum, in proportion to the breach, by half the step once they cross over.
        for j, lim in enumerate(p.limits):
            per = float(C[j].max()) or 1.0
            side = 1 if totals[j] > lim.hi else -1 if totals[j] < lim.lo else 0
            if side and side == -last[j]:
                gain[j] /= 2
            if side:
                last[j] = side
                miss = totals[j] - lim.hi if side > 0 else lim.lo - totals[j]
                pi[j] += side * gain[j] * scale * min(1.0, miss / per) / per
        if p.weekend_max is not None:
            worked_wk = sum(1 for w in p.weekends if any(row[d] >= 0 for d in w))
            if worked_wk > p.weekend_max:
                nu += scale * min(1.0, (worked_wk - p.weekend_max) / max(1, p.weekend_max))
                if warm is not None:
                    warm.nu = nu
    return best


# --- rounds over the people -----------------------------------------------------------------


#: Start each person's program in :class:`Rounds` from the multipliers of the person's last
#: one. Off: the rows came out dearer (Curtois & Qu 22 from the same start, all rounds:
#: 132,489 against 86,115; the prices a row needed last time keep the path off cheaper rows).
WARM = False
#: Paths the program goes on with after its first row with no breach, keeping the cheapest.
EXTRA = int(os.environ.get("ROSTER_DP_EXTRA", "0"))


class Rounds:
    """A roster improved one person at a time: each person's row taken out, the cheapest row
    the program finds against what everybody else covers put in its place when it costs less
    (the cover's shortfall and excess this person saves or adds, and the person's requests:
    exactly the change of the whole objective, every other term being a hard rule here).
    Each move keeps every hard rule (rows are checked by :func:`violations`) and never makes
    the roster dearer.

    Measured on Curtois & Qu from the person-by-person start (one process, load 1-4): 13
    13,373 to 8,042 in 2.5 s (5 rounds, the last changing nobody), 20 27,275 to 11,151 in
    12.6 s, 23 155,879 to 52,700 in the first round (6.4 s) and 35,233 after 9 (66 s); the
    whole search of the previous code ended at 5,851, 9,668 and 108,960 after 60 s.
    """

    def __init__(self, prep: Prepared, assignments: list[Assignment], seed: int = 0) -> None:
        self.prep = prep
        cover = prep.cover
        H = prep.H
        self.people: list[Person] = []
        self.slot: list[np.ndarray] = []  # per person (H, K): cover slot of a cell, -1 none
        self.req: list[np.ndarray] = []  # per person (H, K): the requests' cost of a cell
        self.rows: list[np.ndarray] = []
        self.warm: list[Warm] = []
        self.last: list[np.ndarray | None] = []  # the cost each person was last solved under
        self.load = np.zeros(len(cover.slots), dtype=np.int64)
        self.complete = True
        slot_of_cell = np.full((H, len(prep.shift_ids)), -1, dtype=np.int64)
        shift_col = {sh: j for j, sh in enumerate(prep.shift_ids)}
        for (d, sh), s in cover.of_cell.items():
            slot_of_cell[d, shift_col[sh]] = s
        where: dict[str, int] = {}
        for st in prep.problem.staff:
            p = prep.person(st.id)
            if p is None:
                self.complete = False
                return
            col = {sh: k for k, sh in enumerate(p.types)}
            req = np.zeros((H, len(p.types)))
            for d, wish, on_site, w in prep.requests.get(st.id, []):
                if wish is None:
                    req[d, :] += -w if on_site else w
                elif wish in col:
                    req[d, col[wish]] += -w if on_site else w
            where[st.id] = len(self.people)
            self.people.append(p)
            self.slot.append(slot_of_cell[:, [shift_col[sh] for sh in p.types]])
            self.req.append(req)
            self.rows.append(np.full(H, -1, dtype=np.int64))
            self.warm.append(Warm())
            self.last.append(None)
        # A request to work is priced as the saving of working (-w) in the cells; the
        # objective counts w when it is not met, hence w for each such request.
        self.met = float(sum(w for reqs in prep.requests.values() for _, _, on, w in reqs if on))
        day = prep.problem.horizon.day
        for a in assignments:
            i = where.get(a.staff)
            k = (
                None
                if i is None
                else {sh: k for k, sh in enumerate(self.people[i].types)}.get(a.shift)
            )
            if i is None or k is None:
                self.complete = False  # a shift the program does not know for this person
                return
            self.rows[i][day(a.date)] = k
        for i in range(len(self.people)):
            self._add(i, 1)
        self.order = list(range(len(self.people)))
        self.rng = np.random.default_rng(seed)

    def _add(self, i: int, sign: int) -> None:
        row = self.rows[i]
        d = np.nonzero(row >= 0)[0]
        np.add.at(self.load, self.slot[i][d, row[d]], sign)

    def cost(self, i: int) -> np.ndarray:
        """Person ``i``'s cost of each (day, type) given everybody else's rows (the person's
        own row taken out of the load)."""
        cover = self.prep.cover
        m = self.slot[i]
        has = m >= 0
        s = np.where(has, m, 0)
        n = self.load[s]
        c = np.where(
            n < cover.lo[s],
            -cover.wu[s],
            np.where((cover.hi[s] >= 0) & (n >= cover.hi[s]), cover.wo[s], 0),
        )
        c = np.where(has, c, 0) + self.req[i]
        return np.where(self.people[i].allowed, c, INF)

    def round(self, deadline: float) -> tuple[int, float]:
        """One pass over the people in a random order: how many changed, and by how much the
        objective fell. Stops at ``deadline`` (``time.perf_counter()``). A person whose costs
        are those of the last time the program found nothing better is skipped."""
        self.rng.shuffle(self.order)
        changed, gain = 0, 0.0
        H = self.prep.H
        days = np.arange(H)
        for i in self.order:
            if time.perf_counter() > deadline:
                break
            self._add(i, -1)
            c = self.cost(i)
            last = self.last[i]
            if last is None or not np.array_equal(last, c):
                row = self.rows[i]
                on = row >= 0
                now = float(c[days[on], row[on]].sum())
                new = solve_person(
                    self.people[i], c, deadline, self.warm[i] if WARM else None, EXTRA
                )
                self.last[i] = c
                if new is not None and not violations(self.people[i], new):
                    arr = np.array(new, dtype=np.int64)
                    on2 = arr >= 0
                    cost = float(c[days[on2], arr[on2]].sum())
                    if cost < now - 1e-6:
                        self.rows[i] = arr
                        self.last[i] = None
                        changed += 1
                        gain += now - cost
            self._add(i, 1)
        return changed, gain

    def total(self) -> float:
        """The objective of the rows: the cover's shortfall and excess and the requests not
        met."""
        total = float(self.prep.cover.cost(self.load)) + self.met
        for req, row in zip(self.req, self.rows, strict=True):
            d = np.nonzero(row >= 0)[0]
            total += float(req[d, row[d]].sum())
        return total

    def assignments(self) -> list[Assignment]:
        out: list[Assignment] = []
        for p, row in zip(self.people, self.rows, strict=True):
            out += self.prep.assignments(p, [int(k) for k in row])
        return out


def improve(
    prep: Prepared,
    assignments: list[Assignment],
    deadline: float,
    min_gain: float = 0.0,
    seed: int = 0,
    on_round: Callable[[Callable[[], list[Assignment]], float], None] | None = None,
) -> tuple[list[Assignment], int] | None:
    """``assignments`` (every hard rule kept) improved by :class:`Rounds` until a round
    changes nobody, lowers the objective by less than ``min_gain`` (a share of what is left
    of it), or ``deadline`` (``time.perf_counter()``) passes. Returns the new assignments and
    the rounds run, or None when the program cannot read the roster (a person or shift it
    does not know). ``on_round`` hears the roster (a function that makes it, called at once
    or never) and its objective before the first round and after each round that changed
    somebody (so a solve stopped during the rounds keeps their best roster)."""
    r = Rounds(prep, assignments, seed)
    if not r.complete:
        return None
    if on_round is not None:
        on_round(lambda: assignments, r.total())
    n = 0
    while time.perf_counter() < deadline:
        before = r.total()
        changed, gain = r.round(deadline)
        n += 1
        if changed and on_round is not None:
            on_round(r.assignments, r.total())
        if not changed or gain <= min_gain * max(1.0, abs(before)):
            break
    return r.assignments(), n
