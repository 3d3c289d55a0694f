"""Problems of the repair tests: a Land Registration office whose cap is too small for its posts
on one shift, and a small office to re-roster by hand."""

from __future__ import annotations

import datetime as dt

from roster.events import Event
from roster.model import Contract, CountLimit, Demand, Post, Problem, SlotDemand, Staff, Unit
from tests.helpers import MONDAY, quiet_policy, tiny_problem, tiny_roster


def land_office(extra_need: bool = True) -> Problem:
    """Land Registration (12 staff, cap 1/3 = 4) and Internal Affairs (6 staff). Counters L1, L2,
    L3 and the seal task belong to Land Registration; on Tue 14 Dec morning L1 needs 2 people, so
    the posts need 5 while the cap allows 4. Only Land Registration staff hold 'land' and
    'seal'."""
    staff = [
        Staff(
            id=f"L{i:02d}",
            name=f"Land {i}",
            unit="land",
            skills=["land"] + (["seal"] if i < 2 else []),
        )
        for i in range(12)
    ]
    staff += [Staff(id=f"N{i}", name=f"Internal {i}", unit="noivu") for i in range(6)]
    posts = [
        Post(
            id=f"L{i}",
            name=f"L{i}",
            skill="land",
            unit="land",
            demands=[Demand(shifts=["AM"])],
            slot_demands=[SlotDemand(date=MONDAY + dt.timedelta(days=1), shift="AM", min=2)]
            if i == 1 and extra_need
            else [],
        )
        for i in (1, 2, 3)
    ]
    posts.append(
        Post(
            id="seal",
            name="Seal",
            kind="task",
            skill="seal",
            unit="land",
            demands=[Demand(shifts=["AM"])],
        )
    )
    problem = tiny_problem(
        staff=staff,
        units=("land", "noivu"),
        posts=posts,
        skills=["land", "seal"],
        policy=quiet_policy(cap={"fraction": 1 / 3}, coverage={"enabled": True}),
    )
    problem.site.units[0] = Unit(id="land", name="Land Registration")
    problem.site.units[1] = Unit(id="noivu", name="Internal Affairs")
    return problem


def seal_contract_office() -> Problem:
    """One seal holder whose contract allows 2 on-site shifts a week, while the seal task needs
    someone every morning: the precheck (which checks contract minimums only) misses it."""
    staff = [Staff(id="K0", name="Keeper", unit="U", skills=["seal"], contract="part")]
    staff += [Staff(id=f"s{i}", name=f"Person {i}", unit="U") for i in range(1, 4)]
    posts = [
        Post(id="seal", name="Seal", kind="task", skill="seal", demands=[Demand(shifts=["AM"])])
    ]
    policy = quiet_policy(
        coverage={"enabled": True},
        contracts={"default": Contract(), "part": Contract(counts=[CountLimit(hard_max=2)])},
    )
    return tiny_problem(staff=staff, posts=posts, skills=["seal"], policy=policy)


def counter_office(n: int = 4) -> Problem:
    """``n`` people, one counter C (no skill) needing one person every morning, Mon-Fri; every
    rule off but coverage and availability."""
    posts = [Post(id="C", name="Counter C", demands=[Demand(shifts=["AM"])])]
    return tiny_problem(
        n_staff=n,
        posts=posts,
        policy=quiet_policy(coverage={"enabled": True}, availability={"enabled": True}),
    )


def it_office(keeper_max: int | None = None, resilience: bool = False, holders: int = 2):
    """Four people in two teams (rotation by day); s0 (team 1) and s1 (team 2) hold 'it'; the
    IT task needs one person every morning."""
    contracts = {"default": Contract()}
    if keeper_max is not None:
        contracts["short"] = Contract(counts=[CountLimit(hard_max=keeper_max)])
    staff = [
        Staff(
            id=f"s{i}",
            name=f"Person {i}",
            unit="U",
            skills=["it"] if i < holders else [],
            contract="short" if (i == 1 and keeper_max is not None) else "default",
        )
        for i in range(4)
    ]
    posts = [
        Post(id="it", name="IT support", kind="task", skill="it", demands=[Demand(shifts=["AM"])])
    ]
    policy = quiet_policy(
        coverage={"enabled": True},
        availability={"enabled": True},
        teams={"count": 2, "rotation": "day"},
        contracts=contracts,
    )
    policy.resilience.enabled = resilience
    return tiny_problem(staff=staff, posts=posts, skills=["it"], policy=policy)


TEAMS = {"s0": 0, "s1": 1, "s2": 0, "s3": 1}


def whole_team_office(s3_on_tuesday: bool):
    """Teams alternate by day: team 0 (s0, s1) Mon/Wed/Fri, team 1 (s2, s3) Tue/Thu, teams
    fixed in the staff list. s0 is at counter C on team 0's mornings, s2 on team 1's; with
    ``s3_on_tuesday`` s3 also works on site on Tuesday (general work)."""
    p = counter_office()
    p.policy.teams.enabled = True
    p.policy.teams.rotation = "day"
    p.staff = [s.model_copy(update={"team": 0 if i < 2 else 1}) for i, s in enumerate(p.staff)]
    on = [
        ("s0", 0, "AM", "C"),
        ("s2", 1, "AM", "C"),
        ("s0", 2, "AM", "C"),
        ("s2", 3, "AM", "C"),
        ("s0", 4, "AM", "C"),
    ]
    if s3_on_tuesday:
        on.append(("s3", 1, "AM"))
    old = tiny_roster(p, on=on)
    old.teams = {"s0": 0, "s1": 0, "s2": 1, "s3": 1}
    wed = MONDAY + dt.timedelta(days=2)
    events = [
        Event(kind="positive", staff="s0", date=wed),
        Event(kind="contact", staff="s1", date=wed),
    ]
    return p, old, events
