"""Editing duties from home by hand (PATCH): a cell may name a post of kind ``remote`` (the
hotline) with on_site false; the referee judges the edit like any other, the revision's
differences list it, If-Match guards it."""

from __future__ import annotations

import pytest

from tests.api.helpers import HR, fresh, solved_hotline_site, token


@pytest.fixture
def hotline(client):
    """Unit tp with a hotline served from home by one person in each shift."""
    site_id, rid = solved_hotline_site(client)
    roster = client.get(f"/rosters/{rid}", headers=HR).json()["revision"]["roster"]
    duty = roster["remote_duties"][0]
    busy = {(a["staff"], a["date"], a["shift"]) for a in roster["assignments"]} | {
        (d["staff"], d["date"], d["shift"]) for d in roster["remote_duties"]
    }
    free = next(
        f"tp{i:02d}" for i in range(6) if (f"tp{i:02d}", duty["date"], duty["shift"]) not in busy
    )
    return {
        "id": rid,
        "roster": roster,
        "duty": duty,
        "free": free,
        "head": token(client, "head", site_id, "tp"),
    }


def _cell(staff: str, duty: dict, **kw) -> dict:
    return {"staff": staff, "date": duty["date"], "shift": duty["shift"], **kw}


def test_hand_the_hotline_to_someone_else(client, hotline):
    rid, h, duty, free = hotline["id"], hotline["head"], hotline["duty"], hotline["free"]
    url = f"/rosters/{rid}"
    # taking the holder off the hotline alone leaves it uncovered: refused, explained
    r = client.patch(
        url,
        json={"cells": [_cell(duty["staff"], duty, on_site=False)]},
        headers=fresh(client, url, h),
    )
    assert r.status_code == 409, r.text
    assert "coverage.under" in {v["rule"] for v in r.json()["violations"]}
    assert client.get(url, headers=h).json()["revision"]["roster"] == hotline["roster"]
    # handing it over to someone free at home is a clean edit
    cells = [
        _cell(duty["staff"], duty, on_site=False),
        _cell(free, duty, on_site=False, post="hotline"),
    ]
    r = client.patch(
        url, json={"cells": cells, "reason": "đổi trực"}, headers=fresh(client, url, h)
    )
    assert r.status_code == 200, r.text
    assert r.json()["new_violations"] == [] and r.json()["report"]["ok"] is True
    rev = r.json()["roster"]["revision"]
    holders = {
        d["staff"]
        for d in rev["roster"]["remote_duties"]
        if (d["date"], d["shift"]) == (duty["date"], duty["shift"])
    }
    assert holders == {free}
    changes = {(c["staff"], c["before"], c["after"]) for c in rev["changes"]}
    assert changes == {
        (duty["staff"], "remote:hotline", "remote"),
        (free, "remote", "remote:hotline"),
    }
    # sending someone on site while on the hotline moves them off it (the cell is replaced)
    r = client.patch(
        url,
        json={"cells": [_cell(free, duty, on_site=True)], "accept_violations": True},
        headers=fresh(client, url, h),
    )
    assert r.status_code == 200, r.text
    rev = r.json()["roster"]["revision"]
    assert (free, "remote", "on_site") in {
        (c["staff"], c["before"], c["after"]) for c in rev["changes"]
    }
    assert "coverage.under" in {v["rule"] for v in r.json()["new_violations"]}
    assert all(
        (d["staff"], d["date"], d["shift"]) != (free, duty["date"], duty["shift"])
        for d in rev["roster"]["remote_duties"]
    )


def test_a_duty_from_home_after_publishing_is_a_new_revision(client, hotline):
    rid, h, duty, free = hotline["id"], hotline["head"], hotline["duty"], hotline["free"]
    url = f"/rosters/{rid}"
    r = client.post(f"{url}/publish", headers=fresh(client, url, h))
    assert r.status_code == 200, r.text
    stale = fresh(client, url, h)
    cells = [
        _cell(duty["staff"], duty, on_site=False),
        _cell(free, duty, on_site=False, post="hotline"),
    ]
    r = client.patch(url, json={"cells": cells}, headers=stale)
    assert r.status_code == 200, r.text
    rev = r.json()["roster"]["revision"]
    assert rev["number"] == 2 and rev["parent"] == 1 and rev["published"] is False
    assert len(rev["changes"]) == 2
    assert client.get(f"{url}/revisions/1", headers=h).json()["roster"] == hotline["roster"]
    # the same If-Match again is stale now: 412, nothing written
    r = client.patch(url, json={"cells": cells[:1]}, headers=stale)
    assert r.status_code == 412, r.text


@pytest.mark.parametrize(
    ("cell", "field", "words"),
    [
        ({"on_site": True, "post": "hotline"}, "cells[0].on_site", "duty from home"),
        ({"on_site": False, "post": "q-tp"}, "cells[0].post", "served on site"),
        ({"on_site": False, "post": "ghost"}, "cells[0].post", "unknown post"),
    ],
)
def test_a_post_that_does_not_fit_the_cell_is_refused(client, hotline, cell, field, words):
    rid, duty = hotline["id"], hotline["duty"]
    url = f"/rosters/{rid}"
    r = client.patch(
        url, json={"cells": [_cell("tp00", duty, **cell)]}, headers=fresh(client, url, HR)
    )
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field and words in r.json()["message"], r.text


def test_the_openapi_schema_documents_duties_from_home(client):
    spec = client.get("/openapi.json").json()["components"]["schemas"]
    post = spec["CellEdit"]["properties"]["post"]["description"]
    assert "kind remote" in post and "on_site false" in post
    assert "save" in spec["RerosterRequest"]["properties"]
    assert {"events", "job_id"} <= set(spec["RevisionPublic"]["properties"])
    assert "remote:<post>" in spec["Change"]["description"]
