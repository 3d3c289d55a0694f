"""Tables (SQLAlchemy 2 typed ORM). Domain objects are stored as JSON documents validated by
``roster.model`` on the way in and out; the columns hold what the API filters and sorts on."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_id() -> str:
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class ApiToken(Base):
    """A bearer token (stored as its SHA-256 only) with a role and, for heads, a unit."""

    __tablename__ = "api_tokens"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    role: Mapped[str] = mapped_column(String(20))
    site_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    unit_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class WebSessionRow(Base):
    """A signed-in web session. The browser holds a random id in an HTTP-only cookie; the table
    keeps only its SHA-256 (``id``), and the SHA-256 of the API token it signed in with, never the
    token itself. Every API instance reads the same rows, so a session works on all of them."""

    __tablename__ = "web_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), index=True)
    me: Mapped[dict[str, Any]] = mapped_column(JSON)
    csrf: Mapped[str] = mapped_column(String(64))
    proposals: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created: Mapped[float] = mapped_column(Float)  # Unix time
    seen: Mapped[float] = mapped_column(Float, index=True)  # Unix time of the last use


class SiteRow(Base):
    """A site: its definition (``roster.model.Site``), staff list and standing absences,
    requests and fixed cells."""

    __tablename__ = "sites"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(300), default="")
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    staff: Mapped[list[Any]] = mapped_column(JSON, default=list)
    absences: Mapped[list[Any]] = mapped_column(JSON, default=list)
    requests: Mapped[list[Any]] = mapped_column(JSON, default=list)
    fixed: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class PolicyVersion(Base):
    """One version of a site's policy; versions are never changed, only added."""

    __tablename__ = "policy_versions"
    __table_args__ = (UniqueConstraint("site_id", "version", name="uq_policy_site_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Job(Base):
    """A solve job: queued, solving, then done / infeasible / failed / stopped.

    ``kind`` is ``roster`` (a roster of a stored site) or a repair solve (``explain``,
    ``reroster``, ``drill``, ``substitutes``: ``params`` holds the request, ``result`` the
    answer). ``worker`` and ``lease_until`` are the lease of the worker solving it: the worker
    renews the lease while it solves, and only a job whose lease has expired may be taken over
    by another worker or re-queued at start-up.
    """

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_owner_status", "owner", "status"),
        Index("ix_jobs_status_lease", "status", "lease_until"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(20), default="roster", server_default="roster")
    site_id: Mapped[str | None] = mapped_column(
        ForeignKey("sites.id", ondelete="CASCADE"), index=True, nullable=True
    )
    unit_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    status: Mapped[str] = mapped_column(String(20), index=True, default="queued")
    policy_version: Mapped[int] = mapped_column(Integer)
    start: Mapped[dt.date] = mapped_column()
    days: Mapped[int] = mapped_column(Integer, default=7)
    time_limit: Mapped[float] = mapped_column(Float)
    problem: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    stop_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    objective: Mapped[int | None] = mapped_column(Integer, nullable=True)
    bound: Mapped[int | None] = mapped_column(Integer, nullable=True)
    solutions: Mapped[int] = mapped_column(Integer, default=0)
    elapsed: Mapped[float] = mapped_column(Float, default=0.0)
    solver_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    best_roster: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    message: Mapped[str] = mapped_column(Text, default="")
    roster_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    owner: Mapped[str | None] = mapped_column(String(64), nullable=True)
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    worker: Mapped[str | None] = mapped_column(String(200), nullable=True)
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    dispatched_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )


class RosterRow(Base):
    """A roster of a site (or one unit of it) for a horizon, with its revisions."""

    __tablename__ = "rosters"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    job_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    policy_version: Mapped[int] = mapped_column(Integer)
    start: Mapped[dt.date] = mapped_column()
    days: Mapped[int] = mapped_column(Integer)
    problem: Mapped[dict[str, Any]] = mapped_column(JSON)
    head_revision: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class RosterRevision(Base):
    """One revision of a roster. A published revision is locked; later edits start a new one
    whose ``changes`` list the differences from its parent. A re-roster of a stored roster
    (``POST /repair/reroster``) adds a draft revision recording its ``events`` and job."""

    __tablename__ = "roster_revisions"
    __table_args__ = (UniqueConstraint("roster_id", "number", name="uq_revision_number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    roster_id: Mapped[str] = mapped_column(ForeignKey("rosters.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    parent: Mapped[int | None] = mapped_column(Integer, nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    changes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    published_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    author: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    #: a revision made by a re-roster: the events it answers (``roster.events.Event``, with the
    #: first day it could change as ``{"from": ..., "events": [...]}``) and the job
    events: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    job_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
