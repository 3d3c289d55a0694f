"""Teams: no mixing, rotation pattern, balance, one team per person."""

from roster.model import Request, RequestRule, Status, TeamRule
from tests.helpers import cells, date, fix, quiet_policy, solve_checked, tiny_problem, tiny_staff


def _staff(*teams):
    return [
        s.model_copy(update={"team": t}) for s, t in zip(tiny_staff(len(teams)), teams, strict=True)
    ]


def test_mixing_forbidden_when_hard():
    p = tiny_problem(
        days=1,
        staff=_staff(0, 1),
        policy=quiet_policy(teams=TeamRule(rotation="free")),
        fixed=fix(("s0", 0, "AM"), ("s1", 0, "AM")),
    )
    assert solve_checked(p).status == Status.infeasible


def test_mixing_soft_costs_teams_minus_one():
    # One slot with teams 0 and 1 present: 3 x (2 - 1) = 3.
    p = tiny_problem(
        days=1,
        staff=_staff(0, 1),
        policy=quiet_policy(teams=TeamRule(rotation="free", hard=False, weight=3)),
        fixed=fix(("s0", 0, "AM"), ("s1", 0, "AM")),
    )
    r = solve_checked(p)
    assert r.objective == 3 and [x.rule for x in r.penalties] == ["teams.mix"]


def test_rotation_day_pattern():
    # rotation "day": open day 1 belongs to team 1; s0 (team 0) fixed there.
    pol = quiet_policy(teams=TeamRule(rotation="day"))
    p = tiny_problem(days=2, staff=_staff(0, None), policy=pol, fixed=fix(("s0", 1, "AM")))
    assert solve_checked(p).status == Status.infeasible
    # Soft, weight 5: one person-slot outside the pattern -> 5 (no mixing: s1 stays home).
    pol = quiet_policy(teams=TeamRule(rotation="day", hard=False, weight=5))
    p = tiny_problem(days=2, staff=_staff(0, None), policy=pol, fixed=fix(("s0", 1, "AM")))
    r = solve_checked(p)
    assert r.objective == 5 and [x.rule for x in r.penalties] == ["teams.rotation"]


def test_solver_picks_teams_to_meet_requests():
    # Monday (day 0) is team 0's, Tuesday team 1's. s0, s1 want Monday, s2, s3 Tuesday: two
    # balanced teams meet every wish -> 0.
    reqs = [
        Request(staff=s, date=date(d), shift="AM", weight=10)
        for s, d in (("s0", 0), ("s1", 0), ("s2", 1), ("s3", 1))
    ]
    p = tiny_problem(
        days=2,
        n_staff=4,
        requests=reqs,
        policy=quiet_policy(teams=TeamRule(rotation="day"), requests=RequestRule()),
    )
    r = solve_checked(p)
    assert r.objective == 0
    assert r.roster.teams == {"s0": 0, "s1": 0, "s2": 1, "s3": 1}
    assert {("s0", 0, "AM"), ("s3", 1, "AM")} <= cells(r, p)


def test_half_day_pattern():
    # half_day: (day 0, AM) team 0, (day 0, PM) team 1. s0 asks for both: one is lost -> 1.
    reqs = [Request(staff="s0", date=date(0), shift=sh) for sh in ("AM", "PM")]
    p = tiny_problem(
        days=1,
        n_staff=2,
        requests=reqs,
        policy=quiet_policy(teams=TeamRule(rotation="half_day"), requests=RequestRule()),
    )
    r = solve_checked(p)
    assert r.objective == 1 and set(r.roster.teams) == {"s0", "s1"}


def test_balance():
    # Fixed teams 0, 0, 0, 1 in one unit: sizes 3 and 1 differ by 2.
    p = tiny_problem(days=1, staff=_staff(0, 0, 0, 1), policy=quiet_policy(teams=TeamRule()))
    assert solve_checked(p).status == Status.infeasible
    # Soft weight 2: amount = 3 - 1 - 1 = 1 -> 2.
    p = tiny_problem(
        days=1, staff=_staff(0, 0, 0, 1), policy=quiet_policy(teams=TeamRule(hard=False, weight=2))
    )
    r = solve_checked(p)
    assert r.objective == 2 and [x.rule for x in r.penalties] == ["teams.balance"]


def test_non_rotating_staff_have_no_team_and_may_join_any_slot():
    staff = _staff(0, None)
    staff[1] = staff[1].model_copy(update={"rotates": False})
    p = tiny_problem(
        days=2,
        staff=staff,
        policy=quiet_policy(teams=TeamRule(rotation="day")),
        fixed=fix(("s0", 0, "AM"), ("s1", 0, "AM"), ("s1", 1, "AM")),
    )
    r = solve_checked(p)
    assert r.status == Status.optimal and r.roster.teams == {"s0": 0}
