"""Lost updates and edited published rosters, with real threads against a real server on SQLite
and PostgreSQL (issue reproductions 1, 2, 3 and 9): every write that races carries If-Match;
one wins, the others get 412/409, never a 500, and nothing is silently lost."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from tests.api.helpers import BACKENDS, START, site_body
from tests.api.live import client, fresh_backend, race, serve


@pytest.fixture(scope="module", params=BACKENDS)
def base(request, tmp_path_factory):
    with (
        fresh_backend(request.param, tmp_path_factory.mktemp("live")) as backend,
        serve(backend) as url,
    ):
        yield url


def _site(c, name: str = "Tiny office") -> str:
    import uuid

    sid = f"c-{uuid.uuid4().hex[:8]}"
    r = c.post("/sites", json=site_body(sid, name=name))
    assert r.status_code == 201, r.text
    return sid


def _roster(c, site: str, unit: str | None = "tp") -> str:
    body = {"site_id": site, "unit_id": unit, "start": START, "days": 5, "time_limit": 2}
    r = c.post("/jobs", json=body)
    assert r.status_code == 202, r.text
    deadline = time.monotonic() + 60
    while True:
        job = c.get(f"/jobs/{r.json()['id']}").json()
        if job["status"] not in ("queued", "solving") or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert job["status"] == "done", job
    return job["roster_id"]


def _free_tests(roster: dict, n: int) -> list[dict]:
    """``n`` harmless edits: book a test for someone on site on a day they have none."""
    booked = {(t["staff"], t["date"]) for t in roster["tests"]}
    out = []
    for a in roster["assignments"]:
        key = (a["staff"], a["date"])
        if key not in booked:
            booked.add(key)
            out.append({"staff": a["staff"], "date": a["date"], "booked": True})
        if len(out) == n:
            return out
    raise AssertionError("not enough free on-site days")


def test_two_edits_at_once_one_wins_none_lost(base):
    """Repro 1: two users PATCH different cells at the same moment."""
    with client(base) as c:
        rid = _roster(c, _site(c))
        for _ in range(4):
            r = c.get(f"/rosters/{rid}")
            etag, version = r.headers["ETag"], r.json()["version"]
            assert etag == f'"{version}"'
            edits = _free_tests(r.json()["revision"]["roster"], 2)
            answers = race(
                2,
                lambda i, edits=edits, etag=etag: c.patch(
                    f"/rosters/{rid}",
                    json={"tests": [edits[i]], "reason": f"user {i}"},
                    headers={"If-Match": etag},
                ),
            )
            codes = sorted(a.status_code for a in answers)
            assert codes == [200, 412], [a.text for a in answers]
            winner = next(i for i, a in enumerate(answers) if a.status_code == 200)
            loser = answers[1 - winner].json()
            assert loser["field"] == "If-Match" and loser["current_version"] == version + 1
            now = c.get(f"/rosters/{rid}").json()
            tests = {(t["staff"], t["date"]) for t in now["revision"]["roster"]["tests"]}
            assert (edits[winner]["staff"], edits[winner]["date"]) in tests
            assert (edits[1 - winner]["staff"], edits[1 - winner]["date"]) not in tests
            assert now["version"] == version + 1


def test_edit_racing_publish_never_changes_a_published_revision(base):
    """Repro 2: a PATCH with accept_violations racing POST /publish."""
    with client(base) as c:
        site = _site(c)
        for _ in range(3):
            rid = _roster(c, site)
            r = c.get(f"/rosters/{rid}")
            etag = r.headers["ETag"]
            crowd = [
                {"staff": f"tp{i:02d}", "date": START, "shift": "am", "on_site": True}
                for i in range(6)
            ]

            def call(i: int, rid=rid, etag=etag, crowd=crowd):
                if i == 0:
                    return c.patch(
                        f"/rosters/{rid}",
                        json={"cells": crowd, "accept_violations": True},
                        headers={"If-Match": etag},
                    )
                return c.post(f"/rosters/{rid}/publish", headers={"If-Match": etag})

            edit, publish = race(2, call)
            assert sorted([edit.status_code, publish.status_code]) == [200, 412]
            revs = c.get(f"/rosters/{rid}/revisions").json()
            for rev in revs:
                if rev["published"]:
                    assert rev["report"]["ok"] is True
                    assert rev["updated_at"] <= rev["published_at"]
            if publish.status_code == 200:
                # the edit, re-read and re-sent, makes revision 2; revision 1 stays as published
                r = c.get(f"/rosters/{rid}")
                r = c.patch(
                    f"/rosters/{rid}",
                    json={"cells": crowd, "accept_violations": True},
                    headers={"If-Match": r.headers["ETag"]},
                )
                assert r.status_code == 200 and r.json()["roster"]["revision"]["number"] == 2
                after = c.get(f"/rosters/{rid}/revisions/1").json()
                assert after == revs[0]


def test_publishing_at_once_publishes_once(base):
    """Repro 9: two (here four) publishes of one roster at once."""
    with client(base) as c:
        rid = _roster(c, _site(c))
        etag = c.get(f"/rosters/{rid}").headers["ETag"]
        answers = race(4, lambda i: c.post(f"/rosters/{rid}/publish", headers={"If-Match": etag}))
        codes = Counter(a.status_code for a in answers)
        assert codes[200] == 1 and set(codes) <= {200, 409, 412}, [a.text for a in answers]
        r = c.get(f"/rosters/{rid}")
        again = c.post(f"/rosters/{rid}/publish", headers={"If-Match": r.headers["ETag"]})
        assert again.status_code == 409 and "already published" in again.json()["message"]


def test_policy_puts_at_once(base):
    """Repro 3: eight concurrent PUT /sites/{id}/policy: one wins, the rest 412/409, no 500;
    then eight writers that re-read and retry all get their version, none lost."""
    with client(base) as c:
        site = _site(c)
        etag = c.get(f"/sites/{site}/policy").headers["ETag"]
        answers = race(
            8,
            lambda i: c.put(
                f"/sites/{site}/policy",
                json={"policy": {"cap": {"fraction": 0.5}}, "reason": f"hr {i}"},
                headers={"If-Match": etag},
            ),
        )
        codes = Counter(a.status_code for a in answers)
        assert codes[201] == 1 and set(codes) <= {201, 409, 412}, [a.text for a in answers]
        assert all(a.headers["content-type"].startswith("application/json") for a in answers)

        def retrying(i: int) -> int:
            for _ in range(60):
                cur = c.get(f"/sites/{site}/policy").headers["ETag"]
                r = c.put(
                    f"/sites/{site}/policy",
                    json={"policy": {"cap": {"fraction": 0.5}}, "reason": f"retry {i}"},
                    headers={"If-Match": cur},
                )
                assert r.status_code in (201, 409, 412), r.text
                if r.status_code == 201:
                    return r.json()["version"]
            raise AssertionError("no turn in 60 tries")

        versions = race(8, retrying)
        assert sorted(versions) == list(range(3, 11))
        history = c.get(f"/sites/{site}/policies").json()
        assert [v["version"] for v in history] == list(range(1, 11))
        assert sorted(v["reason"] for v in history[2:]) == sorted(f"retry {i}" for i in range(8))
