"""Cheap checks that catch the common impossible inputs before a solve.

``precheck(problem)`` looks at the input alone (no solver) and returns :class:`Finding` objects
written in sentences a department head understands, for example::

    Tue 14 Dec, morning: 7 posts need a person but the cap allows 5 on site (unit Land Office)

Only a broken *hard* rule gives an ``error`` finding, and every error is a proof: no roster can
meet all hard rules, so the caller may stop without solving. Things that only cost penalties
(a soft rule that cannot be met) are ``warning`` findings.

The checks are lower bounds and never guesses:

* cap versus posts: in a slot, the posts whose every available qualified person counts toward a
  cap scope need at least the sum of their minimums on site from that scope;
* skills: a post open in a slot with nobody available who holds its skill, or with fewer
  qualified available people than its minimum;
* rotation: with a hard rotation pattern, only the members of the slot's team whose team is
  *fixed* (or unassigned, or outside the rotation) may serve; checked only where teams are fixed;
* rapid tests: the people who must be on site on a day need a valid test, and the testing point
  can only do ``daily_capacity`` tests a day on the open days before;
* contracts: a hard minimum of shifts, minutes or days above what the person's open and available
  slots allow.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Literal

from pydantic import BaseModel, ConfigDict

from roster import words
from roster.index import ProblemIndex, Slot
from roster.model import CountLimit, Problem

Severity = Literal["error", "warning"]


class Finding(BaseModel):
    """One thing the precheck found. ``error``: a hard rule can never be met (the problem is
    proven infeasible); ``warning``: a soft rule will cost penalties whatever the roster."""

    model_config = ConfigDict(frozen=True)

    severity: Severity
    message: str
    message_vi: str = ""
    rule: str = ""
    date: dt.date | None = None
    shift: str | None = None
    post: str | None = None
    unit: str | None = None
    staff: str | None = None


# ----------------------------------------------------------------------------------------------
# wording helpers
# ----------------------------------------------------------------------------------------------


def day_label(date: dt.date) -> str:
    """``Tue 14 Dec``: how a head writes a day of the week."""
    return words.day_label(date)


def _people(n: int) -> str:
    return f"{n} person" if n == 1 else f"{n} people"


def day_label_vi(date: dt.date) -> str:
    """``T3 14/12``."""
    return words.day_label(date, "vi")


def team_name_vi(team: int) -> str:
    return f"nhóm {chr(ord('A') + team)}" if 0 <= team < 26 else f"nhóm {team + 1}"


def team_name(team: int) -> str:
    """Teams are 0-based in data and lettered for people: team 0 is 'team A'."""
    return f"team {chr(ord('A') + team)}" if 0 <= team < 26 else f"team {team + 1}"


class _Ctx:
    """Shared facts for the checks."""

    def __init__(self, problem: Problem) -> None:
        self.p = problem
        self.ix = ProblemIndex(problem)
        pol = problem.policy
        self.availability_hard = pol.availability.enabled and pol.availability.hard
        self.teams_hard = pol.teams.enabled and pol.teams.hard and pol.teams.rotation != "free"
        self.cap_hard = pol.cap.enabled and pol.cap.hard
        self.unit_name = {u.id: (u.name or u.id) for u in problem.site.units}
        fixed_off: set[tuple[str, int, str]] = set()
        h = problem.horizon
        for f in problem.fixed:
            if not f.on_site and h.contains(f.date):
                fixed_off.add((f.staff, h.day(f.date), f.shift))
        self.fixed_off = fixed_off

    def shift_label(self, shift: str) -> str:
        return self.ix.shift_by_id[shift].label

    def slot_label(self, slot: Slot) -> str:
        d, s = slot
        return f"{day_label(self.ix.date(d))}, {self.shift_label(s)}"

    def post_label(self, post_id: str) -> str:
        post = self.ix.post_by_id[post_id]
        return f"{post.kind.value} {post.label}"

    # Vietnamese names of the same things
    def shift_vi(self, shift: str) -> str:
        s = self.ix.shift_by_id[shift]
        return "ca " + (s.name_vi or s.label).lower()

    def slot_vi(self, slot: Slot) -> str:
        d, s = slot
        return f"{day_label_vi(self.ix.date(d))}, {self.shift_vi(s)}"

    def post_vi(self, post_id: str) -> str:
        post = self.ix.post_by_id[post_id]
        return words.post_vi(post.kind.value, post.name_vi or post.label)

    def coverage_hard(self, post_id: str) -> bool:
        cov = self.p.policy.coverage
        return self.ix.post_by_id[post_id].under_weight is None and cov.enabled and cov.hard

    def may_be_on_site(self, staff_id: str, slot: Slot, *, with_team: int | None = None) -> bool:
        """Whether a person can be on site in an open slot as far as hard rules of the input go:
        hard absences, cells fixed off, and (``with_team``) a fixed team other than the slot's."""
        d, s = slot
        if self.availability_hard and not self.ix.available(staff_id, d, s):
            return False
        if (staff_id, d, s) in self.fixed_off:
            return False
        if with_team is not None:
            person = self.ix.staff_by_id[staff_id]
            if person.rotates and person.team is not None and person.team != with_team:
                return False
        return True

    def may_serve_remote(self, staff_id: str, slot: Slot) -> bool:
        """Whether a person can serve a remote duty in an open slot as far as hard rules of
        the input go: not sent off by an absence (working from home is allowed)."""
        if not (self.p.policy.remote.enabled and self.p.policy.remote.hard):
            return True
        absence = self.ix.absence_at(staff_id, *slot)
        return absence is None or not absence.reason.is_off


