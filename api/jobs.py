"""Solve jobs: the one task body (:func:`execute_job`) and the two ways to run it.

Every state a client sees (status, best objective/bound, best roster, answer) lives in the
database; the job engine only carries job ids. :func:`execute_job` is the whole life of one job
on one worker: claim it in the database (an atomic conditional update that takes a *lease*), run
the solve in a child process (:mod:`api.solve_child`), renew the lease and write progress while
it runs, obey a stop, and write the result (retried with back-off while the database is
unreachable: a solved roster is never dropped because one write failed).

It runs either

* in a Celery worker (``roster worker``, :mod:`api.worker`): RabbitMQ carries the job ids, late
  acknowledgement and prefetch 1, a dead worker's job is re-delivered; or
* in-process (:class:`LocalJobRunner`, the default when no broker is configured): a small thread
  pool in the API process calls the same :func:`execute_job`.

A job is solved by one worker at a time: the claim succeeds only on a ``queued`` job or on a
``solving`` job whose lease has expired (its worker is gone), and every later write is fenced by
the claim's token. Start-up recovery and the periodic sweep touch only expired leases.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import multiprocessing as mp
import os
import queue
import socket
import threading
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast, overload

from sqlalchemy import CursorResult, Update, and_, or_, select, text, update
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from api import solve_child
from api.messages import job_lang, job_text
from api.models import Job, utcnow
from api.services import create_roster, report_dict, store_reroster, worded_report
from api.settings import Settings
from roster.lang import pick
from roster.model import Problem, Report, Roster, SolveResult, Status

log = logging.getLogger("roster.api.jobs")

FINAL = ("done", "infeasible", "failed", "stopped")
ACTIVE = ("queued", "solving")
REPAIR_KINDS = ("explain", "reroster", "drill", "substitutes")
T = TypeVar("T")


def transient(exc: BaseException) -> bool:
    """True for a database error that may pass (connection refused or cut, database locked)."""
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def public_error(exc: BaseException) -> str:
    """A sentence about ``exc`` fit for a client: never SQL, parameters or row data."""
    if isinstance(exc, SQLAlchemyError):
        return "a database error (details in the worker's log)"
    return f"{type(exc).__name__}: {str(exc)[:300]}"


@overload
def aware(d: dt.datetime) -> dt.datetime: ...
@overload
def aware(d: None) -> None: ...
def aware(d: dt.datetime | None) -> dt.datetime | None:
    """SQLite returns naive datetimes: they are UTC."""
    if d is not None and d.tzinfo is None:
        return d.replace(tzinfo=dt.UTC)
    return d


def _updated(s: Session, stmt: Update) -> int:
    """Run an UPDATE in ``s`` and return how many rows it matched. ``Session.execute`` is typed
    as returning a plain ``Result``; for an UPDATE it is a ``CursorResult``, which has the
    ``rowcount``."""
    return cast("CursorResult[Any]", s.execute(stmt)).rowcount


def with_db_retry(fn: Callable[[], T], settings: Settings, what: str) -> T:
    """``fn()``, retried with back-off (0.5 s doubling to 10 s) while the database is
    unreachable, for at most ``settings.db_retry_seconds``; then the error is raised."""
    deadline = time.monotonic() + settings.db_retry_seconds
    delay = 0.5
    while True:
        try:
            return fn()
        except SQLAlchemyError as exc:
            if not transient(exc) or time.monotonic() + delay > deadline:
                raise
            log.warning("%s: database unreachable (%s); retrying in %.1f s", what, exc, delay)
            time.sleep(delay)
            delay = min(delay * 2, 10.0)


@dataclass
class Outcome:
    """What :func:`execute_job` did: ``finished`` (final state written), ``skipped`` (nothing to
    do: finished, stopped, or another worker won the claim), ``busy`` (another worker holds a
    live lease: try again after ``wait`` seconds), ``handed_back`` (this worker is stopping: the
    job is queued again), ``db_unreachable`` (could not claim: try again after ``wait``)."""

    kind: str
    wait: float = 0.0
    detail: str = ""


@dataclass
class _Claim:
    token: str
    kind: str
    problem_json: str
    params: dict[str, Any] | None
    time_limit: float


@dataclass
class SolveRun:
    state: dict[str, Any] = field(
        default_factory=lambda: {"objective": None, "bound": None, "solutions": 0, "elapsed": 0.0}
    )
    best: dict[str, Any] = field(default_factory=dict)
    result: SolveResult | None = None
    report: dict[str, Any] | None = None
    answer: dict[str, Any] | None = None
    error: str | None = None
    stopped: bool = False
    handed_back: bool = False
    lost: bool = False


class JobContext:
    """What a process running jobs shares between its job threads: the database, the settings,
    its name, the stop events of the solves it runs and whether it is shutting down."""

    def __init__(
        self, factory: sessionmaker[Session], settings: Settings, name: str | None = None
    ) -> None:
        self.factory = factory
        self.settings = settings
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.closing = threading.Event()
        #: How to send a job to the engine (part jobs of a split site); None: not at all.
        self.dispatch: Callable[[str], None] | None = None
        self._active: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self.mp = solver_context()
        self._warm = threading.Lock()
        self._warmed = False

    def warm_up(self) -> None:
        """Start the fork server and let it import the solver, once per process, before a job
        is claimed: the first child's start then takes no time out of a job's lease."""
        if self._warmed:
            return
        with self._warm:
            if self._warmed:
                return
            if self.mp.get_start_method() == "forkserver":
                p = self.mp.Process(target=solve_child.noop, daemon=True, name="warm-up")
                p.start()
                p.join(300)
            self._warmed = True

    def track(self, job_id: str, stop: threading.Event) -> None:
        """A solve of ``job_id`` runs here; ``stop`` stops it."""
        with self._lock:
            self._active[job_id] = stop

    def untrack(self, job_id: str) -> None:
        with self._lock:
            self._active.pop(job_id, None)

    def stop_local(self, job_id: str) -> bool:
        with self._lock:
            ev = self._active.get(job_id)
        if ev is not None:
            ev.set()
        return ev is not None

    def active(self) -> int:
        with self._lock:
            return len(self._active)

    def close(self) -> None:
        """Shutting down: running solves hand their jobs back."""
        self.closing.set()
        with self._lock:
            for ev in self._active.values():
                ev.set()


# ---- the task body ---------------------------------------------------------------------------
def execute_job(job_id: str, ctx: JobContext) -> Outcome:
    """Run job ``job_id`` to its end on this worker (the one task body of both runners)."""
    token = f"{ctx.name}:{uuid.uuid4().hex[:8]}"
    ctx.warm_up()
    try:
        claim = _claim(job_id, ctx, token)
    except SQLAlchemyError as exc:
        if not transient(exc):
            raise
        log.warning("job %s: database unreachable at claim (%s)", job_id, exc)
        return Outcome("db_unreachable", wait=2.0)
    if isinstance(claim, Outcome):
        return claim
    stop = threading.Event()
    ctx.track(job_id, stop)
    try:
        parts = None
        if claim.kind == "roster":
            from api import split

            parts = split.plan(job_id, ctx, claim)
        if parts:
            run = split.solve(job_id, claim, ctx, stop, parts)
        else:
            run = _solve(job_id, claim, ctx, stop)
    finally:
        ctx.untrack(job_id)
    if run.lost:
        log.warning("job %s: lease lost to another worker; result dropped", job_id)
        return Outcome("skipped", detail="lease lost")
    if run.handed_back:
        lang = job_lang(claim.params)
        with_db_retry(lambda: _hand_back(job_id, ctx, token, lang), ctx.settings, f"job {job_id}")
        return Outcome("handed_back")
    written = with_db_retry(
        lambda: _finish(job_id, ctx, claim, run), ctx.settings, f"job {job_id} result"
    )
    return Outcome("finished" if written else "skipped", detail="" if written else "lease lost")


def execute_job_safely(job_id: str, ctx: JobContext) -> Outcome:
    """:func:`execute_job`; an unexpected error fails the job (with a message free of SQL)
    instead of leaving it solving."""
    try:
        return execute_job(job_id, ctx)
    except Exception as exc:  # noqa: BLE001 - a job must never stay 'solving'
        log.exception("job %s failed in the worker", job_id)
        if isinstance(exc, SQLAlchemyError) and transient(exc):
            # The database stayed away longer than db_retry_seconds: the lease expires and the
            # job is taken over later, it is not failed.
            return Outcome("db_unreachable", wait=5.0)
        try:
            fail_job(ctx.factory, job_id, job_text("en", "job.internal", why=public_error(exc)))
        except SQLAlchemyError:
            log.exception("job %s: could not record the failure", job_id)
        return Outcome("finished", detail="failed")


def _orphan_verdict(
    stop: bool, attempts: int, settings: Settings, lang: str = "en"
) -> tuple[str, str] | None:
    """What happens to a job whose worker died while solving: None to solve it again, else
    its final (status, message)."""
    if stop:
        return "stopped", job_text(lang, "job.orphan_stopped")
    if settings.recover == "fail" or attempts >= settings.max_attempts:
        return "failed", job_text(lang, "job.orphan_failed", n=attempts)
    return None


def _claim(job_id: str, ctx: JobContext, token: str) -> _Claim | Outcome:
    now = utcnow()
    with ctx.factory() as s:
        job = s.get(Job, job_id)
        if job is None:
            return Outcome("skipped", detail="no such job")
        status, worker, attempts = job.status, job.worker, job.attempts
        lease, stop = aware(job.lease_until), job.stop_requested
        payload = (job.kind or "roster", job.problem, job.params, job.time_limit)
    if status in FINAL:
        return Outcome("skipped", detail=status)
    final: tuple[str, str] | None = None
    if status == "solving":
        if lease is not None and lease > now:
            return Outcome("busy", wait=(lease - now).total_seconds() + 0.5)
        final = _orphan_verdict(stop, attempts, ctx.settings, job_lang(payload[2]))
    elif stop:
        final = ("stopped", job_text(job_lang(payload[2]), "job.stopped_before_start"))
    cond = [
        Job.id == job_id,
        Job.status == status,
        Job.attempts == attempts,
        Job.worker.is_(None) if worker is None else Job.worker == worker,
    ]
    with ctx.factory() as s:
        if final is not None:
            s.execute(
                update(Job)
                .where(*cond)
                .values(
                    status=final[0],
                    message=final[1],
                    finished_at=now,
                    worker=None,
                    lease_until=None,
                )
            )
            s.commit()
            return Outcome("skipped", detail=final[0])
        claimed = _updated(
            s,
            update(Job)
            .where(*cond)
            .values(
                status="solving",
                worker=token,
                lease_until=now + dt.timedelta(seconds=ctx.settings.job_lease),
                started_at=now,
                attempts=attempts + 1,
                message=job_text(job_lang(payload[2]), "job.solving", n=attempts + 1),
            ),
        )
        s.commit()
        if claimed != 1:  # another worker changed it first: look again soon
            return Outcome("busy", wait=1.0)
    kind, problem, params, time_limit = payload
    return _Claim(
        token=token,
        kind=kind,
        problem_json=Problem.model_validate(problem).model_dump_json(),
        params=params,
        time_limit=time_limit,
    )


#: Modules the fork server imports once, so that each solve's child starts without importing
#: OR-Tools, pandas and the model again (1-5 s a job on a busy machine).
PRELOAD = ["api.solve_child", "api.repair_jobs", "solver"]


def solver_context() -> Any:
    """How solve children start: from a fork server with the solver preloaded where the
    platform has one (Linux), else spawned. Either way a child starts from a clean process with
    no threads or database connections of the parent."""
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return mp.get_context("spawn")


def _spawn(claim: _Claim, ctx: JobContext, out: Any) -> Any:
    st = ctx.settings
    target: Callable[..., None]
    args: tuple[Any, ...]
    if claim.kind in ("roster", "part"):
        target, args = (
            solve_child.run,
            (
                claim.problem_json,
                claim.time_limit,
                st.solver_workers,
                st.solve_function,
                st.first_chunk_fraction,
                out,
                st.solver_nice,
                job_lang(claim.params),
            ),
        )
    else:
        target, args = (
            solve_child.run_repair,
            (
                claim.kind,
                claim.problem_json,
                claim.params or {},
                claim.time_limit,
                st.solver_workers,
                out,
                st.solver_nice,
            ),
        )
    proc = ctx.mp.Process(target=target, args=args, daemon=True, name=f"solve-{claim.kind}")
    proc.start()
    return proc


def _solve(job_id: str, claim: _Claim, ctx: JobContext, stop: threading.Event) -> SolveRun:
    """Run the child process, follow its messages, renew the lease, obey stops."""
    st = ctx.settings
    out: Any = ctx.mp.Queue()
    if st.solve_log:
        with open(st.solve_log, "a", encoding="utf-8") as f:
            f.write(f"{job_id} {ctx.name}\n")
    proc = _spawn(claim, ctx, out)
    run = SolveRun()
    last_write = 0.0
    last_poll = time.monotonic()
    last_renew = time.monotonic()
    renew_every = max(0.2, st.job_lease / 4)
    hard_deadline = time.monotonic() + claim.time_limit + st.time_limit_margin
    try:
        while True:
            try:
                msg = out.get(timeout=0.2)
            except queue.Empty:
                msg = None
            now = time.monotonic()
            if msg is not None:
                kind = msg["type"]
                if kind in ("progress", "roster"):
                    _take_progress(run, msg)
                    has_roster = kind == "roster" or msg.get("roster") is not None
                    if has_roster or now - last_write >= st.progress_interval:
                        if _write_progress(job_id, ctx, claim.token, run, has_roster):
                            last_renew = now
                        last_write = now
                elif kind == "result":
                    run.result = SolveResult.model_validate_json(msg["result"])
                    run.report = msg.get("report")
                    break
                elif kind == "answer":
                    run.answer = msg["answer"]
                    break
                elif kind == "error":
                    run.error = msg["message"]
                    break
            if now - last_renew >= renew_every:
                last_renew = now
                if renew_lease(job_id, ctx, claim.token) is False:
                    run.lost = True
                    break
            if not stop.is_set() and now - last_poll > 1.0:
                last_poll = now
                if stop_flag(job_id, ctx):
                    stop.set()
            if stop.is_set():
                if ctx.closing.is_set() and not stop_flag(job_id, ctx, default=False):
                    run.handed_back = True
                else:
                    run.stopped = True
                break
            if msg is None and not proc.is_alive() and out.empty():
                run.error = f"the solver process ended unexpectedly (exit code {proc.exitcode})"
                break
            if now > hard_deadline:
                run.error = (
                    f"the solver did not finish within its time limit "
                    f"({claim.time_limit:g} s + {st.time_limit_margin:g} s margin)"
                )
                break
    finally:
        if proc.is_alive():
            proc.terminate()
            proc.join(5)
            if proc.is_alive():
                proc.kill()
                proc.join(5)
        out.close()
    return run


def _take_progress(run: SolveRun, msg: dict[str, Any]) -> None:
    state = run.state
    state["elapsed"] = msg.get("elapsed", 0.0)
    if msg.get("objective") is not None:
        state["objective"] = msg["objective"]
    if msg.get("bound") is not None:
        state["bound"] = msg["bound"]
    state["solutions"] = max(state["solutions"], msg.get("solutions", 0))
    if msg.get("roster") is not None:
        run.best = {"roster": msg["roster"], "objective": msg.get("objective")}


# ---- database writes of a running job (best effort: the solve goes on without them) --------
def _lease(settings: Settings) -> dt.datetime:
    return utcnow() + dt.timedelta(seconds=settings.job_lease)


def renew_lease(job_id: str, ctx: JobContext, token: str) -> bool | None:
    """Extend the lease; False when another worker holds the job now, None when the database
    did not answer."""
    try:
        with ctx.factory() as s:
            renewed = _updated(
                s,
                update(Job)
                .where(Job.id == job_id, Job.worker == token)
                .values(lease_until=_lease(ctx.settings)),
            )
            s.commit()
            return renewed == 1
    except SQLAlchemyError as exc:
        log.warning("job %s: lease not renewed (%s)", job_id, type(exc).__name__)
        return None


def stop_flag(job_id: str, ctx: JobContext, default: bool = False) -> bool:
    try:
        with ctx.factory() as s:
            return bool(s.scalar(select(Job.stop_requested).where(Job.id == job_id)))
    except SQLAlchemyError as exc:
        log.warning("job %s: stop flag not read (%s)", job_id, type(exc).__name__)
        return default


def _write_progress(job_id: str, ctx: JobContext, token: str, run: SolveRun, roster: bool) -> bool:
    values: dict[str, Any] = {
        "objective": run.state["objective"],
        "bound": run.state["bound"],
        "solutions": run.state["solutions"],
        "elapsed": run.state["elapsed"],
        "lease_until": _lease(ctx.settings),
    }
    if roster and run.best:
        values["best_roster"] = run.best["roster"]
    try:
        with ctx.factory() as s:
            s.execute(update(Job).where(Job.id == job_id, Job.worker == token).values(**values))
            s.commit()
        return True
    except SQLAlchemyError as exc:
        log.warning("job %s: progress not written (%s)", job_id, type(exc).__name__)
        return False


def _hand_back(job_id: str, ctx: JobContext, token: str, lang: str = "en") -> None:
    """This worker is stopping: the job goes back to the queue (not counted as an attempt)."""
    with ctx.factory() as s:
        s.execute(
            update(Job)
            .where(Job.id == job_id, Job.worker == token)
            .values(
                status="queued",
                worker=None,
                lease_until=None,
                attempts=Job.attempts - 1,
                message=job_text(lang, "job.handed_back"),
            )
        )
        s.commit()


def fail_job(factory: sessionmaker[Session], job_id: str, message: str) -> None:
    with factory() as s:
        s.execute(
            update(Job)
            .where(Job.id == job_id, Job.status.in_(ACTIVE))
            .values(
                status="failed",
                message=message,
                finished_at=utcnow(),
                worker=None,
                lease_until=None,
            )
        )
        s.commit()


def _finish(job_id: str, ctx: JobContext, claim: _Claim, run: SolveRun) -> bool:
    """Write the final state, fenced by the claim's token; False if the job is no longer ours."""
    with ctx.factory() as s:
        job = s.get(Job, job_id, with_for_update=True)
        if job is None or job.worker != claim.token or job.status != "solving":
            return False
        job.finished_at = utcnow()
        job.worker, job.lease_until = None, None
        job.elapsed = run.state["elapsed"]
        job.solutions = run.state["solutions"]
        if claim.kind in REPAIR_KINDS:
            _finish_repair(job, run)
            if job.kind == "reroster" and job.status == "done" and job.result is not None:
                stored = store_reroster(s, job, job.result)
                job.result = {**job.result, "stored": stored}
                if stored["saved"]:
                    job.roster_id = stored["roster_id"]
        else:
            _finish_roster(s, job, run)
        s.commit()
        return True


