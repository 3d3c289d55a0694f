"""Why is there no roster? A small set of hard rules that cannot all hold together.

:func:`find_conflict` builds the model in diagnosis mode (every hard rule, per rule and scope,
guarded by an enforcement literal: see :meth:`solver.context.Ctx.enforce`), drops the objective,
assumes every enforcement literal and asks CP-SAT (one worker, as
``sufficient_assumptions_for_infeasibility`` needs) for a core. The core is then shrunk by
deletion: each rule scope is dropped in turn and kept out when the rest is still infeasible
(short probe solves). The result is a list of ``(rule_id, scope)`` keys;
:mod:`roster.explain_text` puts them in a head's words.

:func:`best_effort` is the other answer: a roster that always comes back (hard rules turned into
heavily weighted soft ones) with every shortfall the referee finds under the original rules.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from roster.explain_text import Explanation, explain
from roster.lang import pick
from roster.model import Problem, Report, SolveResult, Status
from roster.precheck import grouped, precheck
from roster.registry import explain_rank
from roster.scopes import Key
from roster.validation import check
from solver.build import BuiltModel, build_model
from solver.search import solve


@dataclass
class Conflict:
    """The outcome of a diagnosis.

    ``status``: ``infeasible`` (``keys`` is a conflicting set of hard rule scopes), ``feasible``
    (the hard rules can all hold: nothing to explain), or ``unknown`` (the time ran out before
    CP-SAT proved either). ``minimal``: every key was tested and is needed (no key can be
    dropped and the rest still conflict). ``structural``: infeasible even with every rule
    dropped (a modelling limit, e.g. a fixed team that does not exist).
    """

    status: Status
    keys: list[Key] = field(default_factory=list)
    minimal: bool = False
    structural: bool = False
    first_core_size: int = 0
    probes: int = 0
    elapsed: float = 0.0

    def explain(self, problem: Problem, lang: str = "en") -> Explanation:
        """This diagnosis in words a head reads (:func:`roster.explain_text.explain`)."""
        return explain(
            problem,
            self.keys,
            status=self.status.value,
            minimal=self.minimal,
            elapsed=self.elapsed,
            structural=self.structural,
            lang=lang,
        )


def _order(key: Key) -> tuple[int, str]:
    """Keys tried first when shrinking a core: the person-level rules (lower
    :attr:`roster.registry.Rule.explain_rank`), so that a core about a slot (cap against posts)
    is preferred when both explain the conflict."""
    rule, scope = key
    return explain_rank(rule), repr((rule, scope.parts()))


def find_conflict(
    problem: Problem,
    time_limit: float = 30.0,
    probe_limit: float = 2.0,
    prepare: Callable[[BuiltModel], object] | None = None,
) -> Conflict:
    """A small set of hard rule scopes that cannot hold together (see the module docstring).

    ``time_limit`` bounds the whole diagnosis; ``probe_limit`` each deletion probe. A probe
    that ends without a proof keeps its key (so the set stays a true conflict, maybe not
    minimal: ``minimal`` says so). ``prepare`` may add constraints to the built model that are
    facts, not rules, and so never part of a conflict (a re-roster's days already worked).
    """
    t0 = time.perf_counter()
    built = build_model(problem, diagnosis=True)
    if prepare is not None:
        prepare(built)
    model = built.model
    model.clear_objective()
    keys = list(built.enforcement)
    lit_of = dict(built.enforcement)
    by_index = {lit.index: k for k, lit in built.enforcement.items()}

    def left() -> float:
        return time_limit - (time.perf_counter() - t0)

    def run(assumed: list[Key], limit: float) -> tuple[int, list[Key]]:
        model.clear_assumptions()
        model.add_assumptions([lit_of[k] for k in assumed])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = max(0.05, limit)
        code = int(solver.solve(model))
        core: list[Key] = []
        if code == cp_model.INFEASIBLE:
            core = [
                by_index[i]
                for i in solver.sufficient_assumptions_for_infeasibility()
                if i in by_index
            ]
        return code, core

    code, core = run(keys, max(0.1, left()))
    out = Conflict(status=Status.unknown)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        out.status = Status.feasible
    elif code == cp_model.INFEASIBLE:
        out.status = Status.infeasible
        out.first_core_size = len(core)
        if not core:
            out.structural = True
        core, out.minimal, out.probes = _shrink(core, run, left, probe_limit)
        out.keys = sorted(core, key=_order)
    out.elapsed = time.perf_counter() - t0
    return out


def _shrink(core: list[Key], run, left, probe_limit: float) -> tuple[list[Key], bool, int]:
    """Deletion-based minimisation of ``core``; returns (core, proven minimal, probes)."""
    current = sorted(set(core), key=_order)
    kept: list[Key] = []
    minimal = True
    probes = 0
    while current:
        candidate, rest = current[0], current[1:]
        if left() <= 0.05:
            minimal = False
            kept += current
            break
        probes += 1
        code, sub = run(kept + rest, min(probe_limit, left()))
        if code == cp_model.INFEASIBLE:
            # Still infeasible without the candidate: drop it, and everything CP-SAT did not
            # need either.
            need = set(sub) if sub else set(kept + rest)
            current = [k for k in rest if k in need]
            kept = [k for k in kept if k in need] if sub else kept
        else:
            if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                minimal = False
            kept.append(candidate)
            current = rest
    return kept, minimal, probes


def best_effort(
    problem: Problem, time_limit: float = 10.0, workers: int = 2, lang: str = "en"
) -> tuple[SolveResult, Report | None]:
    """A roster that always comes back: every hard rule that may be soft becomes soft with a
    heavy weight (``solve(..., soft_hard_rules=True)``). The report is the referee's under the
    *original* rules (worded in ``lang``), so its violations are the shortfalls a head must
    accept or fix."""
    result = solve(problem, time_limit=time_limit, workers=workers, soft_hard_rules=True)
    report = check(problem, result.roster, lang) if result.roster is not None else None
    return result, report


def explanation_lines(
    problem: Problem, time_limit: float = 5.0, max_lines: int = 4, lang: str = "en"
) -> list[str]:
    """The first lines of the explanation of an infeasible problem, for a job's message: the
    precheck's errors when it finds any (cheap), else the conflict the diagnosis finds within
    ``time_limit`` in a head's words, each with its fix. Empty when the diagnosis cannot
    confirm the problem is infeasible (nothing true to say). ``lang``: en or vi."""
    errors = [f for f in precheck(problem) if f.severity == "error"]
    if errors:
        folded = grouped(errors, problem)
        lines = [
            pick(
                lang,
                f"found before solving: {f.message}",
                f"phát hiện trước khi xếp lịch: {f.message_vi or f.message}",
            )
            for f, _more in folded[:max_lines]
        ]
        if len(folded) > max_lines:
            more = len(folded) - max_lines
            lines.append(pick(lang, f"... and {more} more", f"... và {more} điều khác"))
        return lines
    conflict = find_conflict(problem, time_limit=time_limit)
    if conflict.status != Status.infeasible:
        return []
    return conflict.explain(problem, lang).text().splitlines()[:max_lines]
