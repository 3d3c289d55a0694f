"""What the API says when set-up goes wrong: a contract the staff file names but the policy does
not define, a cap written "1/2", an infeasible job's cause."""

from __future__ import annotations

from tests.api.helpers import HR, fresh, make_site, run_job

CSV_PART_TIME = "id,name,unit,skills,contract\nn1,Lê Văn A,tp,counter,part_time\n"


def test_staff_import_names_the_missing_contract_and_the_order_of_set_up(client):
    site_id = make_site(client)
    r = client.post(
        f"/sites/{site_id}/staff/import",
        files={"file": ("staff.csv", CSV_PART_TIME.encode(), "text/csv")},
        headers=HR,
    )
    assert r.status_code == 422, r.text
    body = r.json()
    assert "'part_time'" in body["message"]
    assert f"PUT /sites/{site_id}/policy" in body["message"]
    assert "contracts.part_time" in body["message"] and "then import the staff" in body["message"]
    assert body["issues"][0]["field"] == "contract"
    # following the advice works: define the contract, then import
    policy = client.get(f"/sites/{site_id}/policy", headers=HR).json()["policy"]
    policy["contracts"]["part_time"] = {"counts": [{"measure": "shifts", "hard_max": 4}]}
    r = client.put(
        f"/sites/{site_id}/policy",
        json={"policy": policy, "reason": "part-time staff"},
        headers=fresh(client, f"/sites/{site_id}/policy"),
    )
    assert r.status_code == 201, r.text
    r = client.post(
        f"/sites/{site_id}/staff/import",
        files={"file": ("staff.csv", CSV_PART_TIME.encode(), "text/csv")},
        params={"mode": "merge"},
        headers=HR,
    )
    assert r.status_code == 200, r.text
    assert r.json()["warnings"] == []
    # a short row loads with defaults, and the answer says so
    short = "id,name,unit,skills,contract\nn2,Trần Thị B,tp\n"
    r = client.post(
        f"/sites/{site_id}/staff/import",
        files={"file": ("staff.csv", short.encode(), "text/csv")},
        params={"mode": "merge"},
        headers=HR,
    )
    assert r.status_code == 200, r.text
    assert r.json()["warnings"] == [
        "staff.csv, row 2: 3 of 5 cells; skills, contract take their defaults (a separator "
        "missing?)"
    ]


def test_put_policy_accepts_a_cap_written_as_a_fraction(client):
    site_id = make_site(client)
    policy = client.get(f"/sites/{site_id}/policy", headers=HR).json()["policy"]
    for text, value in (("1/2", 0.5), ("50%", 0.5), ("1/3", 1 / 3)):
        policy["cap"]["fraction"] = text
        r = client.put(
            f"/sites/{site_id}/policy",
            json={"policy": policy, "reason": text},
            headers=fresh(client, f"/sites/{site_id}/policy"),
        )
        assert r.status_code == 201, r.text
        saved = client.get(f"/sites/{site_id}/policy", headers=HR).json()["policy"]
        assert abs(saved["cap"]["fraction"] - value) < 1e-9
    policy["cap"]["fraction"] = "3/2"
    r = client.put(
        f"/sites/{site_id}/policy",
        json={"policy": policy, "reason": "x"},
        headers=fresh(client, f"/sites/{site_id}/policy"),
    )
    assert r.status_code == 422 and "fraction" in r.json()["field"]
    # and when a site is created with its first policy
    site = make_site(client, policy={"cap": {"fraction": "1/2"}})
    saved = client.get(f"/sites/{site}/policy", headers=HR).json()["policy"]
    assert saved["cap"]["fraction"] == 0.5


def test_an_infeasible_job_says_why(client):
    # cap 0 on site while every unit's counter needs a person: no roster (the real solver)
    site_id = make_site(client, policy={"cap": {"fraction": 0, "minimum": 0}})
    job = run_job(client, site_id, time_limit=3)
    assert job["status"] == "infeasible", job
    message = job["message"]
    assert message.startswith("no roster meets the hard rules; ")
    assert "cap allows 0" in message and "Quầy, tp" in message, message


def test_an_infeasible_job_says_why_in_the_language_of_its_request(client):
    """The job keeps the language of the request that created it (Accept-Language here): its
    message and the explanation in it are Vietnamese, whoever reads it later."""
    site_id = make_site(client, policy={"cap": {"fraction": 0, "minimum": 0}})
    job = run_job(
        client, site_id, time_limit=3, headers={**HR, "Accept-Language": "vi-VN,vi;q=0.9"}
    )
    assert job["status"] == "infeasible", job
    message = job["message"]
    assert message.startswith("không có lịch nào đáp ứng mọi quy tắc bắt buộc; "), message
    assert "phát hiện trước khi xếp lịch: T2 " in message, message  # the precheck's finding
    assert "giới hạn chỉ cho 0" in message and "ca sáng" in message, message
    assert "cap allows" not in message and "found before solving" not in message, message
    # read back in English, the job still says it in the language it was asked in
    again = client.get(f"/jobs/{job['id']}", headers=HR).json()
    assert again["message"] == message
