"""Web sessions: the API token stays on the server; the browser keeps an opaque random id in
an HTTP-only, SameSite=Strict cookie (``Secure`` over HTTPS and on loopback). Each session has a
CSRF token that every form and every state-changing call must send back.

Sessions live in the database (table ``web_sessions``), so every API instance behind a load
balancer knows them and a restart signs nobody out. The table holds the SHA-256 of the session
id and of the API token, never either in clear. The pages call the JSON API in process with the
bearer ``ws.<session id>``, which the API resolves to the token's principal
(:func:`api.security.authenticate`): revoking the token ends its sessions. A session expires
after ``TTL`` seconds without use.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request, Response
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from api import security
from api.models import WebSessionRow
from api.security import WEB_SESSION_PREFIX, WEB_SESSION_TTL, hash_token

COOKIE = "roster_session"
LANG_COOKIE = "roster_lang"
LOGIN_CSRF_COOKIE = "roster_login_csrf"
TTL = WEB_SESSION_TTL
TOUCH_EVERY = 60.0  # seconds: a session's last use is written at most this often
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


@dataclass
class WebSession:
    sid: str
    me: dict[str, Any]
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    proposals: dict[str, Any] = field(default_factory=dict)

    @property
    def token(self) -> str:
        """The bearer the pages send to the API in process."""
        return WEB_SESSION_PREFIX + self.sid


class SessionStore:
    """Session id -> :class:`WebSession`, in the database, with expiry."""

    def __init__(self, factory: sessionmaker[Session], ttl: float = TTL) -> None:
        self.factory = factory
        self.ttl = ttl

    def create(self, token: str, me: dict[str, Any]) -> tuple[str, WebSession]:
        """A new session for someone who signed in with ``token`` (already checked)."""
        sid = secrets.token_urlsafe(32)
        s = WebSession(sid=sid, me=me)
        now = security.now()
        with self.factory() as db:
            db.execute(delete(WebSessionRow).where(WebSessionRow.seen < now - self.ttl))
            db.add(
                WebSessionRow(
                    id=hash_token(sid),
                    token_hash=hash_token(token),
                    me=me,
                    csrf=s.csrf,
                    proposals={},
                    created=now,
                    seen=now,
                )
            )
            db.commit()
        return sid, s

    def get(self, sid: str | None) -> WebSession | None:
        if not sid:
            return None
        now = security.now()
        with self.factory() as db:
            row = db.get(WebSessionRow, hash_token(sid))
            if row is None:
                return None
            if now - row.seen > self.ttl:
                db.delete(row)
                db.commit()
                return None
            if now - row.seen > TOUCH_EVERY:
                row.seen = now
                db.commit()
            return WebSession(
                sid=sid, me=dict(row.me), csrf=row.csrf, proposals=dict(row.proposals or {})
            )

    def save(self, s: WebSession) -> None:
        """Write back what a page changed in the session (its pending proposals)."""
        with self.factory() as db:
            row = db.get(WebSessionRow, hash_token(s.sid))
            if row is not None:
                row.proposals = dict(s.proposals)
                db.commit()

    def drop(self, sid: str | None) -> None:
        if not sid:
            return
        with self.factory() as db:
            db.execute(delete(WebSessionRow).where(WebSessionRow.id == hash_token(sid)))
            db.commit()


def store_of(app: Any) -> SessionStore:
    if not hasattr(app.state, "web_sessions"):
        app.state.web_sessions = SessionStore(app.state.sessionmaker)
    return app.state.web_sessions


def store(request: Request) -> SessionStore:
    return store_of(request.app)


def current(request: Request) -> WebSession | None:
    return store(request).get(request.cookies.get(COOKIE))


def secure_cookie(request: Request) -> bool:
    """Secure over HTTPS and on loopback (browsers treat http://127.0.0.1 as a secure
    context); a plain-HTTP server on another host would never get the cookie back."""
    host = (request.url.hostname or "").lower()
    return request.url.scheme == "https" or host in LOOPBACK


def set_cookie(request: Request, response: Response, name: str, value: str, **kw: Any) -> None:
    response.set_cookie(
        name,
        value,
        httponly=kw.pop("httponly", True),
        secure=secure_cookie(request),
        samesite=kw.pop("samesite", "strict"),
        path="/",
        **kw,
    )


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))
