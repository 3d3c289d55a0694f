"""Input errors a person can act on: which file, which row, which field, what is wrong and what
is allowed.

Loading a scenario collects every problem it can find in one pass and raises one
:class:`InputError` carrying them all, so HR fixes a spreadsheet once rather than once per
mistake. ``str(error)`` gives one line per issue, e.g.::

    staff.csv, row 7, field 'unit': unknown unit 'TNMT'; allowed: GTVT, CT, TNMT-1

Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row is row 2.

A message (and what is allowed) may be a :class:`~roster.text.Text`, a message in English and
Vietnamese: ``issue.text("vi")`` words the whole issue in Vietnamese (``tệp staff.csv, dòng 7,
cột 'unit': không có đơn vị 'TNMT'; cho phép: ...``); ``str(issue)`` is the English.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from roster.input_messages import T
from roster.text import Text, word

#: How many allowed values an issue lists before it abbreviates ("... (57 in all)").
MAX_ALLOWED_SHOWN = 15

#: Files whose fields are columns (``cột``); the fields of other files are ``trường``.
TABLE_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".txt")
#: Names with one of these endings are files (``tệp staff.csv`` in Vietnamese).
FILE_SUFFIXES = (*TABLE_SUFFIXES, ".yaml", ".yml", ".json")

Allowed = Sequence[str] | str | Text | None


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
    message: str | Text
    allowed: Allowed = None

    def __str__(self) -> str:
        return self.text("en")

    def where(self, lang: str | None = "en") -> str:
        """``staff.csv, row 7, field 'unit'``; ``tệp staff.csv, dòng 7, cột 'unit'``."""
        suffix = PurePath(self.file).suffix.lower()
        parts = [T("where.file", file=self.file)(lang) if suffix in FILE_SUFFIXES else self.file]
        if self.row is not None:
            parts.append(T("where.row", row=self.row)(lang))
        if self.field is not None:
            key = "where.column" if suffix in TABLE_SUFFIXES else "where.field"
            parts.append(T(key, field=self.field)(lang))
        return ", ".join(parts)

    def what(self, lang: str | None = "en") -> str:
        """The message and what is allowed, without where."""
        text = str(word(self.message, lang))
        allowed = format_allowed(self.allowed, lang)
        if allowed:
            text = T("where.allowed", text=text, allowed=allowed)(lang)
        return text

    def text(self, lang: str | None = "en") -> str:
        """The whole issue in ``lang``: where, what is wrong, what is allowed."""
        return f"{self.where(lang)}: {self.what(lang)}"

    def to_dict(self, lang: str | None = "en") -> dict:
        """A JSON-ready form (for the API), worded in ``lang``: allowed is always a string or
        None."""
        return {
            "file": self.file,
            "row": self.row,
            "field": self.field,
            "message": str(word(self.message, lang)),
            "allowed": format_allowed(self.allowed, lang) or None,
        }


def format_allowed(allowed: Allowed, lang: str | None = "en") -> str:
    """``a, b, c``; long lists are cut after :data:`MAX_ALLOWED_SHOWN` values."""
    if allowed is None:
        return ""
    if isinstance(allowed, str | Text):
        return str(word(allowed, lang))
    values = [str(word(a, lang)) for a in allowed]
    if len(values) > MAX_ALLOWED_SHOWN:
        shown = ", ".join(values[:MAX_ALLOWED_SHOWN])
        return T("where.in_all", shown=shown, n=len(values))(lang)
    return ", ".join(values)


class InputError(Exception):
    """The input has one or more mistakes; ``issues`` lists them all."""

    def __init__(self, issues: Issue | Iterable[Issue]):
        self.issues: list[Issue] = [issues] if isinstance(issues, Issue) else list(issues)
        if not self.issues:
            raise ValueError("InputError needs at least one issue")
        super().__init__(str(self))

    def __str__(self) -> str:
        return self.text("en")

    def __reduce__(self) -> tuple[type[InputError], tuple[list[Issue]]]:
        """Pickled with its issues (a process pool or queue hands it over whole), not with its
        text, which would come back as a list of characters."""
        return (InputError, (self.issues,))

    def text(self, lang: str | None = "en") -> str:
        """One line per issue, in ``lang``."""
        return "\n".join(i.text(lang) for i in self.issues)

    def to_dicts(self, lang: str | None = "en") -> list[dict]:
        """The issues as JSON-ready dicts (for the API), worded in ``lang``."""
        return [i.to_dict(lang) for i in self.issues]


class IssueCollector:
    """Collects issues while reading; :meth:`raise_if_any` raises them together."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def add(
        self,
        file: str,
        row: int | None,
        field: str | None,
        message: str | Text,
        allowed: Allowed = None,
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
