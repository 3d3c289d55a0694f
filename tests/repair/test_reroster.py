"""Re-rostering after events, worked out by hand on a one-counter office, and substitutes."""

from __future__ import annotations

import datetime as dt

from roster.events import Event, apply_events, close_contacts
from roster.model import Assignment, Request
from roster.validation import check
from solver.reroster import reroster
from solver.substitutes import substitutes
from tests.helpers import MONDAY, tiny_roster
from tests.repair.offices import counter_office

WED = MONDAY + dt.timedelta(days=2)


def published(problem, extra=()):
    """s0 at counter C every morning Mon-Fri (plus ``extra`` cells)."""
    return tiny_roster(problem, on=[("s0", d, "AM", "C") for d in range(5)] + list(extra))


def test_positive_case_changes_exactly_the_cells_it_must() -> None:
    """By hand: s0 tests positive on Wed and is isolated 14 days. Mon-Tue stay. Wed, Thu, Fri
    s0 goes off (3 cells) and someone must take counter C each of those mornings (3 cells):
    6 changed cells is the least any valid roster can do."""
    p = counter_office()
    old = published(p)
    res = reroster(p, old, [Event(kind="positive", staff="s0", date=WED)], time_limit=5, workers=1)
    assert res.roster is not None and res.report is not None
    assert res.report.ok, res.report.violations
    assert res.changed_cells == 6
    assert [i.staff for i in res.isolated] == ["s0"]
    off = [c for c in res.changes if c.staff == "s0"]
    assert [(c.date.weekday(), c.before, c.after) for c in off] == [
        (2, "on_site:C", "off"),
        (3, "on_site:C", "off"),
        (4, "on_site:C", "off"),
    ]
    assert all(
        c.before == "remote" and c.after == "on_site:C" for c in res.changes if c.staff != "s0"
    )
    # Mon and Tue are kept exactly.
    before = {(a.staff, a.date, a.shift, a.post) for a in old.assignments if a.date < WED}
    after = {(a.staff, a.date, a.shift, a.post) for a in res.roster.assignments if a.date < WED}
    assert before == after
    # The referee confirms every change is needed: undo any one and a hard rule breaks.
    assert res.problem is not None
    new_cells = {(a.staff, a.date, a.shift): a for a in res.roster.assignments}
    for c in res.changes:
        cells = dict(new_cells)
        key = (c.staff, c.date, c.shift)
        if c.before == "remote":
            cells.pop(key)
        else:
            cells[key] = Assignment(staff=c.staff, date=c.date, shift=c.shift, post="C")
        undone = res.roster.model_copy(update={"assignments": list(cells.values())})
        assert not check(res.problem, undone).ok, c


def test_close_contacts_share_a_slot_within_the_lookback() -> None:
    p = counter_office()
    # s1 worked beside s0 on Tuesday morning; s2 on Monday afternoon (not with s0).
    old = published(p, extra=[("s1", 1, "AM"), ("s1", 3, "AM"), ("s2", 0, "PM")])
    assert close_contacts(p, old, "s0", WED) == ["s1"]
    applied = apply_events(p, old, [Event(kind="positive", staff="s0", date=WED)], WED)
    assert {(i.staff, i.reason) for i in applied.isolated} == {
        ("s0", "positive test"),
        ("s1", "close contact"),
    }
    res = reroster(p, old, [Event(kind="positive", staff="s0", date=WED)], time_limit=5, workers=1)
    assert res.report is not None and res.report.ok
    # s1's Thursday cell goes too: 3 (s0) + 1 (s1) + 3 covering cells.
    assert res.changed_cells == 7
    assert {c.staff for c in res.changes if c.after == "off"} == {"s0", "s1"}


def test_closed_counter_and_leave() -> None:
    p = counter_office()
    old = published(p)
    events = [
        Event(kind="post_closed", post="C", date=MONDAY + dt.timedelta(days=3)),
        Event(kind="leave", staff="s0", date=WED, end=WED),
    ]
    res = reroster(p, old, events, start=WED, time_limit=5, workers=1)
    assert res.report is not None and res.report.ok
    # Wed: s0 off, someone covers (2 cells); Thu, Fri: counter closed, s0 stays home (2 cells).
    assert res.changed_cells == 4


def test_substitutes_ranked_by_cost() -> None:
    p = counter_office()
    p = p.model_copy(
        update={
            "policy": p.policy.model_copy(
                update={"requests": p.policy.requests.model_copy(update={"enabled": True})}
            ),
            "requests": [
                Request(staff="s3", date=MONDAY + dt.timedelta(days=3), on_site=False, weight=7)
            ],
        }
    )
    old = published(p)
    res = substitutes(p, old, "s0", MONDAY + dt.timedelta(days=3), "AM")
    assert res.post == "C" and res.considered == 3
    assert [c.staff for c in res.candidates][-1] == "s3"
    assert res.candidates[-1].delta == 7 and res.candidates[0].delta == 0
    assert all(c.ok for c in res.candidates)


def test_whole_team_isolated_breaks_the_rotation_never_the_isolation() -> None:
    """Teams alternate by day: team 0 (s0, s1) Mon/Wed/Fri, team 1 (s2, s3) Tue/Thu. s0 tests
    positive on Wed and s1 is a close contact: team 0 has nobody left for Wed and Fri, so no
    roster meets every hard rule. The re-roster still answers: team 1 covers counter C on Wed
    and Fri outside its rotation (2 rotation breaches, listed by the referee), and nobody
    isolated is put on site."""
    p = counter_office()
    p.policy.teams.enabled = True
    p.policy.teams.rotation = "day"
    p.staff = [s.model_copy(update={"team": 0 if i < 2 else 1}) for i, s in enumerate(p.staff)]
    old = tiny_roster(
        p,
        on=[
            ("s0", 0, "AM", "C"),
            ("s2", 1, "AM", "C"),
            ("s0", 2, "AM", "C"),
            ("s2", 3, "AM", "C"),
            ("s0", 4, "AM", "C"),
        ],
    )
    old.teams = {"s0": 0, "s1": 0, "s2": 1, "s3": 1}
    assert check(p, old).ok
    events = [
        Event(kind="positive", staff="s0", date=WED),
        Event(kind="contact", staff="s1", date=WED),
    ]
    res = reroster(p, old, events, time_limit=5, workers=1)
    assert res.softened and res.roster is not None and res.report is not None
    rules = sorted(v.rule for v in res.report.violations)
    assert rules == ["teams.rotation", "teams.rotation"], res.report.violations
    on_site = {(a.staff, a.date.weekday()) for a in res.roster.assignments}
    assert not {("s0", 2), ("s0", 4), ("s1", 2), ("s1", 4)} & on_site
    covered = {d for (s, d) in on_site if s in ("s2", "s3")}
    assert {2, 4} <= covered

    strict = reroster(p, old, events, time_limit=5, workers=1, soften_if_infeasible=False)
    assert strict.status.value == "infeasible" and strict.roster is None