# ----------------------------------------------------------------------------------------------
# the checks
# ----------------------------------------------------------------------------------------------


def _check_skills(c: _Ctx) -> list[Finding]:
    """Posts that cannot reach their minimum in a slot for lack of qualified available people."""
    out: list[Finding] = []
    for post in c.p.site.posts:
        qualified = c.ix.qualified_staff[post.id]
        hard = c.coverage_hard(post.id)
        if not hard and not c.p.policy.coverage.enabled and post.under_weight is None:
            continue
        severity: Severity = "error" if hard else "warning"
        for slot, need in c.ix.needs[post.id].items():
            if need.min <= 0:
                continue
            d, s = slot
            date = c.ix.date(d)
            if post.remote:
                avail = [q for q in qualified if c.may_serve_remote(q, slot)]
            else:
                avail = [q for q in qualified if c.may_be_on_site(q, slot)]
            base = dict(
                severity=severity,
                rule="coverage.under",
                date=date,
                shift=s,
                post=post.id,
                unit=post.unit,
            )
            where = f"{c.post_label(post.id)} is open {day_label(date)} {c.shift_label(s)}"
            where_vi = f"{c.post_vi(post.id)} mở {day_label_vi(date)} {c.shift_vi(s)}"
            if not avail:
                if post.skill is None:
                    msg = f"{where} but nobody is available to be on site"
                    vi = f"{where_vi} nhưng không ai có thể làm việc trực tiếp"
                elif not qualified:
                    msg = f"{where} but nobody on the staff list holds its skill '{post.skill}'"
                    vi = f"{where_vi} nhưng không cán bộ nào có kỹ năng '{post.skill}'"
                else:
                    msg = f"{where} but nobody available holds its skill '{post.skill}'"
                    vi = f"{where_vi} nhưng không ai có mặt được có kỹ năng '{post.skill}'"
                out.append(Finding(message=msg, message_vi=vi, **base))
                continue
            if len(avail) < need.min:
                skill = f" with skill '{post.skill}'" if post.skill else ""
                msg = (
                    f"{where} and needs {_people(need.min)} but only {len(avail)} available "
                    f"{'person' if len(avail) == 1 else 'people'}{skill} can be on site"
                )
                skill_vi = f" có kỹ năng '{post.skill}'" if post.skill else ""
                vi = (
                    f"{where_vi}, cần {need.min} người nhưng chỉ {len(avail)} người{skill_vi} "
                    "có thể làm việc trực tiếp"
                )
                out.append(Finding(message=msg, message_vi=vi, **base))
                continue
            if c.teams_hard and slot in c.ix.pattern_team and not post.remote:
                team = c.ix.pattern_team[slot]
                in_team = [q for q in avail if c.may_be_on_site(q, slot, with_team=team)]
                if len(in_team) < need.min:
                    skill = f" holding skill '{post.skill}'" if post.skill else ""
                    got = "none" if not in_team else f"only {len(in_team)}"
                    msg = (
                        f"{where} and needs {_people(need.min)}, but the rotation gives this "
                        f"shift to {team_name(team)} and {got} of its members{skill} "
                        f"(or staff outside the rotation) can be on site"
                    )
                    skill_vi = f" có kỹ năng '{post.skill}'" if post.skill else ""
                    got_vi = "không ai" if not in_team else f"chỉ {len(in_team)} người"
                    vi = (
                        f"{where_vi}, cần {need.min} người, nhưng lịch luân phiên giao ca này "
                        f"cho {team_name_vi(team)} và {got_vi}{skill_vi} của nhóm (hoặc ngoài "
                        "luân phiên) có thể làm việc trực tiếp"
                    )
                    out.append(
                        Finding(
                            **{**base, "message": msg, "message_vi": vi, "rule": "teams.rotation"}
                        )
                    )
    return out


