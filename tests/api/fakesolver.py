"""A solve function for the API tests: the real solver, except for sites whose name asks for a
scripted behaviour (so the runner's stop, crash and infeasible paths are tested deterministically
and fast). Names: ``slow`` (a roster at once, then solves on until the time limit or a stop),
``crash`` (the process dies), ``infeasible``, ``raise`` (an exception), ``quick`` (a roster at
once, no solver), ``sleepy`` (progress for up to 3 s, then the real solver: a refereed roster).

With ``ROSTER_TEST_SOLVE_LOG`` set, every solve started (not its hinted second chunk) appends
``site-id start-date`` to that file, so tests count how many times each job was solved."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from roster.model import Problem, Progress, Roster, SolveResult, Status


def _remote_roster(problem: Problem) -> Roster:
    rotating = [s.id for s in problem.staff if s.rotates]
    return Roster(teams={sid: i % problem.policy.teams.count for i, sid in enumerate(rotating)})


def solve(
    problem: Problem,
    time_limit: float = 10.0,
    workers: int = 2,
    hint: Roster | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> SolveResult:
    name = problem.site.name or ""
    log = os.environ.get("ROSTER_TEST_SOLVE_LOG")
    if log and hint is None:
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"{problem.site.id} {problem.horizon.start}\n")
    if name.startswith("quick"):
        roster = _remote_roster(problem)
        return SolveResult(status=Status.feasible, roster=roster, objective=1, bound=0)
    if name.startswith("sleepy"):
        t0 = time.monotonic()
        while hint is None and time.monotonic() - t0 < 3.0:  # "solving" for 3 s
            time.sleep(0.2)
            if on_progress:
                on_progress(Progress(elapsed=time.monotonic() - t0, solutions=0))
        from solver import solve as real_solve

        return real_solve(
            problem,
            time_limit=max(2.0, time_limit),
            workers=workers,
            hint=hint,
            on_progress=on_progress,
        )
    if name.startswith("slow"):
        roster = hint or _remote_roster(problem)
        if hint is None:  # first chunk: a roster quickly
            if on_progress:
                on_progress(Progress(elapsed=0.05, objective=100, bound=0, solutions=1))
            return SolveResult(status=Status.feasible, roster=roster, objective=100, bound=0)
        t0 = time.monotonic()
        n = 1
        while time.monotonic() - t0 < time_limit:
            time.sleep(0.1)
            n += 1
            if on_progress:
                on_progress(
                    Progress(elapsed=time.monotonic() - t0, objective=100 - n, bound=0, solutions=n)
                )
        return SolveResult(status=Status.feasible, roster=roster, objective=50, bound=0)
    if name.startswith("crash"):
        os._exit(3)
    if name.startswith("infeasible"):
        return SolveResult(status=Status.infeasible, messages=["cap below coverage"])
    if name.startswith("raise"):
        raise RuntimeError("scripted failure")
    from solver import solve as real_solve

    return real_solve(
        problem, time_limit=time_limit, workers=workers, hint=hint, on_progress=on_progress
    )
