"""Rosters: edits re-checked by the referee, publish locks, later edits make a new revision
with the differences, analyze any roster."""

from __future__ import annotations

import pytest

from tests.api.helpers import HR, START, fresh, make_site, run_job, token


@pytest.fixture
def generated(client):
    site_id = make_site(client)
    job = run_job(client, site_id, "tp", time_limit=2)
    assert job["status"] == "done", job
    roster = client.get(f"/rosters/{job['roster_id']}", headers=HR).json()
    return {
        "site": site_id,
        "id": job["roster_id"],
        "roster": roster,
        "head": token(client, "head", site_id, "tp"),
    }


def _harmless_test(roster: dict) -> dict:
    """Book a test for someone on site on a day they have none: costs a little, breaks nothing."""
    booked = {(t["staff"], t["date"]) for t in roster["tests"]}
    for a in roster["assignments"]:
        if (a["staff"], a["date"]) not in booked:
            return {"staff": a["staff"], "date": a["date"], "booked": True}
    raise AssertionError("every on-site day already has a test")


def _crowd(roster: dict) -> list[dict]:
    """Everyone of unit tp on site on the first morning: over the cap."""
    return [
        {"staff": f"tp{i:02d}", "date": START, "shift": "am", "on_site": True} for i in range(6)
    ]


def test_edit_breaking_a_rule_is_refused_unless_accepted(client, generated):
    rid, h = generated["id"], generated["head"]
    before = client.get(f"/rosters/{rid}", headers=h).json()["revision"]
    r = client.patch(
        f"/rosters/{rid}",
        json={"cells": _crowd(before["roster"])},
        headers=fresh(client, f"/rosters/{rid}", h),
    )
    assert r.status_code == 409, r.text
    body = r.json()
    rules = {v["rule"] for v in body["violations"]}
    assert "cap" in rules and "nothing was saved" in body["message"]
    assert client.get(f"/rosters/{rid}", headers=h).json()["revision"] == before
    r = client.patch(
        f"/rosters/{rid}",
        json={"cells": _crowd(before["roster"]), "accept_violations": True, "reason": "emergency"},
        headers=fresh(client, f"/rosters/{rid}", h),
    )
    assert r.status_code == 200, r.text
    saved = r.json()
    assert "cap" in {v["rule"] for v in saved["new_violations"]}
    assert saved["report"]["ok"] is False
    assert saved["roster"]["revision"]["report"]["ok"] is False
    assert any(
        c["kind"] == "cell" and c["after"] == "on_site"
        for c in saved["roster"]["revision"]["changes"]
    )
    # publishing a roster that breaks a hard rule is refused
    r = client.post(f"/rosters/{rid}/publish", headers=fresh(client, f"/rosters/{rid}", h))
    assert r.status_code == 409 and r.json()["violations"]


def test_a_refused_edit_is_explained_in_the_language_of_the_request(client, generated):
    rid, h = generated["id"], generated["head"]
    before = client.get(f"/rosters/{rid}", headers=h).json()["revision"]
    vi = {**h, "Accept-Language": "vi"}
    r = client.patch(
        f"/rosters/{rid}",
        json={"cells": _crowd(before["roster"])},
        headers=fresh(client, f"/rosters/{rid}", vi),
    )
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["message"].startswith("bản sửa vi phạm "), body["message"]
    assert "chưa lưu gì" in body["message"]
    cap = [v for v in body["violations"] if v["rule"] == "cap"]
    assert cap and all("giới hạn là" in v["message"] for v in cap), cap
    assert all("too many" not in v["message"] for v in body["violations"])
    assert cap[0]["date"] == START and cap[0]["shift"] == "am"  # machine fields unchanged
    # the same edit in English says it in English; kept anyway, the stored report reads in
    # either language (?lang= wins over Accept-Language)
    r = client.patch(
        f"/rosters/{rid}",
        json={"cells": _crowd(before["roster"]), "accept_violations": True},
        headers=fresh(client, f"/rosters/{rid}", h),
    )
    assert r.status_code == 200, r.text
    en = [v for v in r.json()["new_violations"] if v["rule"] == "cap"]
    assert "too many" in en[0]["message"]
    got = client.get(f"/rosters/{rid}", params={"lang": "vi"}, headers=h).json()
    worded = got["revision"]["report"]["violations"]
    assert worded and all(v["message"] != "" for v in worded)
    assert any("giới hạn là" in v["message"] for v in worded if v["rule"] == "cap")
    plain = client.get(f"/rosters/{rid}", headers=h).json()["revision"]["report"]["violations"]
    assert [{**v, "message": ""} for v in plain] == [{**v, "message": ""} for v in worded]
    assert any("too many" in v["message"] for v in plain if v["rule"] == "cap")


