"""Wires the rule modules into one CP-SAT model: :func:`build_model` (the families of
:data:`solver.registry.FAMILIES`, in order)."""

from __future__ import annotations

import gc
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
        variable = [(t.var, t.weight) for t in terms if not isinstance(t.var, int)]
        constant = sum(t.weight * t.var for t in terms if isinstance(t.var, int))
        if terms:
            expr = (
                cp_model.LinearExpr.weighted_sum([v for v, _ in variable], [w for _, w in variable])
                if variable
                else 0
            )
            _minimize(ctx.model, expr + constant)
    finally:
        if was_enabled:
            gc.enable()
    return BuiltModel(ctx.model, ctx.vars, ctx.enforcement, terms, ctx)


def _minimize(model: cp_model.CpModel, obj: cp_model.LinearExprT) -> None:
    """``model.minimize(obj)`` with the variables' indexes written in one call (the same
    objective; ``minimize`` appends them one by one, Curtois & Qu 24: 123,000 terms)."""
    if isinstance(obj, int) or not isinstance(obj, cp_model.LinearExpr) or not obj.is_integer():
        model.minimize(obj)
        return
    model.clear_objective()
    flat = cp_model_helper.FlatIntExpr(obj)
    objective = model.proto.objective
    objective.vars.extend([v.index for v in flat.vars])
    objective.scaling_factor = 1.0
    objective.offset = flat.offset
    objective.coeffs.extend(flat.coeffs)
