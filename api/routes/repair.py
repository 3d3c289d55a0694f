"""Repair: why no roster (explain), what a roster costs (analyze), re-rostering after events,
substitutes for one absence, and the resilience drill.

Every route takes its problem in one of three ways: a stored roster (``roster_id``: its problem
and newest revision), a stored site (``site_id``, optional ``unit_id``, ``start``, ``days``,
``policy_version``), or a full ``problem``. The answers are proposals a head applies through
``PATCH /rosters/{id}``, except a re-roster of a stored roster: its result is kept as a new
draft revision of that roster (``save``; see ``api.services.store_reroster``). Solves are
bounded by the server's ``max_time_limit``.

Explain, reroster, drill and substitutes are **jobs**, run by the same engine and under the same
limits as roster jobs (a Celery worker, or the in-process runner): the route stores the job,
waits up to ``repair_wait`` seconds (setting ``ROSTER_REPAIR_WAIT``, 30 s; ``?wait=`` asks for
less) and answers 200 with the answer when it is ready, else 202 with the job and a Location
header: poll ``GET /jobs/{id}``, whose ``answer`` is this body once the job is done.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api.concurrency import IfMatch, check_if_match
from api.deps import CurrentUser, RunnerDep, SessionDep, SettingsDep
from api.errors import ApiError, responses
from api.lang import RequestLang
from api.limits import MAX_INT, OptId
from api.messages import A
from api.models import Job
from api.security import Principal
from api.services import build_problem, get_policy, get_site, head_revision
from roster.errors import InputError
from roster.events import Event
from roster.model import Policy, Problem, Roster

router = APIRouter(prefix="/repair", tags=["repair"])


class Source(BaseModel):
    """Where the problem (and roster) come from: ``roster_id``, or ``site_id`` + ``start``, or
    a full ``problem``. Heads: only their own unit (a unit roster, or ``unit_id`` = theirs)."""

    model_config = ConfigDict(extra="forbid")

    roster_id: OptId = None
    problem: Problem | None = None
    site_id: OptId = None
    unit_id: OptId = None
    start: dt.date | None = None
    days: int = Field(7, ge=1, le=62)
    policy_version: int | None = Field(None, ge=1, le=MAX_INT)
    lang: Literal["en", "vi"] = Field(
        "en",
        description="Language of the words meant for people (explanation, labels, the "
        "referee's messages). When left out: the request's language (?lang=, "
        "Accept-Language, else the server's ROSTER_LANG, else en).",
    )
    roster: Roster | None = Field(
        None, description="A roster sent in full (default: the stored roster's newest revision)."
    )


class ExplainRequest(Source):
    time_limit: float = Field(20.0, gt=0, le=600)
    soft: bool = Field(False, description="Also make a roster anyway and list its shortfalls.")


class AnalyzeBody(Source):
    pass


class RerosterRequest(Source):
    events: list[Event] = Field(min_length=1)
    from_date: dt.date | None = Field(
        None, alias="from", description="First day that may change (default: the earliest event)."
    )
    time_limit: float = Field(10.0, gt=0, le=600)
    save: bool = Field(
        True,
        description="With roster_id (and no roster sent in full): keep the result as a new "
        "draft revision of that roster. false: a preview, nothing stored. A problem sent "
        "inline is never stored.",
    )

    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "roster_id": "r-123",
                    "from": "2021-12-15",
                    "events": [
                        {"kind": "positive", "staff": "tp01", "date": "2021-12-15"},
                        {
                            "kind": "leave",
                            "staff": "tp02",
                            "date": "2021-12-16",
                            "end": "2021-12-17",
                        },
                    ],
                }
            ]
        },
    )


class SubstitutesRequest(Source):
    staff: str = Field(max_length=100)
    date: dt.date
    shift: str = Field(max_length=100)
    top: int = Field(5, ge=1, le=50)


class DrillRequest(Source):
    time_limit: float = Field(10.0, gt=0, le=600)


def _resolve(
    body: Source, user: Principal, session: Any, need_roster: bool
) -> tuple[Problem, Roster | None]:
    problem, roster, _ = _resolve_with_origin(body, user, session, need_roster)
    return problem, roster


def _resolve_with_origin(
    body: Source, user: Principal, session: Any, need_roster: bool
) -> tuple[Problem, Roster | None, tuple[str | None, str | None, int]]:
    """The problem, the roster and where they come from (site, unit, policy version)."""
    roster = body.roster
    origin: tuple[str | None, str | None, int]
    if body.roster_id is not None:
        from api.routes.rosters import get_roster

        row = get_roster(session, body.roster_id, user, write=True)
        problem = Problem.model_validate(row.problem)
        origin = (row.site_id, row.unit_id, row.policy_version)
        if roster is None:
            roster = Roster.model_validate(head_revision(session, row).data)
    elif body.problem is not None:
        problem = body.problem
        origin = (None, None, 0)
    elif body.site_id is not None and body.start is not None:
        user.check_unit(body.site_id, body.unit_id)
        site = get_site(session, body.site_id)
        pv = get_policy(session, body.site_id, body.policy_version)
        problem = build_problem(
            site, Policy.model_validate(pv.data), body.start, body.days, body.unit_id
        )
        origin = (body.site_id, body.unit_id, pv.version)
    else:
        raise ApiError(422, A("send_roster_source"), "roster_id")
    if need_roster and roster is None:
        raise ApiError(422, A("send_roster"), "roster")
    return problem, roster, origin


def body_lang(body: Source, lang: str) -> str:
    """The language of a repair request: its body's ``lang`` when sent, else ``lang`` (the
    request's: ?lang=, Accept-Language, ROSTER_LANG)."""
    return body.lang if "lang" in body.model_fields_set else lang


