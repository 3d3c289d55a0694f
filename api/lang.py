"""The language of a request: ``?lang=en|vi``, else the first language of ``Accept-Language``
that we speak, else the server's default (``ROSTER_LANG``, else ``en``).

Use ``RequestLang`` as a route parameter type to get it from FastAPI."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from roster.lang import Lang, as_lang, default_lang


def request_lang(request: Request) -> Lang:
    """The language the answer to ``request`` is worded in."""
    query = as_lang(request.query_params.get("lang"))
    if query is not None:
        return query
    for part in request.headers.get("accept-language", "").split(","):
        tag = as_lang(part.split(";")[0])
        if tag is not None:
            return tag
    return default_lang()


RequestLang = Annotated[Lang, Depends(request_lang)]
