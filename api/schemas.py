"""Request and response bodies, one schema per direction (``...Create`` in, ``...Public`` out).

The domain objects themselves (``Site``, ``Staff``, ``Policy``, ``Roster``...) are the classes of
``roster.model``; these schemas wrap them with what the API adds: ids, versions, authors, times.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict, JsonValue

from api.limits import MAX_INT, Id, OptId
from roster.model import (
    Absence,
    FixedCell,
    Penalty,
    Policy,
    Problem,
    Request,
    Roster,
    Site,
    Staff,
    Violation,
)

Role = Literal["hr", "head", "portal"]
JobStatus = Literal["queued", "solving", "done", "infeasible", "failed", "stopped"]

# The examples are typed as pydantic's JSON (what ``json_schema_extra`` takes), so they can be
# put in one another and in the schemas' examples as they are.
EXAMPLE_SITE: JsonDict = {
    "id": "hcc-q1",
    "name": "Trung tâm Phục vụ hành chính công Quận 1",
    "units": [{"id": "tp", "name": "Tư pháp"}, {"id": "dd", "name": "Địa chính"}],
    "shifts": [
        {"id": "am", "name": "Sáng", "start": "07:30:00", "end": "11:30:00"},
        {"id": "pm", "name": "Chiều", "start": "13:30:00", "end": "17:00:00"},
    ],
    "skills": ["counter"],
    "posts": [{"id": "q1", "name": "Quầy 1", "kind": "counter", "skill": "counter", "unit": "tp"}],
}
EXAMPLE_STAFF: list[JsonValue] = [
    {"id": "tp01", "name": "Nguyễn Văn An", "unit": "tp", "skills": ["counter"]},
    {"id": "tp02", "name": "Trần Thị Bình", "unit": "tp", "skills": ["counter"]},
    {"id": "dd01", "name": "Lê Văn Cường", "unit": "dd"},
]
EXAMPLE_ROSTER: JsonDict = {
    "assignments": [{"staff": "tp01", "date": "2021-08-02", "shift": "am", "post": "q1"}],
    "tests": [{"staff": "tp01", "date": "2021-08-02"}],
    "teams": {"tp01": 0, "tp02": 1, "dd01": 0},
}


class ErrorBody(BaseModel):
    """Every error: a sentence, the field it is about (if any) and details."""

    message: str = Field(examples=["site 'hcc-q9' not found"])
    field: str | None = Field(None, examples=["site_id"])
    issues: list[dict[str, Any]] | None = Field(
        None, description="Per-item problems, e.g. per row of an uploaded file."
    )
    violations: list[Violation] | None = None
    current_version: int | None = Field(
        None, description="With 409/412/428 on versioned writes: the version (ETag) now stored."
    )


# ---------------------------------------------------------------------------------------------
# auth
# ---------------------------------------------------------------------------------------------


class TokenCreate(BaseModel):
    """A token to issue. Heads need ``site_id`` and ``unit_id``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "role": "head",
                    "name": "Trưởng phòng Tư pháp",
                    "site_id": "hcc-q1",
                    "unit_id": "tp",
                }
            ]
        }
    )
    role: Role
    name: str = Field("", max_length=200)
    site_id: OptId = None
    unit_id: OptId = None


class TokenPublic(BaseModel):
    """An issued token; ``token`` is shown once, at creation."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "3f0c...",
                    "role": "head",
                    "name": "Trưởng phòng Tư pháp",
                    "site_id": "hcc-q1",
                    "unit_id": "tp",
                    "token": "rst_Jx...",
                    "created_at": "2021-08-01T08:00:00Z",
                }
            ]
        }
    )
    id: str
    role: Role
    name: str
    site_id: str | None
    unit_id: str | None
    token: str | None = None
    created_at: dt.datetime | None = None


class Me(BaseModel):
    """Who the caller is."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"name": "admin", "role": "hr", "site_id": None, "unit_id": None}]
        }
    )
    name: str
    role: Role
    site_id: str | None
    unit_id: str | None


# ---------------------------------------------------------------------------------------------
# sites and staff
# ---------------------------------------------------------------------------------------------


class SiteCreate(BaseModel):
    """A new site with its staff, first policy and standing absences/requests/fixed cells."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "site": EXAMPLE_SITE,
                    "staff": EXAMPLE_STAFF,
                    "policy": {"cap": {"fraction": 0.5}},
                    "reason": "first policy",
                }
            ]
        },
    )
    site: Site
    staff: list[Staff] = Field(default_factory=list)
    policy: Policy = Field(default_factory=Policy)
    absences: list[Absence] = Field(default_factory=list)
    requests: list[Request] = Field(default_factory=list)
    fixed: list[FixedCell] = Field(default_factory=list)
    reason: str = Field("initial policy", max_length=2000)


class SiteUpdate(BaseModel):
    """Replace any of a site's parts; parts left out stay as they are. The policy is changed
    through ``PUT /sites/{id}/policy`` (versioned), not here."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "staff": EXAMPLE_STAFF,
                    "absences": [
                        {
                            "staff": "tp02",
                            "start": "2021-08-02",
                            "end": "2021-08-04",
                            "reason": "isolation",
                        }
                    ],
                }
            ]
        },
    )
    site: Site | None = None
    staff: list[Staff] | None = None
    absences: list[Absence] | None = None
    requests: list[Request] | None = None
    fixed: list[FixedCell] | None = None


