"""FastAPI dependencies: the database session, the settings, the job runner, the caller."""

from __future__ import annotations

import contextlib
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from api.errors import ApiError
from api.jobs import JobRunner
from api.messages import A
from api.security import Principal, authenticate
from api.settings import Settings

bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer <token>")
api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="The token as X-API-Key.")


def get_db(request: Request) -> Iterator[Session]:
    """One session per request. Closing it never fails the response: with the database gone,
    the rollback at close fails too, and the request's own 503 must still reach the client."""
    session = request.app.state.sessionmaker()
    try:
        yield session
    finally:
        with contextlib.suppress(SQLAlchemyError):
            session.close()


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_runner(request: Request) -> JobRunner:
    return request.app.state.runner


SessionDep = Annotated[Session, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
RunnerDep = Annotated[JobRunner, Depends(get_runner)]


class AuthThrottle:
    """Failed authentications per client address over the last minute. A client over the limit
    gets 429 for every authenticated request (a right token included, so guessing learns
    nothing) until its oldest failure is a minute old. Kept in memory, per server process."""

    WINDOW = 60.0
    MAX_CLIENTS = 10_000

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._fails: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, client: str, now: float) -> deque[float]:
        q = self._fails.get(client)
        if q is None:
            return deque()
        while q and now - q[0] > self.WINDOW:
            q.popleft()
        return q

    def retry_after(self, client: str) -> int | None:
        now = time.monotonic()
        with self._lock:
            q = self._recent(client, now)
            if len(q) >= self.limit:
                return max(1, int(self.WINDOW - (now - q[0])) + 1)
        return None

    def failed(self, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            q = self._recent(client, now)
            q.append(now)
            self._fails[client] = q
            self._fails.move_to_end(client)
            while len(self._fails) > self.MAX_CLIENTS:
                self._fails.popitem(last=False)


def get_throttle(request: Request, settings: Settings) -> AuthThrottle:
    throttle = getattr(request.app.state, "auth_throttle", None)
    if throttle is None:
        throttle = request.app.state.auth_throttle = AuthThrottle(settings.auth_failures_per_minute)
    return throttle


def get_current_user(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    cred: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)] = None,
    key: Annotated[str | None, Security(api_key)] = None,
) -> Principal:
    """The caller, from a bearer token or an X-API-Key header; 401 without valid ones."""
    token = cred.credentials if cred is not None else key
    throttle = get_throttle(request, settings)
    client = request.client.host if request.client else "unknown"
    wait = throttle.retry_after(client)
    if wait is not None:
        raise ApiError(
            429,
            A("too_many_failures", wait=wait),
            "Authorization",
            headers={"Retry-After": str(wait)},
        )
    if not token:  # not a guess: not counted
        raise ApiError(
            401,
            A("missing_credentials"),
            "Authorization",
            headers={"WWW-Authenticate": "Bearer"},
        )
    admin = settings.admin_token.get_secret_value() if settings.admin_token else None
    principal = authenticate(session, token, admin)
    if principal is None:
        throttle.failed(client)
        raise ApiError(
            401, A("unknown_token"), "Authorization", headers={"WWW-Authenticate": "Bearer"}
        )
    return principal


CurrentUser = Annotated[Principal, Depends(get_current_user)]


def require_hr(user: CurrentUser) -> Principal:
    user.require("hr")
    return user


HrUser = Annotated[Principal, Depends(require_hr)]