WaitQuery = Query(
    None,
    ge=0,
    le=600,
    description="Seconds to wait for the answer before answering 202 with the job "
    "(default and cap: the server's repair_wait).",
)


def _as_job(
    kind: str,
    body: Source,
    user: Principal,
    session: Any,
    settings: Any,
    runner: Any,
    need_roster: bool,
    params: dict[str, Any],
    time_limit: float,
    wait: float | None,
    check: Any = None,
    lang: str = "en",
) -> Any:
    """Store a repair job, hand it to the engine, wait (bounded) for its answer. ``lang``: the
    request's language; the job keeps the body's ``lang`` when sent, else this one."""
    from api.routes.jobs import check_job_quota, job_public

    params = {**params, "lang": body_lang(body, lang)}

    check_job_quota(session, user, settings)
    problem, roster, (site_id, unit_id, version) = _resolve_with_origin(
        body, user, session, need_roster
    )
    if check is not None:
        check(problem, roster)
    if roster is not None:
        params = {**params, "roster": roster.model_dump(mode="json")}
    job = Job(
        kind=kind,
        site_id=site_id,
        unit_id=unit_id,
        status="queued",
        policy_version=version,
        start=problem.horizon.start,
        days=problem.horizon.days,
        time_limit=_limit(settings, time_limit),
        problem=problem.model_dump(mode="json"),
        params=params,
        created_by=user.name,
        owner=user.key,
        message="queued",
    )
    session.add(job)
    session.commit()
    runner.submit(job.id)
    cap = float(getattr(settings, "repair_wait", 30.0))
    deadline = time.monotonic() + (cap if wait is None else min(wait, cap))
    delay = 0.05
    while True:
        session.expire_all()
        job = session.get(Job, job.id)
        if job.status not in ("queued", "solving") or time.monotonic() >= deadline:
            break
        time.sleep(delay)
        delay = min(delay * 1.5, 0.5)
    if job.status == "done" and job.result is not None:
        return job.result
    headers = {"Location": f"/jobs/{job.id}"}
    body_out = job_public(job).model_dump(mode="json")
    if job.status in ("queued", "solving"):
        return JSONResponse(body_out, status_code=202, headers=headers)
    raise ApiError(
        500 if job.status == "failed" else 409,
        f"the {kind} job ended {job.status}: {job.message}",
        None,
        headers=headers,
        job=body_out,
    )


_ASYNC: dict[int | str, dict[str, Any]] = {
    202: {
        "description": "Not answered within the wait: the job (poll GET /jobs/{id}; its "
        "'answer' is this route's body when done)",
    }
}


def _limit(settings: Any, asked: float) -> float:
    return min(asked, float(getattr(settings, "max_time_limit", asked)))


@router.post(
    "/explain",
    summary="Why no roster exists: the smallest set of conflicting rules",
    description="A diagnosis solve names the hard rules that cannot all hold (per post "
    "and slot, unit cap and slot, person), in words, with fixes. With soft=true, also "
    "a roster anyway with every shortfall under the original rules.",
    responses={**_ASYNC, **responses(401, 403, 404, 422, 429)},
)
def explain_route(
    body: ExplainRequest,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    runner: RunnerDep,
    lang: RequestLang,
    wait: float | None = WaitQuery,
) -> Any:
    return _as_job(
        "explain",
        body,
        user,
        session,
        settings,
        runner,
        False,
        {"soft": body.soft},
        body.time_limit,
        wait,
        lang=lang,
    )