class SitePublic(BaseModel):
    """A site as stored."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "hcc-q1",
                    "name": "Trung tâm Phục vụ hành chính công Quận 1",
                    "site": EXAMPLE_SITE,
                    "staff": EXAMPLE_STAFF,
                    "absences": [],
                    "requests": [],
                    "fixed": [],
                    "policy_version": 1,
                    "updated_at": "2021-08-01T08:00:00Z",
                    "updated_by": "admin",
                }
            ]
        }
    )
    id: str
    name: str
    site: Site
    staff: list[Staff]
    absences: list[Absence]
    requests: list[Request]
    fixed: list[FixedCell]
    policy_version: int | None
    updated_at: dt.datetime
    updated_by: str
    version: int = Field(1, description='Sent as ETag "<version>"; If-Match it on PATCH.')


class SiteSummary(BaseModel):
    """A site in a list."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "hcc-q1",
                    "name": "Trung tâm Phục vụ hành chính công Quận 1",
                    "units": ["tp", "dd"],
                    "staff_count": 3,
                    "policy_version": 1,
                }
            ]
        }
    )
    id: str
    name: str
    units: list[str]
    staff_count: int
    policy_version: int | None


class DemoSiteCreate(BaseModel):
    """Load a built-in scenario as a site."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"scenario": "service-centre", "site_id": "demo"}]},
    )
    scenario: str = Field(min_length=1, max_length=100)
    site_id: OptId = Field(None, description="Id for the new site (default: the scenario's).")


class StaffImportResult(BaseModel):
    """What a bulk import did."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"site_id": "hcc-q1", "mode": "replace", "imported": 120, "staff_count": 120}
            ]
        }
    )
    site_id: str
    mode: Literal["replace", "merge"]
    imported: int
    staff_count: int
    warnings: list[str] = Field(
        default_factory=list,
        description="Rows shorter than the header (their missing cells took the defaults).",
    )


# ---------------------------------------------------------------------------------------------
# policies
# ---------------------------------------------------------------------------------------------


class PolicyUpdate(BaseModel):
    """A new version of the site's policy, with the reason for the change."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "policy": {
                        "cap": {"fraction": 0.3333},
                        "teams": {"count": 2, "rotation": "day"},
                    },
                    "reason": "Công văn 123/UBND: tối đa 1/3 nhân sự làm việc trực tiếp",
                }
            ]
        },
    )
    policy: Policy
    reason: str = Field(min_length=1, max_length=2000)


class PolicyPublic(BaseModel):
    """One stored policy version."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "site_id": "hcc-q1",
                    "version": 2,
                    "policy": {"name": "policy"},
                    "author": "hr-1",
                    "reason": "Công văn 123/UBND",
                    "created_at": "2021-08-01T08:00:00Z",
                }
            ]
        }
    )
    site_id: str
    version: int
    policy: Policy
    author: str
    reason: str
    created_at: dt.datetime


# ---------------------------------------------------------------------------------------------
# jobs
# ---------------------------------------------------------------------------------------------


class JobCreate(BaseModel):
    """Generate a roster for a site, or for one unit of it (heads: their own unit)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "site_id": "hcc-q1",
                    "unit_id": "tp",
                    "start": "2021-08-02",
                    "days": 7,
                    "time_limit": 10,
                }
            ]
        },
    )
    site_id: Id
    unit_id: OptId = Field(None, description="Only this unit's staff and posts; None: the site.")
    start: dt.date
    days: int = Field(7, ge=1, le=62)
    time_limit: float | None = Field(
        None, gt=0, le=3600, description="Seconds; capped by the server's maximum."
    )
    policy_version: int | None = Field(
        None, ge=1, le=MAX_INT, description="Default: the newest version."
    )


class JobPublic(BaseModel):
    """A job's state. ``objective``/``bound`` are the best so far while solving."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "9b1f...",
                    "site_id": "hcc-q1",
                    "unit_id": "tp",
                    "status": "solving",
                    "policy_version": 1,
                    "start": "2021-08-02",
                    "days": 7,
                    "time_limit": 10.0,
                    "objective": 42,
                    "bound": 30,
                    "gap": 0.2857,
                    "solutions": 3,
                    "elapsed": 1.5,
                    "solver_status": None,
                    "message": "",
                    "roster_id": None,
                    "roster": None,
                    "created_at": "2021-08-01T08:00:00Z",
                    "started_at": "2021-08-01T08:00:01Z",
                    "finished_at": None,
                    "created_by": "head-tp",
                    "penalties": [],
                }
            ]
        }
    )
    id: str
    kind: str = Field(
        "roster", description="roster, or a repair solve: explain, reroster, drill, substitutes"
    )
    site_id: str | None
    unit_id: str | None
    status: JobStatus
    policy_version: int
    start: dt.date
    days: int
    time_limit: float
    objective: int | None
    bound: int | None
    gap: float | None
    solutions: int
    elapsed: float
    solver_status: str | None
    message: str
    roster_id: str | None
    roster: Roster | None
    penalties: list[Penalty] = Field(default_factory=list)
    answer: dict[str, Any] | None = Field(
        None, description="A repair job's answer (the body the repair route returns)."
    )
    created_by: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


