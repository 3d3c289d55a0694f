"""Re-rostering after events, worked out by hand on a one-counter office, and substitutes."""

from __future__ import annotations

import datetime as dt

from roster.events import Event, apply_events, close_contacts, format_changes
from roster.model import Absence, Assignment, Demand, Post, Request, Staff
from roster.validation import check
from solver.reroster import reroster
from solver.substitutes import substitutes
from tests.helpers import MONDAY, quiet_policy, tiny_problem, tiny_roster
from tests.repair.offices import counter_office, whole_team_office

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
    # the positive case is off; the close contact works from home, not off
    assert {c.staff for c in res.changes if c.after == "off"} == {"s0"}
    assert [(c.staff, c.after) for c in res.changes if c.staff == "s1"] == [("s1", "remote")]
    assert [i.remote for i in res.isolated] == [False, True]
    assert res.problem is not None
    s1_thu = [a for a in res.problem.absences if a.staff == "s1"]
    assert [a.reason.value for a in s1_thu] == ["remote_only"]


def test_a_sick_close_contact_is_off() -> None:
    p = counter_office()
    old = published(p, extra=[("s1", 3, "AM")])
    events = [
        Event(kind="positive", staff="s0", date=WED),
        Event(kind="contact", staff="s1", date=WED, sick=True),
        Event(kind="contact", staff="s2", date=WED),
    ]
    applied = apply_events(p, old, events, WED)
    reasons = {a.staff: a.reason.value for a in applied.problem.absences}
    assert reasons == {"s0": "isolation", "s1": "isolation", "s2": "remote_only"}
    res = reroster(p, old, events, time_limit=5, workers=1)
    assert res.report is not None and res.report.ok
    assert [(c.staff, c.after) for c in res.changes if c.staff == "s1"] == [("s1", "off")]


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


def test_whole_team_isolated_a_team_fixed_by_hr_may_move() -> None:
    """s0 tests positive on Wed and s1 is a close contact: team 0 has nobody left for Wed and
    Fri. s3 (team 1 in the staff list) has not been on site this week, so s3 moves to team 0
    (priced, listed) and covers C on Wed and Fri: every rule holds, and the new roster's
    problem records s3's new team."""
    p, old, events = whole_team_office(s3_on_tuesday=False)
    assert check(p, old).ok
    res = reroster(p, old, events, time_limit=5, workers=1)
    assert not res.softened and res.report is not None and res.report.ok, res.report
    assert res.moved == ["s3"] and res.roster is not None and res.roster.teams["s3"] == 0
    assert [(c.staff, c.before, c.after) for c in res.changes if c.kind == "team"] == [
        ("s3", "team:1", "team:0")
    ]
    on_site = {(a.staff, a.date.weekday()) for a in res.roster.assignments}
    assert {("s3", 2), ("s3", 4)} <= on_site
    assert res.problem is not None
    assert {s.id: s.team for s in res.problem.staff}["s3"] == 0
    assert res.explanation == []


def test_whole_team_isolated_breaks_the_rotation_never_the_isolation() -> None:
    """As above, but s3 worked on site on Tuesday with team 1: nobody can move (a day already
    worked in team 1's turn), so no roster meets every hard rule. The re-roster says why (the
    diagnosis: counter C on Wednesday has nobody of team 0 left) and still answers: team 1
    covers C on Wed and Fri outside its rotation (2 rotation breaches, listed by the referee),
    and nobody isolated is put on site."""
    p, old, events = whole_team_office(s3_on_tuesday=True)
    assert check(p, old).ok
    res = reroster(p, old, events, time_limit=5, workers=1)
    assert res.softened and res.roster is not None and res.report is not None
    rules = sorted(v.rule for v in res.report.violations)
    assert rules == ["teams.rotation", "teams.rotation"], res.report.violations
    on_site = {(a.staff, a.date.weekday()) for a in res.roster.assignments}
    assert not {("s0", 2), ("s0", 4), ("s1", 2), ("s1", 4)} & on_site
    covered = {d for (s, d) in on_site if s in ("s2", "s3")}
    assert {2, 4} <= covered
    why = "\n".join(res.explanation)
    assert why.startswith("No roster can meet every hard rule"), why
    assert "Counter C" in why and "team" in why
    assert res.explanation_vi and res.explanation_vi != res.explanation

    strict = reroster(p, old, events, time_limit=5, workers=1, soften_if_infeasible=False)
    assert strict.status.value == "infeasible" and strict.roster is None
    assert strict.explanation and strict.explanation[0] == res.explanation[0]


# ---- teams: a same-team stand-in first, a priced move when none can ------------------------


def two_team_office(**problem_fields):
    """Six people in two teams alternating by day (team A on Mon, Wed, Fri; B on Tue, Thu);
    counter C needs a person holding 'land' every morning. A: s0, s2 (land), s4; B: s1, s3
    (land), s5. No contact tracing, so only the positive case leaves."""
    staff = [
        Staff(id=f"s{i}", name=f"Person {i}", unit="U", skills=["land"] if i < 4 else [])
        for i in range(6)
    ]
    posts = [Post(id="C", name="Counter C", skill="land", demands=[Demand(shifts=["AM"])])]
    policy = quiet_policy(
        coverage={"enabled": True},
        availability={"enabled": True},
        teams={"enabled": True, "rotation": "day", "balance": True},
        requests={"enabled": True},
    )
    policy.isolation.contacts = "none"
    return tiny_problem(staff=staff, posts=posts, skills=["land"], policy=policy, **problem_fields)


