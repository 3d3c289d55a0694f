"""POST /repair/reroster of a stored roster keeps its result as a new draft revision (events and
changes recorded; the published revision untouched); nothing is stored for a problem sent
inline, a preview (save false), a roster sent in full, or over a roster written meanwhile."""

from __future__ import annotations

import datetime as dt

import pytest

from api.models import Job
from api.services import store_reroster
from tests.api.helpers import HR, START, fresh, solved_hotline_site, token


@pytest.fixture
def published(client):
    """A published roster of unit tp (a counter and a hotline served from home)."""
    site_id, rid = solved_hotline_site(client)
    head = token(client, "head", site_id, "tp")
    r = client.post(f"/rosters/{rid}/publish", headers=fresh(client, f"/rosters/{rid}", head))
    assert r.status_code == 200, r.text
    rev1 = client.get(f"/rosters/{rid}/revisions/1", headers=head).json()
    return {"id": rid, "head": head, "rev1": rev1, "roster": rev1["roster"]}


def _positive(roster: dict) -> dict:
    """A positive test on the second day by someone on site that day."""
    day2 = (dt.date.fromisoformat(START) + dt.timedelta(days=1)).isoformat()
    who = next(a["staff"] for a in roster["assignments"] if a["date"] == day2)
    return {"kind": "positive", "staff": who, "date": day2}


def test_a_reroster_of_a_published_roster_is_a_new_draft_revision(client, published):
    rid, h = published["id"], published["head"]
    event = _positive(published["roster"])
    r = client.post(
        "/repair/reroster",
        json={"roster_id": rid, "events": [event], "time_limit": 4},
        headers=h,
    )
    assert r.status_code == 200, r.text
    answer = r.json()
    stored = answer["stored"]
    assert stored["saved"] is True and stored["revision"] == 2 and stored["parent"] == 1
    assert stored["url"] == f"/rosters/{rid}/revisions/2"
    got = client.get(f"/rosters/{rid}", headers=h)
    assert got.headers["ETag"] == f'"{stored["version"]}"'
    roster = got.json()
    assert roster["status"] == "draft" and roster["revision"]["number"] == 2
    rev2 = roster["revision"]
    assert rev2["published"] is False and rev2["parent"] == 1
    assert rev2["roster"] == answer["roster"]
    assert rev2["events"] == {"from": event["date"], "events": [{**event, **_defaults()}]}
    assert rev2["job_id"] and "re-roster" in rev2["reason"]
    # the revision lists the same cells the answer did, with their reasons
    cells = {(c["staff"], c["date"], c["shift"]) for c in answer["changes"] if c["kind"] == "cell"}
    assert cells and cells == {
        (c["staff"], c["date"], c["shift"]) for c in rev2["changes"] if c["kind"] == "cell"
    }
    assert {"positive test"} <= {c["reason"] for c in rev2["changes"]}
    # the published revision never changes
    assert client.get(f"/rosters/{rid}/revisions/1", headers=h).json() == published["rev1"]
    job = client.get(f"/jobs/{rev2['job_id']}", headers=h).json()
    assert job["roster_id"] == rid
    # a hand edit of the draft keeps the re-roster's reasons of the changes it leaves alone
    booked = {(t["staff"], t["date"]) for t in rev2["roster"]["tests"]} | {
        (c["staff"], c["date"]) for c in rev2["changes"] if c["kind"] == "test"
    }
    extra = next(
        {"staff": a["staff"], "date": a["date"], "booked": True}
        for a in rev2["roster"]["assignments"]
        if (a["staff"], a["date"]) not in booked
    )
    r = client.patch(
        f"/rosters/{rid}",
        json={"tests": [extra], "accept_violations": True},
        headers={**h, "If-Match": f'"{stored["version"]}"'},
    )
    assert r.status_code == 200, r.text
    edited = r.json()["roster"]["revision"]
    assert edited["number"] == 2 and edited["events"] == rev2["events"]
    reasons = {(c["staff"], c["date"], c["shift"]): c["reason"] for c in edited["changes"]}
    assert all(reasons[(c["staff"], c["date"], c["shift"])] == c["reason"] for c in rev2["changes"])
    assert reasons[(extra["staff"], extra["date"], None)] is None


