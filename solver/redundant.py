"""Constraints that do not change the set of optimal objective values but help CP-SAT prove
them: symmetry breaking between interchangeable staff.

Two people are *interchangeable* when nothing in the problem tells them apart: same unit,
skills, contract, team (fixed or free), rotation, cap counting, external flag and last test,
and neither is named by an absence, a request or a fixed cell. Swapping the whole rosters
(cells, posts, tests, team) of two such people gives a roster with the same hard rules met and
the same objective (every rule treats them alike). So among optimal rosters there is one where
their numbers of on-site shifts are non-increasing in staff order, and requiring that loses
nothing.

Only :func:`solver.search.solve` adds these: callers of ``build_model`` that add their own
per-person terms (re-rostering keeps changes to an old roster small) would break the symmetry.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise

from solver.build import BuiltModel
from solver.expr import lsum


def interchangeable_groups(built: BuiltModel) -> list[list[str]]:
    """Groups (two or more, in staff order) of interchangeable staff."""
    problem = built.ctx.problem
    named = (
        {a.staff for a in problem.absences}
        | {r.staff for r in problem.requests}
        | {f.staff for f in problem.fixed}
    )
    groups: dict[tuple, list[str]] = defaultdict(list)
    for st in problem.staff:
        if st.id in named:
            continue
        key = (
            st.unit,
            tuple(sorted(set(st.skills))),
            st.contract,
            st.team,
            st.rotates,
            st.counts_toward_cap,
            st.external,
            st.last_test,
        )
        groups[key].append(st.id)
    return [g for g in groups.values() if len(g) > 1]


def add_symmetry_breaking(built: BuiltModel) -> int:
    """Order the on-site shift counts within each group of interchangeable staff. Returns the
    number of constraints added."""
    v, model = built.vars, built.model
    added = 0
    for group in interchangeable_groups(built):
        counts = [lsum(v.x_by_staff.get(s, [])) for s in group]
        if not v.x_by_staff.get(group[0]):
            continue
        for a, b in pairwise(counts):
            model.add(a >= b)
            added += 1
    return added
