"""Optimistic concurrency: versions sent as ``ETag``, checked against ``If-Match``, under a row
lock held until the write commits.

The contract (also in api/README.md):

* Sites, rosters and roster revisions carry an integer ``version`` (1 when created, +1 on each
  write); a site's policy is versioned by its policy version number. ``GET`` answers send it
  as a strong ``ETag: "<version>"`` and in the JSON body (``version`` / ``policy_version``).
* Writes that replace state need ``If-Match`` with that ETag (``"3"``, ``W/"3"`` or ``3``; a
  list matches if any entry does; ``*`` matches any current version): ``PATCH /rosters/{id}``,
  ``POST /rosters/{id}/publish``, ``PUT /sites/{id}/policy``, ``PATCH /sites/{id}``.
  Missing: 428. Stale: 412 with the current version in the body. Staff import and site delete
  check ``If-Match`` when it is sent.
* The version is checked and the write done in one transaction holding a lock on the row:
  ``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite a no-op ``UPDATE`` of the row first, which
  takes SQLite's write lock (the moral equivalent of ``BEGIN IMMEDIATE``) so the reads that
  follow see the newest committed state and no other writer can interleave.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

from fastapi import Header, Response
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.errors import ApiError, not_found
from api.messages import A, kind_text

T = TypeVar("T")

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=200,
        description='The ETag of the version this write is based on, e.g. "3" (428 without it '
        "on writes that replace state, 412 when it is no longer the current version).",
    ),
]


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def _tags(header: str) -> list[str]:
    out = []
    for part in header.split(","):
        part = part.strip()
        if part.startswith("W/"):
            part = part[2:]
        out.append(part.strip().strip('"'))
    return [p for p in out if p]


def check_if_match(header: str | None, current: int, what: str, *, required: bool = True) -> None:
    """428 when ``header`` is missing (and required), 412 when no entry is ``current``."""
    if header is None or not header.strip():
        if not required:
            return
        raise ApiError(
            428,
            A("if_match_missing", what=kind_text(what), current=current),
            "If-Match",
            current_version=current,
        )
    tags = _tags(header)
    if "*" in tags or str(current) in tags:
        return
    raise ApiError(
        412,
        A("if_match_stale", what=kind_text(what), sent=header.strip(), current=current),
        "If-Match",
        current_version=current,
    )


def _lock(session: Session, model: type[T], key: Any) -> None:
    table = model.__table__  # type: ignore[attr-defined]
    if session.get_bind().dialect.name == "sqlite":
        # the first write of the transaction takes SQLite's single write lock (waiting up to
        # the busy timeout for another writer): reads that follow see the newest commit
        session.execute(update(table).where(table.c.id == key).values(version=table.c.version))
    else:
        session.execute(select(table.c.id).where(table.c.id == key).with_for_update())


def lock_row(session: Session, model: type[T], key: Any) -> None:
    """Lock the row ``key`` of ``model`` until the session commits (see :func:`locked`)."""
    _lock(session, model, key)


@contextmanager
def locked(session: Session, model: type[T], key: Any, kind: str) -> Iterator[T]:
    """The row ``key`` of ``model``, re-read under a lock held until the session commits; any
    exception rolls the transaction back (and so releases the lock) before it propagates."""
    try:
        _lock(session, model, key)
        session.expire_all()
        row = session.get(model, key, populate_existing=True)
        if row is None:
            raise not_found(kind, key, f"{kind}_id")
        yield row
    except BaseException:
        session.rollback()
        raise
