"""Constraints written into a model's proto in bulk, from literal references (``i`` is variable
``i`` of the proto, ``-i - 1`` its negation): one text-format merge for many rows instead of one
Python call per constraint and literal. For the families with hundreds of thousands of small
constraints (Curtois & Qu 24: 313,000 succession at-most-ones), where the per-call cost of the
``cp_model`` API is most of the build."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
from ortools.sat.python import cp_model


class Rows:
    """Boolean constraints of one kind (``at_most_one`` or ``bool_or``), gathered and written
    by :meth:`flush` (rows of equal length share one format string)."""

    def __init__(
        self,
        model: cp_model.CpModel,
        kind: str,
        enforce: Sequence[int] = (),
        bulk: bool = True,
    ) -> None:
        self.model = model
        self.kind = kind
        self.enforce = list(enforce)
        #: False: each row is written at once, in the order given (small models keep the
        #: constraint order of the one-call-per-constraint code, hence the same search).
        self.bulk = bulk
        self._by_len: dict[int, list[int]] = defaultdict(list)
        self._count: dict[int, int] = defaultdict(int)

    def add(self, row: Sequence[int]) -> None:
        """One constraint over the literal references ``row``."""
        if not self.bulk:
            ct = self.model.proto.constraints.add()
            if self.enforce:
                ct.enforcement_literal.extend(self.enforce)
            getattr(ct, self.kind).literals.extend(row)
            return
        self._by_len[len(row)].extend(row)
        self._count[len(row)] += 1

    def reserve(self, lengths: Iterable[int]) -> None:
        """Place the groups of rows of these lengths (new ones, in this order) in the flush
        order, as if rows of those lengths had been added first in that order."""
        if self.bulk:
            for k in lengths:
                self._count[k] += 0
                self._by_len[k]  # noqa: B018 (creates the group)

    def add_matrix(self, rows: np.ndarray) -> None:
        """One constraint per row of a 2-D array of literal references."""
        if rows.size == 0:
            return
        if not self.bulk:
            for row in rows.tolist():
                self.add(row)
            return
        k = rows.shape[1]
        self._by_len[k].extend(rows.ravel().tolist())
        self._count[k] += rows.shape[0]

    def add_ragged(self, rows: np.ndarray) -> None:
        """One constraint per row of a 2-D array, its -1 entries left out, in row order (bulk:
        rows of one length as one array, the lengths in the order the rows meet them)."""
        if rows.size == 0:
            return
        if not self.bulk:
            for row in rows.tolist():
                self.add([x for x in row if x >= 0])
            return
        present = rows >= 0
        count = present.sum(axis=1)
        _, first = np.unique(count, return_index=True)
        lengths = count[np.sort(first)].tolist()
        self.reserve(lengths)
        for k in lengths:
            picked = rows[count == k]
            if k == 0:
                for _ in range(len(picked)):
                    self.add([])
                continue
            self.add_matrix(picked[picked >= 0].reshape(-1, k))

    def flush(self) -> None:
        """Write the gathered constraints into the model's proto."""
        if not self._count:
            return
        # As compact as the text format allows: the parser's time grows with the length.
        head = "constraints{"
        if self.enforce:
            head += "enforcement_literal:[" + ",".join(map(str, self.enforce)) + "]"
        parts = []
        for k, n in self._count.items():
            template = head + self.kind + "{literals:[" + ",".join(["%d"] * k) + "]}}"
            parts.append((template * n) % tuple(self._by_len[k]))
        self.model.proto.merge_text_format("".join(parts))
        self._by_len.clear()
        self._count.clear()


def ref_matrix(first: int, cells: Iterable[tuple[int, str]], days: int, shift_col: dict[str, int]):
    """A ``days x shifts`` array of the proto indexes of a person's cells (``cells`` in creation
    order from variable ``first``), -1 where the person has no variable."""
    cells = list(cells)
    out = np.full((days, len(shift_col)), -1, dtype=np.int64)
    if cells:
        d = np.fromiter((c[0] for c in cells), dtype=np.int64, count=len(cells))
        s = np.fromiter((shift_col[c[1]] for c in cells), dtype=np.int64, count=len(cells))
        out[d, s] = np.arange(first, first + len(cells), dtype=np.int64)
    return out
