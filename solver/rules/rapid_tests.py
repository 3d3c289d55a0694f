"""Rapid tests: every on-site day is covered by a test taken within the last ``valid_days`` days
(or by ``Staff.last_test``), within the testing point's daily capacity, each test costing
``cost_per_test``."""

from __future__ import annotations

import datetime as dt

from roster.index import ProblemIndex
from roster.model import Problem
from roster.scopes import DayScope, PersonScope
from solver.context import Ctx, Term


def build(ctx: Ctx) -> list[Term]:
    """Test coverage of on-site days, daily capacity, booking days and the cost per test."""
    rule = ctx.problem.policy.tests
    if not rule.enabled:
        return []
    idx, v, model = ctx.idx, ctx.vars, ctx.model
    weight = ctx.switch_weight(rule)
    valid = rule.valid_days
    open_days = set(idx.open_days)
    terms: list[Term] = []
    staff_on_site = [s for s in idx.staff_by_id if v.x_by_staff.get(s)]

    for s in staff_on_site:
        on = {d: v.on_day(s, d) for d in range(idx.days)}
        # Booking: open days only; with on_site_day_only, a day the person may be on site.
        for d in sorted(open_days):
            if rule.on_site_day_only and on[d] is False:
                continue
            t = model.new_bool_var(f"t[{s},{d}]")
            v.t[(s, d)] = t
            if rule.on_site_day_only:
                model.add_implication(t, on[d])
            if rule.cost_per_test:
                terms.append(Term("tests.cost", rule.cost_per_test, t, staff=s, day=d))
        last = idx.staff_by_id[s].last_test
        for d in range(idx.days):
            if on[d] is False or _covered_by(last, idx.date(d), valid):
                continue
            ts = [v.t[(s, b)] for b in range(max(0, d - valid + 1), d + 1) if (s, b) in v.t]
            terms += ctx.clause(
                "tests.coverage",
                PersonScope(s),
                [~on[d], *ts],
                weight,
                f"untested[{s},{d}]",
                staff=s,
                day=d,
                detail=f"no test within {valid} days",
            )

    if rule.daily_capacity is not None:
        for d in sorted(open_days):
            ts = [v.t[(s, d)] for s in staff_on_site if (s, d) in v.t]
            if len(ts) > rule.daily_capacity:
                model.add(sum(ts) <= rule.daily_capacity).only_enforce_if(
                    *ctx.enforce("tests.capacity", DayScope(d))
                )
    return terms


def _covered_by(last: dt.date | None, date: dt.date, valid: int) -> bool:
    """Whether a test taken on ``last`` covers ``date``."""
    return last is not None and last <= date <= last + dt.timedelta(days=valid - 1)


def links_site(problem: Problem, idx: ProblemIndex, soft_hard_rules: bool) -> bool:
    """The testing point's daily capacity is shared by everyone."""
    tests = problem.policy.tests
    return tests.enabled and tests.daily_capacity is not None


def hard_links_people(problem: Problem, idx: ProblemIndex) -> bool:
    """The daily capacity (always hard) limits people together."""
    return links_site(problem, idx, False)
