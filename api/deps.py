"""FastAPI dependencies: the database session, the settings, the job runner, the caller."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from api.errors import ApiError
from api.jobs import JobRunner
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
        try:
            session.close()
        except SQLAlchemyError:
            pass


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_runner(request: Request) -> JobRunner:
    return request.app.state.runner


SessionDep = Annotated[Session, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
RunnerDep = Annotated[JobRunner, Depends(get_runner)]


def get_current_user(
    session: SessionDep,
    settings: SettingsDep,
    cred: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)] = None,
    key: Annotated[str | None, Security(api_key)] = None,
) -> Principal:
    """The caller, from a bearer token or an X-API-Key header; 401 without valid ones."""
    token = cred.credentials if cred is not None else key
    if not token:
        raise ApiError(
            401,
            "missing credentials: send 'Authorization: Bearer <token>' or 'X-API-Key: <token>'",
            "Authorization",
            headers={"WWW-Authenticate": "Bearer"},
        )
    admin = settings.admin_token.get_secret_value() if settings.admin_token else None
    principal = authenticate(session, token, admin)
    if principal is None:
        raise ApiError(
            401, "unknown or revoked token", "Authorization", headers={"WWW-Authenticate": "Bearer"}
        )
    return principal


CurrentUser = Annotated[Principal, Depends(get_current_user)]


def require_hr(user: CurrentUser) -> Principal:
    user.require("hr")
    return user


HrUser = Annotated[Principal, Depends(require_hr)]
