"""A big site on several workers: a roster job whose problem splits into independent parts
(:func:`solver.decompose.components`) is solved as *part jobs* that any worker may take.

With ``split_parts`` = K >= 2, the worker that claims such a job groups the components into at
most K parts of similar size, stores one part job per part (``kind='part'``, its sub-problem,
a time limit that is the job's limit times the part's share of the staff) and sends them to the
queue. Part jobs are ordinary jobs: the same task body, claim, lease, re-delivery and stop. The
parent job's worker renews the parent's lease, solves free parts itself while it waits (so one
worker alone never waits for itself), then joins the parts' rosters into the site's roster:
its objective is the sum of the parts' (every rule and penalty belongs to exactly one part),
its bound the sum of their bounds, and the referee checks the whole roster as for any job.

A re-delivered parent finds its parts in ``params`` and goes on waiting for them; a stop of the
parent stops its parts and joins their best rosters.
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any

from sqlalchemy import select, update

from api.messages import job_lang, job_text
from api.models import Job, utcnow
from roster.model import Penalty, Problem, Roster, SolveResult, Status


def _bins(components: list[list[str]], k: int) -> list[tuple[list[str], bool]]:
    """Components grouped into at most ``k`` parts of similar size (largest first into the
    smallest part); each part's staff and whether it holds the first component (the posts
    nobody can serve go with it)."""
    order = sorted(range(len(components)), key=lambda i: -len(components[i]))
    bins: list[list[int]] = [[] for _ in range(min(k, len(components)))]
    sizes = [0] * len(bins)
    for i in order:
        b = sizes.index(min(sizes))
        bins[b].append(i)
        sizes[b] += len(components[i])
    out = []
    for members in bins:
        members.sort()
        out.append(([s for i in members for s in components[i]], 0 in members))
    return out


def plan(job_id: str, ctx: Any, claim: Any) -> list[str] | None:
    """The part job ids of ``job_id`` (made now, or found from an earlier attempt), or None to
    solve it whole."""
    k = int(getattr(ctx.settings, "split_parts", 0) or 0)
    if claim.params and claim.params.get("parts"):
        return list(claim.params["parts"])
    if k < 2:
        return None
    from roster.index import ProblemIndex
    from solver.decompose import components, sub_problem

    problem = Problem.model_validate_json(claim.problem_json)
    comps = components(problem)
    if not comps or len(comps) < 2:
        return None
    bins = _bins(comps, k)
    total = sum(len(c) for c in comps)
    idx = ProblemIndex(problem)
    with ctx.factory() as s:
        parent = s.get(Job, job_id, with_for_update=True)
        if parent is None or parent.worker != claim.token:
            return None
        ids: list[str] = []
        for i, (staff, first) in enumerate(bins):
            sub = sub_problem(problem, staff, first=first, idx=idx)
            part = Job(
                kind="part",
                site_id=parent.site_id,
                unit_id=parent.unit_id,
                status="queued",
                policy_version=parent.policy_version,
                start=parent.start,
                days=parent.days,
                time_limit=max(1.0, claim.time_limit * len(staff) / total),
                problem=sub.model_dump(mode="json"),
                params={
                    "parent": job_id,
                    "index": i,
                    "of": len(bins),
                    "lang": (parent.params or {}).get("lang", "en"),
                },
                created_by=parent.created_by,
                message=job_text(
                    job_lang(parent.params), "job.part", i=i + 1, n=len(bins), job=job_id
                ),
            )
            s.add(part)
            s.flush()
            ids.append(part.id)
        parent.params = {**(parent.params or {}), "parts": ids}
        parent.message = job_text(job_lang(parent.params), "job.split", n=len(ids))
        s.commit()
    dispatch = getattr(ctx, "dispatch", None)
    if dispatch is not None:
        for pid in ids:
            with contextlib.suppress(Exception):  # the parent solves free parts itself
                dispatch(pid)
    return ids


def _stop_parts(ctx: Any, parts: list[str]) -> None:
    with ctx.factory() as s:
        s.execute(
            update(Job)
            .where(Job.id.in_(parts), Job.status.in_(("queued", "solving")))
            .values(stop_requested=True)
        )
        s.commit()
    for pid in parts:
        ctx.stop_local(pid)


def solve(job_id: str, claim: Any, ctx: Any, stop: threading.Event, parts: list[str]) -> Any:
    """Wait for (and help with) the parts, then join them: the parent's ``SolveRun``."""
    from api import jobs

    run = jobs.SolveRun()
    st = ctx.settings
    t0 = time.monotonic()
    finished = threading.Event()
    lost = threading.Event()
    timed_out = threading.Event()
    deadline = t0 + claim.time_limit + st.time_limit_margin + 5.0 * len(parts)

    def heartbeat() -> None:
        last_renew = 0.0
        stopped = False
        while not finished.wait(0.5):
            now = time.monotonic()
            if now - last_renew >= max(0.2, st.job_lease / 4):
                last_renew = now
                if jobs.renew_lease(job_id, ctx, claim.token) is False:
                    lost.set()
                    stop.set()
            if not stop.is_set() and jobs.stop_flag(job_id, ctx):
                stop.set()
            if now > deadline and not timed_out.is_set():
                timed_out.set()
                stop.set()
            if stop.is_set() and not stopped and not lost.is_set():
                if ctx.closing.is_set() and not jobs.stop_flag(job_id, ctx):
                    continue  # hand-back: the parts go on (or are handed back by their workers)
                stopped = True
                try:
                    _stop_parts(ctx, parts)
                except Exception:  # noqa: BLE001 - retried at the next beat
                    stopped = False

    beat = threading.Thread(target=heartbeat, name=f"parts-{job_id[:8]}", daemon=True)
    beat.start()
    try:
        while True:
            if lost.is_set():
                run.lost = True
                return run
            if stop.is_set() and ctx.closing.is_set() and not jobs.stop_flag(job_id, ctx):
                run.handed_back = True
                return run
            try:
                with ctx.factory() as s:
                    rows = s.execute(
                        select(Job.id, Job.status, Job.lease_until).where(Job.id.in_(parts))
                    ).all()
            except Exception:  # noqa: BLE001 - the database may be away for a while
                time.sleep(1.0)
                continue
            if len(rows) == len(parts) and all(r[1] in jobs.FINAL for r in rows):
                break
            took = False
            if not stop.is_set():
                now = utcnow()
                for pid, status, lease in rows:
                    free = status == "queued" or (
                        status == "solving" and (lease is None or jobs.aware(lease) < now)
                    )
                    if free:
                        out = jobs.execute_job(pid, ctx)
                        took = out.kind in ("finished", "handed_back")
                        break
            if not took:
                time.sleep(0.3)
    finally:
        finished.set()
        beat.join(5)
    run.stopped = stop.is_set() and not timed_out.is_set()
    _join(ctx, claim, parts, run, time.monotonic() - t0, timed_out.is_set())
    return run


