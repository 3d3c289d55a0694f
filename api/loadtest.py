"""Load script (not a test): N concurrent roster requests and M reads against the API on
loopback; checks every job finishes and none is lost, prints read latency percentiles.

    python -m api.loadtest                 # starts its own server on 127.0.0.1 (temp SQLite)
    python -m api.loadtest --jobs 50 --reads 500 --solves 2
    python -m api.loadtest --url http://127.0.0.1:8000 --token $ROSTER_ADMIN_TOKEN
    python -m api.loadtest --broker amqp://guest:guest@127.0.0.1:5672// --workers 1,2,4 \
        --jobs 200 --reads 500         # Celery: one API and 1, 2, 4 worker processes in turn

With ``--broker``, each round gets a fresh database (temp SQLite, or a new schema of
``--database`` when it is PostgreSQL) and a queue of its own, starts one API instance and N
``roster worker --concurrency 1`` processes, and counts from the database and the workers'
solve log the jobs lost (must be 0) and the jobs solved more than once (must be 0); a table of
the rounds ends the output.

Only loopback addresses are accepted as targets. Every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

import httpx

FINAL = {"done", "infeasible", "failed", "stopped"}


def _loopback(url: str) -> bool:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _site(site_id: str, units: int, per_unit: int) -> dict:
    staff = [
        {
            "id": f"u{u}p{i}",
            "name": f"Người {u}-{i}",
            "unit": f"u{u}",
            "skills": ["counter"] if i < per_unit // 2 else [],
        }
        for u in range(units)
        for i in range(per_unit)
    ]
    return {
        "site": {
            "id": site_id,
            "name": "Load-test office",
            "units": [{"id": f"u{u}"} for u in range(units)],
            "shifts": [
                {"id": "am", "start": "07:30", "end": "11:30"},
                {"id": "pm", "start": "13:30", "end": "17:00"},
            ],
            "skills": ["counter"],
            "posts": [{"id": f"c{u}", "skill": "counter", "unit": f"u{u}"} for u in range(units)],
        },
        "staff": staff,
        "policy": {"cap": {"fraction": 0.5}},
        "reason": "load test",
    }


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run(
    url: str,
    token: str,
    jobs: int,
    reads: int,
    time_limit: float,
    deadline: float,
    stats: dict | None = None,
) -> int:
    h = {"Authorization": f"Bearer {token}"}
    client = httpx.Client(base_url=url, headers=h, timeout=30)
    site_id = f"load-{uuid.uuid4().hex[:6]}"
    units = 5
    r = client.post("/sites", json=_site(site_id, units, 8))
    r.raise_for_status()
    body = [
        {
            "site_id": site_id,
            "unit_id": f"u{i % units}",
            "start": "2021-12-13",
            "days": 5,
            "time_limit": time_limit,
        }
        for i in range(jobs)
    ]

    def submit(b: dict) -> tuple[float, int, str]:
        t = time.perf_counter()
        with httpx.Client(base_url=url, headers=h, timeout=30) as c:
            resp = c.post("/jobs", json=b)
        return time.perf_counter() - t, resp.status_code, resp.json().get("id", "")

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=min(jobs, 50)) as pool:
        submitted = list(pool.map(submit, body))
    submit_lat = [s[0] for s in submitted]
    ids = [s[2] for s in submitted if s[1] == 202]
    print(
        f"submitted {len(ids)}/{jobs} jobs (202) in {time.perf_counter() - t0:.2f}s; "
        f"POST p95 {pct(submit_lat, 0.95) * 1000:.0f} ms"
    )

    paths = ["/sites", f"/sites/{site_id}", f"/sites/{site_id}/policy", "/jobs?limit=20", "/health"]

    def read(i: int) -> tuple[float, int]:
        path = f"/jobs/{ids[i % len(ids)]}" if i % 2 == 0 and ids else paths[i % len(paths)]
        t = time.perf_counter()
        resp = pool_client.get(path)
        return time.perf_counter() - t, resp.status_code

    limits = httpx.Limits(max_connections=20, max_keepalive_connections=20)
    pool_client = httpx.Client(base_url=url, headers=h, timeout=30, limits=limits)
    t1 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(read, range(reads)))
    lat = [x[0] for x in results]
    codes = Counter(x[1] for x in results)
    print(
        f"{reads} reads in {time.perf_counter() - t1:.2f}s while solving: status {dict(codes)}; "
        f"p50 {pct(lat, 0.5) * 1000:.1f} ms, p95 {pct(lat, 0.95) * 1000:.1f} ms, "
        f"max {max(lat) * 1000:.1f} ms"
    )

    final: dict[str, str] = {}
    while time.monotonic() < deadline and len(final) < len(ids):
        for job_id in ids:
            if job_id in final:
                continue
            st = client.get(f"/jobs/{job_id}").json()["status"]
            if st in FINAL:
                final[job_id] = st
        time.sleep(0.5)
    elapsed = time.perf_counter() - t0
    with ThreadPoolExecutor(max_workers=20) as pool:
        idle = [x[0] for x in pool.map(read, range(reads))]
    print(
        f"{reads} reads after the solves: p50 {pct(idle, 0.5) * 1000:.1f} ms, "
        f"p95 {pct(idle, 0.95) * 1000:.1f} ms"
    )
    listed = {
        j["id"] for j in client.get("/jobs", params={"site_id": site_id, "limit": 500}).json()
    }
    lost = [i for i in ids if i not in listed]
    unfinished = [i for i in ids if i not in final]
    print(
        f"jobs: {dict(Counter(final.values()))}; unfinished {len(unfinished)}; "
        f"lost {len(lost)}; all finished in {elapsed:.1f}s"
    )
    for job_id, st in final.items():
        if st != "done":
            print(f"  job {job_id}: {st}: {client.get(f'/jobs/{job_id}').json()['message']}")
    ok = len(ids) == jobs and not unfinished and not lost and codes.get(200, 0) == reads
    print("RESULT:", "ok" if ok else "FAILED")
    if stats is not None:
        stats.update(
            ids=ids,
            final=final,
            lost=len(lost) + (jobs - len(ids)),
            unfinished=len(unfinished),
            elapsed=elapsed,
            read_p50=pct(lat, 0.5),
            read_p95=pct(lat, 0.95),
            read_codes=dict(codes),
            ok=ok,
        )
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m api.loadtest",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--url", help="a running server on loopback (default: start one)")
    ap.add_argument("--token", default=os.environ.get("ROSTER_ADMIN_TOKEN"))
    ap.add_argument("--jobs", type=int, default=50)
    ap.add_argument("--reads", type=int, default=500)
    ap.add_argument("--time-limit", type=float, default=1.0)
    ap.add_argument("--solves", type=int, default=2, help="max concurrent solves (own server)")
    ap.add_argument("--timeout", type=float, default=600, help="give up after this many seconds")
    ap.add_argument("--broker", help="Celery broker URL: run rounds with worker processes")
    ap.add_argument("--workers", default="1,2,4", help="worker processes per round (--broker)")
    ap.add_argument("--database", help="PostgreSQL URL for the rounds (default: temp SQLite)")
    ap.add_argument(
        "--big",
        metavar="STAFFxWEEKS",
        help="instead of small jobs: one generated site of this size (e.g. 3000x4) solved "
        "whole and split into --split part jobs, with --workers worker processes",
    )
    ap.add_argument("--split", type=int, default=2, help="part jobs of --big (default 2)")
    args = ap.parse_args(argv)
    deadline = time.monotonic() + args.timeout
    if args.broker:
        if not _loopback(args.broker):
            print("error: only a broker on loopback", file=sys.stderr)
            return 2
        counts = [int(n) for n in args.workers.split(",") if n.strip()]
        if args.big:
            return big_rounds(args, counts)
        return rounds(args, counts)
    if args.url:
        if not _loopback(args.url):
            print("error: only loopback targets (127.0.0.0/8, ::1, localhost)", file=sys.stderr)
            return 2
        if not args.token:
            print("error: --token or ROSTER_ADMIN_TOKEN is needed", file=sys.stderr)
            return 2
        return run(args.url, args.token, args.jobs, args.reads, args.time_limit, deadline)
    token = secrets.token_urlsafe(16)
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "ROSTER_DATABASE_URL": f"sqlite:///{Path(tmp) / 'load.db'}",
            "ROSTER_ADMIN_TOKEN": token,
            "ROSTER_MAX_CONCURRENT_SOLVES": str(args.solves),
            "ROSTER_SOLVER_WORKERS": "1",
            "ROSTER_MAX_QUEUED_JOBS_PER_TOKEN": str(args.jobs + 1),
        }
        server = subprocess.Popen(
            [sys.executable, "-c", f"from api.main import run; run('127.0.0.1', {port})"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            else:
                print("error: the server did not start", file=sys.stderr)
                return 1
            return run(url, token, args.jobs, args.reads, args.time_limit, deadline)
        finally:
            server.terminate()
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()


def _wait_up(url: str, workers: int | None, timeout: float = 120) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            r = httpx.get(f"{url}/health", timeout=5)
            if workers is None or r.json().get("workers") == workers:
                return True
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.3)
    return False


def _fresh_database(
    base: str | None, tmp: str, n: int
) -> tuple[dict[str, str], Callable[[], None]]:
    """Settings env of a new database and a function that drops it."""
    if not base:
        return {"ROSTER_DATABASE_URL": f"sqlite:///{Path(tmp) / f'load{n}.db'}"}, lambda: None
    from sqlalchemy import create_engine, text

    schema = f"roster_load_{uuid.uuid4().hex[:8]}"
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()

    return {"ROSTER_DATABASE_URL": base, "ROSTER_DB_SCHEMA": schema}, drop


def _attempts(env: dict[str, str], ids: list[str]) -> dict[str, int]:
    from sqlalchemy import select

    from api.db import make_engine
    from api.models import Job
    from api.settings import Settings

    settings = Settings(
        _env_file=None,
        database_url=env["ROSTER_DATABASE_URL"],
        db_schema=env.get("ROSTER_DB_SCHEMA"),
    )
    engine = make_engine(settings)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(Job.id, Job.attempts).where(Job.id.in_(ids))).all()
        return {r[0]: r[1] for r in rows}
    finally:
        engine.dispose()


def rounds(args: argparse.Namespace, counts: list[int]) -> int:
    """One round per worker count: API + N workers on a fresh database and queue."""
    table = []
    code = 0
    for n in counts:
        token = secrets.token_urlsafe(16)
        port = _free_port()
        with tempfile.TemporaryDirectory() as tmp:
            db_env, drop = _fresh_database(args.database, tmp, n)
            log = Path(tmp) / "solves.log"
            env = {
                **os.environ,
                **db_env,
                "ROSTER_ADMIN_TOKEN": token,
                "ROSTER_BROKER_URL": args.broker,
                "ROSTER_QUEUE_NAME": f"roster-load-{uuid.uuid4().hex[:8]}",
                "ROSTER_SOLVER_WORKERS": "1",
                "ROSTER_SOLVE_LOG": str(log),
                "ROSTER_MAX_QUEUED_JOBS_PER_TOKEN": str(args.jobs + 1),
            }
            procs = []
            url = f"http://127.0.0.1:{port}"
            try:
                api = [sys.executable, "-c", f"from api.main import run; run('127.0.0.1', {port})"]
                procs.append(
                    subprocess.Popen(
                        api, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                    )
                )
                if not _wait_up(url, None):
                    print("error: the server did not start", file=sys.stderr)
                    return 1
                worker = [
                    sys.executable,
                    "-m",
                    "cli.main",
                    "worker",
                    "--concurrency=1",
                    "--loglevel=WARNING",
                ]
                for _ in range(n):
                    procs.append(
                        subprocess.Popen(
                            worker, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                        )
                    )
                if not _wait_up(url, n):
                    print(f"error: {n} workers did not come up", file=sys.stderr)
                    return 1
                print(f"--- {n} worker process(es)")
                stats: dict = {}
                deadline = time.monotonic() + args.timeout
                rc = run(url, token, args.jobs, args.reads, args.time_limit, deadline, stats)
                solves = Counter(
                    line.split()[0]
                    for line in (log.read_text().splitlines() if log.exists() else [])
                )
                attempts = _attempts(env, stats["ids"])
                twice = sorted({i for i in stats["ids"] if solves[i] > 1 or attempts.get(i, 0) > 1})
                done = sum(1 for v in stats["final"].values() if v == "done")
                table.append(
                    (
                        n,
                        done,
                        stats["lost"],
                        stats["unfinished"],
                        len(twice),
                        stats["elapsed"],
                        stats["read_p50"],
                        stats["read_p95"],
                    )
                )
                code = code or rc or (1 if twice else 0)
            finally:
                for p in procs:
                    p.terminate()
                for p in procs:
                    try:
                        p.wait(30)
                    except subprocess.TimeoutExpired:
                        p.kill()
                drop()
    print()
    print(f"{args.jobs} jobs (time limit {args.time_limit:g} s), {args.reads} reads while solving")
    print(
        "| workers | done | lost | unfinished | solved twice | all done in | jobs/min "
        "| read p50 | read p95 |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for n, done, lost, unf, n_twice, el, p50, p95 in table:
        print(
            f"| {n} | {done} | {lost} | {unf} | {n_twice} | {el:.1f} s | {done / el * 60:.0f} "
            f"| {p50 * 1000:.0f} ms | {p95 * 1000:.0f} ms |"
        )
    return code


def _start_cluster(env: dict[str, str], port: int, n: int) -> list[subprocess.Popen] | None:
    url = f"http://127.0.0.1:{port}"
    api = [sys.executable, "-c", f"from api.main import run; run('127.0.0.1', {port})"]
    quiet = subprocess.DEVNULL
    procs = [subprocess.Popen(api, env=env, stdout=quiet, stderr=quiet)]
    if not _wait_up(url, None):
        _stop(procs)
        return None
    worker = [sys.executable, "-m", "cli.main", "worker", "--concurrency=1", "--loglevel=WARNING"]
    procs += [subprocess.Popen(worker, env=env, stdout=quiet, stderr=quiet) for _ in range(n)]
    if not _wait_up(url, n):
        _stop(procs)
        return None
    return procs


def _stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            p.kill()
    return


def big_rounds(args: argparse.Namespace, counts: list[int]) -> int:
    """The generated site ``--big`` solved by one job: whole (split off) on one worker, then
    split into ``--split`` part jobs on each worker count."""
    from scenarios.generator import generate

    staff, weeks = (int(x) for x in args.big.lower().split("x"))
    problem = generate(staff, weeks=weeks, seed=0)
    body = {
        "site": problem.site.model_dump(mode="json"),
        "staff": [s.model_dump(mode="json") for s in problem.staff],
        "policy": problem.policy.model_dump(mode="json"),
        "absences": [a.model_dump(mode="json") for a in problem.absences],
        "requests": [r.model_dump(mode="json") for r in problem.requests],
        "fixed": [f.model_dump(mode="json") for f in problem.fixed],
        "reason": "load test",
    }
    plan = [(1, 0)] + [(n, args.split) for n in counts]
    table = []
    for n, split in plan:
        token = secrets.token_urlsafe(16)
        port = _free_port()
        with tempfile.TemporaryDirectory() as tmp:
            db_env, drop = _fresh_database(args.database, tmp, n)
            log = Path(tmp) / "solves.log"
            env = {
                **os.environ,
                **db_env,
                "ROSTER_ADMIN_TOKEN": token,
                "ROSTER_BROKER_URL": args.broker,
                "ROSTER_QUEUE_NAME": f"roster-big-{uuid.uuid4().hex[:8]}",
                "ROSTER_SOLVER_WORKERS": "1",
                "ROSTER_SOLVE_LOG": str(log),
                "ROSTER_SPLIT_PARTS": str(split),
                "ROSTER_MAX_QUEUED_JOBS_PER_TOKEN": "10",
                "ROSTER_MAX_TIME_LIMIT": str(max(60.0, args.time_limit)),
            }
            procs = _start_cluster(env, port, n)
            if procs is None:
                print("error: the cluster did not start", file=sys.stderr)
                return 1
            try:
                c = httpx.Client(
                    base_url=f"http://127.0.0.1:{port}",
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=120,
                )
                c.post("/sites", json=body).raise_for_status()
                t0 = time.perf_counter()
                r = c.post(
                    "/jobs",
                    json={
                        "site_id": problem.site.id,
                        "start": problem.horizon.start.isoformat(),
                        "days": problem.horizon.days,
                        "time_limit": args.time_limit,
                    },
                )
                r.raise_for_status()
                job_id = r.json()["id"]
                end = time.monotonic() + args.timeout
                job = r.json()
                while job["status"] in ("queued", "solving") and time.monotonic() < end:
                    time.sleep(1)
                    job = c.get(f"/jobs/{job_id}").json()
                wall = time.perf_counter() - t0
                ok = None
                if job.get("roster_id"):
                    rev = c.get(f"/rosters/{job['roster_id']}").json()["revision"]
                    ok = rev["report"]["ok"]
                lines = log.read_text().splitlines() if log.exists() else []
                where = Counter(line.split()[1] for line in lines)
                print(
                    f"--- {n} worker(s), split {split}: {job['status']} in {wall:.1f} s, "
                    f"objective {job['objective']}, bound {job['bound']}, referee ok {ok}, "
                    f"solves per worker {sorted(where.values())}; {job['message']}"
                )
                table.append((n, split, job, wall, ok, sorted(where.values())))
            finally:
                _stop(procs)
                drop()
    print()
    print(f"site {args.big} (seed 0), job time limit {args.time_limit:g} s, 1 CP-SAT thread")
    print(
        "| workers | part jobs | status | wall to done | objective | bound | gap | refereed "
        "| solves per worker |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for n, split, job, wall, ok, per_worker in table:
        gap = job.get("gap")
        print(
            f"| {n} | {split or 'whole'} | {job['status']} | {wall:.1f} s | {job['objective']} "
            f"| {job['bound']} | {'' if gap is None else f'{gap:.1%}'} | {ok} | {per_worker} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
