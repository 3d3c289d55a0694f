"""Resilience (policy option, off by default): each team holds at least one person qualified
for every essential skill; each (team, skill) pair without one costs the rule's weight."""

from __future__ import annotations

from roster.index import ProblemIndex
from roster.model import Problem
from roster.scopes import TeamSkillScope
from solver.context import Ctx, Term


def essential_skills(problem: Problem) -> list[str]:
    """The policy's resilience skills, else the skills of the posts of kind ``task``."""
    rule = problem.policy.resilience
    if rule.skills:
        return list(rule.skills)
    out: list[str] = []
    for p in problem.site.posts:
        if p.kind.value == "task" and p.skill and p.skill not in out:
            out.append(p.skill)
    return out


def build(ctx: Ctx) -> list[Term]:
    """One soft clause per team and essential skill: some member of the team holds the skill
    (a non-rotating holder covers every team)."""
    problem = ctx.problem
    rule = problem.policy.resilience
    teams = problem.policy.teams
    if not rule.enabled or rule.weight == 0 or not teams.enabled:
        return []
    terms: list[Term] = []
    for skill in essential_skills(problem):
        holders = [s for s in problem.staff if skill in s.skills]
        if any(not s.rotates for s in holders):
            continue
        for k in range(teams.count):
            lits = [ctx.vars.z[(s.id, k)] for s in holders if (s.id, k) in ctx.vars.z]
            terms += ctx.clause(
                "resilience",
                TeamSkillScope(k, skill),
                lits,
                rule.weight,
                f"resilience[{k},{skill}]",
                detail=f"team {k + 1} has nobody with '{skill}'",
            )
    return terms


def links_site(problem: Problem, idx: ProblemIndex, soft_hard_rules: bool) -> bool:
    """Each team's skills are read over the whole site."""
    return problem.policy.resilience.enabled


def hard_links_people(problem: Problem, idx: ProblemIndex) -> bool:
    """Always soft: no hard rule."""
    return False
