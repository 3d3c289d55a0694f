"""Policies: versioned per site. Every change adds a version (who, when, why); old ones stay."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Body, Response, status
from sqlalchemy import select

from api.concurrency import IfMatch, check_if_match, locked, set_etag
from api.deps import CurrentUser, HrUser, SessionDep
from api.errors import responses
from api.limits import IdPath, IntPath
from api.models import PolicyVersion, SiteRow, utcnow
from api.schemas import PolicyPublic, PolicyUpdate
from api.services import (
    add_policy_version,
    check_site_parts,
    get_policy,
    get_site,
    latest_policy_version,
)
from roster.model import Absence, FixedCell, Policy, Request, Site, Staff

router = APIRouter(prefix="/sites/{site_id}", tags=["policies"])


def _public(row: PolicyVersion) -> PolicyPublic:
    return PolicyPublic(
        site_id=row.site_id,
        version=row.version,
        policy=Policy.model_validate(row.data),
        author=row.author,
        reason=row.reason,
        created_at=row.created_at,
    )


@router.get(
    "/policy",
    response_model=PolicyPublic,
    summary="The site's current policy",
    responses=responses(401, 403, 404),
)
def current_policy(
    site_id: IdPath, user: CurrentUser, session: SessionDep, response: Response
) -> PolicyPublic:
    user.check_site(site_id)
    get_site(session, site_id)
    row = get_policy(session, site_id)
    set_etag(response, row.version)
    return _public(row)


@router.put(
    "/policy",
    response_model=PolicyPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Change the policy: adds a new version (hr)",
    description='Needs If-Match with the current policy\'s ETag ("<version>"): 428 without, '
    "412 when another change was saved since. Concurrent changes: one wins, the others get "
    "412 (or 409), never a server error.",
    responses=responses(401, 403, 404, 409, 412, 422, 428),
)
def update_policy(
    site_id: IdPath,
    user: HrUser,
    session: SessionDep,
    response: Response,
    body: Annotated[
        PolicyUpdate,
        Body(
            openapi_examples={
                "cap": {
                    "summary": "A third of the staff on site, two teams by day",
                    "value": {
                        "policy": {
                            "cap": {"fraction": 0.3333},
                            "teams": {"count": 2, "rotation": "day"},
                        },
                        "reason": "Công văn 123/UBND: tối đa 1/3 nhân sự làm việc trực tiếp",
                    },
                }
            }
        ),
    ],
    if_match: IfMatch = None,
) -> PolicyPublic:
    get_site(session, site_id)
    with locked(session, SiteRow, site_id, "site") as row:
        check_if_match(if_match, latest_policy_version(session, site_id) or 0, "policy")
        version = _add(session, row, body, user)
    response.headers["Location"] = f"/sites/{quote(site_id, safe='')}/policies/{version.version}"
    set_etag(response, version.version)
    return _public(version)


def _add(session, row: SiteRow, body: PolicyUpdate, user) -> PolicyVersion:
    check_site_parts(
        Site.model_validate(row.definition),
        [Staff.model_validate(s) for s in row.staff],
        body.policy,
        [Absence.model_validate(a) for a in row.absences],
        [Request.model_validate(r) for r in row.requests],
        [FixedCell.model_validate(f) for f in row.fixed],
    )
    version = add_policy_version(session, row.id, body.policy, user.name, body.reason)
    row.version += 1  # the site's answer shows the policy version: its ETag changes too
    row.updated_at, row.updated_by = utcnow(), user.name
    session.commit()
    return version


@router.get(
    "/policies",
    response_model=list[PolicyPublic],
    summary="Every version of the site's policy, oldest first",
    responses=responses(401, 403, 404),
)
def list_policies(site_id: IdPath, user: CurrentUser, session: SessionDep) -> list[PolicyPublic]:
    user.check_site(site_id)
    get_site(session, site_id)
    rows = session.scalars(
        select(PolicyVersion)
        .where(PolicyVersion.site_id == site_id)
        .order_by(PolicyVersion.version)
    )
    return [_public(r) for r in rows]


@router.get(
    "/policies/{version}",
    response_model=PolicyPublic,
    summary="One version of the site's policy",
    responses=responses(401, 403, 404),
)
def read_policy(
    site_id: IdPath, version: IntPath, user: CurrentUser, session: SessionDep, response: Response
) -> PolicyPublic:
    user.check_site(site_id)
    get_site(session, site_id)
    row = get_policy(session, site_id, version)
    set_etag(response, row.version)
    return _public(row)
