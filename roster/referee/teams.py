"""Teams: each rotating person in one team, teams never mix on site, the rotation pattern, and
balanced team sizes."""

from __future__ import annotations

from collections import defaultdict

from roster.referee.judge import Judge


def read_teams(j: Judge) -> None:
    """Each rotating person's team: ``roster.teams``, else the fixed ``Staff.team``."""
    idx = j.idx
    count = j.policy.teams.count
    enabled = j.policy.teams.enabled
    for sid in j.roster.teams:
        if sid not in idx.staff_by_id:
            j.violation(
                "unknown",
                j.tr(
                    f"The roster gives a team to unknown staff id {sid!r}.",
                    f"Lịch gán nhóm cho mã cán bộ không tồn tại {sid!r}.",
                ),
            )
    for sid in idx.rotating_staff:
        s = idx.staff_by_id[sid]
        t = j.roster.teams.get(sid, s.team)
        if t is None:
            if enabled:
                j.violation(
                    "teams.assignment",
                    j.tr(
                        f"{j.who(sid)} rotates but has no team; give them one of teams 1-{count}.",
                        f"{j.who(sid)} làm luân phiên nhưng chưa có nhóm; hãy xếp vào một trong "
                        f"các nhóm 1-{count}.",
                    ),
                    staff=sid,
                )
            continue
        if not 0 <= t < count:
            if enabled:
                j.violation(
                    "teams.assignment",
                    j.tr(
                        f"{j.who(sid)} is in team {t + 1}, but there are only teams 1-{count}.",
                        f"{j.who(sid)} thuộc nhóm {t + 1}, nhưng chỉ có các nhóm 1-{count}.",
                    ),
                    staff=sid,
                )
            continue
        if s.team is not None and t != s.team and enabled:
            j.violation(
                "teams.assignment",
                j.tr(
                    f"{j.who(sid)} was fixed in team "
                    f"{s.team + 1} but the roster puts them in team {t + 1}.",
                    f"{j.who(sid)} đã được cố định ở nhóm {s.team + 1} nhưng lịch xếp vào "
                    f"nhóm {t + 1}.",
                ),
                staff=sid,
            )
        j.team_of[sid] = t


def check(j: Judge) -> None:
    """Teams: assignment, no mixing, rotation pattern, balance.

    Team numbers in messages are 1-based (team 0 is "team 1").

    * Mixing: per open slot, amount = (distinct teams among rotating people on site) - 1.
    * Rotation (patterns other than ``free``): amount 1 per rotating person on site in a slot
      whose ``ProblemIndex.pattern_team`` is not their team.
    * Balance (``balance`` true): for each unit, over that unit's rotating members that
      have a valid team, ``size[k]`` = members in team k for every k in 0..count-1 (empty
      teams count as 0). Amount = ``max(0, max(size) - min(size) - 1)``, one breach per
      unit: a violation when the rule is hard, else ``weight x amount``. Units without
      rotating members are skipped.

    People without a valid team (already reported as ``teams.assignment``) are left out of
    mixing, rotation and balance.
    """
    read_teams(j)
    rule = j.policy.teams
    if not rule.enabled:
        return
    team_of = j.team_of
    pattern = j.idx.pattern_team
    for (day, shift), people in sorted(j.slot_people.items(), key=j.slot_key):
        groups: dict[int, list[str]] = defaultdict(list)
        for sid in people:
            t = team_of.get(sid)
            if t is not None:
                groups[t].append(sid)
        if len(groups) > 1:
            parts = "; ".join(
                f"{j.team(t)}: {', '.join(j.who(s) for s in members[:3])}"
                + (
                    j.tr(f" and {len(members) - 3} more", f" và {len(members) - 3} người khác")
                    if len(members) > 3
                    else ""
                )
                for t, members in sorted(groups.items())
            )
            j.breach(
                rule,
                "teams.mix",
                len(groups) - 1,
                j.tr(
                    f"{len(groups)} teams are on "
                    f"site together on {j.when(day)} ({j.shift(shift)}): {parts}.",
                    f"{len(groups)} nhóm cùng làm việc trực tiếp ngày {j.when(day)} "
                    f"({j.shift(shift)}): {parts}.",
                ),
                day=day,
                shift=shift,
            )
        expected = pattern.get((day, shift))
        if expected is None:
            continue
        for t, members in sorted(groups.items()):
            if t == expected:
                continue
            for sid in members:
                j.breach(
                    rule,
                    "teams.rotation",
                    1,
                    j.tr(
                        f"{j.who(sid)}, in team {t + 1}, is "
                        f"on site on {j.when(day)} ({j.shift(shift)}), a slot of "
                        f"team {expected + 1}.",
                        f"{j.who(sid)} (nhóm {t + 1}) làm việc trực tiếp ngày {j.when(day)} "
                        f"({j.shift(shift)}), là ca của nhóm {expected + 1}.",
                    ),
                    staff=sid,
                    day=day,
                    shift=shift,
                    post=j.cells.get((sid, day, shift)),
                )
    if rule.balance:
        for unit, members in j.idx.staff_of_unit.items():
            teamed = [sid for sid in members if sid in team_of]
            if not teamed:
                continue
            sizes = [0] * rule.count
            for sid in teamed:
                sizes[team_of[sid]] += 1
            excess = max(sizes) - min(sizes) - 1
            listing = ", ".join(f"{j.team(k)}: {n}" for k, n in enumerate(sizes))
            j.breach(
                rule,
                "teams.balance",
                excess,
                j.tr(
                    f"Team sizes in "
                    f"{j.unit_name(unit)} differ by {max(sizes) - min(sizes)} "
                    f"({listing}); at most 1 is allowed.",
                    f"Quy mô các nhóm trong {j.unit_name(unit)} chênh nhau "
                    f"{max(sizes) - min(sizes)} người ({listing}); chỉ được chênh tối đa 1.",
                ),
                unit=unit,
            )
