"""401 without credentials, 403 outside role or unit, for each role."""

from __future__ import annotations

import pytest

from tests.api.helpers import HR, START, auth, make_site, run_job, site_body, token


def test_no_credentials_is_401(client):
    for method, path in [
        ("get", "/sites"),
        ("get", "/auth/me"),
        ("post", "/jobs"),
        ("get", "/jobs/x"),
        ("get", "/rosters"),
        ("post", "/rosters/analyze"),
    ]:
        r = getattr(client, method)(path)
        assert r.status_code == 401, (path, r.text)
        body = r.json()
        assert body["field"] == "Authorization" and "credentials" in body["message"]


def test_unknown_token_is_401(client):
    r = client.get("/sites", headers=auth("rst_nope"))
    assert r.status_code == 401 and r.json()["message"] == "unknown or revoked token"


def test_api_key_header_works(client):
    r = client.get("/auth/me", headers={"X-API-Key": HR["Authorization"].split()[1]})
    assert r.status_code == 200 and r.json()["role"] == "hr"


def test_revoked_token_is_401(client):
    site_id = make_site(client)
    h = token(client, "portal")
    assert client.get("/auth/me", headers=h).status_code == 200
    tid = [t for t in client.get("/auth/tokens", headers=HR).json() if t["role"] == "portal"][-1][
        "id"
    ]
    assert client.delete(f"/auth/tokens/{tid}", headers=HR).status_code == 204
    assert client.get(f"/sites/{site_id}", headers=h).status_code == 401


@pytest.fixture(scope="module")
def world(client):
    site_id = make_site(client)
    other = make_site(client)
    job = run_job(client, site_id, "tp", time_limit=2)
    assert job["status"] == "done", job
    job_dd = run_job(client, site_id, "dd", time_limit=2)
    return {
        "site": site_id,
        "other": other,
        "roster_tp": job["roster_id"],
        "roster_dd": job_dd["roster_id"],
        "job_dd": job_dd["id"],
        "head_tp": token(client, "head", site_id, "tp"),
        "portal": token(client, "portal"),
    }


def test_head_token_needs_a_unit(client, world):
    r = client.post("/auth/tokens", json={"role": "head", "site_id": world["site"]}, headers=HR)
    assert r.status_code == 422 and r.json()["field"] == "unit_id"


def test_only_hr_issues_tokens(client, world):
    for h in (world["head_tp"], world["portal"]):
        r = client.post("/auth/tokens", json={"role": "hr"}, headers=h)
        assert r.status_code == 403


def test_head_stays_in_own_unit(client, world):
    h, site = world["head_tp"], world["site"]
    assert client.get(f"/sites/{site}", headers=h).status_code == 200
    assert client.get(f"/sites/{world['other']}", headers=h).status_code == 403
    assert [s["id"] for s in client.get("/sites", headers=h).json()] == [site]
    # generate: own unit yes, other unit / whole site no
    body = {"site_id": site, "start": START, "days": 5, "time_limit": 1}
    assert client.post("/jobs", json={**body, "unit_id": "dd"}, headers=h).status_code == 403
    assert client.post("/jobs", json=body, headers=h).status_code == 403
    r = client.post("/jobs", json={**body, "unit_id": "tp"}, headers=h)
    assert r.status_code == 202
    # read / edit / publish another unit's roster
    assert client.get(f"/rosters/{world['roster_dd']}", headers=h).status_code == 403
    assert client.get(f"/jobs/{world['job_dd']}", headers=h).status_code == 403
    r = client.patch(f"/rosters/{world['roster_dd']}", json={"cells": []}, headers=h)
    assert r.status_code == 403
    assert client.post(f"/rosters/{world['roster_dd']}/publish", headers=h).status_code == 403
    assert client.get(f"/rosters/{world['roster_tp']}", headers=h).status_code == 200
    ids = {r["id"] for r in client.get("/rosters", headers=h).json()}
    assert world["roster_dd"] not in ids and world["roster_tp"] in ids
    # HR's business
    r = client.put(f"/sites/{site}/policy", json={"policy": {}, "reason": "x"}, headers=h)
    assert r.status_code == 403
    assert client.patch(f"/sites/{site}", json={}, headers=h).status_code == 403
    assert client.post("/sites", json=site_body("zz"), headers=h).status_code == 403


def test_portal_reads_and_generates_but_does_not_edit(client, world):
    h, site = world["portal"], world["site"]
    assert client.get(f"/sites/{world['other']}", headers=h).status_code == 200
    assert client.get(f"/rosters/{world['roster_dd']}", headers=h).status_code == 200
    body = {"site_id": site, "unit_id": "dd", "start": START, "days": 5, "time_limit": 1}
    assert client.post("/jobs", json=body, headers=h).status_code == 202
    r = client.patch(f"/rosters/{world['roster_dd']}", json={"cells": []}, headers=h)
    assert r.status_code == 403
    assert client.post(f"/rosters/{world['roster_dd']}/publish", headers=h).status_code == 403
    r = client.put(f"/sites/{site}/policy", json={"policy": {}, "reason": "x"}, headers=h)
    assert r.status_code == 403
    assert client.get(f"/sites/{site}/policies", headers=h).status_code == 200
