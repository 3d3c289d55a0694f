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
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import compress

import numpy as np
from ortools.sat.python import cp_model, cp_model_helper
from ortools.util.python.sorted_interval_list import Domain  # type: ignore[import-untyped]

from roster.index import ProblemIndex
from roster.model import Problem
from solver.expr import Lit, switch_weight
from solver.protowrite import ref_matrix

Cell = tuple[str, int, str]  # (staff, day, shift)

#: Models with at least this many cells get unnamed on-site variables: a name costs about a
#: third of a variable's creation time (Curtois & Qu 24: 1.2 million of them).
NAMED_CELLS_MAX = 200_000
_BOOL = Domain(0, 1)


class BoolBlocks:
    """Appends ``n`` Boolean variables to a proto by merging ready-made blocks of ``2^k``
    variables (a C++ copy each, no Python object per variable)."""

    def __init__(self) -> None:
        self._blocks: list[cp_model_helper.CpModelProto] = []

    def _block(self, k: int) -> cp_model_helper.CpModelProto:
        while len(self._blocks) <= k:
            block = cp_model_helper.CpModelProto()
            if not self._blocks:
                block.merge_text_format("variables{domain:[0,1]}")
            else:
                block.merge_from(self._blocks[-1])
                block.merge_from(self._blocks[-1])
            self._blocks.append(block)
        return self._blocks[k]

    def add(self, proto: cp_model_helper.CpModelProto, n: int) -> None:
        k = 0
        while n >> k:
            if (n >> k) & 1:
                proto.merge_from(self._block(k))
            k += 1


class _XLists(Mapping[str, list[cp_model.IntVar]]):
    """``Vars.x_by_staff`` of a bulk model: each person's on-site variables (a block of the
    proto), as Python objects only when asked for."""

    def __init__(self, proto: cp_model_helper.CpModelProto) -> None:
        self._proto = proto
        self._range: dict[str, tuple[int, int]] = {}
        self._made: dict[str, list[cp_model.IntVar]] = {}

    def set(self, staff: str, first: int, n: int) -> None:
        self._range[staff] = (first, n)

    def span(self, staff: str) -> tuple[int, int]:
        """First proto index and number of ``staff``'s on-site variables."""
        return self._range[staff]

    def __getitem__(self, staff: str) -> list[cp_model.IntVar]:
        xs = self._made.get(staff)
        if xs is None:
            first, n = self._range[staff]
            proto = self._proto
            xs = [cp_model.IntVar(proto, i) for i in range(first, first + n)]
            self._made[staff] = xs
        return xs

    def at(self, staff: str, ref: int) -> cp_model.IntVar:
        """The variable of proto index ``ref`` (the person's list's object once made)."""
        xs = self._made.get(staff)
        if xs is None:
            return cp_model.IntVar(self._proto, ref)
        return xs[ref - self._range[staff][0]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._range)

    def __len__(self) -> int:
        return len(self._range)


