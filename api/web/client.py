"""The JSON API called in process (ASGI, no socket) with the signed-in user's token: the pages
see exactly what that user may see through the API, with the API's own checks and errors, in
the page's language (the ``roster_lang`` cookie, Vietnamese by default, sent as
``Accept-Language``)."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import Request

from api.web.session import LANG_COOKIE


class ApiFailure(Exception):
    """A non-2xx answer of the API: status, message (the API's own words), field, body."""

    def __init__(self, status: int, body: Any) -> None:
        self.status = status
        self.body = body if isinstance(body, dict) else {"message": str(body)}
        self.message = str(self.body.get("message") or self.body.get("detail") or body)
        self.field = self.body.get("field")
        super().__init__(f"{status}: {self.message}")

    @property
    def issues(self) -> list[dict[str, Any]]:
        return list(self.body.get("issues") or [])


class Api:
    """``await api.get('/sites')`` and friends; raises :class:`ApiFailure` on 4xx/5xx."""

    def __init__(self, request: Request, token: str | None) -> None:
        self.app = request.app
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        lang = (getattr(request, "cookies", None) or {}).get(LANG_COOKIE)
        self.headers["Accept-Language"] = lang if lang in ("en", "vi") else "vi"

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app),
            base_url="http://api.internal",
            headers=self.headers,
            timeout=httpx.Timeout(900.0),
        )

    async def raw(self, method: str, path: str, **kw: Any) -> httpx.Response:
        async with self.client() as c:
            return await c.request(method, path, **kw)

    async def call(self, method: str, path: str, **kw: Any) -> Any:
        r = await self.raw(method, path, **kw)
        if r.status_code >= 400:
            try:
                body = r.json()
            except ValueError:
                body = {"message": r.text or r.reason_phrase}
            raise ApiFailure(r.status_code, body)
        if not r.content:
            return None
        ctype = r.headers.get("content-type", "")
        return r.json() if "json" in ctype else r.content

    async def get(self, path: str, **kw: Any) -> Any:
        return await self.call("GET", path, **kw)

    async def post(self, path: str, **kw: Any) -> Any:
        return await self.call("POST", path, **kw)

    async def get_etag(self, path: str, **kw: Any) -> tuple[Any, str | None]:
        """The resource and its ETag (None when the API gives none)."""
        r = await self.raw("GET", path, **kw)
        if r.status_code >= 400:
            try:
                body = r.json()
            except ValueError:
                body = {"message": r.text or r.reason_phrase}
            raise ApiFailure(r.status_code, body)
        return r.json(), r.headers.get("ETag")

    async def write(
        self, method: str, path: str, etag: str | None, etag_path: str | None = None, **kw: Any
    ) -> Any:
        """A change sent with ``If-Match: etag`` when the page read the resource with one, so a
        change made by someone else in between is refused (412) instead of overwritten. When
        the page saw no ETag but the API now requires one (428), the current one is used."""
        headers = dict(kw.pop("headers", None) or {})
        if etag:
            headers["If-Match"] = etag
        try:
            return await self.call(method, path, headers=headers, **kw)
        except ApiFailure as exc:
            if exc.status != 428 or etag:
                raise
            _, fresh = await self.get_etag(etag_path or path)
            if not fresh:
                raise
            return await self.call(method, path, headers={**headers, "If-Match": fresh}, **kw)
