"""Wires the rule modules into one CP-SAT model: :func:`build_model` (the families of
:data:`solver.registry.FAMILIES`, in order)."""

from __future__ import annotations

import gc
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model, cp_model_helper

from roster.model import Problem
from roster.scopes import Key
from solver.context import Ctx, Term
from solver.registry import FAMILIES
from solver.rules import rapid_tests
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
    problem: Problem,
    diagnosis: bool = False,
    *,
    soft_hard_rules: bool = False,
    deadline: float | None = None,
) -> BuiltModel:
    """Build the CP-SAT model of ``problem``. In diagnosis mode every hard rule is guarded by an
    enforcement literal (see :meth:`Ctx.enforce`), for a later "why infeasible" analysis.
    Raises :class:`~solver.context.BuildInterrupted` when ``time.perf_counter()`` passes
    ``deadline`` before the model is built."""
    # The build allocates millions of small objects and frees none: the cyclic garbage
    # collector would walk them all again and again (Curtois & Qu 24: about a third of the
    # build), so it waits until the model is built.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        ctx = Ctx(problem, diagnosis=diagnosis, soft_hard_rules=soft_hard_rules, deadline=deadline)
        terms: list[Term] = []
        for family in FAMILIES:
            ctx.check_time()
            terms += family.build(ctx)
        rapid_tests.add_redundant(ctx)
        # Still without the collector: the objective's lists are the first allocations after
        # the build, and a collection there would walk every object of the model (Curtois & Qu
        # 24: about a second).
        terms = [t for t in terms if t.weight != 0]
        if terms and not _objective_from_indexes(ctx.model, terms):
            variable = [(t.var, t.weight) for t in terms if not isinstance(t.var, int)]
            constant = sum(t.weight * t.var for t in terms if isinstance(t.var, int))
            expr = (
                cp_model.LinearExpr.weighted_sum([v for v, _ in variable], [w for _, w in variable])
                if variable
                else 0
            )
            ctx.model.minimize(expr + constant)
    finally:
        if was_enabled:
            gc.enable()
    return BuiltModel(ctx.model, ctx.vars, ctx.enforcement, terms, ctx)


def _objective_from_indexes(model: cp_model.CpModel, terms: list[Term]) -> bool:
    """Write the objective ``sum of weight x var`` straight into the proto: the variables'
    indexes ascending with their summed coefficients, zeros dropped, as ``minimize`` writes it
    (its flattening walks the whole expression in Python objects: Curtois & Qu 24, 123,000
    terms). Variables and negated Booleans are read off directly, other expressions flattened
    one by one. False, and nothing written, when a weight is not an integer."""
    coeff: dict[int, int] = defaultdict(int)
    offset = 0
    for t in terms:
        w, var = t.weight, t.var
        if type(w) is not int:
            return False
        if isinstance(var, cp_model.IntVar):
            coeff[var.index] += w
        elif isinstance(var, cp_model_helper.NotBooleanVariable):
            offset += w
            coeff[-var.index - 1] -= w
        elif isinstance(var, int):
            offset += w * var
        else:
            if not isinstance(var, cp_model.LinearExpr) or not var.is_integer():
                return False
            flat = cp_model_helper.FlatIntExpr(var)
            for v, c in zip(flat.vars, flat.coeffs, strict=True):
                coeff[v.index] += w * c
            offset += w * flat.offset
    model.clear_objective()
    objective = model.proto.objective
    items = sorted((i, c) for i, c in coeff.items() if c != 0)
    objective.vars.extend([i for i, _ in items])
    objective.coeffs.extend([c for _, c in items])
    objective.scaling_factor = 1.0
    objective.offset = offset
    return True
