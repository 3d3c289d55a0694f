"""What the routes and the job runner share: loading sites and policies, building problems,
the referee, roster revisions and their differences."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.errors import ApiError, not_found
from api.messages import JOB, A, job_lang, job_text
from api.models import Job, PolicyVersion, RosterRevision, RosterRow, SiteRow, utcnow
from roster.events import Event, apply_events, cell_states
from roster.model import (
    Absence,
    FixedCell,
    Horizon,
    Policy,
    Problem,
    Report,
    Request,
    Roster,
    Site,
    Staff,
)

# ---------------------------------------------------------------------------------------------
# sites and policies
# ---------------------------------------------------------------------------------------------


def get_site(session: Session, site_id: str) -> SiteRow:
    row = session.get(SiteRow, site_id)
    if row is None:
        raise not_found("site", site_id, "site_id")
    return row


def latest_policy_version(session: Session, site_id: str) -> int | None:
    return session.scalar(
        select(func.max(PolicyVersion.version)).where(PolicyVersion.site_id == site_id)
    )


def get_policy(session: Session, site_id: str, version: int | None = None) -> PolicyVersion:
    if version is None:
        version = latest_policy_version(session, site_id)
        if version is None:
            raise ApiError(404, A("no_policy_yet", site=site_id), "policy")
    row = session.scalar(
        select(PolicyVersion).where(
            PolicyVersion.site_id == site_id, PolicyVersion.version == version
        )
    )
    if row is None:
        raise not_found("policy version", version, "policy_version")
    return row


def add_policy_version(
    session: Session, site_id: str, policy: Policy, author: str, reason: str
) -> PolicyVersion:
    """A new version; the old ones stay."""
    version = (latest_policy_version(session, site_id) or 0) + 1
    row = PolicyVersion(
        site_id=site_id,
        version=version,
        data=policy.model_dump(mode="json"),
        author=author,
        reason=reason,
    )
    session.add(row)
    return row


def _raise_invalid(exc: ValidationError | ValueError, field: str) -> None:
    from roster.input_messages import pydantic_text
    from roster.text import verbatim

    message: str
    if isinstance(exc, ValidationError):
        issues = [
            {"field": ".".join(str(p) for p in e["loc"]) or field, "message": pydantic_text(e)}
            for e in exc.errors()
        ]
        message = issues[0]["message"] if issues else str(exc)
    else:
        text = exc.args[0] if exc.args and isinstance(exc.args[0], str) else verbatim(exc)
        issues, message = [{"field": field, "message": text}], text
    raise ApiError(422, message, field, issues=issues) from exc


def check_site_parts(
    site: Site,
    staff: list[Staff],
    policy: Policy,
    absences: list[Absence],
    requests: list[Request],
    fixed: list[FixedCell],
) -> None:
    """422 unless the parts make a valid problem (references between them resolve) and the
    ids that appear in URLs (site, units, staff) match ``api.limits.ID_PATTERN``."""
    from api.limits import EdgeError, check_id

    try:
        check_id(site.id, "site.id")
        for i, u in enumerate(site.units):
            check_id(u.id, f"site.units[{i}].id")
        for i, st in enumerate(staff):
            check_id(st.id, f"staff[{i}].id")
    except EdgeError as err:
        raise ApiError(err.status, err.message, err.field) from None
    try:
        Problem(
            site=site,
            staff=staff,
            policy=policy,
            horizon=Horizon(start=dt.date(2000, 1, 3)),
            absences=absences,
            requests=requests,
            fixed=fixed,
        )
    except (ValidationError, ValueError) as exc:
        _raise_invalid(exc, "body")


def build_problem(
    row: SiteRow, policy: Policy, start: dt.date, days: int, unit_id: str | None = None
) -> Problem:
    """The problem of a site (or of one unit: its staff, and the posts of that unit) over
    ``days`` days from ``start``, with the standing absences, requests and fixed cells that
    concern those people."""
    site = Site.model_validate(row.definition)
    staff = [Staff.model_validate(s) for s in row.staff]
    if unit_id is not None:
        if unit_id not in {u.id for u in site.units}:
            raise ApiError(404, A("unit_not_in_site", unit=unit_id, site=site.id), "unit_id")
        site = site.model_copy(
            update={
                "units": [u for u in site.units if u.id == unit_id],
                "posts": [p for p in site.posts if p.unit == unit_id],
            }
        )
        site = Site.model_validate(site.model_dump())
        staff = [s for s in staff if s.unit == unit_id]
        policy = policy.restricted({unit_id}, {p.id for p in site.posts})
    ids = {s.id for s in staff}
    post_ids = {p.id for p in site.posts}
    end = start + dt.timedelta(days=days - 1)
    absences = [
        a
        for a in (Absence.model_validate(x) for x in row.absences)
        if a.staff in ids and a.end >= start and a.start <= end
    ]
    requests = [
        r
        for r in (Request.model_validate(x) for x in row.requests)
        if r.staff in ids and start <= r.date <= end
    ]
    fixed = [
        f
        for f in (FixedCell.model_validate(x) for x in row.fixed)
        if f.staff in ids and start <= f.date <= end and (f.post is None or f.post in post_ids)
    ]
    try:
        return Problem(
            site=site,
            staff=staff,
            policy=policy,
            horizon=Horizon(start=start, days=days),
            absences=absences,
            requests=requests,
            fixed=fixed,
        )
    except (ValidationError, ValueError) as exc:
        _raise_invalid(exc, "site_id")
        raise  # unreachable


# ---------------------------------------------------------------------------------------------
# the referee
# ---------------------------------------------------------------------------------------------


def referee(problem: Problem, roster: Roster, lang: str = "en") -> Report:
    """``roster.validation.check`` (messages in ``lang``); 503 if the referee is not
    installed."""
    try:
        from roster.validation import check
    except ImportError as exc:
        raise ApiError(503, A("referee_unavailable", why=str(exc))) from exc
    return check(problem, roster, lang)


def try_referee(problem: Problem, roster: Roster) -> Report | None:
    """The referee's report, or None when it is missing or fails."""
    try:
        return referee(problem, roster)
    except Exception:  # noqa: BLE001 - the roster is kept; the report is optional here
        return None


