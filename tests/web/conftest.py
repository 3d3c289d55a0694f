"""A real server (uvicorn in a child process, SQLite, the real in-process solver) and a real
headless Chromium driven by Playwright. Chromium is Debian's package (``/usr/bin/chromium``,
installed by ``./dev.sh test`` when it runs as root); without it the browser tests skip and
say why."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

ADMIN = "web-test-admin-token-0123456789"
SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("ROSTER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[dict[str, Any]]:
    """The app on a free loopback port with a fresh SQLite database; the ward demo site and a
    head token for its one-stop unit."""
    tmp = tmp_path_factory.mktemp("web")
    port = _free_port()
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{tmp / 'roster.db'}",
        ROSTER_ADMIN_TOKEN=ADMIN,
        ROSTER_DEFAULT_TIME_LIMIT="5",
        ROSTER_MAX_TIME_LIMIT="30",
        ROSTER_SOLVER_WORKERS="1",
        # the server runs in a temporary folder: import this checkout's code, not whatever
        # copy of the project the environment happens to have installed
        PYTHONPATH=str(Path(__file__).resolve().parents[2]),
    )
    env.pop("ROSTER_TEST_POSTGRES_URL", None)
    log = open(tmp / "server.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-c", f"from api.main import run; run('127.0.0.1', {port})"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=tmp,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("server did not start:\n" + (tmp / "server.log").read_text()[-3000:])
            time.sleep(0.2)
        h = {"Authorization": f"Bearer {ADMIN}"}
        r = httpx.post(
            base + "/sites/demo", json={"scenario": "ward-one-stop", "site_id": "ward"}, headers=h
        )
        assert r.status_code == 201, r.text
        r = httpx.post(
            base + "/auth/tokens",
            json={
                "role": "head",
                "name": "Trưởng bộ phận một cửa",
                "site_id": "ward",
                "unit_id": "MC",
            },
            headers=h,
            timeout=10,
        )
        assert r.status_code == 201, r.text
        yield {"base": base, "admin": ADMIN, "head": r.json()["token"], "log": tmp / "server.log"}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"no Chromium at {CHROMIUM}: install Debian's chromium and chromium-driver "
            "(./dev.sh test does it when run as root) to run the browser tests"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright (Python package) is not installed: ./dev.sh setup installs it")
    # launch() starts Chromium on a new, empty temporary profile (user-data-dir) of its own
    # and removes it afterwards.
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def shot():
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, full: bool = True) -> None:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)

    return take
