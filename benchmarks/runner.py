"""The benchmark runner: solve each case of a suite in its own subprocess, check every roster
with the referee (and the benchmark's own scorer), and write a Markdown table and a JSON file.

    python -m benchmarks SUITE [--time-limit S] [--workers K] [--repeat R] [--instances 1,2,...]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.suites import DEFAULT_TIME_LIMIT, SUITES, Case, cases
from benchmarks.worker import MARKER

RESULTS = Path(__file__).resolve().parent / "results"
ROOT = Path(__file__).resolve().parent.parent


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "python": platform.python_version(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with contextlib.suppress(OSError):
        info["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]
    return info


def git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        )
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def ortools_version() -> str:
    try:
        import ortools

        return str(getattr(ortools, "__version__", "unknown"))
    except Exception:  # pragma: no cover - ortools is a dependency
        return "unknown"


def run_one(case: Case, time_limit: float, workers: int, plain: bool = False) -> dict[str, Any]:
    """Solve one case in a fresh Python process; returns the worker's figures. With ``plain``
    (Curtois & Qu only), solve the plain CP-SAT baseline model instead."""
    suite = "curtois-qu-plain" if plain else case.suite
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.worker",
        suite,
        case.name,
        str(time_limit),
        str(workers),
    ]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd, cwd=ROOT, capture_output=True, text=True, timeout=3 * time_limit + 600
        )
    except subprocess.TimeoutExpired:
        return {
            "suite": case.suite,
            "instance": case.name,
            "status": "error",
            "error": "worker timed out",
        }
    elapsed = time.perf_counter() - t0
    line = next((x for x in reversed(proc.stdout.splitlines()) if x.startswith(MARKER)), None)
    if line is None:
        return {
            "suite": case.suite,
            "instance": case.name,
            "status": "error",
            "error": f"worker exit {proc.returncode}: {proc.stderr[-2000:]}",
        }
    out = json.loads(line[len(MARKER) :])
    out["process_time"] = round(elapsed, 3)
    return out


def _median(values: list[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


def _outcome(runs: list[dict[str, Any]]) -> tuple[list[Any], Any, Any]:
    """The objectives the runs reached, and the best bound among them."""
    objs = [r["objective"] for r in runs if r.get("objective") is not None]
    bounds = [r["bound"] for r in runs if r.get("bound") is not None]
    return objs, min(objs) if objs else None, max(bounds) if bounds else None


def _scorer_agrees(runs: list[dict[str, Any]]) -> bool:
    """Whether the benchmark's own evaluator found every roster of ``runs`` valid and of the
    solver's objective."""
    return all(
        r.get("benchmark_objective") == r.get("objective") and r.get("benchmark_violations") == 0
        for r in runs
        if r.get("objective") is not None
    )


def summarize(
    case: Case, runs: list[dict[str, Any]], plain_runs: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """One row per case: best and median objective over the runs, medians of the times (and
    the plain baseline's runs of the same case, when measured)."""
    objs, best, bound_best = _outcome(runs)
    row: dict[str, Any] = {
        "instance": case.name,
        "runs": len(runs),
        "status": sorted({str(r.get("status")) for r in runs}),
        "objective_best": best,
        "objective_median": _median(objs),
        "bound_best": bound_best,
        "first_feasible_median": _median([r.get("first_feasible_time") for r in runs]),
        "wall_median": _median([r.get("wall_time") for r in runs]),
        "build_median": _median([r.get("build_time") for r in runs]),
        "peak_rss_mb_max": max(
            (r["peak_rss_mb"] for r in runs if r.get("peak_rss_mb")), default=None
        ),
        "referee_agrees": all(r.get("referee_agrees") for r in runs) if objs else None,
        "best_known": case.best_known,
        "best_lower": case.best_lower,
        "reference": case.reference,
    }
    if best is not None and case.best_known:
        row["gap_to_best_known"] = (best - case.best_known) / abs(case.best_known)
    if best is not None and row["bound_best"] is not None:
        row["gap_own"] = (best - row["bound_best"]) / max(1, abs(best))
    if "benchmark_objective" in (runs[0] if runs else {}):
        row["benchmark_agrees"] = _scorer_agrees(runs)
    if plain_runs:
        pobjs, row["plain_objective_best"], row["plain_bound_best"] = _outcome(plain_runs)
        row["plain_objective_median"] = _median(pobjs)
        row["plain_checked"] = _scorer_agrees(plain_runs)
        if best is not None and row["plain_objective_median"] is not None:
            row["vs_plain"] = (_median(objs) - row["plain_objective_median"]) / max(
                1, abs(row["plain_objective_median"])
            )
    if case.suite == "timefold":
        scored = [r for r in runs if "timefold_soft" in r]
        if scored:
            top = max(scored, key=lambda r: (r["timefold_hard"], r["timefold_soft"]))
            row["timefold_hard"] = top["timefold_hard"]
            row["timefold_soft"] = top["timefold_soft"]
            row["timefold_soft_median"] = _median([r["timefold_soft"] for r in scored])
    for r in runs:
        if r.get("status") == "error":
            row.setdefault("errors", []).append(r.get("error"))
    return row


def _fmt(v: Any, digits: int = 1) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.2f}%"


