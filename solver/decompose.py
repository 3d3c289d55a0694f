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

#: Look for a first roster of every part before solving any part in earnest. Off: each part's
#: own solve finds its first roster within its share, and the parts then get the 2-3 s the
#: first round took on a loaded machine (300 staff x 2 weeks, 8 parts; see
#: benchmarks/README.md). A part left without a roster gets one at the end.
FIRST_ROUND = False
#: Least time given to the first-roster search of a part (the time limit may be overrun by
#: about this much per part rather than return no roster at all).
MIN_FIRST_SECONDS = 0.2
#: Tries of a part's first-roster search, each with twice the time of the one before (a
#: 3,000-staff site at a load average of 6 on 2 cores: parts of its 51 found no roster
#: in 0.2 s at the end, so the whole site had none).
FIRST_TRIES = 4
#: Least time of a later turn when the parts' later turns prove (``prove_later``).
PROVE_MIN_SECONDS = 2.0


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
    nobody can serve), their units' presence floors (with ``first``, also those of units
    without staff), absences, requests and fixed cells; no objective offset."""
    idx = idx or ProblemIndex(problem)
    ids = set(staff)
    posts = [
        p
        for p in problem.site.posts
        if any(s in ids for s in idx.qualified_staff[p.id])
        or (first and not idx.qualified_staff[p.id])
    ]
    site = problem.site.model_copy(update={"posts": posts})
    # Presence floors of the part's units only (a floor of a unit without staff anywhere goes
    # with the first part, where it makes the part infeasible as it does the whole).
    staffed = {st.unit for st in problem.staff}
    units = {st.unit for st in problem.staff if st.id in ids}
    if first:
        units |= {u.id for u in problem.site.units if u.id not in staffed}
    presence = problem.policy.presence
    floors = []
    for fl in presence.floors:
        if fl.unit is None:
            floors += [
                fl.model_copy(update={"unit": u.id}) for u in problem.site.units if u.id in units
            ]
        elif fl.unit in units:
            floors.append(fl)
    policy = problem.policy.model_copy(
        update={"presence": presence.model_copy(update={"floors": floors})}
    )
    return problem.model_copy(
        update={
            "site": site,
            "policy": policy,
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
    progress_rosters: bool = False,
    prove_later: bool = False,
) -> SolveResult:
    """Solve the parts in rounds and merge the results: each part, largest first, within a
    share of the time left by size (time a part leaves unused goes to the next ones); a first
    roster of any part still without one; then the time still left to the parts not proven
    optimal, the widest gap first. With :data:`FIRST_ROUND`, or with ``progress_rosters``
    and ``on_progress`` (an API job, whose stop keeps the last roster reported), a first
    roster of every part comes before all that, so that the whole site has one early.

    With ``prove_later``, each turn of round 3 is a proof from the part's roster
    (``solve_one(..., prove=True)``, see :data:`solver.search.PROVE_LAST`), of at least
    :data:`PROVE_MIN_SECONDS`.

    ``on_progress`` hears the whole site's objective and bound each time a part improves once
    every part has a roster (with ``progress_rosters``, the merged roster too)."""
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
    reports = 0
    errors: list[str] = []
    last_report: tuple[int, int] | None = None
    first_time: float | None = None

    def report() -> None:
        nonlocal reports, last_report, first_time
        if any(b is None or b.roster is None for b in best):
            return
        if first_time is None:
            first_time = time.perf_counter() - t0  # every part has a roster
        if on_progress is None:
            return
        done = [_present(b) for b in best]
        objective = sum(_known(r.objective) for r in done) + problem.objective_offset
        bound = min(sum(_known(r.bound) for r in done) + problem.objective_offset, objective)
        if last_report is not None and (objective, bound) == last_report:
            return
        last_report = (objective, bound)
        reports += 1
        roster = (
            _merge(problem, [r.roster for r in done if r.roster is not None])
            if progress_rosters
            else None
        )
        try:
            on_progress(
                Progress(
                    elapsed=time.perf_counter() - t0,
                    objective=objective,
                    bound=bound,
                    solutions=reports,
                    roster=roster,
                )
            )
        except Exception as exc:  # a broken listener must not kill the solve
            if not errors:
                errors.append(f"on_progress failed: {exc!r}")

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
        report()

    def first_rosters(parts_left: list[int]) -> tuple[int, SolveResult] | None:
        """A first roster of each part in ``parts_left`` (each solve stops at its first roster);
        the number and result of an infeasible part."""
        nonlocal build_time
        for n, i in enumerate(parts_left):
            remaining = max(0.0, time_limit - (time.perf_counter() - t0))
            limit = max(MIN_FIRST_SECONDS, remaining / (2 if first_round else len(parts_left) - n))
            for _ in range(FIRST_TRIES):
                res = solve_one(
                    subs[i],
                    time_limit=limit,
                    workers=workers,
                    hint=hints[i],
                    soft_hard_rules=soft_hard_rules,
                    first_only=True,
                )
                build_time += res.build_time
                keep(i, res)
                if res.status == Status.infeasible:
                    return i, res
                if res.roster is not None or res.status == Status.invalid:
                    break
                # No roster within the limit (a loaded machine): overrun the time limit
                # rather than leave the whole site without a roster.
                limit *= 2
        return None

    # Round 1 (with FIRST_ROUND, or for a caller that wants rosters in its progress reports:
    # a job that may be stopped early keeps the whole site's roster from the start): a first
    # roster of every part.
    first_round = FIRST_ROUND or (progress_rosters and on_progress is not None)
    if first_round and (bad := first_rosters(list(range(len(parts))))) is not None:
        return _failed(bad[1], bad[0], len(parts), t0, build_time)
    # Round 2: solve each part (from its first roster, if any), largest first, within a share
    # of the time left by size.
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
        build_time += res.build_time
        keep(i, res)
        if res.status == Status.infeasible:
            return _failed(res, i, len(parts), t0, build_time)
    # A part that got no roster in its share: a first roster now.
    missing = [i for i, b in enumerate(best) if b is None or b.roster is None]
    if missing and (bad := first_rosters(missing)) is not None:
        return _failed(bad[1], bad[0], len(parts), t0, build_time)
    # Round 3: the time the parts left goes to those not proven optimal, the widest gap first
    # (a part whose turn brings nothing waits until another one's does).
    stale: set[int] = set()
    # A part's later turn may search differently (solver.search.PROVE_LAST: prove its roster).
    later = {"prove": True} if prove_later else {}
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
        if prove_later:
            share = max(share, PROVE_MIN_SECONDS)  # a proof needs a few seconds or none
        chosen = _present(best[i])
        res = solve_one(
            subs[i],
            time_limit=min(share, remaining),
            workers=workers,
            hint=chosen.roster,
            soft_hard_rules=soft_hard_rules,
            **later,
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
    penalties = [p for r in results for p in r.penalties]
    report()
    return SolveResult(
        status=status,
        roster=_merge(problem, rosters),
        objective=objective,
        bound=bound,
        gap=(objective - bound) / max(1, abs(objective)),
        wall_time=time.perf_counter() - t0,
        build_time=build_time,
        first_solution_time=first_time,
        penalties=penalties,
        messages=[f"solved as {len(parts)} independent parts"]
        + errors
        + [m for r in results for m in r.messages],
    )


def _merge(problem: Problem, rosters: list[Roster]) -> Roster:
    """The site's roster made of the parts' rosters, in the order of a whole solve's."""
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
    return Roster(assignments=assignments, remote_duties=duties, tests=tests, teams=teams)


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
