"""The pages' in-process API client against an API that requires If-Match (as a later API
may: 428 without it, 412 when stale) and one that gives no ETag at all."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from fastapi import FastAPI, Header, Response
from fastapi.responses import JSONResponse

from api.web.client import Api, ApiFailure


def _app(require: bool) -> FastAPI:
    app = FastAPI()
    state = {"version": 1, "value": "a"}

    @app.get("/thing")
    def read(response: Response):
        if require:
            response.headers["ETag"] = f'"v{state["version"]}"'
        return dict(state)

    @app.put("/thing")
    def write(body: dict, if_match: str | None = Header(None)):
        if require:
            if if_match is None:
                return JSONResponse({"message": "If-Match required"}, status_code=428)
            if if_match != f'"v{state["version"]}"':
                return JSONResponse({"message": "stale"}, status_code=412)
        state["version"] += 1
        state["value"] = body["value"]
        return dict(state)

    return app


def _api(app: FastAPI) -> Api:
    return Api(SimpleNamespace(app=app), "token")  # type: ignore[arg-type]


def test_write_with_the_etag_read_and_refused_when_stale():
    api = _api(_app(require=True))

    async def run():
        _, etag = await api.get_etag("/thing")
        assert etag == '"v1"'
        out = await api.write("PUT", "/thing", etag, json={"value": "b"})
        assert out["value"] == "b"
        with pytest.raises(ApiFailure) as e:  # the page's ETag is now stale: refused
            await api.write("PUT", "/thing", etag, json={"value": "c"})
        assert e.value.status == 412
        # no ETag on the page but the API requires one: the current one is used
        out = await api.write("PUT", "/thing", None, json={"value": "d"})
        assert out["value"] == "d" and out["version"] == 3

    asyncio.run(run())


def test_write_without_etags():
    api = _api(_app(require=False))

    async def run():
        _, etag = await api.get_etag("/thing")
        assert etag is None
        out = await api.write("PUT", "/thing", etag, json={"value": "b"})
        assert out["value"] == "b"

    asyncio.run(run())


def test_the_api_answers_in_the_language_of_the_page():
    """The pages ask the API in their language (cookie ``roster_lang``, Vietnamese by default),
    so the referee's messages they show are in it."""
    app = FastAPI()

    @app.get("/said")
    def said(accept_language: str | None = Header(None)):
        return {"lang": accept_language}

    def asked(**cookies: str) -> str:
        api = Api(SimpleNamespace(app=app, cookies=cookies), "token")  # type: ignore[arg-type]
        return asyncio.run(api.get("/said"))["lang"]

    assert asked() == "vi"
    assert asked(roster_lang="en") == "en"
    assert asked(roster_lang="xx") == "vi"
