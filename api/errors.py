"""Errors as JSON: ``{"message": ..., "field": ..., "issues": [...]}`` for every failure."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.schemas import ErrorBody

log = logging.getLogger("roster.api")


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


def install(app: FastAPI) -> None:
    """Register the JSON error handlers on ``app``."""

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

    @app.exception_handler(SQLAlchemyError)
    async def _database(_: Request, exc: SQLAlchemyError) -> JSONResponse:
        # Never the statement, its parameters or row data: those stay in the server log.
        log.warning("database error in a request: %s", type(exc).__name__, exc_info=exc)
        return JSONResponse(
            {
                "message": "the database is not available right now; try again shortly",
                "field": None,
            },
            status_code=503,
            headers={"Retry-After": "5"},
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
        413: ("Too large", {"message": "file is larger than 5000000 bytes", "field": "file"}),
        422: (
            "Invalid input",
            {
                "message": "body.start: Field required",
                "field": "body.start",
                "issues": [{"field": "body.start", "message": "Field required", "type": "missing"}],
            },
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
