"""Model build time and memory: build the CP-SAT model of each case in a fresh process, no
search, and write a table.

    python -m benchmarks.build SUITE [--instances 19,20,...] [--repeat R] [--tag NAME]

Each build runs in its own Python process (``python -m benchmarks.build --one SUITE NAME``), so
``peak MB`` (``ru_maxrss``) is that build's own: Python, OR-Tools, the problem and the model.
``build s`` is :func:`solver.build.build_model` alone (the problem is loaded before the clock
starts), ``CPU s`` the processor time it used (on a shared machine the wall time also counts
the time other processes held the cores; CPU time is far less sensitive to them). With
``--repeat R`` the table gives the median and the range of R builds. Results go to
``benchmarks/results/build-<suite>[-<tag>].md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import statistics
import subprocess
import sys
import time
from typing import Any

from benchmarks.runner import RESULTS, ROOT, git_commit, machine, ortools_version
from benchmarks.suites import SUITES, cases

MARKER = "BUILD-RESULT "


def _rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round((kb / 1024 / 1024 if sys.platform == "darwin" else kb / 1024), 1)


def build_one(suite: str, name: str) -> dict[str, Any]:
    """Load and build one case in this process; its figures."""
    from benchmarks.suites import load
    from solver.build import build_model

    problem, _ = load(suite, name)
    before = _rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    built = build_model(problem)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    proto = built.model.proto
    return {
        "instance": name,
        "staff": len(problem.staff),
        "days": problem.horizon.days,
        "shifts": len(problem.site.shifts),
        "build_time": round(seconds, 3),
        "build_cpu": round(cpu, 3),
        "peak_rss_mb": _rss_mb(),
        "rss_before_build_mb": before,
        "variables": len(proto.variables),
        "constraints": len(proto.constraints),
    }


def run_one(suite: str, name: str) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "benchmarks.build", "--one", suite, name]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    for line in out.stdout.splitlines():
        if line.startswith(MARKER):
            result: dict[str, Any] = json.loads(line[len(MARKER) :])
            return result
    return {"instance": name, "error": (out.stderr or out.stdout)[-2000:]}


def markdown(doc: dict[str, Any]) -> str:
    lines = [
        f"# Model build: {doc['suite']}",
        "",
        f"{doc['date']}, commit {doc['commit']}, OR-Tools {doc['ortools']}, "
        f"{doc['machine'].get('cpu_count')} CPUs, load average at start "
        f"{doc['machine'].get('load_average_at_start')}; {doc['repeat']} build(s) per instance, "
        "each in a fresh process, no search.",
        "",
        f"Command: `{doc['command']}`",
        "",
        "| instance | staff x days x shifts | variables | constraints | build s (median) "
        "| build s (range) | CPU s (median) | peak MB (median) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in doc["rows"]:
        runs = [r for r in row["runs"] if "error" not in r]
        if not runs:
            lines.append(f"| {row['instance']} | error | | | | | | |")
            continue
        times = [r["build_time"] for r in runs]
        r0 = runs[0]
        lines.append(
            f"| {row['instance']} | {r0['staff']} x {r0['days']} x {r0['shifts']} "
            f"| {r0['variables']:,} | {r0['constraints']:,} "
            f"| {statistics.median(times):.2f} | {min(times):.2f}-{max(times):.2f} "
            f"| {statistics.median(r.get('build_cpu', 0) for r in runs):.2f} "
            f"| {statistics.median(r['peak_rss_mb'] for r in runs):,.0f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--one"]:
        out = build_one(argv[1], argv[2])
        sys.stdout.write("\n" + MARKER + json.dumps(out) + "\n")
        return 0
    ap = argparse.ArgumentParser(prog="python -m benchmarks.build", description=__doc__)
    ap.add_argument("suite", choices=SUITES)
    ap.add_argument("--instances", default=None, help="comma-separated names or numbers")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--tag", default=None)
    args = ap.parse_args(argv)
    picked = cases(args.suite, args.instances.split(",") if args.instances else None)
    doc: dict[str, Any] = {
        "suite": args.suite,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": git_commit(),
        "ortools": ortools_version(),
        "machine": machine(),
        "repeat": args.repeat,
        "command": "python -m benchmarks.build " + " ".join(argv),
        "rows": [],
    }
    name = f"build-{args.suite}" + (f"-{args.tag}" if args.tag else "")
    RESULTS.mkdir(parents=True, exist_ok=True)
    failed = False
    for case in picked:
        row: dict[str, Any] = {"instance": case.name, "runs": []}
        doc["rows"].append(row)
        for _ in range(args.repeat):
            r = run_one(args.suite, case.name)
            failed |= "error" in r
            row["runs"].append(r)
            print(case.name, r.get("build_time"), r.get("peak_rss_mb"), r.get("error", ""))
            (RESULTS / f"{name}.json").write_text(json.dumps(doc, indent=1) + "\n")
            (RESULTS / f"{name}.md").write_text(markdown(doc))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