TEAMS = {"s0": 0, "s2": 0, "s4": 0, "s1": 1, "s3": 1, "s5": 1}


def two_team_roster(problem):
    """s0 at C on A's mornings (Mon, Wed, Fri), s1 on B's (Tue, Thu)."""
    on = [("s0", d, "AM", "C") for d in (0, 2, 4)] + [("s1", d, "AM", "C") for d in (1, 3)]
    return tiny_roster(problem, on=on, teams=TEAMS)


def test_a_same_team_stand_in_is_taken_before_a_move() -> None:
    """s0 (team A) tests positive on Wed. s2 (team A, land) can stand in on Wed and Fri; s3
    (team B, land) could too if moved. s2 does not want to come (2 x 300 = 600) and s3 asks to
    (saving 2 x 300), so without the price of a move s3 would be 1,200 cheaper. The move costs
    5,000, more than that difference: s2 stands in and nobody changes team."""
    p = two_team_office(
        requests=[
            Request(staff="s2", date=MONDAY + dt.timedelta(days=d), on_site=False, weight=300)
            for d in (2, 4)
        ]
        + [
            Request(staff="s3", date=MONDAY + dt.timedelta(days=d), on_site=True, weight=300)
            for d in (2, 4)
        ]
    )
    old = two_team_roster(p)
    res = reroster(p, old, [Event(kind="positive", staff="s0", date=WED)], time_limit=5, workers=1)
    assert res.report is not None and res.report.ok, res.report.violations
    assert res.moved == [] and not any(c.kind == "team" for c in res.changes)
    cover = {(a.date, a.staff) for a in res.roster.assignments if a.post == "C" and a.date >= WED}
    assert cover == {(WED, "s2"), (WED + dt.timedelta(days=1), "s1"), (WED + dt.timedelta(2), "s2")}
    assert res.roster.teams == TEAMS
    assert not [v for v in res.report.penalties if v.rule.startswith("teams")]


def test_a_move_to_the_other_team_when_no_stand_in_of_the_team_can() -> None:
    """As above, but s2 is on leave from Wed: team A has nobody left for the counter. s3 (team
    B, never on site before Wed) moves to team A, priced at 5,000 and listed; every rule holds."""
    p = two_team_office(absences=[Absence(staff="s2", start=WED, end=WED + dt.timedelta(2))])
    old = two_team_roster(p)
    res = reroster(p, old, [Event(kind="positive", staff="s0", date=WED)], time_limit=5, workers=1)
    assert res.report is not None and res.report.ok, res.report.violations
    assert not res.softened
    assert res.moved == ["s3"] and res.roster.teams["s3"] == 0
    move = [c for c in res.changes if c.kind == "team"]
    assert [(c.staff, c.before, c.after) for c in move] == [("s3", "team:1", "team:0")]
    assert res.change_cost >= 5_000
    cover = {(a.date, a.staff) for a in res.roster.assignments if a.post == "C" and a.date >= WED}
    assert (WED, "s3") in cover and (WED + dt.timedelta(2), "s3") in cover
    assert "team B -> team A" in format_changes(res.changes, res.problem)


def test_a_duty_from_home_moves_only_where_the_events_force_it() -> None:
    """s1 serves the hotline from home every morning; s1 falls sick from Wednesday: Mon and Tue
    stay, Wed-Fri the hotline goes to someone else at home (3 duties taken, 3 given); the
    counter's cells do not move."""
    posts = [
        Post(id="C", name="Counter C", demands=[Demand(shifts=["AM"])]),
        Post(id="H", name="Hotline", kind="remote", demands=[Demand(shifts=["AM"], max=1)]),
    ]
    p = tiny_problem(
        n_staff=4,
        posts=posts,
        policy=quiet_policy(coverage={}, availability={}, remote={}),
    )
    old = tiny_roster(
        p,
        on=[("s0", d, "AM", "C") for d in range(5)],
        remote=[("s1", d, "AM", "H") for d in range(5)],
    )
    assert check(p, old).ok
    fri = MONDAY + dt.timedelta(days=4)
    sick = Event(kind="sick", staff="s1", date=WED, end=fri)
    res = reroster(p, old, [sick], time_limit=5, workers=1)
    assert res.roster is not None and res.report is not None and res.report.ok
    kept = {(r.staff, r.date) for r in res.roster.remote_duties if r.date < WED}
    assert kept == {("s1", MONDAY), ("s1", MONDAY + dt.timedelta(days=1))}
    later = [r for r in res.roster.remote_duties if r.date >= WED]
    assert len(later) == 3 and all(r.staff not in ("s0", "s1") for r in later)
    assert {(a.staff, a.date) for a in res.roster.assignments} == {
        (a.staff, a.date) for a in old.assignments
    }
