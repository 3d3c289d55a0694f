"""Errors as JSON: ``{"message": ..., "field": ..., "issues": [...]}`` for every failure."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.schemas import ErrorBody


class ApiError(Exception):
    """An error with a status, a sentence and the field it is about."""

    def __init__(
        self,
        status: int,
        message: str,
        field: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.headers = headers
        self.extra = extra


def not_found(kind: str, key: object, field: str | None = None) -> ApiError:
    return ApiError(404, f"{kind} {key!r} not found", field)


def _loc(loc: tuple | list) -> str:
    return ".".join(str(p) for p in loc)


log = logging.getLogger("api")


def _json(status: int, message: str, field: str | None = None, **headers: str) -> JSONResponse:
    return JSONResponse({"message": message, "field": field}, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    """Register the JSON error handlers on ``app``: every failure, database errors and
    unexpected ones included, answers in the JSON error format without internals."""

    @app.exception_handler(sa_exc.IntegrityError)
    async def _integrity(_: Request, exc: sa_exc.IntegrityError) -> JSONResponse:
        log.warning("integrity error: %s", exc.orig)
        return _json(
            409,
            "the change conflicts with another one saved at the same time (or with an existing "
            "record); read the current state and retry",
        )

    @app.exception_handler(sa_exc.DataError)
    async def _data(_: Request, exc: sa_exc.DataError) -> JSONResponse:
        log.warning("data error: %s", exc.orig)
        return _json(422, "a value is too long or out of range for the database")

    @app.exception_handler(sa_exc.OperationalError)
    async def _operational(_: Request, exc: sa_exc.OperationalError) -> JSONResponse:
        log.error("database unavailable: %s", exc.orig)
        return _json(
            503,
            "the database is busy or unreachable; retry in a moment",
            None,
            **{"Retry-After": "5"},
        )

    @app.exception_handler(sa_exc.DBAPIError)
    async def _dbapi(_: Request, exc: sa_exc.DBAPIError) -> JSONResponse:
        if exc.connection_invalidated:
            log.error("database connection lost: %s", exc.orig)
            return _json(
                503, "the database connection was lost; retry", None, **{"Retry-After": "5"}
            )
        log.exception("database error")
        return _json(500, "internal error (database); it has been logged")

    @app.exception_handler(sa_exc.TimeoutError)
    async def _pool(_: Request, exc: sa_exc.TimeoutError) -> JSONResponse:
        log.error("no database connection free: %s", exc)
        return _json(503, "the server is busy; retry in a moment", None, **{"Retry-After": "5"})

    @app.exception_handler(OverflowError)
    async def _overflow(_: Request, exc: OverflowError) -> JSONResponse:
        return _json(422, f"a date or number is out of range ({exc})")

    @app.exception_handler(Exception)
    async def _internal(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return _json(500, "internal error; it has been logged")

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        body: dict[str, Any] = {"message": exc.message, "field": exc.field, **exc.extra}
        return JSONResponse(jsonable_encoder(body), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        issues = []
        for e in exc.errors():
            issues.append(
                {
                    "field": _loc(e.get("loc", ())),
                    "message": e.get("msg", ""),
                    "type": e.get("type", ""),
                }
            )
        first = issues[0] if issues else {"field": None, "message": "invalid request"}
        message = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
        return JSONResponse(
            jsonable_encoder({"message": message, "field": first["field"], "issues": issues}),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            {"message": str(exc.detail), "field": None},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the given error codes, each with an example."""
    examples = {
        400: ("Bad request", {"message": "file must be .csv or .xlsx", "field": "file"}),
        401: (
            "No or unknown credentials",
            {
                "message": "missing credentials: send 'Authorization: Bearer <token>'",
                "field": "Authorization",
            },
        ),
        403: (
            "Outside the caller's role or unit",
            {"message": "a head may only act on unit 'tp' of site 'hcc-q1'", "field": "unit_id"},
        ),
        404: ("Not found", {"message": "site 'hcc-q9' not found", "field": "site_id"}),
        409: (
            "Conflict",
            {
                "message": "the edit breaks 1 hard rule",
                "field": None,
                "violations": [
                    {
                        "rule": "cap",
                        "label": "On-site cap exceeded",
                        "message": "unit tp: 3 on site, cap 2",
                    }
                ],
            },
        ),
        412: (
            "Stale If-Match: someone changed it since you read it",
            {
                "message": 'the roster changed since you read it (If-Match "3", now "4"); '
                "read it again, re-apply your change and retry",
                "field": "If-Match",
                "current_version": 4,
            },
        ),
        413: ("Too large", {"message": "file is larger than 5000000 bytes", "field": "file"}),
        422: (
            "Invalid input",
            {
                "message": "body.start: Field required",
                "field": "body.start",
                "issues": [{"field": "body.start", "message": "Field required", "type": "missing"}],
            },
        ),
        428: (
            "If-Match missing",
            {
                "message": "this write needs If-Match with the ETag of the roster it is based on",
                "field": "If-Match",
                "current_version": 3,
            },
        ),
        429: (
            "Too many requests",
            {"message": "too many failed authentications; retry in 60 s", "field": None},
        ),
        503: ("Not available", {"message": "the referee is not installed", "field": None}),
    }
    out: dict[int | str, dict[str, Any]] = {}
    for c in codes:
        desc, ex = examples[c]
        out[c] = {
            "model": ErrorBody,
            "description": desc,
            "content": {"application/json": {"example": ex}},
        }
    return out
