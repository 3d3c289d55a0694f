"""Fixtures of the API tests: an app per database backend (SQLite always, PostgreSQL when
ROSTER_TEST_POSTGRES_URL is set) and per job engine. Helpers are in tests/api/helpers.py."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse, urlunparse

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from tests.api.helpers import (
    BACKENDS,
    BROKER,
    PG_URL,
    RABBIT_DOWN,
    make_settings,
    pg_schema,
    start_worker,
    stop_process,
)


@pytest.fixture(scope="session")
def rabbit_url() -> Iterator[str]:
    """A RabbitMQ vhost of this test run (made with ``rabbitmqctl``), so parallel runs never
    share queues, workers or control messages; without rabbitmqctl, the given vhost (queue
    names are unique per test anyway)."""
    if RABBIT_DOWN:
        pytest.skip(RABBIT_DOWN)
    ctl = shutil.which("rabbitmqctl")
    name = f"roster_test_{uuid.uuid4().hex[:10]}"
    u = urlparse(BROKER)
    made = False
    if ctl:
        try:
            r = subprocess.run([ctl, "add_vhost", name], capture_output=True, timeout=60)
            if r.returncode == 0:
                user = u.username or "guest"
                subprocess.run(
                    [ctl, "set_permissions", "-p", name, user, ".*", ".*", ".*"],
                    capture_output=True,
                    timeout=60,
                    check=True,
                )
                made = True
        except (OSError, subprocess.SubprocessError):
            made = False
    if not made:
        yield BROKER
        return
    try:
        yield urlunparse(u._replace(path="/" + name))
    finally:
        subprocess.run([ctl, "delete_vhost", name], capture_output=True, timeout=60)


@pytest.fixture(scope="session", params=["in-process", "celery"])
def engine_client(request, backend, client, tmp_path_factory) -> Iterator[TestClient]:
    """The job tests run on both engines: the in-process default (the shared ``client``) and
    Celery (a real worker process and RabbitMQ), through the same task code."""
    if request.param == "in-process":
        yield client
        return
    if PG_URL and "db_schema" in backend:
        # Keeps the suite short: with PostgreSQL at hand test_queue.py runs the Celery engine
        # on it, and this variant covers the Celery engine on SQLite.
        pytest.skip("the Celery variant of the job tests runs on SQLite; PostgreSQL: test_queue")
    url = request.getfixturevalue("rabbit_url")
    settings = make_settings(
        backend,
        broker_url=url,
        queue_name=f"roster-test-{uuid.uuid4().hex[:8]}",
        job_lease=5.0,
        sweep_interval=2.0,
    )
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    worker = start_worker(settings, log)
    try:
        with TestClient(create_app(settings)) as c:
            deadline = time.monotonic() + 90
            while c.get("/health").json().get("workers") != 1:
                assert worker.poll() is None, log.read_text()[-3000:]
                assert time.monotonic() < deadline, "the worker did not start"
                time.sleep(0.3)
            yield c
    finally:
        stop_process(worker)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request, tmp_path_factory) -> Iterator[dict[str, Any]]:
    """Settings keywords of one fresh database: a SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "api.db"
        yield {"database_url": f"sqlite:///{path}"}
        return
    schema = f"roster_test_{uuid.uuid4().hex[:10]}"
    pg_schema(True, schema)
    try:
        yield {"database_url": PG_URL, "db_schema": schema}
    finally:
        pg_schema(False, schema)


@pytest.fixture(scope="session")
def client(backend) -> Iterator[TestClient]:
    """A running app (migrated database, job runner) shared by the tests of one backend."""
    with TestClient(create_app(make_settings(backend))) as c:
        yield c


@pytest.fixture
def own_backend(backend, tmp_path) -> Iterator[dict[str, Any]]:
    """A fresh database of the same kind as ``backend`` for a test that starts its own app
    (sharing the session's database would let its start-up recover the session's jobs)."""
    from tests.api.live import fresh_backend

    kind = "sqlite" if backend["database_url"].startswith("sqlite") else "postgres"
    with fresh_backend(kind, tmp_path) as b:
        yield b
