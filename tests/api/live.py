"""A real server for tests that need real concurrency: uvicorn on a free loopback port in a
thread, over a fresh database (a SQLite file or a new PostgreSQL schema)."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from api.main import create_app
from tests.api.helpers import HR, PG_URL, make_settings, pg_schema


@contextmanager
def fresh_backend(kind: str, tmp: Path) -> Iterator[dict[str, Any]]:
    if kind == "sqlite":
        yield {"database_url": f"sqlite:///{tmp / f'live-{uuid.uuid4().hex[:8]}.db'}"}
        return
    schema = f"roster_live_{uuid.uuid4().hex[:10]}"
    pg_schema(True, schema)
    try:
        yield {"database_url": PG_URL, "db_schema": schema}
    finally:
        pg_schema(False, schema)


@contextmanager
def serve(backend: dict[str, Any], **settings: Any) -> Iterator[str]:
    """The app served by uvicorn on 127.0.0.1:<free port>; yields its base URL."""
    import uvicorn

    app = create_app(make_settings(backend, **settings))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()


def race(n: int, call) -> list[httpx.Response]:
    """Run ``call(i)`` in ``n`` real threads released at the same instant; their answers."""
    barrier = threading.Barrier(n)
    out: list[Any] = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            out[i] = call(i)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for r in out:
        if isinstance(r, Exception):
            raise r
    return out


def client(base: str, headers: dict[str, str] | None = None) -> httpx.Client:
    return httpx.Client(base_url=base, headers=headers or HR, timeout=120)
