"""Duties from home (posts of kind ``remote``) in the change list: a person moved on or off the
hotline is a change, in ``changes.csv`` (both languages), in the text and in the API's revision
differences."""

from __future__ import annotations

import csv
import datetime as dt
import io

from api.services import diff
from roster.events import Event, apply_events, cell_states, changes_csv, diff_roster, format_changes
from roster.model import Demand, Post, RemoteDuty, Roster
from solver.reroster import reroster
from tests.helpers import MONDAY, quiet_policy, tiny_problem, tiny_roster

WED = MONDAY + dt.timedelta(days=2)
THU = MONDAY + dt.timedelta(days=3)


def hotline_office():
    posts = [
        Post(id="C", name="Counter C", name_vi="Quầy C", demands=[Demand(shifts=["AM"])]),
        Post(
            id="H",
            name="Hotline",
            name_vi="Đường dây nóng",
            kind="remote",
            demands=[Demand(shifts=["AM"], max=1)],
        ),
    ]
    return tiny_problem(
        n_staff=4, posts=posts, policy=quiet_policy(coverage={}, availability={}, remote={})
    )


def test_cell_states_name_duties_from_home() -> None:
    p = hotline_office()
    r = tiny_roster(p, on=[("s0", 0, "AM", "C"), ("s2", 0, "AM")], remote=[("s1", 0, "AM", "H")])
    assert cell_states(r) == {
        ("s0", MONDAY, "AM"): "on_site:C",
        ("s2", MONDAY, "AM"): "on_site",
        ("s1", MONDAY, "AM"): "remote:H",
    }
    # a clash (on site and on the hotline at once) shows both
    r.remote_duties.append(RemoteDuty(staff="s0", date=MONDAY, shift="AM", post="H"))
    assert cell_states(r)[("s0", MONDAY, "AM")] == "on_site:C+remote:H"


def test_a_hotline_handed_over_is_two_changes_in_both_languages() -> None:
    """s1 holds the hotline Mon-Fri; s1 is sick Wed-Thu and s2 takes it those two mornings:
    four changes (s1 off twice, s2 on the hotline twice), nothing else."""
    p = hotline_office()
    old = tiny_roster(
        p,
        on=[("s0", d, "AM", "C") for d in range(5)],
        remote=[("s1", d, "AM", "H") for d in range(5)],
    )
    new = old.model_copy(deep=True)
    new.remote_duties = [
        RemoteDuty(staff="s2" if x.date in (WED, THU) else "s1", date=x.date, shift="AM", post="H")
        for x in old.remote_duties
    ]
    sick = Event(kind="sick", staff="s1", date=WED, end=THU)
    applied = apply_events(p, old, [sick], WED)
    changes = diff_roster(applied.problem, old, new, WED, applied.isolated)
    got = [(c.staff, c.date, c.before, c.after, c.reason) for c in changes]
    assert got == [
        ("s1", WED, "remote:H", "off", "sick"),
        ("s1", THU, "remote:H", "off", "sick"),
        ("s2", WED, "remote", "remote:H", "covers"),
        ("s2", THU, "remote", "remote:H", "covers"),
    ]
    rows = list(csv.reader(io.StringIO(changes_csv(changes, "en", p))))
    assert rows[0] == ["kind", "staff", "name", "date", "shift", "before", "after", "reason"]
    assert rows[1] == ["cell", "s1", "Person 1", WED.isoformat(), "AM", "remote:H", "off", "sick"]
    assert rows[3][5:] == ["remote", "remote:H", "covers"]
    vi = list(csv.reader(io.StringIO(changes_csv(changes, "vi", p))))
    assert vi[1][5:] == ["trực Đường dây nóng tại nhà", "nghỉ", "nghỉ ốm"]
    assert vi[3][5:] == ["làm việc tại nhà", "trực Đường dây nóng tại nhà", "thay thế"]
    text = format_changes(changes, p)
    assert "remote -> from home on duty Hotline  (covers)" in text
    assert "Changes: 4 cell(s)" in text
    assert "trực Đường dây nóng tại nhà -> nghỉ  (nghỉ ốm)" in format_changes(changes, p, "vi")


def test_moving_from_a_counter_to_the_hotline_is_one_change() -> None:
    p = hotline_office()
    old = tiny_roster(p, on=[("s0", 0, "AM", "C")])
    new = tiny_roster(p, remote=[("s0", 0, "AM", "H")])
    changes = diff_roster(p, old, new, MONDAY)
    assert [(c.before, c.after) for c in changes] == [("on_site:C", "remote:H")]