def _defaults() -> dict:
    return {"post": None, "end": None, "shifts": [], "sick": False, "note": ""}


def test_nothing_is_stored_for_a_preview_a_roster_sent_or_an_inline_problem(client, published):
    rid, h = published["id"], published["head"]
    event = _positive(published["roster"])
    before = client.get(f"/rosters/{rid}", headers=h)
    asks = [
        ({"roster_id": rid, "save": False}, "save is false"),
        ({"roster_id": rid, "roster": published["roster"]}, "sent in full"),
    ]
    for ask, words in asks:
        r = client.post(
            "/repair/reroster", json={**ask, "events": [event], "time_limit": 3}, headers=h
        )
        assert r.status_code == 200, r.text
        assert r.json()["roster"] is not None
        assert r.json()["stored"]["saved"] is False and words in r.json()["stored"]["message"]
    # asked in Vietnamese, the answer says it in Vietnamese
    r = client.post(
        "/repair/reroster",
        json={"roster_id": rid, "save": False, "events": [event], "time_limit": 3},
        headers={**h, "Accept-Language": "vi"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["stored"]["message"] == "không lưu gì: save là false (chỉ xem trước)"
    after = client.get(f"/rosters/{rid}", headers=h)
    assert after.json() == before.json() and after.headers["ETag"] == before.headers["ETag"]
    # a stale If-Match is refused before any solve
    r = client.post(
        "/repair/reroster",
        json={"roster_id": rid, "events": [event]},
        headers={**h, "If-Match": '"999"'},
    )
    assert r.status_code == 412 and r.json()["field"] == "If-Match", r.text


def test_an_inline_problem_is_answered_not_stored(client):
    from tests.helpers import tiny_roster
    from tests.repair.offices import counter_office

    p = counter_office()
    roster = tiny_roster(p, on=[("s0", d, "AM", "C") for d in range(5)])
    body = {
        "problem": p.model_dump(mode="json"),
        "roster": roster.model_dump(mode="json"),
        "events": [{"kind": "positive", "staff": "s0", "date": "2021-12-15"}],
        "time_limit": 3,
    }
    r = client.post("/repair/reroster", json=body, headers=HR)
    assert r.status_code == 200, r.text
    stored = r.json()["stored"]
    assert stored["saved"] is False and stored["revision"] is None
    assert "not a stored roster" in stored["message"]


def test_a_roster_written_meanwhile_is_not_overwritten(client, published):
    """The re-roster started from version V; the roster moved on before it finished (here: the
    first result was stored): the second result is not stored over it."""
    rid, h = published["id"], published["head"]
    version = int(client.get(f"/rosters/{rid}", headers=h).headers["ETag"].strip('"'))
    event = _positive(published["roster"])
    r = client.post(
        "/repair/reroster", json={"roster_id": rid, "events": [event], "time_limit": 3}, headers=h
    )
    assert r.status_code == 200 and r.json()["stored"]["saved"] is True, r.text
    answer = r.json()
    late = Job(
        id="late-job",
        kind="reroster",
        created_by="head-test",
        params={
            "events": [event],
            "store": {"roster_id": rid, "version": version, "revision": 1},
        },
    )
    with client.app.state.sessionmaker() as s:
        stored = store_reroster(s, late, answer)
        s.commit()
    assert stored["saved"] is False and "changed while the re-roster ran" in stored["message"]
    assert client.get(f"/rosters/{rid}", headers=h).json()["revision"]["number"] == 2
    with client.app.state.sessionmaker() as s:
        none = store_reroster(s, late, {"roster": None, "changes": []})
    assert none["saved"] is False and "found none" in none["message"]


def _on_site_cell(roster: dict, problem_staff: str, date: str) -> dict:
    """A cell edit putting ``problem_staff`` on site on ``date`` in a shift someone works."""
    shift = next(a["shift"] for a in roster["assignments"] if a["date"] == date)
    return {"staff": problem_staff, "date": date, "shift": shift, "on_site": True}


def test_a_stored_reroster_records_its_isolations_on_the_roster(client, published):
    """After a stored re-roster, an edit that puts the positive case back on site during the
    isolation is refused as a breach of availability (before, the roster's problem did not know
    the isolation and the edit went through)."""
    rid, h = published["id"], published["head"]
    event = _positive(published["roster"])
    r = client.post(
        "/repair/reroster", json={"roster_id": rid, "events": [event], "time_limit": 4}, headers=h
    )
    assert r.status_code == 200 and r.json()["stored"]["saved"] is True, r.text
    iso = next(i for i in r.json()["isolated"] if i["staff"] == event["staff"])
    assert iso["absence"] == "isolation"
    got = client.get(f"/rosters/{rid}", headers=h)
    rev = got.json()["revision"]
    assert not [v for v in rev["report"]["violations"] if v["rule"] == "availability"]
    day3 = (dt.date.fromisoformat(event["date"]) + dt.timedelta(days=1)).isoformat()
    assert iso["start"] <= day3 <= iso["end"]
    cell = _on_site_cell(rev["roster"], event["staff"], day3)
    r = client.patch(
        f"/rosters/{rid}",
        json={"cells": [cell]},
        headers={**h, "If-Match": got.headers["ETag"]},
    )
    assert r.status_code == 409, r.text
    broken = r.json()["violations"]
    assert any(v["rule"] == "availability" and v["staff"] == event["staff"] for v in broken)


def test_an_edit_records_absences_and_is_judged_with_them(client, published):
    """The web page's accepted proposal sends the isolations with its cells: the edit records
    them on the roster, so a later edit putting the person on site is refused."""
    rid, h = published["id"], published["head"]
    roster = published["roster"]
    day2 = (dt.date.fromisoformat(START) + dt.timedelta(days=1)).isoformat()
    day3 = (dt.date.fromisoformat(START) + dt.timedelta(days=2)).isoformat()
    who = next(a["staff"] for a in roster["assignments"] if a["date"] == day2)
    absence = {"staff": who, "start": day2, "end": day3, "reason": "isolation"}
    # an unknown person is a clear 422 naming the absence, nothing saved
    version = client.get(f"/rosters/{rid}", headers=h).headers["ETag"]
    r = client.patch(
        f"/rosters/{rid}",
        json={"absences": [{**absence, "staff": "nobody"}]},
        headers={**h, "If-Match": version},
    )
    assert r.status_code == 422 and r.json()["field"] == "absences[0].staff", r.text
    assert client.get(f"/rosters/{rid}", headers=h).headers["ETag"] == version
    # taking them off site on day 2 and recording the absence (twice: kept once)
    off = [
        {"staff": who, "date": day2, "shift": a["shift"], "on_site": False}
        for a in roster["assignments"]
        if a["staff"] == who and a["date"] == day2
    ]
    r = client.patch(
        f"/rosters/{rid}",
        json={"cells": off, "absences": [absence, absence], "accept_violations": True},
        headers={**h, "If-Match": version},
    )
    assert r.status_code == 200, r.text
    assert not [
        v
        for v in r.json()["report"]["violations"]
        if v["rule"] == "availability" and v["date"] == day2
    ]
    with client.app.state.sessionmaker() as s:
        from api.models import RosterRow

        recorded = [a for a in s.get(RosterRow, rid).problem["absences"] if a["staff"] == who]
    assert len(recorded) == 1 and recorded[0]["start"] == day2
    etag = client.get(f"/rosters/{rid}", headers=h).headers["ETag"]
    cell = _on_site_cell(roster, who, day3)
    r = client.patch(f"/rosters/{rid}", json={"cells": [cell]}, headers={**h, "If-Match": etag})
    assert r.status_code == 409, r.text
    assert any(v["rule"] == "availability" and v["staff"] == who for v in r.json()["violations"])
