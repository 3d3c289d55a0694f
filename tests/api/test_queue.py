"""The Celery job engine with real services and real faults: RabbitMQ (a vhost of its own per
run), real ``roster worker`` and API processes, kill -9, SIGTERM, and the database cut for 10 s
through a TCP proxy the test controls.

The broker is ``ROSTER_TEST_BROKER_URL`` (``.ci/run`` sets it), else RabbitMQ on
127.0.0.1:5672; the tests skip when it does not answer. The database is a PostgreSQL schema of
their own when ``ROSTER_TEST_POSTGRES_URL`` is set (the cut test needs it), else a SQLite file.
Solves are the scripted ones of ``tests/api/fakesolver.py`` (``sleepy``: 3 s of progress, then
the real solver; ``quick``: a roster at once), which log each solve so the tests count them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
from sqlalchemy import select

from api.db import make_engine, migrate, session_factory
from api.models import Job
from tests.api.helpers import (
    ADMIN,
    HR,
    PG_URL,
    RABBIT_DOWN,
    START,
    make_settings,
    pg_schema,
    site_body,
)

ROOT = Path(__file__).resolve().parents[2]
FINAL = ("done", "infeasible", "failed", "stopped")
SQL_WORDS = re.compile(r"\b(SELECT|UPDATE|INSERT|DELETE FROM|psycopg|sqlalchemy|\[SQL)", re.I)
pytestmark = pytest.mark.skipif(RABBIT_DOWN is not None, reason=RABBIT_DOWN or "")


@pytest.fixture(scope="module")
def broker(rabbit_url: str) -> str:
    return rabbit_url


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Iterator[dict[str, Any]]:
    """One migrated database for the module's processes."""
    if PG_URL:
        schema = f"roster_q_{uuid.uuid4().hex[:10]}"
        pg_schema(True, schema)
        db = {"database_url": PG_URL, "db_schema": schema}
    else:
        db = {"database_url": f"sqlite:///{tmp_path_factory.mktemp('qdb') / 'q.db'}"}
    engine = make_engine(make_settings(db))
    migrate(engine)
    engine.dispose()
    try:
        yield db
    finally:
        if PG_URL:
            pg_schema(False, db["db_schema"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> set[int]:
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            out |= {int(x) for x in (task / "children").read_text().split()}
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Cluster:
    """API instances and workers as real processes on one database and one broker queue."""

    def __init__(self, tmp: Path, database: dict[str, Any], broker: str, **env: str) -> None:
        self.tmp = tmp
        self.database = database
        self.solve_log = tmp / "solves.log"
        self.env = {
            **os.environ,
            "ROSTER_DATABASE_URL": database["database_url"],
            "ROSTER_BROKER_URL": broker,
            "ROSTER_QUEUE_NAME": f"roster-test-{uuid.uuid4().hex[:8]}",
            "ROSTER_ADMIN_TOKEN": ADMIN,
            "ROSTER_SOLVE_FUNCTION": "tests.api.fakesolver:solve",
            "ROSTER_SOLVER_WORKERS": "1",
            "ROSTER_DEFAULT_TIME_LIMIT": "2",
            "ROSTER_MAX_TIME_LIMIT": "10",
            "ROSTER_PROGRESS_INTERVAL": "0.2",
            "ROSTER_JOB_LEASE": "3",
            "ROSTER_SWEEP_INTERVAL": "2",
            "ROSTER_TEST_SOLVE_LOG": str(self.solve_log),
            "ROSTER_MAX_QUEUED_JOBS_PER_TOKEN": "1000",
            "ROSTER_AUTH_FAILURES_PER_MINUTE": "1000",
            "PYTHONPATH": str(ROOT),
            **env,
        }
        if database.get("db_schema"):
            self.env["ROSTER_DB_SCHEMA"] = database["db_schema"]
        self.env.pop("ROSTER_TEST_BROKER_URL", None)
        self.procs: list[subprocess.Popen] = []
        self._n = 0
        engine_settings = make_settings(database)
        self.engine = make_engine(engine_settings)
        self.factory = session_factory(self.engine)

    def _start(self, args: list[str], name: str) -> subprocess.Popen:
        self._n += 1
        log = open(self.tmp / f"{name}-{self._n}.log", "wb")  # noqa: SIM115 - closed by the OS
        p = subprocess.Popen(
            args,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append(p)
        return p

    def worker(self, concurrency: int = 1) -> subprocess.Popen:
        args = [sys.executable, "-m", "cli.main", "worker", f"--concurrency={concurrency}"]
        return self._start(args + ["--loglevel=WARNING"], "worker")

    def api(self) -> tuple[subprocess.Popen, httpx.Client]:
        port = _free_port()
        p = self._start(
            [sys.executable, "-c", f"from api.main import run; run('127.0.0.1', {port})"], "api"
        )
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=HR, timeout=30)
        deadline = time.monotonic() + 90
        while True:
            try:
                client.get("/health")
                return p, client
            except httpx.HTTPError:
                assert p.poll() is None, "the API process ended at start-up"
                assert time.monotonic() < deadline, "the API did not start"
                time.sleep(0.3)

    def close(self) -> None:
        for p in self.procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            p.wait(10)
        self.engine.dispose()

    def solves(self) -> Counter[str]:
        if not self.solve_log.exists():
            return Counter()
        return Counter(self.solve_log.read_text().split("\n")[:-1])

    def attempts(self, job_id: str) -> int:
        with self.factory() as s:
            return int(s.scalar(select(Job.attempts).where(Job.id == job_id)) or 0)


@pytest.fixture
def cluster(tmp_path, database, broker) -> Iterator[Cluster]:
    c = Cluster(tmp_path, database, broker)
    try:
        yield c
    finally:
        c.close()


def wait_health(client: httpx.Client, workers: int, timeout: float = 90.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        r = client.get("/health")
        body = r.json()
        if body.get("workers") == workers and (r.status_code == 200) == (workers > 0):
            return body
        assert time.monotonic() < deadline, f"health never showed {workers} workers: {body}"
        time.sleep(0.5)


def wait_status(
    client: httpx.Client, job_id: str, until: tuple[str, ...] = FINAL, timeout: float = 120.0
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            r = client.get(f"/jobs/{job_id}")
            if r.status_code == 200 and r.json()["status"] in until:
                return r.json()
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, f"job {job_id} never reached {until}"
        time.sleep(0.2)


def wait_progress(client: httpx.Client, job_id: str, timeout: float = 60.0) -> None:
    """Until the job is solving and its solver has reported progress (the solve has begun)."""
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(f"/jobs/{job_id}").json()
        if job["status"] == "solving" and job["elapsed"] > 0:
            return
        assert time.monotonic() < deadline, f"job {job_id} never made progress: {job}"
        time.sleep(0.1)


def post_site(client: httpx.Client, name: str) -> str:
    site_id = f"q-{uuid.uuid4().hex[:8]}"
    r = client.post("/sites", json=site_body(site_id, name=name))
    assert r.status_code == 201, r.text
    return site_id


def post_job(client: httpx.Client, site_id: str, time_limit: float = 4, week: int = 0) -> str:
    start = (dt.date.fromisoformat(START) + dt.timedelta(days=7 * week)).isoformat()
    body = {"site_id": site_id, "unit_id": "tp", "start": start, "days": 5}
    r = client.post("/jobs", json={**body, "time_limit": time_limit})
    assert r.status_code == 202, r.text
    return r.json()["id"]


def assert_refereed(client: httpx.Client, job: dict[str, Any]) -> None:
    assert job["status"] == "done", job
    roster = client.get(f"/rosters/{job['roster_id']}").json()
    assert roster["job_id"] == job["id"]
    assert roster["revision"]["report"]["ok"] is True, roster["revision"]["report"]


def test_kill_9_worker_mid_solve_job_is_redelivered(cluster: Cluster):
    _, api = cluster.api()
    w1 = cluster.worker()
    wait_health(api, 1)
    site_id = post_site(api, "sleepy office")
    job_id = post_job(api, site_id)
    wait_progress(api, job_id)
    solver = _children(w1.pid)
    assert solver, "the worker runs the solve in a child process"
    os.kill(w1.pid, signal.SIGKILL)
    w1.wait(10)
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in solver) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(p) for p in solver), "the solver child died with its worker"
    assert api.get(f"/jobs/{job_id}").json()["status"] == "solving"
    cluster.worker()
    job = wait_status(api, job_id)
    assert_refereed(api, job)
    assert cluster.attempts(job_id) == 2
    assert cluster.solves()[f"{site_id} {START}"] == 2


def test_sigterm_hands_the_job_back_then_it_is_done(cluster: Cluster):
    _, api = cluster.api()
    w1 = cluster.worker()
    wait_health(api, 1)
    site_id = post_site(api, "sleepy office")
    job_id = post_job(api, site_id)
    wait_progress(api, job_id)
    solver = _children(w1.pid)
    w1.send_signal(signal.SIGTERM)
    assert w1.wait(30) == 0, "warm shutdown"
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in solver) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [Path(f"/proc/{p}/cmdline").read_bytes() for p in solver if _alive(p)]
    assert not left, f"no process of the worker is left: {left}"
    job = api.get(f"/jobs/{job_id}").json()
    assert job["status"] == "queued" and "re-queued" in job["message"], job
    health = wait_health(api, 0)
    assert health["status"] == "unavailable" and health["queued"] == 1, health
    cluster.worker()
    job = wait_status(api, job_id)
    assert_refereed(api, job)
    assert cluster.attempts(job_id) == 1, "a hand-back is not a failed attempt"
    assert cluster.solves()[f"{site_id} {START}"] == 2


def test_kill_9_api_jobs_go_on_and_a_new_instance_reports_them(cluster: Cluster):
    api_proc, api = cluster.api()
    cluster.worker(concurrency=2)
    wait_health(api, 1)
    site_id = post_site(api, "sleepy office")
    ids = [post_job(api, site_id, week=w) for w in range(2)]
    for job_id in ids:
        wait_progress(api, job_id)
    os.killpg(api_proc.pid, signal.SIGKILL)
    api_proc.wait(10)
    _, api2 = cluster.api()
    for job_id in ids:  # the new instance's start-up left the live leases alone
        assert api2.get(f"/jobs/{job_id}").json()["status"] in ("solving", "done")
    for job_id in ids:
        assert_refereed(api2, wait_status(api2, job_id))
        assert cluster.attempts(job_id) == 1
    assert all(n == 1 for n in cluster.solves().values()) and len(cluster.solves()) == 2


def test_two_apis_two_workers_40_jobs_none_lost_none_twice(cluster: Cluster):
    _, api1 = cluster.api()
    _, api2 = cluster.api()
    cluster.worker(concurrency=2)
    cluster.worker(concurrency=2)
    wait_health(api1, 2)
    site_id = post_site(api1, "quick office")
    apis = [api1, api2]
    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(lambda i: post_job(apis[i % 2], site_id, 2, week=i), range(40)))
    assert len(set(ids)) == 40
    jobs = [wait_status(apis[i % 2], job_id, timeout=240) for i, job_id in enumerate(ids)]
    assert Counter(j["status"] for j in jobs) == {"done": 40}
    listed = api2.get("/jobs", params={"site_id": site_id, "limit": 100}).json()
    assert {j["id"] for j in listed} == set(ids), "none lost"
    solves = cluster.solves()
    assert len(solves) == 40 and set(solves.values()) == {1}, "each job solved once"
    assert all(cluster.attempts(i) == 1 for i in ids)