_VIOLATION_KEYS = ("rule", "staff", "date", "shift", "post", "unit")
_PENALTY_KEYS = ("rule", "cost", "staff", "date", "shift", "post", "unit")


def worded_report(
    report: dict[str, Any] | None, problem: Problem, roster: Roster, lang: str
) -> dict[str, Any] | None:
    """A stored report (the referee's, kept in English) with its violations' ``message`` and
    its penalties' ``detail`` in ``lang``: the referee checks the same roster again in that
    language. Every other field is the stored one; when the new check does not find the very
    same violations and penalties (a report stored by an older referee), the stored report is
    returned as it is."""
    if report is None or lang == "en":
        return report
    try:
        fresh = report_dict(referee(problem, roster, lang))
    except Exception:  # noqa: BLE001 - the stored report stands
        return report
    pairs = []
    for name, keys, text in (
        ("violations", _VIOLATION_KEYS, "message"),
        ("penalties", _PENALTY_KEYS, "detail"),
    ):
        old, new = report.get(name) or [], fresh[name]
        if len(old) != len(new) or any(
            tuple(a.get(k) for k in keys) != tuple(b.get(k) for k in keys)
            for a, b in zip(old, new, strict=True)
        ):
            return report
        pairs.append((name, [{**a, text: b[text]} for a, b in zip(old, new, strict=True)]))
    return {**report, **dict(pairs)}


