"""The job lifecycle: 202 + Location, progress, done with a roster; stop keeping the best roster;
failures; time-limit cap; bounded concurrency. The lifecycle tests run on both engines
(``engine_client``: in-process, and Celery with a real worker when RabbitMQ answers)."""

from __future__ import annotations

import time

from tests.api.helpers import HR, START, make_site, run_job, wait_job


def test_lifecycle_with_the_real_solver(engine_client):
    client = engine_client
    site_id = make_site(client)
    t0 = time.monotonic()
    r = client.post(
        "/jobs",
        json={"site_id": site_id, "unit_id": "tp", "start": START, "days": 5, "time_limit": 3},
        headers=HR,
    )
    assert time.monotonic() - t0 < 2, "POST answers at once"
    assert r.status_code == 202
    job = r.json()
    assert r.headers["Location"] == f"/jobs/{job['id']}"
    assert job["status"] in ("queued", "solving") and job["policy_version"] == 1
    done = wait_job(client, job["id"])
    assert done["status"] == "done", done
    assert done["solver_status"] in ("optimal", "feasible")
    assert done["objective"] is not None and done["bound"] is not None
    assert done["roster"]["teams"] and done["finished_at"]
    roster = client.get(f"/rosters/{done['roster_id']}", headers=HR).json()
    assert roster["job_id"] == job["id"] and roster["policy_version"] == 1
    assert roster["revision"]["report"]["objective"] == done["objective"]
    listed = client.get("/jobs", params={"site_id": site_id}, headers=HR).json()
    assert [j["id"] for j in listed] == [job["id"]]


def test_time_limit_is_capped(engine_client):
    client = engine_client
    site_id = make_site(client)
    r = client.post(
        "/jobs",
        json={"site_id": site_id, "unit_id": "tp", "start": START, "time_limit": 999},
        headers=HR,
    )
    assert r.status_code == 202 and r.json()["time_limit"] == 5.0
    wait_job(client, r.json()["id"])


def test_stop_keeps_the_best_roster(engine_client):
    client = engine_client
    site_id = make_site(client, name="slow office")
    r = client.post(
        "/jobs",
        json={"site_id": site_id, "unit_id": "tp", "start": START, "time_limit": 5},
        headers=HR,
    )
    job_id = r.json()["id"]
    job = wait_job(client, job_id, until=("solving",))
    deadline = time.monotonic() + 20
    while job["roster"] is None and time.monotonic() < deadline:
        time.sleep(0.1)
        job = client.get(f"/jobs/{job_id}", headers=HR).json()
    assert job["status"] == "solving" and job["roster"] is not None
    r = client.delete(f"/jobs/{job_id}", headers=HR)
    assert r.status_code == 200, r.text
    stopped = r.json()
    assert stopped["status"] == "stopped" and "best roster" in stopped["message"]
    assert stopped["roster"] is not None and stopped["objective"] == 100
    assert stopped["elapsed"] < 5
    roster = client.get(f"/rosters/{stopped['roster_id']}", headers=HR)
    assert roster.status_code == 200
    # stopping again changes nothing
    assert client.delete(f"/jobs/{job_id}", headers=HR).json()["status"] == "stopped"


def test_queued_jobs_wait_and_can_be_stopped(engine_client):
    client = engine_client
    site_id = make_site(client, name="slow office")
    body = {"site_id": site_id, "unit_id": "tp", "start": START, "time_limit": 3}
    first = client.post("/jobs", json=body, headers=HR).json()["id"]
    second = client.post("/jobs", json=body, headers=HR).json()["id"]
    wait_job(client, first, until=("solving",))
    assert client.get(f"/jobs/{second}", headers=HR).json()["status"] == "queued"
    r = client.delete(f"/jobs/{second}", headers=HR)
    assert r.json()["status"] == "stopped" and r.json()["roster"] is None
    client.delete(f"/jobs/{first}", headers=HR)
    assert wait_job(client, first)["status"] == "stopped"


def test_concurrency_is_bounded(engine_client):
    client = engine_client
    site_id = make_site(client, name="slow office")
    body = {"site_id": site_id, "unit_id": "tp", "start": START, "time_limit": 1.5}
    ids = [client.post("/jobs", json=body, headers=HR).json()["id"] for _ in range(3)]
    jobs = [wait_job(client, i) for i in ids]
    assert [j["status"] for j in jobs] == ["done"] * 3
    spans = sorted((j["started_at"], j["finished_at"]) for j in jobs)
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert end <= start, "max_concurrent_solves=1: solves never overlap"


def test_infeasible_crash_and_exception(engine_client):
    client = engine_client
    job = run_job(client, make_site(client, name="infeasible office"), time_limit=1)
    assert job["status"] == "infeasible" and "cap below coverage" in job["message"]
    assert job["roster"] is None and job["roster_id"] is None
    job = run_job(client, make_site(client, name="crash office"), time_limit=1)
    assert job["status"] == "failed" and "exit code 3" in job["message"]
    job = run_job(client, make_site(client, name="raise office"), time_limit=1)
    assert job["status"] == "failed" and "scripted failure" in job["message"]


def test_bad_job_requests(client):
    site_id = make_site(client)
    r = client.post("/jobs", json={"site_id": "nowhere", "start": START}, headers=HR)
    assert r.status_code == 404 and r.json()["field"] == "site_id"
    r = client.post("/jobs", json={"site_id": site_id, "unit_id": "zz", "start": START}, headers=HR)
    assert r.status_code == 404 and r.json()["field"] == "unit_id"
    r = client.post("/jobs", json={"site_id": site_id, "start": "not a date"}, headers=HR)
    assert r.status_code == 422 and r.json()["field"] == "body.start"
    r = client.post(
        "/jobs", json={"site_id": site_id, "start": START, "policy_version": 9}, headers=HR
    )
    assert r.status_code == 404 and r.json()["field"] == "policy_version"
    assert client.get("/jobs/nope", headers=HR).status_code == 404


