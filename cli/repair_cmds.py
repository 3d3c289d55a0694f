"""The repair commands of ``roster``: explain, analyze, reroster, substitutes, drill.

* ``roster explain SCENARIO``: why no roster exists (the smallest set of conflicting hard rules,
  in words, with fixes); ``--soft`` also makes a roster anyway and lists every shortfall.
  Exit 0 a roster exists (or ``--soft`` made one), 3 infeasible (explained), 4 undecided.
* ``roster analyze SCENARIO ROSTER.json``: the penalty breakdown of any roster. Exit 0, or 1
  when the roster breaks hard rules.
* ``roster reroster SCENARIO ROSTER.json EVENTS``: re-roster after positive tests, contacts,
  leave, closed counters (events in YAML or CSV, see ``docs/repair.md``); writes the new
  roster.json and the changes. Exit 0, 3 no roster can absorb the events, 4 time out.
* ``roster substitutes SCENARIO ROSTER.json STAFF DATE SHIFT``: the 5 cheapest substitutes.
* ``roster drill SCENARIO [ROSTER.json]``: can each team alone keep the posts covered, and who
  is a single point of failure. Exit 0 every team passes, 1 some team falls short.

Bad input (files, rows, fields) ends with its message and exit 2, without a traceback: the
handlers raise :class:`~roster.errors.InputError`, which ``cli.main.main`` turns into exit 2.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from cli.common import (
    EXIT_INFEASIBLE,
    EXIT_INPUT,
    EXIT_NO_ROSTER,
    EXIT_OK,
    EXIT_VIOLATIONS,
    MAX_VIOLATIONS_SHOWN,
    CliError,
    date_arg,
    horizon_line,
    load_problem,
    nothing_written,
    positive_float,
    positive_int,
    print_findings,
    print_input_warnings,
    read_roster_file,
    scenario_ref,
)
from cli.lang import add_lang_argument, count, msg, rule_name, status_word, text
from roster.errors import InputError, Issue
from roster.model import Problem, Roster, Status


def register(subparsers: Any) -> dict[str, Any]:
    """Add the repair commands to ``subparsers``; returns ``{command: handler}`` for the
    dispatcher of ``cli.main``."""
    horizon = argparse.ArgumentParser(add_help=False)
    horizon.add_argument(
        "--start",
        type=date_arg,
        metavar="DATE",
        help="first day of the horizon (default: the scenario's or the roster file's)",
    )
    horizon.add_argument("--weeks", type=positive_int, metavar="N")
    solving = argparse.ArgumentParser(add_help=False)
    solving.add_argument(
        "--time-limit",
        type=positive_float,
        default=10.0,
        metavar="S",
        help="seconds the solver may search (default 10)",
    )
    solving.add_argument(
        "--workers", type=positive_int, default=2, metavar="K", help="solver threads (default 2)"
    )
    js = argparse.ArgumentParser(add_help=False)
    js.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_lang_argument(js)

    e = subparsers.add_parser(
        "explain",
        parents=[horizon, solving, js],
        help="why no roster exists: the rules that conflict, and fixes",
    )
    e.add_argument("scenario", metavar="SCENARIO")
    e.add_argument(
        "--soft",
        action="store_true",
        help="also make a roster anyway (hard rules as heavy costs) and list every shortfall",
    )
    e.add_argument("--out", metavar="DIR", help="with --soft: write that roster.json here")

    a = subparsers.add_parser(
        "analyze",
        parents=[horizon, js],
        help="what a roster's choices cost: per rule, person, slot",
    )
    a.add_argument("scenario", metavar="SCENARIO")
    a.add_argument("roster", metavar="ROSTER.json")
    a.add_argument(
        "--top",
        type=positive_int,
        default=10,
        metavar="N",
        help="rows shown per table (default 10)",
    )

    r = subparsers.add_parser(
        "reroster",
        parents=[horizon, solving, js],
        help="re-roster the rest of the week after events",
    )
    r.add_argument("scenario", metavar="SCENARIO")
    r.add_argument("roster", metavar="ROSTER.json")
    r.add_argument("events", metavar="EVENTS", help="events file (.yaml, .yml or .csv)")
    r.add_argument(
        "--from",
        dest="from_date",
        type=date_arg,
        metavar="DATE",
        help="first day that may change (default: the events file's, else the earliest event)",
    )
    r.add_argument(
        "--out",
        metavar="DIR",
        help="write the new roster's files (as `roster solve` does) and changes.csv here",
    )

    s = subparsers.add_parser(
        "substitutes",
        parents=[horizon, js],
        help="the cheapest substitutes for one absence in one slot",
    )
    s.add_argument("scenario", metavar="SCENARIO")
    s.add_argument("roster", metavar="ROSTER.json")
    s.add_argument("staff", metavar="STAFF")
    s.add_argument("date", type=date_arg, metavar="DATE")
    s.add_argument("shift", metavar="SHIFT")
    s.add_argument("--top", type=positive_int, default=5, metavar="N")

    d = subparsers.add_parser(
        "drill", parents=[horizon, solving, js], help="can each team alone keep the posts covered?"
    )
    d.add_argument("scenario", metavar="SCENARIO")
    d.add_argument(
        "roster",
        metavar="ROSTER.json",
        nargs="?",
        help="a roster whose teams to test (default: teams from a quick solve)",
    )
    return {
        "explain": cmd_explain,
        "analyze": cmd_analyze,
        "reroster": cmd_reroster,
        "substitutes": cmd_substitutes,
        "drill": cmd_drill,
    }


# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------


def _dump(data: Any, out: TextIO) -> None:
    out.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _problem_and_roster(args: argparse.Namespace) -> tuple[Problem, Roster, Any]:
    """The scenario over the roster file's horizon (unless --start/--weeks say otherwise)."""
    doc = read_roster_file(Path(args.roster))
    start, weeks = args.start, args.weeks
    if start is None and weeks is None and doc.problem is not None:
        start = doc.problem.start
        if doc.problem.days % 7 == 0:
            weeks = doc.problem.days // 7
    return load_problem(args.scenario, start, weeks), doc.roster, doc


