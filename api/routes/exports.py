"""Exports of a roster: CSV and XLSX (the CLI's writers), the test plan, iCalendar per person."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Response

from api.deps import CurrentUser, SessionDep
from api.errors import ApiError, responses
from api.limits import MAX_INT, IdPath
from api.messages import A
from api.routes.rosters import get_revision, get_roster
from api.scope import head_unit, scope_problem, scope_roster, unit_parts
from roster.model import Problem, Roster

router = APIRouter(prefix="/rosters/{roster_id}", tags=["exports"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _load(session, roster_id: str, user, revision: int | None) -> tuple[Problem, Roster, str]:
    """The problem and roster to export, cut to the head's unit when the roster spans the
    site (a head exports only their own unit's part)."""
    row = get_roster(session, roster_id, user)
    rev = get_revision(session, row, revision)
    problem, roster = Problem.model_validate(row.problem), Roster.model_validate(rev.data)
    unit = head_unit(user, row.unit_id)
    if unit is not None:
        staff, _ = unit_parts(problem, unit)
        problem, roster = scope_problem(problem, unit), scope_roster(roster, staff)
    return (
        problem,
        roster,
        f"roster-{row.site_id}-{unit or row.unit_id or 'all'}-{row.start}-r{rev.number}",
    )


def _write(writer: Callable[[Path], None], suffix: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"out{suffix}"
        writer(path)
        return path.read_bytes()


def _file(data: bytes, media: str, filename: str) -> Response:
    ascii_name = "".join(
        c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in filename
    )
    disposition = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
    )
    return Response(data, media_type=media, headers={"Content-Disposition": disposition})


REV = Query(None, ge=1, le=MAX_INT, description="Revision number (default: the newest).")
CSV_LANG = Query(
    "en",
    description="en: ids for other programs (on_site, shift and post ids, ISO dates); vi: "
    "every header and value in Vietnamese words for people (trực tiếp tại cơ quan, ...).",
)


@router.get(
    "/roster.csv",
    summary="The roster as CSV (one row per person and shift)",
    response_class=Response,
    responses={
        200: {
            "content": {
                "text/csv": {
                    "example": "staff_id,name,unit,team,date,shift,mode,post\r\n"
                    "tp01,Nguyễn Văn An,tp,A,2021-08-02,am,on_site,q1\r\n"
                }
            }
        },
        **responses(401, 403, 404),
    },
)
def roster_csv(
    roster_id: IdPath,
    user: CurrentUser,
    session: SessionDep,
    revision: int | None = REV,
    lang: Literal["en", "vi"] = CSV_LANG,
) -> Response:
    from roster.export import write_roster_csv

    problem, roster, name = _load(session, roster_id, user, revision)
    data = _write(lambda p: write_roster_csv(p, problem, roster, lang), ".csv")
    return _file(data, "text/csv; charset=utf-8", f"{name}.csv")


@router.get(
    "/roster.xlsx",
    summary="The roster as an Excel workbook",
    response_class=Response,
    responses={
        200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}},
        **responses(401, 403, 404),
    },
)
def roster_xlsx(
    roster_id: IdPath,
    user: CurrentUser,
    session: SessionDep,
    revision: int | None = REV,
    lang: Literal["en", "vi"] = Query("vi"),
) -> Response:
    from roster.outputs import write_workbook

    problem, roster, name = _load(session, roster_id, user, revision)
    data = _write(lambda p: write_workbook(p, problem, roster, lang=lang), ".xlsx")
    return _file(data, XLSX, f"{name}.xlsx")


@router.get(
    "/roster.pdf",
    summary="The official roster as a PDF: per unit, A4 landscape, title and signature block",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
        **responses(401, 403, 404),
    },
)
def roster_pdf(
    roster_id: IdPath,
    user: CurrentUser,
    session: SessionDep,
    revision: int | None = REV,
    lang: Literal["en", "vi"] = Query("vi"),
) -> Response:
    from roster.printout import write_pdf

    problem, roster, name = _load(session, roster_id, user, revision)
    data = _write(lambda p: write_pdf(p, problem, roster, lang=lang), ".pdf")
    return _file(data, "application/pdf", f"{name}.pdf")


@router.get(
    "/tests.csv",
    summary="The rapid-test plan as CSV",
    response_class=Response,
    responses={
        200: {
            "content": {
                "text/csv": {"example": "staff_id,name,date\r\ntp01,Nguyễn Văn An,2021-08-02\r\n"}
            }
        },
        **responses(401, 403, 404),
    },
)
def tests_csv(
    roster_id: IdPath,
    user: CurrentUser,
    session: SessionDep,
    revision: int | None = REV,
    lang: Literal["en", "vi"] = CSV_LANG,
) -> Response:
    from roster.export import write_tests_csv

    problem, roster, name = _load(session, roster_id, user, revision)
    data = _write(lambda p: write_tests_csv(p, problem, roster, lang), ".csv")
    return _file(data, "text/csv; charset=utf-8", f"tests-{name}.csv")


@router.get(
    "/calendar/{staff_id}.ics",
    summary="One person's on-site shifts and test appointments as iCalendar",
    response_class=Response,
    responses={
        200: {
            "content": {
                "text/calendar": {
                    "example": "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n...\r\nEND:VCALENDAR\r\n"
                }
            }
        },
        **responses(401, 403, 404),
    },
)
def person_ics(
    roster_id: IdPath,
    staff_id: IdPath,
    user: CurrentUser,
    session: SessionDep,
    revision: int | None = REV,
    lang: Literal["en", "vi"] = Query("vi"),
) -> Response:
    from roster.ical import person_calendar

    problem, roster, name = _load(session, roster_id, user, revision)
    if staff_id not in {s.id for s in problem.staff}:
        raise ApiError(404, A("staff_not_in_roster", staff=staff_id), "staff_id")
    data = person_calendar(problem, roster, staff_id, lang=lang, calendar_id=roster_id)
    return _file(data, "text/calendar; charset=utf-8", f"{staff_id}-{name}.ics")