def _check_team_split(c: _Ctx) -> list[Finding]:
    """With a hard rotation pattern, each team needs its own qualified people for a post: a
    person belongs to one team, so the qualified rotating people must be enough to give every
    team the most it needs in one of its slots (people outside the rotation help every team)."""
    if not c.teams_hard:
        return []
    out: list[Finding] = []
    count = c.p.policy.teams.count
    for post in c.p.site.posts:
        if not c.coverage_hard(post.id) or post.remote:
            continue
        qualified = [c.ix.staff_by_id[q] for q in c.ix.qualified_staff[post.id]]
        rotating = [q for q in qualified if q.rotates]
        need = [0] * count
        for slot, n in c.ix.needs[post.id].items():
            team = c.ix.pattern_team.get(slot)
            if team is None or n.min <= 0:
                continue
            outside = sum(1 for q in qualified if not q.rotates and c.may_be_on_site(q.id, slot))
            need[team] = max(need[team], n.min - outside)
        fixed = [sum(1 for q in rotating if q.team == k) for k in range(count)]
        free = sum(1 for q in rotating if q.team is None)
        short = sum(max(0, need[k] - fixed[k]) for k in range(count))
        if short <= free or sum(1 for k in need if k > 0) < 2:
            continue
        teams = [team_name(k) for k in range(count) if need[k] > 0]
        skill = f"skill '{post.skill}'" if post.skill else "the post"
        msg = (
            f"{c.post_label(post.id)} must be covered by {', '.join(teams[:-1])} and "
            f"{teams[-1]} in turn ({' + '.join(str(n) for n in need if n > 0)} people), "
            f"but only {len(rotating)} rotating "
            f"{'person holds' if len(rotating) == 1 else 'people hold'} {skill} and each "
            f"person belongs to one team"
        )
        teams_vi = [team_name_vi(k) for k in range(count) if need[k] > 0]
        skill_vi = f"kỹ năng '{post.skill}'" if post.skill else "vị trí này"
        vi = (
            f"{c.post_vi(post.id)} phải do {', '.join(teams_vi[:-1])} và {teams_vi[-1]} luân "
            f"phiên đảm nhận ({' + '.join(str(n) for n in need if n > 0)} người), nhưng chỉ "
            f"{len(rotating)} người luân phiên có {skill_vi} và mỗi người chỉ thuộc một nhóm"
        )
        out.append(
            Finding(
                severity="error",
                rule="teams.rotation",
                message=msg,
                message_vi=vi,
                post=post.id,
                unit=post.unit,
            )
        )
    return out


