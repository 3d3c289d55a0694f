"""Helpers of the API tests: settings per database backend, tokens per role, small sites, job
waits and worker processes. Fixtures live in conftest.py and use these."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from fastapi.testclient import TestClient

from api.settings import Settings

ADMIN = "test-admin-token-5f1c9a7e2b"


PG_URL = os.environ.get("ROSTER_TEST_POSTGRES_URL")


BACKENDS = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=pytest.mark.skipif(not PG_URL, reason="ROSTER_TEST_POSTGRES_URL is not set"),
    ),
]


BROKER = os.environ.get("ROSTER_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")


ROOT = Path(__file__).resolve().parents[2]


def rabbit_unreachable(url: str) -> str | None:
    u = urlparse(url)
    try:
        with socket.create_connection((u.hostname or "127.0.0.1", u.port or 5672), timeout=2):
            return None
    except OSError as exc:
        return (
            f"RabbitMQ at {u.hostname}:{u.port or 5672} is not reachable ({exc}): start it "
            "(.ci/run does) or set ROSTER_TEST_BROKER_URL"
        )


#: Why the tests that need RabbitMQ skip (None: it answers).
RABBIT_DOWN = rabbit_unreachable(BROKER)


def worker_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment of a ``roster worker`` process with ``settings``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **extra}
    env.pop("ROSTER_TEST_BROKER_URL", None)
    for name, value in settings.model_dump().items():
        if value is None:
            continue
        if hasattr(value, "get_secret_value"):
            value = value.get_secret_value()
        env[f"ROSTER_{name.upper()}"] = str(value)
    return env


def start_worker(settings: Settings, log: Path, concurrency: int = 1) -> subprocess.Popen:
    """A real ``roster worker`` process (its own session, so its solver children can be
    killed with it)."""
    args = [sys.executable, "-m", "cli.main", "worker", f"--concurrency={concurrency}"]
    return subprocess.Popen(
        args + ["--loglevel=WARNING"],
        cwd=ROOT,
        env=worker_env(settings),
        stdout=open(log, "ab"),  # noqa: SIM115 - closed with the process
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_process(p: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(p.pid, signal.SIGKILL)
    p.wait(10)


def pg_schema(create: bool, schema: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_URL)  # type: ignore[arg-type]
    with engine.begin() as conn:
        if create:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        else:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def make_settings(backend: dict[str, Any], **kw: Any) -> Settings:
    values: dict[str, Any] = {
        "admin_token": ADMIN,
        "solve_function": "tests.api.fakesolver:solve",
        "default_time_limit": 2.0,
        "max_time_limit": 5.0,
        "max_concurrent_solves": 1,
        "solver_workers": 1,
        "progress_interval": 0.1,
        # the shared app sees every test's wrong tokens: the limit is tested with its own app
        "auth_failures_per_minute": 1000,
        **backend,
    }
    values.update(kw)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


HR = auth(ADMIN)


def new_id(prefix: str = "s") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def site_body(
    site_id: str,
    name: str = "Tiny office",
    n: int = 6,
    units: tuple[str, ...] = ("tp", "dd"),
    posts: bool = True,
    policy: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A small site: two units of ``n`` people each, two shifts, a counter per unit."""
    staff = []
    for u in units:
        for i in range(n):
            staff.append(
                {
                    "id": f"{u}{i:02d}",
                    "name": f"Nguyễn Văn {u.upper()}{i}",
                    "unit": u,
                    "skills": ["counter"] if i < n // 2 else [],
                }
            )
    return {
        "site": {
            "id": site_id,
            "name": name,
            "units": [{"id": u, "name": f"Unit {u}"} for u in units],
            "shifts": [
                {"id": "am", "name": "Sáng", "start": "07:30", "end": "11:30"},
                {"id": "pm", "name": "Chiều", "start": "13:30", "end": "17:00"},
            ],
            "skills": ["counter"],
            "posts": [
                {"id": f"q-{u}", "name": f"Quầy, {u}", "skill": "counter", "unit": u} for u in units
            ]
            if posts
            else [],
        },
        "staff": staff,
        "policy": policy or {"cap": {"fraction": 0.5}},
        "reason": "first policy",
    }


def make_site(client: TestClient, name: str = "Tiny office", **kw: Any) -> str:
    site_id = new_id()
    r = client.post("/sites", json=site_body(site_id, name=name, **kw), headers=HR)
    assert r.status_code == 201, r.text
    return site_id


def token(
    client: TestClient, role: str, site_id: str | None = None, unit_id: str | None = None
) -> dict[str, str]:
    r = client.post(
        "/auth/tokens",
        json={"role": role, "name": f"{role}-test", "site_id": site_id, "unit_id": unit_id},
        headers=HR,
    )
    assert r.status_code == 201, r.text
    return auth(r.json()["token"])


START = "2021-12-13"  # a Monday


def wait_job(
    client: TestClient,
    job_id: str,
    headers: dict[str, str] | None = None,
    timeout: float = 60.0,
    until: tuple[str, ...] = ("done", "infeasible", "failed", "stopped"),
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        r = client.get(f"/jobs/{job_id}", headers=headers or HR)
        assert r.status_code == 200, r.text
        job = r.json()
        if job["status"] in until or time.monotonic() > deadline:
            return job
        time.sleep(0.1)


def run_job(
    client: TestClient,
    site_id: str,
    unit_id: str | None = "tp",
    headers: dict[str, str] | None = None,
    **kw: Any,
) -> dict[str, Any]:
    body = {"site_id": site_id, "unit_id": unit_id, "start": START, "days": 5, **kw}
    r = client.post("/jobs", json=body, headers=headers or HR)
    assert r.status_code == 202, r.text
    return wait_job(client, r.json()["id"], headers)


def fresh(client: TestClient, url: str, headers: dict[str, str] | None = None) -> dict[str, str]:
    """``headers`` plus If-Match with the current ETag of ``url`` (read just now)."""
    headers = headers or HR
    r = client.get(url, headers=headers)
    assert r.status_code == 200 and r.headers.get("ETag"), r.text
    return {**headers, "If-Match": r.headers["ETag"]}


def solved_hotline_site(client: TestClient) -> tuple[str, str]:
    """A new site whose unit tp also has a hotline served from home (one person a shift),
    solved once: its (site id, roster id)."""
    body = site_body(new_id())
    body["site"]["posts"].append(
        {
            "id": "hotline",
            "name": "Đường dây nóng",
            "kind": "remote",
            "unit": "tp",
            "demands": [{"min": 1, "max": 1}],
        }
    )
    r = client.post("/sites", json=body, headers=HR)
    assert r.status_code == 201, r.text
    site_id = body["site"]["id"]
    job = run_job(client, site_id, "tp", time_limit=5)
    assert job["status"] == "done", job
    return site_id, job["roster_id"]
