"""The ``roster`` command: solve, check, generate, list scenarios, print the JSON Schema.

Exit codes (``roster solve``): 0 a roster was found and the referee agrees with the solver;
1 an internal error (a bug, e.g. the referee disagrees with the solver); 2 bad input (nothing
written); 3 proven infeasible (by the precheck or the solver); 4 no roster within the time limit.
``roster check``: 0 no violation, 1 violations, 2 bad input.

A user's mistake never shows a traceback: every command runs inside :func:`main`, which turns
:class:`~roster.errors.InputError` into its message and exit code 2.

The commands import the solver, pandas and the exports inside the handlers that need them,
so that ``roster --help`` and ``roster scenarios`` start fast; there is no import cycle to dodge
(``tests/test_layers.py``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from cli.common import (
    EXIT_BUG,
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
from cli.export_cmd import register as register_export_command
from cli.help import HelpFormatter, scan_lang, use_lang
from cli.lang import LANGS, Lang, add_lang_argument, msg, rule_name, status_word, text
from cli.repair_cmds import register as register_repair_commands
from roster.errors import InputError, Issue
from roster.model import Progress, Report, SolveResult, Status

# ----------------------------------------------------------------------------------------------
# argument parsing
# ----------------------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so :func:`main` returns the exit code; its
    help is in the language of :func:`cli.help.use_lang`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> Any:
        raise CliError(f"{self.prog}: {message}\n{self.format_usage().rstrip()}", EXIT_INPUT)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``roster`` command."""
    p = _Parser(
        prog="roster",
        description="Weekly staff rosters for public offices under "
        "epidemic rules (on-site cap, rotating teams, rapid tests, counters covered).",
    )
    p.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    p.add_argument(
        "--lang",
        dest="top_lang",
        choices=LANGS,
        help="language of the help and of the command's messages (same as the command's --lang)",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    horizon = _Parser(add_help=False)
    horizon.add_argument(
        "--start",
        type=date_arg,
        metavar="DATE",
        help="first day of the horizon (YYYY-MM-DD); default: the scenario's",
    )
    horizon.add_argument(
        "--weeks",
        type=positive_int,
        metavar="N",
        help="number of weeks to roster; default: the scenario's",
    )

    s = sub.add_parser(
        "solve",
        parents=[horizon],
        help="make a roster for a scenario",
        description="Load a scenario, check it, solve it, have the referee check "
        "the roster, print a summary and write roster.xlsx, roster.csv, "
        "tests.csv and roster.json.",
    )
    s.add_argument("scenario", metavar="SCENARIO", help="built-in scenario name or folder")
    s.add_argument(
        "--time-limit",
        type=positive_float,
        default=10.0,
        metavar="S",
        help="seconds the solver may search (default 10)",
    )
    s.add_argument(
        "--workers", type=positive_int, default=2, metavar="K", help="solver threads (default 2)"
    )
    s.add_argument("--out", metavar="DIR", help="output folder (default out/<scenario>)")
    add_lang_argument(s)

    c = sub.add_parser(
        "check",
        parents=[horizon],
        help="referee a roster.json against a scenario",
        description="Check every hard rule and recompute the objective of a "
        "roster file. Without --start/--weeks the horizon recorded in the file "
        "is used.",
    )
    c.add_argument("scenario", metavar="SCENARIO")
    c.add_argument("roster", metavar="ROSTER.json")
    add_lang_argument(c)

    g = sub.add_parser("generate", help="write a generated office as a scenario folder")
    g.add_argument("--staff", type=positive_int, required=True, metavar="N")
    g.add_argument("--units", type=positive_int, metavar="U")
    g.add_argument("--counters", type=positive_int, metavar="C")
    g.add_argument("--weeks", type=positive_int, metavar="W")
    g.add_argument("--seed", type=int, metavar="S")
    g.add_argument(
        "--duty-officers",
        action="store_true",
        default=None,
        help="every unit keeps at least one person on site in every shift (a presence floor)",
    )
    g.add_argument("--force", action="store_true", help="write into a folder holding a scenario")
    g.add_argument("out_dir", metavar="OUT_DIR")
    add_lang_argument(g)

    add_lang_argument(sub.add_parser("scenarios", help="list the built-in scenarios"))
    sub.add_parser("schema", help="print the JSON Schema of roster.json")
    v = sub.add_parser(
        "serve",
        help="start the HTTP API (settings from the environment)",
        description="Serve the HTTP API for the portal. DATABASE_URL chooses the "
        "database (default: a SQLite file); ROSTER_ADMIN_TOKEN gives the first "
        "hr token. See api/README.md.",
    )
    v.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    v.add_argument("--port", type=positive_int, default=8000, help="port (default 8000)")
    w = sub.add_parser(
        "worker",
        help="start a job worker (Celery; needs ROSTER_BROKER_URL)",
        description="Take solve jobs from the broker (ROSTER_BROKER_URL, e.g. "
        "amqp://guest:guest@127.0.0.1:5672//) and solve them; progress and results go to "
        "the database (DATABASE_URL). Start any number, on any machine. SIGTERM hands "
        "running jobs back to the queue. See api/README.md.",
    )
    w.add_argument("--concurrency", type=positive_int, default=1, help="solves at once (default 1)")
    w.add_argument("--loglevel", default="INFO", help="log level (default INFO)")
    COMMANDS.update(register_repair_commands(sub))  # explain, analyze, reroster, ...
    COMMANDS.update(register_export_command(sub))
    return p


# ----------------------------------------------------------------------------------------------
# progress
# ----------------------------------------------------------------------------------------------


def gap_of(objective: int | None, bound: int | None) -> float | None:
    """(objective - bound) / max(1, |objective|), as the solver reports it."""
    if objective is None or bound is None:
        return None
    return (objective - bound) / max(1, abs(objective))


def _fmt_gap(gap: float | None) -> str:
    return "-" if gap is None else f"{100 * gap:.1f}%"


class ProgressPrinter:
    """Prints solver progress on ``stream``: a line per better roster, or one line updated in
    place with ``\\r`` when the stream is a terminal."""

    def __init__(self, stream: TextIO, lang: Lang = "en") -> None:
        self.stream = stream
        self.lang: Lang = lang
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.width = 0
        self.count = 0

    def __call__(self, p: Progress) -> None:
        self.count += 1
        line = msg(
            "progress",
            self.lang,
            elapsed=p.elapsed,
            best=p.objective if p.objective is not None else "-",
            bound=p.bound if p.bound is not None else "-",
            gap=_fmt_gap(gap_of(p.objective, p.bound)),
            n=p.solutions,
        )
        if self.tty:
            pad = max(0, self.width - len(line))
            self.stream.write("\r" + line + " " * pad)
            self.width = len(line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty and self.width:
            self.stream.write("\n")
            self.stream.flush()


# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------


def _solve_function() -> Any:
    """The solver's ``solve`` (a function, so tests can replace it)."""
    from solver.search import solve

    return solve


def _scenario_slug(scenario: str) -> str:
    from roster.io import resolve_scenario

    return resolve_scenario(scenario).resolve().name or "scenario"


def _status_line(result: SolveResult, lang: Lang = "en") -> str:
    gap = result.gap if result.gap is not None else gap_of(result.objective, result.bound)
    return msg(
        "status",
        lang,
        status=status_word(result.status.value, lang),
        objective="-" if result.objective is None else result.objective,
        bound="-" if result.bound is None else result.bound,
        gap=_fmt_gap(gap),
        time=result.wall_time,
    )


def _verdict(result: SolveResult, report: Report, lang: Lang = "en") -> tuple[bool, str]:
    """Whether the referee agrees with the solver, and the sentence saying so."""
    if report.violations:
        return False, msg("referee_bug_broken", lang, n=len(report.violations))
    if result.objective is not None and report.objective != result.objective:
        return False, msg(
            "referee_bug_objective", lang, ours=report.objective, theirs=result.objective
        )
    return True, msg("referee_ok", lang, objective=report.objective)


# ----------------------------------------------------------------------------------------------
# commands
# ----------------------------------------------------------------------------------------------


def cmd_solve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``roster solve``: see the module docstring for the exit codes."""
    from roster import export
    from roster.outputs import write_outputs
    from roster.precheck import precheck
    from roster.validation import check, summary_figures

    problem = load_problem(args.scenario, args.start, args.weeks)
    slug = _scenario_slug(args.scenario)
    out_dir = Path(args.out) if args.out else Path("out") / slug
    lang = args.lang
    print(horizon_line(problem, lang), file=out)
    print_input_warnings(args.scenario, problem, out, lang)

    findings = precheck(problem)
    print_findings(findings, problem, out, lang)
    if any(f.severity == "error" for f in findings):
        print(msg("precheck_infeasible", lang, nothing=nothing_written(out_dir, lang)), file=out)
        return EXIT_INFEASIBLE

    solve = _solve_function()
    print(msg("solving", lang, limit=f"{args.time_limit:g}", workers=args.workers), file=err)
    printer = ProgressPrinter(err, lang)
    try:
        result = solve(
            problem, time_limit=args.time_limit, workers=args.workers, on_progress=printer
        )
    finally:
        printer.close()
    print(_status_line(result, lang), file=out)

    if result.status == Status.infeasible:
        print(
            msg(
                "solve_infeasible",
                lang,
                scenario=args.scenario,
                nothing=nothing_written(out_dir, lang),
            ),
            file=out,
        )
        return EXIT_INFEASIBLE
    if result.status == Status.invalid:
        nothing_written(out_dir, lang)
        raise CliError(text("invalid_model", messages="; ".join(result.messages)), EXIT_BUG)
    if result.roster is None:
        print(
            msg(
                "no_roster_in_time",
                lang,
                limit=f"{args.time_limit:g}",
                nothing=nothing_written(out_dir, lang),
            ),
            file=out,
        )
        return EXIT_NO_ROSTER

    roster = result.roster
    report = check(problem, roster, lang)
    figures = summary_figures(problem, roster)
    agrees, verdict = _verdict(result, report, lang)

    view = export.RosterView(problem, roster, lang)
    for table in export.summary_tables(problem, roster, figures, lang):
        print(file=out)
        print(export.format_table(table, max_rows=60, lang=lang), file=out)
    print(file=out)
    print(export.text_grid(view), file=out)
    print(file=out)
    try:
        paths = write_outputs(
            out_dir,
            problem,
            roster,
            result=result,
            report=report,
            lang=lang,
            scenario=scenario_ref(args.scenario),
            figures=figures,
            extra={},
        )
    except OSError as e:
        raise CliError(
            msg("cannot_write", lang, folder=out_dir, why=e.strerror or e), EXIT_INPUT
        ) from None
    folder = f"{out_dir}{'/' if not str(out_dir).endswith('/') else ''}"
    print(msg("wrote", lang, folder=folder, files=", ".join(p.name for p in paths)), file=out)
    if not agrees:
        for v in report.violations[:MAX_VIOLATIONS_SHOWN]:
            print(f"  - [{rule_name(v.rule, lang)}] {v.message}", file=out)
        raise CliError(verdict, EXIT_BUG)
    print(verdict, file=out)
    return EXIT_OK


def cmd_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``roster check``: exit 0 no violation, 1 violations, 2 bad input."""
    from roster import export
    from roster.validation import check, summary_figures

    doc = read_roster_file(Path(args.roster))
    start, weeks = args.start, args.weeks
    if start is None and weeks is None and doc.problem is not None:
        start = doc.problem.start
        if doc.problem.days % 7 == 0:
            weeks = doc.problem.days // 7
    problem = load_problem(args.scenario, start, weeks)
    lang = args.lang
    print(horizon_line(problem, lang), file=out)
    report = check(problem, doc.roster, lang)
    if report.violations:
        print(msg("broken_n", lang, n=len(report.violations)), file=out)
        for v in report.violations[:MAX_VIOLATIONS_SHOWN]:
            print(f"  - [{rule_name(v.rule, lang)}] {v.message}", file=out)
        if len(report.violations) > MAX_VIOLATIONS_SHOWN:
            print(msg("and_more", lang, n=len(report.violations) - MAX_VIOLATIONS_SHOWN), file=out)
    else:
        print(msg("all_met", lang), file=out)
    figures = summary_figures(problem, doc.roster)
    print(file=out)
    print(export.format_table(export.penalties_table(figures, lang)), file=out)
    line = msg("objective", lang, objective=report.objective)
    if doc.result is not None and doc.result.objective is not None:
        key = (
            "objective_agrees" if doc.result.objective == report.objective else "objective_differs"
        )
        line += msg(key, lang, recorded=doc.result.objective)
    print(line, file=out)
    return EXIT_VIOLATIONS if report.violations else EXIT_OK


def cmd_generate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``roster generate``: a generated office written as a scenario folder."""
    import inspect

    from roster.io import SITE_FILE, write_scenario
    from scenarios.generator import generate

    folder = Path(args.out_dir)
    if (folder / SITE_FILE).exists() and not args.force:
        raise InputError(
            Issue(
                str(folder),
                None,
                None,
                text("already_scenario"),
            )
        )
    wanted = {
        "staff": args.staff,
        "units": args.units,
        "counters": args.counters,
        "weeks": args.weeks,
        "seed": args.seed,
        "duty_officers": args.duty_officers,
    }
    accepted = inspect.signature(generate).parameters
    kwargs = {k: v for k, v in wanted.items() if v is not None and k in accepted}
    ignored = [k for k, v in wanted.items() if v is not None and k not in accepted]
    if ignored:
        print(msg("generator_ignores", args.lang, what=", ".join(ignored)), file=err)
    try:
        problem = generate(**kwargs)
    except ValueError as e:
        why = e.args[0] if e.args and isinstance(e.args[0], str) else str(e)
        raise InputError(Issue("roster generate", None, None, why)) from None
    write_scenario(problem, folder)
    print(
        msg(
            "generated",
            args.lang,
            folder=folder,
            staff=len(problem.staff),
            units=len(problem.site.units),
            posts=len(problem.site.posts),
            days=problem.horizon.days,
            start=problem.horizon.start.isoformat(),
        ),
        file=out,
    )
    return EXIT_OK


def cmd_scenarios(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``roster scenarios``: the built-in scenarios with their size."""
    from roster.export import Table, format_table
    from roster.io import list_scenarios

    lang = args.lang
    names = list_scenarios()
    if not names:
        print(msg("no_scenarios", lang), file=out)
        return EXIT_OK
    table = Table("scenarios", msg("scenarios_title", lang), msg("scenarios_cols", lang).split("|"))
    for name in names:
        try:
            p = load_problem(name, None, None)
        except InputError as e:
            first = e.text(lang).splitlines()[0]
            table.rows.append([name, "", "", "", "", msg("cannot_load", lang, why=first)])
            continue
        table.rows.append(
            [
                name,
                len(p.staff),
                len(p.site.units),
                len(p.site.posts),
                p.horizon.days,
                p.site.name or p.site.id,
            ]
        )
    print(format_table(table, max_width=10_000), file=out)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``roster schema``: the JSON Schema of roster.json."""
    from roster.schema import schema_text

    out.write(schema_text())
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Start the HTTP API; returns when the server stops."""
    try:
        from api.main import run
    except ImportError as exc:  # the api extra is not installed
        raise CliError(
            text("needs_api_extra", what=text("what_api"), why=exc), EXIT_INPUT
        ) from None
    from pydantic import ValidationError

    from api.settings import get_settings

    try:
        get_settings()
    except ValidationError as exc:  # e.g. a weak ROSTER_ADMIN_TOKEN
        problems = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
        raise CliError(text("server_settings", problems=problems), EXIT_INPUT) from None
    run(host=args.host, port=args.port)
    return EXIT_OK


def cmd_worker(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Start a Celery worker; returns when it stops."""
    try:
        from api.settings import Settings
        from api.worker import run_worker
    except ImportError as exc:  # the api extra is not installed
        raise CliError(
            text("needs_api_extra", what=text("what_worker"), why=exc), EXIT_INPUT
        ) from None
    settings = Settings()
    if not settings.broker_url:
        raise CliError(text("no_broker"), EXIT_INPUT)
    run_worker(settings, concurrency=args.concurrency, loglevel=args.loglevel)
    return EXIT_OK


COMMANDS = {
    "solve": cmd_solve,
    "check": cmd_check,
    "generate": cmd_generate,
    "scenarios": cmd_scenarios,
    "schema": cmd_schema,
    "serve": cmd_serve,
    "worker": cmd_worker,
}


def _utf8(stream: TextIO) -> None:
    """Make a console stream write UTF-8 (Vietnamese names) whatever the locale says."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None and (getattr(stream, "encoding", "") or "").lower() != "utf-8":
        with contextlib.suppress(ValueError, OSError):
            reconfigure(encoding="utf-8", errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``roster`` command with ``argv`` (default: the process arguments); returns the
    exit code."""
    out, err = sys.stdout, sys.stderr
    _utf8(out)
    _utf8(err)
    debug = False
    words = list(sys.argv[1:] if argv is None else argv)
    lang: Lang = scan_lang(words)
    use_lang(lang)  # the help and argparse's own messages, before the parser is built
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(words)
        except SystemExit as e:  # --help, --version
            return int(e.code or 0)
        debug = args.debug
        if any(a == "--lang" or a.startswith("--lang=") for a in words):
            args.lang = lang  # the last --lang, before or after the command, wins
        lang = getattr(args, "lang", None) or lang
        if not args.command:
            parser.print_help(out)
            return EXIT_INPUT
        started = time.monotonic()
        code = COMMANDS[args.command](args, out, err)
        if debug:
            print(f"({time.monotonic() - started:.1f} s)", file=err)
        return code
    except InputError as e:
        print(msg("error", lang, text=e.text(lang)), file=err)
        return EXIT_INPUT
    except CliError as e:
        print(msg("error", lang, text=e.text(lang)), file=err)
        return e.code
    except BrokenPipeError:  # e.g. `roster solve ... | head`: the reader left
        with contextlib.suppress(OSError):
            # Silence the flush at exit; the stream must outlive this block, so no `with`.
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return EXIT_BUG
    except KeyboardInterrupt:
        print(msg("interrupted", lang), file=err)
        return 130
    except Exception as e:  # noqa: BLE001 - the last line of defence: no traceback for users
        if debug:
            traceback.print_exc(file=err)
        print(msg("internal_error", lang, kind=type(e).__name__, text=e), file=err)
        return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