@router.post(
    "/analyze",
    summary="What each choice of a roster costs",
    description="The referee's penalties grouped per rule, person, slot, unit and "
    "post, with totals and shares, and the broken hard rules.",
    responses=responses(401, 403, 404, 422),
)
def analyze_route(
    body: AnalyzeBody, user: CurrentUser, session: SessionDep, lang: RequestLang
) -> dict[str, Any]:
    from roster.breakdown import breakdown

    problem, roster = _resolve(body, user, session, need_roster=True)
    assert roster is not None
    return breakdown(problem, roster, lang=body_lang(body, lang)).model_dump(mode="json")


@router.post(
    "/reroster",
    summary="Re-roster the rest of the week after events",
    description="Isolates positive cases and (by policy) their close contacts, applies "
    "leave and closed counters, keeps the days before 'from' and every team, and "
    "changes as few cells as possible. Returns the new roster, the referee's report "
    "and the changes person by person. From a stored roster (roster_id, save true) the "
    "result is kept as a new DRAFT revision of it, recording the events and the changes "
    "(the published revision never changes); 'stored' in the answer gives its number and "
    "URL, or says why nothing was stored: a problem sent inline, save false, no roster "
    "found, or the roster written by someone else while the re-roster ran. If-Match (the "
    "roster's ETag) is optional: when sent, a stale one is refused at once (412).",
    responses={**_ASYNC, **responses(401, 403, 404, 412, 422, 429)},
)
def reroster_route(
    body: RerosterRequest,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    runner: RunnerDep,
    lang: RequestLang,
    wait: float | None = WaitQuery,
    if_match: IfMatch = None,
) -> Any:
    from api.routes.rosters import get_roster
    from roster.events import check_events

    def check(problem: Problem, roster: Roster | None) -> None:
        try:
            check_events(body.events, problem, "events")
        except InputError as e:
            raise ApiError(
                422,
                e.issues[0].message,
                f"events[{(e.issues[0].row or 1) - 1}].{e.issues[0].field}",
                issues=e.issues,
            ) from None

    params: dict[str, Any] = {
        "events": [e.model_dump(mode="json") for e in body.events],
        "from": body.from_date.isoformat() if body.from_date else None,
    }
    if body.roster_id is not None:
        # the version is read before the roster itself (in _as_job): a write in between
        # makes the stored version stale, so the result is not stored over it
        row = get_roster(session, body.roster_id, user, write=True)
        check_if_match(if_match, row.version, "roster", required=False)
        if body.roster is not None:
            params["store_note"] = "store.full"
        elif not body.save:
            params["store_note"] = "store.preview"
        else:
            params["store"] = {
                "roster_id": row.id,
                "version": row.version,
                "revision": row.head_revision,
            }
    else:
        params["store_note"] = "store.inline"
    return _as_job(
        "reroster",
        body,
        user,
        session,
        settings,
        runner,
        True,
        params,
        body.time_limit,
        wait,
        check,
        lang=lang,
    )


@router.post(
    "/substitutes",
    summary="The cheapest substitutes for one absence in one slot",
    responses={**_ASYNC, **responses(401, 403, 404, 422, 429)},
)
def substitutes_route(
    body: SubstitutesRequest,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    runner: RunnerDep,
    lang: RequestLang,
    wait: float | None = WaitQuery,
) -> Any:
    def check(problem: Problem, roster: Roster | None) -> None:
        if body.staff not in {s.id for s in problem.staff}:
            raise ApiError(422, A("unknown_staff", value=body.staff), "staff")
        if body.shift not in {s.id for s in problem.site.shifts}:
            raise ApiError(422, A("unknown_shift", value=body.shift), "shift")
        if not problem.horizon.contains(body.date):
            raise ApiError(422, A("outside_roster", date=body.date), "date")

    params = {
        "staff": body.staff,
        "date": body.date.isoformat(),
        "shift": body.shift,
        "top": body.top,
    }
    limit = float(getattr(settings, "max_time_limit", 60.0))
    return _as_job(
        "substitutes",
        body,
        user,
        session,
        settings,
        runner,
        True,
        params,
        limit,
        wait,
        check,
        lang=lang,
    )


@router.post(
    "/drill",
    summary="Can each team alone keep every post covered?",
    description="For each team sent home for the policy's isolation period: the "
    "shortfall per post and slot; and the single points of failure. Teams come from "
    "the roster when one is given, else from a quick solve.",
    responses={**_ASYNC, **responses(401, 403, 404, 422, 429)},
)
def drill_route(
    body: DrillRequest,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    runner: RunnerDep,
    lang: RequestLang,
    wait: float | None = WaitQuery,
) -> Any:
    return _as_job(
        "drill", body, user, session, settings, runner, False, {}, body.time_limit, wait, lang=lang
    )
