"""The Curtois & Qu reader: the mapping, the solution format, best-known values, and agreement
between the referee and the benchmark's own objective (written from FORMAT.md alone)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from roster.formats import curtois
from roster.model import AbsenceReason, Roster

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "curtois-qu"


def inst(i: int) -> curtois.Instance:
    return curtois.read_raw(DATA / f"Instance{i}.txt")


def test_instance1_parses_to_8_staff_14_days() -> None:
    p = curtois.read_instance(DATA / "Instance1.txt")
    assert len(p.staff) == 8
    assert p.horizon.days == 14
    assert p.horizon.start.weekday() == 0  # day 0 is a Monday
    assert [s.id for s in p.site.shifts] == ["D"]
    assert p.site.shifts[0].minutes == 480
    assert not p.site.general_duty_allowed
    (post,) = p.site.posts
    # The post has no skill: MaxShifts=0 is a count bound of 0 instead (see to_problem).
    assert post.skill is None and post.under_weight == 100 and post.over_weight == 1
    assert post.demands == []
    assert [(sd.min, sd.max) for sd in post.slot_demands][:3] == [(5, 5), (7, 7), (6, 6)]
    assert len(p.absences) == 8 and all(a.reason == AbsenceReason.rest for a in p.absences)
    assert sum(r.on_site for r in p.requests) == 21
    assert sum(not r.on_site for r in p.requests) == 5
    pol = p.policy
    assert not (pol.cap.enabled or pol.teams.enabled or pol.tests.enabled or pol.fairness.enabled)
    assert pol.coverage.hard and pol.availability.hard
    (c,) = pol.contracts.values()
    assert c.max_shifts_per_day == 1 and c.min_rest_hours is None
    on, off = c.runs
    assert (on.state, on.hard_min, on.hard_max, on.exempt_at_borders) == ("on", 2, 5, True)
    assert (off.state, off.hard_min, off.exempt_at_borders) == ("off", 2, True)
    assert c.weekends.hard_max == 1
    minutes = [cl for cl in c.counts if cl.measure == "minutes"]
    assert (minutes[0].hard_min, minutes[0].hard_max) == (3360, 4320)


def test_instance_sizes_match_format_md() -> None:
    # FORMAT.md "Instance sizes": (days, staff, shift types, on-requests, off-requests)
    sizes = {2: (14, 14, 2, 50, 12), 8: (28, 30, 4, 139, 86), 13: (28, 120, 18, 589, 252)}
    for i, (days, staff, shifts, on, off) in sizes.items():
        x = inst(i)
        assert (
            x.horizon,
            len(x.staff),
            len(x.shifts),
            len(x.on_requests),
            len(x.off_requests),
        ) == (days, staff, shifts, on, off)


def test_max_shifts_zero_is_a_count_bound_of_zero() -> None:
    x = inst(3)
    p = curtois.to_problem(x)
    for s, sd in zip(p.staff, x.staff, strict=True):
        assert set(s.skills) == {k for k, v in sd.max_shifts.items() if v > 0}
        contract = p.policy.contracts[s.contract]
        zero = {
            cl.shifts[0] for cl in contract.counts if cl.measure == "shifts" and cl.hard_max == 0
        }
        assert zero == {k for k, v in sd.max_shifts.items() if v == 0}
    assert {post.skill for post in p.site.posts} == {None}


def test_cannot_follow_becomes_forbidden_successions() -> None:
    x = inst(3)
    p = curtois.to_problem(x)
    expected = {(s.id, t) for s in x.shifts for t in s.cannot_follow}
    for c in p.policy.contracts.values():
        assert {(sc.first, sc.then) for sc in c.successions} == expected
        assert all(sc.weight is None for sc in c.successions)


def test_all_off_scores_7137_by_the_benchmark_definition() -> None:
    x = inst(1)
    _, obj = curtois.evaluate(x, [[None] * 14 for _ in x.staff])
    assert obj == 7137  # 71 x 100 undercover + 37 unmet on-requests (FORMAT.md)


def test_all_off_scores_7137_under_the_referee() -> None:
    validation = pytest.importorskip("roster.validation")
    p = curtois.read_instance(DATA / "Instance1.txt")
    report = validation.check(p, Roster())
    assert report.objective == 7137
    # all-off breaks only the minimum total minutes (8 people, 3360 minutes each)
    assert {v.rule for v in report.violations} == {"contract.count.min"}


@pytest.mark.parametrize("i", [2, 3, 8])
def test_referee_objective_equals_benchmark_objective_on_random_rosters(i: int) -> None:
    validation = pytest.importorskip("roster.validation")
    x = inst(i)
    p = curtois.to_problem(x)
    rng = random.Random(i)
    for _ in range(3):
        # random rosters within the skills (the referee does not count unskilled people)
        grid = [
            [
                rng.choice([None] + [k for k, v in s.max_shifts.items() if v > 0])
                for _ in range(x.horizon)
            ]
            for s in x.staff
        ]
        bad, obj = curtois.evaluate(x, grid)
        report = validation.check(p, curtois.grid_to_roster(p, grid))
        assert report.objective == obj
        assert len(report.violations) == len(bad)


def test_solution_round_trip() -> None:
    p = curtois.read_instance(DATA / "Instance3.txt")
    x = inst(3)
    rng = random.Random(0)
    grid = [[rng.choice([None] + [s.id for s in x.shifts]) for _ in range(14)] for _ in x.staff]
    roster = curtois.grid_to_roster(p, grid)
    text = curtois.write_solution(p, roster)
    lines = text.splitlines()
    assert len(lines) == len(x.staff)
    assert all(len(line.split("\t")) == 14 for line in lines)
    back = curtois.read_solution(p, text)
    assert curtois.roster_to_grid(p, back) == grid
    key = sorted((a.staff, a.date, a.shift, a.post) for a in roster.assignments)
    assert sorted((a.staff, a.date, a.shift, a.post) for a in back.assignments) == key


def test_two_shifts_a_day_cannot_be_written() -> None:
    p = curtois.read_instance(DATA / "Instance3.txt")
    r = curtois.read_solution(p, "D\n" * len(p.staff))
    r.assignments.append(r.assignments[0].model_copy(update={"shift": "E"}))
    with pytest.raises(ValueError, match="two shifts"):
        curtois.write_solution(p, r)


def test_evaluate_border_exemption_of_minimum_runs() -> None:
    # Instance1: MinConsecutiveShifts 2, MinConsecutiveDaysOff 2. A single working day at day 0
    # touches the border and is exempt; the same inside the horizon is a breach.
    x = inst(1)
    base = [[None] * 14 for _ in x.staff]
    base[1][0] = "D"
    bad, _ = curtois.evaluate(x, base)
    assert not any("run of 1 working" in b for b in bad)
    base[1][0] = None
    base[1][5] = "D"
    bad, _ = curtois.evaluate(x, base)
    assert any("run of 1 working days from day 5" in b for b in bad)


def test_best_known() -> None:
    best = curtois.read_best_known(DATA / "best_known.csv")
    assert len(best) == 24
    assert best["Instance1"].upper_bound == 607 and best["Instance1"].optimal_known == "yes"
    assert best["Instance10"].lower_bound is None and best["Instance10"].upper_bound == 4631
    assert best["Instance24"].upper_bound == 42463


def test_bad_file_names_the_line() -> None:
    text = (DATA / "Instance1.txt").read_text().replace("A,D=14,4320", "A,X=14,4320")
    with pytest.raises(curtois.FormatError, match="line .*unknown shift 'X'"):
        curtois.parse(text, "broken")


def test_crlf_is_accepted() -> None:
    text = (DATA / "Instance1.txt").read_text().replace("\n", "\r\n")
    assert curtois.parse(text).horizon == 14


def test_start_must_be_monday() -> None:
    with pytest.raises(ValueError, match="Monday"):
        curtois.to_problem(inst(1), start=dt.date(2024, 1, 2))