def _finish_repair(job: Job, run: SolveRun) -> None:
    if run.stopped:
        job.status = "stopped"
        job.message = job_text(job_lang(job.params), "job.stopped_before_answer")
    elif run.error is not None:
        job.status, job.message = "failed", run.error
    else:
        job.status = "done"
        job.message = job_text(job_lang(job.params), "job.answered", kind=job.kind)
        job.result = run.answer


def _finish_roster(s: Session, job: Job, run: SolveRun) -> None:
    state, best, result = run.state, run.best, run.result
    roster: Roster | None = None
    lang = job_lang(job.params)
    if run.stopped:
        job.status = "stopped"
        if best:
            roster = Roster.model_validate(best["roster"])
            job.objective = best.get("objective")
            job.message = pick(
                lang,
                "stopped early; the best roster found so far is kept",
                "đã dừng sớm; giữ lịch tốt nhất tìm được đến lúc đó",
            )
        else:
            job.objective = None
            job.message = pick(
                lang,
                "stopped early before any roster was found",
                "đã dừng sớm, trước khi tìm được lịch nào",
            )
        job.bound = state["bound"]
    elif run.error is not None:
        job.status = "failed"
        job.message = run.error
        if best:
            roster = Roster.model_validate(best["roster"])
            job.objective = best.get("objective")
            job.message += pick(
                lang,
                "; the best roster found before is kept",
                "; giữ lịch tốt nhất đã tìm được trước đó",
            )
    else:
        assert result is not None
        job.solver_status = result.status.value
        job.objective, job.bound = result.objective, result.bound
        job.elapsed = max(job.elapsed, result.wall_time)
        job.result = result.model_dump(mode="json", exclude={"roster"})
        roster = result.roster
        if result.status == Status.infeasible:
            job.status = "infeasible"
            job.message = pick(
                lang,
                "no roster meets the hard rules; ",
                "không có lịch nào đáp ứng mọi quy tắc bắt buộc; ",
            ) + "; ".join(result.messages)
        elif roster is not None:
            job.status = "done"
            job.message = pick(
                lang,
                f"{result.status.value} roster",
                "lịch tối ưu" if result.status == Status.optimal else "lịch khả thi",
            )
        else:
            job.status = "failed"
            job.message = (
                pick(
                    lang,
                    "no roster found within the time limit",
                    "không tìm được lịch trong thời gian cho phép",
                )
                if result.status == Status.unknown
                else f"solver status {result.status.value}"
            )
            job.message += "".join(f"; {m}" for m in result.messages)
    if roster is not None:
        job.best_roster = roster.model_dump(mode="json")
        if job.kind == "part":  # a part of a bigger job: its parent makes the roster
            return
        problem = Problem.model_validate(job.problem)
        given = Report.model_validate(run.report) if run.report and result is not None else None
        row = create_roster(s, job, roster, problem, job.created_by, given)
        job.roster_id = row.id
        if given is not None and job.result is not None:
            # The referee's penalties in place of the solver's short notes: the same costs,
            # each with the referee's sentence in the job's language (what a head reads).
            worded = worded_report(report_dict(given), problem, roster, lang) or {}
            job.result = {**job.result, "penalties": worded.get("penalties", [])}