def _join(ctx: Any, claim: Any, parts: list[str], run: Any, wall: float, timed_out: bool) -> None:
    """The parent's result from its parts' rows."""
    problem = Problem.model_validate_json(claim.problem_json)
    with ctx.factory() as s:
        rows = [s.get(Job, pid) for pid in parts]
    n = len(rows)
    run.state["elapsed"] = wall
    run.state["solutions"] = sum(r.solutions for r in rows)
    bad = [(i, r) for i, r in enumerate(rows) if r.status == "infeasible"]
    if bad:
        i, r = bad[0]
        msgs = (r.result or {}).get("messages", [])
        run.result = SolveResult(
            status=Status.infeasible,
            wall_time=wall,
            messages=[f"part {i + 1} of {n}: {m}" for m in msgs] or [f"part {i + 1} of {n}"],
        )
        return
    if not all(r.best_roster for r in rows):
        missing = [f"part {i + 1} of {n}: {r.status}: {r.message}" for i, r in enumerate(rows)]
        if not run.stopped:
            run.error = "no roster for every part; " + "; ".join(
                m for m, r in zip(missing, rows, strict=True) if not r.best_roster
            )
        return
    rosters = [Roster.model_validate(r.best_roster) for r in rows]
    teams: dict[str, int] = {}
    for ro in rosters:
        teams.update(ro.teams)
    order_of = {p.id: k for k, p in enumerate(problem.staff)}
    shift_order = {sh.id: k for k, sh in enumerate(problem.site.shifts)}
    roster = Roster(
        assignments=sorted(
            (a for ro in rosters for a in ro.assignments),
            key=lambda a: (a.date, shift_order[a.shift], order_of[a.staff]),
        ),
        tests=sorted(
            (t for ro in rosters for t in ro.tests), key=lambda t: (t.date, order_of[t.staff])
        ),
        teams={p.id: teams[p.id] for p in problem.staff if p.id in teams},
    )
    offset = problem.objective_offset
    objective = sum(r.objective or 0 for r in rows) + offset
    bounds = [r.bound for r in rows]
    bound = min(sum(bounds) + offset, objective) if None not in bounds else None
    run.state["objective"], run.state["bound"] = objective, bound
    run.best = {"roster": roster.model_dump(mode="json"), "objective": objective}
    if run.stopped:
        return
    if timed_out or not all(r.status == "done" for r in rows):
        why = [
            f"part {i + 1} of {n}: {r.message}" for i, r in enumerate(rows) if r.status != "done"
        ]
        run.error = "not every part finished; " + "; ".join(why or ["time limit"])
        return
    optimal = all(r.solver_status == Status.optimal.value for r in rows)
    penalties = [
        Penalty.model_validate(p) for r in rows for p in (r.result or {}).get("penalties", [])
    ]
    run.result = SolveResult(
        status=Status.optimal if optimal else Status.feasible,
        roster=roster,
        objective=objective,
        bound=bound,
        gap=(objective - bound) / max(1, abs(objective)) if bound is not None else None,
        wall_time=wall,
        penalties=penalties,
        messages=[f"solved as {n} part jobs"],
    )