class TcpProxy:
    """A TCP proxy the test can cut: while cut, open connections are dropped and new ones are
    closed at once (the database is unreachable)."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.socks: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                conn.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                conn.close()
                continue
            with self.lock:
                self.socks += [conn, upstream]
            for a, b in ((conn, upstream), (upstream, conn)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        for s in (a, b):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.up = False
        with self.lock:
            socks, self.socks = self.socks, []
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.cut()
        self.listener.close()


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (ROSTER_TEST_POSTGRES_URL) to cut")
def test_database_unreachable_for_10_s(tmp_path, database, broker):
    u = urlparse(PG_URL)
    proxy = TcpProxy(u.hostname or "127.0.0.1", u.port or 5432)
    via_proxy = {**database, "database_url": PG_URL.replace(u.netloc, _netloc(u, proxy.port))}
    cluster = Cluster(tmp_path, via_proxy, broker, ROSTER_JOB_LEASE="30")
    try:
        _, api = cluster.api()
        cluster.worker(concurrency=2)
        wait_health(api, 1)
        site_id = post_site(api, "sleepy office")
        ids = [post_job(api, site_id, week=w) for w in range(4)]
        wait_status(api, ids[0], until=("solving",))
        proxy.cut()
        t0 = time.monotonic()
        seen: list[str] = []
        while time.monotonic() - t0 < 10:
            for path in (f"/jobs/{ids[0]}", "/health"):
                r = api.get(path)
                seen.append(r.text)
                assert r.status_code == 503, (path, r.status_code, r.text)
            time.sleep(1)
        proxy.restore()
        jobs = [wait_status(api, job_id, timeout=180) for job_id in ids]
        for job in jobs:
            assert_refereed(api, job)
            seen.append(job["message"])
        assert not [t for t in seen if SQL_WORDS.search(t)], "no SQL reaches a client"
        assert set(cluster.solves().values()) == {1}, "no roster was thrown away and re-solved"
        assert api.get("/jobs", params={"status": "solving", "site_id": site_id}).json() == []
    finally:
        cluster.close()
        proxy.close()


def _netloc(u: Any, port: int) -> str:
    auth = u.netloc.rsplit("@", 1)[0] + "@" if "@" in u.netloc else ""
    return f"{auth}127.0.0.1:{port}"


def test_stop_on_a_worker_keeps_the_best_roster_and_repair_runs_there(cluster: Cluster):
    _, api = cluster.api()
    cluster.worker(concurrency=2)
    wait_health(api, 1)
    site_id = post_site(api, "slow office")
    job_id = post_job(api, site_id, time_limit=8)
    deadline = time.monotonic() + 60
    while api.get(f"/jobs/{job_id}").json()["roster"] is None:
        assert time.monotonic() < deadline, "no roster in progress"
        time.sleep(0.1)
    r = api.delete(f"/jobs/{job_id}")
    assert r.status_code == 200, r.text
    job = r.json()
    assert job["status"] == "stopped" and job["roster"] is not None and job["roster_id"]
    assert job["elapsed"] < 8
    quick = post_site(api, "Tiny office")
    body = {"site_id": quick, "unit_id": "tp", "start": START, "days": 5, "time_limit": 3}
    r = api.post("/repair/explain", json=body, params={"wait": 60})
    assert r.status_code == 200, r.text
    assert "explanation" in r.json()


def test_split_site_parts_on_two_workers(tmp_path, database, broker):
    """A site that splits into independent parts: part jobs go to the queue, two workers solve
    them (the parent's worker helps), the parent joins a refereed roster; each part is solved
    once."""
    from tests.api.test_split import generated_site_body

    log = tmp_path / "solve-log.txt"
    cluster = Cluster(
        tmp_path,
        database,
        broker,
        ROSTER_SOLVE_FUNCTION="solver:solve",
        ROSTER_SPLIT_PARTS="2",
        ROSTER_SOLVE_LOG=str(log),
        ROSTER_MAX_TIME_LIMIT="20",
    )
    try:
        _, api = cluster.api()
        cluster.worker()
        cluster.worker()
        wait_health(api, 2)
        body = generated_site_body(60, seed=1)
        body["site"]["id"] = f"gen-{uuid.uuid4().hex[:8]}"
        assert api.post("/sites", json=body).status_code == 201
        r = api.post(
            "/jobs",
            json={"site_id": body["site"]["id"], "start": START, "days": 7, "time_limit": 8},
        )
        assert r.status_code == 202, r.text
        job = wait_status(api, r.json()["id"], timeout=180)
        assert_refereed(api, job)
        parts = api.get("/jobs", params={"site_id": body["site"]["id"], "kind": "part"}).json()
        assert len(parts) == 2 and {p["status"] for p in parts} == {"done"}
        assert sum(p["objective"] for p in parts) == job["objective"]
        solved = Counter(line.split()[0] for line in log.read_text().splitlines())
        assert solved == {p["id"]: 1 for p in parts}, "each part solved once, the parent never"
    finally:
        cluster.close()