# ---- recovery ---------------------------------------------------------------------------------
def recover(factory: sessionmaker[Session], settings: Settings) -> list[str]:
    """Jobs whose worker is gone (``solving`` with an expired or no lease) are re-queued, or
    stopped/failed (stop asked, ``max_attempts`` reached, ``recover='fail'``). A job whose
    worker still renews its lease is never touched. Returns the re-queued job ids."""
    now = utcnow()
    requeued: list[str] = []
    with factory() as s:
        expired = s.scalars(
            select(Job).where(
                Job.status == "solving", or_(Job.lease_until.is_(None), Job.lease_until < now)
            )
        ).all()
        for job in expired:
            verdict = _orphan_verdict(
                job.stop_requested, job.attempts, settings, job_lang(job.params)
            )
            cond = and_(
                Job.id == job.id,
                Job.status == "solving",
                Job.attempts == job.attempts,
                Job.worker.is_(None) if job.worker is None else Job.worker == job.worker,
            )
            if verdict is not None:
                values: dict[str, Any] = {
                    "status": verdict[0],
                    "message": verdict[1],
                    "finished_at": now,
                }
            else:
                values = {
                    "status": "queued",
                    "message": job_text(job_lang(job.params), "job.requeued", n=job.attempts),
                    "objective": None,
                    "bound": None,
                    "solutions": 0,
                    "dispatched_at": None,
                }
            values.update(worker=None, lease_until=None)
            changed = _updated(s, update(Job).where(cond).values(**values))
            if changed == 1 and verdict is None:
                requeued.append(job.id)
        s.commit()
    if requeued:
        log.info("re-queued %d job(s) whose worker is gone", len(requeued))
    return requeued


