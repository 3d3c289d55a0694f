"""What the commands of ``roster`` share: exit codes, argument types, loading a scenario, the
horizon line, precheck findings and reading a roster file. Imported by :mod:`cli.main` and
:mod:`cli.repair_cmds` (which never import each other's internals)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from roster.errors import InputError, Issue
from roster.model import Problem

EXIT_OK = 0
EXIT_BUG = 1
EXIT_VIOLATIONS = 1
EXIT_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_NO_ROSTER = 4

MAX_FINDINGS_SHOWN = 25
MAX_VIOLATIONS_SHOWN = 50


class CliError(Exception):
    """A failure that ends the command with ``code`` after printing ``message``."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, got {text}")
    return value


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {text}")
    return value


def date_arg(text: str) -> dt.date:
    from roster.io import parse_date

    value = parse_date(text)
    if value is None:
        raise argparse.ArgumentTypeError(
            f"not a date: {text!r} (write it as YYYY-MM-DD or DD/MM/YYYY)"
        )
    return value


def load_problem(scenario: str, start: dt.date | None, weeks: int | None) -> Problem:
    from roster.io import load_scenario

    try:
        return load_scenario(scenario, start=start, weeks=weeks)
    except ValidationError as e:  # the loader reports its own; this is a safety net
        raise InputError(
            [
                Issue(scenario, None, ".".join(str(p) for p in x["loc"]) or None, x["msg"])
                for x in e.errors()
            ]
        ) from None


def print_findings(findings: Sequence[Any], problem: Problem, out: TextIO) -> None:
    """Precheck findings, errors first; the same finding on many shifts is printed once."""
    from roster.precheck import grouped

    folded = grouped(list(findings), problem)
    errors = [g for g in folded if g[0].severity == "error"]
    warnings = [g for g in folded if g[0].severity != "error"]
    for title, items in (
        ("Impossible as given (hard rules):", errors),
        ("Warnings (these will cost penalties):", warnings),
    ):
        if not items:
            continue
        print(title, file=out)
        for f, more in items[:MAX_FINDINGS_SHOWN]:
            also = f" (and the same {more} more time{'s' if more > 1 else ''})" if more else ""
            print(f"  - {f.message}{also}", file=out)
        if len(items) > MAX_FINDINGS_SHOWN:
            print(f"  ... and {len(items) - MAX_FINDINGS_SHOWN} more", file=out)


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def horizon_line(problem: Problem) -> str:
    from roster.export import date_label

    h = problem.horizon
    weeks = (
        f"{h.days // 7} week{'s' if h.days // 7 != 1 else ''}"
        if h.days % 7 == 0
        else f"{h.days} days"
    )
    site = problem.site.name or problem.site.id
    return (
        f"{site}: {date_label(h.start)} {h.start.year} to {date_label(h.end)} {h.end.year} "
        f"({weeks}), {plural(len(problem.staff), 'person', 'staff')} in "
        f"{plural(len(problem.site.units), 'unit')}, {plural(len(problem.site.posts), 'post')}"
    )


def read_roster_file(path: Path) -> Any:
    """The exchange document in ``path``; InputError naming the file and position otherwise."""
    from roster.schema import parse

    name = str(path)
    if not path.is_file():
        raise InputError(Issue(name, None, None, "no such file"))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(Issue(name, None, None, f"cannot read the file: {e}")) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(
            Issue(name, None, None, f"not valid JSON at line {e.lineno}, column {e.colno}: {e.msg}")
        ) from None
    try:
        return parse(data)
    except ValidationError as e:
        issues = []
        for x in e.errors():
            loc = ".".join(str(p) for p in x["loc"]) or None
            issues.append(Issue(name, None, loc, x["msg"]))
        raise InputError(issues) from None
