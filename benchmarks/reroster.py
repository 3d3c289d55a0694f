"""Re-roster after a positive case, on every built-in scenario: how long it takes, whether the
referee accepts the new roster, and what changed.

    python -m benchmarks.reroster [--time-limit 10] [--workers 2] [--scenarios a,b] [--tag NAME]

For each scenario: the week is solved (``--solve-limit``, default 20 s), then, for the first
three open days, the person at the first post with a skill on that day (in the published
roster's order) tests positive that day, and the week is re-rostered from that day
(``solver.reroster.reroster`` with ``--time-limit`` and ``--workers``: close contacts by the
scenario's isolation rule). Each row: the case, the status, whether it had to break hard rules
(``softened``; then the first line of the explanation), changed cells, team moves, the
referee's hard violations, and the wall time of the re-roster alone. Results go to
``benchmarks/results/reroster[-<tag>].md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from typing import Any

from benchmarks.runner import RESULTS, git_commit, machine, ortools_version
from roster.events import Event
from roster.io import list_scenarios, load_scenario
from roster.validation import check
from solver.reroster import reroster
from solver.search import solve


def cases(name: str, solve_limit: float, workers: int) -> tuple[Any, Any, list[Event]]:
    problem = load_scenario(name)
    res = solve(problem, time_limit=solve_limit, workers=workers)
    if res.roster is None or not check(problem, res.roster).ok:
        return problem, None, []
    skilled = {p.id for p in problem.site.posts if p.skill}
    days = sorted({a.date for a in res.roster.assignments})[:3]
    events = []
    for day in days:
        who = next(
            (a.staff for a in res.roster.assignments if a.date == day and a.post in skilled),
            None,
        )
        if who is not None:
            events.append(Event(kind="positive", staff=who, date=day))
    return problem, res.roster, events


def run(names: list[str], time_limit: float, workers: int, solve_limit: float) -> list[dict]:
    rows: list[dict] = []
    for name in names:
        problem, published, events = cases(name, solve_limit, workers)
        if published is None:
            rows.append({"scenario": name, "note": "no valid published roster"})
            continue
        for ev in events:
            t0 = time.perf_counter()
            r = reroster(problem, published, [ev], time_limit=time_limit, workers=workers)
            wall = time.perf_counter() - t0
            row = {
                "scenario": name,
                "staff": len(problem.staff),
                "case": f"{ev.staff} {ev.date.isoformat()}",
                "contacts": sum(1 for i in r.isolated if i.source == ev.staff),
                "status": r.status.value,
                "softened": r.softened,
                "valid": bool(r.report is not None and r.report.ok),
                "changed_cells": r.changed_cells,
                "moves": len(r.moved),
                "violations": len(r.report.violations) if r.report is not None else None,
                "wall_s": round(wall, 2),
                "why": r.explanation[1] if len(r.explanation) > 1 else "",
            }
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    return rows


def table(rows: list[dict]) -> str:
    head = "| scenario | staff | case | contacts | status | valid | cells | moves | broken | s |"
    out = [head, "|" + "---|" * 10]
    for r in rows:
        if "case" not in r:
            out.append(f"| {r['scenario']} | | {r['note']} | | | | | | | |")
            continue
        status = r["status"] + (" (softened)" if r["softened"] else "")
        out.append(
            f"| {r['scenario']} | {r['staff']} | {r['case']} | {r['contacts']} | {status} | "
            f"{'yes' if r['valid'] else 'no'} | {r['changed_cells']} | {r['moves']} | "
            f"{r['violations']} | {r['wall_s']} |"
        )
    whys = [r for r in rows if r.get("why")]
    if whys:
        out.append("")
        out.append("Why no valid re-roster (first rule of the explanation):")
        out += [f"- {r['scenario']} {r['case']}: {r['why']}" for r in whys]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.reroster")
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--solve-limit", type=float, default=20.0)
    ap.add_argument("--scenarios", default="")
    ap.add_argument("--tag", default="")
    args = ap.parse_args(argv)
    names = [n for n in args.scenarios.split(",") if n] or list_scenarios()
    rows = run(names, args.time_limit, args.workers, args.solve_limit)
    stem = "reroster" + (f"-{args.tag}" if args.tag else "")
    RESULTS.mkdir(parents=True, exist_ok=True)
    meta = {
        "command": f"python -m benchmarks.reroster --time-limit {args.time_limit:g} "
        f"--workers {args.workers} --solve-limit {args.solve_limit:g}",
        "date": dt.date.today().isoformat(),
        "commit": git_commit(),
        "ortools": ortools_version(),
        "machine": machine(),
    }
    (RESULTS / f"{stem}.json").write_text(
        json.dumps({"meta": meta, "rows": rows}, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    (RESULTS / f"{stem}.md").write_text(
        f"# Re-roster after a positive case\n\n`{meta['command']}` at {meta['commit']}\n\n"
        + table(rows),
        encoding="utf-8",
    )
    return 0 if all(r.get("valid") or r.get("softened") for r in rows if "case" in r) else 1


if __name__ == "__main__":
    raise SystemExit(main())
