"""Celery as the job engine: the task, the API's side (:class:`CeleryJobRunner`) and the worker
(``roster worker``).

Messages carry only a job id; the task calls :func:`api.jobs.execute_job`, the same body the
in-process runner calls. Settings of the engine:

* late acknowledgement and prefetch 1: a message is acknowledged when its job has ended, so a
  worker that dies (kill -9, lost machine) leaves its message unacknowledged and the broker
  delivers it to another worker, which takes the job over once its lease has expired;
* the ``threads`` pool: each of the ``--concurrency`` threads runs one solve in its own child
  process, which dies with the worker; the task kills the solve at its time limit plus
  ``time_limit_margin`` (Celery's own time limits need the prefork pool);
* SIGTERM (warm shutdown): running solves stop and their jobs are handed back (the message is
  rejected with requeue, the job is ``queued`` again, the attempt is not counted);
* the database briefly unreachable: the claim is retried with back-off (a new message after
  2, 4, 8 ... 30 s), result writes are retried in the worker (``db_retry_seconds``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from typing import Any

from celery import Celery, signals
from celery.exceptions import Reject
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from api.jobs import (
    JobContext,
    JobRunner,
    execute_job_safely,
    mark_dispatched,
)
from api.settings import Settings

log = logging.getLogger("roster.api.worker")

TASK = "roster.run_job"
_CTX: JobContext | None = None  # the worker process's context (set by run_worker)


def make_celery(settings: Settings) -> Celery:
    """The Celery app of ``settings`` (broker, queue, reliability options) with the task."""
    app = Celery("roster", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        task_default_queue=settings.queue_name,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        result_backend=None,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=3,
        broker_transport_options={"confirm_publish": True},
        worker_hijack_root_logger=False,
        worker_cancel_long_running_tasks_on_connection_loss=False,
        worker_enable_remote_control=True,
        broker_heartbeat=10,
    )

    @app.task(name=TASK, bind=True, acks_late=True, max_retries=None)
    def run_job(self: Any, job_id: str) -> str:
        ctx = _CTX
        if ctx is None:  # pragma: no cover - only a misconfigured worker
            raise RuntimeError("the worker context is not set up (start with 'roster worker')")
        out = execute_job_safely(job_id, ctx)
        if out.kind == "handed_back":
            raise Reject("worker stopping: job handed back", requeue=True)
        if out.kind in ("busy", "db_unreachable"):
            if ctx.closing.is_set():
                raise Reject("worker stopping", requeue=True)
            if out.kind == "db_unreachable":
                wait = min(30.0, 2.0 ** (self.request.retries + 1))
            else:
                wait = min(out.wait, 60.0)
            raise self.retry(countdown=wait)
        return out.kind

    return app


def publish(app: Celery, settings: Settings, job_id: str, time_limit: float | None = None) -> None:
    """Send job ``job_id`` to the queue (raises when the broker does not answer)."""
    opts: dict[str, Any] = {}
    if time_limit is not None:  # enforced by the prefork pool; the task enforces it anyway
        hard = time_limit + settings.time_limit_margin
        opts.update(time_limit=hard + 30, soft_time_limit=hard + 15)
    app.send_task(
        TASK,
        args=[job_id],
        task_id=job_id,
        queue=settings.queue_name,
        retry=True,
        retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5},
        **opts,
    )


class CeleryJobRunner(JobRunner):
    """The API's side of the Celery engine: publishes job ids, asks for stops, reports health.
    Every API instance also sweeps: jobs whose worker is gone are re-queued and jobs that never
    reached the broker are sent again."""

    HEALTH_TTL = 3.0

    def __init__(self, factory: sessionmaker[Session], settings: Settings) -> None:
        super().__init__(factory, settings)
        self.app = make_celery(settings)
        self._health: tuple[float, dict[str, Any]] | None = None
        self._health_lock = threading.Lock()

    def start(self) -> None:
        try:
            self.sweep()
        except SQLAlchemyError as exc:
            log.warning("start-up sweep skipped: database unreachable (%s)", type(exc).__name__)
        self._start_sweeper()

    def submit(self, job_id: str) -> None:
        try:
            from api.models import Job

            with self.factory() as s:
                limit = s.get(Job, job_id).time_limit  # type: ignore[union-attr]
            publish(self.app, self.settings, job_id, limit)
        except Exception as exc:  # noqa: BLE001 - the sweep sends it when the broker is back
            log.warning("job %s not sent to the queue yet (%s)", job_id, type(exc).__name__)
            return
        try:
            mark_dispatched(self.factory, [job_id])
        except SQLAlchemyError:
            log.warning("job %s sent; dispatch time not written", job_id)

    def stop(self, job_id: str) -> None:
        super().stop(job_id)  # a queued job: stopped at once in the database
        try:
            self.app.control.revoke(job_id)  # a worker that holds its message skips it
        except Exception as exc:  # noqa: BLE001 - the database flag stops it anyway
            log.warning("revoke of %s not sent (%s)", job_id, type(exc).__name__)

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)
        with contextlib.suppress(Exception):
            self.app.pool.force_close_all()

    def _broker_state(self) -> dict[str, Any]:
        out: dict[str, Any] = {"broker": "unreachable", "workers": 0, "queued": None}
        try:
            with self.app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
                out["broker"] = "ok"
                with conn.channel() as ch:
                    _, count, consumers = ch.queue_declare(self.settings.queue_name, passive=True)
                    out["queued"], out["consumers"] = count, consumers
        except Exception as exc:  # noqa: BLE001 - reported, never raised
            if out["broker"] == "ok":
                out["queued"] = 0  # the queue does not exist yet: no worker started
            else:
                log.warning("broker unreachable (%s)", type(exc).__name__)
                return out
        # Each worker holds one consumer on the queue; a dead worker's connection (and consumer)
        # is gone at once, so this counts the workers alive for this queue.
        out["workers"] = int(out.get("consumers") or 0)
        return out

    def health(self) -> dict[str, Any]:
        out = super().health()  # the database, asked every time
        out["engine"] = "celery"
        with self._health_lock:  # the broker's answer is kept a few seconds
            now = time.monotonic()
            if self._health is None or now - self._health[0] >= self.HEALTH_TTL:
                self._health = (now, self._broker_state())
            out.update(self._health[1])
        out["ok"] = bool(out["ok"] and out["broker"] == "ok" and out["workers"] > 0)
        return out

    def queue_size(self) -> int:
        with self._health_lock:
            if self._health is None or time.monotonic() - self._health[0] >= self.HEALTH_TTL:
                self._health = (time.monotonic(), self._broker_state())
            return int(self._health[1].get("queued") or 0)


def run_worker(settings: Settings, concurrency: int = 1, loglevel: str = "INFO") -> None:
    """Start a Celery worker (``roster worker``): ``concurrency`` solves at once."""
    global _CTX
    if not settings.broker_url:
        raise ValueError("no broker configured: set ROSTER_BROKER_URL (e.g. amqp://...)")
    from api.db import make_engine, migrate, session_factory

    engine = make_engine(settings)
    if settings.auto_migrate:
        migrate(engine)
    name = f"{socket.gethostname()}:{os.getpid()}"
    _CTX = JobContext(session_factory(engine), settings, name=name)
    app = make_celery(settings)

    def dispatch(job_id: str) -> None:
        publish(app, settings, job_id)
        mark_dispatched(_CTX.factory, [job_id])

    _CTX.dispatch = dispatch
    threading.Thread(target=_CTX.warm_up, name="warm-up", daemon=True).start()

    @signals.worker_shutting_down.connect(weak=False)
    def _closing(**_: Any) -> None:
        log.info("worker stopping: running solves hand their jobs back")
        if _CTX is not None:
            _CTX.close()

    app.worker_main(
        [
            "worker",
            "--pool=threads",
            f"--concurrency={concurrency}",
            f"--queues={settings.queue_name}",
            f"--hostname=roster-{os.getpid()}@{socket.gethostname()}",
            f"--loglevel={loglevel}",
            "--without-gossip",
            "--without-mingle",
        ]
    )
