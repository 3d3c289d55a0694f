"""Web sessions: the API token stays on the server; the browser keeps an opaque random id in
an HTTP-only, SameSite=Strict cookie (``Secure`` over HTTPS and on loopback). Each session has a
CSRF token that every form and every state-changing call must send back.

Sessions live in this process's memory: a restart signs everybody out (they sign in again with
their token), and they expire after ``TTL`` seconds without use.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request, Response

COOKIE = "roster_session"
LANG_COOKIE = "roster_lang"
LOGIN_CSRF_COOKIE = "roster_login_csrf"
TTL = 12 * 3600.0
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


@dataclass
class WebSession:
    token: str
    me: dict[str, Any]
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    seen: float = field(default_factory=time.monotonic)
    proposals: dict[str, Any] = field(default_factory=dict)


class SessionStore:
    """Session id -> :class:`WebSession`, thread-safe, with expiry."""

    def __init__(self, ttl: float = TTL) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._items: dict[str, WebSession] = {}

    def create(self, token: str, me: dict[str, Any]) -> tuple[str, WebSession]:
        sid = secrets.token_urlsafe(32)
        s = WebSession(token=token, me=me)
        with self._lock:
            self._purge()
            self._items[sid] = s
        return sid, s

    def get(self, sid: str | None) -> WebSession | None:
        if not sid:
            return None
        with self._lock:
            s = self._items.get(sid)
            if s is None:
                return None
            now = time.monotonic()
            if now - s.seen > self.ttl:
                del self._items[sid]
                return None
            s.seen = now
            return s

    def drop(self, sid: str | None) -> None:
        with self._lock:
            self._items.pop(sid or "", None)

    def _purge(self) -> None:
        now = time.monotonic()
        for k in [k for k, v in self._items.items() if now - v.seen > self.ttl]:
            del self._items[k]


def store(request: Request) -> SessionStore:
    app = request.app
    if not hasattr(app.state, "web_sessions"):
        app.state.web_sessions = SessionStore()
    return app.state.web_sessions


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
