"""Split a problem into independent parts and solve them one after the other.

Two people interact only through a rule that reads both: the unit cap, fairness and team
balance (within a unit), and the coverage of a post both may serve. When no rule spans the
whole site (no site-wide cap, no daily test capacity, teams fixed by a hard rotation pattern so
that "no mixing" is implied per person, resilience off), the people split into *components*:
unions of units linked by posts they can serve. Every hard rule and every penalty of the whole
problem is then a rule of exactly one component (posts nobody can serve go with the first), so
the whole roster is the union of the components' rosters, its objective the sum of theirs, and
a lower bound the sum of their bounds. Each component is a smaller model, which CP-SAT proves
far faster than the whole (measured: 1,000 staff x 4 weeks, 19 components).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable

from roster.index import ProblemIndex
from roster.model import Problem, Progress, Roster, SolveResult, Status
from solver.registry import links_site


def components(problem: Problem, soft_hard_rules: bool = False) -> list[list[str]] | None:
    """Staff ids of each independent component (in staff order), or None when a rule couples
    the whole site (or there is only one component)."""
    idx = ProblemIndex(problem)
    if links_site(problem, idx, soft_hard_rules):
        return None
    parent: dict = {}

    def find(a):
        parent.setdefault(a, a)
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a, b) -> None:
        parent[find(a)] = find(b)

    for st in problem.staff:
        union(("s", st.id), ("u", st.unit))
    for post in problem.site.posts:
        if not idx.needs.get(post.id):
            continue
        for s in idx.qualified_staff[post.id]:
            union(("s", s), ("p", post.id))
    for f in problem.fixed:
        if f.post is not None:
            union(("s", f.staff), ("p", f.post))
    groups: dict = defaultdict(list)
    for st in problem.staff:
        groups[find(("s", st.id))].append(st.id)
    if len(groups) < 2:
        return None
    return list(groups.values())


def sub_problem(
    problem: Problem, staff: list[str], first: bool, idx: ProblemIndex | None = None
) -> Problem:
    """The part of ``problem`` about ``staff``: their posts (with ``first``, also the posts
    nobody can serve), absences, requests and fixed cells; no objective offset."""
    idx = idx or ProblemIndex(problem)
    ids = set(staff)
    posts = [
        p
        for p in problem.site.posts
        if any(s in ids for s in idx.qualified_staff[p.id])
        or (first and not idx.qualified_staff[p.id])
    ]
    site = problem.site.model_copy(update={"posts": posts})
    return problem.model_copy(
        update={
            "site": site,
            "staff": [s for s in problem.staff if s.id in ids],
            "absences": [a for a in problem.absences if a.staff in ids],
            "requests": [r for r in problem.requests if r.staff in ids],
            "fixed": [f for f in problem.fixed if f.staff in ids],
            "objective_offset": 0,
        }
    )


def solve_parts(
    problem: Problem,
    parts: list[list[str]],
    time_limit: float,
    workers: int,
    hint: Roster | None,
    on_progress: Callable[[Progress], None] | None,
    soft_hard_rules: bool,
    solve_one: Callable[..., SolveResult],
) -> SolveResult:
    """Solve the parts in rounds and merge the results: first a roster for every part (each
    solve stops at its first roster), so that a whole roster comes early; then each part again
    from that roster, within a share of the time left by size (time a part leaves unused goes
    to the next ones); then the time still left to the parts not proven optimal, the widest
    gap first."""
    t0 = time.perf_counter()
    idx = ProblemIndex(problem)
    subs = [sub_problem(problem, part, first=(i == 0), idx=idx) for i, part in enumerate(parts)]
    hints: list[Roster | None] = [None] * len(parts)
    if hint is not None:
        for i, part in enumerate(parts):
            ids = set(part)
            hints[i] = Roster(
                assignments=[a for a in hint.assignments if a.staff in ids],
                remote_duties=[r for r in hint.remote_duties if r.staff in ids],
                tests=[r for r in hint.tests if r.staff in ids],
                teams={s: t for s, t in hint.teams.items() if s in ids},
            )
    best: list[SolveResult | None] = [None] * len(parts)
    build_time = 0.0

    def keep(i: int, res: SolveResult) -> None:
        old = best[i]
        if res.roster is None or res.status not in (Status.optimal, Status.feasible):
            if old is None:
                best[i] = res
            return
        if old is None or old.roster is None or _known(res.objective) <= _known(old.objective):
            if old is not None and old.bound is not None and res.bound is not None:
                res.bound = max(res.bound, old.bound)
            best[i] = res
        elif res.bound is not None:
            old.bound = max(old.bound or res.bound, res.bound)

    # Round 1: a first roster of every part.
    for i in range(len(parts)):
        remaining = max(0.0, time_limit - (time.perf_counter() - t0))
        res = solve_one(
            subs[i],
            time_limit=remaining / 2,
            workers=workers,
            hint=hints[i],
            soft_hard_rules=soft_hard_rules,
            first_only=True,
        )
        build_time += res.build_time
        keep(i, res)
        if res.status == Status.infeasible:
            return _failed(res, i, len(parts), t0, build_time)
    first_time = (
        time.perf_counter() - t0
        if all(b is not None and b.roster is not None for b in best)
        else None
    )
    # Round 2: improve each part from its first roster, largest first.
    order = sorted(range(len(parts)), key=lambda i: -len(parts[i]))
    left_staff = sum(len(p) for p in parts)
    for i in order:
        remaining = max(0.0, time_limit - (time.perf_counter() - t0))
        share = remaining * len(parts[i]) / max(1, left_staff)
        left_staff -= len(parts[i])
        b = best[i]
        if b is not None and b.status == Status.optimal:
            continue
        if share < 0.05 and b is not None and b.roster is not None:
            continue
        res = solve_one(
            subs[i],
            time_limit=share,
            workers=workers,
            hint=b.roster if b is not None and b.roster is not None else hints[i],
            soft_hard_rules=soft_hard_rules,
        )
        keep(i, res)
        if res.status == Status.infeasible:
            return _failed(res, i, len(parts), t0, build_time)
    # Round 3: the time the parts left goes to those not proven optimal, the widest gap first
    # (a part whose turn brings nothing waits until another one's does).
    stale: set[int] = set()
    while True:
        remaining = time_limit - (time.perf_counter() - t0)
        gaps: dict[int, int] = {}
        for i, b in enumerate(best):
            if (
                i not in stale
                and b is not None
                and b.roster is not None
                and b.status != Status.optimal
                and b.bound is not None
                and b.objective is not None
                and b.objective > b.bound
            ):
                gaps[i] = b.objective - b.bound
        if remaining < 0.5 or not gaps:
            break
        i = max(gaps, key=lambda j: gaps[j])
        share = max(0.5, remaining * gaps[i] / sum(gaps.values()))
        chosen = _present(best[i])
        res = solve_one(
            subs[i],
            time_limit=min(share, remaining),
            workers=workers,
            hint=chosen.roster,
            soft_hard_rules=soft_hard_rules,
        )
        before = (chosen.objective, chosen.bound)
        keep(i, res)
        after = _present(best[i])
        if (after.objective, after.bound) == before:
            stale.add(i)
        else:
            stale.clear()
    results: list[SolveResult] = []
    rosters: list[Roster] = []
    for i, r in enumerate(best):
        if r is None or r.roster is None:
            return _failed(r or SolveResult(status=Status.unknown), i, len(parts), t0, build_time)
        results.append(r)
        rosters.append(r.roster)
    if first_time is None:
        first_time = time.perf_counter() - t0
    offset = problem.objective_offset
    objective = sum(_known(r.objective) for r in results) + offset
    bound = min(sum(_known(r.bound) for r in results) + offset, objective)
    status = Status.optimal if all(r.status == Status.optimal for r in results) else Status.feasible
    order_of = {s.id: n for n, s in enumerate(problem.staff)}
    shift_order = _shift_order(problem)
    assignments = sorted(
        (a for r in rosters for a in r.assignments),
        key=lambda a: (a.date, shift_order[a.shift], order_of[a.staff]),
    )
    duties = sorted(
        (a for r in rosters for a in r.remote_duties),
        key=lambda a: (a.date, shift_order[a.shift], order_of[a.staff]),
    )
    tests = sorted((t for r in rosters for t in r.tests), key=lambda t: (t.date, order_of[t.staff]))
    teams: dict[str, int] = {}
    for roster in rosters:
        teams.update(roster.teams)
    teams = {s.id: teams[s.id] for s in problem.staff if s.id in teams}
    penalties = [p for r in results for p in r.penalties]
    wall = time.perf_counter() - t0
    result = SolveResult(
        status=status,
        roster=Roster(assignments=assignments, remote_duties=duties, tests=tests, teams=teams),
        objective=objective,
        bound=bound,
        gap=(objective - bound) / max(1, abs(objective)),
        wall_time=wall,
        build_time=build_time,
        first_solution_time=first_time,
        penalties=penalties,
        messages=[f"solved as {len(parts)} independent parts"]
        + [m for r in results for m in r.messages],
    )
    if on_progress is not None:
        try:
            on_progress(Progress(elapsed=wall, objective=objective, bound=bound, solutions=1))
        except Exception as exc:  # a broken listener must not kill the solve
            result.messages.append(f"on_progress failed: {exc!r}")
    return result


def _failed(res: SolveResult, i: int, n: int, t0: float, build_time: float) -> SolveResult:
    """The whole problem's result when part ``i`` has no roster: its status (infeasible: the
    whole is infeasible; otherwise unknown)."""
    status = (
        Status.infeasible
        if res.status == Status.infeasible
        else (Status.invalid if res.status == Status.invalid else Status.unknown)
    )
    return SolveResult(
        status=status,
        wall_time=time.perf_counter() - t0,
        build_time=build_time,
        messages=[f"part {i + 1} of {n}: {res.status.value}"]
        + [f"part {i + 1} of {n}: {m}" for m in res.messages],
    )


def _shift_order(problem: Problem) -> dict[str, int]:
    return {s.id: i for i, s in enumerate(problem.site.shifts)}


def _known(value: int | None) -> int:
    """An objective or bound a roster of a part always has."""
    assert value is not None
    return value


def _present(result: SolveResult | None) -> SolveResult:
    """The best result of a part that has one."""
    assert result is not None
    return result
