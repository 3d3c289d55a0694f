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

from cli.help import current_lang
from cli.lang import Lang, count, msg, text
from roster.errors import InputError, Issue
from roster.io.documents import error_text
from roster.model import Problem
from roster.text import word

EXIT_OK = 0
EXIT_BUG = 1
EXIT_VIOLATIONS = 1
EXIT_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_NO_ROSTER = 4

MAX_FINDINGS_SHOWN = 25
MAX_VIOLATIONS_SHOWN = 50


class CliError(Exception):
    """A failure that ends the command with ``code`` after printing ``message`` (a
    :class:`~roster.text.Text` is printed in the command's language)."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code

    def text(self, lang: Lang) -> str:
        return str(word(self.args[0], lang))


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_arg("arg_not_number", text)) from None
    if not value > 0:
        raise argparse.ArgumentTypeError(_arg("arg_not_positive", text))
    return value


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_arg("arg_not_whole", text)) from None
    if value < 1:
        raise argparse.ArgumentTypeError(_arg("arg_below_one", text))
    return value


def date_arg(text: str) -> dt.date:
    from roster.io import parse_date

    value = parse_date(text)
    if value is None:
        raise argparse.ArgumentTypeError(_arg("arg_not_date", text))
    return value


def _arg(key: str, value: str) -> str:
    """A bad argument's message in the language of the command line (argparse keeps only the
    text of the error)."""
    return msg(key, current_lang(), value=value)


def load_problem(scenario: str, start: dt.date | None, weeks: int | None) -> Problem:
    from roster.io import load_scenario

    try:
        return load_scenario(scenario, start=start, weeks=weeks)
    except ValidationError as e:  # the loader reports its own; this is a safety net
        raise InputError(
            [
                Issue(scenario, None, ".".join(str(p) for p in x["loc"]) or None, error_text(x))
                for x in e.errors()
            ]
        ) from None


def print_findings(
    findings: Sequence[Any], problem: Problem, out: TextIO, lang: Lang = "en"
) -> None:
    """Precheck findings, errors first; the same finding on many shifts is printed once."""
    from roster.precheck import grouped

    folded = grouped(list(findings), problem)
    errors = [g for g in folded if g[0].severity == "error"]
    warnings = [g for g in folded if g[0].severity != "error"]
    for title, items in (
        (msg("impossible", lang), errors),
        (msg("warnings", lang), warnings),
    ):
        if not items:
            continue
        print(title, file=out)
        for f, more in items[:MAX_FINDINGS_SHOWN]:
            also = count("same_more", more, lang) if more else ""
            text = f.message_vi if lang == "vi" and f.message_vi else f.message
            print(f"  - {text}{also}", file=out)
        if len(items) > MAX_FINDINGS_SHOWN:
            print(msg("and_more", lang, n=len(items) - MAX_FINDINGS_SHOWN), file=out)


def full_date(date: dt.date, lang: Lang = "en") -> str:
    """``Mon 13 Dec 2021``; in Vietnamese ``T2 13/12/2021``."""
    from roster.export import date_label

    if lang == "vi":
        return f"{date_label(date, lang)[:2]} {date:%d/%m/%Y}"
    return f"{date_label(date, lang)} {date.year}"


def horizon_line(problem: Problem, lang: Lang = "en") -> str:
    """The site, the horizon and the counts, as the first line of a command's output."""
    h = problem.horizon
    length = count("weeks", h.days // 7, lang) if h.days % 7 == 0 else count("days", h.days, lang)
    return msg(
        "horizon",
        lang,
        site=problem.site.name or problem.site.id,
        start=full_date(h.start, lang),
        end=full_date(h.end, lang),
        length=length,
        staff=count("staff", len(problem.staff), lang),
        units=count("units", len(problem.site.units), lang),
        posts=count("posts", len(problem.site.posts), lang),
    )


def print_input_warnings(scenario: str, problem: Problem, out: TextIO, lang: Lang) -> None:
    """Warnings about input that loads but is probably a mistake (a skill no post uses, a CSV
    row shorter than its header); they never stop the command."""
    from roster.input_warnings import scenario_warnings
    from roster.io import resolve_scenario

    warnings = scenario_warnings(resolve_scenario(scenario), problem)
    for w in warnings[:MAX_FINDINGS_SHOWN]:
        print(msg("input_warning", lang, text=w.text(lang)), file=out)
    if len(warnings) > MAX_FINDINGS_SHOWN:
        print(msg("and_more", lang, n=len(warnings) - MAX_FINDINGS_SHOWN), file=out)


def nothing_written(out_dir: Path, lang: Lang) -> str:
    """Clear the roster files an earlier run left in ``out_dir`` (so a failed solve never
    leaves a stale roster that looks current) and say so."""
    from roster.outputs import clear_outputs

    try:
        removed = clear_outputs(out_dir)
    except OSError:
        removed = []
    if removed:
        return msg("nothing_written_cleared", lang, folder=out_dir, files=", ".join(removed))
    return msg("nothing_written", lang)


def scenario_ref(scenario: str) -> str:
    """How a roster file records its scenario so ``roster export`` finds it again: a built-in
    name as it is, a folder as its absolute path."""
    from roster.io import list_scenarios, resolve_scenario

    if scenario in list_scenarios() and not Path(scenario).is_dir():
        return scenario
    return str(resolve_scenario(scenario).resolve())


def read_roster_file(path: Path) -> Any:
    """The exchange document in ``path``; InputError naming the file and position otherwise."""
    from roster.schema import parse

    name = str(path)
    if not path.is_file():
        raise InputError(Issue(name, None, None, text("no_such_file")))
    try:
        content = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(Issue(name, None, None, text("cannot_read", why=e))) from None
    try:
        data = json.loads(content)
    except json.JSONDecodeError as e:
        why = text("bad_json", line=e.lineno, column=e.colno, why=e.msg)
        raise InputError(Issue(name, None, None, why)) from None
    try:
        return parse(data)
    except ValidationError as e:
        issues = []
        for x in e.errors():
            loc = ".".join(str(p) for p in x["loc"]) or None
            issues.append(Issue(name, None, loc, error_text(x)))
        raise InputError(issues) from None
