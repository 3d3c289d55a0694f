"""Sites: create, read, update, bulk staff import, built-in demo scenarios."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Body, File, Response, UploadFile, status
from sqlalchemy import func, select, update

from api.concurrency import IfMatch, check_if_match, locked, set_etag
from api.deps import CurrentUser, HrUser, SessionDep, SettingsDep
from api.errors import ApiError, responses
from api.lang import RequestLang
from api.limits import IdPath
from api.messages import A
from api.models import ApiToken, Job, SiteRow, utcnow
from api.schemas import (
    DemoSiteCreate,
    ScenarioPublic,
    SiteCreate,
    SitePublic,
    SiteSummary,
    SiteUpdate,
    StaffImportResult,
)
from api.scope import scope_site_lists
from api.security import Principal
from api.services import (
    add_policy_version,
    check_site_parts,
    get_policy,
    get_site,
    latest_policy_version,
)
from roster.model import Absence, FixedCell, Policy, Request, Site, Staff
from roster.text import Text

router = APIRouter(prefix="/sites", tags=["sites"])
scenarios_router = APIRouter(prefix="/scenarios", tags=["sites"])


def _public(session, row: SiteRow, user: Principal | None = None) -> SitePublic:
    """The site as ``user`` may see it: a head sees their own unit's staff and only their
    absences (with reasons), requests and fixed cells."""
    staff, absences, requests, fixed = row.staff, row.absences, row.requests, row.fixed
    if user is not None and user.role == "head" and user.unit_id is not None:
        staff, (absences, requests, fixed) = scope_site_lists(
            user.unit_id, staff, [absences, requests, fixed]
        )
    return SitePublic(
        id=row.id,
        name=row.name,
        site=Site.model_validate(row.definition),
        staff=staff,
        absences=absences,
        requests=requests,
        fixed=fixed,
        policy_version=latest_policy_version(session, row.id),
        updated_at=row.updated_at,
        updated_by=row.updated_by,
        version=row.version,
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
            staff_count=len(r.staff)
            if user.role != "head"
            else sum(1 for x in r.staff if x.get("unit") == user.unit_id),
            policy_version=latest_policy_version(session, r.id),
        )
        for r in session.scalars(q)
    ]


def _create(session, user, body: SiteCreate, response: Response) -> SitePublic:
    if session.get(SiteRow, body.site.id) is not None:
        raise ApiError(409, A("site_exists", site=body.site.id), "site.id")
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
    set_etag(response, row.version)
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
            404, A("scenario_not_found", name=body.scenario, names=", ".join(names)), "scenario"
        )
    try:
        problem = load_scenario(body.scenario)
    except InputError as exc:
        raise ApiError(
            422, A("scenario_errors", name=body.scenario), "scenario", issues=exc.issues
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
def read_site(
    site_id: IdPath, user: CurrentUser, session: SessionDep, response: Response
) -> SitePublic:
    user.check_site(site_id)
    row = get_site(session, site_id)
    set_etag(response, row.version)
    return _public(session, row, user)


@router.delete(
    "/{site_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a site with its policies, jobs and rosters (hr)",
    description="Refused (409) while a job of the site is queued or solving: stop it first. "
    "The site's head tokens are revoked. If-Match (the site's ETag) is checked when sent.",
    responses=responses(401, 403, 404, 409, 412),
)
def delete_site(
    site_id: IdPath, user: HrUser, session: SessionDep, if_match: IfMatch = None
) -> Response:
    get_site(session, site_id)
    with locked(session, SiteRow, site_id, "site") as row:
        check_if_match(if_match, row.version, "site", required=False)
        running = session.scalar(
            select(func.count())
            .select_from(Job)
            .where(Job.site_id == site_id, Job.status.in_(("queued", "solving")))
        )
        if running:
            raise ApiError(
                409,
                A("site_busy", site=site_id, n=running),
                "site_id",
            )
        session.execute(update(ApiToken).where(ApiToken.site_id == site_id).values(revoked=True))
        session.delete(row)
        session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.patch(
    "/{site_id}",
    response_model=SitePublic,
    summary="Update a site: definition, staff, absences, requests, fixed cells (hr)",
    description="Needs If-Match with the site's ETag (428 without, 412 when stale).",
    responses=responses(401, 403, 404, 412, 422, 428),
)
def update_site(
    site_id: IdPath,
    body: SiteUpdate,
    user: HrUser,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> SitePublic:
    get_site(session, site_id)
    with locked(session, SiteRow, site_id, "site") as row:
        check_if_match(if_match, row.version, "site")
        _update(session, row, body, user)
    set_etag(response, row.version)
    return _public(session, row)


def _update(session, row: SiteRow, body: SiteUpdate, user: Principal) -> None:
    site_id = row.id
    site = body.site or Site.model_validate(row.definition)
    if site.id != site_id:
        raise ApiError(422, A("site_id_fixed", old=site_id, new=site.id), "site.id")
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
    row.version += 1
    session.commit()


@router.post(
    "/{site_id}/staff/import",
    response_model=StaffImportResult,
    summary="Bulk-import staff from a CSV or XLSX file (hr)",
    description="The same columns as a scenario's staff.csv (id, name, unit, skills, "
    "team, counts_toward_cap, external, rotates, contract, last_test). Every mistake is "
    "returned at once as 422 with file, row (header = row 1), field, message and what "
    "is allowed. mode=replace replaces the staff list, merge adds or updates by id. A "
    "replace that would drop people who have absences, requests or fixed cells is refused "
    "(409 listing them: import them too, or remove their records first); a file without "
    "staff rows is refused (422). At most max_import_rows rows (413). If-Match (the site's "
    "ETag) is checked when sent.",
    responses=responses(400, 401, 403, 404, 409, 412, 413, 422),
)
def import_staff(
    site_id: IdPath,
    user: HrUser,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
    file: Annotated[UploadFile, File(description="staff.csv (UTF-8) or staff.xlsx")],
    lang: RequestLang,
    mode: Literal["replace", "merge"] = "replace",
    if_match: IfMatch = None,
) -> StaffImportResult:
    """A plain ``def``: FastAPI runs it in its thread pool, so parsing a large file never
    holds up the event loop (other requests keep being answered)."""
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
        raise ApiError(400, A("file_type", name=file.filename), "file")
    data = file.file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise ApiError(413, A("file_too_large", limit=settings.max_upload_bytes), "file")
    _check_rows(data, target == rio.STAFF_XLSX, settings.max_import_rows)
    site = Site.model_validate(row.definition)
    policy = Policy.model_validate(get_policy(session, site_id).data)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / target
        path.write_bytes(data)
        warnings = [w.text(lang) for w in short_rows(Path(tmp))] if target == rio.STAFF_CSV else []
        try:
            staff = rio.read_staff(path, site, policy)
        except InputError as err:
            first = err.issues[0]
            raise ApiError(
                422,
                A(
                    "file_problems",
                    n=len(err.issues),
                    first=Text((first.text("en"), first.text("vi"))),
                    hint=_contract_hint(site_id, err.issues, policy),
                ),
                "file",
                issues=err.issues,
            ) from None
    if len(staff) > settings.max_import_rows:
        raise ApiError(
            413, A("too_many_rows", n=len(staff), limit=settings.max_import_rows), "file"
        )
    if mode == "replace" and not staff:
        raise ApiError(
            422,
            A("no_staff_rows"),
            "file",
        )
    with locked(session, SiteRow, site_id, "site") as row:
        check_if_match(if_match, row.version, "site", required=False)
        result = _import(session, row, staff, mode, user)
    set_etag(response, row.version)
    result.warnings = warnings
    return result


def _check_rows(data: bytes, xlsx: bool, limit: int) -> None:
    """413 before parsing when the file plainly has more than ``limit`` data rows."""
    if xlsx:
        rows = _xlsx_rows(data, limit)
    else:
        rows = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if rows - 1 > limit:
        raise ApiError(413, A("too_many_data_rows", limit=limit), "file")


MAX_XLSX_UNPACKED = 100_000_000


def _xlsx_rows(data: bytes, limit: int) -> int:
    """The most rows of any sheet, counted on the raw sheet XML without parsing it (stops
    once past ``limit``); 413 for a workbook that unpacks to more than ``MAX_XLSX_UNPACKED``
    bytes (a zip bomb). A broken file counts 0: the reader then says what is wrong."""
    import io
    import re
    import zipfile

    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return 0
    with z:
        if sum(i.file_size for i in z.infolist()) > MAX_XLSX_UNPACKED:
            raise ApiError(413, A("workbook_too_large", limit=MAX_XLSX_UNPACKED), "file")
        row_tag = re.compile(rb"<(?:\w+:)?row[\s>/]")
        most = 0
        for name in z.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            n, tail = 0, b""
            with z.open(name) as fh:
                while chunk := fh.read(1 << 16):
                    buf = tail + chunk
                    n += len(row_tag.findall(buf))
                    tail = buf[-16:]
                    n -= len(row_tag.findall(tail))  # counted again with the next chunk
                    if n - 1 > limit:
                        break
                n += len(row_tag.findall(tail))
            most = max(most, n)
        return most


def _import(session, row: SiteRow, staff: list[Staff], mode: str, user) -> StaffImportResult:
    site = Site.model_validate(row.definition)
    policy = Policy.model_validate(get_policy(session, row.id).data)
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
    dropped: dict[str, dict[str, int]] = {}
    for kind, items in (("absences", absences), ("requests", requests), ("fixed", fixed)):
        for item in items:
            if item.staff not in ids:
                counts = dropped.setdefault(item.staff, {"absences": 0, "requests": 0, "fixed": 0})
                counts[kind] += 1
    if dropped:
        people = sorted(dropped)
        raise ApiError(
            409,
            A(
                "import_drops",
                n=len(people),
                people=", ".join(people[:10]) + ("..." if len(people) > 10 else ""),
            ),
            "file",
            issues=[{"staff": p, **dropped[p]} for p in people],
        )
    check_site_parts(site, new_staff, policy, absences, requests, fixed)
    row.staff = _dump(new_staff)
    row.updated_at, row.updated_by = utcnow(), user.name
    row.version += 1
    session.commit()
    return StaffImportResult(
        site_id=row.id, mode=mode, imported=len(staff), staff_count=len(new_staff)
    )


def _contract_hint(site_id: str, issues: list, policy: Policy) -> Text | str:
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
    return A(
        "contract_hint", defined=sorted(policy.contracts), names=names, site=site_id, keys=keys
    )
