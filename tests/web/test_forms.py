"""The web layer's own logic without a browser: dates and words in both languages, the policy
form's parsing and field messages, the API field names mapped to form fields."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any

from api.web.i18n import TEXT, long_date, short_date, t
from api.web.pages import api_field, parse_policy_form, policy_diff, policy_form_values
from roster.model import Policy

ADMIN = "web-forms-admin-token-0123456789"


def test_dates_in_vietnamese_and_english():
    d = dt.date(2021, 12, 13)
    assert long_date(d, "vi") == "Thứ Hai 13/12/2021"
    assert long_date("2021-12-19", "vi") == "Chủ Nhật 19/12/2021"
    assert long_date(d, "en") == "Monday 13/12/2021"
    assert short_date(d, "vi") == "T2 13/12"


def test_every_word_exists_in_both_languages():
    for key, (vi, en) in TEXT.items():
        assert vi.strip() and en.strip(), key
        assert vi.count("{") == en.count("{"), key  # same placeholders
    assert t("week.title", "vi") != t("week.title", "en")


def _form(policy: dict, **changes: object) -> dict:
    values = policy_form_values(policy)
    form = {k: v for k, v in values.items() if not isinstance(v, bool)}
    form.update({k: "on" for k, v in values.items() if v is True})
    form.update(changes)
    return form


def test_policy_form_round_trip_and_fraction():
    base = Policy().model_dump(mode="json")
    policy, errors, _ = parse_policy_form(
        _form(base, **{"cap.fraction": "1/2", "reason": "x"}), base, "vi"
    )
    assert errors == {}
    assert policy["cap"]["fraction"] == 0.5
    assert Policy.model_validate(policy).cap.fraction == 0.5
    assert policy_diff(base, policy) == [("cap.fraction", base["cap"]["fraction"], 0.5)]


def test_policy_form_messages_next_to_each_field():
    base = Policy().model_dump(mode="json")
    form = _form(
        base,
        **{"cap.fraction": "2", "teams.count": "0", "contracts": "{bad", "reason": ""},
    )
    _, errors, values = parse_policy_form(form, base, "vi")
    assert "từ 0 đến 1" in errors["cap.fraction"]
    assert errors["teams.count"] == "Phải là số nguyên từ 1 trở lên."
    assert errors["contracts"].startswith("JSON không hợp lệ")
    assert errors["reason"] == "Bắt buộc nhập."
    assert values["cap.fraction"] == "2"  # what the user typed comes back


def test_api_fields_map_to_form_fields():
    assert api_field("policy.cap.fraction") == "cap.fraction"
    assert api_field("body.policy.contracts.default.counts") == "contracts"


def test_a_page_that_fails_answers_with_a_page_in_words(tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from api.main import create_app
    from api.settings import Settings
    from api.web import pages
    from api.web.session import COOKIE, store_of

    settings = Settings(
        _env_file=None, database_url=f"sqlite:///{tmp_path / 'w.db'}", admin_token=ADMIN
    )  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as c:
        sid, _ = store_of(c.app).create(ADMIN, {"role": "hr", "name": "adm"})
        c.cookies.set(COOKIE, sid)

        async def broken(*a, **kw):
            raise RuntimeError("boom")

        monkeypatch.setattr(pages, "pick_site", broken)
        r = c.get("/web/week")
        assert r.status_code == 500
        assert r.headers["content-type"].startswith("text/html")
        assert "chưa có thay đổi nào được lưu" in r.text
        assert "boom" not in r.text
        # without a session the pages send you to sign in; the proxy answers 401 in JSON
        c.cookies.clear()
        r = c.get("/web/week", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/web/login")
        assert c.get("/web/api/sites").status_code == 401


@contextlib.contextmanager
def _hr_on_ward(tmp_path) -> Iterator[Any]:
    """A test client of a fresh app with the ward-one-stop demo site, signed in as HR."""
    from fastapi.testclient import TestClient

    from api.main import create_app
    from api.settings import Settings
    from api.web.session import COOKIE, store_of

    settings = Settings(
        _env_file=None, database_url=f"sqlite:///{tmp_path / 'w.db'}", admin_token=ADMIN
    )  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as c:
        r = c.post(
            "/sites/demo",
            json={"scenario": "ward-one-stop", "site_id": "w"},
            headers={"Authorization": f"Bearer {ADMIN}"},
        )
        assert r.status_code == 201, r.text
        sid, _ = store_of(c.app).create(ADMIN, {"role": "hr", "name": "adm"})
        c.cookies.set(COOKIE, sid)
        yield c


def test_every_page_renders_in_both_languages(tmp_path):
    from api.web.session import LANG_COOKIE

    with _hr_on_ward(tmp_path) as c:
        pages = {
            "/web/week?site=w&unit=MC&start=2021-12-13": (
                "Lịch làm việc theo tuần",
                "Weekly roster",
            ),
            "/web/policy?site=w": ("Quy định phòng dịch", "Policy"),
            "/web/policy?site=w&a=1&b=1": (
                "Hai phiên bản giống nhau",
                "The two versions are the same",
            ),
            "/web/staff?site=w": ("Danh sách cán bộ", "Staff"),
            "/web/absences?site=w": ("Vắng mặt", "Absences"),
            "/web/whatif?site=w": ("So sánh hai phương án", "What-if"),
            "/web/positive": ("Xử lý ca dương tính", "After a positive case"),
            "/web/print?site=w&start=2021-12-13": ("Không có lịch nào để in", "No roster to print"),
        }
        for lang, i in (("vi", 0), ("en", 1)):
            c.cookies.set(LANG_COOKIE, lang)
            for path, words in pages.items():
                r = c.get(path)
                assert r.status_code == 200, (path, r.text[-500:])
                assert f'<html lang="{lang}">' in r.text
                assert words[i] in r.text, (lang, path)


def test_hr_loads_a_built_in_scenario_from_the_empty_week_page(tmp_path):
    import re

    from fastapi.testclient import TestClient

    from api.main import create_app
    from api.settings import Settings
    from api.web.session import COOKIE, store_of

    settings = Settings(
        _env_file=None, database_url=f"sqlite:///{tmp_path / 'w.db'}", admin_token=ADMIN
    )  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as c:
        sid, sess = store_of(c.app).create(ADMIN, {"role": "hr", "name": "adm"})
        c.cookies.set(COOKIE, sid)
        page = c.get("/web/week").text
        assert "Chưa có cơ quan nào" in page and 'value="ward-one-stop"' in page
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        r = c.post("/web/sites/demo", data={"csrf": "wrong", "scenario": "ward-one-stop"})
        assert r.status_code == 422 and "Phiên làm việc đã hết hạn" in r.text
        r = c.post(
            "/web/sites/demo",
            data={"csrf": csrf, "scenario": "ward-one-stop", "site_id": "phuong"},
            follow_redirects=False,
        )
        assert r.status_code == 303 and r.headers["location"] == "/web/week?site=phuong"
        page = c.get("/web/week?site=phuong").text
        assert "UBND phường Tân Đông Hiệp" in page and "Lập lịch tự động" in page


def test_staff_import_form_takes_a_file_and_refuses_a_text_field(tmp_path):
    """The staff page's import reads an uploaded file (Starlette's ``UploadFile``) and answers
    "required" when the ``file`` field comes as text or not at all."""
    import re

    from api.web.session import LANG_COOKIE

    with _hr_on_ward(tmp_path) as c:
        c.cookies.set(LANG_COOKIE, "en")
        page = c.get("/web/staff?site=w").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        form = {"csrf": csrf, "site": "w", "mode": "merge"}
        csv = "id,name,unit\nN1,Phạm Thị Dung,MC\n"
        r = c.post(
            "/web/staff/import", data=form, files={"file": ("staff.csv", csv.encode(), "text/csv")}
        )
        assert r.status_code == 200, r.text[-500:]
        assert "Imported 1 people; 40 in all." in r.text
        for data in ({**form, "file": "staff.csv"}, form):  # a text field, then no field
            r = c.post("/web/staff/import", data=data)
            assert r.status_code == 422 and "Required." in r.text


def test_accepting_a_proposal_sends_its_duties_from_home_and_reads_them():
    """The positive case's accept PATCHes every differing cell, duties from home included
    (a hotline handed over is two cells), and the change list words a duty from home."""
    import asyncio

    from api.web.pages import accept_proposal, state_text
    from roster.model import Assignment, RemoteDuty, Roster

    d = dt.date(2021, 12, 15)
    old = Roster(
        assignments=[Assignment(staff="a", date=d, shift="am", post="q1")],
        remote_duties=[RemoteDuty(staff="b", date=d, shift="am", post="h1")],
    )
    new = Roster(
        assignments=[Assignment(staff="c", date=d, shift="am", post="q1")],
        remote_duties=[RemoteDuty(staff="a", date=d, shift="am", post="h1")],
    )
    sent: list = []

    class FakeApi:
        async def write(self, method, path, etag, json):
            sent.append((method, path, etag, json))

    full = {"id": "r1", "revision": {"roster": old.model_dump(mode="json")}}
    # the isolations as the re-roster answered them (a contact isolated at home works remotely)
    isolated = [
        {"staff": "a", "reason": "positive test", "start": d, "end": d, "absence": "isolation"},
        {
            "staff": "c",
            "reason": "close contact",
            "start": d,
            "end": d,
            "remote": True,
            "absence": "remote_only",
        },
    ]
    proposal = {
        "roster": new.model_dump(mode="json"),
        "etag": '"4"',
        "reason": "F0",
        "ok": True,
        "isolated": isolated,
    }
    asyncio.run(accept_proposal(FakeApi(), full, proposal))
    (method, path, etag, body), *_ = sent
    assert (method, path, etag) == ("PATCH", "/rosters/r1", '"4"')
    day = d.isoformat()
    assert body["cells"] == [
        {"staff": "a", "date": day, "shift": "am", "on_site": False, "post": "h1"},
        {"staff": "b", "date": day, "shift": "am", "on_site": False},
        {"staff": "c", "date": day, "shift": "am", "on_site": True, "post": "q1"},
    ]
    # the isolations are recorded on the roster with the edit, so later edits are judged by them
    assert [(a["staff"], a["reason"], a["start"]) for a in body["absences"]] == [
        ("a", "isolation", day),
        ("c", "remote_only", day),
    ]
    assert state_text("remote:h1", {"h1": "H1"}, "vi") == "Ở nhà H1"
    assert state_text("on_site:q1+remote:h1", {"q1": "C1", "h1": "H1"}, "en") == (
        "On site C1 + At home H1"
    )


def test_the_printed_grid_keeps_only_open_days_and_shifts():
    from api.web.pages import grid_of
    from roster.io import load_scenario
    from roster.model import Roster

    problem = load_scenario("service-centre")  # open Monday-Friday and Saturday morning
    roster = Roster(assignments=[])
    full = grid_of(problem, roster, "vi")
    printed = grid_of(problem, roster, "vi", open_only=True)
    assert [len(s) for _, s in full["columns"]] == [2] * 7
    assert [len(s) for _, s in printed["columns"]] == [2, 2, 2, 2, 2, 1]
    assert [sid for sid, _ in printed["columns"][-1][1]] == ["morning"]
    assert printed["n_cells"] == 11 == len(printed["rows"][0]["cells"])
    assert {c["date"] for c in printed["rows"][0]["cells"]} == {
        d.isoformat() for d in printed["days"]
    }
