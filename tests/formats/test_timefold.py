"""The Timefold demo reader, the assignment writer and Timefold's own score."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from roster.formats import timefold
from roster.model import Assignment, Roster

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "timefold"

TINY = """\
E|Ann|X|2026-01-04|2026-01-02|2026-01-01
E|Bob|X,Y|||
S|1|2026-01-01T22:00:00|2026-01-02T06:00:00|Ward|X
S|2|2026-01-02T06:00:00|2026-01-02T14:00:00|Ward|X
S|3|2026-01-02T06:00:00|2026-01-02T14:00:00|Ward|X
S|4|2026-01-03T22:00:00|2026-01-04T06:00:00|Ward|Y
"""


def tiny() -> timefold.Instance:
    return timefold.parse(TINY, "tiny")


def test_small_parses() -> None:
    inst = timefold.read_raw(DATA / "instance_SMALL.txt")
    p = timefold.to_problem(inst)
    assert len(p.staff) == 15
    assert len(inst.shifts) == 139
    assert sum(sd.min for post in p.site.posts for sd in post.slot_demands) == 139
    assert all(sd.min == sd.max for post in p.site.posts for sd in post.slot_demands)
    assert sorted(s.id for s in p.site.shifts) == [
        "06:00-14:00",
        "09:00-17:00",
        "14:00-22:00",
        "22:00-06:00",
    ]
    (c,) = p.policy.contracts.values()
    assert c.max_shifts_per_day == 1 and c.min_rest_hours == 10
    assert not p.site.general_duty_allowed


def test_large_parses() -> None:
    inst = timefold.read_raw(DATA / "instance_LARGE.txt")
    p = timefold.to_problem(inst)
    assert len(p.staff) == 50
    assert sum(sd.min for post in p.site.posts for sd in post.slot_demands) == 935


def test_identical_shifts_make_one_slot_demand_of_two() -> None:
    p = timefold.to_problem(tiny())
    post = next(x for x in p.site.posts if x.id == "Ward / X")
    demand = {(sd.date, sd.shift): (sd.min, sd.max) for sd in post.slot_demands}
    assert demand[(dt.date(2026, 1, 2), "06:00-14:00")] == (2, 2)
    assert demand[(dt.date(2026, 1, 1), "22:00-06:00")] == (1, 1)


def test_unavailable_date_also_blocks_the_night_before() -> None:
    p = timefold.to_problem(tiny())
    ann = [(a.start, tuple(a.shifts)) for a in p.absences if a.staff == "Ann"]
    assert (dt.date(2026, 1, 4), ()) in ann
    assert (dt.date(2026, 1, 3), ("22:00-06:00",)) in ann


def test_wishes_are_weighted_by_minutes_on_the_date() -> None:
    p = timefold.to_problem(tiny())
    req = {(r.date, r.shift, r.on_site): r.weight for r in p.requests if r.staff == "Ann"}
    # undesired 2 Jan: the night from 1 Jan overlaps it 360 min, the 06:00 shift 480 min
    assert req[(dt.date(2026, 1, 1), "22:00-06:00", False)] == 360
    assert req[(dt.date(2026, 1, 2), "06:00-14:00", False)] == 480
    # desired 1 Jan: the night starting then overlaps [00:00, 23:59:59.999999] 119 whole min
    assert req[(dt.date(2026, 1, 1), "22:00-06:00", True)] == 119
    assert p.objective_offset == -119


def test_score_of_a_trivial_assignment() -> None:
    inst = tiny()
    score = timefold.timefold_score(inst, {"1": "Ann", "2": "Ann", "3": "Bob", "4": "Bob"})
    # Hard: shift 2 starts 0 h after shift 1 ends: 600 - 0 = 600.
    # Soft: undesired 2 Jan: -(360 + 480); desired 1 Jan: +119; counts Ann 2, Bob 2, mean 2:
    # balance 0.
    assert score.hard == -600
    assert score.soft == pytest.approx(-840 + 119)
    hard, soft = score
    assert (hard, soft) == (score.hard, score.soft)


def test_score_counts_skill_unavailable_and_balance() -> None:
    inst = tiny()
    score = timefold.timefold_score(inst, {"1": "Bob", "2": "Bob", "3": "Ann", "4": "Ann"})
    # Hard: Bob rest 0 h (600); Ann on shift 4 lacks skill Y (1) and it ends on her unavailable
    # 4 Jan (360 min). Soft: Ann on shift 3 (undesired 2 Jan, 480); balance 0.
    assert score.parts["Missing required skill"] == -1
    assert score.parts["Unavailable employee"] == -360
    assert score.hard == -(600 + 1 + 360)
    assert score.soft == pytest.approx(-480)
    lopsided = timefold.timefold_score(inst, {"1": "Bob", "2": None, "3": "Bob", "4": "Bob"})
    # one empty shift: 1 hard; counts Bob 3, Ann 0, mean 1.5: sqrt(2 x 1.5^2)
    assert lopsided.parts["Unassigned shift"] == -1
    assert lopsided.parts["Balance employee shift assignments"] == pytest.approx(
        -math.sqrt(2 * 1.5**2)
    )


def test_write_assignment_maps_back_to_original_ids() -> None:
    inst = tiny()
    roster = Roster(
        assignments=[
            Assignment(staff="Bob", date=dt.date(2026, 1, 2), shift="06:00-14:00", post="Ward / X"),
            Assignment(staff="Ann", date=dt.date(2026, 1, 2), shift="06:00-14:00", post="Ward / X"),
            Assignment(staff="Bob", date=dt.date(2026, 1, 3), shift="22:00-06:00", post="Ward / Y"),
        ]
    )
    text = timefold.write_assignment(inst, roster)
    assert text.splitlines() == ["shift_id,employee", "1,", "2,Ann", "3,Bob", "4,Bob"]
    assert timefold.read_assignment(text) == {"1": None, "2": "Ann", "3": "Bob", "4": "Bob"}
    extra = Roster(
        assignments=[
            *roster.assignments,
            roster.assignments[0].model_copy(update={"staff": "Ann"}),
            roster.assignments[0],
        ]
    )
    with pytest.raises(ValueError, match="no such shift"):
        timefold.write_assignment(inst, extra)


def test_referee_objective_matches_timefold_terms() -> None:
    validation = pytest.importorskip("roster.validation")
    inst = tiny()
    p = timefold.to_problem(inst)
    a = {"1": "Bob", "2": "Ann", "3": "Bob", "4": "Bob"}
    roster = Roster(
        assignments=[
            Assignment(
                staff=a[s.id],
                date=s.start.date(),
                shift=s.type_id,
                post=timefold.post_id(s.location, s.skill),
            )
            for s in inst.shifts
        ]
    )
    report = validation.check(p, roster)
    score = timefold.timefold_score(inst, a)
    # objective = undesired - desired minutes + L1 balance (counts Bob 3, Ann 1; band [2, 2])
    wishes = -(
        score.parts.get("Undesired day for employee", 0)
        + score.parts.get("Desired day for employee", 0)
    )
    assert report.objective == wishes + 2
