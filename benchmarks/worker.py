"""Solve one benchmark case in this process and print one JSON line of figures.

Run by the runner as a subprocess (``python -m benchmarks.worker SUITE NAME TIME WORKERS``), so
that the peak memory (``ru_maxrss``) belongs to this one solve.
"""

from __future__ import annotations

import json
import resource
import sys
import time
import traceback
from typing import Any

MARKER = "BENCHMARK-RESULT "


def _rss_mb() -> float:
    # Linux reports ru_maxrss in KiB (macOS in bytes).
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round((kb / 1024 / 1024 if sys.platform == "darwin" else kb / 1024), 1)


def run_case(suite: str, name: str, time_limit: float, workers: int) -> dict[str, Any]:
    from benchmarks.suites import load
    from roster.validation import check

    out: dict[str, Any] = {"suite": suite, "instance": name}
    t0 = time.perf_counter()
    problem, scorer = load(suite, name)
    out["load_time"] = round(time.perf_counter() - t0, 3)
    out["staff"] = len(problem.staff)
    out["days"] = problem.horizon.days

    from solver import solve  # imported after loading, so load_time excludes it

    out["baseline_rss_mb"] = _rss_mb()
    first: list[float] = []
    t_solve = time.perf_counter()

    def on_progress(p: Any) -> None:
        if not first:
            first.append(time.perf_counter() - t_solve)

    result = solve(problem, time_limit=time_limit, workers=workers, on_progress=on_progress)
    out["solve_call_time"] = round(time.perf_counter() - t_solve, 3)
    out["peak_rss_mb"] = _rss_mb()
    out["status"] = str(result.status.value if hasattr(result.status, "value") else result.status)
    out["objective"] = result.objective
    out["bound"] = result.bound
    out["gap"] = result.gap
    out["wall_time"] = round(result.wall_time, 3)
    out["build_time"] = round(result.build_time, 3)
    fst = result.first_solution_time
    out["first_feasible_time"] = (
        round(fst, 3) if fst is not None else (round(first[0], 3) if first else None)
    )
    out["messages"] = list(result.messages)[:10]
    if result.roster is not None:
        t1 = time.perf_counter()
        report = check(problem, result.roster)
        out["referee_time"] = round(time.perf_counter() - t1, 3)
        out["referee_objective"] = report.objective
        out["referee_violations"] = len(report.violations)
        out["referee_violation_rules"] = sorted({v.rule for v in report.violations})
        out["referee_agrees"] = report.objective == result.objective and not report.violations
        if scorer is not None:
            out.update(scorer(result.roster))
    else:
        out["referee_agrees"] = None
    return out


def run_plain(name: str, time_limit: float, workers: int) -> dict[str, Any]:
    """The plain CP-SAT model of Curtois & Qu instance ``name`` (see
    :mod:`benchmarks.plain_curtois`), its roster checked by the benchmark's own evaluator."""
    from benchmarks import plain_curtois
    from benchmarks.suites import CURTOIS_DIR
    from roster.formats import curtois

    inst = curtois.read_raw(CURTOIS_DIR / f"Instance{name}.txt")
    res = plain_curtois.solve(inst, time_limit, workers)
    out: dict[str, Any] = {
        "suite": "curtois-qu-plain",
        "instance": name,
        "status": res["status"].lower(),
        "objective": res["objective"],
        "bound": res["bound"],
        "wall_time": res["wall_time"],
        "peak_rss_mb": _rss_mb(),
    }
    if res["grid"] is not None:
        bad, obj = curtois.evaluate(inst, res["grid"])
        out["benchmark_objective"] = obj
        out["benchmark_violations"] = len(bad)
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    suite, name, time_limit, workers = argv[0], argv[1], float(argv[2]), int(argv[3])
    try:
        if suite == "curtois-qu-plain":
            out = run_plain(name, time_limit, workers)
        else:
            out = run_case(suite, name, time_limit, workers)
    except Exception as e:  # reported, not raised: one broken case must not stop a suite
        out = {
            "suite": suite,
            "instance": name,
            "status": "error",
            "error": f"{type(e).__name__}: {e}",
            "traceback": traceback.format_exc()[-4000:],
        }
    sys.stdout.write("\n" + MARKER + json.dumps(out) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
