"""Roster jobs: the :class:`JobRunner` interface and its in-process implementation.

Routes only ever call :meth:`JobRunner.submit` and :meth:`JobRunner.stop`, and every state a
client sees (status, best objective/bound, best roster, result) lives in the database. So a
distributed queue (a worker fleet reading the ``jobs`` table, or Redis/Celery) can replace
:class:`InProcessJobRunner` without touching the routes.

The in-process runner keeps ``max_concurrent_solves`` worker threads; each runs one solve at a
time in a child process (``multiprocessing`` spawn, see :mod:`api.solve_child`) that streams
progress through a queue and can be terminated, which is how ``DELETE /jobs/{id}`` stops a
solve early while keeping the best roster received so far.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import queue
import threading
import time
from abc import ABC, abstractmethod
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from api import solve_child
from api.models import Job, utcnow
from api.services import create_roster
from api.settings import Settings
from roster.model import Problem, Report, Roster, SolveResult, Status

log = logging.getLogger("roster.api.jobs")

FINAL = ("done", "infeasible", "failed", "stopped")


class JobRunner(ABC):
    """Runs queued jobs. Implementations must be safe to call from request threads."""

    @abstractmethod
    def start(self) -> None:
        """Recover jobs a dead server left behind, then start taking jobs."""

    @abstractmethod
    def submit(self, job_id: str) -> None:
        """Queue a job already stored with status ``queued``."""

    @abstractmethod
    def stop(self, job_id: str) -> None:
        """Ask a job to stop (``stop_requested`` is already set in the database)."""

    @abstractmethod
    def shutdown(self, wait: bool = True) -> None:
        """Stop taking jobs; running solves are terminated (their jobs are recovered at the
        next start)."""

    def queue_size(self) -> int:
        return 0


class _Active:
    """A solve in progress in this process."""

    def __init__(self) -> None:
        self.stop = threading.Event()


class InProcessJobRunner(JobRunner):
    """Bounded-concurrency runner: worker threads, a FIFO queue, one child process per solve."""

    def __init__(self, factory: sessionmaker[Session], settings: Settings) -> None:
        self.factory = factory
        self.settings = settings
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._active: dict[str, _Active] = {}
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._ctx = mp.get_context("spawn")

    # ---- interface ---------------------------------------------------------------------
    def start(self) -> None:
        for job_id in recover(self.factory, self.settings):
            self._queue.put(job_id)
        for i in range(self.settings.max_concurrent_solves):
            t = threading.Thread(target=self._work, name=f"roster-solver-{i}", daemon=True)
            t.start()
            self._threads.append(t)

    def submit(self, job_id: str) -> None:
        self._queue.put(job_id)

    def stop(self, job_id: str) -> None:
        with self._lock:
            active = self._active.get(job_id)
        if active is not None:
            active.stop.set()
            return
        # Not running here: a queued job is stopped at once (the worker skips it later).
        with self.factory() as s:
            s.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == "queued")
                .values(status="stopped", finished_at=utcnow(), message="stopped before it started")
            )
            s.commit()

    def shutdown(self, wait: bool = True) -> None:
        self._closing.set()
        with self._lock:
            for a in self._active.values():
                a.stop.set()
        for _ in self._threads:
            self._queue.put(None)
        if wait:
            for t in self._threads:
                t.join(timeout=10)

    def queue_size(self) -> int:
        return self._queue.qsize()

    # ---- worker ------------------------------------------------------------------------
    def _work(self) -> None:
        while not self._closing.is_set():
            job_id = self._queue.get()
            if job_id is None:
                return
            try:
                self._run(job_id)
            except Exception as exc:  # noqa: BLE001 - a job must never stay 'solving'
                log.exception("job %s failed in the runner", job_id)
                self._finish_failed(job_id, f"internal error: {type(exc).__name__}: {exc}")

    def _claim(self, job_id: str) -> tuple[str, float] | None:
        """Mark the job solving; its problem JSON and time limit, or None to skip it."""
        with self.factory() as s:
            job = s.get(Job, job_id)
            if job is None or job.status != "queued":
                return None
            if job.stop_requested:
                job.status, job.finished_at = "stopped", utcnow()
                job.message = "stopped before it started"
                s.commit()
                return None
            job.status, job.started_at = "solving", utcnow()
            job.attempts += 1
            s.commit()
            return Problem.model_validate(job.problem).model_dump_json(), job.time_limit

    def _run(self, job_id: str) -> None:
        claimed = self._claim(job_id)
        if claimed is None:
            return
        problem_json, time_limit = claimed
        active = _Active()
        with self._lock:
            self._active[job_id] = active
        out: Any = self._ctx.Queue()
        proc = self._ctx.Process(
            target=solve_child.run,
            daemon=True,
            name=f"solve-{job_id[:8]}",
            args=(
                problem_json,
                time_limit,
                self.settings.solver_workers,
                self.settings.solve_function,
                self.settings.first_chunk_fraction,
                out,
                self.settings.solver_nice,
            ),
        )
        proc.start()
        best: dict[str, Any] = {}
        state: dict[str, Any] = {"objective": None, "bound": None, "solutions": 0, "elapsed": 0.0}
        last_write = 0.0
        last_db_check = time.monotonic()
        result: SolveResult | None = None
        report: dict[str, Any] | None = None
        error: str | None = None
        stopped = False
        hard_deadline = time.monotonic() + time_limit + 120.0
        try:
            while True:
                try:
                    msg = out.get(timeout=0.2)
                except queue.Empty:
                    msg = None
                if msg is not None:
                    kind = msg["type"]
                    if kind in ("progress", "roster"):
                        state["elapsed"] = msg.get("elapsed", 0.0)
                        if msg.get("objective") is not None:
                            state["objective"] = msg["objective"]
                        if msg.get("bound") is not None:
                            state["bound"] = msg["bound"]
                        state["solutions"] = max(state["solutions"], msg.get("solutions", 0))
                        if msg.get("roster") is not None:
                            best = {"roster": msg["roster"], "objective": msg.get("objective")}
                        now = time.monotonic()
                        if kind == "roster" or now - last_write >= self.settings.progress_interval:
                            self._write_progress(
                                job_id,
                                state,
                                best if kind == "roster" or msg.get("roster") is not None else None,
                            )
                            last_write = now
                    elif kind == "result":
                        result = SolveResult.model_validate_json(msg["result"])
                        report = msg.get("report")
                        break
                    elif kind == "error":
                        error = msg["message"]
                        break
                now = time.monotonic()
                if not active.stop.is_set() and now - last_db_check > 1.0:
                    last_db_check = now
                    if self._stop_flag(job_id):
                        active.stop.set()
                if active.stop.is_set():
                    stopped = True
                    break
                if msg is None and not proc.is_alive() and out.empty():
                    error = f"the solver process ended unexpectedly (exit code {proc.exitcode})"
                    break
                if now > hard_deadline:
                    error = "the solver did not finish within its time limit"
                    break
        finally:
            if proc.is_alive():
                proc.terminate()
                proc.join(5)
                if proc.is_alive():
                    proc.kill()
                    proc.join(5)
            out.close()
            with self._lock:
                self._active.pop(job_id, None)
        if self._closing.is_set() and stopped and not self._stop_flag(job_id):
            # Server shutting down: leave the job 'solving' so the next start recovers it.
            return
        self._finish(job_id, state, best, result, error, stopped, report)

    # ---- database writes ---------------------------------------------------------------
    def _stop_flag(self, job_id: str) -> bool:
        with self.factory() as s:
            return bool(s.scalar(select(Job.stop_requested).where(Job.id == job_id)))

    def _write_progress(
        self, job_id: str, state: dict[str, Any], best: dict[str, Any] | None
    ) -> None:
        values: dict[str, Any] = {
            "objective": state["objective"],
            "bound": state["bound"],
            "solutions": state["solutions"],
            "elapsed": state["elapsed"],
        }
        if best:
            values["best_roster"] = best["roster"]
        with self.factory() as s:
            s.execute(update(Job).where(Job.id == job_id, Job.status == "solving").values(**values))
            s.commit()

    def _finish_failed(self, job_id: str, message: str) -> None:
        with self.factory() as s:
            s.execute(
                update(Job)
                .where(Job.id == job_id, Job.status.in_(("queued", "solving")))
                .values(status="failed", message=message, finished_at=utcnow())
            )
            s.commit()

    def _finish(
        self,
        job_id: str,
        state: dict[str, Any],
        best: dict[str, Any],
        result: SolveResult | None,
        error: str | None,
        stopped: bool,
        report: dict[str, Any] | None = None,
    ) -> None:
        with self.factory() as s:
            job = s.get(Job, job_id)
            if job is None:
                return
            job.finished_at = utcnow()
            job.elapsed = state["elapsed"]
            job.solutions = state["solutions"]
            roster: Roster | None = None
            if stopped:
                job.status = "stopped"
                if best:
                    roster = Roster.model_validate(best["roster"])
                    job.objective = best.get("objective")
                    job.message = "stopped early; the best roster found so far is kept"
                else:
                    job.objective = None
                    job.message = "stopped early before any roster was found"
                job.bound = state["bound"]
            elif error is not None:
                job.status = "failed"
                job.message = error
                if best:
                    roster = Roster.model_validate(best["roster"])
                    job.objective = best.get("objective")
                    job.message += "; the best roster found before is kept"
            else:
                assert result is not None
                job.solver_status = result.status.value
                job.objective, job.bound = result.objective, result.bound
                job.elapsed = max(job.elapsed, result.wall_time)
                job.result = result.model_dump(mode="json", exclude={"roster"})
                roster = result.roster
                if result.status == Status.infeasible:
                    job.status = "infeasible"
                    job.message = "no roster meets the hard rules; " + "; ".join(result.messages)
                elif roster is not None:
                    job.status = "done"
                    job.message = f"{result.status.value} roster"
                else:
                    job.status = "failed"
                    job.message = (
                        "no roster found within the time limit"
                        if result.status == Status.unknown
                        else f"solver status {result.status.value}"
                    )
                    job.message += "".join(f"; {m}" for m in result.messages)
            if roster is not None:
                job.best_roster = roster.model_dump(mode="json")
                problem = Problem.model_validate(job.problem)
                given = Report.model_validate(report) if report and result is not None else None
                row = create_roster(s, job, roster, problem, job.created_by, given)
                job.roster_id = row.id
            s.commit()


def recover(factory: sessionmaker[Session], settings: Settings) -> list[str]:
    """At start-up: jobs left 'solving' by a dead server are re-queued (or failed, after
    ``max_attempts`` or when ``recover`` is 'fail'); returns the queued job ids, oldest first."""
    with factory() as s:
        for job in s.scalars(select(Job).where(Job.status == "solving")):
            if job.stop_requested:
                job.status, job.finished_at = "stopped", utcnow()
                job.message = "stopped; the server restarted before the stop completed"
            elif settings.recover == "fail" or job.attempts >= settings.max_attempts:
                job.status, job.finished_at = "failed", utcnow()
                job.message = (
                    f"the server stopped while this job was solving "
                    f"(attempt {job.attempts}); not retried"
                )
            else:
                job.status = "queued"
                job.message = f"re-queued after the server stopped during attempt {job.attempts}"
                job.objective = job.bound = None
                job.solutions = 0
        s.commit()
        return list(
            s.scalars(select(Job.id).where(Job.status == "queued").order_by(Job.created_at))
        )