class _PersonCells:
    """Each person's on-site variables in creation order (bulk models): the source of the lazy
    maps below, so that the build makes no tuple, dict entry or Python variable per cell.
    ``pos[row of the person, open slot]`` is the proto index of the cell's variable, -1 where
    there is none."""

    def __init__(
        self, proto: cp_model_helper.CpModelProto, open_slots: list[tuple[int, str]], n: int
    ) -> None:
        self.xs = _XLists(proto)
        self.cells: dict[str, list[tuple[int, str]]] = {}
        self.row: dict[str, int] = {}
        self.staff: list[str] = []
        self.slot_j = {slot: j for j, slot in enumerate(open_slots)}
        self.pos = np.full((n, len(open_slots)), -1, dtype=np.int32)
        self._days: dict[str, dict[int, list[tuple[str, cp_model.IntVar]]]] = {}
        self._shifts: dict[str, dict[str, list[tuple[int, cp_model.IntVar]]]] = {}

    def add(self, staff: str, first: int, slots: list[tuple[int, str]], js: np.ndarray) -> None:
        """``staff``'s cells ``slots`` (open-slot numbers ``js``), variables from ``first``."""
        r = len(self.staff)
        self.staff.append(staff)
        self.row[staff] = r
        self.cells[staff] = slots
        self.xs.set(staff, first, len(slots))
        self.pos[r, js] = np.arange(first, first + len(slots), dtype=np.int32)

    def ref(self, staff: str, day: int, shift: str) -> int:
        """Proto index of the cell's variable, -1 when none."""
        r = self.row.get(staff)
        j = self.slot_j.get((day, shift))
        if r is None or j is None:
            return -1
        return int(self.pos[r, j])

    def days(self, staff: str) -> dict[int, list[tuple[str, cp_model.IntVar]]]:
        out = self._days.get(staff)
        if out is None:
            out = {}
            for (d, sh), x in zip(self.cells.get(staff, ()), self.xs.get(staff, ()), strict=True):
                out.setdefault(d, []).append((sh, x))
            self._days[staff] = out
        return out

    def shifts(self, staff: str) -> dict[str, list[tuple[int, cp_model.IntVar]]]:
        out = self._shifts.get(staff)
        if out is None:
            out = {}
            for (d, sh), x in zip(self.cells.get(staff, ()), self.xs.get(staff, ()), strict=True):
                out.setdefault(sh, []).append((d, x))
            self._shifts[staff] = out
        return out


class _BySlot(Mapping[tuple[int, str], list[tuple[str, cp_model.IntVar]]]):
    """``Vars.x_by_slot`` of a bulk model: (staff, x) of a slot, staff order, made on first
    use."""

    def __init__(self, people: _PersonCells) -> None:
        self._p = people
        self._made: dict[tuple[int, str], list[tuple[str, cp_model.IntVar]]] = {}

    def __getitem__(self, slot: tuple[int, str]) -> list[tuple[str, cp_model.IntVar]]:
        out = self._made.get(slot)
        if out is None:
            j = self._p.slot_j[slot]
            col = self._p.pos[: len(self._p.staff), j]
            rows = np.flatnonzero(col >= 0).tolist()
            if not rows:
                raise KeyError(slot)
            staff, at = self._p.staff, self._p.xs.at
            out = [(staff[r], at(staff[r], int(col[r]))) for r in rows]
            self._made[slot] = out
        return out

    def __iter__(self) -> Iterator[tuple[int, str]]:
        filled = (self._p.pos[: len(self._p.staff)] >= 0).any(axis=0)
        slots = list(self._p.slot_j)
        return iter([slots[j] for j in np.flatnonzero(filled).tolist()])

    def __len__(self) -> int:
        return int((self._p.pos[: len(self._p.staff)] >= 0).any(axis=0).sum())


class _PlainPool(Mapping[tuple[int, str], list]):
    """``Vars.pool`` of a bulk model whose pooled people are all plain (every cell pooled):
    the members of a slot's pool, read from :class:`_BySlot` on demand."""

    def __init__(self, by_slot: _BySlot, plain: set[str], size: dict[tuple[int, str], int]):
        self._by_slot, self._plain, self._size = by_slot, plain, size

    def __getitem__(self, slot: tuple[int, str]) -> list:
        if slot not in self._size:
            raise KeyError(slot)
        return [(x, ()) for s_, x in self._by_slot[slot] if s_ in self._plain]

    def __iter__(self) -> Iterator[tuple[int, str]]:
        return iter(self._size)

    def __len__(self) -> int:
        return len(self._size)


