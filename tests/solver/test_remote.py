"""Remote duties (posts of kind ``remote``, ``RemoteDutyRule``) alone: served from home by a
qualified person who is not on site and not off."""

from roster.model import Absence, Demand, Post, Staff, Status
from tests.helpers import MONDAY, date, fix, quiet_policy, solve_checked, tiny_problem


def _hotline(min_: int = 1, skill: str | None = "phone") -> list[Post]:
    return [
        Post(id="H", kind="remote", skill=skill, demands=[Demand(min=min_, max=1, shifts=["AM"])])
    ]


def _staff() -> list[Staff]:
    return [
        Staff(id="s0", unit="U", skills=["phone"]),
        Staff(id="s1", unit="U", skills=["phone"]),
        Staff(id="s2", unit="U"),
    ]


def test_the_duty_goes_to_the_qualified_person_at_home():
    # s0 is on leave, s1 is fixed on site: nobody qualified is left at home -> infeasible;
    # without the fixed cell s1 serves the hotline from home.
    leave = [Absence(staff="s0", start=MONDAY, end=MONDAY)]
    pol = quiet_policy(coverage={}, remote={})
    p = tiny_problem(
        days=1, staff=_staff(), skills=["phone"], posts=_hotline(), policy=pol, absences=leave
    )
    r = solve_checked(p)
    assert r.status == Status.optimal and r.roster is not None
    assert [(d.staff, d.post, d.shift) for d in r.roster.remote_duties] == [("s1", "H", "AM")]
    assert r.roster.assignments == []
    p = p.model_copy(update={"fixed": fix(("s1", 0, "AM"))})
    assert solve_checked(p).status == Status.infeasible


def test_soft_rule_prices_a_duty_served_while_off():
    # Only s0 holds the skill and s0 is in isolation: hard -> infeasible; soft (9) -> 9.
    staff = _staff()[:1] + _staff()[2:]
    off = [Absence(staff="s0", start=MONDAY, end=MONDAY, reason="isolation")]
    p = tiny_problem(
        days=1,
        staff=staff,
        skills=["phone"],
        posts=_hotline(),
        policy=quiet_policy(coverage={}, remote={}),
        absences=off,
    )
    assert solve_checked(p).status == Status.infeasible
    p = p.model_copy(
        update={"policy": quiet_policy(coverage={}, remote={"hard": False, "weight": 9})}
    )
    r = solve_checked(p)
    assert r.status == Status.optimal and r.objective == 9
    assert [(x.rule, x.staff) for x in r.penalties] == [("remote.off", "s0")]


def test_working_from_home_is_no_obstacle():
    # A remote_only absence (works, never on site) does not stop a remote duty.
    staff = _staff()[:1]
    home = [Absence(staff="s0", start=MONDAY, end=MONDAY, reason="remote_only")]
    p = tiny_problem(
        days=1,
        staff=staff,
        skills=["phone"],
        posts=_hotline(),
        policy=quiet_policy(coverage={}, remote={}, availability={}),
        absences=home,
    )
    r = solve_checked(p)
    assert r.status == Status.optimal and r.roster is not None
    assert [d.date for d in r.roster.remote_duties] == [date(0)]
