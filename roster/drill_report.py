"""Resilience of the teams: the drill's report, and single points of failure.

The drill itself (can the other team(s) alone keep every post covered when one team is sent
home?) is a solve: ``solver/drill.py``. This module holds its result types, the pure-Python
search for single points of failure and the wording.

A *single point of failure* is a person whose absence alone leaves a post short in a slot their
team serves: in that slot the people who may take the post (qualified, not absent, in the team
the rotation gives the slot or outside the rotation) are exactly as many as the post's minimum.
With a ``free`` rotation (or teams off) every slot counts for every team. This head count is
exact about absences and skills; the cap and contracts can only add single points of failure,
and ``solver/drill.py`` probes everyone else against them (``why="rules"``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from pydantic import BaseModel, Field

from roster.export import date_label
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
    other_vi: list[str] = Field(default_factory=list, description="``other`` in Vietnamese.")
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
    why: str = Field(
        "head count",
        description="'head count': the only one qualified and available; 'rules': others are "
        "qualified, but the cap, contracts or absences keep them from standing in.",
    )


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
    probed: int = Field(0, description="People checked against the cap and contracts.")
    candidates: int = Field(0, description="People who could be checked.")
    probe_note: str = ""
    probe_note_vi: str = ""


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


_DRILL_WORDS: dict[str, tuple[str, str]] = {
    "teams": ("Teams: {source}.", "Các nhóm: {source}."),
    "as given": ("as given", "theo lịch đã có"),
    "from a quick solve": ("from a quick solve", "từ một lần lập lịch nhanh"),
    "fixed in the staff list": ("fixed in the staff list", "theo danh sách cán bộ"),
    "fixed teams only": ("fixed teams only", "chỉ các nhóm cố định"),
    "head": (
        "Team {team} ({members} people) sent home for {days} days: ",
        "Nhóm {team} ({members} người) phải cách ly tại nhà {days} ngày: ",
    ),
    "ok": (
        "the other team(s) keep every post covered under the cap.",
        "(các) nhóm còn lại vẫn đủ người trực mọi quầy/nhiệm vụ trong giới hạn.",
    ),
    "short": (
        "{n} missing person-shift(s) at {posts} post(s) ({status}, {time:.1f} s):",
        "thiếu {n} lượt người-ca tại {posts} quầy/nhiệm vụ ({status}, {time:.1f} giây):",
    ),
    "short_line": (
        "  - {slot}: {post} short {short} of {need}",
        "  - {slot}: {post} thiếu {short}/{need}",
    ),
    "more": ("  ... and {n} more", "  ... và {n} mục nữa"),
    "gaps": (
        "Posts a team cannot staff even with everyone present:",
        "Quầy/nhiệm vụ mà một nhóm không đủ người kể cả khi có mặt đầy đủ:",
    ),
    "gap_line": (
        "  - {post}, {who}: needs {need}, {have} qualified ({slots} shift(s))",
        "  - {post}, {who}: cần {need}, có {have} người đủ điều kiện ({slots} ca)",
    ),
    "team": ("team {k}", "nhóm {k}"),
    "office": ("the office", "cả cơ quan"),
    "spof": (
        "Single points of failure (their absence alone leaves a post short):",
        "Người không thể thiếu (chỉ cần vắng một người là quầy/nhiệm vụ thiếu người):",
    ),
    "spof_rules": (
        "  - {who}{team}: without them {post} falls short in {slots} shift(s) (others hold the "
        "skill, but the cap, contracts or absences keep them away)",
        "  - {who}{team}: vắng người này thì {post} thiếu người {slots} ca (người khác có kỹ "
        "năng nhưng bị giới hạn số người, hợp đồng hoặc lịch nghỉ ngăn lại)",
    ),
    "spof_count": (
        "  - {who}{team}: the only one for {post} in {slots} shift(s) from {first}",
        "  - {who}{team}: người duy nhất trực {post} trong {slots} ca, từ {first}",
    ),
    "no_spof": ("No single point of failure.", "Không có người nào là không thể thiếu."),
    "checked": (
        "Checked against the cap, contracts and absences: {probed} of {candidates} other "
        "qualified people.",
        "Đã kiểm tra theo giới hạn số người, hợp đồng và lịch nghỉ: {probed}/{candidates} người "
        "đủ điều kiện khác.",
    ),
    "note": ("Note: {note}.", "Lưu ý: {note}."),
}


#: A solve's status in Vietnamese.
STATUS_VI = {
    "optimal": "tối ưu",
    "feasible": "khả thi",
    "infeasible": "không khả thi",
    "unknown": "chưa rõ",
    "invalid": "không hợp lệ",
}


def _dw(key: str, lang: str, **fields: object) -> str:
    en, vi = _DRILL_WORDS[key]
    return (vi if lang == "vi" else en).format(**fields)


def format_drill(res: DrillResult, problem: Problem, top: int = 15, lang: str = "en") -> str:
    """The drill as text (``lang``: en or vi)."""
    vi = lang == "vi"
    shifts = {s.id: (s.name_vi if vi and s.name_vi else s.label) for s in problem.site.shifts}
    posts = {p.id: (p.name_vi if vi and p.name_vi else p.label) for p in problem.site.posts}

    def day(d: dt.date) -> str:
        return date_label(d, "vi") if vi else day_label(d)

    source = _dw(res.teams_from, lang) if res.teams_from in _DRILL_WORDS else res.teams_from
    lines = [_dw("teams", lang, source=source)]
    for t in res.teams:
        head = _dw("head", lang, team=t.team + 1, members=t.members, days=t.days)
        if t.ok:
            lines.append(head + _dw("ok", lang))
        else:
            n = sum(s.short for s in t.shortfalls)
            n_posts = len({s.post for s in t.shortfalls})
            lines.append(
                head
                + _dw(
                    "short",
                    lang,
                    n=n,
                    posts=n_posts,
                    status=STATUS_VI.get(t.status, t.status) if vi else t.status,
                    time=t.wall_time,
                )
            )
            for s in t.shortfalls[:top]:
                lines.append(
                    _dw(
                        "short_line",
                        lang,
                        slot=f"{day(s.date)} {shifts.get(s.shift, s.shift)}",
                        post=posts.get(s.post, s.post_name),
                        short=s.short,
                        need=s.need,
                    )
                )
            if len(t.shortfalls) > top:
                lines.append(_dw("more", lang, n=len(t.shortfalls) - top))
            for o in (t.other_vi if vi and t.other_vi else t.other)[:5]:
                lines.append(f"  ! {o}")
    if res.gaps:
        lines.append(_dw("gaps", lang))
        for g in res.gaps[:top]:
            who = _dw("team", lang, k=g.team + 1) if g.team is not None else _dw("office", lang)
            lines.append(
                _dw(
                    "gap_line",
                    lang,
                    post=posts.get(g.post, g.post_name),
                    who=who,
                    need=g.need,
                    have=g.have,
                    slots=g.slots,
                )
            )
    if res.single_points:
        lines.append(_dw("spof", lang))
        for p in res.single_points[:top]:
            team = ", " + _dw("team", lang, k=p.team + 1) if p.team is not None else ""
            fields = {
                "who": f"{p.name} ({p.staff})",
                "team": team,
                "post": posts.get(p.post, p.post_name),
                "slots": p.slots,
                "first": day(p.first),
            }
            lines.append(_dw("spof_rules" if p.why == "rules" else "spof_count", lang, **fields))
        if len(res.single_points) > top:
            lines.append(_dw("more", lang, n=len(res.single_points) - top))
    else:
        lines.append(_dw("no_spof", lang))
    if res.candidates:
        lines.append(_dw("checked", lang, probed=res.probed, candidates=res.candidates))
    note = res.probe_note_vi if vi and res.probe_note_vi else res.probe_note
    if note:
        lines.append(_dw("note", lang, note=note))
    return "\n".join(lines)