def undispatched(
    factory: sessionmaker[Session], older_than: float, stale: float | None = None
) -> list[str]:
    """Queued jobs never sent to the queue (``dispatched_at`` empty, created more than
    ``older_than`` s ago), and with ``stale``, also those sent more than ``stale`` s ago."""
    now = utcnow()
    with factory() as s:
        conds = [
            and_(
                Job.dispatched_at.is_(None),
                Job.created_at < now - dt.timedelta(seconds=older_than),
            )
        ]
        if stale is not None:
            conds.append(Job.dispatched_at < now - dt.timedelta(seconds=stale))
        return list(
            s.scalars(
                select(Job.id)
                .where(Job.status == "queued", or_(*conds))
                .order_by(Job.created_at)
                .limit(1000)
            )
        )


def mark_dispatched(factory: sessionmaker[Session], job_ids: list[str]) -> None:
    with factory() as s:
        s.execute(update(Job).where(Job.id.in_(job_ids)).values(dispatched_at=utcnow()))
        s.commit()


def database_ok(factory: sessionmaker[Session]) -> bool:
    try:
        with factory() as s:
            s.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        return False


# ---- runners: how the API hands jobs over -----------------------------------------------------
class JobRunner(ABC):
    """Runs queued jobs. Implementations must be safe to call from request threads."""

    def __init__(self, factory: sessionmaker[Session], settings: Settings) -> None:
        self.factory = factory
        self.settings = settings
        self._closing = threading.Event()
        self._sweeper: threading.Thread | None = None

    @abstractmethod
    def start(self) -> None:
        """Recover jobs whose worker is gone, then start taking jobs."""

    @abstractmethod
    def submit(self, job_id: str) -> None:
        """Queue a job already stored with status ``queued``."""

    def stop(self, job_id: str) -> None:
        """Ask a job to stop (``stop_requested`` is already set in the database): a queued job
        is stopped at once; a solving one by its worker, which watches the flag."""
        with self.factory() as s:
            params = s.scalar(select(Job.params).where(Job.id == job_id))
            s.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == "queued")
                .values(
                    status="stopped",
                    finished_at=utcnow(),
                    message=job_text(job_lang(params), "job.stopped_before_start"),
                )
            )
            s.commit()

    def shutdown(self, wait: bool = True) -> None:
        self._closing.set()

    def queue_size(self) -> int:
        return 0

    def health(self) -> dict[str, Any]:
        """Database, broker, workers alive and queue depth; ``ok`` False when jobs cannot run."""
        db = database_ok(self.factory)
        return {"ok": db, "database": "ok" if db else "unreachable"}

    # a low-frequency sweep of jobs whose worker is gone or that never reached the queue
    def _start_sweeper(self) -> None:
        self._sweeper = threading.Thread(
            target=self._sweep_loop, name="roster-sweeper", daemon=True
        )
        self._sweeper.start()

    def _sweep_loop(self) -> None:
        while not self._closing.wait(self.settings.sweep_interval):
            try:
                self.sweep()
            except SQLAlchemyError as exc:
                log.warning("sweep skipped: database unreachable (%s)", type(exc).__name__)
            except Exception:  # noqa: BLE001 - the sweeper must keep running
                log.exception("sweep failed")

    def sweep(self) -> None:
        for job_id in recover(self.factory, self.settings):
            self.submit(job_id)
        for job_id in undispatched(self.factory, older_than=self.settings.sweep_interval):
            self.submit(job_id)


