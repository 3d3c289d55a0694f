"""Start-up recovery: jobs whose worker is gone ('solving' with an expired or no lease) are
re-queued or failed, never left; a job whose lease is live is never touched."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from api.main import create_app
from api.models import Job
from tests.api.helpers import HR, START, make_settings, make_site, wait_job


def _orphan(
    settings,
    site_id: str,
    problem: dict,
    attempts: int = 1,
    lease: float | None = None,
    params: dict | None = None,
) -> str:
    """A job row as a killed server leaves it: status solving, no process behind it (with
    ``lease``: a worker elsewhere holds it for that many more seconds)."""
    args = {"options": f"-csearch_path={settings.db_schema}"} if settings.db_schema else {}
    engine = create_engine(settings.database_url, connect_args=args)
    with Session(engine) as s:
        job = Job(
            site_id=site_id,
            unit_id="tp",
            status="solving",
            policy_version=1,
            start=dt.date.fromisoformat(START),
            days=5,
            time_limit=2,
            problem=problem,
            created_by="test",
            attempts=attempts,
            objective=7,
            bound=1,
            worker="elsewhere:1:abc" if lease else None,
            lease_until=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=lease) if lease else None,
            params=params,
        )
        s.add(job)
        s.commit()
        job_id = job.id
    engine.dispose()
    return job_id


def test_restart_requeues_then_fails_repeat_crashes(backend):
    settings = make_settings(backend)
    with TestClient(create_app(settings)) as c:
        site_id = make_site(c)
        job_id = c.post(
            "/jobs",
            json={"site_id": site_id, "unit_id": "tp", "start": START, "days": 5, "time_limit": 1},
            headers=HR,
        ).json()["id"]
        wait_job(c, job_id)
        from sqlalchemy import select

        factory = c.app.state.sessionmaker
        with factory() as s:
            problem = s.scalar(select(Job.problem).where(Job.id == job_id))
    retry = _orphan(settings, site_id, problem, attempts=1)
    give_up = _orphan(settings, site_id, problem, attempts=2)
    alive = _orphan(settings, site_id, problem, attempts=1, lease=600)
    with TestClient(create_app(settings)) as c:
        failed = c.get(f"/jobs/{give_up}", headers=HR).json()
        assert failed["status"] == "failed"
        assert "stopped while this job was solving" in failed["message"]
        held = c.get(f"/jobs/{alive}", headers=HR).json()
        assert held["status"] == "solving" and held["objective"] == 7, "a live lease is left alone"
        job = wait_job(c, retry)
        assert job["status"] == "done", job
        assert job["started_at"] and job["solver_status"] in ("optimal", "feasible")
        assert job["roster_id"]


def test_restart_with_recover_fail(backend):
    settings = make_settings(backend, recover="fail")
    with TestClient(create_app(settings)) as c:
        site_id = make_site(c)
        job_id = c.post(
            "/jobs",
            json={"site_id": site_id, "unit_id": "tp", "start": START, "days": 5, "time_limit": 1},
            headers=HR,
        ).json()["id"]
        wait_job(c, job_id)
        from sqlalchemy import select

        with c.app.state.sessionmaker() as s:
            problem = s.scalar(select(Job.problem).where(Job.id == job_id))
    orphan = _orphan(settings, site_id, problem)
    orphan_vi = _orphan(settings, site_id, problem, params={"lang": "vi"})
    with TestClient(create_app(settings)) as c:
        job = c.get(f"/jobs/{orphan}", headers=HR).json()
        assert job["status"] == "failed" and "not retried" in job["message"]
        # a job asked for in Vietnamese says it in Vietnamese
        job = c.get(f"/jobs/{orphan_vi}", headers=HR).json()
        assert job["status"] == "failed"
        assert job["message"] == (
            "máy chủ hoặc máy xử lý dừng trong lúc lập lịch (lần thử 1); không thử lại"
        )
        solving = c.get("/jobs", params={"status": "solving", "site_id": site_id}, headers=HR)
        assert solving.json() == []


def test_graceful_restart_hands_the_job_back(backend):
    """Stopping the server (SIGTERM: the app's shut-down) while a job solves in-process is not a
    crash: the job is queued again without counting an attempt, and the next start solves it."""
    settings = make_settings(backend)
    with TestClient(create_app(settings)) as c:
        site_id = make_site(c, name="slow office")
        job_id = c.post(
            "/jobs",
            json={"site_id": site_id, "unit_id": "tp", "start": START, "days": 5, "time_limit": 5},
            headers=HR,
        ).json()["id"]
        wait_job(c, job_id, until=("solving",))
    with TestClient(create_app(settings)) as c:
        job = wait_job(c, job_id)
        assert job["status"] == "done", job
    with c.app.state.sessionmaker() as s:
        assert s.get(Job, job_id).attempts == 1, "the interrupted run was not counted"
