"""Errors as JSON: ``{"message": ..., "field": ..., "issues": [...]}`` for every failure.

Messages are worded in the request's language (:func:`api.lang.request_lang`): an
:class:`ApiError` carries a :class:`~roster.text.Text` (see :mod:`api.messages`) or
:class:`~roster.errors.Issue` objects, worded by the handler; pydantic's 422 errors are worded
by their ``type`` (:func:`roster.input_messages.pydantic_text`)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.lang import request_lang
from api.messages import API as _API
from api.messages import A, kind_text
from api.schemas import ErrorBody
from roster.errors import InputError, Issue
from roster.input_messages import pydantic_text
from roster.lang import Lang
from roster.text import word


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
    return ApiError(404, A("not_found", kind=kind_text(kind), key=key), field)


def _loc(loc: tuple | list) -> str:
    return ".".join(str(p) for p in loc)


log = logging.getLogger("api")


def localize(value: Any, lang: Lang) -> Any:
    """``value`` with every :class:`~roster.text.Text` worded in ``lang``, every
    :class:`~roster.errors.Issue` as its dict and an :class:`~roster.errors.InputError` as its
    list of issues (dicts and lists are followed)."""
    if isinstance(value, Issue):
        return value.to_dict(lang)
    if isinstance(value, InputError):
        return value.to_dicts(lang)
    if isinstance(value, str):
        return str(word(value, lang))
    if isinstance(value, dict):
        return {k: localize(v, lang) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [localize(v, lang) for v in value]
    return value


def _json(
    request: Request, status: int, message: str, field: str | None = None, **headers: str
) -> JSONResponse:
    return JSONResponse(
        {"message": localize(message, request_lang(request)), "field": field},
        status_code=status,
        headers=headers,
    )


def install(app: FastAPI) -> None:
    """Register the JSON error handlers on ``app``: every failure, database errors and
    unexpected ones included, answers in the JSON error format without internals."""

    @app.exception_handler(sa_exc.IntegrityError)
    async def _integrity(request: Request, exc: sa_exc.IntegrityError) -> JSONResponse:
        log.warning("integrity error: %s", exc.orig)
        return _json(request, 409, A("conflict"))

    @app.exception_handler(sa_exc.DataError)
    async def _data(request: Request, exc: sa_exc.DataError) -> JSONResponse:
        log.warning("data error: %s", exc.orig)
        return _json(request, 422, A("too_long_for_db"))

    @app.exception_handler(sa_exc.OperationalError)
    async def _operational(request: Request, exc: sa_exc.OperationalError) -> JSONResponse:
        log.error("database unavailable: %s", exc.orig)
        return _json(request, 503, A("db_busy"), None, **{"Retry-After": "5"})

    @app.exception_handler(sa_exc.DBAPIError)
    async def _dbapi(request: Request, exc: sa_exc.DBAPIError) -> JSONResponse:
        if exc.connection_invalidated:
            log.error("database connection lost: %s", exc.orig)
            return _json(request, 503, A("db_lost"), None, **{"Retry-After": "5"})
        log.exception("database error")
        return _json(request, 500, A("db_error"))

    @app.exception_handler(sa_exc.TimeoutError)
    async def _pool(request: Request, exc: sa_exc.TimeoutError) -> JSONResponse:
        log.error("no database connection free: %s", exc)
        return _json(request, 503, A("server_busy"), None, **{"Retry-After": "5"})

    @app.exception_handler(OverflowError)
    async def _overflow(request: Request, exc: OverflowError) -> JSONResponse:
        return _json(request, 422, A("out_of_range", why=exc))

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return _json(request, 500, A("internal"))

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        body: dict[str, Any] = {"message": exc.message, "field": exc.field, **exc.extra}
        body = localize(body, request_lang(request))
        return JSONResponse(jsonable_encoder(body), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        lang = request_lang(request)
        issues = []
        for e in exc.errors():
            issues.append(
                {
                    "field": _loc(e.get("loc", ())),
                    "message": pydantic_text(e)(lang) if lang != "en" else e.get("msg", ""),
                    "type": e.get("type", ""),
                }
            )
        first = issues[0] if issues else {"field": None, "message": A("invalid_request")(lang)}
        message = first["message"]
        if first["field"]:
            message = A("field_message", field=first["field"], message=message)(lang)
        return JSONResponse(
            jsonable_encoder({"message": message, "field": first["field"], "issues": issues}),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = str(exc.detail)
        pair = f"http.{detail}"
        message = A(pair)(request_lang(request)) if pair in _API else detail
        return JSONResponse(
            {"message": message, "field": None},
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
