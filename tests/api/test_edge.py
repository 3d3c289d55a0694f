"""Limits and validation at the edge (issue reproductions 7, 8 and 9): every bad input gets a
4xx in the JSON error format, never a 500; database and unexpected errors answer in the same
format without internals; a site can be deleted."""

from __future__ import annotations

import inspect
import json

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import HR, START, fresh, make_site, new_id, run_job, site_body

BIG = 9223372036854775808  # 2^63
PG_INT = 2147483648  # 2^31


@pytest.fixture(scope="module")
def world(client):
    site = make_site(client)
    job = run_job(client, site, "tp", time_limit=2)
    assert job["status"] == "done", job
    return {"site": site, "roster": job["roster_id"]}


def _json_error(r, *codes: int) -> dict:
    assert r.status_code in codes, (r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("application/json"), r.headers
    body = r.json()
    assert isinstance(body["message"], str) and "field" in body
    return body


@pytest.mark.parametrize(
    "path",
    [
        "/sites/a%00b",
        "/sites/{site}/policies/9223372036854775808",
        "/sites/{site}/policies/2147483648",
        "/sites/{site}/policies/-1",
        "/rosters/{roster}/revisions/9223372036854775808",
        "/rosters/{roster}/roster.csv?revision=9223372036854775808",
        "/rosters/{roster}/tests.csv?revision=2147483648",
        "/rosters?site_id=a%00b",
        "/jobs?limit=9223372036854775808",
        "/sites/" + "x" * 101,
        "/rosters/{roster}/calendar/a%00b.ics",
    ],
)
def test_bad_paths_and_queries_are_422(client, world, path):
    r = client.get(path.format(**world), headers=HR)
    _json_error(r, 422)


@pytest.mark.parametrize(
    "site_id", ["x" * 101, "a/b", "..", "   ", "a b", "tp\u0000", "é", "a.b", ""]
)
def test_site_ids_outside_the_pattern_are_refused(client, site_id):
    r = client.post("/sites", json=site_body(site_id), headers=HR)
    body = _json_error(r, 422)
    assert "site" in (body["field"] or "") or "body" in (body["field"] or "")


def test_long_names_and_control_characters_are_refused(client):
    body = site_body(new_id(), name="x" * 301)
    _json_error(client.post("/sites", json=body, headers=HR), 422)
    body = site_body(new_id())
    body["staff"][0]["name"] = "An\u0000"
    r = client.post("/sites", json=body, headers=HR)
    assert "control characters" in _json_error(r, 422)["message"]
    r = client.post(  # a body without a content type is read as JSON: checked as well
        "/sites", content=json.dumps(body).encode(), headers={**HR, "Content-Type": ""}
    )
    assert "control characters" in _json_error(r, 422)["message"]
    body = site_body(new_id())
    body["staff"][0]["id"] = "tp 01"
    _json_error(client.post("/sites", json=body, headers=HR), 422)
    # tabs and newlines in free text are fine
    body = site_body(new_id())
    body["reason"] = "line one\nline two\twith a tab"
    assert client.post("/sites", json=body, headers=HR).status_code == 201


@pytest.mark.parametrize("start", ["9999-12-30", "0001-01-01", "2200-01-01"])
def test_dates_out_of_range_are_422(client, world, start):
    body = {"site_id": world["site"], "unit_id": "tp", "start": start, "days": 7}
    _json_error(client.post("/jobs", json=body, headers=HR), 422)
    r = client.post("/rosters/analyze", json={**body, "roster": {"assignments": []}}, headers=HR)
    _json_error(r, 422)
    for route in ("analyze", "drill", "explain"):
        r = client.post(f"/repair/{route}", json={**body, "roster": {}}, headers=HR)
        _json_error(r, 422)


def test_repair_on_a_9999_problem_is_422(client):
    from tests.helpers import tiny_problem

    problem = tiny_problem(n_staff=3).model_dump(mode="json")
    problem["horizon"] = {"start": "9999-12-30", "days": 7}
    for route in ("analyze", "drill"):
        r = client.post(f"/repair/{route}", json={"problem": problem, "roster": {}}, headers=HR)
        _json_error(r, 422)


@pytest.mark.parametrize("value", [BIG, PG_INT, -BIG, 2**70])
def test_huge_integers_in_bodies_are_4xx(client, world, value):
    body = {"site_id": world["site"], "start": START, "days": 7, "policy_version": value}
    _json_error(client.post("/jobs", json=body, headers=HR), 404, 422)
    r = client.post("/jobs", json={**body, "policy_version": None, "days": value}, headers=HR)
    _json_error(r, 422)


def test_oversized_bodies_are_413(client, world):
    rid = world["roster"]
    big = {"cells": [], "reason": "x" * 1000, "pad": "y" * 5_000_000}
    r = client.patch(f"/rosters/{rid}", json=big, headers=HR)
    assert "larger than" in _json_error(r, 413)["message"]
    name = "x" * 50_000
    _json_error(client.post("/sites", json=site_body(new_id(), name=name), headers=HR), 422)


def test_long_lists_are_refused(client, world):
    cells = [{"staff": "tp01", "date": START, "shift": "am", "on_site": True}] * 20_001
    r = client.patch(f"/rosters/{world['roster']}", json={"cells": cells}, headers=HR)
    _json_error(r, 413, 422)


def test_import_is_parsed_off_the_event_loop():
    from api.routes.sites import import_staff

    # a plain def: FastAPI runs it in the thread pool, the event loop keeps answering
    assert not inspect.iscoroutinefunction(import_staff)


def test_import_rows_are_limited(client):
    site = make_site(client)
    rows = "".join(f"x{i},Name {i},tp,,,\n" for i in range(5_001))
    csv = "id,name,unit,skills,team,counts_toward_cap\n" + rows
    r = client.post(
        f"/sites/{site}/staff/import",
        files={"file": ("staff.csv", csv.encode(), "text/csv")},
        headers=HR,
    )
    assert "at most 5000" in _json_error(r, 413)["message"]
    from io import BytesIO

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["id", "name", "unit"])
    for i in range(6_000):
        ws.append([f"x{i}", f"N{i}", "tp"])
    buf = BytesIO()
    wb.save(buf)
    r = client.post(
        f"/sites/{site}/staff/import",
        files={"file": ("staff.xlsx", buf.getvalue(), "application/octet-stream")},
        headers=HR,
    )
    _json_error(r, 413)
    assert len(client.get(f"/sites/{site}", headers=HR).json()["staff"]) == 12


