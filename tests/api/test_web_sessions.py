"""Web sessions live in the database: a session made on one API instance works on another,
survives a restart, ends on sign-out everywhere and when its token is revoked, and the table
never holds the session id or the token in clear. Runs on SQLite and, when configured, on
PostgreSQL (two apps on one database stand for two instances behind a load balancer)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from api.main import create_app
from api.web.session import COOKIE, LANG_COOKIE
from tests.api.helpers import ADMIN, HR, make_settings


def _sign_in(c: TestClient, token: str) -> str:
    page = c.get("/web/login")
    assert page.status_code == 200
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    r = c.post("/web/login", data={"csrf": csrf, "token": token}, follow_redirects=False)
    assert r.status_code == 303, r.text[-400:]
    sid = r.cookies.get(COOKIE) or c.cookies.get(COOKIE)
    assert sid
    return sid


def _week(c: TestClient, sid: str):
    c.cookies.set(COOKIE, sid)
    c.cookies.set(LANG_COOKIE, "en")
    return c.get("/web/week", follow_redirects=False)


def _rows(backend: dict) -> list[tuple]:
    engine = create_engine(backend["database_url"])
    try:
        with engine.connect() as conn:
            if backend.get("db_schema"):
                conn.execute(text(f'SET search_path TO "{backend["db_schema"]}"'))
            return [tuple(r) for r in conn.execute(text("SELECT * FROM web_sessions"))]
    finally:
        engine.dispose()


def test_a_session_is_shared_by_instances_and_ends_everywhere(own_backend):
    settings = make_settings(own_backend)
    with TestClient(create_app(settings)) as a, TestClient(create_app(settings)) as b:
        r = a.post("/auth/tokens", json={"role": "hr", "name": "Chị Lan (HR)"}, headers=HR)
        assert r.status_code == 201, r.text
        token, token_id = r.json()["token"], r.json()["id"]

        sid = _sign_in(a, token)
        # the other instance knows the session: the page renders, it is not a sign-in redirect
        r = _week(b, sid)
        assert r.status_code == 200, r.headers.get("location")
        assert "Weekly roster" in r.text
        # and the JSON proxy of the other instance calls the API as that user
        me = b.get("/web/api/auth/me")
        assert me.status_code == 200 and me.json()["name"] == "Chị Lan (HR)"

        # neither the session id nor the token is stored in clear
        stored = repr(_rows(own_backend))
        assert sid not in stored and token not in stored

        # the session bearer stops working when the token is revoked
        assert a.delete(f"/auth/tokens/{token_id}", headers=HR).status_code == 204
        r = _week(b, sid)
        assert r.status_code == 303 and r.headers["location"].startswith("/web/login")

    # a restart signs nobody out: a new pair of instances still knows a live session
    with TestClient(create_app(settings)) as a:
        sid2 = _sign_in(a, ADMIN)
    with TestClient(create_app(settings)) as b:
        assert _week(b, sid2).status_code == 200
        # sign-out on one instance ends it on every instance
        page = b.get("/web/week").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        assert b.post("/web/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    with TestClient(create_app(settings)) as a:
        r = _week(a, sid2)
        assert r.status_code == 303 and r.headers["location"].startswith("/web/login")
        assert a.get("/web/api/auth/me").status_code == 401


def test_an_expired_session_is_refused_by_pages_and_api(own_backend, monkeypatch):
    from api import security

    settings = make_settings(own_backend)
    with TestClient(create_app(settings)) as c:
        sid = _sign_in(c, ADMIN)
        assert _week(c, sid).status_code == 200
        assert c.get("/auth/me", headers={"Authorization": f"Bearer ws.{sid}"}).status_code == 200
        # a day later
        later = security.now() + 24 * 3600
        monkeypatch.setattr(security, "now", lambda: later)
        assert c.get("/auth/me", headers={"Authorization": f"Bearer ws.{sid}"}).status_code == 401
        r = _week(c, sid)
        assert r.status_code == 303 and r.headers["location"].startswith("/web/login")
        # a made-up session bearer is just a wrong token
        assert c.get("/auth/me", headers={"Authorization": "Bearer ws.nope"}).status_code == 401
