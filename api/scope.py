"""What a head may read of a roster or site that spans units: only their own unit's part.

A head reads any roster of their site, site-wide ones included, but sees only their unit's
people (cells, tests, teams), their unit's posts, the referee's findings about them, and the
changes to them. Site reads are filtered the same way (staff, absences with their reasons,
requests, fixed cells).
"""

from __future__ import annotations

from typing import Any

from api.security import Principal
from roster.model import Problem, Roster


def head_unit(user: Principal, roster_unit: str | None) -> str | None:
    """The unit to filter to: the head's unit when the roster spans the site, else None."""
    if user.role == "head" and roster_unit is None:
        return user.unit_id
    return None


def unit_parts(problem: Problem, unit: str) -> tuple[set[str], set[str]]:
    """The staff ids and post ids of ``unit``."""
    return (
        {s.id for s in problem.staff if s.unit == unit},
        {p.id for p in problem.site.posts if p.unit == unit},
    )


def scope_roster(roster: Roster, staff: set[str]) -> Roster:
    return Roster.model_construct(
        assignments=[a for a in roster.assignments if a.staff in staff],
        tests=[t for t in roster.tests if t.staff in staff],
        teams={k: v for k, v in roster.teams.items() if k in staff},
    )


def _mine(item: dict[str, Any], unit: str, staff: set[str], posts: set[str]) -> bool:
    if item.get("staff") is not None:
        return item["staff"] in staff
    if item.get("post") is not None:
        return item["post"] in posts
    if item.get("unit") is not None:
        return item["unit"] == unit
    return False  # about the whole site: other units' figures are in it


def scope_report(
    report: dict[str, Any] | None, unit: str, staff: set[str], posts: set[str]
) -> dict[str, Any] | None:
    """The findings about the unit's people, posts and the unit itself; totals recomputed over
    what is kept (the unit's share of the objective)."""
    if report is None:
        return None
    violations = [v for v in report.get("violations", []) if _mine(v, unit, staff, posts)]
    penalties = [p for p in report.get("penalties", []) if _mine(p, unit, staff, posts)]
    by_rule: dict[str, int] = {}
    for p in penalties:
        by_rule[p["rule"]] = by_rule.get(p["rule"], 0) + int(p["cost"])
    return {
        "ok": not violations,
        "objective": sum(by_rule.values()),
        "violations": violations,
        "penalties": penalties,
        "by_rule": by_rule,
    }


def scope_changes(changes: list[dict[str, Any]], staff: set[str]) -> list[dict[str, Any]]:
    return [c for c in changes if c.get("staff") in staff]


def scope_problem(problem: Problem, unit: str) -> Problem:
    """The unit's part of a site problem (for exports): its staff, posts and their records."""
    staff, posts = unit_parts(problem, unit)
    site = problem.site.model_copy(
        update={
            "units": [u for u in problem.site.units if u.id == unit],
            "posts": [p for p in problem.site.posts if p.id in posts],
        }
    )
    return problem.model_copy(
        update={
            "site": site,
            "staff": [s for s in problem.staff if s.id in staff],
            "absences": [a for a in problem.absences if a.staff in staff],
            "requests": [r for r in problem.requests if r.staff in staff],
            "fixed": [f for f in problem.fixed if f.staff in staff],
        }
    )


def scope_site_lists(
    unit: str, staff: list[dict[str, Any]], records: list[list[dict[str, Any]]]
) -> tuple[list[dict[str, Any]], list[list[dict[str, Any]]]]:
    """A site's staff list and its absences/requests/fixed cells, cut to ``unit``."""
    mine = [s for s in staff if s.get("unit") == unit]
    ids = {s["id"] for s in mine}
    return mine, [[r for r in rows if r.get("staff") in ids] for rows in records]