def markdown(doc: dict[str, Any]) -> str:
    """The results as a Markdown table, with the settings they were measured under."""
    suite = doc["suite"]
    m = doc["machine"]
    lines = [
        f"# Benchmark `{suite}`",
        "",
        f"- date: {doc['date']}",
        f"- command: `{doc['command']}`",
        f"- time limit: {doc['time_limit']} s per solve, workers: {doc['workers']}, "
        f"repeat: {doc['repeat']}",
        f"- machine: {m.get('cpu_count')} CPUs ({m.get('cpu', m.get('machine'))}), "
        f"{m.get('platform')}, Python {m.get('python')}, load average at start "
        f"{m.get('load_average_at_start')}",
        f"- OR-Tools {doc['ortools']}, code at commit {doc.get('commit')} (solver files may "
        "have been changing while it ran)",
        "",
        "Objective: best over the runs (median in brackets when repeated). Times: medians, in "
        "seconds. `referee` is ok when the referee (`roster.validation.check`) finds no "
        "violation and the same objective as the solver in every run.",
        "",
    ]
    rows = doc["summary"]
    rep = doc["repeat"] > 1

    def obj(r: dict[str, Any]) -> str:
        s = _fmt(r["objective_best"])
        if rep and r.get("objective_median") is not None:
            s += f" ({_fmt(r['objective_median'])})"
        return s

    def referee(r: dict[str, Any]) -> str:
        if r.get("errors"):
            return "ERROR: " + "; ".join(str(e)[:80] for e in r["errors"])
        a = r.get("referee_agrees")
        if a is None:
            return "-"
        s = "ok" if a else "**DISAGREES**"
        if r.get("benchmark_agrees") is False:
            s += " / **benchmark scorer disagrees**"
        return s

    common = ["first feasible", "wall", "build", "peak MB", "referee"]

    def tail(r: dict[str, Any]) -> list[str]:
        return [
            _fmt(r["first_feasible_median"], 2),
            _fmt(r["wall_median"]),
            _fmt(r["build_median"], 2),
            _fmt(r["peak_rss_mb_max"], 0),
            referee(r),
        ]

    if suite == "curtois-qu":
        measured = doc.get("plain", False)
        head = ["instance", "status", "objective", "bound", "best known", "gap to best", "own gap"]
        head += ["plain CP-SAT, this run", "vs plain"] if measured else []
        head += ["plain CP-SAT 60 s (recorded)"] + common
        body = []
        for r in rows:
            ref = r["reference"]
            plain = ref.get("plain_cpsat_objective")
            row = [
                r["instance"],
                "/".join(r["status"]),
                obj(r),
                _fmt(r["bound_best"]),
                _fmt(r["best_known"]) + (" (opt)" if ref.get("optimal_known") == "yes" else ""),
                _pct(r.get("gap_to_best_known")),
                _pct(r.get("gap_own")),
            ]
            if measured:
                p_obj = _fmt(r.get("plain_objective_best"))
                if rep and r.get("plain_objective_median") is not None:
                    p_obj += f" ({_fmt(r['plain_objective_median'])})"
                if r.get("plain_objective_best") is None:
                    p_obj = "no roster"
                elif r.get("plain_checked") is False:
                    p_obj += " **scorer disagrees**"
                row += [f"{p_obj} / {_fmt(r.get('plain_bound_best'))}", _pct(r.get("vs_plain"))]
            row += [f"{plain} / {ref.get('plain_cpsat_bound')}" if plain else "no roster"]
            body.append(row + tail(r))
    elif suite == "timefold":
        head = [
            "instance",
            "status",
            "objective",
            "bound",
            "own gap",
            "Timefold score (ours)",
            "Timefold's own run",
        ] + common
        body = []
        for r in rows:
            ref = r["reference"]
            ours = (
                f"{r['timefold_hard']}hard/{r['timefold_soft']:.5f}soft"
                if "timefold_soft" in r
                else "-"
            )
            body.append(
                [
                    r["instance"],
                    "/".join(r["status"]),
                    obj(r),
                    _fmt(r["bound_best"]),
                    _pct(r.get("gap_own")),
                    ours,
                    f"{ref['timefold_hard']}hard/{ref['timefold_soft']:.5f}soft",
                ]
                + tail(r)
            )
    elif suite in ("scale", "offices"):
        head = ["staff", "weeks", "seed", "status", "objective", "bound", "own gap"] + common
        body = [
            [
                str(r["reference"]["staff"]),
                str(r["reference"]["weeks"]),
                str(r["reference"].get("seed", 0)),
                "/".join(r["status"]),
                obj(r),
                _fmt(r["bound_best"]),
                _pct(r.get("gap_own")),
            ]
            + tail(r)
            for r in rows
        ]
    else:
        head = ["instance", "status", "objective", "bound", "own gap", "reference"] + common
        body = [
            [
                r["instance"],
                "/".join(r["status"]),
                obj(r),
                _fmt(r["bound_best"]),
                _pct(r.get("gap_own")),
                _fmt(r.get("best_known")),
            ]
            + tail(r)
            for r in rows
        ]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    lines += ["| " + " | ".join(row) + " |" for row in body]
    lines.append("")
    return "\n".join(lines)