def test_delete_a_site(client):
    site = make_site(client)
    job = run_job(client, site, "tp", time_limit=1)
    from tests.api.helpers import token

    h = token(client, "head", site, "tp")
    r = client.delete(f"/sites/{site}", headers={**HR, "If-Match": '"999"'})
    _json_error(r, 412)
    assert client.delete(f"/sites/{site}", headers=h).status_code == 403
    assert client.delete(f"/sites/{site}", headers=HR).status_code == 204
    _json_error(client.get(f"/sites/{site}", headers=HR), 404)
    _json_error(client.get(f"/rosters/{job['roster_id']}", headers=HR), 404)
    _json_error(client.get(f"/jobs/{job['id']}", headers=HR), 404)
    _json_error(client.get("/auth/me", headers=h), 401)  # its heads' tokens are revoked
    _json_error(client.delete(f"/sites/{site}", headers=HR), 404)


def test_delete_refused_while_a_job_runs(client):
    site = make_site(client, name="slow office")
    body = {"site_id": site, "unit_id": "tp", "start": START, "days": 5, "time_limit": 5}
    r = client.post("/jobs", json=body, headers=HR)
    assert r.status_code == 202
    d = client.delete(f"/sites/{site}", headers=HR)
    assert "stop them" in _json_error(d, 409)["message"]
    client.delete(f"/jobs/{r.json()['id']}", headers=HR)
    from tests.api.helpers import wait_job

    wait_job(client, r.json()["id"])
    assert client.delete(f"/sites/{site}", headers=HR).status_code == 204


def test_if_match_contract(client, world):
    site = world["site"]
    r = client.get(f"/sites/{site}", headers=HR)
    etag = r.headers["ETag"]
    assert etag == f'"{r.json()["version"]}"'
    body = _json_error(client.patch(f"/sites/{site}", json={}, headers=HR), 428)
    assert body["field"] == "If-Match" and body["current_version"] == r.json()["version"]
    r = client.patch(f"/sites/{site}", json={}, headers={**HR, "If-Match": '"0"'})
    _json_error(r, 412)
    for shape in ("{}", "W/{}", "bare", '"0", {}', "*"):
        r = client.patch(f"/sites/{site}", json={}, headers=fresh(client, f"/sites/{site}"))
        assert r.status_code == 200, r.text
        cur = r.headers["ETag"]
        form = cur.strip('"') if shape == "bare" else shape.format(cur)
        r = client.patch(f"/sites/{site}", json={}, headers={**HR, "If-Match": form})
        assert r.status_code == 200, (form, r.text)
    r = client.put(f"/sites/{site}/policy", json={"policy": {}, "reason": "no etag"}, headers=HR)
    _json_error(r, 428)
    rid = world["roster"]
    _json_error(client.patch(f"/rosters/{rid}", json={}, headers=HR), 428)
    _json_error(client.post(f"/rosters/{rid}/publish", headers=HR), 428)
    rev = client.get(f"/rosters/{rid}/revisions/1", headers=HR)
    assert rev.headers["ETag"] == f'"{rev.json()["version"]}"'