class CellMap(Mapping[Cell, cp_model.IntVar]):
    """``Vars.x`` of a bulk model: (staff, day, shift) -> on-site variable, read from the
    people's cells."""

    def __init__(self, people: _PersonCells) -> None:
        self._p = people

    def __getitem__(self, key: Cell) -> cp_model.IntVar:
        ref = self._p.ref(*key)
        if ref < 0:
            raise KeyError(key)
        return self._p.xs.at(key[0], ref)

    def __iter__(self) -> Iterator[Cell]:
        for staff, cells in self._p.cells.items():
            for d, sh in cells:
                yield (staff, d, sh)

    def __len__(self) -> int:
        return sum(len(cells) for cells in self._p.cells.values())

    def items(self):
        for staff, cells in self._p.cells.items():
            for (d, sh), x in zip(cells, self._p.xs[staff], strict=True):
                yield (staff, d, sh), x

    def values(self):
        for staff in self._p.cells:
            yield from self._p.xs[staff]

    def ones(self, solution: np.ndarray) -> Iterator[Cell]:
        """The cells whose variable is 1 in ``solution`` (one value per proto variable), read
        by index: no Python variable is made (Curtois & Qu 24: a million cells)."""
        for staff, cells in self._p.cells.items():
            first, n = self._p.xs.span(staff)
            for k in np.flatnonzero(solution[first : first + n]).tolist():
                d, sh = cells[k]
                yield (staff, d, sh)


class _ByStaffDay(Mapping[tuple[str, int], list[tuple[str, cp_model.IntVar]]]):
    """``Vars.x_by_staff_day`` of a bulk model, built per person on first use."""

    def __init__(self, people: _PersonCells) -> None:
        self._p = people

    def __getitem__(self, key: tuple[str, int]) -> list[tuple[str, cp_model.IntVar]]:
        return self._p.days(key[0])[key[1]]

    def __iter__(self) -> Iterator[tuple[str, int]]:
        for staff in self._p.cells:
            for d in self._p.days(staff):
                yield (staff, d)

    def __len__(self) -> int:
        return sum(len(self._p.days(s)) for s in self._p.cells)


class _ByStaffShift(Mapping[tuple[str, str], list[tuple[int, cp_model.IntVar]]]):
    """``Vars.x_by_staff_shift`` of a bulk model, built per person on first use."""

    def __init__(self, people: _PersonCells) -> None:
        self._p = people

    def __getitem__(self, key: tuple[str, str]) -> list[tuple[int, cp_model.IntVar]]:
        return self._p.shifts(key[0])[key[1]]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        for staff in self._p.cells:
            for sh in self._p.shifts(staff):
                yield (staff, sh)

    def __len__(self) -> int:
        return sum(len(self._p.shifts(s)) for s in self._p.cells)