# ---------------------------------------------------------------------------------------------
# rosters
# ---------------------------------------------------------------------------------------------


class ReportPublic(BaseModel):
    """The referee's findings: broken hard rules, the penalty breakdown, the objective."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ok": False,
                    "objective": 1005,
                    "violations": [
                        {
                            "rule": "cap",
                            "label": "On-site cap exceeded",
                            "message": "unit tp has 3 on site on 2021-08-02 am, cap 2",
                            "unit": "tp",
                            "date": "2021-08-02",
                            "shift": "am",
                        }
                    ],
                    "penalties": [
                        {
                            "rule": "fairness",
                            "label": "Unequal on-site duty in a unit",
                            "cost": 5,
                            "unit": "tp",
                        }
                    ],
                    "by_rule": {"fairness": 5},
                }
            ]
        }
    )
    ok: bool
    objective: int
    violations: list[Violation]
    penalties: list[Penalty]
    by_rule: dict[str, int]


class Change(BaseModel):
    """One difference between two revisions. A cell's ``before``/``after``: ``on_site``,
    ``on_site:<post>``, ``remote:<post>`` (a duty from home: a post of kind ``remote``) or
    ``remote``; a test's: ``booked``/``none``; a team's: the team number."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "cell",
                    "staff": "tp01",
                    "date": "2021-08-02",
                    "shift": "am",
                    "before": "on_site:q1",
                    "after": "remote",
                }
            ]
        }
    )
    kind: Literal["cell", "test", "team"]
    staff: str
    date: dt.date | None = None
    shift: str | None = None
    before: str | None
    after: str | None
    reason: str | None = Field(
        None, description="Why, where known (a re-roster: positive test, covers, moved...)."
    )


class RevisionPublic(BaseModel):
    """One revision of a roster."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "number": 2,
                    "parent": 1,
                    "published": False,
                    "author": "head-tp",
                    "reason": "swap after isolation",
                    "roster": EXAMPLE_ROSTER,
                    "report": None,
                    "changes": [],
                    "created_at": "2021-08-01T08:00:00Z",
                    "updated_at": "2021-08-01T08:00:00Z",
                    "published_at": None,
                    "published_by": None,
                }
            ]
        }
    )
    number: int
    parent: int | None
    published: bool
    author: str
    reason: str
    roster: Roster
    report: ReportPublic | None
    changes: list[Change]
    created_at: dt.datetime
    updated_at: dt.datetime
    published_at: dt.datetime | None
    published_by: str | None
    version: int = Field(1, description="+1 on each write to this revision.")
    events: dict[str, Any] | None = Field(
        None,
        description="A revision made by a re-roster: the events it answers and the first "
        'day it could change, {"from": DATE, "events": [...]} (as POST /repair/reroster '
        "takes them).",
    )
    job_id: str | None = Field(None, description="The re-roster job that made this revision.")


class RosterPublic(BaseModel):
    """A roster with its newest revision."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "5c2e...",
                    "site_id": "hcc-q1",
                    "unit_id": "tp",
                    "job_id": "9b1f...",
                    "policy_version": 1,
                    "start": "2021-08-02",
                    "days": 7,
                    "status": "draft",
                    "revision": {
                        "number": 1,
                        "parent": None,
                        "published": False,
                        "author": "head-tp",
                        "reason": "generated",
                        "roster": EXAMPLE_ROSTER,
                        "report": None,
                        "changes": [],
                        "created_at": "2021-08-01T08:00:00Z",
                        "updated_at": "2021-08-01T08:00:00Z",
                        "published_at": None,
                        "published_by": None,
                    },
                    "created_at": "2021-08-01T08:00:00Z",
                }
            ]
        }
    )
    id: str
    site_id: str
    unit_id: str | None
    job_id: str | None
    policy_version: int
    start: dt.date
    days: int
    status: Literal["draft", "published"]
    revision: RevisionPublic
    created_at: dt.datetime
    version: int = Field(
        1, description='Sent as ETag "<version>"; If-Match it on PATCH and publish.'
    )
    scope: str | None = Field(
        None,
        description="Set when the caller sees only part of the roster: the unit it is cut to.",
    )


