"""Who can stand in? For one absence in one slot, the substitutes ranked by what they cost.

:func:`substitutes` takes a roster, a person who cannot come in one slot and ranks everyone who
could take their place: not on site in that slot, qualified for the post the absent person held,
not absent then, and (with a hard team rule) in the team the slot belongs to. Each candidate is
priced exactly: the absent person is taken off site (their test that day cancelled when they
have no other shift), the candidate put at the post (a test booked that day when they have no
valid one), and the referee (:func:`roster.validation.check`) judges the result. The rank is
by broken hard rules, then by the change of the objective. Nothing here needs CP-SAT: the
single-cell repair is priced by the same referee that judges every roster.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from roster.export import date_label
from roster.index import ProblemIndex
from roster.labels import label
from roster.model import Assignment, Problem, RapidTest, Roster
from roster.validation import check, day_label


class Candidate(BaseModel):
    """One possible substitute: ``delta`` is the objective change, ``violations`` the hard rules
    the swap would break, ``why`` the penalties that change."""

    staff: str
    name: str
    unit: str
    team: int | None = None
    delta: int
    objective: int
    violations: int
    ok: bool
    why: str = ""


class Substitutes(BaseModel):
    """The ranked substitutes for ``staff`` in ``shift`` on ``date``."""

    staff: str
    date: dt.date
    shift: str
    post: str | None
    summary: str
    base_objective: int
    candidates: list[Candidate] = Field(default_factory=list)
    considered: int = 0


def _valid_test(
    tests: set[tuple[str, dt.date]], last: dt.date | None, sid: str, date: dt.date, valid: int
) -> bool:
    if last is not None and last <= date <= last + dt.timedelta(days=valid - 1):
        return True
    return any((sid, date - dt.timedelta(days=k)) in tests for k in range(valid))


def substitutes(
    problem: Problem,
    roster: Roster,
    staff: str,
    date: dt.date,
    shift: str,
    top: int = 5,
    lang: str = "en",
) -> Substitutes:
    """The ``top`` cheapest substitutes for ``staff`` in (``date``, ``shift``); see the
    module docstring. ``lang``: the language of ``summary`` and ``why``."""
    vi = lang == "vi"
    ix = ProblemIndex(problem)
    h = problem.horizon
    day = h.day(date)
    cell = next(
        (a for a in roster.assignments if a.staff == staff and a.date == date and a.shift == shift),
        None,
    )
    post = cell.post if cell is not None else None
    base = check(problem, roster)
    who = ix.staff_by_id[staff]
    shift_type = ix.shift_by_id[shift]
    if vi:
        slot_words = (
            f"{date_label(date, 'vi')}, ca {(shift_type.name_vi or shift_type.label).lower()}"
        )
    else:
        slot_words = f"{day_label(date)}, {shift_type.label}"
    if cell is None:
        return Substitutes(
            staff=staff,
            date=date,
            shift=shift,
            post=None,
            base_objective=base.objective,
            summary=f"{who.name or staff} không làm việc tại cơ quan {slot_words}: không cần "
            "người thay."
            if vi
            else f"{who.name or staff} is not on site on {slot_words}: nobody needs to stand in.",
        )
    # The roster without the absent person in that slot.
    others = [a for a in roster.assignments if a is not cell]
    tests = {(t.staff, t.date) for t in roster.tests}
    if not any(a.staff == staff and a.date == date for a in others):
        tests.discard((staff, date))
    pol = problem.policy
    on_slot = {a.staff for a in others if a.date == date and a.shift == shift}
    pattern = ix.pattern_team.get((day, shift))
    strict_team = (
        pol.teams.enabled and pol.teams.hard and pattern is not None and pol.teams.count > 1
    )
    pool = []
    for s in problem.staff:
        if s.id == staff or s.id in on_slot:
            continue
        if post is not None and not ix.qualified(s.id, post):
            continue
        if (day, shift) not in ix.open_slot_set or not ix.available(s.id, day, shift):
            continue
        if strict_team and s.rotates and roster.teams.get(s.id, s.team) != pattern:
            continue
        pool.append(s)
    base_cost = {(p.rule, p.staff, p.date, p.shift, p.unit): p.cost for p in base.penalties}
    units = {u.id: u.name or u.id for u in problem.site.units}
    out: list[Candidate] = []
    for s in pool:
        t = set(tests)
        if pol.tests.enabled and not _valid_test(t, s.last_test, s.id, date, pol.tests.valid_days):
            t.add((s.id, date))
        trial = Roster(
            assignments=[*others, Assignment(staff=s.id, date=date, shift=shift, post=post)],
            remote_duties=roster.remote_duties,
            tests=[RapidTest(staff=a, date=d) for a, d in sorted(t, key=lambda x: (x[1], x[0]))],
            teams=roster.teams,
        )
        rep = check(problem, trial)
        new_cost = {(p.rule, p.staff, p.date, p.shift, p.unit): p.cost for p in rep.penalties}
        changed: dict[str, int] = {}
        for k in set(base_cost) | set(new_cost):
            d = new_cost.get(k, 0) - base_cost.get(k, 0)
            if d:
                changed[k[0]] = changed.get(k[0], 0) + d
        why = ", ".join(
            f"{label(r, lang).lower()} {d:+d}"
            for r, d in sorted(changed.items(), key=lambda x: -abs(x[1]))
        )
        out.append(
            Candidate(
                staff=s.id,
                name=s.name,
                unit=units.get(s.unit, s.unit),
                team=roster.teams.get(s.id, s.team),
                delta=rep.objective - base.objective,
                objective=rep.objective,
                violations=len(rep.violations) - len(base.violations),
                ok=rep.ok,
                why=why,
            )
        )
    out.sort(key=lambda c: (c.violations, c.delta, c.staff))
    if vi:
        p_ = ix.post_by_id[post] if post else None
        at = (p_.name_vi or p_.label) if p_ else "công việc chung"
        summary = (
            f"Người thay {who.name or staff} ({staff}) tại {at}, {slot_words}: "
            f"{len(pool)} người đủ điều kiện, {min(top, len(out))} phương án ít điểm trừ nhất:"
        )
        if not pool:
            summary = (
                f"Không ai thay được {who.name or staff} ({staff}) tại {at}, {slot_words}: "
                "không còn người đủ kỹ năng, rảnh và thuộc nhóm của ca này."
            )
    else:
        at = ix.post_by_id[post].label if post else "general office work"
        summary = (
            f"Substitutes for {who.name or staff} ({staff}) at {at} on {slot_words}: "
            f"{len(pool)} eligible, the {min(top, len(out))} cheapest:"
        )
        if not pool:
            summary = (
                f"Nobody can stand in for {who.name or staff} ({staff}) at {at} on "
                f"{slot_words}: no one else qualified, available and in the shift's team."
            )
    return Substitutes(
        staff=staff,
        date=date,
        shift=shift,
        post=post,
        summary=summary,
        base_objective=base.objective,
        candidates=out[:top],
        considered=len(pool),
    )
