"""Sequence helpers for runs of consecutive days, after OR-Tools' shift_scheduling_sat.py
``add_soft_sequence_constraint``: forbid or penalise runs that are too short or too long."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from solver.expr import Lit, neg
from solver.protowrite import Rows


@dataclass(frozen=True)
class Span:
    """What a penalty variable pays for: a run of ``length`` days from ``start`` (too short), or
    a window of ``length`` days from ``start`` all in state (too long); ``clause`` is the clause
    whose breach the variable absorbs."""

    kind: str  # "min" or "max"
    start: int
    length: int
    clause: tuple


def run_clause(works: Sequence[Lit], start: int, length: int) -> list | None:
    """Clause forbidding a maximal run exactly ``works[start:start+length]`` (days outside the
    sequence are not in state). None when the run is impossible anyway."""
    n = len(works)
    lits: list = []
    if start > 0:
        lits.append(works[start - 1])
    lits += [neg(works[j]) for j in range(start, start + length)]
    if start + length < n:
        lits.append(works[start + length])
    return _simplify(lits)


def window_clause(works: Sequence[Lit], start: int, length: int) -> list | None:
    """Clause: some day of ``works[start:start+length]`` is not in state. None when true
    anyway."""
    return _simplify([neg(works[j]) for j in range(start, start + length)])


def _simplify(lits: list) -> list | None:
    if any(lit is True for lit in lits):
        return None
    return [lit for lit in lits if lit is not False]


def add_soft_sequence_constraint(
    model: cp_model.CpModel,
    works: Sequence[Lit],
    hard_min: int | None,
    soft_min: int | None,
    min_cost: int,
    soft_max: int | None,
    hard_max: int | None,
    max_cost: int,
    prefix: str,
    exempt_at_borders: bool = False,
    enforce: Sequence = (),
    spans: list[Span] | None = None,
    add_hard: bool = True,
) -> tuple[list[cp_model.IntVar], list[int]]:
    """Bound the runs of true literals in ``works`` (one literal per day; Python bools are
    constants). Returns ``(vars, coeffs)``: penalty variables and their costs, as OR-Tools'
    example does; ``spans`` (if given) receives one :class:`Span` per variable.

    * Hard max: every window of ``hard_max + 1`` days holds a day not in state.
    * Hard min: no maximal run shorter than ``hard_min`` (runs touching the first or last day
      exempt when ``exempt_at_borders``).
    * Soft min: a run of length L < soft_min costs ``min_cost x (soft_min - L)`` (one penalty
      variable per possible run, so the cost is exact).
    * Soft max: each window of ``soft_max + 1`` days all in state costs ``max_cost``; a run of
      length L > soft_max holds exactly L - soft_max such windows.

    Hard clauses are enforced by ``enforce`` literals (empty: always); with ``add_hard`` false
    the hard bounds only limit which soft spans are worth a variable.
    """
    n = len(works)
    cost_vars: list[cp_model.IntVar] = []
    coeffs: list[int] = []

    def forbid(lits: list | None) -> None:
        if lits is not None:
            model.add_bool_or(lits).only_enforce_if(*enforce)

    def penalise(lits: list | None, cost: int, span: Span) -> None:
        if lits is None:
            return
        p = model.new_bool_var(f"{prefix}_{span.kind}[{span.start},{span.length}]")
        model.add_bool_or([*lits, p])
        cost_vars.append(p)
        coeffs.append(cost)
        if spans is not None:
            spans.append(Span(span.kind, span.start, span.length, tuple(lits)))

    def short_runs(length: int) -> list[tuple[int, list | None]]:
        out = []
        for start in range(n - length + 1):
            if exempt_at_borders and (start == 0 or start + length == n):
                continue
            out.append((start, run_clause(works, start, length)))
        return out

    if hard_max is not None and add_hard:
        for start in range(n - hard_max):
            forbid(window_clause(works, start, hard_max + 1))
    if hard_min is not None and add_hard:
        for length in range(1, hard_min):
            for _, lits in short_runs(length):
                forbid(lits)
    if soft_min is not None and min_cost > 0:
        for length in range(max(1, hard_min or 1), soft_min):
            for start, lits in short_runs(length):
                penalise(lits, min_cost * (soft_min - length), Span("min", start, length, ()))
    if soft_max is not None and max_cost > 0 and (hard_max is None or soft_max < hard_max):
        for start in range(n - soft_max):
            penalise(
                window_clause(works, start, soft_max + 1),
                max_cost,
                Span("max", start, soft_max + 1, ()),
            )
    return cost_vars, coeffs


def neg_ref(ref: int | bool) -> int | bool:
    """Negation of a proto literal reference (``-i - 1`` is the negation of variable ``i``) or
    of a Python bool constant."""
    if ref is True:
        return False
    if ref is False:
        return True
    return -ref - 1


def add_hard_runs(
    model: cp_model.CpModel,
    refs: Sequence[int | bool],
    hard_min: int | None,
    hard_max: int | None,
    exempt_at_borders: bool,
    enforce: Sequence[int] = (),
    bulk: bool = True,
) -> None:
    """The hard part of :func:`add_soft_sequence_constraint` (the same clauses, in the same
    order) written straight into the model's proto from literal references (``refs``: one per
    day, proto references or Python bool constants): no Python object per literal."""
    if bulk:
        _add_hard_runs_arrays(model, refs, hard_min, hard_max, exempt_at_borders, enforce)
    else:
        _add_hard_runs_rows(model, refs, hard_min, hard_max, exempt_at_borders, enforce, False)


def _add_hard_runs_rows(
    model: cp_model.CpModel,
    refs: Sequence[int | bool],
    hard_min: int | None,
    hard_max: int | None,
    exempt_at_borders: bool,
    enforce: Sequence[int],
    bulk: bool,
) -> None:
    """:func:`add_hard_runs` one clause at a time."""
    n = len(refs)
    negs = [neg_ref(r) for r in refs]
    rows = Rows(model, "bool_or", enforce, bulk=bulk)

    def forbid(lits: list) -> None:
        if any(lit is True for lit in lits):
            return
        rows.add([lit for lit in lits if lit is not False])

    if hard_max is not None:
        for start in range(n - hard_max):
            forbid(negs[start : start + hard_max + 1])
    if hard_min is not None:
        for length in range(1, hard_min):
            for start in range(n - length + 1):
                if exempt_at_borders and (start == 0 or start + length == n):
                    continue
                lits = negs[start : start + length]
                if start > 0:
                    lits = [refs[start - 1], *lits]
                if start + length < n:
                    lits.append(refs[start + length])
                forbid(lits)
    rows.flush()


#: Stand-ins for the Python bool constants in the arrays of :func:`_add_hard_runs_arrays`.
_TRUE = 2**62
_FALSE = _TRUE + 1


def _add_hard_runs_arrays(
    model: cp_model.CpModel,
    refs: Sequence[int | bool],
    hard_min: int | None,
    hard_max: int | None,
    exempt_at_borders: bool,
    enforce: Sequence[int],
) -> None:
    """:func:`add_hard_runs` of a bulk model: the same clauses, in the same order within each
    length (the order bulk :class:`Rows` keep), each family of windows one array."""
    n = len(refs)
    arr = np.array(
        [_TRUE if r is True else _FALSE if r is False else r for r in refs], dtype=np.int64
    )
    negs = np.where(arr == _TRUE, _FALSE, np.where(arr == _FALSE, _TRUE, -arr - 1))
    rows = Rows(model, "bool_or", enforce, bulk=True)

    def forbid(m: np.ndarray) -> None:
        """One clause per row of ``m``: rows holding True are met, False literals dropped."""
        if m.size == 0:
            return
        met = (m == _TRUE).any(axis=1)
        missing = (m == _FALSE).sum(axis=1)
        gaps = missing > 0
        if gaps.any():
            # The lengths in the order the row-by-row code meets them first (Rows flush the
            # groups in that order).
            widths = (m.shape[1] - missing)[~met]
            _, first = np.unique(widths, return_index=True)
            rows.reserve(widths[np.sort(first)].tolist())
        rows.add_matrix(m[~met & ~gaps])
        for row in m[~met & gaps].tolist():
            rows.add([x for x in row if x != _FALSE])

    if hard_max is not None and n > hard_max:
        forbid(np.lib.stride_tricks.sliding_window_view(negs, hard_max + 1))
    if hard_min is not None:
        for length in range(1, hard_min):
            if length > n:
                break
            if not exempt_at_borders:
                # start 0: no day before
                forbid(np.concatenate([negs[:length], arr[length : length + 1]]).reshape(1, -1))
            if n - length - 1 >= 1:
                inner = np.lib.stride_tricks.sliding_window_view(negs[1 : n - 1], length)
                forbid(np.hstack([arr[: n - length - 1, None], inner, arr[length + 1 :, None]]))
            if not exempt_at_borders and n - length > 0:
                # the last start: no day after
                forbid(
                    np.concatenate([arr[n - length - 1 : n - length], negs[n - length :]]).reshape(
                        1, -1
                    )
                )
    rows.flush()
