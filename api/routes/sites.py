"""Sites: create, read, update, bulk staff import, built-in demo scenarios."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Body, File, Response, UploadFile, status
from sqlalchemy import select

from api.deps import CurrentUser, HrUser, SessionDep, SettingsDep
from api.errors import ApiError, responses
from api.models import SiteRow, utcnow
from api.schemas import (
    DemoSiteCreate,
    ScenarioPublic,
    SiteCreate,
    SitePublic,
    SiteSummary,
    SiteUpdate,
    StaffImportResult,
)
from api.services import (
    add_policy_version,
    check_site_parts,
    get_policy,
    get_site,
    latest_policy_version,
)
from roster.model import Absence, FixedCell, Policy, Request, Site, Staff

router = APIRouter(prefix="/sites", tags=["sites"])
scenarios_router = APIRouter(prefix="/scenarios", tags=["sites"])


def _public(session, row: SiteRow) -> SitePublic:
    return SitePublic(
        id=row.id,
        name=row.name,
        site=Site.model_validate(row.definition),
        staff=row.staff,
        absences=row.absences,
        requests=row.requests,
        fixed=row.fixed,
        policy_version=latest_policy_version(session, row.id),
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def _dump(items: list) -> list:
    return [x.model_dump(mode="json") for x in items]


@router.get(
    "",
    response_model=list[SiteSummary],
    summary="List the sites the caller may see",
    responses=responses(401),
)
def list_sites(user: CurrentUser, session: SessionDep) -> list[SiteSummary]:
    q = select(SiteRow).order_by(SiteRow.id)
    if user.role == "head":
        q = q.where(SiteRow.id == user.site_id)
    return [
        SiteSummary(
            id=r.id,
            name=r.name,
            units=[u["id"] for u in r.definition["units"]],
            staff_count=len(r.staff),
            policy_version=latest_policy_version(session, r.id),
        )
        for r in session.scalars(q)
    ]


def _create(session, user, body: SiteCreate, response: Response) -> SitePublic:
    if session.get(SiteRow, body.site.id) is not None:
        raise ApiError(409, f"site {body.site.id!r} already exists", "site.id")
    check_site_parts(body.site, body.staff, body.policy, body.absences, body.requests, body.fixed)
    row = SiteRow(
        id=body.site.id,
        name=body.site.name or body.site.id,
        definition=body.site.model_dump(mode="json"),
        staff=_dump(body.staff),
        absences=_dump(body.absences),
        requests=_dump(body.requests),
        fixed=_dump(body.fixed),
        updated_by=user.name,
    )
    session.add(row)
    session.flush()
    add_policy_version(session, row.id, body.policy, user.name, body.reason)
    session.commit()
    response.headers["Location"] = f"/sites/{quote(row.id, safe='')}"
    return _public(session, row)


@router.post(
    "",
    response_model=SitePublic,
    status_code=status.HTTP_201_CREATED,
    summary="Create a site with its staff and first policy (hr)",
    responses=responses(401, 403, 409, 422),
)
def create_site(
    user: HrUser, session: SessionDep, response: Response, body: SiteCreate
) -> SitePublic:
    return _create(session, user, body, response)


@router.post(
    "/demo",
    response_model=SitePublic,
    status_code=status.HTTP_201_CREATED,
    summary="Load a built-in scenario as a demo site (hr)",
    responses=responses(401, 403, 404, 409, 422),
)
def create_demo_site(
    user: HrUser,
    session: SessionDep,
    response: Response,
    body: Annotated[
        DemoSiteCreate,
        Body(
            openapi_examples={
                "service-centre": {
                    "summary": "The public administration service centre",
                    "value": {"scenario": "service-centre", "site_id": "demo"},
                }
            }
        ),
    ],
) -> SitePublic:
    from roster.errors import InputError
    from roster.io import list_scenarios, load_scenario

    names = list_scenarios()
    if body.scenario not in names:
        raise ApiError(
            404, f"scenario {body.scenario!r} not found; built-in: {', '.join(names)}", "scenario"
        )
    try:
        problem = load_scenario(body.scenario)
    except InputError as exc:
        raise ApiError(
            422, f"scenario {body.scenario!r} has errors", "scenario", issues=exc.to_dicts()
        ) from exc
    site = problem.site
    if body.site_id:
        site = site.model_copy(update={"id": body.site_id})
    create = SiteCreate(
        site=site,
        staff=problem.staff,
        policy=problem.policy,
        absences=problem.absences,
        requests=problem.requests,
        fixed=problem.fixed,
        reason=f"policy of the built-in scenario {body.scenario!r}",
    )
    return _create(session, user, create, response)


@scenarios_router.get(
    "", response_model=list[ScenarioPublic], summary="Built-in scenarios", responses=responses(401)
)
def list_builtin(user: CurrentUser) -> list[ScenarioPublic]:
    from roster.io import list_scenarios

    return [ScenarioPublic(name=n) for n in list_scenarios()]


@router.get(
    "/{site_id}",
    response_model=SitePublic,
    summary="Read a site",
    responses=responses(401, 403, 404),
)
def read_site(site_id: str, user: CurrentUser, session: SessionDep) -> SitePublic:
    user.check_site(site_id)
    return _public(session, get_site(session, site_id))


@router.patch(
    "/{site_id}",
    response_model=SitePublic,
    summary="Update a site: definition, staff, absences, requests, fixed cells (hr)",
    responses=responses(401, 403, 404, 422),
)
def update_site(site_id: str, body: SiteUpdate, user: HrUser, session: SessionDep) -> SitePublic:
    row = get_site(session, site_id)
    site = body.site or Site.model_validate(row.definition)
    if site.id != site_id:
        raise ApiError(422, f"the site id cannot change ({site_id!r} to {site.id!r})", "site.id")
    staff = body.staff if body.staff is not None else [Staff.model_validate(s) for s in row.staff]
    absences = (
        body.absences
        if body.absences is not None
        else [Absence.model_validate(a) for a in row.absences]
    )
    requests = (
        body.requests
        if body.requests is not None
        else [Request.model_validate(r) for r in row.requests]
    )
    fixed = (
        body.fixed if body.fixed is not None else [FixedCell.model_validate(f) for f in row.fixed]
    )
    policy = Policy.model_validate(get_policy(session, site_id).data)
    check_site_parts(site, staff, policy, absences, requests, fixed)
    row.definition = site.model_dump(mode="json")
    row.name = site.name or site.id
    row.staff, row.absences = _dump(staff), _dump(absences)
    row.requests, row.fixed = _dump(requests), _dump(fixed)
    row.updated_at, row.updated_by = utcnow(), user.name
    session.commit()
    return _public(session, row)


@router.post(
    "/{site_id}/staff/import",
    response_model=StaffImportResult,
    summary="Bulk-import staff from a CSV or XLSX file (hr)",
    description="The same columns as a scenario's staff.csv (id, name, unit, skills, "
    "team, counts_toward_cap, external, rotates, contract, last_test). Every mistake is "
    "returned at once as 422 with file, row (header = row 1), field, message and what "
    "is allowed. mode=replace replaces the staff list, merge adds or updates by id.",
    responses=responses(400, 401, 403, 404, 413, 422),
)
async def import_staff(
    site_id: str,
    user: HrUser,
    session: SessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="staff.csv (UTF-8) or staff.xlsx")],
    mode: Literal["replace", "merge"] = "replace",
) -> StaffImportResult:
    from roster import io as rio
    from roster.errors import InputError
    from roster.input_warnings import short_rows

    row = get_site(session, site_id)
    name = (file.filename or "").lower()
    if name.endswith(".xlsx") or name.endswith(".xlsm"):
        target = rio.STAFF_XLSX
    elif name.endswith(".csv") or name.endswith(".txt") or not name:
        target = rio.STAFF_CSV
    else:
        raise ApiError(400, f"file {file.filename!r} must be .csv or .xlsx", "file")
    data = await file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise ApiError(413, f"file is larger than {settings.max_upload_bytes} bytes", "file")
    site = Site.model_validate(row.definition)
    policy = Policy.model_validate(get_policy(session, site_id).data)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / target
        path.write_bytes(data)
        warnings = [w.text() for w in short_rows(Path(tmp))] if target == rio.STAFF_CSV else []
        try:
            staff = rio.read_staff(path, site, policy)
        except InputError as err:
            first = err.issues[0]
            raise ApiError(
                422,
                f"{len(err.issues)} problem(s) in the file; first: {first}"
                + _contract_hint(site_id, err.issues, policy),
                "file",
                issues=err.to_dicts(),
            ) from None
    if mode == "merge":
        by_id = {s["id"]: s for s in row.staff}
        for s in staff:
            by_id[s.id] = s.model_dump(mode="json")
        new_staff = [Staff.model_validate(s) for s in by_id.values()]
    else:
        new_staff = staff
    absences = [Absence.model_validate(a) for a in row.absences]
    requests = [Request.model_validate(r) for r in row.requests]
    fixed = [FixedCell.model_validate(f) for f in row.fixed]
    ids = {s.id for s in new_staff}
    absences = [a for a in absences if a.staff in ids]
    requests = [r for r in requests if r.staff in ids]
    fixed = [f for f in fixed if f.staff in ids]
    check_site_parts(site, new_staff, policy, absences, requests, fixed)
    row.staff, row.absences = _dump(new_staff), _dump(absences)
    row.requests, row.fixed = _dump(requests), _dump(fixed)
    row.updated_at, row.updated_by = utcnow(), user.name
    session.commit()
    return StaffImportResult(
        site_id=site_id,
        mode=mode,
        imported=len(staff),
        staff_count=len(new_staff),
        warnings=warnings,
    )


def _contract_hint(site_id: str, issues: list, policy: Policy) -> str:
    """When the file names contracts the policy does not define, say which and in what order
    to set a site up (the policy's contracts first, then the staff)."""
    missing = sorted(
        {
            i.message.split("'")[1]
            for i in issues
            if i.field == "contract" and i.message.startswith("unknown contract '")
        }
    )
    if not missing:
        return ""
    names = ", ".join(f"'{m}'" for m in missing)
    keys = ", ".join(f"contracts.{m}" for m in missing)
    return (
        f". The policy defines the contracts {sorted(policy.contracts)} but not {names}: "
        f"define them first (PUT /sites/{site_id}/policy with {keys}), then import the staff. "
        "The order of set-up: the site (units, shifts, skills, posts), then the policy (with "
        "every contract the staff list names), then the staff."
    )
