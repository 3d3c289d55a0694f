"""Decision variables: who is on site (x), at which post (y), in which team (z), tested when (t).

Variables exist only where they can be used: x only for open slots a person may take (closed
slots never; unavailable slots only when availability is soft, off, or in diagnosis mode), y only
for a qualified person in a slot where the post has a need, z only for rotating staff, t only on
open days where booking is allowed. Derived literals (on site on a day, in some shifts) are
created lazily and cached.

Posts without a skill accept anyone, so per-person y variables for them would be many and
interchangeable: instead each slot has a *pool* (on-site people holding no individual post) and
an integer ``a[post, slot]`` of pool members serving each skill-free post, with
``sum a <= pool`` (``==`` when general duty is not allowed). After the solve the pool's people
are handed to those posts in staff order. Cells named by a fixed cell with a post keep
individual y variables for every post.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model
from ortools.util.python.sorted_interval_list import Domain  # type: ignore[import-untyped]

from roster.index import ProblemIndex
from roster.model import Problem
from solver.expr import Lit, switch_weight

Cell = tuple[str, int, str]  # (staff, day, shift)

#: Models with at least this many cells get unnamed on-site variables: a name costs about a
#: third of a variable's creation time (Curtois & Qu 24: 1.2 million of them).
NAMED_CELLS_MAX = 200_000
_BOOL = Domain(0, 1)


@dataclass
class Vars:
    """All decision variables of one model, with indexes to reach them by staff, day or slot."""

    model: cp_model.CpModel
    x: dict[Cell, cp_model.IntVar] = field(default_factory=dict)
    y: dict[tuple[str, str, int, str], cp_model.IntVar] = field(default_factory=dict)
    z: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    t: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    #: Remote duties: r[staff, post, day, shift] (posts of kind ``remote``, done from home).
    r: dict[tuple[str, str, int, str], cp_model.IntVar] = field(default_factory=dict)
    r_by_post_slot: dict[tuple[str, int, str], list[tuple[str, cp_model.IntVar]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    x_by_staff_day: dict[tuple[str, int], list[tuple[str, cp_model.IntVar]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    x_by_slot: dict[tuple[int, str], list[tuple[str, cp_model.IntVar]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    x_by_staff: dict[str, list[cp_model.IntVar]] = field(default_factory=lambda: defaultdict(list))
    #: (staff, shift) -> [(day, x)], days ascending.
    x_by_staff_shift: dict[tuple[str, str], list[tuple[int, cp_model.IntVar]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    y_by_cell: dict[Cell, list[tuple[str, cp_model.IntVar]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    y_by_post_slot: dict[tuple[str, int, str], list[tuple[str, cp_model.IntVar]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # Skill-free post loads: a variable, or the pool expression itself (see build_vars).
    a: dict[tuple[str, int, str], cp_model.LinearExprT] = field(default_factory=dict)
    pool: dict[tuple[int, str], list] = field(default_factory=dict)
    individual: set[tuple[str, int, str]] = field(default_factory=set)
    #: Staff who work at most one shift a day by a hard rule that no enforcement literal guards:
    #: their "on site that day" literal is the plain sum of their shift literals.
    one_shift_a_day: set[str] = field(default_factory=set)
    _on_day: dict[tuple[str, int, frozenset | None], Lit] = field(default_factory=dict)

    def xv(self, staff: str, day: int, shift: str) -> Lit:
        """The on-site literal of a cell, or False when the cell cannot be on site."""
        v = self.x.get((staff, day, shift))
        return False if v is None else v

    def post_load(self, post: str, day: int, shift: str) -> tuple[cp_model.LinearExprT, int]:
        """(number of people at ``post`` in the slot, an upper bound of it)."""
        ys = [y for _, y in self.y_by_post_slot.get((post, day, shift), ())]
        ys += [r for _, r in self.r_by_post_slot.get((post, day, shift), ())]
        a = self.a.get((post, day, shift))
        hi = len(ys) + (len(self.pool.get((day, shift), ())) if a is not None else 0)
        terms = ys + ([a] if a is not None else [])
        return (cp_model.LinearExpr.sum(terms) if terms else 0), hi

    def on_day(self, staff: str, day: int, shifts: list[str] | None = None) -> Lit:
        """Literal: on site in at least one shift (of ``shifts`` if given) on ``day``; False when
        impossible. Exact (an equivalence), created once per (staff, day, shifts)."""
        key = (staff, day, frozenset(shifts) if shifts else None)
        lit = self._on_day.get(key)
        if lit is not None:
            return lit
        xs = [v for s, v in self.x_by_staff_day.get((staff, day), ()) if not shifts or s in shifts]
        if not xs:
            lit = False
        elif len(xs) == 1:
            lit = xs[0]
        else:
            lit = self.model.new_bool_var(f"on[{staff},{day}]")
            if staff in self.one_shift_a_day:
                # At most one shift a day: on = sum of the shifts, a tighter LP than the
                # clauses below (and an exactly-one constraint for presolve).
                self.model.add(cp_model.LinearExpr.sum(xs) == lit)
            else:
                self.model.add_bool_or(xs).only_enforce_if(lit)
                for v in xs:
                    self.model.add_implication(v, lit)
        self._on_day[key] = lit
        return lit


def build_vars(
    problem: Problem,
    idx: ProblemIndex,
    model: cp_model.CpModel,
    *,
    diagnosis: bool,
    soft_hard_rules: bool,
    check_time: Callable[[], None] | None = None,
) -> Vars:
    """Create x, y and z with their structural links (one post at most per on-site cell, exactly
    one when general duty is not allowed; exactly one team per rotating person). In diagnosis
    mode, or when a hard rule is softened, the variables a hard rule would forbid still exist."""
    pol = problem.policy
    v = Vars(model)

    av = pol.availability
    keep_unavailable = (
        (not av.enabled) or diagnosis or switch_weight(av, soft_hard_rules) is not None
    )
    unavailable = unavailable_cells(problem, idx) if not keep_unavailable else set()

    if not diagnosis and not soft_hard_rules:
        v.one_shift_a_day = {
            s.id for s in problem.staff if pol.contracts[s.contract].max_shifts_per_day == 1
        }

    teams = pol.teams
    pattern = idx.pattern_team
    strict_pattern = (
        teams.enabled
        and bool(pattern)
        and not diagnosis
        and switch_weight(teams, soft_hard_rules) is None
    )

    posts_at: dict[tuple[int, str], list[str]] = defaultdict(list)
    for pid, per in idx.needs.items():
        if pid in idx.remote_posts:
            continue  # done from home: no on-site variable (see remote duties below)
        for slot in per:
            posts_at[slot].append(pid)
    free = {p.id for p in problem.site.posts if p.skill is None}
    qual = {
        s.id: {p.id for p in problem.site.posts if idx.qualified(s.id, p.id)} for s in problem.staff
    }
    # Cells a fixed cell names a post for get one y per post; the others reach skill-free posts
    # through the per-slot pool (see the module docstring).
    h = problem.horizon
    individual = {
        (f.staff, h.day(f.date), f.shift)
        for f in problem.fixed
        if f.post is not None and h.contains(f.date)
    }
    general = problem.site.general_duty_allowed
    open_slots = idx.open_slots
    pool: dict[tuple[int, str], list] = defaultdict(list)  # slot -> x and skilled y of pooled

    named = len(problem.staff) * len(open_slots) < NAMED_CELLS_MAX
    proto = model.proto
    forbidden = {} if diagnosis or soft_hard_rules else zero_count_shifts(problem)
    unavailable_by_staff: dict[str, set[tuple[int, str]]] = defaultdict(set)
    for s_, d_, sh_ in unavailable:
        unavailable_by_staff[s_].add((d_, sh_))
    # Per distinct set of posts with a need in a slot: the posts a person may take there.
    slot_posts = {slot: tuple(posts_at.get(slot, ())) for slot in open_slots}
    x_by_staff_day, x_by_slot, x_by_staff_shift = (
        v.x_by_staff_day,
        v.x_by_slot,
        v.x_by_staff_shift,
    )

    for st in problem.staff:
        if check_time is not None:
            check_time()
        sid = st.id
        fixed_team = st.team if (strict_pattern and st.rotates) else None
        q = qual[sid]
        away = unavailable_by_staff.get(sid, set())
        banned = forbidden.get(sid, frozenset())
        slots = [
            slot
            for slot in open_slots
            if slot[1] not in banned
            and slot not in away
            and (fixed_team is None or pattern[slot] == fixed_team)
        ]
        # Per distinct set of posts with a need: the posts this person may take there, and
        # whether a skill-free post is among them.
        choice: dict[tuple[str, ...], tuple[list[str], bool, list[str]]] = {}
        for here in {slot_posts[slot] for slot in slots}:
            mine = [p for p in here if p in q]
            choice[here] = (mine, any(p in free for p in here), [p for p in mine if p not in free])
        if not general:
            slots = [slot for slot in slots if choice[slot_posts[slot]][0]]
        if named:
            xs = [model.new_bool_var(f"x[{sid},{d},{sh}]") for d, sh in slots]
        else:
            xs = [cp_model.IntVar(proto).with_domain(_BOOL) for _ in slots]
        v.x.update(zip([(sid, d, sh) for d, sh in slots], xs, strict=True))
        v.x_by_staff[sid].extend(xs)
        for (d, sh), xv in zip(slots, xs, strict=True):
            x_by_staff_day[(sid, d)].append((sh, xv))
            x_by_slot[(d, sh)].append((sid, xv))
            x_by_staff_shift[(sid, sh)].append((d, xv))
        for slot, xv in zip(slots, xs, strict=True):
            posts, any_free, skilled = choice[slot_posts[slot]]
            d, sh = slot
            if any_free and not skilled and not individual:
                pool[slot].append((xv, ()))
                continue
            cell = (sid, d, sh)
            pooled = any_free and cell not in individual
            if pooled:
                posts = skilled
            if not posts:
                if pooled:
                    pool[slot].append((xv, []))
                continue
            ys = []
            for p in posts:
                yv = model.new_bool_var(f"y[{sid},{p},{d},{sh}]")
                v.y[(sid, p, d, sh)] = yv
                v.y_by_cell[cell].append((p, yv))
                v.y_by_post_slot[(p, d, sh)].append((sid, yv))
                ys.append(yv)
            if pooled:
                pool[slot].append((xv, ys))
            if pooled or general:
                model.add_at_most_one([~xv, *ys])  # sum y <= x
            else:
                model.add_exactly_one([~xv, *ys])  # sum y == x

    # Skill-free posts: a[post, slot] people of the slot's pool (on site, no individual post).
    for slot, members in pool.items():
        d, sh = slot
        free_people = cp_model.LinearExpr.sum([x for x, _ in members]) - cp_model.LinearExpr.sum(
            [y for _, ys in members for y in ys] or [0]
        )
        free_here = [p for p in posts_at[slot] if p in free]
        if len(free_here) == 1 and not general:
            # One skill-free post and no general duty: every pooled person serves it, so its
            # load is the pool itself (no variable).
            v.a[(free_here[0], d, sh)] = free_people
            continue
        loads = []
        for p in free_here:
            a = model.new_int_var(0, len(members), f"a[{p},{d},{sh}]")
            v.a[(p, d, sh)] = a
            loads.append(a)
        if general:
            model.add(sum(loads) <= free_people)
        else:
            model.add(sum(loads) == free_people)
    v.pool = pool
    v.individual = individual

    if teams.enabled:
        for sid in idx.rotating_staff:
            zs = [model.new_bool_var(f"z[{sid},{k}]") for k in range(teams.count)]
            for k, zv in enumerate(zs):
                v.z[(sid, k)] = zv
            model.add_exactly_one(zs)
            fixed = idx.staff_by_id[sid].team
            if fixed is not None:
                model.add(zs[fixed] == 1)

    # Remote duties (created last, so problems without remote posts keep their numbering):
    # r[s, post, slot] for each qualified person; one duty a slot, never on site meanwhile.
    # Whether the person is off then is the remote-duty rule (solver/rules/remote.py).
    if idx.remote_posts:
        by_cell: dict[Cell, list[cp_model.IntVar]] = defaultdict(list)
        for post in problem.site.posts:
            if post.id not in idx.remote_posts:
                continue
            for (d, sh), _need in idx.needs[post.id].items():
                for sid in idx.qualified_staff[post.id]:
                    rv = model.new_bool_var(f"r[{sid},{post.id},{d},{sh}]")
                    v.r[(sid, post.id, d, sh)] = rv
                    v.r_by_post_slot[(post.id, d, sh)].append((sid, rv))
                    by_cell[(sid, d, sh)].append(rv)
        for (sid, d, sh), rs in by_cell.items():
            on_site = v.x.get((sid, d, sh))
            model.add_at_most_one([*rs, on_site] if on_site is not None else rs)
    return v


def zero_count_shifts(problem: Problem) -> dict[str, frozenset[str]]:
    """Staff id -> shifts a hard count limit of 0 forbids on every day (a count of shifts or
    days of those shifts, per week or over the horizon, at most 0). No variable is made for
    those cells (Curtois & Qu: a MaxShifts of 0 is a missing skill; a third of the cells of 24).
    """
    all_shifts = frozenset(s.id for s in problem.site.shifts)
    by_contract: dict[str, frozenset[str]] = {}
    for name, c in problem.policy.contracts.items():
        banned: set[str] = set()
        for cl in c.counts:
            if cl.hard_max == 0 and cl.measure in ("shifts", "days"):
                banned |= set(cl.shifts) if cl.shifts else all_shifts
        by_contract[name] = frozenset(banned)
    return {s.id: by_contract[s.contract] for s in problem.staff if by_contract[s.contract]}


def unavailable_cells(problem: Problem, idx: ProblemIndex) -> set[Cell]:
    """Open cells an absence covers."""
    h = problem.horizon
    out: set[Cell] = set()
    for a in problem.absences:
        first = max(0, h.day(a.start))
        last = min(idx.days - 1, h.day(a.end))
        for d in range(first, last + 1):
            for sh in idx.open_shifts_by_day[d]:
                if not a.shifts or sh in a.shifts:
                    out.add((a.staff, d, sh))
    return out
