"""Presence floors: in every open slot, at least the unit's floor of its people on site."""

from __future__ import annotations

from roster.index import ProblemIndex
from roster.model import Problem
from roster.scopes import UnitSlotScope
from solver.context import Ctx, Term


def build(ctx: Ctx) -> list[Term]:
    """Per unit and open slot with a floor: the unit's people on site at least the floor."""
    rule = ctx.problem.policy.presence
    if not rule.enabled:
        return []
    weight = ctx.switch_weight(rule)
    idx, v = ctx.idx, ctx.vars
    terms: list[Term] = []
    for (unit, d, sh), floor in sorted(
        idx.presence_floors.items(), key=lambda kv: (kv[0][1], idx.shift_order[kv[0][2]], kv[0][0])
    ):
        members = set(idx.staff_of_unit[unit])
        xs = [x for s, x in v.x_by_slot.get((d, sh), ()) if s in members]
        terms += ctx.at_least(
            "presence",
            UnitSlotScope(unit, d, sh),
            sum(xs) if xs else 0,
            floor,
            0,
            weight,
            f"presence[{unit},{d},{sh}]",
            day=d,
            shift=sh,
            unit=unit,
            detail=f"at least {floor} on site",
        )
    return terms


def hard_links_people(problem: Problem, idx: ProblemIndex) -> bool:
    """A hard floor asks several people of a unit together."""
    rule = problem.policy.presence
    return rule.enabled and rule.hard and bool(idx.presence_floors)
