"""Sites (create, read, update, bulk staff import with row-level errors, demo scenario) and
versioned policies."""

from __future__ import annotations

import io

from openpyxl import Workbook

from tests.api.helpers import HR, START, fresh, make_site, new_id, run_job, site_body


def test_create_read_update_site(client):
    site_id = new_id()
    r = client.post("/sites", json=site_body(site_id), headers=HR)
    assert r.status_code == 201 and r.headers["Location"] == f"/sites/{site_id}"
    assert r.json()["policy_version"] == 1 and len(r.json()["staff"]) == 12
    assert client.post("/sites", json=site_body(site_id), headers=HR).status_code == 409
    site = client.get(f"/sites/{site_id}", headers=HR).json()
    assert site["site"]["posts"][0]["name"] == "Quầy, tp"
    absence = {"staff": "tp01", "start": START, "end": START, "reason": "isolation"}
    r = client.patch(
        f"/sites/{site_id}",
        json={"absences": [absence]},
        headers=fresh(client, f"/sites/{site_id}"),
    )
    assert r.status_code == 200 and r.json()["absences"][0]["reason"] == "isolation"
    assert len(r.json()["staff"]) == 12  # untouched parts stay


def test_invalid_site_is_422_with_the_field(client):
    body = site_body(new_id())
    body["staff"][0]["unit"] = "nope"
    r = client.post("/sites", json=body, headers=HR)
    assert r.status_code == 422 and "unknown unit 'nope'" in r.json()["message"]
    body = site_body(new_id())
    body["site"]["shifts"][0]["start"] = "25:99"
    r = client.post("/sites", json=body, headers=HR)
    assert r.status_code == 422 and r.json()["field"] == "body.site.shifts.0.start"
    other = make_site(client)
    r = client.patch(
        f"/sites/{other}",
        json={"absences": [{"staff": "ghost", "start": START, "end": START}]},
        headers=fresh(client, f"/sites/{other}"),
    )
    assert r.status_code == 422 and "ghost" in r.json()["message"]


def test_policy_versions_keep_history_and_rosters_record_theirs(client):
    site_id = make_site(client)
    first = run_job(client, site_id, time_limit=2)
    r = client.put(
        f"/sites/{site_id}/policy",
        json={
            "policy": {"cap": {"fraction": 0.34}, "teams": {"rotation": "half_day"}},
            "reason": "Công văn 123/UBND",
        },
        headers=fresh(client, f"/sites/{site_id}/policy"),
    )
    assert r.status_code == 201, r.text
    assert r.json()["version"] == 2 and r.json()["author"] == "admin"
    assert r.headers["Location"] == f"/sites/{site_id}/policies/2"
    versions = client.get(f"/sites/{site_id}/policies", headers=HR).json()
    assert [(v["version"], v["reason"]) for v in versions] == [
        (1, "first policy"),
        (2, "Công văn 123/UBND"),
    ]
    assert versions[0]["policy"]["cap"]["fraction"] == 0.5
    assert client.get(f"/sites/{site_id}/policy", headers=HR).json()["version"] == 2
    old = client.get(f"/sites/{site_id}/policies/1", headers=HR).json()
    assert old["policy"]["cap"]["fraction"] == 0.5 and old["created_at"]
    second = run_job(client, site_id, time_limit=2)
    assert (first["policy_version"], second["policy_version"]) == (1, 2)
    r1 = client.get(f"/rosters/{first['roster_id']}", headers=HR).json()
    assert r1["policy_version"] == 1
    pinned = run_job(client, site_id, time_limit=2, policy_version=1)
    assert pinned["policy_version"] == 1
    # a policy that contradicts the site is refused, nothing added
    r = client.put(
        f"/sites/{site_id}/policy",
        json={"policy": {"contracts": {"other": {}}}, "reason": "drop default"},
        headers=fresh(client, f"/sites/{site_id}/policy"),
    )
    assert r.status_code == 422 and "contract" in r.json()["message"]
    r = client.put(f"/sites/{site_id}/policy", json={"policy": {}, "reason": ""}, headers=HR)
    assert r.status_code == 422 and r.json()["field"] == "body.reason"
    assert len(client.get(f"/sites/{site_id}/policies", headers=HR).json()) == 2


CSV_OK = (
    "id,name,unit,skills,team,counts_toward_cap\n"
    "n1,Phạm Thị Dung,tp,counter,1,yes\n"
    "n2,Hoàng Văn Em,dd,,,\n"
)
CSV_BAD = (
    "id,name,unit,skills,team,counts_toward_cap\n"
    "n1,Phạm Thị Dung,tp,counter,1,yes\n"
    "n2,Hoàng Văn Em,XX,,,\n"
    "n3,Lý Thị Giang,dd,cooking,,maybe\n"
    "n1,Duplicate,tp,,,\n"
)


def test_bulk_import_csv_replace_and_merge(client):
    site_id = make_site(client)
    r = client.post(
        f"/sites/{site_id}/staff/import",
        params={"mode": "merge"},
        files={"file": ("staff.csv", CSV_OK.encode(), "text/csv")},
        headers=HR,
    )
    assert r.status_code == 200, r.text
    assert r.json() == {
        "site_id": site_id,
        "mode": "merge",
        "imported": 2,
        "staff_count": 14,
        "warnings": [],
    }
    r = client.post(
        f"/sites/{site_id}/staff/import",
        files={"file": ("staff.csv", CSV_OK.encode(), "text/csv")},
        headers=HR,
    )
    assert r.json()["staff_count"] == 2
    staff = client.get(f"/sites/{site_id}", headers=HR).json()["staff"]
    assert staff[0] == {**staff[0], "id": "n1", "team": 0, "skills": ["counter"]}