def report_dict(report: Report) -> dict[str, Any]:
    by_rule: dict[str, int] = defaultdict(int)
    for p in report.penalties:
        by_rule[p.rule] += p.cost
    return {
        "ok": report.ok,
        "objective": report.objective,
        "violations": [v.model_dump(mode="json") for v in report.violations],
        "penalties": [p.model_dump(mode="json") for p in report.penalties],
        "by_rule": dict(by_rule),
    }


# ---------------------------------------------------------------------------------------------
# rosters and revisions
# ---------------------------------------------------------------------------------------------


def diff(old: Roster, new: Roster) -> list[dict[str, Any]]:
    """The differences from ``old`` to ``new``: cells (``on_site``, ``on_site:<post>``,
    ``remote:<post>`` for a duty from home, ``remote`` for a cell no longer named), tests,
    teams."""
    out: list[dict[str, Any]] = []
    a, b = cell_states(old), cell_states(new)
    for key in sorted(set(a) | set(b)):
        if a.get(key) != b.get(key):
            staff, date, shift = key
            out.append(
                {
                    "kind": "cell",
                    "staff": staff,
                    "date": date.isoformat(),
                    "shift": shift,
                    "before": a.get(key, "remote"),
                    "after": b.get(key, "remote"),
                }
            )
    ta = {(t.staff, t.date) for t in old.tests}
    tb = {(t.staff, t.date) for t in new.tests}
    for staff, date in sorted(ta ^ tb):
        booked = (staff, date) in tb
        out.append(
            {
                "kind": "test",
                "staff": staff,
                "date": date.isoformat(),
                "shift": None,
                "before": "none" if booked else "booked",
                "after": "booked" if booked else "none",
            }
        )
    for staff in sorted(set(old.teams) | set(new.teams)):
        if old.teams.get(staff) != new.teams.get(staff):
            before, after = old.teams.get(staff), new.teams.get(staff)
            out.append(
                {
                    "kind": "team",
                    "staff": staff,
                    "date": None,
                    "shift": None,
                    "before": None if before is None else str(before),
                    "after": None if after is None else str(after),
                }
            )
    return out


def carry_reasons(
    changes: list[dict[str, Any]], earlier: list[dict[str, Any]] | None
) -> list[dict[str, Any]]:
    """``changes`` with the ``reason`` of the same change (same cell or test or team, same
    outcome) in ``earlier``: a hand edit of a re-roster's draft keeps the re-roster's reasons
    of the changes it leaves alone."""
    known = {
        (c.get("kind"), c.get("staff"), c.get("date"), c.get("shift"), c.get("after")): r
        for c in earlier or []
        if (r := c.get("reason"))
    }
    for c in changes:
        r = known.get((c["kind"], c["staff"], c["date"], c["shift"], c["after"]))
        if r and not c.get("reason"):
            c["reason"] = r
    return changes


def head_revision(session: Session, roster: RosterRow) -> RosterRevision:
    rev = session.scalar(
        select(RosterRevision).where(
            RosterRevision.roster_id == roster.id, RosterRevision.number == roster.head_revision
        )
    )
    assert rev is not None, "every roster has its head revision"
    return rev


def create_roster(
    session: Session,
    job: Job,
    roster: Roster,
    problem: Problem,
    author: str,
    report: Report | None = None,
) -> RosterRow:
    """A new draft roster from a job's roster, revision 1 checked by the referee (``report``:
    the referee's report already computed for this very roster)."""
    report = report or try_referee(problem, roster)
    row = RosterRow(
        site_id=job.site_id,
        unit_id=job.unit_id,
        job_id=job.id,
        policy_version=job.policy_version,
        start=job.start,
        days=job.days,
        problem=job.problem,
        head_revision=1,
        status="draft",
        created_by=author,
    )
    session.add(row)
    session.flush()
    session.add(
        RosterRevision(
            roster_id=row.id,
            number=1,
            parent=None,
            data=roster.model_dump(mode="json"),
            report=report_dict(report) if report else None,
            changes=[],
            author=author,
            reason=f"generated by job {job.id}",
        )
    )
    return row


