"""The resilience drill: for each team, if that team were sent home for the isolation period,
can the other team(s) alone keep every counter and essential task covered under the cap?

For team k the drill problem is the site's problem with every member of team k isolated for
``policy.isolation.days`` days from the horizon start (they stay in the cap's headcount, as the
cap counts all staff), the other teams kept as given and free to work any slot (no rotation
pattern: with a team at home the other one must cover every day), fairness and requests off,
and a shortfall at a post costing :data:`SHORT_WEIGHT` per missing person. Every other hard
rule becomes a heavy cost (``soft_hard_rules``), so the solver prefers a shortfall at a post to
breaking the cap or an absence. A cell fixed on site for a member of team k during the
isolation is dropped (planned with them there, it cannot hold). The shortfalls per post and
slot are read from the referee's figures; other hard rules the drill roster breaks are listed
too.

Single points of failure are found in two steps. The head count
(:func:`roster.drill_report.single_points`) finds the people who are the only ones qualified and
available for a post in a slot of their team. Then :func:`probe_single_points` checks everyone
else who may take a post against every hard rule, the cap, contracts and absences included:
with the teams as given, a roster of the whole office is made once; then, person by person,
that person is sent home for the whole horizon (their fixed on-site cells dropped). When the
first roster with them simply left out still meets every hard rule (the referee says so, no
solve needed) they can be spared; else CP-SAT is asked whether the posts can still all be
covered (a feasibility question, seeded with the first roster). When they cannot, the
person is a single point of failure too, and a second solve with coverage soft says which posts
fall short. Probes share a time budget; the result says how many people were checked.
"""

from __future__ import annotations

import datetime as dt
import time

from ortools.sat.python import cp_model

from roster.drill_report import DrillResult, Shortfall, SinglePoint, TeamDrill, single_points
from roster.index import ProblemIndex
from roster.model import Absence, AbsenceReason, Problem, Roster, RuleSwitch, Status
from roster.validation import check, summary_figures
from solver.build import build_model
from solver.search import solve

SHORT_WEIGHT = 1000
#: Longest a single probe may take (seconds); most take a fraction of that, seeded by the
#: roster of the whole office.
PROBE_LIMIT = 2.0


def drill_problem(problem: Problem, teams: dict[str, int], team: int) -> Problem:
    """The problem of the drill of ``team`` (see the module docstring)."""
    pol = problem.policy
    h = problem.horizon
    end = h.start + dt.timedelta(days=pol.isolation.days - 1)
    members = [s.id for s in problem.staff if s.rotates and teams.get(s.id, s.team) == team]
    absences = list(problem.absences) + [
        Absence(
            staff=s,
            start=h.start,
            end=end,
            reason=AbsenceReason.isolation,
            note=f"drill: team {team + 1} sent home",
        )
        for s in members
    ]
    staff = [
        s.model_copy(update={"team": teams.get(s.id, s.team)}) if s.rotates else s
        for s in problem.staff
    ]
    policy = pol.model_copy(
        update={
            "teams": pol.teams.model_copy(update={"rotation": "free", "balance": False}),
            "coverage": RuleSwitch(enabled=True, hard=False, weight=SHORT_WEIGHT),
            # The heads' presence floors are for an ordinary week: the drill asks about posts.
            "presence": pol.presence.model_copy(update={"enabled": False}),
            "fairness": pol.fairness.model_copy(update={"enabled": False}),
            "requests": pol.requests.model_copy(update={"enabled": False}),
            "resilience": pol.resilience.model_copy(update={"enabled": False}),
        }
    )
    home = set(members)
    fixed = [f for f in problem.fixed if not (f.on_site and f.staff in home and f.date <= end)]
    new = problem.model_copy(
        update={"staff": staff, "absences": absences, "policy": policy, "fixed": fixed}
    )
    return Problem.model_validate(new.model_dump())


def _with_teams(problem: Problem, teams: dict[str, int]) -> Problem:
    """The problem with every rotating person's team fixed as given, team sizes not re-checked
    and the wishes and fairness (which cannot make a roster impossible) off."""
    pol = problem.policy
    staff = [
        s.model_copy(update={"team": teams.get(s.id, s.team)}) if s.rotates else s
        for s in problem.staff
    ]
    policy = pol.model_copy(
        update={
            "teams": pol.teams.model_copy(update={"balance": False}),
            "fairness": pol.fairness.model_copy(update={"enabled": False}),
            "requests": pol.requests.model_copy(update={"enabled": False}),
            "resilience": pol.resilience.model_copy(update={"enabled": False}),
        }
    )
    return problem.model_copy(update={"staff": staff, "policy": policy})


