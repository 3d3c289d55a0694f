"""Resilience of the teams: the drill's report, and single points of failure.

The drill itself (can the other team(s) alone keep every post covered when one team is sent
home?) is a solve: ``solver/drill.py``. This module holds its result types, the pure-Python
search for single points of failure and the wording.

A *single point of failure* is a person whose absence alone leaves a post short in a slot their
team serves: in that slot the people who may take the post (qualified, not absent, in the team
the rotation gives the slot or outside the rotation) are exactly as many as the post's minimum.
With a ``free`` rotation (or teams off) every slot counts for every team. This is a count of
people, not a solve: the cap and contracts may make things worse, never better.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from pydantic import BaseModel, Field

from roster.index import ProblemIndex
from roster.model import Problem
from roster.validation import day_label


class Shortfall(BaseModel):
    """A post short of people in one slot."""

    post: str
    post_name: str
    date: dt.date
    shift: str
    need: int
    short: int


class TeamDrill(BaseModel):
    """What happens when ``team`` (0-based) is sent home for ``days`` days."""

    team: int
    members: int
    days: int
    status: str
    ok: bool
    shortfalls: list[Shortfall] = Field(default_factory=list)
    other: list[str] = Field(default_factory=list, description="Other hard rules broken.")
    wall_time: float = 0.0


class SinglePoint(BaseModel):
    """A person whose absence alone leaves ``post`` short in ``slots`` slots of their team."""

    staff: str
    name: str
    team: int | None
    post: str
    post_name: str
    slots: int
    first: dt.date


class Gap(BaseModel):
    """A post a team cannot staff even with everyone present (fewer qualified than needed)."""

    team: int | None
    post: str
    post_name: str
    slots: int
    need: int
    have: int


class DrillResult(BaseModel):
    """The drill of every team, and the single points of failure."""

    ok: bool
    teams_from: str
    teams: list[TeamDrill] = Field(default_factory=list)
    single_points: list[SinglePoint] = Field(default_factory=list)
    gaps: list[Gap] = Field(default_factory=list)


def single_points(problem: Problem, teams: dict[str, int]) -> tuple[list[SinglePoint], list[Gap]]:
    """Single points of failure and gaps (see the module docstring), with ``teams`` the team of
    each rotating person."""
    ix = ProblemIndex(problem)
    pattern = ix.pattern_team
    pol = problem.policy
    k_count = pol.teams.count if pol.teams.enabled else 1
    use_pattern = pol.teams.enabled and bool(pattern) and k_count > 1
    spof: dict[tuple[str, str], list[int]] = defaultdict(list)
    gaps: dict[tuple[int | None, str], list[tuple[int, int, int]]] = defaultdict(list)
    for post in problem.site.posts:
        qualified = ix.qualified_staff[post.id]
        for (d, sh), need in ix.needs[post.id].items():
            if need.min <= 0:
                continue
            slot_teams = [pattern[(d, sh)]] if use_pattern else list(range(k_count))
            for k in slot_teams:
                able = [
                    s
                    for s in qualified
                    if ix.available(s, d, sh)
                    and (
                        not pol.teams.enabled
                        or not ix.staff_by_id[s].rotates
                        or teams.get(s, ix.staff_by_id[s].team) == k
                        or k_count == 1
                    )
                ]
                if len(able) < need.min:
                    gaps[(k if pol.teams.enabled else None, post.id)].append(
                        (d, need.min, len(able))
                    )
                elif len(able) == need.min:
                    for s in able:
                        spof[(s, post.id)].append(d)
    points = []
    for (s, p), days in spof.items():
        person = ix.staff_by_id[s]
        points.append(
            SinglePoint(
                staff=s,
                name=person.name,
                team=teams.get(s, person.team) if person.rotates else None,
                post=p,
                post_name=ix.post_by_id[p].label,
                slots=len(days),
                first=ix.date(min(days)),
            )
        )
    points.sort(key=lambda x: (-x.slots, x.post, x.staff))
    gap_list = [
        Gap(
            team=k,
            post=p,
            post_name=ix.post_by_id[p].label,
            slots=len(v),
            need=max(n for _, n, _ in v),
            have=min(h for _, _, h in v),
        )
        for (k, p), v in gaps.items()
    ]
    return points, gap_list


def format_drill(res: DrillResult, problem: Problem, top: int = 15) -> str:
    """The drill as text."""
    shifts = {s.id: s.label for s in problem.site.shifts}
    lines = [f"Teams: {res.teams_from}."]
    for t in res.teams:
        head = f"Team {t.team + 1} ({t.members} people) sent home for {t.days} days: "
        if t.ok:
            lines.append(head + "the other team(s) keep every post covered under the cap.")
        else:
            n = sum(s.short for s in t.shortfalls)
            n_posts = len({s.post for s in t.shortfalls})
            lines.append(
                head + f"{n} missing person-shift(s) at {n_posts} post(s) "
                f"({t.status}, {t.wall_time:.1f} s):"
            )
            for s in t.shortfalls[:top]:
                lines.append(
                    f"  - {day_label(s.date)} {shifts.get(s.shift, s.shift)}: "
                    f"{s.post_name} short {s.short} of {s.need}"
                )
            if len(t.shortfalls) > top:
                lines.append(f"  ... and {len(t.shortfalls) - top} more")
            for o in t.other[:5]:
                lines.append(f"  ! {o}")
    if res.gaps:
        lines.append("Posts a team cannot staff even with everyone present:")
        for g in res.gaps[:top]:
            who = f"team {g.team + 1}" if g.team is not None else "the office"
            lines.append(
                f"  - {g.post_name}, {who}: needs {g.need}, {g.have} qualified ({g.slots} shift(s))"
            )
    if res.single_points:
        lines.append("Single points of failure (their absence alone leaves a post short):")
        for p in res.single_points[:top]:
            team = f", team {p.team + 1}" if p.team is not None else ""
            lines.append(
                f"  - {p.name} ({p.staff}){team}: the only one for {p.post_name} in "
                f"{p.slots} shift(s) from {day_label(p.first)}"
            )
        if len(res.single_points) > top:
            lines.append(f"  ... and {len(res.single_points) - top} more")
    else:
        lines.append("No single point of failure.")
    return "\n".join(lines)
