"""Repair: why no roster (explain), what a roster costs (analyze), re-rostering after events,
substitutes for one absence, and the resilience drill.

Every route takes its problem in one of three ways: a stored roster (``roster_id``: its problem
and newest revision), a stored site (``site_id``, optional ``unit_id``, ``start``, ``days``,
``policy_version``), or a full ``problem``. Nothing is stored: the answers are proposals a head
applies through ``PATCH /rosters/{id}``. Solves are bounded by the server's ``max_time_limit``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.deps import CurrentUser, SessionDep, SettingsDep
from api.errors import ApiError, responses
from api.limits import MAX_INT, OptId
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
        "en", description="Language of the words meant for people (explanation, labels)."
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
    roster = body.roster
    if body.roster_id is not None:
        from api.routes.rosters import get_roster

        row = get_roster(session, body.roster_id, user, write=True)
        problem = Problem.model_validate(row.problem)
        if roster is None:
            roster = Roster.model_validate(head_revision(session, row).data)
    elif body.problem is not None:
        problem = body.problem
    elif body.site_id is not None and body.start is not None:
        user.check_unit(body.site_id, body.unit_id)
        site = get_site(session, body.site_id)
        pv = get_policy(session, body.site_id, body.policy_version)
        problem = build_problem(
            site, Policy.model_validate(pv.data), body.start, body.days, body.unit_id
        )
    else:
        raise ApiError(
            422, "send a roster_id, a problem, or a site_id with a start date", "roster_id"
        )
    if need_roster and roster is None:
        raise ApiError(422, "send a roster (or a roster_id)", "roster")
    return problem, roster


def _limit(settings: Any, asked: float) -> float:
    return min(asked, float(getattr(settings, "max_time_limit", asked)))


def _workers(settings: Any) -> int:
    return int(getattr(settings, "solver_workers", 2))


@router.post(
    "/explain",
    summary="Why no roster exists: the smallest set of conflicting rules",
    description="A diagnosis solve names the hard rules that cannot all hold (per post "
    "and slot, unit cap and slot, person), in words, with fixes. With soft=true, also "
    "a roster anyway with every shortfall under the original rules.",
    responses=responses(401, 403, 404, 422),
)
def explain_route(
    body: ExplainRequest, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    from roster.explain_text import explain
    from roster.precheck import precheck
    from solver.diagnose import best_effort, find_conflict

    problem, _ = _resolve(body, user, session, need_roster=False)
    limit = _limit(settings, body.time_limit)
    conflict = find_conflict(problem, time_limit=limit)
    exp = explain(
        problem,
        conflict.keys,
        status=conflict.status.value,
        minimal=conflict.minimal,
        elapsed=conflict.elapsed,
        structural=conflict.structural,
        lang=body.lang,
    )
    out: dict[str, Any] = {
        "explanation": exp.model_dump(mode="json"),
        "text": exp.text(),
        "precheck": [f.model_dump(mode="json") for f in precheck(problem)],
    }
    if body.soft:
        result, report = best_effort(problem, limit, _workers(settings))
        out["soft"] = (
            None
            if report is None
            else {
                "roster": result.roster.model_dump(mode="json") if result.roster else None,
                "objective": report.objective,
                "shortfalls": [v.model_dump(mode="json") for v in report.violations],
            }
        )
    return out


@router.post(
    "/analyze",
    summary="What each choice of a roster costs",
    description="The referee's penalties grouped per rule, person, slot, unit and "
    "post, with totals and shares, and the broken hard rules.",
    responses=responses(401, 403, 404, 422),
)
def analyze_route(body: AnalyzeBody, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    from roster.breakdown import breakdown

    problem, roster = _resolve(body, user, session, need_roster=True)
    assert roster is not None
    return breakdown(problem, roster, lang=body.lang).model_dump(mode="json")


@router.post(
    "/reroster",
    summary="Re-roster the rest of the week after events",
    description="Isolates positive cases and (by policy) their close contacts, applies "
    "leave and closed counters, keeps the days before 'from' and every team, and "
    "changes as few cells as possible. Returns the new roster, the referee's report "
    "and the changes person by person. Nothing is stored.",
    responses=responses(401, 403, 404, 422),
)
def reroster_route(
    body: RerosterRequest, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    from roster.events import check_events
    from solver.reroster import reroster

    problem, roster = _resolve(body, user, session, need_roster=True)
    assert roster is not None
    try:
        check_events(body.events, problem, "events")
    except InputError as e:
        raise ApiError(
            422,
            e.issues[0].message,
            f"events[{(e.issues[0].row or 1) - 1}].{e.issues[0].field}",
            issues=e.to_dicts(),
        ) from None
    res = reroster(
        problem,
        roster,
        body.events,
        body.from_date,
        time_limit=_limit(settings, body.time_limit),
        workers=_workers(settings),
    )
    return res.model_dump(mode="json", exclude={"problem"})


@router.post(
    "/substitutes",
    summary="The cheapest substitutes for one absence in one slot",
    responses=responses(401, 403, 404, 422),
)
def substitutes_route(
    body: SubstitutesRequest, user: CurrentUser, session: SessionDep
) -> dict[str, Any]:
    from solver.substitutes import substitutes

    problem, roster = _resolve(body, user, session, need_roster=True)
    assert roster is not None
    if body.staff not in {s.id for s in problem.staff}:
        raise ApiError(422, f"unknown staff {body.staff!r}", "staff")
    if body.shift not in {s.id for s in problem.site.shifts}:
        raise ApiError(422, f"unknown shift {body.shift!r}", "shift")
    if not problem.horizon.contains(body.date):
        raise ApiError(422, f"{body.date} is outside the roster", "date")
    return substitutes(
        problem, roster, body.staff, body.date, body.shift, top=body.top, lang=body.lang
    ).model_dump(mode="json")


@router.post(
    "/drill",
    summary="Can each team alone keep every post covered?",
    description="For each team sent home for the policy's isolation period: the "
    "shortfall per post and slot; and the single points of failure. Teams come from "
    "the roster when one is given, else from a quick solve.",
    responses=responses(401, 403, 404, 422),
)
def drill_route(
    body: DrillRequest, user: CurrentUser, session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    from solver.drill import drill

    problem, roster = _resolve(body, user, session, need_roster=False)
    teams = roster.teams if roster is not None else None
    return drill(
        problem, teams, time_limit=_limit(settings, body.time_limit), workers=_workers(settings)
    ).model_dump(mode="json")