def _write_roster(
    out_dir: Path,
    problem: Problem,
    roster: Roster,
    scenario: str,
    extra: dict[str, str] | None = None,
) -> list[Path]:
    from roster.schema import dumps, roster_file
    from roster.validation import check

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        doc = roster_file(problem, roster, report=check(problem, roster), scenario=scenario)
        paths = [out_dir / "roster.json"]
        paths[0].write_text(dumps(doc), encoding="utf-8")
        for name, content in (extra or {}).items():
            (out_dir / name).write_text(content, encoding="utf-8-sig")
            paths.append(out_dir / name)
    except OSError as e:
        raise CliError(
            text("cannot_write", folder=out_dir, why=e.strerror or e), EXIT_INPUT
        ) from None
    return paths


# ----------------------------------------------------------------------------------------------
# explain
# ----------------------------------------------------------------------------------------------


def cmd_explain(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``roster explain``: see the module docstring for the exit codes."""
    from roster.precheck import precheck
    from solver.diagnose import best_effort, find_conflict

    lang = args.lang
    problem = load_problem(args.scenario, args.start, args.weeks)
    findings = precheck(problem)
    if not args.json:
        print(horizon_line(problem, lang), file=out)
        print_input_warnings(args.scenario, problem, out, lang)
        print_findings(findings, problem, out, lang)
        print(msg("diagnosing", lang, limit=f"{args.time_limit:g}"), file=err)
    conflict = find_conflict(problem, time_limit=args.time_limit)
    exp = conflict.explain(problem, lang)
    data: dict[str, Any] = {
        "explanation": exp.model_dump(mode="json"),
        "precheck": [f.model_dump(mode="json") for f in findings],
    }
    code = {Status.feasible: EXIT_OK, Status.infeasible: EXIT_INFEASIBLE}.get(
        conflict.status, EXIT_NO_ROSTER
    )
    if not args.json:
        print(exp.text(), file=out)
        print(msg("diagnosis_time", lang, time=conflict.elapsed, probes=conflict.probes), file=out)
    if args.soft:
        result, report = best_effort(problem, args.time_limit, args.workers, lang=lang)
        if result.roster is None or report is None:
            if not args.json:
                print(msg("no_soft_roster", lang, limit=f"{args.time_limit:g}"), file=out)
        else:
            code = EXIT_OK
            data["soft"] = {
                "objective": report.objective,
                "shortfalls": [v.model_dump(mode="json") for v in report.violations],
            }
            if not args.json:
                n = len(report.violations)
                print("\n" + count("soft_roster", n, lang), file=out)
                for v in report.violations[:MAX_VIOLATIONS_SHOWN]:
                    print(f"  - [{rule_name(v.rule, lang)}] {v.message}", file=out)
                if n > MAX_VIOLATIONS_SHOWN:
                    print(msg("and_more", lang, n=n - MAX_VIOLATIONS_SHOWN), file=out)
            if args.out:
                paths = _write_roster(Path(args.out), problem, result.roster, args.scenario)
                if not args.json:
                    print(
                        msg("wrote_files", lang, files=", ".join(str(p) for p in paths)), file=out
                    )
    if args.json:
        _dump(data, out)
    return code


# ----------------------------------------------------------------------------------------------
# analyze
# ----------------------------------------------------------------------------------------------


def cmd_analyze(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``roster analyze``: exit 0, or 1 when the roster breaks hard rules."""
    from roster.breakdown import breakdown, format_breakdown

    problem, roster, _doc = _problem_and_roster(args)
    b = breakdown(problem, roster, lang=args.lang)
    if args.json:
        _dump(b.model_dump(mode="json"), out)
    else:
        print(horizon_line(problem, args.lang), file=out)
        print(format_breakdown(b, args.top, args.lang), file=out)
    return EXIT_OK if b.ok else EXIT_VIOLATIONS


# ----------------------------------------------------------------------------------------------
# reroster and substitutes
# ----------------------------------------------------------------------------------------------


def cmd_reroster(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``roster reroster``: see the module docstring for the exit codes."""
    from roster.events import changes_csv, format_changes, read_events
    from solver.reroster import reroster

    lang = args.lang
    problem, roster, _doc = _problem_and_roster(args)
    events, file_from = read_events(Path(args.events), problem)
    start = args.from_date or file_from
    if not args.json:
        print(horizon_line(problem, lang), file=out)
    res = reroster(problem, roster, events, start, time_limit=args.time_limit, workers=args.workers)
    if lang == "vi" and res.roster is not None and res.problem is not None:
        from roster.validation import check

        res.report = check(res.problem, res.roster, lang)  # the same report, worded in vi
    if args.json:
        _dump(res.model_dump(mode="json", exclude={"problem"}), out)
    else:
        for line in res.notes_vi if lang == "vi" else res.notes:
            print(f"  - {line}", file=out)
        for line in res.explanation_vi if lang == "vi" else res.explanation:
            print(f"  {line}", file=out)
        print(
            msg(
                "reroster_status",
                lang,
                status=status_word(res.status.value, lang),
                cells=res.changed_cells,
                objective=res.objective,
                time=res.wall_time,
            ),
            file=out,
        )
        if res.roster is not None:
            print(format_changes(res.changes, res.problem or problem, lang), file=out)
            if res.report is not None and res.report.violations:
                print(msg("referee_broken_n", lang, n=len(res.report.violations)), file=out)
                for v in res.report.violations[:MAX_VIOLATIONS_SHOWN]:
                    print(f"  - [{rule_name(v.rule, lang)}] {v.message}", file=out)
            elif res.report is not None:
                print(msg("referee_ok_objective", lang, objective=res.report.objective), file=out)
    if res.roster is None:
        nothing = nothing_written(Path(args.out), lang) if args.out else ""
        if not args.json:
            print(msg("reroster_none", lang, nothing=nothing).rstrip(), file=out)
        return EXIT_INFEASIBLE if res.status == Status.infeasible else EXIT_NO_ROSTER
    if args.out:
        assert res.problem is not None
        from roster.outputs import write_outputs

        out_dir = Path(args.out)
        try:
            paths = write_outputs(
                out_dir,
                res.problem,
                res.roster,
                report=res.report,
                lang=args.lang,
                scenario=scenario_ref(args.scenario),
                extra={"changes.csv": changes_csv(res.changes, args.lang, res.problem)},
            )
        except OSError as e:
            raise CliError(
                msg("cannot_write", args.lang, folder=out_dir, why=e.strerror or e), EXIT_INPUT
            ) from None
        if not args.json:
            print(
                msg("wrote", args.lang, folder=out_dir, files=", ".join(p.name for p in paths)),
                file=out,
            )
    # A softened re-roster is the best there is, but it breaks hard rules: say so in the code.
    return EXIT_INFEASIBLE if res.softened else EXIT_OK


def cmd_substitutes(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``roster substitutes``: exit 0 (even when nobody fits: the list says so)."""
    from solver.substitutes import substitutes

    problem, roster, _doc = _problem_and_roster(args)
    if args.staff not in {s.id for s in problem.staff}:
        raise InputError(Issue("STAFF", None, None, text("unknown_staff", value=args.staff)))
    if args.shift not in {s.id for s in problem.site.shifts}:
        raise InputError(
            Issue(
                "SHIFT",
                None,
                None,
                text("unknown_shift", value=args.shift),
                [s.id for s in problem.site.shifts],
            )
        )
    if not problem.horizon.contains(args.date):
        raise InputError(
            Issue(
                "DATE",
                None,
                None,
                text(
                    "outside_roster",
                    date=args.date,
                    start=problem.horizon.start,
                    end=problem.horizon.end,
                ),
            )
        )
    lang = args.lang
    res = substitutes(problem, roster, args.staff, args.date, args.shift, args.top, lang)
    if args.json:
        _dump(res.model_dump(mode="json"), out)
        return EXIT_OK
    print(res.summary, file=out)
    for i, c in enumerate(res.candidates, 1):
        flag = "" if c.ok else msg("breaks_n", lang, n=c.violations)
        print(f"  {i}. {c.name} ({c.staff}), {c.unit}: +{c.delta}{flag}  {c.why}", file=out)
    return EXIT_OK


# ----------------------------------------------------------------------------------------------
# drill
# ----------------------------------------------------------------------------------------------


def cmd_drill(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``roster drill``: exit 0 every team passes, 1 some team falls short."""
    from roster.drill_report import format_drill
    from solver.drill import drill

    if args.roster:
        problem, roster, _doc = _problem_and_roster(args)
        teams = roster.teams
    else:
        problem = load_problem(args.scenario, args.start, args.weeks)
        teams = None
    res = drill(problem, teams, time_limit=args.time_limit, workers=args.workers)
    if args.json:
        _dump(res.model_dump(mode="json"), out)
    else:
        print(horizon_line(problem, args.lang), file=out)
        print(format_drill(res, problem, lang=args.lang), file=out)
    return EXIT_OK if res.ok else EXIT_VIOLATIONS