class LocalJobRunner(JobRunner):
    """The embedded default: ``max_concurrent_solves`` threads of the API process run
    :func:`execute_job`, the same task body a Celery worker runs."""

    def __init__(self, factory: sessionmaker[Session], settings: Settings) -> None:
        super().__init__(factory, settings)
        self.ctx = JobContext(factory, settings)
        self.ctx.dispatch = self.submit
        self._pool = ThreadPoolExecutor(
            settings.max_concurrent_solves, thread_name_prefix="roster-solver"
        )
        self._pending: set[str] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        threading.Thread(target=self.ctx.warm_up, name="warm-up", daemon=True).start()
        recover(self.factory, self.settings)
        with self.factory() as s:
            queued = list(
                s.scalars(select(Job.id).where(Job.status == "queued").order_by(Job.created_at))
            )
        for job_id in queued:
            self.submit(job_id)
        self._start_sweeper()

    def submit(self, job_id: str) -> None:
        with self._lock:
            if job_id in self._pending or self._closing.is_set():
                return
            self._pending.add(job_id)
        with contextlib.suppress(SQLAlchemyError):  # the sweep finds it again
            mark_dispatched(self.factory, [job_id])
        self._pool.submit(self._run, job_id)

    def _run(self, job_id: str) -> None:
        try:
            if self._closing.is_set():
                return
            out = execute_job_safely(job_id, self.ctx)
        finally:
            with self._lock:
                self._pending.discard(job_id)
        if out.kind in ("busy", "db_unreachable") and not self._closing.is_set():
            timer = threading.Timer(min(out.wait, 30.0), self.submit, args=(job_id,))
            timer.daemon = True
            timer.start()

    def stop(self, job_id: str) -> None:
        if not self.ctx.stop_local(job_id):
            super().stop(job_id)

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)
        self.ctx.close()
        self._pool.shutdown(wait=wait, cancel_futures=True)

    def queue_size(self) -> int:
        with self._lock:
            return max(0, len(self._pending) - self.ctx.active())

    def sweep(self) -> None:
        for job_id in recover(self.factory, self.settings):
            self.submit(job_id)
        # queued jobs another (dead) API instance had in memory
        stale = max(60.0, 6 * self.settings.sweep_interval)
        for job_id in undispatched(self.factory, self.settings.sweep_interval, stale=stale):
            self.submit(job_id)

    def health(self) -> dict[str, Any]:
        out = super().health()
        out.update(
            engine="in-process",
            broker="not used",
            workers=self.settings.max_concurrent_solves,
            solving=self.ctx.active(),
            queued=self.queue_size(),
        )
        return out


# The name the routes used before the Celery engine existed.
InProcessJobRunner = LocalJobRunner


def make_runner(factory: sessionmaker[Session], settings: Settings) -> JobRunner:
    """Celery when a broker is configured, else the in-process runner."""
    if settings.broker_url:
        from api.worker import CeleryJobRunner

        return CeleryJobRunner(factory, settings)
    return LocalJobRunner(factory, settings)
