"""A site that splits into independent parts, solved as part jobs and joined (``split_parts``):
in-process here (the one solve thread solves the parts itself); across Celery workers in
``test_queue.py``."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.main import create_app
from api.models import Job
from scenarios.generator import generate
from tests.api.helpers import HR, make_settings, wait_job


def generated_site_body(staff: int, seed: int = 0) -> dict:
    p = generate(staff, weeks=1, seed=seed)
    return {
        "site": p.site.model_dump(mode="json"),
        "staff": [s.model_dump(mode="json") for s in p.staff],
        "policy": p.policy.model_dump(mode="json"),
        "absences": [a.model_dump(mode="json") for a in p.absences],
        "requests": [r.model_dump(mode="json") for r in p.requests],
        "fixed": [f.model_dump(mode="json") for f in p.fixed],
        "reason": "generated",
    }


def test_split_site_is_solved_as_parts_and_joined(backend):
    settings = make_settings(
        backend, solve_function="solver:solve", split_parts=2, max_time_limit=20.0
    )
    with TestClient(create_app(settings)) as c:
        body = generated_site_body(60)
        r = c.post("/sites", json=body, headers=HR)
        assert r.status_code == 201, r.text
        site_id = body["site"]["id"]
        r = c.post(
            "/jobs",
            json={"site_id": site_id, "start": "2021-12-13", "days": 7, "time_limit": 6},
            headers=HR,
        )
        assert r.status_code == 202, r.text
        job = wait_job(c, r.json()["id"], timeout=120)
        assert job["status"] == "done", job
        roster = c.get(f"/rosters/{job['roster_id']}", headers=HR).json()
        report = roster["revision"]["report"]
        assert report["ok"] is True and report["objective"] == job["objective"]
        rotating = {s.id for s in generate(60, weeks=1).staff if s.rotates}
        assert set(roster["revision"]["roster"]["teams"]) == rotating
        with c.app.state.sessionmaker() as s:
            parent = s.get(Job, job["id"])
            parts = [s.get(Job, pid) for pid in parent.params["parts"]]
        assert len(parts) == 2 and all(p.status == "done" and p.attempts == 1 for p in parts)
        assert sum(p.objective for p in parts) == job["objective"]
        staff = [len(p.problem["staff"]) for p in parts]
        assert sum(staff) == 60 and min(staff) >= 20, staff
