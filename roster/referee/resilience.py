"""Resilience (off by default): each team holds someone qualified for every essential skill."""

from __future__ import annotations

from roster.referee.judge import Judge


def check(j: Judge) -> None:
    """``policy.resilience`` (off by default): for each team k (0..count-1) and essential
    skill (``resilience.skills``, else the skills of ``task`` posts, in site order), when no
    person holding the skill has ``rotates`` false and no rotating person with a valid team
    k holds it: one penalty of ``weight``."""
    rule = j.policy.resilience
    teams = j.policy.teams
    if not rule.enabled or not teams.enabled:
        return
    skills = list(rule.skills)
    if not skills:
        for p in j.problem.site.posts:
            if p.kind.value == "task" and p.skill and p.skill not in skills:
                skills.append(p.skill)
    for skill in skills:
        holders = [s for s in j.problem.staff if skill in s.skills]
        if any(not s.rotates for s in holders):
            continue
        for k in range(teams.count):
            if any(j.team_of.get(s.id) == k for s in holders):
                continue
            j.penalty(
                "resilience",
                rule.weight,
                j.tr(
                    f"Team {k + 1} has nobody qualified for '{skill}' [1 x {rule.weight}]",
                    f"Nhóm {k + 1} không có ai có kỹ năng '{skill}' [1 x {rule.weight}]",
                ),
            )