@dataclass
class Vars:
    """All decision variables of one model, with indexes to reach them by staff, day or slot."""

    model: cp_model.CpModel
    x: Mapping[Cell, cp_model.IntVar] = field(default_factory=dict)
    y: dict[tuple[str, str, int, str], cp_model.IntVar] = field(default_factory=dict)
    z: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    t: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    #: Remote duties: r[staff, post, day, shift] (posts of kind ``remote``, done from home).
    r: dict[tuple[str, str, int, str], cp_model.IntVar] = field(default_factory=dict)
    r_by_post_slot: dict[tuple[str, int, str], list[tuple[str, cp_model.IntVar]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    x_by_staff_day: Mapping[tuple[str, int], list[tuple[str, cp_model.IntVar]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    x_by_slot: Mapping[tuple[int, str], list[tuple[str, cp_model.IntVar]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    x_by_staff: Mapping[str, list[cp_model.IntVar]] = field(
        default_factory=lambda: defaultdict(list)
    )
    #: (staff, shift) -> [(day, x)], days ascending.
    x_by_staff_shift: Mapping[tuple[str, str], list[tuple[int, cp_model.IntVar]]] = field(
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
    pool: Mapping[tuple[int, str], list] = field(default_factory=dict)
    #: slot -> number of members of its pool.
    pool_size: dict[tuple[int, str], int] = field(default_factory=dict)
    #: Bulk models whose pooled people are all plain: (post, day, shift) -> the proto indexes
    #: of the slot's pool members when the post's load is that pool (their plain sum).
    load_refs: dict[tuple[str, int, str], list[int]] = field(default_factory=dict)
    individual: set[tuple[str, int, str]] = field(default_factory=set)
    #: Staff who work at most one shift a day by a hard rule that no enforcement literal guards:
    #: their "on site that day" literal is the plain sum of their shift literals.
    one_shift_a_day: set[str] = field(default_factory=set)
    #: staff -> (index of the person's first on-site variable, the person's (day, shift) cells
    #: in creation order): cell i of the list is variable ``first + i`` of the model's proto.
    cells: dict[str, tuple[int, list[tuple[int, str]]]] = field(default_factory=dict)
    _on_day: dict[tuple[str, int, frozenset | None], Lit] = field(default_factory=dict)
    _on_day_ref: dict[tuple[str, int, frozenset | None], int | bool] = field(default_factory=dict)
    #: Days of the horizon and each shift's column (the site's shift order), for ref_matrix.
    days: int = 0
    #: Large models (at least :data:`NAMED_CELLS_MAX` cells): constraints written in bulk
    #: (:mod:`solver.protowrite`), grouped by length; small ones keep the one-by-one order.
    bulk: bool = False
    shift_col: dict[str, int] = field(default_factory=dict)
    _ref_matrix: dict[str, np.ndarray] = field(default_factory=dict)
    _day_refs: dict[str, dict[int, list[tuple[str, int]]]] = field(default_factory=dict)
    _shift_refs: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    people_cells: _PersonCells | None = None
    #: Day and shift column of each open slot (bulk models), for ref_matrix.
    slot_day: np.ndarray | None = None
    slot_col: np.ndarray | None = None

    def day_refs(self, staff: str) -> dict[int, list[tuple[str, int]]]:
        """day -> [(shift, proto index of the on-site variable)] of ``staff``, shift order."""
        out = self._day_refs.get(staff)
        if out is None:
            out = {}
            first, cells = self.cells.get(staff, (0, []))
            for i, (d, sh) in enumerate(cells, first):
                day = out.get(d)
                if day is None:
                    out[d] = day = []
                day.append((sh, i))
            self._day_refs[staff] = out
        return out

    def shift_refs(self, staff: str) -> dict[str, list[int]]:
        """shift -> proto indexes of ``staff``'s on-site variables of that shift, days
        ascending."""
        out = self._shift_refs.get(staff)
        if out is None:
            out = {}
            if self.bulk:
                # From the index matrix: a column per shift, days ascending (creation order).
                refs_by_col = self.ref_matrix(staff).T
                for sh, col in self.shift_col.items():
                    got = refs_by_col[col]
                    got = got[got >= 0]
                    if got.size:
                        out[sh] = got.tolist()
            else:
                first, cells = self.cells.get(staff, (0, []))
                for i, (_, sh) in enumerate(cells, first):
                    refs = out.get(sh)
                    if refs is None:
                        out[sh] = refs = []
                    refs.append(i)
            self._shift_refs[staff] = out
        return out

    def ref_matrix(self, staff: str) -> np.ndarray:
        """``days x shifts`` (the site's shift order) array of the proto indexes of ``staff``'s
        on-site variables, -1 where there is none."""
        out = self._ref_matrix.get(staff)
        if out is None and self.people_cells is not None and staff in self.people_cells.row:
            assert self.slot_day is not None and self.slot_col is not None
            out = np.full((self.days, len(self.shift_col)), -1, dtype=np.int64)
            out[self.slot_day, self.slot_col] = self.people_cells.pos[self.people_cells.row[staff]]
            self._ref_matrix[staff] = out
        if out is None:
            first, cells = self.cells.get(staff, (0, []))
            out = ref_matrix(first, cells, self.days, self.shift_col)
            self._ref_matrix[staff] = out
        return out

    def forget_refs(self, staff: str) -> None:
        """Drop the cached :meth:`day_refs` and :meth:`shift_refs` of ``staff`` (rebuilt on
        demand): they hold an int per cell, so keeping every person's would raise the build's
        peak memory."""
        self._day_refs.pop(staff, None)
        self._shift_refs.pop(staff, None)
        self._ref_matrix.pop(staff, None)

    def xv(self, staff: str, day: int, shift: str) -> Lit:
        """The on-site literal of a cell, or False when the cell cannot be on site."""
        v = self.x.get((staff, day, shift))
        return False if v is None else v

    def post_load(self, post: str, day: int, shift: str) -> tuple[cp_model.LinearExprT, int]:
        """(number of people at ``post`` in the slot, an upper bound of it)."""
        ys = [y for _, y in self.y_by_post_slot.get((post, day, shift), ())]
        ys += [r for _, r in self.r_by_post_slot.get((post, day, shift), ())]
        a = self.a.get((post, day, shift))
        hi = len(ys) + (self.pool_size.get((day, shift), 0) if a is not None else 0)
        terms = ys + ([a] if a is not None else [])
        return (cp_model.LinearExpr.sum(terms) if terms else 0), hi

    def post_load_refs(self, post: str, day: int, shift: str) -> list[int] | None:
        """The proto indexes whose plain sum is :meth:`post_load`'s load, when the load is a
        skill-free post's pool (bulk models); None otherwise."""
        key = (post, day, shift)
        refs = self.load_refs.get(key)
        if refs is None or self.y_by_post_slot.get(key) or self.r_by_post_slot.get(key):
            return None
        return refs

    def on_day(self, staff: str, day: int, shifts: list[str] | None = None) -> Lit:
        """Literal: on site in at least one shift (of ``shifts`` if given) on ``day``; False when
        impossible. Exact (an equivalence), created once per (staff, day, shifts)."""
        key = (staff, day, frozenset(shifts) if shifts else None)
        lit = self._on_day.get(key)
        if lit is not None:
            return lit
        refs = [i for s, i in self.day_refs(staff).get(day, ()) if not shifts or s in shifts]
        ref: int | bool
        if not refs:
            lit = ref = False
        elif len(refs) == 1:
            ref = refs[0]
            lit = self.x_at(staff, ref)
        else:
            lit = self.model.new_bool_var(f"on[{staff},{day}]")
            ref = lit.index
            ct = self.model.proto.constraints.add()
            if staff in self.one_shift_a_day:
                # At most one shift a day: on = sum of the shifts, a tighter LP than the
                # clauses below (and an exactly-one constraint for presolve).
                lin = ct.linear
                lin.vars.extend([*refs, ref])
                lin.coeffs.extend([1] * len(refs) + [-1])
                lin.domain.extend((0, 0))
            else:
                ct.enforcement_literal.append(ref)
                ct.bool_or.literals.extend(refs)
                for i in refs:
                    imp = self.model.proto.constraints.add()
                    imp.enforcement_literal.append(i)
                    imp.bool_and.literals.append(ref)
        self._on_day[key] = lit
        self._on_day_ref[key] = ref
        return lit

    def x_at(self, staff: str, ref: int) -> cp_model.IntVar:
        """``staff``'s on-site variable of proto index ``ref``."""
        if isinstance(self.x_by_staff, _XLists):
            return self.x_by_staff.at(staff, ref)
        return self.x_by_staff[staff][ref - self.cells[staff][0]]

    def prepare_on_days(self, staff: str) -> None:
        """Make :meth:`on_day` (every shift) of each day at once for a person of
        :attr:`one_shift_a_day`: the new literals and their ``on = sum of the shifts``
        equalities written in one text-format merge (the same variables and constraints as
        :meth:`on_day` day by day, about a fifth of the cost on Curtois & Qu 24)."""
        if staff not in self.one_shift_a_day:
            return
        proto = self.model.proto
        refs = self.ref_matrix(staff)
        present = refs >= 0
        count = present.sum(axis=1).tolist()
        first = len(proto.variables)
        made: list[int] = []
        for day in range(self.days):
            key = (staff, day, None)
            if key in self._on_day:
                continue
            k = count[day]
            if k == 0:
                self._on_day[key] = self._on_day_ref[key] = False
            elif k == 1:
                ref = int(refs[day][present[day]][0])
                self._on_day[key] = self.x_at(staff, ref)
                self._on_day_ref[key] = ref
            else:
                made.append(day)
        if not made:
            return
        name = staff.replace("\\", "\\\\").replace('"', '\\"')
        text = [f'variables{{name:"on[{name},{day}]"domain:[0,1]}}' for day in made]
        # Row k: the day's cells in shift order (creation order), then the new literal.
        new = np.arange(first, first + len(made)).reshape(-1, 1)
        counts = {count[d] for d in made}
        if len(counts) == 1:
            # The same number of cells every day (the usual case): one format for all rows.
            k = counts.pop()
            day_refs = refs[made]
            rows = np.hstack([day_refs[day_refs >= 0].reshape(-1, k), new])
            template = (
                "constraints{linear{vars:["
                + ",".join(["%d"] * (k + 1))
                + "]coeffs:["
                + "1," * k
                + "-1]domain:[0,0]}}"
            )
            text.append((template * len(made)) % tuple(rows.ravel().tolist()))
            made_rows: list = []
        else:
            made_rows = list(
                zip(np.hstack([refs[made], new]).tolist(), [count[d] for d in made], strict=True)
            )
        for row, k in made_rows:
            vars_ = [x for x in row if x >= 0]
            text.append(
                "constraints{linear{vars:["
                + ",".join(map(str, vars_))
                + "]coeffs:["
                + "1," * k
                + "-1]domain:[0,0]}}"
            )
        proto.merge_text_format("".join(text))
        for k, day in enumerate(made):
            key = (staff, day, None)
            self._on_day[key] = cp_model.IntVar(proto, first + k)
            self._on_day_ref[key] = first + k

    def on_day_ref(self, staff: str, day: int, shifts: list[str] | None = None) -> int | bool:
        """:meth:`on_day` as a proto literal reference (``-i - 1`` is the negation of
        variable ``i``), or a Python bool constant."""
        self.on_day(staff, day, shifts)
        return self._on_day_ref[(staff, day, frozenset(shifts) if shifts else None)]


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
    v = Vars(model, days=idx.days, shift_col=dict(idx.shift_order))

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
    v.bulk = not named
    proto = model.proto
    people = _PersonCells(proto, open_slots, len(problem.staff)) if v.bulk else None
    blocks = BoolBlocks()
    if people is not None:
        v.people_cells = people
        v.slot_day = np.array([d for d, _ in open_slots], dtype=np.int64)
        v.slot_col = np.array([v.shift_col[sh] for _, sh in open_slots], dtype=np.int64)
        v.x, v.x_by_staff_day, v.x_by_staff_shift = (
            CellMap(people),
            _ByStaffDay(people),
            _ByStaffShift(people),
        )
        v.x_by_staff = people.xs
        v.x_by_slot = _BySlot(people)
    forbidden = {} if diagnosis or soft_hard_rules else zero_count_shifts(problem)
    unavailable_by_staff: dict[str, set[tuple[int, str]]] = defaultdict(set)
    for s_, d_, sh_ in unavailable:
        unavailable_by_staff[s_].add((d_, sh_))
    # Per distinct set of posts with a need in a slot: the posts a person may take there.
    slot_posts = {slot: tuple(posts_at.get(slot, ())) for slot in open_slots}
    x_by_slot = v.x_by_slot

    # Which open slots hold a post a person of a given qualification may take (all of them when
    # general duty is allowed), per distinct qualification set.
    slot_shift = [sh for _, sh in open_slots]
    plain_staff: set[str] = set()
    servable: dict[frozenset[str], list[bool]] = {}
    # Bulk models: the same choice of cells with arrays over the open slots.
    slot_j = people.slot_j if people is not None else {}
    slot_col = v.slot_col
    post_sets = list(dict.fromkeys(slot_posts.values()))
    post_set_of = {ps: k for k, ps in enumerate(post_sets)}
    slot_post_set = np.array([post_set_of[slot_posts[slot]] for slot in open_slots], dtype=np.int64)
    banned_masks: dict[frozenset[str], np.ndarray] = {}
    team_masks: dict[int, np.ndarray] = {}
    for st in problem.staff:
        if check_time is not None:
            check_time()
        sid = st.id
        fixed_team = st.team if (strict_pattern and st.rotates) else None
        q = qual[sid]
        away = unavailable_by_staff.get(sid)
        banned = forbidden.get(sid, frozenset())
        qk = frozenset(q)
        ok = servable.get(qk)
        if ok is None:
            ok = [general or any(p in q for p in slot_posts[slot]) for slot in open_slots]
            servable[qk] = ok
        js: np.ndarray | None = None
        if people is not None:
            assert slot_col is not None
            keep_arr = np.array(ok, dtype=bool)
            if banned:
                mask = banned_masks.get(banned)
                if mask is None:
                    cols = [v.shift_col[sh] for sh in banned if sh in v.shift_col]
                    mask = banned_masks[banned] = ~np.isin(slot_col, cols)
                keep_arr &= mask
            if fixed_team is not None:
                tmask = team_masks.get(fixed_team)
                if tmask is None:
                    tmask = team_masks[fixed_team] = np.array(
                        [pattern[slot] == fixed_team for slot in open_slots], dtype=bool
                    )
                keep_arr &= tmask
            if away:
                keep_arr[[slot_j[c] for c in away if c in slot_j]] = False
            js = np.flatnonzero(keep_arr)
            slots = list(compress(open_slots, keep_arr.tolist()))
            here_sets = [post_sets[k] for k in np.unique(slot_post_set[js]).tolist()]
        else:
            keep = [o and sh not in banned for o, sh in zip(ok, slot_shift, strict=True)]
            if fixed_team is not None:
                keep = [
                    k and pattern[slot] == fixed_team
                    for k, slot in zip(keep, open_slots, strict=True)
                ]
            base = list(compress(open_slots, keep))
            slots = [slot for slot in base if slot not in away] if away else base
            here_sets = list({slot_posts[slot] for slot in slots})
        # Per distinct set of posts with a need: the posts this person may take there, and
        # whether a skill-free post is among them.
        choice: dict[tuple[str, ...], tuple[list[str], bool, list[str]]] = {}
        for here in here_sets:
            mine = [p for p in here if p in q]
            choice[here] = (mine, any(p in free for p in here), [p for p in mine if p not in free])
        first = len(proto.variables)
        v.cells[sid] = (first, slots)
        plain_pool = not individual and all(
            any_free and not skilled for _, any_free, skilled in choice.values()
        )
        if people is not None:
            # Bulk model: the person's variables are one block of the proto; x, x_by_staff,
            # x_by_slot, x_by_staff_day and x_by_staff_shift read the person's cells.
            assert js is not None
            blocks.add(proto, len(slots))
            people.add(sid, first, slots, js)
            if plain_pool:
                plain_staff.add(sid)
                continue
            xs = people.xs[sid]
        else:
            xs = [model.new_bool_var(f"x[{sid},{d},{sh}]") for d, sh in slots]
            v.x_by_staff[sid].extend(xs)
            _index_cells(v, sid, slots, xs)
            if plain_pool:
                # Every cell of the person goes to its slot's pool (skill-free posts only); the
                # pools of slots with only such people are read from x_by_slot below.
                plain_staff.add(sid)
                continue
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
    def pool_loads(
        slot: tuple[int, str],
        size: int,
        free_people: cp_model.LinearExprT,
        refs: list[int] | None = None,
    ) -> None:
        d, sh = slot
        v.pool_size[slot] = size
        free_here = [p for p in posts_at[slot] if p in free]
        if len(free_here) == 1 and not general:
            # One skill-free post and no general duty: every pooled person serves it, so its
            # load is the pool itself (no variable).
            v.a[(free_here[0], d, sh)] = free_people
            if refs is not None:
                v.load_refs[(free_here[0], d, sh)] = refs
            return
        loads = []
        for p in free_here:
            a = model.new_int_var(0, size, f"a[{p},{d},{sh}]")
            v.a[(p, d, sh)] = a
            loads.append(a)
        if general:
            model.add(sum(loads) <= free_people)
        else:
            model.add(sum(loads) == free_people)

    if people is not None and plain_staff and not pool:
        # Bulk model, every pooled person plain: each slot's pool is the column of the plain
        # people's variable indexes, its sum made from the indexes (no Python variable).
        plain_rows = np.array([s_ in plain_staff for s_ in people.staff], dtype=bool)
        by_slot = people.pos[: len(people.staff)][plain_rows].T.copy()
        for j, slot in enumerate(open_slots):
            col = by_slot[j]
            refs = col[col >= 0]
            if not refs.size:
                continue
            e = cp_model_helper.LinearExpressionProto()
            refs_list = refs.tolist()
            e.vars.extend(refs_list)
            e.coeffs.extend([1] * refs.size)
            load: cp_model.LinearExprT = cp_model_helper.rebuild_from_linear_expression_proto(
                e, proto
            )  # type: ignore[assignment]
            pool_loads(slot, int(refs.size), load, refs_list)
        assert isinstance(x_by_slot, _BySlot)
        v.pool = _PlainPool(x_by_slot, plain_staff, v.pool_size)
    else:
        if plain_staff:
            # People whose every cell is pooled: their pool entries, in staff order with the
            # others'.
            mixed = pool
            pool = {}
            for slot in open_slots:
                slot_cells = x_by_slot.get(slot)
                if not slot_cells:
                    if slot in mixed:
                        pool[slot] = mixed[slot]
                    continue
                if slot not in mixed:
                    members = [(x, ()) for s_, x in slot_cells if s_ in plain_staff]
                else:
                    # The others' entries, matched by their on-site variable (the same object).
                    entry = {id(e[0]): e for e in mixed[slot]}
                    members = [
                        (x, ()) if s_ in plain_staff else entry[id(x)]
                        for s_, x in slot_cells
                        if s_ in plain_staff or id(x) in entry
                    ]
                if members:
                    pool[slot] = members
        for slot, members in pool.items():
            pooled_ys: list = []
            for _, member_ys in members:
                pooled_ys.extend(member_ys)
            free_people = cp_model.LinearExpr.sum([x for x, _ in members])
            if pooled_ys:
                free_people -= cp_model.LinearExpr.sum(pooled_ys)
            pool_loads(slot, len(members), free_people)
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


def _index_cells(
    v: Vars, sid: str, slots: list[tuple[int, str]], xs: list[cp_model.IntVar]
) -> None:
    """The per-cell indexes of a small model: x, x_by_staff_day, x_by_staff_shift, x_by_slot."""
    assert isinstance(v.x, dict)
    assert isinstance(v.x_by_staff_day, dict) and isinstance(v.x_by_staff_shift, dict)
    v.x.update(zip([(sid, d, sh) for d, sh in slots], xs, strict=True))
    x_by_staff_day, x_by_staff_shift, x_by_slot = v.x_by_staff_day, v.x_by_staff_shift, v.x_by_slot
    # Days ascending, so each day's cells are one run of the list.
    by_shift: dict[str, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    day_cells: list[tuple[str, cp_model.IntVar]] = []
    today = -1
    for slot, xv in zip(slots, xs, strict=True):
        d, sh = slot
        if d != today:
            if day_cells:
                x_by_staff_day[(sid, today)] = day_cells
            day_cells, today = [], d
        day_cells.append((sh, xv))
        by_shift[sh].append((d, xv))
        x_by_slot[slot].append((sid, xv))
    if day_cells:
        x_by_staff_day[(sid, today)] = day_cells
    for sh, cells in by_shift.items():
        x_by_staff_shift[(sid, sh)] = cells


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
