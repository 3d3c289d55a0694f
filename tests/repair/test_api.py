"""The /repair routes: explain, analyze, reroster, substitutes, drill."""

from __future__ import annotations

from roster.model import Roster
from tests.api.conftest import backend, client  # noqa: F401  (the API tests' fixtures, reused)
from tests.api.helpers import HR, START, make_site
from tests.helpers import tiny_roster
from tests.repair.offices import TEAMS, counter_office, it_office, land_office


def _body(problem, roster: Roster | None = None, **kw):
    out = {"problem": problem.model_dump(mode="json"), **kw}
    if roster is not None:
        out["roster"] = roster.model_dump(mode="json")
    return out


def test_explain_route(client) -> None:  # noqa: F811
    r = client.post("/repair/explain", json=_body(land_office(), time_limit=5), headers=HR)
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["explanation"]["status"] == "infeasible"
    assert "need 5 people" in data["text"]
    r = client.post(
        "/repair/explain", json=_body(land_office(), time_limit=5, lang="vi"), headers=HR
    )
    assert r.status_code == 200, r.text
    assert "cần 5 người" in r.json()["text"] and "Cách khắc phục" in r.json()["text"]
    assert client.post("/repair/explain", json={}, headers=HR).status_code in (401, 422)
    assert client.post("/repair/explain", json=_body(land_office())).status_code == 401


def test_explain_stored_site(client) -> None:  # noqa: F811
    site_id = make_site(client)
    r = client.post(
        "/repair/explain", json={"site_id": site_id, "start": START, "time_limit": 3}, headers=HR
    )
    assert r.status_code == 200, r.text
    assert r.json()["explanation"]["status"] in ("feasible", "infeasible")


def test_analyze_reroster_substitutes_routes(client) -> None:  # noqa: F811
    p = counter_office()
    roster = tiny_roster(p, on=[("s0", d, "AM", "C") for d in range(5)])
    r = client.post("/repair/analyze", json=_body(p, roster), headers=HR)
    assert r.status_code == 200 and r.json()["ok"] is True
    events = [{"kind": "positive", "staff": "s0", "date": "2021-12-15"}]
    r = client.post(
        "/repair/reroster", json=_body(p, roster, events=events, time_limit=3), headers=HR
    )
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["changed_cells"] == 6 and data["report"]["violations"] == []
    bad = [{"kind": "positive", "staff": "ghost", "date": "2021-12-15"}]
    r = client.post("/repair/reroster", json=_body(p, roster, events=bad), headers=HR)
    assert r.status_code == 422 and "ghost" in r.json()["message"]
    r = client.post(
        "/repair/substitutes",
        json=_body(p, roster, staff="s0", date="2021-12-16", shift="AM"),
        headers=HR,
    )
    assert r.status_code == 200 and len(r.json()["candidates"]) == 3


def test_drill_route(client) -> None:  # noqa: F811
    p = it_office()
    r = client.post("/repair/drill", json=_body(p, Roster(teams=TEAMS), time_limit=3), headers=HR)
    assert r.status_code == 200, r.text
    assert {x["staff"] for x in r.json()["single_points"]} == {"s0", "s1"}
