"""Input errors a person can act on: which file, which row, which field, what is wrong and what
is allowed.

Loading a scenario collects every problem it can find in one pass and raises one
:class:`InputError` carrying them all, so HR fixes a spreadsheet once rather than once per
mistake. ``str(error)`` gives one line per issue, e.g.::

    staff.csv, row 7, field 'unit': unknown unit 'TNMT'; allowed: GTVT, CT, TNMT-1

Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: How many allowed values an issue lists before it abbreviates ("... (57 in all)").
MAX_ALLOWED_SHOWN = 15


@dataclass(frozen=True)
class Issue:
    """One mistake in the input.

    ``file``: the file name as the user knows it (``staff.csv``, ``policy.yaml``) or a folder;
    ``row``: 1-based spreadsheet row (header = 1) or the line of a YAML file, None when not
    applicable; ``field``: the column or the dotted YAML path (``cap.fraction``,
    ``posts[seal].skill``), None for a whole file; ``message``: what is wrong; ``allowed``: what
    would be accepted (a list of values or a short description), None when there is nothing to
    list.
    """

    file: str
    row: int | None
    field: str | None
    message: str
    allowed: Sequence[str] | str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field is not None:
            where += f", field {self.field!r}"
        text = f"{where}: {self.message}"
        allowed = format_allowed(self.allowed)
        if allowed:
            text += f"; allowed: {allowed}"
        return text

    def to_dict(self) -> dict:
        """A JSON-ready form (for the API): allowed is always a string or None."""
        return {
            "file": self.file,
            "row": self.row,
            "field": self.field,
            "message": self.message,
            "allowed": format_allowed(self.allowed) or None,
        }


def format_allowed(allowed: Sequence[str] | str | None) -> str:
    """``a, b, c``; long lists are cut after :data:`MAX_ALLOWED_SHOWN` values."""
    if allowed is None:
        return ""
    if isinstance(allowed, str):
        return allowed
    values = [str(a) for a in allowed]
    if len(values) > MAX_ALLOWED_SHOWN:
        shown = ", ".join(values[:MAX_ALLOWED_SHOWN])
        return f"{shown}, ... ({len(values)} in all)"
    return ", ".join(values)


class InputError(Exception):
    """The input has one or more mistakes; ``issues`` lists them all."""

    def __init__(self, issues: Issue | Iterable[Issue]):
        self.issues: list[Issue] = [issues] if isinstance(issues, Issue) else list(issues)
        if not self.issues:
            raise ValueError("InputError needs at least one issue")
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(i) for i in self.issues)

    def to_dicts(self) -> list[dict]:
        """The issues as JSON-ready dicts (for the API)."""
        return [i.to_dict() for i in self.issues]


class IssueCollector:
    """Collects issues while reading; :meth:`raise_if_any` raises them together."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def add(
        self,
        file: str,
        row: int | None,
        field: str | None,
        message: str,
        allowed: Sequence[str] | str | None = None,
    ) -> None:
        self.issues.append(Issue(file, row, field, message, allowed))

    def extend(self, issues: Iterable[Issue]) -> None:
        self.issues.extend(issues)

    def __bool__(self) -> bool:
        return bool(self.issues)

    def __len__(self) -> int:
        return len(self.issues)

    def raise_if_any(self) -> None:
        if self.issues:
            raise InputError(self.issues)
