"""Wording of a conflict: the hard rules that cannot all hold, in a head's words, with fixes.

The diagnosis (``solver/diagnose.py``) finds a small set of *keys* ``(rule_id, scope)``: the
scopes are the typed records of :mod:`roster.scopes` (a post in a slot, a unit's cap in a
slot, a person's contract, a fixed cell, ...), read through their common attributes, so a rule
without words of its own here is still placed and named (by its label). :func:`explain` turns
them into an :class:`Explanation`: one finding per slot (the cap against the posts of that
slot, as in "Tue 14 Dec, morning: the cap allows 4 of Land Registration's 12 staff on site,
but counters L1, L2, L3 and the seal task need 5 people"), one per person or other rule, each
with what would fix it. Pure Python: no solver import. ``lang="vi"`` words it all in Vietnamese.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from pydantic import BaseModel, Field

from roster import words
from roster.index import ProblemIndex
from roster.labels import label
from roster.model import Problem
from roster.scopes import FixedScope, Key, Scope


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

    lang: str = "en"

    def text(self) -> str:
        """The explanation as plain text lines."""
        vi = self.lang == "vi"
        lines = [self.summary]
        for i, f in enumerate(self.findings, 1):
            lines.append(f"{i}. {f.message}")
            if f.fixes:
                if vi:
                    lines.append("   Cách khắc phục: " + "; hoặc ".join(f.fixes) + ".")
                else:
                    lines.append("   Fix: " + "; or ".join(f.fixes) + ".")
        return "\n".join(lines)


_people = words.people
_and = words.and_


class _Words(words.Words):
    """Names of things, as a head reads them (``lang``: en or vi)."""

    def __init__(self, problem: Problem, lang: str = "en") -> None:
        super().__init__(problem, lang)

    def shift(self, shift: str) -> str:
        return self.shift_name(shift) if self.vi else self.shift_name(shift).lower()

    def slot(self, day: int, shift: str) -> str:
        return f"{self.day(self.ix.date(day))}, {self.shift(shift)}"

    def _label(self, pid: str) -> str:
        return self.post_name(pid)

    def post(self, pid: str) -> str:
        post = self.ix.post_by_id[pid]
        if self.vi:
            return self.post_vi(pid)
        if post.kind.value == "task":
            return f"the {post.label} task"
        return f"counter {post.label}"

    def posts(self, pids: list[str]) -> str:
        """``counters L1, L2, L3 and the Seal task``."""
        counters = [self._label(p) for p in pids if self.ix.post_by_id[p].kind.value != "task"]
        tasks = [self._label(p) for p in pids if self.ix.post_by_id[p].kind.value == "task"]
        parts = []
        if self.vi:
            if counters:
                parts.append("quầy " + ", ".join(counters))
            if tasks:
                parts.append("nhiệm vụ " + self.and_(tasks))
            return self.and_(parts)
        if counters:
            parts.append(("counters " if len(counters) > 1 else "counter ") + ", ".join(counters))
        if tasks:
            parts.append("the " + _and(tasks) + (" tasks" if len(tasks) > 1 else " task"))
        return _and(parts)

    def rule(self, rule: str) -> str:
        return label(rule, self.lang).lower()


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
    lang: str = "en",
) -> Explanation:
    """Put a conflict (the keys of a diagnosis) in words: slot findings first, then people."""
    w = _Words(problem, lang)
    refs = [ref(problem, k, w.ix) for k in keys]
    if status == "feasible":
        return Explanation(
            status=status,
            summary=w.tr(
                "A roster meeting every hard rule exists; nothing to explain.",
                "Có lịch đáp ứng mọi quy tắc bắt buộc; không có gì cần giải thích.",
            ),
            elapsed=elapsed,
            lang=lang,
        )
    if status != "infeasible":
        return Explanation(
            status=status,
            summary=w.tr(
                "The diagnosis ran out of time before it could prove which rules conflict; "
                "try a longer time limit.",
                "Hết thời gian trước khi chứng minh được các quy tắc nào mâu thuẫn; hãy tăng "
                "thời gian (--time-limit).",
            ),
            elapsed=elapsed,
            lang=lang,
        )
    if structural or not keys:
        return Explanation(
            status=status,
            summary=w.tr(
                "No roster exists even with every rule switched off: the input itself is "
                "contradictory (check fixed teams and the number of teams).",
                "Không có lịch nào kể cả khi tắt mọi quy tắc: bản thân dữ liệu đã mâu thuẫn "
                "(kiểm tra các nhóm cố định và số nhóm).",
            ),
            elapsed=elapsed,
            lang=lang,
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
    if w.vi:
        summary = (
            f"Không lịch nào đáp ứng được mọi quy tắc bắt buộc. {n} quy tắc sau mâu thuẫn nhau"
            + (
                " (tối thiểu: bỏ bất kỳ quy tắc nào thì phần còn lại đáp ứng được)"
                if minimal
                else ""
            )
            + ":"
        )
    else:
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
        lang=lang,
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
            cap, headcount = _cap_of(w, unit, d)
            parts.append(
                w.tr(
                    f"the cap allows {cap} of {w.unit(unit)}'s {headcount} staff on site",
                    f"giới hạn chỉ cho {cap}/{headcount} cán bộ của {w.unit(unit)} làm việc "
                    "trực tiếp tại cơ quan",
                )
            )
            fixes.append(
                w.tr(
                    f"raise the cap of {w.unit(unit)} to {need} ({cap_setting(unit, need)})",
                    f"nâng giới hạn của {w.unit(unit)} lên {need} ({cap_setting(unit, need)})",
                )
            )
        post_words = w.posts(posts)
        parts_text = w.tr(" and ", " và ").join(parts)
        msg = w.tr(
            f"{when}: {parts_text}, but {post_words} need {_people(need)}.",
            f"{when}: {parts_text}, nhưng {post_words} cần {w.people(need)}.",
        )
        if len(posts) > 1:
            fixes.append(
                w.tr(
                    f"close one of {post_words} in this shift (or lower its minimum)",
                    f"tạm dừng một trong {post_words} ở ca này (hoặc giảm số người tối thiểu)",
                )
            )
        else:
            fixes.append(
                w.tr(
                    f"close {post_words} in this shift (or lower its minimum)",
                    f"tạm dừng {post_words} ở ca này (hoặc giảm số người tối thiểu)",
                )
            )
        cap_units = {k[1].unit if k[1].unit is not None else "site" for k in caps}
        for p in posts:
            post = ix.post_by_id[p]
            if post.kind.value != "task":
                continue
            outside = sorted({ix.staff_by_id[s].unit for s in ix.qualified_staff[p]} - cap_units)
            others = [u for u in w.units if u not in cap_units]
            if outside:
                units_ = w.and_([w.unit(u) for u in outside])
                fixes.append(
                    w.tr(f"let {w.post(p)} be done by {units_}", f"giao {w.post(p)} cho {units_}")
                )
            elif post.skill and others:
                units_ = w.and_([w.unit(u) for u in others])
                fixes.append(
                    w.tr(
                        f"let {w.post(p)} be done by {units_} "
                        f"(give the skill '{post.skill}' to one of its staff)",
                        f"giao {w.post(p)} cho {units_} (bổ sung kỹ năng '{post.skill}' cho một "
                        "cán bộ ở đó)",
                    )
                )
    else:
        for k in unders:
            p = _post(k[1])
            post = ix.post_by_id[p]
            q = ix.qualified_staff[p]
            free = [s for s in q if ix.available(s, d, sh)]
            n_min = ix.needs[p][(d, sh)].min
            if w.vi:
                skill = f" có kỹ năng '{post.skill}'" if post.skill else ""
                parts.append(
                    f"{w.post(p)} cần {w.people(n_min)}{skill} "
                    f"(chỉ {len(free)}/{len(q)} người đủ điều kiện có mặt được)"
                )
            else:
                skill = f" holding '{post.skill}'" if post.skill else ""
                parts.append(
                    f"{w.post(p)} needs {_people(n_min)}{skill} "
                    f"({len(free)} of {len(q)} qualified are available)"
                )
            staff += free[:6]
            fixes.append(
                w.tr(
                    f"lower the minimum of {w.post(p)} or close it in this shift",
                    f"giảm số người tối thiểu của {w.post(p)} hoặc tạm dừng ở ca này",
                )
            )
            if post.skill:
                fixes.append(
                    w.tr(
                        f"train more staff in '{post.skill}'",
                        f"bồi dưỡng thêm cán bộ có kỹ năng '{post.skill}'",
                    )
                )
        floors: dict[str | None, int] = {
            k[1].unit: ix.presence_floors.get((k[1].unit or "", d, sh), 0)
            for k in keys
            if k[0] == "presence"
        }
        for unit, floor in floors.items():
            parts.append(
                w.tr(
                    f"{w.unit(unit)} must keep at least {floor} on site (its presence floor)",
                    f"{w.unit(unit)} phải có ít nhất {floor} người làm việc trực tiếp "
                    "(mức tối thiểu của đơn vị)",
                )
            )
            fixes.append(
                w.tr(
                    f"lower the presence floor of {w.unit(unit)} in this shift "
                    "(policy.yaml: presence.floors)",
                    f"giảm mức tối thiểu của {w.unit(unit)} ở ca này "
                    "(policy.yaml: presence.floors)",
                )
            )
        for k in caps:
            unit = k[1].unit
            cap, headcount = _cap_of(w, unit, d)
            want = max(cap + 1, floors.get(unit, 0))
            parts.append(
                w.tr(
                    f"the cap allows {cap} of {w.unit(unit)}'s {headcount} staff on site",
                    f"giới hạn chỉ cho {cap}/{headcount} cán bộ của {w.unit(unit)} làm việc "
                    "trực tiếp tại cơ quan",
                )
            )
            fixes.append(
                w.tr(
                    f"raise the cap of {w.unit(unit)} ({cap_setting(unit, want)})",
                    f"nâng giới hạn của {w.unit(unit)} ({cap_setting(unit, want)})",
                )
            )
        for k in overs:
            p = _post(k[1])
            n_max = ix.needs[p][(d, sh)].max
            parts.append(
                w.tr(f"{w.post(p)} takes at most {n_max}", f"{w.post(p)} nhận tối đa {n_max} người")
            )
            fixes.append(
                w.tr(f"raise the maximum of {w.post(p)}", f"tăng số người tối đa của {w.post(p)}")
            )
        if mix:
            parts.append(w.tr("only one team may be on site", "chỉ một nhóm được có mặt"))
            fixes.append(
                w.tr(
                    "let the teams mix in this shift (make the team rule soft)",
                    "cho hai nhóm cùng làm việc ở ca này (chuyển quy tắc nhóm thành không bắt "
                    "buộc)",
                )
            )
        msg = f"{when}: " + "; ".join(parts) + "."
    if absent:
        msg += w.tr(" Absent then: ", " Vắng mặt khi đó: ") + w.and_([w.who(s) for s in absent])
        msg += "."
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


def _cap_of(w: _Words, unit: str | None, day: int) -> tuple[int, int]:
    for kind, u, members, _cap in w.ix.cap_scopes:
        if (kind == "site" and unit is None) or (kind == "unit" and u == unit):
            return w.ix.cap_on(kind, u, len(members), day), len(members)
    return 0, 0


def cap_setting(unit: str | None, value: int) -> str:
    """The policy.yaml setting that raises a scope's cap to ``value``: a per-unit override
    (``cap.overrides``) for a unit, ``cap.max_on_site`` for the whole site."""
    if unit is None:
        return f"policy.yaml: cap.max_on_site: {value}"
    return f"policy.yaml: cap.overrides: [{{unit: {unit}, max_on_site: {value}}}]"


def _staff_finding(w: _Words, sid: str, keys: list[Key]) -> Finding:
    ix = w.ix
    person = ix.staff_by_id[sid]
    who = w.who(sid)
    parts: list[str] = []
    fixes: list[str] = []
    for rule, scope in keys:
        if rule == "availability":
            spans = [
                f"{_reason(a.reason.value, w)} {w.day(a.start)}"
                + (f" - {w.day(a.end)}" if a.end != a.start else "")
                for a in ix.absences_by_staff[sid]
            ]
            default = w.tr("recorded absence", "lịch vắng mặt đã ghi")
            parts.append(w.tr("is absent", "vắng mặt") + f" ({w.and_(spans) or default})")
            fixes.append(
                w.tr(
                    f"find someone else for {who}'s duties, or shorten the absence",
                    f"tìm người khác làm thay {who}, hoặc rút ngắn thời gian vắng",
                )
            )
        elif rule == "teams.rotation":
            team = person.team
            t = f" ({w.team(team)})" if team is not None else ""
            parts.append(
                w.tr(
                    f"may be on site only in their team's shifts{t}",
                    f"chỉ được có mặt trong các ca của nhóm mình{t}",
                )
            )
            fixes.append(
                w.tr(
                    f"move {who} to the other team or take them out of the rotation",
                    f"chuyển {who} sang nhóm kia hoặc cho ra khỏi lịch luân phiên",
                )
            )
        elif rule == "teams.balance":
            parts.append(
                w.tr(
                    "is bound by the balance of team sizes",
                    "bị ràng buộc bởi quy mô cân bằng giữa các nhóm",
                )
            )
        elif rule == "tests.coverage":
            parts.append(
                w.tr(
                    "needs a valid rapid test on each day on site",
                    "cần kết quả test nhanh còn hiệu lực mỗi ngày làm việc trực tiếp",
                )
            )
            fixes.append(
                w.tr(
                    "allow more tests a day, or make the test rule soft",
                    "tăng số lượt test mỗi ngày, hoặc chuyển quy tắc test thành không bắt buộc",
                )
            )
        elif isinstance(scope, FixedScope):
            f = w.p.fixed[scope.index]
            day = w.day(f.date)
            if w.vi:
                what = "làm việc trực tiếp" if f.on_site else "không làm việc trực tiếp"
                at = f" tại {w.post(f.post)}" if f.post else ""
                parts.append(f"đã được cố định {what}{at} {day} ({w.shift(f.shift)})")
                fixes.append(f"bỏ cố định ô lịch của {who} ngày {day}")
            else:
                what = "on site" if f.on_site else "not on site"
                at = f" at {w.post(f.post)}" if f.post else ""
                parts.append(f"was fixed {what}{at} on {day} ({ix.shift_by_id[f.shift].label})")
                fixes.append(f"unfix {who}'s cell on {day}")
        elif rule.startswith("contract."):
            parts.append(
                w.tr(
                    f"is bound by the contract '{person.contract}' ({w.rule(rule)})",
                    f"bị ràng buộc bởi hợp đồng '{person.contract}' ({w.rule(rule)})",
                )
            )
            fixes.append(
                w.tr(
                    f"relax the contract '{person.contract}' ({w.rule(rule)}) or make it soft",
                    f"nới hợp đồng '{person.contract}' ({w.rule(rule)}) hoặc chuyển thành không "
                    "bắt buộc",
                )
            )
        else:
            parts.append(w.tr(f"is bound by {w.rule(rule)}", f"bị ràng buộc bởi {w.rule(rule)}"))
    return Finding(
        message=f"{who}, {w.unit(person.unit)}: " + "; ".join(parts) + ".",
        fixes=fixes,
        rules=sorted({k[0] for k in keys}),
        staff=[sid],
    )


def _reason(reason: str, w: _Words) -> str:
    return w.reason(reason)


def _other_finding(w: _Words, key: Key) -> Finding:
    rule, scope = key
    if rule == "tests.capacity" and scope.day is not None:
        d = scope.day
        cap = w.p.policy.tests.daily_capacity
        day = w.day(w.ix.date(d))
        return Finding(
            message=w.tr(
                f"{day}: the testing point can do only {cap} tests.",
                f"{day}: điểm test chỉ làm được {cap} lượt.",
            ),
            fixes=[
                w.tr("raise the daily test capacity", "tăng công suất test mỗi ngày"),
                w.tr(
                    "make tests valid longer (valid_days)",
                    "kéo dài thời hạn hiệu lực của test (valid_days)",
                ),
            ],
            rules=[rule],
        )
    if rule == "teams.balance" and scope.unit is not None:
        unit = scope.unit
        return Finding(
            message=w.tr(
                f"In {w.unit(unit)} the team sizes must differ by at most one.",
                f"Ở {w.unit(unit)} số người các nhóm chỉ được chênh nhau tối đa một.",
            ),
            fixes=[
                w.tr(
                    f"switch off team balance, or fix fewer teams in {w.unit(unit)}",
                    f"tắt cân bằng nhóm, hoặc cố định ít nhóm hơn ở {w.unit(unit)}",
                )
            ],
            rules=[rule],
        )
    return Finding(
        message=f"{label(rule, w.lang)} ({', '.join(map(str, scope.parts()))}).", rules=[rule]
    )
