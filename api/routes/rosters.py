"""Rosters: read, edit by hand (re-checked by the referee), publish, revisions, analyze."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Response
from sqlalchemy import select

from api.concurrency import IfMatch, check_if_match, locked, set_etag
from api.deps import CurrentUser, SessionDep
from api.errors import ApiError, not_found, responses
from api.lang import RequestLang
from api.limits import IdPath, IdQuery, IntPath
from api.messages import A
from api.models import Job, RosterRevision, RosterRow, utcnow
from api.schemas import (
    EXAMPLE_ROSTER,
    AnalyzeRequest,
    EditResult,
    PublishRequest,
    ReportPublic,
    RevisionPublic,
    RosterEdit,
    RosterPublic,
    RosterSummary,
)
from api.scope import (
    head_unit,
    scope_changes,
    scope_report,
    scope_roster,
    unit_parts,
)
from api.security import Principal
from api.services import (
    build_problem,
    carry_reasons,
    diff,
    get_policy,
    get_site,
    head_revision,
    referee,
    report_dict,
    worded_report,
)
from roster.lang import pick
from roster.model import (
    Absence,
    Assignment,
    Policy,
    Problem,
    RapidTest,
    RemoteDuty,
    Report,
    Roster,
)

router = APIRouter(prefix="/rosters", tags=["rosters"])


def revision_public(
    rev: RosterRevision,
    problem: Problem | None = None,
    unit: str | None = None,
    lang: str = "en",
) -> RevisionPublic:
    """A revision as the caller may see it: cut to ``unit`` when given; the referee's messages
    in ``lang`` (reports are stored in English; ``problem`` is needed to re-word them)."""
    roster = Roster.model_validate(rev.data)
    report, changes = rev.report, rev.changes
    if problem is not None:
        report = worded_report(report, problem, roster, lang)
    if unit is not None and problem is not None:
        staff, posts = unit_parts(problem, unit)
        roster = scope_roster(roster, staff)
        report = scope_report(report, unit, staff, posts)
        changes = scope_changes(changes, staff)
    return RevisionPublic(
        number=rev.number,
        parent=rev.parent,
        published=rev.published,
        author=rev.author,
        reason=rev.reason,
        roster=roster,
        report=ReportPublic.model_validate(report) if report else None,
        changes=changes,
        created_at=rev.created_at,
        updated_at=rev.updated_at,
        published_at=rev.published_at,
        published_by=rev.published_by,
        version=rev.version,
        events=rev.events,
        job_id=rev.job_id,
    )


def roster_public(
    session, row: RosterRow, user: Principal | None = None, lang: str = "en"
) -> RosterPublic:
    unit = head_unit(user, row.unit_id) if user is not None else None
    problem = Problem.model_validate(row.problem) if unit is not None or lang != "en" else None
    return RosterPublic(
        id=row.id,
        site_id=row.site_id,
        unit_id=row.unit_id,
        job_id=row.job_id,
        policy_version=row.policy_version,
        start=row.start,
        days=row.days,
        status=row.status,
        revision=revision_public(head_revision(session, row), problem, unit, lang),
        created_at=row.created_at,
        version=row.version,
        scope=unit,
    )


def get_roster(session, roster_id: str, user: Principal, write: bool = False) -> RosterRow:
    """The roster, if the caller may read it (``write``: change it, or send it to a solve)."""
    row = session.get(RosterRow, roster_id)
    if row is None:
        raise not_found("roster", roster_id, "roster_id")
    if write:
        user.check_unit(row.site_id, row.unit_id)
    else:
        user.check_read(row.site_id, row.unit_id)
    return row


@router.post(
    "/analyze",
    response_model=ReportPublic,
    summary="Check any roster: broken hard rules and the penalty breakdown",
    description="Send the roster with a full problem, or with a stored site (and unit) "
    "and a horizon; the referee judges it. Nothing is stored.",
    responses=responses(401, 403, 404, 422, 503),
)
def analyze(
    user: CurrentUser,
    session: SessionDep,
    lang: RequestLang,
    body: Annotated[
        AnalyzeRequest,
        Body(
            openapi_examples={
                "stored-site": {
                    "summary": "A roster for a stored site",
                    "value": {
                        "site_id": "hcc-q1",
                        "unit_id": "tp",
                        "start": "2021-08-02",
                        "days": 7,
                        "roster": EXAMPLE_ROSTER,
                    },
                }
            }
        ),
    ],
) -> ReportPublic:
    if body.problem is not None:
        problem = body.problem
    else:
        if body.site_id is None or body.start is None:
            raise ApiError(
                422,
                A("send_problem"),
                "site_id" if body.site_id is None else "start",
            )
        user.check_unit(body.site_id, body.unit_id)
        site = get_site(session, body.site_id)
        pv = get_policy(session, body.site_id, body.policy_version)
        problem = build_problem(
            site, Policy.model_validate(pv.data), body.start, body.days, body.unit_id
        )
    return ReportPublic.model_validate(report_dict(referee(problem, body.roster, lang)))


@router.get(
    "",
    response_model=list[RosterSummary],
    summary="List rosters (newest first)",
    responses=responses(401),
)
def list_rosters(
    user: CurrentUser,
    session: SessionDep,
    site_id: IdQuery = None,
    unit_id: IdQuery = None,
    limit: int = Query(50, ge=1, le=500),
) -> list[RosterSummary]:
    q = select(RosterRow).order_by(RosterRow.created_at.desc()).limit(limit)
    if site_id:
        q = q.where(RosterRow.site_id == site_id)
    if unit_id:
        q = q.where(RosterRow.unit_id == unit_id)
    if user.role == "head":  # their unit's rosters and the site-wide ones (cut to their unit)
        q = q.where(
            RosterRow.site_id == user.site_id,
            (RosterRow.unit_id == user.unit_id) | RosterRow.unit_id.is_(None),
        )
    return [
        RosterSummary(
            id=r.id,
            site_id=r.site_id,
            unit_id=r.unit_id,
            start=r.start,
            days=r.days,
            status=r.status,
            head_revision=r.head_revision,
            policy_version=r.policy_version,
        )
        for r in session.scalars(q)
    ]


@router.get(
    "/{roster_id}",
    response_model=RosterPublic,
    summary="A roster with its newest revision and the referee's report",
    responses=responses(401, 403, 404),
)
def read_roster(
    roster_id: IdPath,
    user: CurrentUser,
    session: SessionDep,
    response: Response,
    lang: RequestLang,
) -> RosterPublic:
    row = get_roster(session, roster_id, user)
    set_etag(response, row.version)
    return roster_public(session, row, user, lang)


@router.get(
    "/{roster_id}/revisions",
    response_model=list[RevisionPublic],
    summary="Every revision of a roster, oldest first",
    responses=responses(401, 403, 404),
)
def list_revisions(
    roster_id: IdPath, user: CurrentUser, session: SessionDep, lang: RequestLang
) -> list[RevisionPublic]:
    row = get_roster(session, roster_id, user)
    unit = head_unit(user, row.unit_id)
    problem = Problem.model_validate(row.problem) if unit or lang != "en" else None
    revs = session.scalars(
        select(RosterRevision)
        .where(RosterRevision.roster_id == row.id)
        .order_by(RosterRevision.number)
    )
    return [revision_public(r, problem, unit, lang) for r in revs]


@router.get(
    "/{roster_id}/revisions/{number}",
    response_model=RevisionPublic,
    summary="One revision of a roster",
    responses=responses(401, 403, 404),
)
def read_revision(
    roster_id: IdPath,
    number: IntPath,
    user: CurrentUser,
    session: SessionDep,
    response: Response,
    lang: RequestLang,
) -> RevisionPublic:
    row = get_roster(session, roster_id, user)
    rev = get_revision(session, row, number)
    unit = head_unit(user, row.unit_id)
    set_etag(response, rev.version)
    problem = Problem.model_validate(row.problem) if unit or lang != "en" else None
    return revision_public(rev, problem, unit, lang)


def get_revision(session, row: RosterRow, number: int | None) -> RosterRevision:
    if number is None:
        return head_revision(session, row)
    rev = session.scalar(
        select(RosterRevision).where(
            RosterRevision.roster_id == row.id, RosterRevision.number == number
        )
    )
    if rev is None:
        raise not_found("revision", number, "revision")
    return rev


def _apply(problem: Problem, roster: Roster, edit: RosterEdit) -> Roster:
    """The roster with the edits applied; 422 for a reference the problem does not know."""
    staff = {s.id for s in problem.staff}
    shifts = {s.id for s in problem.site.shifts}
    posts = {p.id: p for p in problem.site.posts}
    h = problem.horizon
    cells = {(a.staff, a.date, a.shift): a for a in roster.assignments}
    duties: dict[tuple, list[RemoteDuty]] = {}
    for r in roster.remote_duties:
        duties.setdefault((r.staff, r.date, r.shift), []).append(r)
    tests = {(t.staff, t.date) for t in roster.tests}

    def known(i: int, kind: str, staff_id: str, date=None) -> None:
        if staff_id not in staff:
            raise ApiError(
                422,
                A("edit_staff_not_in", kind=A(f"edit.{kind}"), n=i + 1, staff=staff_id),
                f"{kind}s[{i}].staff",
            )
        if date is not None and not h.contains(date):
            raise ApiError(
                422,
                A(
                    "edit_outside",
                    kind=A(f"edit.{kind}"),
                    n=i + 1,
                    date=date,
                    start=h.start,
                    end=h.end,
                ),
                f"{kind}s[{i}].date",
            )

    for i, c in enumerate(edit.cells):
        known(i, "cell", c.staff, c.date)
        if c.shift not in shifts:
            raise ApiError(
                422,
                A("edit_unknown_shift", n=i + 1, shift=c.shift, known=", ".join(sorted(shifts))),
                f"cells[{i}].shift",
            )
        post = posts.get(c.post) if c.post is not None else None
        if c.post is not None and post is None:
            raise ApiError(
                422,
                A("edit_unknown_post", n=i + 1, post=c.post, known=", ".join(sorted(posts))),
                f"cells[{i}].post",
            )
        if post is not None and post.remote and c.on_site:
            raise ApiError(
                422, A("edit_remote_on_site", n=i + 1, post=c.post), f"cells[{i}].on_site"
            )
        if post is not None and not post.remote and not c.on_site:
            raise ApiError(422, A("edit_site_off", n=i + 1, post=c.post), f"cells[{i}].post")
        # the edit sets the whole cell: on site (at a post or not), remote on a duty from
        # home, or remote with no duty (off where an absence says so)
        key = (c.staff, c.date, c.shift)
        cells.pop(key, None)
        duties.pop(key, None)
        if c.on_site:
            cells[key] = Assignment(staff=c.staff, date=c.date, shift=c.shift, post=c.post)
        elif post is not None:
            duties[key] = [RemoteDuty(staff=c.staff, date=c.date, shift=c.shift, post=post.id)]
    for i, t in enumerate(edit.tests):
        known(i, "test", t.staff, t.date)
        (tests.add if t.booked else tests.discard)((t.staff, t.date))
    teams = dict(roster.teams)
    for sid, team in edit.teams.items():
        if sid not in staff:
            raise ApiError(422, A("edit_team_unknown", staff=sid), f"teams.{sid}")
        if not 0 <= team < problem.policy.teams.count:
            raise ApiError(
                422,
                A("edit_team_range", team=team, staff=sid, last=problem.policy.teams.count - 1),
                f"teams.{sid}",
            )
        teams[sid] = team
    return Roster(
        assignments=sorted(cells.values(), key=lambda a: (a.date, a.shift, a.staff)),
        remote_duties=sorted(
            (r for rs in duties.values() for r in rs), key=lambda r: (r.date, r.shift, r.staff)
        ),
        tests=[RapidTest(staff=s, date=d) for s, d in sorted(tests, key=lambda x: (x[1], x[0]))],
        teams=teams,
    )


def _with_absences(problem: Problem, absences: list[Absence]) -> Problem:
    """``problem`` with the edit's ``absences`` recorded (each once); 422 naming the absence
    for a person or shift the problem does not know."""
    if not absences:
        return problem
    staff = {s.id for s in problem.staff}
    shifts = {s.id for s in problem.site.shifts}
    for i, a in enumerate(absences):
        if a.staff not in staff:
            raise ApiError(
                422,
                A("edit_staff_not_in", kind=A("edit.absence"), n=i + 1, staff=a.staff),
                f"absences[{i}].staff",
            )
        for sh in a.shifts:
            if sh not in shifts:
                raise ApiError(
                    422,
                    A(
                        "edit_shift_unknown_in_absence",
                        n=i + 1,
                        shift=sh,
                        known=", ".join(sorted(shifts)),
                    ),
                    f"absences[{i}].shifts",
                )
    have = {a.model_dump_json() for a in problem.absences}
    new = []
    for a in absences:
        if (key := a.model_dump_json()) not in have:
            have.add(key)
            new.append(a)
    if not new:
        return problem
    return problem.model_copy(update={"absences": [*problem.absences, *new]})


def _key(v) -> tuple:
    return (v.rule, v.staff, v.date, v.shift, v.post, v.unit)


@router.patch(
    "/{roster_id}",
    response_model=EditResult,
    summary="Edit cells by hand; the referee re-checks every edit",
    description="Needs If-Match with the roster's ETag (428 without, 412 when someone wrote "
    "since). An edit that breaks a hard rule the roster did not break before is "
    "refused (409 with the broken rules) unless accept_violations is true. A published "
    "revision never changes: editing a published roster starts a new draft revision "
    "recording the differences.",
    responses=responses(401, 403, 404, 409, 412, 422, 428, 503),
)
def edit_roster(
    roster_id: IdPath,
    body: RosterEdit,
    user: CurrentUser,
    session: SessionDep,
    response: Response,
    lang: RequestLang,
    if_match: IfMatch = None,
) -> EditResult:
    user.require("hr", "head")
    get_roster(session, roster_id, user, write=True)
    with locked(session, RosterRow, roster_id, "roster") as row:
        check_if_match(if_match, row.version, "roster")
        problem = _with_absences(Problem.model_validate(row.problem), body.absences)
        head = head_revision(session, row)
        old = Roster.model_validate(head.data)
        new = _apply(problem, old, body)
        before: Report = referee(problem, old)
        report = referee(problem, new)  # stored in English; shown in the request's language
        shown = report if lang == "en" else referee(problem, new, lang)
        seen = {_key(v) for v in before.violations}
        fresh = [
            w
            for v, w in zip(report.violations, shown.violations, strict=True)
            if _key(v) not in seen
        ]
        if fresh and not body.accept_violations:
            raise ApiError(
                409,
                pick(
                    lang,
                    f"the edit breaks {len(fresh)} hard rule(s): {fresh[0].message}; "
                    "nothing was saved (send accept_violations: true to keep it anyway)",
                    f"bản sửa vi phạm {len(fresh)} quy tắc bắt buộc: {fresh[0].message}; "
                    "chưa lưu gì (gửi accept_violations: true để vẫn giữ bản sửa)",
                ),
                None,
                violations=[v.model_dump(mode="json") for v in fresh],
                report=report_dict(shown),
            )
        reason = body.reason or "edited by hand"
        now = utcnow()
        if body.absences:
            row.problem = problem.model_dump(mode="json")
        if head.published:  # a published revision is never changed: a new draft follows it
            rev = RosterRevision(
                roster_id=row.id,
                number=head.number + 1,
                parent=head.number,
                data=new.model_dump(mode="json"),
                report=report_dict(report),
                changes=diff(old, new),
                author=user.name,
                reason=reason,
                version=1,
            )
            session.add(rev)
            row.head_revision = rev.number
            row.status = "draft"
        else:
            if head.parent is not None:
                base = Roster.model_validate(get_revision(session, row, head.parent).data)
            else:
                job = session.get(Job, row.job_id) if row.job_id else None
                base = Roster.model_validate(job.best_roster) if job and job.best_roster else old
            head.data = new.model_dump(mode="json")
            head.report = report_dict(report)
            head.changes = carry_reasons(diff(base, new), head.changes)
            head.author = user.name
            head.reason = f"{head.reason}; {reason}" if head.reason else reason
            head.updated_at = now
            head.version += 1
        row.version += 1
        session.commit()
    set_etag(response, row.version)
    return EditResult(
        roster=roster_public(session, row, user, lang),
        report=ReportPublic.model_validate(report_dict(shown)),
        new_violations=fresh,
    )


@router.post(
    "/{roster_id}/publish",
    response_model=RosterPublic,
    summary="Publish the newest revision; it is locked afterwards",
    description="Needs If-Match with the roster's ETag (428 without, 412 when stale). "
    "Refused (409) while the roster breaks a hard rule, and when the newest revision is "
    "already published.",
    responses=responses(401, 403, 404, 409, 412, 428, 503),
)
def publish_roster(
    roster_id: IdPath,
    user: CurrentUser,
    session: SessionDep,
    response: Response,
    lang: RequestLang,
    body: PublishRequest | None = None,
    if_match: IfMatch = None,
) -> RosterPublic:
    user.require("hr", "head")
    get_roster(session, roster_id, user, write=True)
    with locked(session, RosterRow, roster_id, "roster") as row:
        head = head_revision(session, row)
        if head.published:
            raise ApiError(
                409,
                A("already_published", n=head.number),
                "revision",
                current_version=row.version,
            )
        check_if_match(if_match, row.version, "roster")
        problem = Problem.model_validate(row.problem)
        report = referee(problem, Roster.model_validate(head.data))
        if report.violations:
            shown = (
                report if lang == "en" else referee(problem, Roster.model_validate(head.data), lang)
            )
            raise ApiError(
                409,
                pick(
                    lang,
                    f"the roster breaks {len(report.violations)} hard rule(s): "
                    f"{shown.violations[0].message}; fix them before publishing",
                    f"lịch vi phạm {len(report.violations)} quy tắc bắt buộc: "
                    f"{shown.violations[0].message}; hãy sửa trước khi công bố",
                ),
                None,
                violations=[v.model_dump(mode="json") for v in shown.violations],
            )
        head.report = report_dict(report)
        head.published, head.published_at, head.published_by = True, utcnow(), user.name
        if body and body.reason:
            head.reason = f"{head.reason}; published: {body.reason}"
        head.version += 1
        row.status = "published"
        row.version += 1
        session.commit()
    set_etag(response, row.version)
    return roster_public(session, row, user, lang)
