"""``roster export ROSTER.json``: the files of any roster (solved, re-rostered or edited by hand).

The scenario is the one recorded in the roster file (``--scenario`` names another, e.g. when
the file was made from a folder that has moved); the horizon and the absences the roster was
made under (a re-roster's isolations) come from the file. The referee checks the roster and its
verdict is printed and stored in the new ``roster.json``; broken rules do not stop the export
(a head may print a roster edited by hand), they are listed. Exit 0 written, 2 bad input.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from cli.common import (
    EXIT_INPUT,
    EXIT_OK,
    MAX_VIOLATIONS_SHOWN,
    CliError,
    horizon_line,
    load_problem,
    read_roster_file,
)
from cli.lang import Lang, add_lang_argument, msg, rule_name, text
from roster.errors import InputError, Issue


def register(subparsers: Any) -> dict[str, Any]:
    """Add ``export`` to ``subparsers``; returns ``{command: handler}``."""
    e = subparsers.add_parser(
        "export",
        help="write the workbook, PDF, CSV files and calendars of a roster.json",
        description="Write roster.xlsx (with the official per-unit sheets), roster.pdf, "
        "roster.csv, tests.csv, roster.json and calendars/ for any roster file.",
    )
    e.add_argument("roster", metavar="ROSTER.json")
    e.add_argument(
        "--scenario",
        metavar="SCENARIO",
        help="the scenario the roster belongs to (default: the one recorded in the file)",
    )
    e.add_argument(
        "--out",
        metavar="DIR",
        help="output folder (default: the folder of ROSTER.json)",
    )
    add_lang_argument(e)
    return {"export": cmd_export}


def cmd_export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``roster export``: exit 0 written, 2 bad input."""
    from roster.outputs import write_outputs
    from roster.validation import check, summary_figures

    lang: Lang = args.lang
    path = Path(args.roster)
    doc = read_roster_file(path)
    scenario = args.scenario or (doc.problem.scenario if doc.problem else None)
    if not scenario:
        raise InputError(
            Issue(
                str(path),
                None,
                "problem.scenario",
                text("no_scenario_recorded"),
            )
        )
    start = weeks = None
    if doc.problem is not None:
        start = doc.problem.start
        if doc.problem.days % 7 == 0:
            weeks = doc.problem.days // 7
    problem = load_problem(scenario, start, weeks)
    if doc.problem is not None and doc.problem.absences is not None:
        problem = problem.model_copy(update={"absences": list(doc.problem.absences)})
    if doc.problem is not None and doc.problem.slot_demands is not None:
        recorded = doc.problem.slot_demands
        posts = [
            p.model_copy(update={"slot_demands": list(recorded.get(p.id, []))})
            for p in problem.site.posts
        ]
        site = problem.site.model_copy(update={"posts": posts})
        problem = problem.model_copy(update={"site": site})
    print(horizon_line(problem, lang), file=out)
    report = check(problem, doc.roster)
    figures = summary_figures(problem, doc.roster)
    out_dir = Path(args.out) if args.out else path.resolve().parent
    try:
        paths = write_outputs(
            out_dir,
            problem,
            doc.roster,
            result=doc.result,
            report=report,
            lang=lang,
            scenario=scenario,
            figures=figures,
        )
    except OSError as e:
        raise CliError(
            msg("cannot_write", lang, folder=out_dir, why=e.strerror or e), EXIT_INPUT
        ) from None
    print(msg("wrote", lang, folder=out_dir, files=", ".join(p.name for p in paths)), file=out)
    if report.violations:
        print(msg("referee_broken_n", lang, n=len(report.violations)), file=out)
        for v in report.violations[:MAX_VIOLATIONS_SHOWN]:
            print(f"  - [{rule_name(v.rule, lang)}] {v.message}", file=out)
    else:
        print(msg("referee_ok_objective", lang, objective=report.objective), file=out)
    return EXIT_OK
