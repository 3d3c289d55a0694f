"""Fairness: within each unit, the eligible members' numbers of on-site shifts differ little;
each unit pays ``weight x (max - min)``."""

from __future__ import annotations

from solver.context import Ctx, Term
from solver.expr import lsum

#: The search splits on each unit's "fairness minimum at least 1" (2 ** units cases, see
#: :func:`solver.search._split_phase`) when the model has at most this many fairness terms:
#: a unit solved as an independent part.
SPLIT_MAX_UNITS = 2


def build(ctx: Ctx) -> list[Term]:
    """Per unit, weight x (max - min) of on-site shift counts over its eligible members."""
    rule = ctx.problem.policy.fairness
    if not rule.enabled or rule.weight == 0:
        return []
    model, v = ctx.model, ctx.vars
    n_slots = len(ctx.idx.open_slots)
    terms: list[Term] = []
    split = len(ctx.idx.fairness_groups) <= SPLIT_MAX_UNITS
    for unit, members in ctx.idx.fairness_groups.items():
        exprs = [lsum(v.x_by_staff.get(s, [])) for s in members]
        counts = []
        for s, e in zip(members, exprs, strict=True):
            c = model.new_int_var(0, n_slots, f"shifts[{s}]")
            model.add(c == e)
            counts.append(c)
        top = model.new_int_var(0, n_slots, f"fair_max[{unit}]")
        bottom = model.new_int_var(0, n_slots, f"fair_min[{unit}]")
        model.add_max_equality(top, counts)
        model.add_min_equality(bottom, counts)
        # Redundant: the largest count is at least the mean, the smallest at most the mean. In
        # integers this proves a spread of 1 whenever the total is not a multiple of the group
        # size, which the search alone is slow to see.
        total = lsum(counts)
        model.add(len(counts) * top >= total)
        model.add(len(counts) * bottom <= total)
        if split:
            # The case "everyone on site at least once" as one literal: the search splits on
            # it (with the minimum at 0 the spread is the largest count; at 1 or more everyone
            # needs a test), which proves units far faster than the search over the free
            # minimum does (see solver.search._split_phase). Not made when there are more
            # units than the split takes: unused, it slowed district-on-call (12 units) from
            # 1.6-2.5 s to 6.6-8.8 s.
            positive = model.new_bool_var(f"fair_min_positive[{unit}]")
            model.add(bottom >= positive)
            model.add(bottom <= n_slots * positive)
            ctx.fair_min_positive[unit] = positive

        # One non-negative spread variable per unit in the objective, rather than the
        # expression top - bottom: the core-based worker then starts from a bound of 0 instead
        # of minus the number of slots per unit (measured: far faster proofs).
        spread = model.new_int_var(0, n_slots, f"fair_spread[{unit}]")
        model.add(spread >= top - bottom)
        if split:
            ctx.fair_max[unit] = (top, spread)

        def amount(val, counts=counts) -> int:
            vals = [val(c) for c in counts]
            return max(vals) - min(vals)

        terms.append(
            Term(
                "fairness",
                rule.weight,
                spread,
                amount=amount,
                unit=unit,
                detail="max - min of on-site shifts",
            )
        )
    return terms
