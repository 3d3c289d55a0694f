"""Teams: each rotating person is in one team, teams never mix on site, each team keeps to its
rotation pattern, and team sizes within a unit differ by at most one."""

from __future__ import annotations

from collections import defaultdict

from roster.index import ProblemIndex
from roster.model import Problem
from roster.scopes import PersonScope, SlotScope, UnitScope
from solver.context import Ctx, Term


def build(ctx: Ctx) -> list[Term]:
    """No mixing of teams per slot, the rotation pattern, and balanced team sizes per unit."""
    teams = ctx.problem.policy.teams
    if not teams.enabled:
        return []
    idx, v, model = ctx.idx, ctx.vars, ctx.model
    weight = ctx.switch_weight(teams)
    k_count = teams.count
    pattern = idx.pattern_team
    rotating = set(idx.rotating_staff)
    terms: list[Term] = []

    # Rotation: on site only in the slots of one's team.
    if pattern and k_count > 1:
        for (s, d, sh), x in v.x.items():
            if s not in rotating:
                continue
            z = v.z[(s, pattern[(d, sh)])]
            terms += ctx.clause(
                "teams.rotation",
                PersonScope(s),
                [~x, z],
                weight,
                f"rotation[{s},{d},{sh}]",
                staff=s,
                day=d,
                shift=sh,
                detail=f"slot of team {pattern[(d, sh)]}",
            )

    # No mixing. With a hard pattern this is implied by the rotation, so skip it then.
    if k_count > 1 and (not pattern or weight is not None):
        for (d, sh), cells in v.x_by_slot.items():
            cells = [(s, x) for s, x in cells if s in rotating]
            if len(cells) < 2:
                continue
            present = [model.new_bool_var(f"team_present[{k},{d},{sh}]") for k in range(k_count)]
            for s, x in cells:
                for k in range(k_count):
                    model.add_bool_or([~x, ~v.z[(s, k)], present[k]])
            terms += _no_mix(ctx, d, sh, cells, present, weight)

    # Balance of team sizes within each unit.
    if teams.balance and k_count > 1:
        by_unit: dict[str, list[str]] = defaultdict(list)
        for s in idx.rotating_staff:
            by_unit[idx.staff_by_id[s].unit].append(s)
        for unit, members in by_unit.items():
            n = len(members)
            lo, hi = n // k_count, -(-n // k_count)
            sizes = [sum(v.z[(s, k)] for s in members) for k in range(k_count)]
            if weight is None:
                for size in sizes:
                    model.add_linear_constraint(size, lo, hi).only_enforce_if(
                        *ctx.enforce("teams.balance", UnitScope(unit))
                    )
            elif weight > 0:
                size_vars = []
                for k, size in enumerate(sizes):
                    sv = model.new_int_var(0, n, f"team_size[{unit},{k}]")
                    model.add(sv == size)
                    size_vars.append(sv)
                top = model.new_int_var(0, n, f"team_size_max[{unit}]")
                bottom = model.new_int_var(0, n, f"team_size_min[{unit}]")
                model.add_max_equality(top, size_vars)
                model.add_min_equality(bottom, size_vars)
                dev = model.new_int_var(0, n, f"team_balance[{unit}]")
                model.add(dev >= top - bottom - 1)

                def amount(val, sizes=sizes):
                    vals = [val(sz) for sz in sizes]
                    return max(0, max(vals) - min(vals) - 1)

                terms.append(
                    Term(
                        "teams.balance",
                        weight,
                        dev,
                        amount=amount,
                        unit=unit,
                        detail="team sizes differ by more than one",
                    )
                )
    return terms


def _no_mix(
    ctx: Ctx, d: int, sh: str, cells: list, present: list, weight: int | None
) -> list[Term]:
    """At most one team present in the slot; soft: weight x (teams present - 1)."""
    v = ctx.vars
    k_count = len(present)

    def amount(val) -> int:
        seen = {k for s, x in cells if val(x) for k in range(k_count) if val(v.z[(s, k)])}
        return max(0, len(seen) - 1)

    if weight is None:
        ctx.model.add(sum(present) <= 1).only_enforce_if(
            *ctx.enforce("teams.mix", SlotScope(d, sh))
        )
        return []
    if weight == 0:
        return []
    e = ctx.model.new_int_var(0, k_count - 1, f"team_mix[{d},{sh}]")
    ctx.model.add(sum(present) - e <= 1)
    return [
        Term("teams.mix", weight, e, amount=amount, day=d, shift=sh, detail="teams mixed on site")
    ]


def links_site(problem: Problem, idx: ProblemIndex, soft_hard_rules: bool) -> bool:
    """Teams link the site unless a hard rotation pattern fixes who may be on site when (then
    "no mixing" holds person by person) and every rotating person has a fixed team."""
    teams = problem.policy.teams
    if not (teams.enabled and teams.count > 1):
        return False
    hard = teams.hard and not soft_hard_rules
    if not (hard and idx.pattern_team):
        return True
    return any(s.rotates and s.team is None for s in problem.staff)


def hard_links_people(problem: Problem, idx: ProblemIndex) -> bool:
    """More than one team: "no mixing" reads everyone in a slot."""
    teams = problem.policy.teams
    return teams.enabled and teams.count > 1
