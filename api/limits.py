"""Limits and validation at the edge, in one place.

* Path and query: ids match ``ID_PATTERN`` (letters, digits, ``-``, ``_``; 1-64), integers
  lie in 1..2^31-1 (``IdPath``, ``IntPath``... used by every route).
* Every request (``EdgeLimits``, an ASGI middleware in front of the app): no control character
  in the path or the query; a body of at most ``max_body_bytes`` (JSON) or
  ``max_upload_bytes`` plus the multipart envelope (uploads), else 413 before the app reads
  it; in a JSON body no control character in any text (tab, newline and carriage return
  allowed), no text over ``MAX_TEXT`` characters and no name over ``MAX_NAME``, no list over
  ``MAX_LIST`` items, no integer beyond +-2^53, no date outside ``MIN_DATE``..``MAX_DATE``,
  nesting at most ``MAX_DEPTH`` deep.

Every refusal is the JSON error format: ``{"message", "field", ...}``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Annotated, Any
from urllib.parse import unquote

import anyio
from fastapi import Path, Query
from pydantic import Field
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.lang import request_lang
from api.messages import A
from roster.lang import Lang
from roster.text import word

ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
ID_RE = re.compile(ID_PATTERN)
MAX_INT = 2**31 - 1  # a PostgreSQL integer column
MAX_JSON_INT = 2**53  # integers JSON clients agree on
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2199, 12, 31)
MAX_NAME = 200
MAX_TEXT = 10_000
MAX_LIST = 20_000
MAX_DEPTH = 32
MAX_URL = 4096
MULTIPART_ENVELOPE = 64 * 1024

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_NAME_KEYS = {"name", "name_vi"}

IdPath = Annotated[
    str, Path(pattern=ID_PATTERN, max_length=64, description="Letters, digits, - and _; 1-64.")
]
IdQuery = Annotated[str | None, Query(pattern=ID_PATTERN, max_length=64)]
IntPath = Annotated[int, Path(ge=1, le=MAX_INT)]
Id = Annotated[str, Field(pattern=ID_PATTERN, min_length=1, max_length=64)]
OptId = Annotated[str | None, Field(pattern=ID_PATTERN, min_length=1, max_length=64)]


class EdgeError(ValueError):
    def __init__(self, status: int, message: str, field: str | None) -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def check_id(value: str, field: str) -> None:
    if not ID_RE.match(value):
        raise EdgeError(
            422,
            A("bad_id", field=field, value=value[:80]),
            field,
        )


def _where(path: list[str | int]) -> str:
    return ".".join(str(p) for p in ["body", *path])


def check_json(value: Any, path: list[str | int] | None = None, depth: int = 0) -> None:
    """Raise ``EdgeError`` at the first text, number, list or date out of bounds."""
    path = path or []
    if depth > MAX_DEPTH:
        raise EdgeError(422, A("too_deep", depth=MAX_DEPTH), _where(path))
    if isinstance(value, str):
        if _CONTROL.search(value):
            raise EdgeError(
                422,
                A("control_chars", where=_where(path)),
                _where(path),
            )
        limit = MAX_NAME if path and path[-1] in _NAME_KEYS else MAX_TEXT
        if len(value) > limit:
            raise EdgeError(422, A("text_too_long", where=_where(path), limit=limit), _where(path))
        m = _DATE.match(value)
        if m:
            try:
                day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return  # not a date: pydantic says so where a date is expected
            if not MIN_DATE <= day <= MAX_DATE:
                raise EdgeError(
                    422,
                    A(
                        "date_out_of_range",
                        where=_where(path),
                        value=value,
                        low=MIN_DATE,
                        high=MAX_DATE,
                    ),
                    _where(path),
                )
    elif isinstance(value, bool) or value is None or isinstance(value, float):
        return
    elif isinstance(value, int):
        if abs(value) > MAX_JSON_INT:
            raise EdgeError(422, A("int_out_of_range", where=_where(path)), _where(path))
    elif isinstance(value, list):
        if len(value) > MAX_LIST:
            raise EdgeError(
                413, A("too_many_items", where=_where(path), limit=MAX_LIST), _where(path)
            )
        for i, v in enumerate(value):
            check_json(v, [*path, i], depth + 1)
    elif isinstance(value, dict):
        if len(value) > MAX_LIST:
            raise EdgeError(
                413, A("too_many_keys", where=_where(path), limit=MAX_LIST), _where(path)
            )
        for k, v in value.items():
            check_json(k, [*path, "(key)"], depth + 1)
            check_json(v, [*path, k], depth + 1)


def _error_body(status: int, message: str, field: str | None) -> tuple[bytes, list]:
    body = json.dumps({"message": message, "field": field}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    return body, headers


async def _send_error(
    send: Send, status: int, message: str, field: str | None, lang: Lang = "en"
) -> None:
    body, headers = _error_body(status, str(word(message, lang)), field)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class EdgeLimits:
    """ASGI middleware: URL, body size and JSON body checks before the app sees a request."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.max_upload = max_upload_bytes + MULTIPART_ENVELOPE

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        lang = request_lang(Request(scope))
        path = scope.get("path", "")
        query = unquote(scope.get("query_string", b"").decode("latin-1"))
        if len(path) + len(query) > MAX_URL:
            await _send_error(send, 414, A("url_too_long", limit=MAX_URL), None, lang)
            return
        if _CONTROL.search(path) or _CONTROL.search(query):
            await _send_error(send, 422, A("url_control_chars"), "url", lang)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        ctype = headers.get("content-type", "").lower()
        limit = self.max_upload if ctype.startswith("multipart/") else self.max_body
        declared = headers.get("content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                await _send_error(send, 400, A("bad_content_length"), "Content-Length", lang)
                return
            if size > limit:
                await _send_error(send, 413, A("body_too_large", limit=limit), "body", lang)
                return
        if scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE") and declared is None:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _send_error(send, 413, A("body_too_large", limit=limit), "body", lang)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if body and ("json" in ctype or not ctype):  # FastAPI reads a typeless body as JSON
            try:
                if len(body) > 64 * 1024:
                    await anyio.to_thread.run_sync(_check_json_bytes, body)
                else:
                    _check_json_bytes(body)
            except EdgeError as err:
                await _send_error(send, err.status, err.message, err.field, lang)
                return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _check_json_bytes(body: bytes) -> None:
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        return  # malformed JSON: the app answers 422 with where it breaks
    try:
        check_json(value)
    except RecursionError:
        raise EdgeError(422, A("too_deep", depth=MAX_DEPTH), "body") from None
