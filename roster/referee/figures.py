"""The figures a head needs to trust a roster (see :func:`roster.validation.summary_figures`)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from roster.model import Report
from roster.referee.cap import cap_counts
from roster.referee.fairness import shift_counts
from roster.referee.judge import Judge


def figures(j: Judge, report: Report) -> dict[str, Any]:
    idx = j.idx
    per_unit, per_site = cap_counts(j)
    cap_on = j.policy.cap.enabled
    cap_rows = []
    for day, shift in idx.open_slots:
        for kind, unit, members, base in idx.cap_scopes:
            cap = idx.cap_on(kind, unit, len(members), day) if idx.cap_is_dated else base
            n = (
                per_site.get((day, shift), 0)
                if kind == "site"
                else per_unit.get((day, shift, unit), 0)
            )
            cap_rows.append(
                {
                    "date": j.h.date(day).isoformat(),
                    "day": j.when(day),
                    "shift": shift,
                    "scope": kind,
                    "unit": unit,
                    "on_site": n,
                    "cap": cap if cap_on else None,
                    "over": max(0, n - cap) if cap_on else 0,
                }
            )
    cov_rows = []
    for p in j.problem.site.posts:
        for (day, shift), need in idx.needs[p.id].items():
            n = len(j.at_post.get((p.id, day, shift), ()))
            cov_rows.append(
                {
                    "date": j.h.date(day).isoformat(),
                    "day": j.when(day),
                    "shift": shift,
                    "post": p.id,
                    "post_name": p.label,
                    "min": need.min,
                    "max": need.max,
                    "assigned": n,
                    "short": max(0, need.min - n),
                    "extra": max(0, n - need.max) if need.max is not None else 0,
                }
            )
    tests_per_day = Counter(d for days in j.tests_of.values() for d in days)
    people_per_day = Counter(d for on in j.days_of.values() for d in on)
    open_days = set(idx.open_days)
    test_rows = [
        {
            "date": j.h.date(d).isoformat(),
            "day": j.when(d),
            "open": d in open_days,
            "tests": tests_per_day.get(d, 0),
            "capacity": j.policy.tests.daily_capacity if j.policy.tests.enabled else None,
            "on_site_people": people_per_day.get(d, 0),
        }
        for d in range(idx.days)
    ]
    shifts = shift_counts(j)
    sb = idx.shift_by_id
    staff_rows = []
    for s in j.problem.staff:
        on = j.days_of.get(s.id, {})
        t = j.team_of.get(s.id)
        staff_rows.append(
            {
                "staff": s.id,
                "name": s.name,
                "unit": s.unit,
                "team": t + 1 if t is not None else None,
                "on_site_shifts": shifts.get(s.id, 0),
                "on_site_days": len(on),
                "on_site_minutes": sum(sb[x].minutes for xs in on.values() for x in xs),
                "tests": len(j.tests_of.get(s.id, ())),
            }
        )
    pen: dict[str, list[int]] = {}
    for penalty in report.penalties:
        row = pen.setdefault(penalty.rule, [0, 0])
        row[0] += 1
        row[1] += penalty.cost
    vio = Counter(v.rule for v in report.violations)
    return {
        "cap": cap_rows,
        "coverage": cov_rows,
        "tests": test_rows,
        "staff": staff_rows,
        "penalties": [
            {"rule": r, "label": j.label(r), "count": c, "cost": k} for r, (c, k) in pen.items()
        ],
        "violations": [{"rule": r, "label": j.label(r), "count": c} for r, c in vio.items()],
        "objective": report.objective,
        "ok": report.ok,
    }
