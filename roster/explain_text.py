"""Wording of a conflict: the hard rules that cannot all hold, in a head's words, with fixes.

The diagnosis (``solver/diagnose.py``) finds a small set of *keys* ``(rule_id, scope)``: the
scopes are the typed records of :mod:`roster.scopes` (a post in a slot, a unit's cap in a
slot, a person's contract, a fixed cell, ...), read through their common attributes, so a rule
without words of its own here is still placed and named (by its label). :func:`explain` turns
them into an :class:`Explanation`: one finding per slot (the cap against the posts of that
slot, as in "Tue 14 Dec, morning: the cap allows 4 of Land Registration's 12 staff on site,
but counters L1, L2, L3 and the seal task need 5 people"), one per person or other rule, each
with what would fix it. Pure Python: no solver import.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from pydantic import BaseModel, Field

from roster.index import ProblemIndex
from roster.labels import label
from roster.model import Problem
from roster.scopes import FixedScope, Key, Scope
from roster.validation import day_label


class RuleRef(BaseModel):
    """One hard rule scope of a conflict."""

    rule: str
    label: str
    label_vi: str
    staff: str | None = None
    date: dt.date | None = None
    shift: str | None = None
    post: str | None = None
    unit: str | None = None
    scope: list[Any] = Field(default_factory=list)


class Finding(BaseModel):
    """One part of the explanation: what conflicts, with whom, and what would fix it."""

    message: str
    fixes: list[str] = Field(default_factory=list)
    rules: list[str] = Field(default_factory=list)
    staff: list[str] = Field(default_factory=list)
    posts: list[str] = Field(default_factory=list)
    slots: list[str] = Field(default_factory=list)


class Explanation(BaseModel):
    """Why no roster exists (or that one does). ``status``: infeasible, feasible or unknown."""

    status: str
    summary: str
    findings: list[Finding] = Field(default_factory=list)
    rules: list[RuleRef] = Field(default_factory=list)
    minimal: bool = False
    elapsed: float = 0.0

    def text(self) -> str:
        """The explanation as plain text lines."""
        lines = [self.summary]
        for i, f in enumerate(self.findings, 1):
            lines.append(f"{i}. {f.message}")
            if f.fixes:
                lines.append("   Fix: " + "; or ".join(f.fixes) + ".")
        return "\n".join(lines)


def _people(n: int) -> str:
    return f"{n} person" if n == 1 else f"{n} people"


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


class _Words:
    """Names of things, as a head reads them."""

    def __init__(self, problem: Problem) -> None:
        self.p = problem
        self.ix = ProblemIndex(problem)
        self.units = {u.id: (u.name or u.id) for u in problem.site.units}

    def who(self, sid: str) -> str:
        s = self.ix.staff_by_id.get(sid)
        return f"{s.name} ({sid})" if s is not None and s.name else sid

    def slot(self, day: int, shift: str) -> str:
        return f"{day_label(self.ix.date(day))}, {self.ix.shift_by_id[shift].label.lower()}"

    def post(self, pid: str) -> str:
        post = self.ix.post_by_id[pid]
        if post.kind.value == "task":
            return f"the {post.label} task"
        return f"counter {post.label}"

    def posts(self, pids: list[str]) -> str:
        """``counters L1, L2, L3 and the Seal task``."""
        counters = [
            self.ix.post_by_id[p].label for p in pids if self.ix.post_by_id[p].kind.value != "task"
        ]
        tasks = [
            self.ix.post_by_id[p].label for p in pids if self.ix.post_by_id[p].kind.value == "task"
        ]
        parts = []
        if counters:
            parts.append(("counters " if len(counters) > 1 else "counter ") + ", ".join(counters))
        if tasks:
            parts.append("the " + _and(tasks) + (" tasks" if len(tasks) > 1 else " task"))
        return _and(parts)

    def unit(self, uid: str | None) -> str:
        return "the whole site" if uid is None else self.units.get(uid, uid)

    def team(self, k: int) -> str:
        return f"team {k + 1}"


def ref(problem: Problem, key: Key, ix: ProblemIndex | None = None) -> RuleRef:
    """The structured form of one key (who, when, where)."""
    ix = ix or ProblemIndex(problem)
    rule, scope = key
    en, vi = label(rule), label(rule, "vi")
    out = RuleRef(rule=rule, label=en, label_vi=vi, scope=[str(x) for x in scope.parts()])
    if isinstance(scope, FixedScope):
        f = problem.fixed[scope.index]
        out.staff, out.date, out.shift, out.post = f.staff, f.date, f.shift, f.post
        return out
    out.date = ix.date(scope.day) if scope.day is not None else None
    out.shift, out.post, out.unit = scope.shift, scope.post, scope.unit
    if scope.post is not None and scope.post in ix.post_by_id:
        out.unit = ix.post_by_id[scope.post].unit
    if scope.staff is not None and scope.staff in ix.staff_by_id:
        out.staff = scope.staff
        out.unit = ix.staff_by_id[scope.staff].unit
    return out


def explain(
    problem: Problem,
    keys: list[Key],
    *,
    status: str = "infeasible",
    minimal: bool = False,
    elapsed: float = 0.0,
    structural: bool = False,
) -> Explanation:
    """Put a conflict (the keys of a diagnosis) in words: slot findings first, then people."""
    w = _Words(problem)
    refs = [ref(problem, k, w.ix) for k in keys]
    if status == "feasible":
        return Explanation(
            status=status,
            summary="A roster meeting every hard rule exists; nothing to explain.",
            elapsed=elapsed,
        )
    if status != "infeasible":
        return Explanation(
            status=status,
            summary="The diagnosis ran out of time before it "
            "could prove which rules conflict; try a longer time limit.",
            elapsed=elapsed,
        )
    if structural or not keys:
        return Explanation(
            status=status,
            summary="No roster exists even with every rule "
            "switched off: the input itself is contradictory (check fixed "
            "teams and the number of teams).",
            elapsed=elapsed,
        )
    by_slot: dict[tuple[int, str], list[Key]] = defaultdict(list)
    by_staff: dict[str, list[Key]] = defaultdict(list)
    other: list[Key] = []
    for k in keys:
        _rule, scope = k
        if scope.day is not None and scope.shift is not None and scope.staff is None:
            by_slot[(scope.day, scope.shift)].append(k)
        elif isinstance(scope, FixedScope):
            by_staff[problem.fixed[scope.index].staff].append(k)
        elif scope.staff is not None and scope.staff in w.ix.staff_by_id:
            by_staff[scope.staff].append(k)
        else:
            other.append(k)
    findings: list[Finding] = []
    order = w.ix.shift_order
    for d, sh in sorted(by_slot, key=lambda s: (s[0], order[s[1]])):
        findings.append(_slot_finding(w, d, sh, by_slot[(d, sh)], by_staff))
    for sid in sorted(by_staff, key=lambda s: list(w.ix.staff_by_id).index(s)):
        findings.append(_staff_finding(w, sid, by_staff[sid]))
    for k in other:
        findings.append(_other_finding(w, k))
    n = len(keys)
    summary = (
        f"No roster can meet every hard rule. These {n} rule"
        f"{'s' if n != 1 else ''} conflict"
        + (" (a minimal set: drop any one and the rest can hold)" if minimal else "")
        + ":"
    )
    return Explanation(
        status=status,
        summary=summary,
        findings=findings,
        rules=refs,
        minimal=minimal,
        elapsed=elapsed,
    )


def _slot_finding(
    w: _Words, d: int, sh: str, keys: list[Key], by_staff: dict[str, list[Key]]
) -> Finding:
    ix = w.ix
    when = w.slot(d, sh)
    caps = [k for k in keys if k[0] == "cap"]
    unders = [k for k in keys if k[0] == "coverage.under"]
    overs = [k for k in keys if k[0] == "coverage.over"]
    mix = [k for k in keys if k[0] == "teams.mix"]
    posts = [_post(k[1]) for k in unders]
    need = sum(ix.needs[p][(d, sh)].min for p in posts)
    parts: list[str] = []
    fixes: list[str] = []
    staff: list[str] = []
    absent = [s for s in by_staff if any(r == "availability" for r, _ in by_staff[s])]
    if caps and unders:
        for k in caps:
            unit = k[1].unit
            cap, headcount = _cap_of(w, unit)
            parts.append(f"the cap allows {cap} of {w.unit(unit)}'s {headcount} staff on site")
            fixes.append(f"raise the cap of {w.unit(unit)} to {need}")
        post_words = w.posts(posts)
        parts_text = " and ".join(parts)
        msg = f"{when}: {parts_text}, but {post_words} need {_people(need)}."
        if len(posts) > 1:
            fixes.append(f"close one of {post_words} in this shift (or lower its minimum)")
        else:
            fixes.append(f"close {post_words} in this shift (or lower its minimum)")
        cap_units = {k[1].unit if k[1].unit is not None else "site" for k in caps}
        for p in posts:
            post = ix.post_by_id[p]
            if post.kind.value != "task":
                continue
            outside = sorted({ix.staff_by_id[s].unit for s in ix.qualified_staff[p]} - cap_units)
            others = [u for u in w.units if u not in cap_units]
            if outside:
                fixes.append(f"let {w.post(p)} be done by {_and([w.unit(u) for u in outside])}")
            elif post.skill and others:
                fixes.append(
                    f"let {w.post(p)} be done by {_and([w.unit(u) for u in others])} "
                    f"(give the skill '{post.skill}' to one of its staff)"
                )
    else:
        for k in unders:
            p = _post(k[1])
            post = ix.post_by_id[p]
            q = ix.qualified_staff[p]
            free = [s for s in q if ix.available(s, d, sh)]
            skill = f" holding '{post.skill}'" if post.skill else ""
            parts.append(
                f"{w.post(p)} needs {_people(ix.needs[p][(d, sh)].min)}{skill} "
                f"({len(free)} of {len(q)} qualified are available)"
            )
            staff += free[:6]
            fixes.append(f"lower the minimum of {w.post(p)} or close it in this shift")
            if post.skill:
                fixes.append(f"train more staff in '{post.skill}'")
        for k in caps:
            unit = k[1].unit
            cap, headcount = _cap_of(w, unit)
            parts.append(f"the cap allows {cap} of {w.unit(unit)}'s {headcount} staff on site")
            fixes.append(f"raise the cap of {w.unit(unit)}")
        for k in overs:
            p = _post(k[1])
            parts.append(f"{w.post(p)} takes at most {ix.needs[p][(d, sh)].max}")
            fixes.append(f"raise the maximum of {w.post(p)}")
        if mix:
            parts.append("only one team may be on site")
            fixes.append("let the teams mix in this shift (make the team rule soft)")
        msg = f"{when}: " + "; ".join(parts) + "."
    if absent:
        msg += " Absent then: " + _and([w.who(s) for s in absent]) + "."
        staff += absent
    return Finding(
        message=msg,
        fixes=fixes,
        rules=sorted({k[0] for k in keys}),
        staff=sorted(set(staff)),
        posts=posts + [_post(k[1]) for k in overs],
        slots=[when],
    )


def _post(scope: Scope) -> str:
    """The post of a post-slot scope."""
    assert scope.post is not None
    return scope.post


def _cap_of(w: _Words, unit: str | None) -> tuple[int, int]:
    for kind, u, members, cap in w.ix.cap_scopes:
        if (kind == "site" and unit is None) or (kind == "unit" and u == unit):
            return cap, len(members)
    return 0, 0


def _staff_finding(w: _Words, sid: str, keys: list[Key]) -> Finding:
    ix = w.ix
    person = ix.staff_by_id[sid]
    who = w.who(sid)
    parts: list[str] = []
    fixes: list[str] = []
    for rule, scope in keys:
        if rule == "availability":
            spans = [
                f"{a.reason.value} {day_label(a.start)}"
                + (f" - {day_label(a.end)}" if a.end != a.start else "")
                for a in ix.absences_by_staff[sid]
            ]
            parts.append(f"is absent ({_and(spans) or 'recorded absence'})")
            fixes.append(f"find someone else for {who}'s duties, or shorten the absence")
        elif rule == "teams.rotation":
            team = person.team
            t = f" ({w.team(team)})" if team is not None else ""
            parts.append(f"may be on site only in their team's shifts{t}")
            fixes.append(f"move {who} to the other team or take them out of the rotation")
        elif rule == "teams.balance":
            parts.append("is bound by the balance of team sizes")
        elif rule == "tests.coverage":
            parts.append("needs a valid rapid test on each day on site")
            fixes.append("allow more tests a day, or make the test rule soft")
        elif isinstance(scope, FixedScope):
            f = w.p.fixed[scope.index]
            what = "on site" if f.on_site else "not on site"
            at = f" at {w.post(f.post)}" if f.post else ""
            parts.append(
                f"was fixed {what}{at} on {day_label(f.date)} ({ix.shift_by_id[f.shift].label})"
            )
            fixes.append(f"unfix {who}'s cell on {day_label(f.date)}")
        elif rule.startswith("contract."):
            parts.append(f"is bound by the contract '{person.contract}' ({label(rule).lower()})")
            fixes.append(
                f"relax the contract '{person.contract}' ({label(rule).lower()}) or make it soft"
            )
        else:
            parts.append(f"is bound by {label(rule).lower()}")
    return Finding(
        message=f"{who}, {w.unit(person.unit)}: " + "; ".join(parts) + ".",
        fixes=fixes,
        rules=sorted({k[0] for k in keys}),
        staff=[sid],
    )


def _other_finding(w: _Words, key: Key) -> Finding:
    rule, scope = key
    if rule == "tests.capacity" and scope.day is not None:
        d = scope.day
        cap = w.p.policy.tests.daily_capacity
        return Finding(
            message=f"{day_label(w.ix.date(d))}: the testing point can do only {cap} tests.",
            fixes=["raise the daily test capacity", "make tests valid longer (valid_days)"],
            rules=[rule],
        )
    if rule == "teams.balance" and scope.unit is not None:
        unit = scope.unit
        return Finding(
            message=f"In {w.unit(unit)} the team sizes must differ by at most one.",
            fixes=[f"switch off team balance, or fix fewer teams in {w.unit(unit)}"],
            rules=[rule],
        )
    return Finding(message=f"{label(rule)} ({', '.join(map(str, scope.parts()))}).", rules=[rule])