def _without(problem: Problem, staff: str) -> Problem:
    """``problem`` with ``staff`` away for the whole horizon (a cell fixed on site for them is
    dropped: it was planned with them there)."""
    h = problem.horizon
    away = Absence(
        staff=staff, start=h.start, end=h.end, reason=AbsenceReason.isolation, note="drill probe"
    )
    fixed = [f for f in problem.fixed if not (f.on_site and f.staff == staff)]
    return problem.model_copy(update={"absences": [*problem.absences, away], "fixed": fixed})


def _roster_without(roster: Roster, staff: str) -> Roster:
    """``roster`` with ``staff``'s on-site cells, remote duties and tests taken out."""
    return roster.model_copy(
        update={
            "assignments": [a for a in roster.assignments if a.staff != staff],
            "remote_duties": [r for r in roster.remote_duties if r.staff != staff],
            "tests": [t for t in roster.tests if t.staff != staff],
        }
    )


def _feasible(problem: Problem, hint: Roster | None, time_limit: float, workers: int) -> Status:
    """Whether a roster meets every hard rule of ``problem`` (no objective: the first roster
    found answers), seeded with ``hint``'s cells."""
    built = build_model(problem)
    built.model.clear_objective()
    if hint is not None:
        h = problem.horizon
        on = {(a.staff, h.day(a.date), a.shift) for a in hint.assignments if h.contains(a.date)}
        for cell, x in built.vars.x.items():
            built.model.add_hint(x, int(cell in on))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    code = solver.solve(built.model)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Status.feasible
    return Status.infeasible if code == cp_model.INFEASIBLE else Status.unknown


def probe_single_points(
    problem: Problem,
    teams: dict[str, int],
    known: list[SinglePoint],
    time_limit: float,
    workers: int,
) -> tuple[list[SinglePoint], int, int, str]:
    """The single points of failure the head count misses (see the module docstring). Returns
    ``(points, checked, candidates, note)``."""
    t0 = time.perf_counter()
    ix = ProblemIndex(problem)
    known_staff = {p.staff for p in known}
    candidates: list[str] = []
    for post in problem.site.posts:
        if not ix.needs[post.id]:
            continue
        for s in ix.qualified_staff[post.id]:
            if s not in known_staff and s not in candidates:
                candidates.append(s)
    if not candidates:
        return [], 0, 0, ""
    base = _with_teams(problem, teams)
    first = solve(base, time_limit=min(time_limit / 3, 5.0), workers=workers)
    if first.roster is None:
        why = "none exists" if first.status == Status.infeasible else "none found in time"
        return (
            [],
            0,
            len(candidates),
            (
                "the cap and contracts were not checked person by person: a roster of the whole "
                f"office with these teams is needed first, and {why}"
            ),
        )
    # People who may replace each other are probed in the order of fewest alternatives.
    alternatives = {
        s: min(len(ix.qualified_staff[p]) for p in _posts_of(ix, s)) for s in candidates
    }
    candidates.sort(key=lambda s: (alternatives[s], s))
    points: list[SinglePoint] = []
    checked = undecided = 0
    for s in candidates:
        left = time_limit - (time.perf_counter() - t0)
        if left <= 0.05:
            break
        checked += 1
        without = _without(base, s)
        # The roster of the whole office with this person simply left out: when the referee
        # finds it meets every hard rule, they can be spared (no solve needed).
        if check(without, _roster_without(first.roster, s)).ok:
            continue
        status = _feasible(without, first.roster, min(PROBE_LIMIT, left), workers)
        if status == Status.unknown:
            undecided += 1
            continue
        if status == Status.feasible:
            continue
        # Which posts fall short without them: a solve with coverage soft.
        short = without
        pol = short.policy.model_copy(
            update={"coverage": RuleSwitch(enabled=True, hard=False, weight=SHORT_WEIGHT)}
        )
        short = short.model_copy(update={"policy": pol})
        res = solve(short, time_limit=min(PROBE_LIMIT, max(0.2, left)), workers=workers)
        mine = set(_posts_of(ix, s))
        by_post: dict[str, list[int]] = {}
        if res.roster is not None:
            for r in summary_figures(short, res.roster)["coverage"]:
                if r["short"] > 0:
                    day = problem.horizon.day(dt.date.fromisoformat(r["date"]))
                    by_post.setdefault(r["post"], []).append(day)
        posts = [p for p in by_post if p in mine] or sorted(mine)
        person = ix.staff_by_id[s]
        for p in posts:
            days = by_post.get(p, [])
            points.append(
                SinglePoint(
                    staff=s,
                    name=person.name,
                    team=teams.get(s, person.team) if person.rotates else None,
                    post=p,
                    post_name=ix.post_by_id[p].label,
                    slots=len(days),
                    first=ix.date(min(days)) if days else problem.horizon.start,
                    why="rules",
                )
            )
    note = ""
    if checked < len(candidates) or undecided:
        note = (
            f"checked {checked - undecided} of {len(candidates)} people against the cap and "
            f"contracts within the time limit; give more --time-limit to check the rest"
        )
    return points, checked - undecided, len(candidates), note