def test_the_api_revision_diff_lists_duties_from_home() -> None:
    p = hotline_office()
    old = tiny_roster(p, remote=[("s1", 0, "AM", "H")])
    new = tiny_roster(p, remote=[("s2", 0, "AM", "H")])
    assert diff(old, new) == [
        {
            "kind": "cell",
            "staff": "s1",
            "date": MONDAY.isoformat(),
            "shift": "AM",
            "before": "remote:H",
            "after": "remote",
        },
        {
            "kind": "cell",
            "staff": "s2",
            "date": MONDAY.isoformat(),
            "shift": "AM",
            "before": "remote",
            "after": "remote:H",
        },
    ]
    assert diff(new, new) == [] and diff(Roster(), Roster()) == []


def test_a_reroster_lists_the_hotline_it_hands_over() -> None:
    """The re-roster of a sick hotline holder lists every duty from home it moved: each
    changed duty in the rosters appears as a change, and nothing else does."""
    p = hotline_office()
    old = tiny_roster(
        p,
        on=[("s0", d, "AM", "C") for d in range(5)],
        remote=[("s1", d, "AM", "H") for d in range(5)],
    )
    sick = Event(kind="sick", staff="s1", date=WED, end=THU)
    res = reroster(p, old, [sick], time_limit=5, workers=1)
    assert res.roster is not None and res.report is not None and res.report.ok
    moved = {(r.staff, r.date) for r in old.remote_duties} ^ {
        (r.staff, r.date) for r in res.roster.remote_duties
    }
    listed = {(c.staff, c.date) for c in res.changes if "remote:H" in (c.before, c.after)}
    assert moved and listed == moved
    assert {(c.staff, c.date) for c in res.changes} == moved


def test_cli_reroster_writes_duties_from_home_in_changes_csv(tmp_path, capsys) -> None:
    """``roster reroster --out`` on disk: the sick hotline holder's duties and whoever takes
    them are rows of changes.csv, in English ids and in Vietnamese words."""
    from cli.main import main
    from roster.io import write_scenario
    from roster.schema import dumps, roster_file

    p = hotline_office()
    old = tiny_roster(
        p,
        on=[("s0", d, "AM", "C") for d in range(5)],
        remote=[("s1", d, "AM", "H") for d in range(5)],
    )
    folder = tmp_path / "office"
    write_scenario(p, folder)
    rfile = tmp_path / "roster.json"
    rfile.write_text(dumps(roster_file(p, old)), encoding="utf-8")
    events = tmp_path / "events.yaml"
    events.write_text(
        f"events:\n  - {{kind: sick, staff: s1, date: {WED}, end: {THU}}}\n", encoding="utf-8"
    )
    for lang, gone, taken in [
        ("en", "remote:H", "remote:H"),
        ("vi", "trực Đường dây nóng tại nhà", "trực Đường dây nóng tại nhà"),
    ]:
        out = tmp_path / f"new-{lang}"
        args = ["reroster", str(folder), str(rfile), str(events), "--time-limit", "4"]
        code = main(args + ["--workers", "1", "--out", str(out), "--lang", lang])
        assert code == 0, capsys.readouterr().out
        capsys.readouterr()
        rows = list(csv.reader(io.StringIO((out / "changes.csv").read_text(encoding="utf-8-sig"))))
        s1 = [r for r in rows[1:] if r[1] == "s1"]
        others = [r for r in rows[1:] if r[1] not in ("s1", "s0")]
        assert len(s1) == 2 and all(r[5] == gone for r in s1), rows
        assert len(others) == 2 and all(r[6] == taken for r in others), rows


def test_a_close_contact_at_home_who_takes_the_hotline_covers() -> None:
    """s2, a close contact isolated at home, takes the hotline from the sick s1: s2's change is
    'covers' (not the isolation), s1's is 'sick'; s0 leaves the counter for isolation."""
    p = hotline_office()
    old = tiny_roster(p, on=[("s0", 2, "AM", "C")], remote=[("s1", 2, "AM", "H")])
    new = tiny_roster(p, on=[("s3", 2, "AM", "C")], remote=[("s2", 2, "AM", "H")])
    events = [
        Event(kind="sick", staff="s1", date=WED),
        Event(kind="contact", staff="s2", date=WED),
        Event(kind="contact", staff="s0", date=WED),
    ]
    applied = apply_events(p, old, events, WED)
    changes = diff_roster(applied.problem, old, new, WED, applied.isolated)
    assert {c.staff: (c.before, c.after, c.reason) for c in changes} == {
        "s0": ("on_site:C", "remote", "close contact"),
        "s1": ("remote:H", "off", "sick"),
        "s2": ("remote", "remote:H", "covers"),
        "s3": ("remote", "on_site:C", "covers"),
    }
