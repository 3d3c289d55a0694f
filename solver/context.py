"""The build context shared by all rule modules: the model, the variables, penalty terms and the
enforcement hook for hard rules.

A rule module adds its constraints through the helpers here (:meth:`Ctx.clause`,
:meth:`Ctx.at_most`, :meth:`Ctx.at_least`) so that each rule is, in one place, either hard
(optionally behind an enforcement literal in diagnosis mode) or soft (a penalty variable with a
weight and an exact evaluator of the breach from a solution).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from roster.index import ProblemIndex
from roster.model import Problem, RuleSwitch
from roster.scopes import Key, Scope
from solver.expr import SOFT_HARD_WEIGHT, Lit, Value, clause_breach, switch_weight
from solver.variables import Vars, build_vars


class BuildInterrupted(Exception):
    """The model build passed its deadline (the solve's time limit) before it was done."""


@dataclass
class Term:
    """One penalty term of the objective: ``weight x amount`` under rule ``rule``.

    ``var`` is what the objective multiplies by ``weight`` (a variable, literal, linear expression
    or an int constant). ``amount`` recomputes the exact breach from a solution; when None the
    value of ``var`` is the amount. Penalty variables are one-sided (the solver only forces them
    up), so a non-optimal solution may hold a loose penalty var; ``amount`` reports what the
    roster really pays.
    """

    rule: str
    weight: int
    var: Any
    amount: Callable[[Value], int] | None = None
    staff: str | None = None
    day: int | None = None
    shift: str | None = None
    post: str | None = None
    unit: str | None = None
    detail: str = ""

    def value(self, val: Value) -> int:
        """The amount of breach in the solution read by ``val``."""
        if self.amount is not None:
            return self.amount(val)
        return val(self.var)


@dataclass
class Ctx:
    """Everything a rule module needs while building the model; the constructor makes the
    CP-SAT model, the problem's index and the decision variables."""

    problem: Problem
    diagnosis: bool = False
    soft_hard_rules: bool = False
    idx: ProblemIndex = field(init=False)
    model: cp_model.CpModel = field(init=False)
    vars: Vars = field(init=False)
    enforcement: dict[Key, cp_model.IntVar] = field(default_factory=dict)
    #: ``time.perf_counter()`` value past which :meth:`check_time` stops the build.
    deadline: float | None = None
    #: Per unit with a fairness term: the literal "its fairness minimum is at least 1" (every
    #: eligible member on site at least once), which the search may split on
    #: (:func:`solver.search._split_phase`) and the tests' redundant cuts link to tests.
    fair_min_positive: dict[str, cp_model.IntVar] = field(default_factory=dict)
    #: Per unit of :attr:`fair_min_positive`: its largest count of on-site shifts and its
    #: spread variable (the objective's term), for the split on the largest count
    #: (:func:`solver.search._prove_phase`).
    fair_max: dict[str, tuple[cp_model.IntVar, cp_model.IntVar]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.idx = ProblemIndex(self.problem)
        self.model = cp_model.CpModel()
        self.vars = build_vars(
            self.problem,
            self.idx,
            self.model,
            diagnosis=self.diagnosis,
            soft_hard_rules=self.soft_hard_rules,
            check_time=self.check_time,
        )

    def check_time(self) -> None:
        """Raise :class:`BuildInterrupted` once the deadline has passed (called between
        families and per person in the long ones)."""
        if self.deadline is not None and time.perf_counter() > self.deadline:
            raise BuildInterrupted

    # ---- hard or soft ------------------------------------------------------------------
    def enforce(self, rule: str, scope: Scope) -> list:
        """Enforcement literals for a hard rule in ``scope``: none normally, one (shared per
        ``(rule, scope)``) in diagnosis mode."""
        if not self.diagnosis:
            return []
        key = (rule, scope)
        lit = self.enforcement.get(key)
        if lit is None:
            parts = ",".join(map(str, scope.parts()))
            lit = self.model.new_bool_var(f"enforce[{rule}:{parts}]")
            self.enforcement[key] = lit
        return [lit]

    def switch_weight(self, switch: RuleSwitch) -> int | None:
        """None when ``switch`` is hard (and stays hard), else its weight per unit of breach."""
        return switch_weight(switch, self.soft_hard_rules)

    def hard_weight(self) -> int | None:
        """For rules without a switch that may still be softened (contracts): None normally,
        :data:`SOFT_HARD_WEIGHT` with ``soft_hard_rules``."""
        return SOFT_HARD_WEIGHT if self.soft_hard_rules else None

    # ---- constraint helpers ------------------------------------------------------------
    def clause(
        self,
        rule: str,
        scope: Scope,
        lits: Sequence[Lit],
        weight: int | None,
        name: str,
        **meta: Any,
    ) -> list[Term]:
        """At least one of ``lits`` holds. Hard when ``weight`` is None; otherwise a breach
        (all false) costs ``weight``. Python bools in ``lits`` are constants."""
        if any(lit is True for lit in lits):
            return []
        lits = [lit for lit in lits if lit is not False]
        if weight is None:
            self.model.add_bool_or(lits).only_enforce_if(*self.enforce(rule, scope))
            return []
        if weight == 0:
            return []
        if not lits:
            return [Term(rule, weight, 1, **meta)]
        p = self.model.new_bool_var(name)
        self.model.add_bool_or([*lits, p])
        return [Term(rule, weight, p, amount=clause_breach(lits), **meta)]

    def at_most(
        self,
        rule: str,
        scope: Scope,
        expr: Any,
        ub: int,
        hi: int,
        weight: int | None,
        name: str,
        **meta: Any,
    ) -> list[Term]:
        """``expr <= ub`` where ``hi`` bounds ``expr`` from above. Soft: each unit above costs
        ``weight``."""
        if hi <= ub:
            return []
        if isinstance(expr, int):
            if expr <= ub:
                return []
            return self.clause(rule, scope, [], weight and weight * (expr - ub), name, **meta)
        if weight is None:
            self.model.add(expr <= ub).only_enforce_if(*self.enforce(rule, scope))
            return []
        if weight == 0:
            return []
        e = self.model.new_int_var(0, hi - ub, name)
        self.model.add(expr - e <= ub)
        return [Term(rule, weight, e, amount=lambda val: max(0, val(expr) - ub), **meta)]

    def at_least(
        self,
        rule: str,
        scope: Scope,
        expr: Any,
        lb: int,
        lo: int,
        weight: int | None,
        name: str,
        **meta: Any,
    ) -> list[Term]:
        """``expr >= lb`` where ``lo`` bounds ``expr`` from below. Soft: each unit below costs
        ``weight``."""
        if lo >= lb:
            return []
        if isinstance(expr, int):
            if expr >= lb:
                return []
            return self.clause(rule, scope, [], weight and weight * (lb - expr), name, **meta)
        if weight is None:
            self.model.add(expr >= lb).only_enforce_if(*self.enforce(rule, scope))
            return []
        if weight == 0:
            return []
        e = self.model.new_int_var(0, lb - lo, name)
        self.model.add(expr + e >= lb)
        return [Term(rule, weight, e, amount=lambda val: max(0, lb - val(expr)), **meta)]
