"""Roster jobs: start (202 at once), follow, stop early keeping the best roster."""

from __future__ import annotations

import time
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Query, Response, status
from fastapi.responses import JSONResponse
from sqlalchemy import func, select

from api.deps import CurrentUser, RunnerDep, SessionDep, SettingsDep
from api.errors import ApiError, not_found, responses
from api.lang import RequestLang
from api.limits import IdPath, IdQuery
from api.messages import A
from api.models import Job
from api.schemas import JobCreate, JobPublic, JobStatus
from api.services import build_problem, get_policy, get_site
from roster.model import Policy, Roster

router = APIRouter(prefix="/jobs", tags=["jobs"])


def job_public(job: Job) -> JobPublic:
    gap = None
    if job.objective is not None and job.bound is not None:
        gap = round((job.objective - job.bound) / max(1, abs(job.objective)), 6)
    kind = job.kind or "roster"
    penalties = (job.result or {}).get("penalties", []) if kind == "roster" else []
    return JobPublic(
        id=job.id,
        kind=kind,
        answer=job.result if kind != "roster" and job.status == "done" else None,
        site_id=job.site_id,
        unit_id=job.unit_id,
        status=job.status,
        policy_version=job.policy_version,
        start=job.start,
        days=job.days,
        time_limit=job.time_limit,
        objective=job.objective,
        bound=job.bound,
        gap=gap,
        solutions=job.solutions,
        elapsed=job.elapsed,
        solver_status=job.solver_status,
        message=job.message,
        roster_id=job.roster_id,
        roster=Roster.model_validate(job.best_roster) if job.best_roster else None,
        penalties=penalties,
        created_by=job.created_by,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


def _get(session, job_id: str, user) -> Job:
    job = session.get(Job, job_id)
    if job is None:
        raise not_found("job", job_id, "job_id")
    if user.role == "head":
        if job.site_id is None:  # a repair solve of a problem sent in full: its author only
            if job.created_by != user.name:
                raise not_found("job", job_id, "job_id")
        elif not user.can_act_on(job.site_id, job.unit_id):
            user.check_unit(job.site_id, job.unit_id)
    return job


def check_job_quota(session, user, settings) -> None:
    """429 when the caller's token already has ``max_queued_jobs_per_token`` jobs (roster or
    repair) queued or solving."""
    waiting = session.scalar(
        select(func.count())
        .select_from(Job)
        .where(Job.owner == user.key, Job.status.in_(("queued", "solving")))
    )
    if waiting is not None and waiting >= settings.max_queued_jobs_per_token:
        raise ApiError(
            429,
            A("too_many_jobs", n=waiting, limit=settings.max_queued_jobs_per_token),
            None,
            headers={"Retry-After": "10"},
        )


@router.post(
    "",
    response_model=JobPublic,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Generate a roster: queue a solve and answer at once",
    description="Answers 202 with the job and a Location header; follow it with GET. "
    "The time limit is capped by the server's maximum. Heads may generate only for "
    "their own unit; hr and portal for any unit or the whole site.",
    responses=responses(401, 403, 404, 422, 429),
)
def create_job(
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    runner: RunnerDep,
    response: Response,
    lang: RequestLang,
    body: Annotated[
        JobCreate,
        Body(
            openapi_examples={
                "unit-week": {
                    "summary": "One unit, one week",
                    "value": {
                        "site_id": "hcc-q1",
                        "unit_id": "tp",
                        "start": "2021-08-02",
                        "days": 7,
                        "time_limit": 10,
                    },
                }
            }
        ),
    ],
) -> JobPublic:
    user.require("hr", "head", "portal")
    user.check_unit(body.site_id, body.unit_id)
    check_job_quota(session, user, settings)
    site = get_site(session, body.site_id)
    pv = get_policy(session, body.site_id, body.policy_version)
    problem = build_problem(
        site, Policy.model_validate(pv.data), body.start, body.days, body.unit_id
    )
    limit = min(body.time_limit or settings.default_time_limit, settings.max_time_limit)
    job = Job(
        site_id=body.site_id,
        unit_id=body.unit_id,
        status="queued",
        policy_version=pv.version,
        start=body.start,
        days=body.days,
        time_limit=limit,
        problem=problem.model_dump(mode="json"),
        params={"lang": lang},  # the job's language: its messages (an infeasible one's why)
        created_by=user.name,
        owner=user.key,
        message="queued",
    )
    session.add(job)
    session.commit()
    runner.submit(job.id)
    response.headers["Location"] = f"/jobs/{job.id}"
    return job_public(job)


@router.get(
    "", response_model=list[JobPublic], summary="List jobs (newest first)", responses=responses(401)
)
def list_jobs(
    user: CurrentUser,
    session: SessionDep,
    site_id: IdQuery = None,
    status_: Annotated[JobStatus | None, Query(alias="status")] = None,
    limit: int = Query(50, ge=1, le=500),
    kind: Literal["roster", "part", "explain", "reroster", "drill", "substitutes", "all"] = Query(
        "roster", description="Roster jobs by default; a repair kind, or all."
    ),
) -> list[JobPublic]:
    q = select(Job).order_by(Job.created_at.desc()).limit(limit)
    if kind != "all":
        q = q.where(Job.kind == kind)
    if site_id:
        q = q.where(Job.site_id == site_id)
    if status_:
        q = q.where(Job.status == status_)
    if user.role == "head":
        q = q.where(Job.site_id == user.site_id, Job.unit_id == user.unit_id)
    return [job_public(j) for j in session.scalars(q)]


@router.get(
    "/{job_id}",
    response_model=JobPublic,
    summary="A job's status, best objective and bound so far, and its roster",
    responses=responses(401, 403, 404),
)
def read_job(job_id: IdPath, user: CurrentUser, session: SessionDep) -> JobPublic:
    return job_public(_get(session, job_id, user))


@router.delete(
    "/{job_id}",
    response_model=JobPublic,
    summary="Stop a job early, keeping the best roster found so far",
    description="Answers 200 with the stopped job, or 202 if the solver has not "
    "acknowledged yet (poll GET). A finished job is returned unchanged.",
    responses={
        202: {"model": JobPublic, "description": "Stop requested"},
        **responses(401, 403, 404),
    },
)
def stop_job(job_id: IdPath, user: CurrentUser, session: SessionDep, runner: RunnerDep):
    job = _get(session, job_id, user)
    user.require("hr", "head", "portal")
    if job.status in ("queued", "solving"):
        job.stop_requested = True
        session.commit()
        runner.stop(job_id)
        deadline = time.monotonic() + 10.0
        while time.monotonic() < deadline:
            session.expire_all()
            job = _get(session, job_id, user)
            if job.status not in ("queued", "solving"):
                break
            time.sleep(0.1)
        else:
            return JSONResponse(job_public(job).model_dump(mode="json"), status_code=202)
    return job_public(job)
