"""The LNS's neighbourhood solves under CP-SAT parameter variants, on the same neighbourhoods.

    python -m benchmarks.lns_subsolves [--instances 12,13] [--seconds 60] [--keep 40]
                                       [--sub-time 0.5] [--tag NAME]

For each Curtois & Qu instance, one whole solve (``--seconds``, 2 workers, the LNS's bound
worker off so that the LNS runs from the start of its phase) records the sub-model of every
other neighbourhood our LNS cuts (:func:`solver.lns.extract`), up to ``--keep``. Each is then
solved alone on one worker for ``--sub-time`` seconds under each variant in turn (the variants
interleaved per sub-model, so a busy spell of the machine hits them alike): CP-SAT's defaults,
its full linear relaxation alone, and the LNS's own parameters (:data:`solver.lns.SUB_PARAMS`).
Per variant and instance: the sum of the gains (the sub-objective where it was cut minus the
solve's), how many sub-models improved, how many were proven optimal, the median seconds.
Results go to ``benchmarks/results/lns-subsolves[-<tag>].md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import time
from typing import Any

from benchmarks.runner import RESULTS, git_commit, machine, ortools_version


def variants() -> dict[str, dict[str, Any]]:
    """The parameter sets compared, by name."""
    from solver import lns

    return {
        "defaults": {},
        "linearization 2": {"linearization_level": 2},
        "LNS's own (SUB_PARAMS)": dict(lns.SUB_PARAMS),
        "SUB_PARAMS, no probing": {**lns.SUB_PARAMS, "cp_model_probing_level": 0},
        "SUB_PARAMS, no presolve": {**lns.SUB_PARAMS, "cp_model_presolve": False},
    }


def capture(name: str, seconds: float, keep: int) -> list[Any]:
    """Sub-models (protos) of every other neighbourhood of one whole solve of ``name``."""
    from benchmarks.suites import load
    from solver import lns, search

    kept: list[Any] = []
    seen = [0]
    real = lns.extract

    def spy(index: Any, free: Any, sol: Any) -> Any:
        sub = real(index, free, sol)
        if seen[0] % 2 == 0 and len(kept) < keep:
            kept.append(sub.model.clone().proto)
        seen[0] += 1
        return sub

    problem, _ = load("curtois-qu", name)
    bound = search.LNS_BOUND
    lns.extract = spy
    search.LNS_BOUND = False
    try:
        search.solve(problem, seconds, 2)
    finally:
        lns.extract = real
        search.LNS_BOUND = bound
    return kept


def measure(protos: list[Any], sub_time: float) -> dict[str, dict[str, Any]]:
    from ortools.sat.python import cp_model

    compared = variants()
    rows: dict[str, dict[str, Any]] = {
        v: {"gain": 0, "improved": 0, "proven": 0, "seconds": []} for v in compared
    }
    for proto in protos:
        now = list(proto.objective.domain)[-1]  # the wrapped proto reads [-1] as 0
        for v, params in compared.items():
            model = cp_model.CpModel()
            model.proto.copy_from(proto)
            solver = cp_model.CpSolver()
            solver.parameters.max_time_in_seconds = sub_time
            solver.parameters.num_workers = 1
            solver.parameters.symmetry_level = 0
            for key, value in params.items():
                setattr(solver.parameters, key, value)
            t0 = time.perf_counter()
            code = solver.solve(model)
            row = rows[v]
            row["seconds"].append(time.perf_counter() - t0)
            row["proven"] += code == cp_model.OPTIMAL
            if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                gain = now - round(solver.objective_value)
                row["gain"] += gain
                row["improved"] += gain > 0
    for row in rows.values():
        seconds = row.pop("seconds")
        # An instance whose solve cut no neighbourhood (the LNS did not run) has no times.
        row["median_seconds"] = round(statistics.median(seconds), 3) if seconds else None
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.lns_subsolves", description=__doc__)
    ap.add_argument("--instances", default="12,13,16,17,19,20")
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--keep", type=int, default=40)
    ap.add_argument("--sub-time", type=float, default=0.5)
    ap.add_argument("--tag", default=None)
    args = ap.parse_args(argv)
    started = dt.datetime.now().isoformat(timespec="seconds")
    load_at_start = list(os.getloadavg())
    results: dict[str, Any] = {}
    for name in args.instances.split(","):
        protos = capture(name, args.seconds, args.keep)
        results[name] = {"sub_models": len(protos), "variants": measure(protos, args.sub_time)}
        print(name, json.dumps(results[name]), flush=True)
    stem = "lns-subsolves" + (f"-{args.tag}" if args.tag else "")
    mach = machine()
    load_at_end = list(os.getloadavg())
    command = (
        "python -m benchmarks.lns_subsolves "
        f"--instances {args.instances} --seconds {args.seconds:g} --keep {args.keep} "
        f"--sub-time {args.sub_time:g}"
    )
    head = {
        "date": started,
        "command": command,
        "commit": git_commit(),
        "ortools": ortools_version(),
        "machine": mach,
        "load_at_start": load_at_start,
        "load_at_end": load_at_end,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{stem}.json").write_text(json.dumps({**head, "results": results}, indent=1))
    lines = [
        "# The LNS's neighbourhood solves under CP-SAT parameter variants",
        "",
        f"- date: {started}; command: `{command}`",
        f"- code at commit {head['commit']}, OR-Tools {head['ortools']}, "
        f"{mach['cpu_count']} CPUs ({mach.get('cpu', '?')}), "
        f"load average at start {[round(x, 2) for x in load_at_start]}, "
        f"at end {[round(x, 2) for x in load_at_end]}",
        f"- each sub-model solved alone on 1 worker for {args.sub_time:g} s per variant",
        "",
        "| instance | sub-models | variant | sum of gains | improved | proven optimal | median s |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, got in results.items():
        for v, row in got["variants"].items():
            lines.append(
                f"| {name} | {got['sub_models']} | {v} | {row['gain']} | {row['improved']} "
                f"| {row['proven']} | {row['median_seconds']} |"
            )
    (RESULTS / f"{stem}.md").write_text("\n".join(lines) + "\n")
    print(f"wrote {RESULTS / stem}.md and .json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
