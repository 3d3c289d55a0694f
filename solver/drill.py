"""The resilience drill: for each team, if that team were sent home for the isolation period,
can the other team(s) alone keep every counter and essential task covered under the cap?

For team k the drill problem is the site's problem with every member of team k isolated for
``policy.isolation.days`` days from the horizon start (they stay in the cap's headcount, as the
cap counts all staff), the other teams kept as given and free to work any slot (no rotation
pattern: with a team at home the other one must cover every day), fairness and requests off,
and a shortfall at a post costing :data:`SHORT_WEIGHT` per missing person. Every other hard
rule becomes a heavy cost (``soft_hard_rules``), so the solver prefers a shortfall at a post to
breaking the cap or an absence. The shortfalls per post and slot are read from the referee's
figures; other hard rules the drill roster breaks are listed too.
"""

from __future__ import annotations

import datetime as dt
import time

from roster.drill_report import DrillResult, Shortfall, TeamDrill, single_points
from roster.model import Absence, AbsenceReason, Problem, RuleSwitch, Status
from roster.validation import check, summary_figures
from solver.search import solve

SHORT_WEIGHT = 1000


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
            "fairness": pol.fairness.model_copy(update={"enabled": False}),
            "requests": pol.requests.model_copy(update={"enabled": False}),
            "resilience": pol.resilience.model_copy(update={"enabled": False}),
        }
    )
    new = problem.model_copy(update={"staff": staff, "absences": absences, "policy": policy})
    return Problem.model_validate(new.model_dump())


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
) -> DrillResult:
    """Drill every team (see the module docstring). ``teams``: the team of each rotating
    person (e.g. a published roster's); None: from a quick solve (a third of the time)."""
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
            td.ok = not td.shortfalls and not td.other
        elif res.status == Status.infeasible:
            td.other = ["no roster at all, even with shortfalls allowed"]
        td.wall_time = time.perf_counter() - t0
        out.append(td)
    points, gaps = single_points(problem, teams)
    return DrillResult(
        ok=all(t.ok for t in out), teams_from=source, teams=out, single_points=points, gaps=gaps
    )