def test_bad_references_in_an_edit(client, generated):
    rid = generated["id"]
    for cell, field in [
        ({"staff": "dd01"}, "cells[0].staff"),
        ({"date": "2030-01-01"}, "cells[0].date"),
        ({"shift": "night"}, "cells[0].shift"),
        ({"post": "ghost"}, "cells[0].post"),
    ]:
        edit = {"staff": "tp01", "date": START, "shift": "am", "on_site": True, **cell}
        r = client.patch(
            f"/rosters/{rid}", json={"cells": [edit]}, headers=fresh(client, f"/rosters/{rid}", HR)
        )
        assert r.status_code == 422 and r.json()["field"] == field, r.text


def test_publish_locks_and_later_edits_make_a_new_revision(client, generated):
    rid, h = generated["id"], generated["head"]
    edit = _harmless_test(generated["roster"]["revision"]["roster"])
    r = client.patch(
        f"/rosters/{rid}",
        json={"tests": [edit], "reason": "extra test"},
        headers=fresh(client, f"/rosters/{rid}", h),
    )
    assert r.status_code == 200, r.text
    rev1 = r.json()["roster"]["revision"]
    assert rev1["number"] == 1 and rev1["changes"] == [
        {
            "kind": "test",
            "staff": edit["staff"],
            "date": edit["date"],
            "shift": None,
            "before": "none",
            "after": "booked",
            "reason": None,
        }
    ]
    r = client.post(
        f"/rosters/{rid}/publish",
        json={"reason": "week 50"},
        headers=fresh(client, f"/rosters/{rid}", h),
    )
    assert r.status_code == 200, r.text
    pub = r.json()
    assert pub["status"] == "published" and pub["revision"]["published"] is True
    assert pub["revision"]["published_by"] == "head-test"
    assert (
        client.post(
            f"/rosters/{rid}/publish", headers=fresh(client, f"/rosters/{rid}", h)
        ).status_code
        == 409
    )
    # a change after publishing: revision 2, differences from revision 1 recorded
    r = client.patch(
        f"/rosters/{rid}",
        json={"tests": [{**edit, "booked": False}], "reason": "test not needed"},
        headers=fresh(client, f"/rosters/{rid}", h),
    )
    assert r.status_code == 200, r.text
    rev2 = r.json()["roster"]
    assert rev2["status"] == "draft" and rev2["revision"]["number"] == 2
    assert rev2["revision"]["parent"] == 1
    assert rev2["revision"]["changes"] == [
        {
            "kind": "test",
            "staff": edit["staff"],
            "date": edit["date"],
            "shift": None,
            "before": "booked",
            "after": "none",
            "reason": None,
        }
    ]
    revs = client.get(f"/rosters/{rid}/revisions", headers=h).json()
    assert [(x["number"], x["published"]) for x in revs] == [(1, True), (2, False)]
    locked = client.get(f"/rosters/{rid}/revisions/1", headers=h).json()
    assert locked["roster"] == rev1["roster"]
    assert client.get(f"/rosters/{rid}/revisions/9", headers=h).status_code == 404
    r = client.post(f"/rosters/{rid}/publish", headers=fresh(client, f"/rosters/{rid}", h))
    assert r.status_code == 200 and r.json()["revision"]["number"] == 2


def test_analyze_any_roster(client, generated):
    roster = generated["roster"]["revision"]["roster"]
    body = {
        "site_id": generated["site"],
        "unit_id": "tp",
        "start": START,
        "days": 5,
        "roster": roster,
    }
    r = client.post("/rosters/analyze", json=body, headers=HR)
    assert r.status_code == 200, r.text
    assert r.json()["ok"] is True
    assert r.json()["objective"] == generated["roster"]["revision"]["report"]["objective"]
    assert sum(r.json()["by_rule"].values()) == r.json()["objective"]
    crowded = {
        **roster,
        "assignments": roster["assignments"]
        + [{"staff": c["staff"], "date": c["date"], "shift": c["shift"]} for c in _crowd(roster)],
    }
    r = client.post("/rosters/analyze", json={**body, "roster": crowded}, headers=HR)
    assert r.status_code == 200 and r.json()["ok"] is False
    assert "cap" in {v["rule"] for v in r.json()["violations"]}
    r = client.post("/rosters/analyze", json={"roster": roster}, headers=HR)
    assert r.status_code == 422 and r.json()["field"] == "site_id"


def test_analyze_with_a_problem_sent_in(client):
    from tests.helpers import tiny_problem, tiny_roster

    problem = tiny_problem(n_staff=3)
    roster = tiny_roster(
        problem, on=[("s0", 0, "AM")], tests=[("s0", 0)], teams={"s0": 0, "s1": 1, "s2": 0}
    )
    r = client.post(
        "/rosters/analyze",
        json={"problem": problem.model_dump(mode="json"), "roster": roster.model_dump(mode="json")},
        headers=token(client, "portal"),
    )
    assert r.status_code == 200, r.text
    assert isinstance(r.json()["penalties"], list)
