"""Rapid tests: every on-site day is covered by a test taken within the last ``valid_days`` days
(or by ``Staff.last_test``), within the testing point's daily capacity, each test costing
``cost_per_test``."""

from __future__ import annotations

import datetime as dt

from roster.index import ProblemIndex
from roster.model import Problem
from roster.scopes import DayScope, PersonScope
from solver.context import Ctx, Term
from solver.expr import Lit, lsum

#: Add the redundant "on site on an uncovered day -> at least one test" (see
#: :func:`_at_least_one_test`).
AT_LEAST_ONE_TEST = True


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


def add_redundant(ctx: Ctx) -> None:
    """The redundant constraints of the family, added once the whole model is built (their
    variables last: measured, the search proves more with them there). Hard test coverage
    only."""
    rule = ctx.problem.policy.tests
    if not AT_LEAST_ONE_TEST or not rule.enabled or ctx.diagnosis:
        return
    if ctx.switch_weight(rule) is not None:
        return
    v = ctx.vars
    for s, st in ctx.idx.staff_by_id.items():
        if v.x_by_staff.get(s):
            on = {d: v.on_day(s, d) for d in range(ctx.idx.days)}
            _at_least_one_test(ctx, s, on, st.last_test)
    for unit, positive in ctx.fair_min_positive.items():
        for s in ctx.idx.fairness_groups[unit]:
            _tested_when_everyone_comes(ctx, s, positive)


def _at_least_one_test(ctx: Ctx, s: str, on: dict[int, Lit], last: dt.date | None) -> None:
    """Redundant (hard test coverage only): the days the person may be on site that the last
    test does not cover fall into *clusters*, split wherever two such days are at least
    ``valid_days`` apart, so that no test covers days of two clusters. Someone on site in a
    cluster takes a test whose window reaches it: ``sum of those t >= u`` with ``u`` the
    literal "on site in the cluster" (``sum of its shift literals <= n * u``).

    The per-day clauses already say so, but only day by day: neither their linear relaxation
    nor propagation links a count of on-site shifts (fairness: every member of a unit on site at
    least once) to a test. Measured on the 40-person unit VP of the generated office 100x1-1
    (core portfolio, 15 s, two runs each): proven optimal at 28 in 2.7-4.8 s with it, a bound
    of 23-24 without it (and 23 after 60 s).
    """
    idx, v = ctx.idx, ctx.vars
    valid = ctx.problem.policy.tests.valid_days
    days = [
        d for d in sorted(on) if on[d] is not False and not _covered_by(last, idx.date(d), valid)
    ]
    clusters: list[list[int]] = []
    for d in days:
        if clusters and d - clusters[-1][-1] < valid:
            clusters[-1].append(d)
        else:
            clusters.append([d])
    for k, cluster in enumerate(clusters):
        # The shift literals themselves (not the day literals): a count of shifts (fairness)
        # then reaches u by one linear propagation.
        cells = [x for d in cluster for _, x in v.x_by_staff_day.get((s, d), ())]
        reach = range(max(0, cluster[0] - valid + 1), cluster[-1] + 1)
        ts = [t for b in reach if (t := v.t.get((s, b))) is not None]
        if not cells or not ts:
            continue
        u = ctx.model.new_bool_var(f"tested[{s},{k}]")
        ctx.model.add(lsum(cells) <= len(cells) * u)
        ctx.model.add(lsum(ts) >= u)


def _tested_when_everyone_comes(ctx: Ctx, s: str, positive: Lit) -> None:
    """Redundant: when the unit's fairness minimum is at least 1 (``positive``), member ``s``
    is on site at least once, so takes a test or is on site on a day the last test covers:
    ``sum of s's tests + sum of s's shift literals on covered days >= positive``. One literal
    per unit, so the relaxation prices "everyone comes" at a test per member rather than a
    fraction of one per person and cluster (see :func:`_at_least_one_test`)."""
    idx, v = ctx.idx, ctx.vars
    valid = ctx.problem.policy.tests.valid_days
    last = idx.staff_by_id[s].last_test
    free = [
        x
        for d in range(idx.days)
        if _covered_by(last, idx.date(d), valid)
        for _, x in v.x_by_staff_day.get((s, d), ())
    ]
    ts = [t for d in range(idx.days) if (t := v.t.get((s, d))) is not None]
    ctx.model.add(lsum([*ts, *free]) >= positive)


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
