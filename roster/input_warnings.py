"""Warnings about a scenario's input: things that load fine but are probably mistakes.

* a skill listed in site.yaml that no post uses: staff holding it are never needed for it (a
  typo in a post's ``skill``, or a post left out);
* a short row in a CSV file: fewer cells than the header, so the missing columns silently take
  their defaults (a forgotten separator, a row cut short by hand).

These never stop a solve (the loader accepts the input); the commands print them so a head sees
them before trusting the roster. Pure Python, independent of the loader: the CSV files are read
again with the ``csv`` module, with the loader's choice of separator (``;`` when the header has
one and no comma).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Self

from pydantic import BaseModel

from roster.errors import Issue
from roster.input_messages import T
from roster.model import Problem
from roster.text import Text

CSV_FILES = ("staff.csv", "absences.csv", "requests.csv", "fixed.csv")


class InputWarning(BaseModel):
    """One warning: where (file, row, field) and what, in English and Vietnamese."""

    file: str
    row: int | None = None
    field: str | None = None
    message: str
    message_vi: str

    @classmethod
    def of(cls, file: str, text: Text, row: int | None = None, field: str | None = None) -> Self:
        """A warning whose message is ``text`` (both languages from one catalogue entry)."""
        return cls(file=file, row=row, field=field, message=text("en"), message_vi=text("vi"))

    def text(self, lang: str = "en") -> str:
        """Where and what, worded as an input error is (``tệp staff.csv, dòng 3: ...``)."""
        message = self.message_vi if lang == "vi" else self.message
        return Issue(self.file, self.row, self.field, message).text(lang)


def unused_skills(problem: Problem) -> list[InputWarning]:
    """Skills of site.yaml that no post asks for."""
    used = {p.skill for p in problem.site.posts if p.skill}
    used |= set(problem.policy.resilience.skills or [])
    out = []
    for skill in problem.site.skills:
        if skill in used:
            continue
        holders = sum(1 for s in problem.staff if skill in s.skills)
        text = T("warn.unused_skill", skill=skill, holders=holders)
        out.append(InputWarning.of("site.yaml", text, field="skills"))
    return out


def short_rows(folder: Path) -> list[InputWarning]:
    """Rows of the scenario's CSV files with fewer cells than their header (blank lines and
    rows with every cell empty are left out, as the loader skips them)."""
    out: list[InputWarning] = []
    for name in CSV_FILES:
        path = Path(folder) / name
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # the loader reports unreadable files itself
        lines = text.splitlines()
        if not lines:
            continue
        sep = ";" if (";" in lines[0] and "," not in lines[0]) else ","
        rows = list(csv.reader(lines, delimiter=sep))
        header = rows[0]
        for number, row in enumerate(rows[1:], start=2):
            if not any(cell.strip() for cell in row) or len(row) >= len(header):
                continue
            missing = [h.strip() for h in header[len(row) :]]
            text = T(
                "warn.short_row", cells=len(row), header=len(header), missing=", ".join(missing)
            )
            out.append(InputWarning.of(name, text, row=number))
    return out


def scenario_warnings(folder: Path | None, problem: Problem) -> list[InputWarning]:
    """Every warning of a loaded scenario (``folder``: where its files are, when it has one)."""
    out = unused_skills(problem)
    if folder is not None:
        out += short_rows(folder)
    return out