def test_bulk_import_errors_name_rows_and_fields(client):
    site_id = make_site(client)
    r = client.post(
        f"/sites/{site_id}/staff/import",
        files={"file": ("staff.csv", CSV_BAD.encode(), "text/csv")},
        headers=HR,
    )
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["field"] == "file"
    found = {(i["row"], i["field"]) for i in body["issues"]}
    assert {(3, "unit"), (4, "skills"), (4, "counts_toward_cap"), (5, "id")} <= found
    unit_issue = next(i for i in body["issues"] if i["field"] == "unit")
    assert unit_issue["file"] == "staff.csv" and "tp" in unit_issue["allowed"]
    assert len(client.get(f"/sites/{site_id}", headers=HR).json()["staff"]) == 12
    r = client.post(
        f"/sites/{site_id}/staff/import",
        files={"file": ("staff.csv", b"who,what\nx,y\n", "text/csv")},
        headers=HR,
    )
    assert r.status_code == 422 and any(i["row"] == 1 for i in r.json()["issues"])
    r = client.post(
        f"/sites/{site_id}/staff/import",
        files={"file": ("staff.pdf", b"%PDF", "application/pdf")},
        headers=HR,
    )
    assert r.status_code == 400 and r.json()["field"] == "file"


def test_bulk_import_xlsx(client):
    site_id = make_site(client)
    wb = Workbook()
    ws = wb.active
    ws.append(["id", "name", "unit", "skills"])
    ws.append(["x1", "Đỗ Văn Hải", "tp", "counter"])
    ws.append(["x2", "Vũ Thị Lan", "nowhere", ""])
    buf = io.BytesIO()
    wb.save(buf)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    r = client.post(
        f"/sites/{site_id}/staff/import",
        files={"file": ("staff.xlsx", buf.getvalue(), xlsx)},
        headers=HR,
    )
    assert r.status_code == 422
    assert [(i["file"], i["row"], i["field"]) for i in r.json()["issues"]] == [
        ("staff.xlsx", 3, "unit")
    ]


def test_demo_scenario_site(client):
    names = [s["name"] for s in client.get("/scenarios", headers=HR).json()]
    assert "service-centre" in names
    site_id = new_id("demo")
    r = client.post(
        "/sites/demo", json={"scenario": "service-centre", "site_id": site_id}, headers=HR
    )
    assert r.status_code == 201, r.text
    assert r.json()["id"] == site_id and len(r.json()["staff"]) > 10
    r = client.post("/sites/demo", json={"scenario": "nope"}, headers=HR)
    assert r.status_code == 404 and r.json()["field"] == "scenario"


def test_policy_with_unit_caps_floors_remote_duties_and_dates(client):
    body = site_body(new_id())
    body["site"]["posts"].append(
        {"id": "hotline", "kind": "remote", "unit": "tp", "demands": [{"min": 1, "max": 1}]}
    )
    r = client.post("/sites", json=body, headers=HR)
    assert r.status_code == 201, r.text
    site_id = body["site"]["id"]
    policy = {
        "cap": {"fraction": 0.34, "overrides": [{"unit": "tp", "fraction": "1/2", "from": START}]},
        "presence": {"floors": [{"min": 1}, {"unit": "dd", "min": 2, "shifts": ["am"]}]},
        "suspensions": [{"posts": ["q-dd"], "from": START, "to": START, "note": "Công văn"}],
    }
    r = client.put(
        f"/sites/{site_id}/policy",
        json={"policy": policy, "reason": "Thủ trưởng bố trí theo tính chất đơn vị"},
        headers=fresh(client, f"/sites/{site_id}/policy"),
    )
    assert r.status_code == 201, r.text
    got = client.get(f"/sites/{site_id}/policy", headers=HR).json()["policy"]
    assert got["cap"]["overrides"] == [
        {"from": START, "to": None, "unit": "tp", "fraction": 0.5, "max_on_site": None}
    ]
    assert got["suspensions"][0]["from"] == START and got["presence"]["floors"][1]["min"] == 2
    # A job for one unit takes the policy's parts about that unit; the hotline is served
    # from home by someone of tp, the floor keeps someone on site.
    job = run_job(client, site_id, unit_id="tp", time_limit=5)
    assert job["status"] == "done", job
    roster = client.get(f"/rosters/{job['roster_id']}", headers=HR).json()["revision"]["roster"]
    duties = roster["remote_duties"]
    assert duties and {d["post"] for d in duties} == {"hotline"}
    on_site = {(a["date"], a["shift"]) for a in roster["assignments"]}
    assert all((d["date"], d["shift"]) in on_site for d in duties)
    # A floor naming a unit the site does not have is refused with the reason.
    bad = {"presence": {"floors": [{"unit": "nope", "min": 1}]}}
    r = client.put(
        f"/sites/{site_id}/policy",
        json={"policy": bad, "reason": "typo"},
        headers=fresh(client, f"/sites/{site_id}/policy"),
    )
    assert r.status_code == 422 and "unknown unit 'nope'" in r.json()["message"]