def test_repair_solves_are_jobs(engine_client):
    client = engine_client
    """A repair solve goes through the job runner: with wait=0 the route answers 202 and a
    Location; the job's answer is the body the route gives when it waits."""
    site_id = make_site(client)
    body = {"site_id": site_id, "unit_id": "tp", "start": START, "days": 5, "time_limit": 3}
    r = client.post("/repair/explain", params={"wait": 0}, json=body, headers=HR)
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["kind"] == "explain" and r.headers["Location"] == f"/jobs/{job['id']}"
    done = wait_job(client, job["id"])
    assert done["status"] == "done" and done["roster"] is None
    assert "explanation" in done["answer"] and done["answer"]["text"]
    waited = client.post("/repair/explain", json=body, headers=HR)
    assert waited.status_code == 200 and waited.json()["text"] == done["answer"]["text"]
    r = client.post("/repair/drill", params={"wait": 0}, json=body, headers=HR)
    assert r.status_code == 202 and r.json()["kind"] == "drill"
    stopped = client.delete(f"/jobs/{r.json()['id']}", headers=HR)
    assert stopped.status_code in (200, 202)
    assert wait_job(client, r.json()["id"])["status"] in ("stopped", "done")
    listed = client.get("/jobs", params={"site_id": site_id}, headers=HR).json()
    assert listed == [], "the jobs list holds roster jobs unless asked"
    explains = client.get("/jobs", params={"site_id": site_id, "kind": "explain"}, headers=HR)
    kinds = {j["id"]: j["kind"] for j in explains.json()}
    assert job["id"] in kinds and len(kinds) == 2 and set(kinds.values()) == {"explain"}


def test_health_in_process(client):
    r = client.get("/health")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "ok" and body["engine"] == "in-process"
    assert body["database"] == "ok" and body["broker"] == "not used" and body["workers"] >= 1


def test_broker_down_jobs_are_kept_and_health_says_503(backend):
    """With the broker unreachable a job is still stored (202, queued: the API's sweep sends it
    when the broker is back) and /health answers 503 naming the broker."""
    import socket

    from fastapi.testclient import TestClient

    from api.main import create_app
    from tests.api.helpers import make_settings

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = make_settings(backend, broker_url=f"amqp://guest:guest@127.0.0.1:{port}//")
    with TestClient(create_app(settings)) as c:
        site_id = make_site(c)
        t0 = time.monotonic()
        r = c.post("/jobs", json={"site_id": site_id, "unit_id": "tp", "start": START}, headers=HR)
        assert r.status_code == 202 and r.json()["status"] == "queued"
        assert time.monotonic() - t0 < 45, "POST does not hang on a dead broker"
        h = c.get("/health")
        assert h.status_code == 503, h.text
        assert h.json()["broker"] == "unreachable" and h.json()["database"] == "ok"
        assert c.get(f"/jobs/{r.json()['id']}", headers=HR).json()["status"] == "queued"


def test_a_reroster_job_stores_its_revision_on_either_engine(engine_client):
    """The re-roster of a stored roster, answered through the job (202, then GET /jobs/{id}):
    the worker that finishes it stores the draft revision in the same transaction."""
    client = engine_client
    site_id = make_site(client)
    job = run_job(client, site_id, "tp", time_limit=3)
    assert job["status"] == "done", job
    rid = job["roster_id"]
    roster = client.get(f"/rosters/{rid}", headers=HR).json()["revision"]["roster"]
    who = roster["assignments"][0]
    body = {
        "roster_id": rid,
        "events": [{"kind": "leave", "staff": who["staff"], "date": who["date"]}],
        "time_limit": 3,
    }
    r = client.post("/repair/reroster", params={"wait": 0}, json=body, headers=HR)
    assert r.status_code in (200, 202), r.text
    if r.status_code == 202:
        done = wait_job(client, r.json()["id"])
        assert done["status"] == "done", done
        answer, roster_id = done["answer"], done["roster_id"]
    else:
        answer, roster_id = r.json(), rid
    assert answer["stored"]["saved"] is True and answer["stored"]["revision"] == 2, answer
    assert roster_id == rid
    head = client.get(f"/rosters/{rid}", headers=HR).json()["revision"]
    assert head["number"] == 2 and head["roster"] == answer["roster"]
    assert head["events"]["events"][0]["kind"] == "leave"


def test_a_jobs_penalties_are_the_referees_in_its_language(client):
    """A job asked in Vietnamese lists its penalties as the referee words them, in Vietnamese,
    and they add up to the job's objective (before: the solver's short English notes)."""
    site_id = make_site(client)
    vi = {**HR, "Accept-Language": "vi"}
    done = run_job(client, site_id, headers=vi, time_limit=3)
    assert done["status"] == "done", done
    penalties = done["penalties"]
    assert penalties, "the test site's roster pays penalties (fairness, requests)"
    assert sum(p["cost"] for p in penalties) == done["objective"]
    roster = client.get(f"/rosters/{done['roster_id']}", params={"lang": "vi"}, headers=HR).json()
    stored = roster["revision"]["report"]["penalties"]
    assert [p["detail"] for p in penalties] == [p["detail"] for p in stored]
    assert any(
        ch in "ăâđêôơưạảấầẩậắằẳặẹẻẽếềểệịỉọỏốồổộớờởợụủứừửựỳỷỹ" for ch in penalties[0]["detail"]
    )