def _check_cap(c: _Ctx) -> list[Finding]:
    """Per slot and cap scope: posts served only by people counting toward the scope need more
    people on site than the scope's cap allows."""
    if not c.cap_hard:
        return []
    out: list[Finding] = []
    for kind, unit, members, cap in c.ix.cap_scopes:
        member_set = set(members)
        demand: dict[Slot, list[tuple[str, int]]] = defaultdict(list)
        for post in c.p.site.posts:
            if not c.coverage_hard(post.id) or post.remote:
                continue
            qualified = c.ix.qualified_staff[post.id]
            for slot, need in c.ix.needs[post.id].items():
                if need.min <= 0:
                    continue
                avail = [q for q in qualified if c.may_be_on_site(q, slot)]
                if avail and all(q in member_set for q in avail):
                    demand[slot].append((post.id, need.min))
        for slot in c.ix.open_slots:
            posts = demand.get(slot)
            if not posts:
                continue
            total = sum(n for _, n in posts)
            d, s = slot
            cap = c.ix.cap_on(kind, unit, len(members), d)
            if total <= cap:
                continue
            if len(posts) == 1:
                what = f"{c.post_label(posts[0][0])} needs {_people(total)}"
                what_vi = f"{c.post_vi(posts[0][0])} cần {total} người"
            elif all(n == 1 for _, n in posts):
                what = f"{len(posts)} posts need a person"
                what_vi = f"{len(posts)} quầy/nhiệm vụ mỗi nơi cần một người"
            else:
                what = f"{len(posts)} posts need {_people(total)}"
                what_vi = f"{len(posts)} quầy/nhiệm vụ cần {total} người"
            scope = f"unit {c.unit_name[unit]}" if kind == "unit" and unit else "the whole site"
            scope_vi = f"đơn vị {c.unit_name[unit]}" if kind == "unit" and unit else "toàn cơ quan"
            msg = f"{c.slot_label(slot)}: {what} but the cap allows {cap} on site ({scope})"
            vi = (
                f"{c.slot_vi(slot)}: {what_vi} nhưng giới hạn chỉ cho {cap} người làm việc trực "
                f"tiếp tại cơ quan ({scope_vi})"
            )
            out.append(
                Finding(
                    severity="error",
                    rule="cap",
                    message=msg,
                    message_vi=vi,
                    date=c.ix.date(d),
                    shift=s,
                    unit=unit,
                )
            )
    return out


def _min_on_site_by_day(c: _Ctx) -> dict[int, int]:
    """A lower bound on the people on site each open day: the largest sum of hard post minimums
    over the day's slots (one person serves one post per slot)."""
    out: dict[int, int] = {}
    for d in c.ix.open_days:
        best = 0
        for s in c.ix.open_shifts_by_day[d]:
            total = sum(
                c.ix.needs[p.id][(d, s)].min
                for p in c.p.site.posts
                if c.coverage_hard(p.id) and not p.remote and (d, s) in c.ix.needs[p.id]
            )
            best = max(best, total)
        if best:
            out[d] = best
    return out


def _check_tests(c: _Ctx) -> list[Finding]:
    """The testing point cannot test enough people for those who must be on site."""
    rule = c.p.policy.tests
    if not rule.enabled or rule.daily_capacity is None:
        return []
    severity: Severity = "error" if rule.hard else "warning"
    out: list[Finding] = []
    v = rule.valid_days
    open_days = set(c.ix.open_days)
    for d, need in _min_on_site_by_day(c).items():
        date = c.ix.date(d)
        # People whose test from before the horizon still covers this day need no new test.
        covered = sum(
            1
            for s in c.p.staff
            if s.last_test is not None
            and s.last_test <= date <= s.last_test + dt.timedelta(days=v - 1)
        )
        must_test = need - covered
        if must_test <= 0:
            continue
        window = [x for x in range(max(0, d - v + 1), d + 1) if x in open_days]
        capacity = rule.daily_capacity * len(window)
        if must_test <= capacity:
            continue
        first = c.ix.date(window[0]) if window else date
        span = day_label(date) if first == date else f"{day_label(first)} to {day_label(date)}"
        msg = (
            f"{day_label(date)}: at least {_people(need)} must be on site and "
            f"{must_test} of them need a new rapid test, but the testing point can do at most "
            f"{capacity} ({rule.daily_capacity} a day, {span})"
        )
        span_vi = (
            day_label_vi(date)
            if first == date
            else f"{day_label_vi(first)} đến {day_label_vi(date)}"
        )
        vi = (
            f"{day_label_vi(date)}: ít nhất {need} người phải làm việc trực tiếp và {must_test} "
            f"người trong số đó cần test nhanh mới, nhưng điểm test chỉ làm được tối đa "
            f"{capacity} lượt ({rule.daily_capacity} lượt/ngày, {span_vi})"
        )
        out.append(
            Finding(severity=severity, rule="tests.capacity", message=msg, message_vi=vi, date=date)
        )
    return out


