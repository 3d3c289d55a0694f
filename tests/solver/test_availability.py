"""Availability: absences keep people off site (hard, soft, per shift, switched off)."""

from roster.model import Absence, AbsenceReason, RuleSwitch, Status
from tests.helpers import date, fix, quiet_policy, solve_checked, tiny_problem


def _absent(**kw):
    return [Absence(staff="s0", start=date(0), end=date(0), **kw)]


def test_hard_absence_forbids_on_site():
    p = tiny_problem(
        days=1,
        n_staff=1,
        absences=_absent(),
        policy=quiet_policy(availability=RuleSwitch()),
        fixed=fix(("s0", 0, "AM")),
    )
    assert solve_checked(p).status == Status.infeasible


def test_soft_absence_costs_weight_per_slot():
    # On site in one unavailable slot: 9.
    p = tiny_problem(
        days=1,
        n_staff=1,
        absences=_absent(reason=AbsenceReason.remote_only),
        policy=quiet_policy(availability=RuleSwitch(hard=False, weight=9)),
        fixed=fix(("s0", 0, "AM")),
    )
    r = solve_checked(p)
    assert r.objective == 9 and r.penalties[0].rule == "availability"


def test_absence_limited_to_shifts():
    p = tiny_problem(
        days=1,
        n_staff=1,
        absences=_absent(shifts=["AM"]),
        policy=quiet_policy(availability=RuleSwitch()),
        fixed=fix(("s0", 0, "PM")),
    )
    assert solve_checked(p).objective == 0


def test_availability_off():
    p = tiny_problem(
        days=1,
        n_staff=1,
        absences=_absent(),
        policy=quiet_policy(availability=RuleSwitch(enabled=False)),
        fixed=fix(("s0", 0, "AM")),
    )
    assert solve_checked(p).status == Status.optimal
