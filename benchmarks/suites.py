"""The benchmark suites: which instances each holds, how to load one, what to compare it with.

A suite is a list of :class:`Case`; :func:`load` turns a case into a :class:`Problem` plus an
optional independent scorer (a function of the roster written from the benchmark's own
definition, not from the domain model), so every figure is checked twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from roster.model import Problem, Roster

DATA = Path(__file__).resolve().parent / "data"
CURTOIS_DIR = DATA / "curtois-qu"
TIMEFOLD_DIR = DATA / "timefold"

SUITES = ("curtois-qu", "timefold", "ortools-example", "scenarios", "scale", "offices")
DEFAULT_TIME_LIMIT = {
    "curtois-qu": 60.0,
    "timefold": 30.0,
    "ortools-example": 20.0,
    "scenarios": 10.0,
    "scale": 60.0,
    "offices": 10.0,
}

# The plain CP-SAT baseline as recorded when the benchmarks were set up (the model of
# benchmarks/plain_curtois.py: one Boolean per staff, day and shift; no tuning), 60 s, 2
# workers: (objective, bound); None = no roster in 60 s. See benchmarks/README.md.
CURTOIS_PLAIN_CPSAT: dict[int, tuple[int, int] | None] = {
    1: (607, 607),
    2: (828, 208),
    3: (1002, 300),
    4: (1719, 200),
    5: (1242, 1),
    6: (2359, 203),
    7: (1294, 29),
    8: (1931, 1227),
    9: (467, 404),
    10: (5378, 10),
    11: (3899, 204),
    12: (6457, 1021),
    13: (8225, 209),
    14: (1833, 1252),
    15: (7466, 3753),
    16: (4858, 29),
    17: (8956, 30),
    18: (7151, 20),
    19: (9968, 23),
    20: None,
    21: None,
    22: None,
    23: None,
    24: None,
}
# Timefold's README: Timefold's own score after 30 s (LARGE: also after 120 s).
TIMEFOLD_PUBLISHED = {"SMALL": (0, 2878.28730), "LARGE": (-4, 36068.40260)}
# The OR-Tools example itself reaches 38 in 20 s with 2 workers (bound 17), as recorded when
# the benchmarks were set up (see benchmarks/README.md, target 3).
ORTOOLS_EXAMPLE_REFERENCE = 38
SCALE_SIZES = [(100, 1), (100, 4), (300, 1), (300, 4), (1000, 1), (1000, 4), (3000, 1), (3000, 4)]
#: The offices suite: generated offices of these sizes (staff, weeks), each on these seeds; a
#: head of office expects a proven or nearly proven roster of such a site within 10 s.
OFFICE_SIZES = [(100, 1), (100, 2), (200, 1), (200, 2), (300, 1), (300, 2)]
OFFICE_SEEDS = [1, 2, 3, 4, 5]
_GENERATED = re.compile(r"^(\d+)x(\d+)(?:-(\d+))?$")


def _generated_case(suite: str, name: str) -> Case | None:
    """A generated site named ``STAFFxWEEKS`` or ``STAFFxWEEKS-SEED`` (seed 0 when left out)."""
    m = _GENERATED.match(name)
    if m is None:
        return None
    staff, weeks, seed = int(m[1]), int(m[2]), int(m[3] or 0)
    return Case(suite, name, reference={"staff": staff, "weeks": weeks, "seed": seed})


@dataclass
class Case:
    suite: str
    name: str
    best_known: float | None = None  # best known objective (our sense: lower is better)
    best_lower: float | None = None  # best known lower bound
    reference: dict[str, Any] = field(default_factory=dict)


def cases(suite: str, selection: list[str] | None = None) -> list[Case]:
    """The cases of ``suite``; ``selection`` picks some by name or by 1-based number."""
    if suite == "curtois-qu":
        from roster.formats.curtois import read_best_known

        best = read_best_known(CURTOIS_DIR / "best_known.csv")
        out = []
        for i in range(1, 25):
            b = best.get(f"Instance{i}")
            plain = CURTOIS_PLAIN_CPSAT.get(i)
            out.append(
                Case(
                    suite,
                    str(i),
                    best_known=b.upper_bound if b else None,
                    best_lower=b.lower_bound if b else None,
                    reference={
                        "plain_cpsat_objective": plain[0] if plain else None,
                        "plain_cpsat_bound": plain[1] if plain else None,
                        "optimal_known": b.optimal_known if b else None,
                    },
                )
            )
    elif suite == "timefold":
        out = [
            Case(suite, n, reference={"timefold_hard": h, "timefold_soft": s})
            for n, (h, s) in TIMEFOLD_PUBLISHED.items()
        ]
    elif suite == "ortools-example":
        out = [
            Case(
                suite,
                "shift_scheduling_sat",
                best_known=ORTOOLS_EXAMPLE_REFERENCE,
                reference={
                    "example_objective_20s": ORTOOLS_EXAMPLE_REFERENCE,
                    "example_bound_20s": 17,
                },
            )
        ]
    elif suite == "scenarios":
        from roster.io import list_scenarios

        out = [Case(suite, n) for n in list_scenarios()]
    elif suite == "scale":
        out = [
            Case(suite, f"{s}x{w}", reference={"staff": s, "weeks": w, "seed": 0})
            for s, w in SCALE_SIZES
        ]
    elif suite == "offices":
        out = [
            Case(suite, f"{s}x{w}-{seed}", reference={"staff": s, "weeks": w, "seed": seed})
            for s, w in OFFICE_SIZES
            for seed in OFFICE_SEEDS
        ]
    else:
        raise ValueError(f"unknown suite {suite!r}; suites: {', '.join(SUITES)}")
    if selection:
        picked = []
        for key in selection:
            key = key.strip()
            match = [c for c in out if c.name == key]
            if not match and suite in ("scale", "offices"):
                # Any generated size and seed: 1000x4-2 is 1,000 staff, 4 weeks, seed 2.
                extra = _generated_case(suite, key)
                match = [extra] if extra is not None else []
            if not match and key.isdigit() and suite != "curtois-qu" and 1 <= int(key) <= len(out):
                match = [out[int(key) - 1]]
            if not match:
                raise ValueError(
                    f"{suite}: no instance {key!r}; instances: {', '.join(c.name for c in out)}"
                )
            picked += match
        out = picked
    return out


Scorer = Callable[[Roster], dict[str, Any]]


def load(suite: str, name: str) -> tuple[Problem, Scorer | None]:
    """Load one case: the problem and an independent scorer of rosters (or None)."""
    if suite == "curtois-qu":
        from roster.formats import curtois

        inst = curtois.read_raw(CURTOIS_DIR / f"Instance{name}.txt")
        problem = curtois.to_problem(inst)

        def score(roster: Roster) -> dict[str, Any]:
            bad, obj = curtois.evaluate(inst, curtois.roster_to_grid(problem, roster))
            return {
                "benchmark_objective": obj,
                "benchmark_violations": len(bad),
                "solution": curtois.write_solution(problem, roster),
            }

        return problem, score
    if suite == "timefold":
        from roster.formats import timefold

        tf = timefold.read_raw(TIMEFOLD_DIR / f"instance_{name}.txt")
        problem = timefold.to_problem(tf)

        def score(roster: Roster) -> dict[str, Any]:
            text = timefold.write_assignment(tf, roster)
            sc = timefold.timefold_score(tf, timefold.read_assignment(text))
            return {
                "timefold_hard": sc.hard,
                "timefold_soft": round(sc.soft, 5),
                "timefold_parts": {k: round(v, 5) for k, v in sc.parts.items()},
                "solution": text,
            }

        return problem, score
    if suite == "ortools-example":
        from roster.formats import ortools_example as ex

        problem = ex.build()

        def score(roster: Roster) -> dict[str, Any]:
            grid = [["O"] * problem.horizon.days for _ in range(ex.NUM_EMPLOYEES)]
            for a in roster.assignments:
                grid[int(a.staff.split()[-1])][problem.horizon.day(a.date)] = a.shift
            bad, obj = ex.example_objective(grid)
            return {
                "benchmark_objective": obj,
                "benchmark_violations": len(bad),
                "solution": "".join(" ".join(r) + "\n" for r in grid),
            }

        return problem, score
    if suite == "scenarios":
        from roster.io import load_scenario

        return load_scenario(name), None
    if suite in ("scale", "offices"):
        from scenarios.generator import generate

        case = _generated_case(suite, name)
        if case is None:
            raise ValueError(f"{suite}: {name!r} is not STAFFxWEEKS or STAFFxWEEKS-SEED")
        ref = case.reference
        return generate(staff=ref["staff"], weeks=ref["weeks"], seed=ref["seed"]), None
    raise ValueError(f"unknown suite {suite!r}")