def _count_possible(c: _Ctx, staff_id: str, cl: CountLimit, days: list[int]) -> int:
    """The most a person can reach of ``cl.measure`` over ``days``, from open, available slots."""
    contract = c.ix.contract(staff_id)
    per_day_max = contract.max_shifts_per_day
    total = 0
    for d in days:
        if cl.measure == "days_off":
            total += 1
            continue
        slots = [
            s
            for s in c.ix.open_shifts_by_day[d]
            if (not cl.shifts or s in cl.shifts) and c.may_be_on_site(staff_id, (d, s))
        ]
        if not slots:
            continue
        if cl.measure == "days":
            total += 1
            continue
        values = sorted(
            (c.ix.shift_by_id[s].minutes if cl.measure == "minutes" else 1) for s in slots
        )
        if per_day_max is not None:
            values = values[len(values) - per_day_max :] if per_day_max else []
        total += sum(values)
    return total


def _check_contracts(c: _Ctx) -> list[Finding]:
    """A hard minimum (shifts, minutes, days) above what the person's open slots allow."""
    out: list[Finding] = []
    units = {
        "shifts": "on-site shifts",
        "minutes": "on-site minutes",
        "days": "on-site days",
        "days_off": "days off",
    }
    units_vi = {
        "shifts": "ca làm việc trực tiếp",
        "minutes": "phút làm việc trực tiếp",
        "days": "ngày làm việc trực tiếp",
        "days_off": "ngày nghỉ",
    }
    for person in c.p.staff:
        contract = c.ix.contract(person.id)
        for cl in contract.counts:
            if cl.hard_min is None or cl.hard_min <= 0:
                continue
            windows = [list(range(c.ix.days))] if cl.window == "horizon" else c.ix.weeks
            for days in windows:
                possible = _count_possible(c, person.id, cl, days)
                if possible >= cl.hard_min:
                    continue
                start = c.ix.date(days[0])
                when = (
                    "over the horizon"
                    if cl.window == "horizon"
                    else f"in the week of {day_label(start)}"
                )
                who = f"{person.name or person.id} ({c.unit_name[person.unit]})"
                msg = (
                    f"{who}: contract '{person.contract}' requires at least {cl.hard_min} "
                    f"{units[cl.measure]} {when}, but the open shifts they can work allow "
                    f"only {possible}"
                )
                when_vi = (
                    "trong cả kỳ"
                    if cl.window == "horizon"
                    else f"trong tuần bắt đầu {day_label_vi(start)}"
                )
                vi = (
                    f"{who}: hợp đồng '{person.contract}' yêu cầu ít nhất {cl.hard_min} "
                    f"{units_vi[cl.measure]} {when_vi}, nhưng các ca mở mà người này làm được "
                    f"chỉ cho phép {possible}"
                )
                out.append(
                    Finding(
                        severity="error",
                        rule="contract.count.min",
                        message=msg,
                        message_vi=vi,
                        date=start,
                        unit=person.unit,
                        staff=person.id,
                    )
                )
    return out


def precheck(problem: Problem) -> list[Finding]:
    """Run every cheap check; errors first, then warnings, each in date order."""
    c = _Ctx(problem)
    findings = (
        _check_cap(c)
        + _check_skills(c)
        + _check_team_split(c)
        + _check_tests(c)
        + _check_contracts(c)
    )
    order = {s: i for i, s in enumerate(c.ix.shift_ids)}

    def key(f: Finding) -> tuple:
        return (
            f.severity != "error",
            f.date or dt.date.min,
            order.get(f.shift or "", -1),
            f.message,
        )

    return sorted(findings, key=key)


def grouped(findings: list[Finding], problem: Problem) -> list[tuple[Finding, int]]:
    """Findings that say the same thing on several days or shifts, folded: each group gives its
    first finding and how many more there are (for printing: "... and the same on 9 more
    shifts")."""
    labels = {s.id: s.label for s in problem.site.shifts}
    groups: dict[tuple, list[Finding]] = {}
    for f in findings:
        pattern = f.message
        if f.date is not None:
            pattern = pattern.replace(day_label(f.date), "{day}")
        if f.shift is not None:
            pattern = pattern.replace(labels.get(f.shift, f.shift), "{shift}")
        groups.setdefault((f.severity, f.rule, f.post, f.unit, f.staff, pattern), []).append(f)
    return [(items[0], len(items) - 1) for items in groups.values()]


def errors(findings: list[Finding]) -> list[Finding]:
    """Only the findings that prove the problem infeasible."""
    return [f for f in findings if f.severity == "error"]
