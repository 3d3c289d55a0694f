"""The rule families as the solver builds them: the solver side of the registry.

Each family of :data:`roster.registry.FAMILIES` that the solver builds has one entry here, in
build order: its id, its module in ``solver/rules/`` (whose ``build(ctx)`` adds the family's
constraints and returns its penalty terms) and how far it links people for the given problem,
which decides whether a big site may be solved in independent parts
(:mod:`solver.decompose`) and whether a first roster may be built person by person
(:mod:`solver.construct`). ``tests/test_registry.py`` proves this list and the domain's agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from roster.index import ProblemIndex
from roster.model import Problem
from solver.context import Ctx, Term
from solver.rules import (
    availability,
    cap,
    contracts,
    coverage,
    fairness,
    fixed,
    presence,
    rapid_tests,
    remote,
    requests,
    resilience,
    teams,
)


def never_links_site(problem: Problem, idx: ProblemIndex, soft_hard_rules: bool) -> bool:
    """For families whose rules read one person, one unit or one post."""
    return False


def no_hard_rule_links_people(problem: Problem, idx: ProblemIndex) -> bool:
    """For families whose hard rules read one person (or that have none)."""
    return False


@dataclass(frozen=True)
class SolverFamily:
    """One rule family as the solver builds it.

    ``build(ctx)`` adds the family's constraints and returns its penalty terms.
    ``links_site(problem, idx, soft_hard_rules)``: True when, for this problem, a rule of the
    family may link people of different units not joined by a post (the site is then solved
    whole). ``hard_links_people(problem, idx)``: True when a hard rule of the family reads more
    than one person (no person-by-person first roster then).
    """

    id: str
    build: Callable[[Ctx], list[Term]]
    links_site: Callable[[Problem, ProblemIndex, bool], bool]
    hard_links_people: Callable[[Problem, ProblemIndex], bool]


#: The families, in build order (the order fixes the model's variable numbering, hence the
#: search: keep it).
FAMILIES: tuple[SolverFamily, ...] = (
    SolverFamily("availability", availability.build, never_links_site, no_hard_rule_links_people),
    SolverFamily("fixed", fixed.build, never_links_site, no_hard_rule_links_people),
    SolverFamily("cap", cap.build, cap.links_site, cap.hard_links_people),
    SolverFamily("teams", teams.build, teams.links_site, teams.hard_links_people),
    SolverFamily("tests", rapid_tests.build, rapid_tests.links_site, rapid_tests.hard_links_people),
    SolverFamily(
        "coverage", coverage.build, never_links_site, coverage.hard_links_people
    ),  # a post links only the people qualified for it: decomposition follows the posts
    SolverFamily("contracts", contracts.build, never_links_site, no_hard_rule_links_people),
    SolverFamily("fairness", fairness.build, never_links_site, no_hard_rule_links_people),
    SolverFamily("requests", requests.build, never_links_site, no_hard_rule_links_people),
    SolverFamily(
        "resilience", resilience.build, resilience.links_site, resilience.hard_links_people
    ),
    SolverFamily("presence", presence.build, never_links_site, presence.hard_links_people),
    SolverFamily("remote", remote.build, never_links_site, remote.hard_links_people),
)


def links_site(problem: Problem, idx: ProblemIndex, soft_hard_rules: bool = False) -> bool:
    """Whether some family links people across the whole site in ``problem``."""
    return any(f.links_site(problem, idx, soft_hard_rules) for f in FAMILIES)


def hard_rules_link_people(problem: Problem, idx: ProblemIndex) -> bool:
    """Whether some hard rule of ``problem`` reads more than one person."""
    return any(f.hard_links_people(problem, idx) for f in FAMILIES)
