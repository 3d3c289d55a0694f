"""The web application: server-rendered pages for heads, HR and the portal, served by the same
FastAPI app under ``/web`` (``/`` redirects there).

Every page reads and writes through the JSON API itself, called in process with the signed-in
user's token (:mod:`api.web.client`), so roles, unit scoping, the referee and the job runner are
the API's own; nothing here opens a second path to the data. Sign-in keeps the token on the
server and gives the browser an opaque, HTTP-only session cookie; every form and every
state-changing call carries a CSRF token.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

HERE = Path(__file__).parent


def install(app: FastAPI) -> None:
    """Mount the pages, the static files and the ``/`` redirect on ``app``."""
    from api.web import pages

    app.mount("/web/static", StaticFiles(directory=HERE / "static"), name="web-static")
    app.include_router(pages.router)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/web/", status_code=303)