def run_suite(
    suite: str,
    time_limit: float | None = None,
    workers: int = 2,
    repeat: int = 1,
    instances: list[str] | None = None,
    out_dir: Path | None = None,
    tag: str | None = None,
    save_solutions: bool = True,
    echo: bool = True,
    plain: bool = False,
) -> dict[str, Any]:
    """Run a suite and write ``<suite>[-tag].md`` and ``.json`` into ``out_dir``. With
    ``plain`` (Curtois & Qu), each instance is also solved ``repeat`` times by the plain CP-SAT
    baseline model under the same limits, one after the other with ours."""
    plain = plain and suite == "curtois-qu"
    tl = DEFAULT_TIME_LIMIT[suite] if time_limit is None else time_limit
    todo = cases(suite, instances)
    out_dir = RESULTS if out_dir is None else Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cmd = f"python -m benchmarks {suite} --time-limit {tl:g} --workers {workers}"
    if repeat > 1:
        cmd += f" --repeat {repeat}"
    if instances:
        cmd += " --instances " + ",".join(instances)
    if plain:
        cmd += " --plain"
    doc: dict[str, Any] = {
        "suite": suite,
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "command": cmd,
        "commit": git_commit(),
        "machine": machine(),
        "ortools": ortools_version(),
        "time_limit": tl,
        "workers": workers,
        "repeat": repeat,
        "plain": plain,
        "runs": [],
        "plain_runs": [],
        "summary": [],
    }
    stem = suite + (f"-{tag}" if tag else "")
    sol_dir = out_dir / "solutions" / stem
    for case in todo:
        runs = []
        for k in range(repeat):
            r = run_one(case, tl, workers)
            r["repeat_index"] = k
            solution = r.pop("solution", None)
            if save_solutions and solution is not None and k == 0:
                sol_dir.mkdir(parents=True, exist_ok=True)
                ext = "csv" if suite == "timefold" else "txt"
                (sol_dir / f"{case.name}.{ext}").write_text(solution)
            runs.append(r)
            if echo:
                print(
                    f"{suite} {case.name} run {k + 1}/{repeat}: {r.get('status')} "
                    f"obj={r.get('objective')} bound={r.get('bound')} "
                    f"referee={'ok' if r.get('referee_agrees') else r.get('referee_agrees')} "
                    f"wall={r.get('wall_time')} {r.get('error', '')}",
                    flush=True,
                )
        plain_runs = []
        for k in range(repeat if plain else 0):
            r = run_one(case, tl, workers, plain=True)
            r["repeat_index"] = k
            plain_runs.append(r)
            if echo:
                print(
                    f"{suite} {case.name} plain run {k + 1}/{repeat}: {r.get('status')} "
                    f"obj={r.get('objective')} bound={r.get('bound')} "
                    f"wall={r.get('wall_time')} {r.get('error', '')}",
                    flush=True,
                )
        doc["runs"] += runs
        doc["plain_runs"] += plain_runs
        doc["summary"].append(summarize(case, runs, plain_runs))
        # Written after every case so a long run can be read (and survives an interruption).
        (out_dir / f"{stem}.json").write_text(json.dumps(doc, indent=1, default=str) + "\n")
        (out_dir / f"{stem}.md").write_text(markdown(doc))
    return doc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    ap.add_argument("suite", choices=SUITES)
    ap.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help="seconds per solve (default per suite: "
        + ", ".join(f"{k} {v:g}" for k, v in DEFAULT_TIME_LIMIT.items())
        + ")",
    )
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument(
        "--instances",
        default=None,
        help="comma-separated names or numbers, e.g. 1,2,3 or SMALL or 1000x4",
    )
    ap.add_argument("--out", default=None, help="output folder (default benchmarks/results)")
    ap.add_argument("--tag", default=None, help="suffix of the output file names")
    ap.add_argument("--no-solutions", action="store_true", help="do not save the rosters")
    ap.add_argument(
        "--plain",
        action="store_true",
        help="curtois-qu: also solve each instance with the plain CP-SAT baseline "
        "model (benchmarks/plain_curtois.py) under the same limits, in the same run",
    )
    a = ap.parse_args(argv)
    picked = [x for x in a.instances.split(",") if x.strip()] if a.instances else None
    doc = run_suite(
        a.suite,
        a.time_limit,
        a.workers,
        a.repeat,
        picked,
        Path(a.out) if a.out else None,
        a.tag,
        not a.no_solutions,
        plain=a.plain,
    )
    print()
    print(markdown(doc))
    bad = [
        r["instance"]
        for r in doc["summary"]
        if r.get("referee_agrees") is False
        or r.get("benchmark_agrees") is False
        or r.get("plain_checked") is False
        or r.get("errors")
    ]
    if bad:
        print(f"FLAGGED (referee or benchmark scorer disagrees, or errors): {', '.join(bad)}")
        return 1
    return 0