NOTES_VI = {
    "none exists": "không có lịch nào",
    "none found in time": "chưa tìm được lịch trong thời gian cho phép",
}


def note_vi(note: str, checked: int, candidates: int) -> str:
    """The probe's note in Vietnamese."""
    if not note:
        return ""
    if note.startswith("checked"):
        return (
            f"mới kiểm tra {checked}/{candidates} người theo giới hạn số người và hợp đồng trong "
            "thời gian cho phép; tăng --time-limit để kiểm tra hết"
        )
    why = next((vi for en, vi in NOTES_VI.items() if note.endswith(en)), "")
    return (
        "chưa kiểm tra từng người theo giới hạn số người và hợp đồng: cần lập được lịch cho cả "
        f"cơ quan với các nhóm này trước, nhưng {why}"
    )


def _posts_of(ix: ProblemIndex, staff: str) -> list[str]:
    return [p for p, people in ix.qualified_staff.items() if staff in people and ix.needs[p]]


def teams_of(problem: Problem, time_limit: float, workers: int) -> dict[str, int] | None:
    """Teams from a quick solve of the problem (None when it finds no roster)."""
    res = solve(problem, time_limit=time_limit, workers=workers, soft_hard_rules=True)
    return dict(res.roster.teams) if res.roster is not None else None


def drill(
    problem: Problem,
    teams: dict[str, int] | None = None,
    *,
    time_limit: float = 10.0,
    workers: int = 2,
    probe: bool = True,
) -> DrillResult:
    """Drill every team (see the module docstring). ``teams``: the team of each rotating
    person (e.g. a published roster's); None: from a quick solve (a third of the time). With
    ``probe``, the single points of failure are checked against the cap and contracts too
    (:func:`probe_single_points`, with its own budget of ``time_limit``)."""
    source = "as given"
    if teams is None:
        fixed = {s.id: s.team for s in problem.staff if s.rotates and s.team is not None}
        if problem.policy.teams.enabled and len(fixed) < sum(s.rotates for s in problem.staff):
            t = teams_of(problem, time_limit / 3, workers)
            teams, source = (t, "from a quick solve") if t else (fixed, "fixed teams only")
            time_limit -= time_limit / 3
        else:
            teams, source = fixed, "fixed in the staff list"
    out: list[TeamDrill] = []
    k_count = problem.policy.teams.count if problem.policy.teams.enabled else 0
    per_team = max(0.5, time_limit / max(1, k_count))
    for k in range(k_count):
        t0 = time.perf_counter()
        dp = drill_problem(problem, teams, k)
        members = sum(1 for s in problem.staff if s.rotates and teams.get(s.id, s.team) == k)
        res = solve(dp, time_limit=per_team, workers=workers, soft_hard_rules=True)
        td = TeamDrill(
            team=k,
            members=members,
            days=problem.policy.isolation.days,
            status=res.status.value,
            ok=False,
        )
        if res.roster is not None:
            report = check(dp, res.roster)
            fig = summary_figures(dp, res.roster)
            posts = {p.id: p.label for p in problem.site.posts}
            td.shortfalls = [
                Shortfall(
                    post=r["post"],
                    post_name=posts.get(r["post"], r["post"]),
                    date=dt.date.fromisoformat(r["date"]),
                    shift=r["shift"],
                    need=r["min"],
                    short=r["short"],
                )
                for r in fig["coverage"]
                if r["short"] > 0
            ]
            td.other = [v.message for v in report.violations]
            if report.violations:
                td.other_vi = [v.message for v in check(dp, res.roster, "vi").violations]
            td.ok = not td.shortfalls and not td.other
        elif res.status == Status.infeasible:
            td.other = ["no roster at all, even with shortfalls allowed"]
            td.other_vi = ["không có lịch nào, kể cả khi chấp nhận thiếu người"]
        td.wall_time = time.perf_counter() - t0
        out.append(td)
    points, gaps = single_points(problem, teams)
    result = DrillResult(
        ok=all(t.ok for t in out), teams_from=source, teams=out, single_points=points, gaps=gaps
    )
    if probe and problem.site.posts:
        more, checked, candidates, note = probe_single_points(
            problem, teams, points, time_limit, workers
        )
        result.single_points = points + more
        result.probed, result.candidates, result.probe_note = checked, candidates, note
        result.probe_note_vi = note_vi(note, checked, candidates)
    return result