class RosterSummary(BaseModel):
    """A roster in a list."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "5c2e...",
                    "site_id": "hcc-q1",
                    "unit_id": "tp",
                    "start": "2021-08-02",
                    "days": 7,
                    "status": "published",
                    "head_revision": 2,
                    "policy_version": 1,
                }
            ]
        }
    )
    id: str
    site_id: str
    unit_id: str | None
    start: dt.date
    days: int
    status: Literal["draft", "published"]
    head_revision: int
    policy_version: int


class CellEdit(BaseModel):
    """Set one cell of ``staff`` on ``date`` in ``shift``, replacing whatever it held:
    on site (``on_site`` true: at ``post``, or general office work without one), remote on a
    duty from home (``on_site`` false with ``post`` a post of kind ``remote``: hotline,
    on-call), or remote with no duty (``on_site`` false, no ``post``; off where an absence
    says so)."""

    model_config = ConfigDict(extra="forbid")
    staff: str = Field(min_length=1, max_length=100)
    date: dt.date
    shift: str = Field(min_length=1, max_length=100)
    on_site: bool = Field(
        description="true: on site; false: remote (on the duty from home ``post`` names, if any)"
    )
    post: str | None = Field(
        None,
        max_length=100,
        description="With on_site true: the post on site (none: general office work). With "
        "on_site false: a post of kind remote the person serves from home.",
    )


class TestEdit(BaseModel):
    """Book (``booked`` true) or cancel a rapid test."""

    model_config = ConfigDict(extra="forbid")
    staff: str = Field(min_length=1, max_length=100)
    date: dt.date
    booked: bool


class RosterEdit(BaseModel):
    """Edits by hand. The referee re-checks the edited roster: if it breaks a hard rule the
    edit is refused (409, with the broken rules) unless ``accept_violations`` is true, in which
    case it is saved and the broken rules are returned and recorded."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "cells": [
                        {"staff": "tp01", "date": "2021-08-02", "shift": "am", "on_site": False},
                        {
                            "staff": "tp02",
                            "date": "2021-08-02",
                            "shift": "am",
                            "on_site": True,
                            "post": "q1",
                        },
                        {
                            "staff": "tp03",
                            "date": "2021-08-02",
                            "shift": "am",
                            "on_site": False,
                            "post": "hotline",
                        },
                    ],
                    "tests": [{"staff": "tp02", "date": "2021-08-02", "booked": True}],
                    "reason": "tp01 in isolation",
                    "accept_violations": False,
                }
            ]
        },
    )
    cells: list[CellEdit] = Field(default_factory=list, max_length=5000)
    tests: list[TestEdit] = Field(default_factory=list, max_length=5000)
    teams: dict[str, int] = Field(default_factory=dict)
    absences: list[Absence] = Field(
        default_factory=list,
        max_length=500,
        description="Absences to record on this roster's problem with the edit (an isolation "
        "after a positive case, sick leave): the referee judges the edited roster, and every "
        "later edit, publish and re-roster of it, with them. An absence already recorded is "
        "not added twice.",
    )
    reason: str = Field("", max_length=2000)
    accept_violations: bool = False


class EditResult(BaseModel):
    """The roster after an edit, with what the referee found."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "roster": RosterPublic.model_config["json_schema_extra"]["examples"][0],  # type: ignore[index]
                    "report": ReportPublic.model_config["json_schema_extra"]["examples"][0],  # type: ignore[index]
                    "new_violations": [],
                }
            ]
        }
    )
    roster: RosterPublic
    report: ReportPublic
    new_violations: list[Violation]


class PublishRequest(BaseModel):
    """Publish the newest revision; it is locked afterwards."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "tuần 32"}]}
    )
    reason: str = Field("", max_length=2000)


class AnalyzeRequest(BaseModel):
    """Check any roster: against a problem sent in full, or against a stored site (its policy
    version, standing absences, requests and fixed cells) for a horizon."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "site_id": "hcc-q1",
                    "unit_id": "tp",
                    "start": "2021-08-02",
                    "days": 7,
                    "roster": EXAMPLE_ROSTER,
                }
            ]
        },
    )
    roster: Roster
    problem: Problem | None = None
    site_id: OptId = None
    unit_id: OptId = None
    start: dt.date | None = None
    days: int = Field(7, ge=1, le=62)
    policy_version: int | None = Field(None, ge=1, le=MAX_INT)


class ScenarioPublic(BaseModel):
    """A built-in scenario."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "service-centre"}]})
    name: str
