"""The API's input errors in the request's language (``Accept-Language: vi``, ``?lang=vi``);
English stays as it was."""

from __future__ import annotations

import re

from tests.api.helpers import HR, fresh, make_site

VI = {**HR, "Accept-Language": "vi-VN,vi;q=0.9,en;q=0.8"}
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùý]")
CSV_PART_TIME = "id,name,unit,skills,contract\nn1,Lê Văn A,tp,counter,part_time\n"


def test_a_422_validation_body_in_vietnamese(client) -> None:
    site_id = make_site(client)
    policy = client.get(f"/sites/{site_id}/policy", headers=HR).json()["policy"]
    policy["teams"]["count"] = 0
    policy["teams"]["rotation"] = "daily"
    url = f"/sites/{site_id}/policy"
    r = client.put(
        url, json={"policy": policy, "reason": "x"}, headers={**fresh(client, url), **VI}
    )
    assert r.status_code == 422, r.text
    body = r.json()
    messages = {i["field"]: i["message"] for i in body["issues"]}
    count = next(m for f, m in messages.items() if f.endswith("teams.count"))
    rotation = next(m for f, m in messages.items() if f.endswith("teams.rotation"))
    assert count == "Phải lớn hơn hoặc bằng 1"
    assert rotation == "Phải là 'half_day', 'day', 'week' hoặc 'free'"
    assert VIETNAMESE.search(body["message"]) and body["field"] in messages
    assert {i["type"] for i in body["issues"]} >= {"greater_than_equal", "literal_error"}
    # the same request in English: pydantic's own words, as before
    r = client.put(url, json={"policy": policy, "reason": "x"}, headers=fresh(client, url))
    messages = {i["field"]: i["message"] for i in r.json()["issues"]}
    assert "Input should be greater than or equal to 1" in messages.values()


def test_not_found_and_unknown_route_in_vietnamese(client) -> None:
    r = client.get("/sites/khong-co", headers=VI)
    assert r.status_code == 404
    assert r.json()["message"] == "không tìm thấy cơ quan 'khong-co'"
    r = client.get("/sites/khong-co", headers=HR, params={"lang": "vi"})
    assert r.json()["message"] == "không tìm thấy cơ quan 'khong-co'"
    r = client.get("/sites/khong-co", headers=HR)
    assert r.json()["message"] == "site 'khong-co' not found"
    r = client.get("/khong-co-duong-nay", headers=VI)
    assert r.status_code == 404 and r.json()["message"] == "Không tìm thấy"
    r = client.get("/sites", headers={"Accept-Language": "vi"})
    assert r.status_code == 401 and r.json()["message"].startswith("thiếu thông tin xác thực")


def test_staff_import_names_the_missing_contract_and_the_order_of_set_up_in_vietnamese(
    client,
) -> None:
    site_id = make_site(client)
    r = client.post(
        f"/sites/{site_id}/staff/import",
        files={"file": ("staff.csv", CSV_PART_TIME.encode(), "text/csv")},
        headers=VI,
    )
    assert r.status_code == 422, r.text
    body = r.json()
    message = body["message"]
    assert message.startswith("tệp có 1 lỗi; lỗi đầu tiên: tệp staff.csv, dòng 2, cột 'contract'")
    assert "không có loại hợp đồng 'part_time'" in message
    assert f"PUT /sites/{site_id}/policy với contracts.part_time" in message
    assert "rồi mới nhập danh sách cán bộ" in message and "Thứ tự thiết lập" in message
    issue = body["issues"][0]
    assert issue["field"] == "contract" and issue["row"] == 2 and issue["file"] == "staff.csv"
    assert issue["message"] == "không có loại hợp đồng 'part_time'"
    # a short row is a warning in Vietnamese too
    short = "id,name,unit,skills,contract\nn2,Trần Thị B,tp\n"
    r = client.post(
        f"/sites/{site_id}/staff/import",
        files={"file": ("staff.csv", short.encode(), "text/csv")},
        params={"mode": "merge", "lang": "vi"},
        headers=HR,
    )
    assert r.status_code == 200, r.text
    assert r.json()["warnings"] == [
        "tệp staff.csv, dòng 2: chỉ có 3/5 ô; các cột skills, contract nhận giá trị mặc định "
        "(thiếu dấu phân cách?)"
    ]


def test_a_built_in_scenario_that_does_not_exist_in_vietnamese(client) -> None:
    r = client.post("/sites/demo", json={"scenario": "khong-co"}, headers=VI)
    assert r.status_code == 404, r.text
    assert r.json()["message"].startswith(
        "không tìm thấy kịch bản 'khong-co'; các kịch bản có sẵn:"
    )


def test_edge_limits_answer_in_the_request_language(client) -> None:
    r = client.post(
        "/sites", content=b'{"a": "x\\u0000y"}', headers={**VI, "content-type": "application/json"}
    )
    assert r.status_code == 422, r.text
    assert "không được có ký tự điều khiển" in r.json()["message"]