def store_reroster(session: Session, job: Job, answer: dict[str, Any]) -> dict[str, Any]:
    """Keep a re-roster's roster as a new draft revision of the roster it started from, in the
    job's transaction, and say what was done (the answer's ``stored``).

    Stored only when the job's ``params["store"]`` names the roster (its ``roster_id``, the
    ``version`` and head ``revision`` it was computed from): never for a problem sent inline
    or a roster sent in full, never when the re-roster found no roster, and never over a
    roster written since (its version moved on: an edit, a publish or another re-roster),
    since that would silently undo the other write. A published revision is never changed:
    the result is a new revision (head + 1, parent the head), draft, whatever the head was."""
    from api.concurrency import lock_row

    params = job.params or {}
    lang = job_lang(params)
    store = params.get("store")
    if not store:
        note = params.get("store_note") or "store.nothing"
        return _not_stored(job_text(lang, note) if note in JOB else note)
    rid = store["roster_id"]
    if answer.get("roster") is None:
        return _not_stored(job_text(lang, "store.no_roster"), rid)
    lock_row(session, RosterRow, rid)
    row = session.get(RosterRow, rid, populate_existing=True)
    if row is None:
        return _not_stored(job_text(lang, "store.deleted", roster=rid), rid)
    if row.version != store["version"]:
        return _not_stored(
            job_text(lang, "store.changed", roster=rid, old=store["version"], new=row.version),
            rid,
        )
    head = head_revision(session, row)
    base = Roster.model_validate(head.data)
    new = Roster.model_validate(answer["roster"])
    events = params.get("events") or []
    start = answer.get("start") or params.get("from")
    # The roster's problem takes the events, as the re-roster did (the same head: its version
    # has not moved): the isolations, leave and closed posts judge this revision and every
    # later edit, publish and re-roster of it, so nobody isolated goes back on site unseen.
    problem = Problem.model_validate(row.problem)
    if events and start:
        problem = apply_events(
            problem,
            base,
            [Event.model_validate(e) for e in events],
            dt.date.fromisoformat(str(start)),
        ).problem
        row.problem = problem.model_dump(mode="json")
    report = try_referee(problem, new)
    why = {
        (c.get("kind"), c.get("staff"), c.get("date"), c.get("shift")): c.get("reason")
        for c in answer.get("changes") or []
        if c.get("kind") != "team"
    }
    moved = {
        c.get("staff"): c.get("reason")
        for c in answer.get("changes") or []
        if c.get("kind") == "team"
    }
    changes = diff(base, new)
    for c in changes:
        if c["kind"] == "team":
            c["reason"] = moved.get(c["staff"])
        else:
            c["reason"] = why.get((c["kind"], c["staff"], c["date"], c["shift"]))
    number = head.number + 1
    session.add(
        RosterRevision(
            roster_id=row.id,
            number=number,
            parent=head.number,
            data=new.model_dump(mode="json"),
            report=report_dict(report) if report else None,
            changes=changes,
            author=job.created_by,
            reason=f"re-roster (job {job.id}) after {len(events)} event(s), from {start}",
            events={"from": start, "events": events},
            job_id=job.id,
            version=1,
        )
    )
    row.head_revision = number
    row.status = "draft"
    row.version += 1
    return {
        "saved": True,
        "roster_id": row.id,
        "revision": number,
        "parent": head.number,
        "url": f"/rosters/{row.id}/revisions/{number}",
        "version": row.version,
        "message": job_text(
            lang,
            "store.saved",
            n=number,
            roster=row.id,
            head=head.number,
            kept=job_text(lang, "store.kept_published" if head.published else "store.kept"),
        ),
    }


def _not_stored(message: str, roster_id: str | None = None) -> dict[str, Any]:
    return {
        "saved": False,
        "roster_id": roster_id,
        "revision": None,
        "parent": None,
        "url": None,
        "version": None,
        "message": message,
    }


def now() -> dt.datetime:
    return utcnow()