def _app_client(backend, **kw) -> TestClient:
    from api.main import create_app
    from tests.api.helpers import make_settings

    return TestClient(create_app(make_settings(backend, **kw)), raise_server_exceptions=False)


def test_unexpected_and_database_errors_are_json(own_backend, monkeypatch):
    backend = own_backend
    from sqlalchemy.exc import IntegrityError, OperationalError

    import api.routes.sites as sites

    with _app_client(backend) as c:
        site = make_site(c)

        def boom(*a, **k):
            raise RuntimeError("secret internals /srv/db password=hunter2")

        monkeypatch.setattr(sites, "latest_policy_version", boom)
        r = c.get("/sites", headers=HR)
        body = _json_error(r, 500)
        assert "hunter2" not in r.text and "Traceback" not in r.text
        assert body["message"].startswith("internal error")

        def lost(*a, **k):
            raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

        monkeypatch.setattr(sites, "latest_policy_version", lost)
        r = c.get(f"/sites/{site}", headers=HR)
        _json_error(r, 503)
        assert r.headers["Retry-After"] and "server closed" not in r.text

        def dup(*a, **k):
            raise IntegrityError("INSERT", {}, Exception("duplicate key"))

        monkeypatch.setattr(sites, "latest_policy_version", dup)
        _json_error(c.get(f"/sites/{site}", headers=HR), 409)


def test_migration_0003_up_down_up(tmp_path):
    """One head; 0003 adds the version columns (1 for existing rows) and comes off cleanly."""
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine, inspect, text

    from api.db import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert len(ScriptDirectory.from_config(cfg).get_heads()) == 1
    engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.execute(
            text(
                "INSERT INTO sites (id, name, definition, staff, absences, requests, fixed,"
                " created_at, updated_at, updated_by) VALUES ('old', 'Old', '{}', '[]', '[]',"
                " '[]', '[]', '2021-01-01', '2021-01-01', '')"
            )
        )
        command.upgrade(cfg, "head")
        assert conn.execute(text("SELECT version FROM sites")).scalar() == 1
        for table in ("sites", "rosters", "roster_revisions"):
            assert "version" in {c["name"] for c in inspect(conn).get_columns(table)}
        command.downgrade(cfg, "0001")
        assert "version" not in {c["name"] for c in inspect(conn).get_columns("sites")}
        command.upgrade(cfg, "head")
    engine.dispose()


def test_a_lock_held_too_long_is_503_then_the_write_goes_through(own_backend):
    """A real fault: another connection holds the site's row (PostgreSQL) or the database's
    write lock (SQLite) longer than db_lock_timeout; the PATCH answers 503 + Retry-After in
    the JSON format, nothing half-written, and succeeds once the lock is gone."""
    from sqlalchemy import create_engine, text

    with _app_client(own_backend, db_lock_timeout=1.0) as c:
        site = make_site(c)
        headers = fresh(c, f"/sites/{site}")
        url = own_backend["database_url"]
        args = {}
        if own_backend.get("db_schema"):
            args = {"options": f"-csearch_path={own_backend['db_schema']}"}
        holder = create_engine(url, connect_args=args)
        with holder.connect() as conn:
            if url.startswith("sqlite"):
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.execute(text("SELECT id FROM sites WHERE id = :s FOR UPDATE"), {"s": site})
            r = c.patch(f"/sites/{site}", json={"absences": []}, headers=headers)
            body = _json_error(r, 503)
            assert r.headers["Retry-After"] and "retry" in body["message"]
            conn.rollback()
        holder.dispose()
        r = c.patch(f"/sites/{site}", json={"absences": []}, headers=headers)
        assert r.status_code == 200, r.text
