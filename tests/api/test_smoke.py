"""The happy path end to end: site, job, roster, publish."""

from tests.api.helpers import HR, make_site, run_job


def test_health_and_openapi(client):
    assert client.get("/health").json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    assert "/jobs" in spec["paths"]


def test_generate_roster_end_to_end(client):
    site_id = make_site(client)
    job = run_job(client, site_id, time_limit=3)
    assert job["status"] == "done", job
    assert job["roster"] is not None and job["roster_id"]
    r = client.get(f"/rosters/{job['roster_id']}", headers=HR)
    assert r.status_code == 200, r.text
    roster = r.json()
    assert roster["revision"]["report"]["ok"] is True
