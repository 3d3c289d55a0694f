"""Literal and linear-expression helpers shared by the variables, the rule modules and the
read-back: a literal may be a CP-SAT Boolean, its negation, or a Python bool constant."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ortools.sat.python import cp_model

from roster.model import RuleSwitch

Lit = Any  # a BoolVar, a negated BoolVar, or a Python bool constant
Value = Callable[[Any], int]  # value of a literal/expression in a solution

#: Weight of a hard rule softened by ``soft_hard_rules=True``.
SOFT_HARD_WEIGHT = 1_000_000


def neg(lit: Lit) -> Lit:
    """Negation of a literal or a Python bool constant."""
    if lit is True:
        return False
    if lit is False:
        return True
    return ~lit


def lsum(items: Sequence) -> cp_model.LinearExprT:
    """Sum of literals/expressions (0 when empty)."""
    if not items:
        return 0
    return cp_model.LinearExpr.sum(list(items))


def clause_breach(lits: list) -> Callable[[Value], int]:
    """The breach of the clause ``or(lits)`` in a solution: 1 when every literal is false."""

    def amount(val: Value) -> int:
        return 0 if any(val(lit) for lit in lits) else 1

    return amount


def switch_weight(switch: RuleSwitch, soft_hard_rules: bool) -> int | None:
    """None when ``switch`` is hard (and stays hard), else its weight per unit of breach."""
    if switch.hard:
        return SOFT_HARD_WEIGHT if soft_hard_rules else None
    return switch.weight
