"""Wires the rule modules into one CP-SAT model: :func:`build_model` (the families of
:data:`solver.registry.FAMILIES`, in order)."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from roster.model import Problem
from roster.scopes import Key
from solver.context import Ctx, Term
from solver.registry import FAMILIES
from solver.variables import Vars


@dataclass
class BuiltModel:
    """A built model: the CP-SAT model, its variables, the enforcement literals of hard rules
    (keyed ``(rule_id, scope)``; filled in diagnosis mode) and the penalty terms."""

    model: cp_model.CpModel
    vars: Vars
    enforcement: dict[Key, cp_model.IntVar]
    penalty_terms: list[Term]
    ctx: Ctx


def build_model(
    problem: Problem, diagnosis: bool = False, *, soft_hard_rules: bool = False
) -> BuiltModel:
    """Build the CP-SAT model of ``problem``. In diagnosis mode every hard rule is guarded by an
    enforcement literal (see :meth:`Ctx.enforce`), for a later "why infeasible" analysis."""
    ctx = Ctx(problem, diagnosis=diagnosis, soft_hard_rules=soft_hard_rules)
    terms: list[Term] = []
    for family in FAMILIES:
        terms += family.build(ctx)
    terms = [t for t in terms if t.weight != 0]
    variable = [(t.var, t.weight) for t in terms if not isinstance(t.var, int)]
    constant = sum(t.weight * t.var for t in terms if isinstance(t.var, int))
    if terms:
        expr = (
            cp_model.LinearExpr.weighted_sum([v for v, _ in variable], [w for _, w in variable])
            if variable
            else 0
        )
        ctx.model.minimize(expr + constant)
    return BuiltModel(ctx.model, ctx.vars, ctx.enforcement, terms, ctx)
