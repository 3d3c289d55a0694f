"""Re-rostering after events: the rest of the week solved again, changing as little as possible.

:func:`reroster` takes a published roster and events (``roster.events``) from a date on:

1. the events become input (:func:`roster.events.apply_events`): the positive case is isolated
   (off) and, by the policy's isolation rule, their close contacts are isolated at home, where
   they keep working (remote) unless the event says they are sick; leave, sickness and
   remote-only become absences; closed counters take nobody; a cell fixed on site for someone
   the events keep away is dropped;
2. every person keeps the published team, unless moving one to the other team is the cheapest
   way to keep every post covered: a move costs ``move_weight`` (:data:`MOVE_WEIGHT`), more
   than any change of cells, so a stand-in of the right team is always taken first; a moved
   person is listed among the changes (kind ``team``). Who may move: those not on site before
   ``start`` (:func:`_movable`), a team fixed in the staff list included (the new roster's
   problem records the new team). Team sizes are not re-balanced (the published teams were);
3. the days before ``start`` are kept exactly as published (on-site cells, posts, tests);
4. the model of the week is built as usual and its objective gets an explicit cost on every
   changed cell from ``start`` on: ``cell_weight`` for a person on site who was not (or the
   reverse), ``post_weight`` for a person still on site at another post, ``test_weight`` for a
   test booked or cancelled. The published roster is the solver's hint.

The result carries the new roster, the referee's report under the new input, and the changes
person by person. When no roster meets every hard rule after the events (say a team's only
holders of a skill are isolated and the other team has already worked this week), the result
says why (``explanation``: :func:`solver.diagnose.find_conflict` on the re-roster, the days
before ``start`` fixed as facts), and the re-roster is solved again with the rules a head would
trade made soft, in this order of preference (:data:`RELAX`): the cap first (one person more on
site), then the team rules (a breach costs more than any change, so teams mix only when nothing
else keeps the posts covered), then rapid tests, post coverage and presence floors: first the
fewest breaches, then the fewest changes. Isolation, leave and fixed cells stay hard: nobody
isolated is ever put on site. ``softened`` is then set and the referee, judging under the
unrelaxed rules, lists every rule the roster breaks.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from ortools.sat.python import cp_model
from pydantic import BaseModel, Field

from roster.events import Applied, Change, Event, Isolation, apply_events, diff_roster
from roster.model import Problem, Report, Roster, Status
from roster.registry import relax_weights
from roster.validation import check, day_label
from solver.build import BuiltModel, build_model
from solver.diagnose import find_conflict
from solver.readback import STATUS, roster_from_values, values

#: Default cost of one changed cell (on site <-> not on site), one changed post and one
#: changed test booking. A changed cell costs more than any ordinary soft rule unit, so the
#: solver changes a cell only to meet a hard rule or to save more than that.
CELL_WEIGHT = 100
POST_WEIGHT = 20
TEST_WEIGHT = 2
#: Cost of moving one person to the other team: more than any set of cell changes a same-team
#: stand-in needs in a week (a person has at most 14 shifts a week: 14 x (100 + 20) + 7 x 2 =
#: 1,694), so a move happens only when no stand-in of the right team can keep the posts covered.
MOVE_WEIGHT = 5_000

#: Rule families relaxed when the events leave no roster, with the weight of one breach (each
#: family's ``relax_weight`` in :mod:`roster.registry`). One person over the cap is the
#: mildest (20,000); a team breach (teams mixing, or a person on site outside the team's turn)
#: costs more than any change and any move (50,000), since two teams apart is what lets one keep
#: the office running when the other has a case; an on-site day without a valid test and a
#: missing person at a post cost the most (100,000).
RELAX = relax_weights()


class RerosterResult(BaseModel):
    """What :func:`reroster` returns. ``objective`` is the referee's under the new input (the
    change costs are not in it); ``change_cost`` is the cost of the changes the solver paid."""

    status: Status
    start: dt.date
    roster: Roster | None = None
    problem: Problem | None = None
    report: Report | None = None
    objective: int | None = None
    changes: list[Change] = Field(default_factory=list)
    changed_cells: int = 0
    moved: list[str] = Field(
        default_factory=list, description="People moved to the other team (priced)."
    )
    change_cost: int = 0
    isolated: list[Isolation] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    notes_vi: list[str] = Field(default_factory=list, description="``notes`` in Vietnamese.")
    softened: bool = Field(
        False,
        description="No roster met every hard rule: this one breaks "
        "the fewest (see report.violations).",
    )
    explanation: list[str] = Field(
        default_factory=list,
        description="When no roster meets every hard rule: why (a conflicting set of rules, "
        "each with its fix), from the diagnosis.",
    )
    explanation_vi: list[str] = Field(
        default_factory=list, description="``explanation`` in Vietnamese."
    )
    wall_time: float = 0.0
    build_time: float = 0.0


def _published_teams(problem: Problem) -> Problem:
    """The problem of a re-roster: team sizes are not re-balanced (the published teams were,
    and a priced move may tip one unit by a person)."""
    if not problem.policy.teams.enabled or not problem.policy.teams.balance:
        return problem
    policy = problem.policy.model_copy(deep=True)
    policy.teams.balance = False
    return problem.model_copy(update={"policy": policy})


def _movable(problem: Problem, roster: Roster, start: dt.date) -> set[str]:
    """The rotating people who may move to the other team: those with a published team who
    were not on site before ``start`` (a day already worked in the old team's turn cannot be
    moved, and the rotation holds for the whole week)."""
    if not problem.policy.teams.enabled or problem.policy.teams.count < 2:
        return set()
    worked = {a.staff for a in roster.assignments if a.date < start}
    return {
        s.id
        for s in problem.staff
        if s.rotates and s.id not in worked and roster.teams.get(s.id, s.team) is not None
    }


def _team_problem(problem: Problem, roster: Roster, movable: set[str]) -> Problem:
    """The problem the re-roster solves: each rotating person is fixed in the published team,
    except the movable ones, whose team the solver picks (a change priced by
    :func:`_price_moves`). A team HR fixed in the staff list is the published one: it may move
    too, at the same price (the roster's problem then records the new team)."""
    if not problem.policy.teams.enabled:
        return problem
    staff = []
    for s in problem.staff:
        team = roster.teams.get(s.id, s.team)
        if s.rotates and team is not None:
            s = s.model_copy(update={"team": None if s.id in movable else team})
        staff.append(s)
    return problem.model_copy(update={"staff": staff})


def _judge_teams(problem: Problem, new: Roster) -> Problem:
    """``problem`` with each team HR fixed in the staff list set to the new roster's (a moved
    person's fixed team moves with them)."""
    moved = {
        s.id: new.teams[s.id]
        for s in problem.staff
        if s.team is not None and s.id in new.teams and new.teams[s.id] != s.team
    }
    if not moved:
        return problem
    staff = [
        s.model_copy(update={"team": moved[s.id]}) if s.id in moved else s for s in problem.staff
    ]
    return problem.model_copy(update={"staff": staff})


def reroster(
    problem: Problem,
    roster: Roster,
    events: list[Event],
    start: dt.date | None = None,
    *,
    time_limit: float = 10.0,
    workers: int = 2,
    cell_weight: int = CELL_WEIGHT,
    post_weight: int = POST_WEIGHT,
    test_weight: int = TEST_WEIGHT,
    move_weight: int = MOVE_WEIGHT,
    soften_if_infeasible: bool = True,
) -> RerosterResult:
    """Re-roster ``roster`` of ``problem`` after ``events``, changing nothing before ``start``
    (default: the earliest event date, at least the horizon start). See the module docstring."""
    t0 = time.perf_counter()
    h = problem.horizon
    if start is None:
        start = min((e.date for e in events), default=h.start)
    start = min(max(start, h.start), h.end + dt.timedelta(days=1))
    applied: Applied = apply_events(problem, roster, events, start)
    judge = _published_teams(applied.problem)
    new_problem = _team_problem(judge, roster, _movable(judge, roster, start))
    weights = (cell_weight, post_weight, test_weight, move_weight)
    deadline = t0 + time_limit
    res = _solve(new_problem, judge, roster, applied, start, weights, deadline, workers, t0)
    left = time_limit - (time.perf_counter() - t0)
    if res.status == Status.infeasible and left > 0.2:
        # Why: the smallest set of rules that cannot hold together after the events, the days
        # before ``start`` taken as facts (never part of the conflict).
        budget = min(3.0, 0.3 * left) if soften_if_infeasible else left
        res.explanation, res.explanation_vi = _why(new_problem, roster, start, budget)
    left = time_limit - (time.perf_counter() - t0)
    if res.status == Status.infeasible and soften_if_infeasible and left > 0.2:
        why = (res.explanation, res.explanation_vi)
        res = _solve(
            _relaxed(new_problem),
            judge,
            roster,
            applied,
            start,
            weights,
            deadline,
            workers,
            t0,
            relaxed=True,
        )
        res.explanation, res.explanation_vi = why
        res.softened = True
        res.notes.insert(
            0,
            "No roster meets every hard rule after these events; this one "
            "breaks as few as it can (the broken rules are listed).",
        )
        res.notes_vi.insert(
            0,
            "Sau các sự việc này không lịch nào đáp ứng được mọi quy tắc bắt buộc; lịch dưới "
            "đây vi phạm ít nhất có thể (các vi phạm được liệt kê).",
        )
    res.wall_time = time.perf_counter() - t0
    return res


def _why(
    problem: Problem, roster: Roster, start: dt.date, time_limit: float
) -> tuple[list[str], list[str]]:
    """The explanation (English, Vietnamese) of a re-roster no roster meets: a conflicting set
    of hard rules found by :func:`solver.diagnose.find_conflict` on the re-roster's problem,
    with the days before ``start`` fixed as published. Empty when the diagnosis cannot prove
    the conflict within ``time_limit``."""
    first = problem.horizon.day(start)

    def history(built: BuiltModel) -> None:
        _keep_and_price(built, problem, roster, first, 0, 0, 0, [], [])

    conflict = find_conflict(
        problem, time_limit=time_limit, probe_limit=min(0.5, time_limit / 4), prepare=history
    )
    if conflict.status != Status.infeasible:
        return [], []
    out = []
    for lang in ("en", "vi"):
        out.append(conflict.explain(problem, lang).text().splitlines())
    if problem.policy.teams.enabled and problem.policy.teams.count > 1:
        out[0].append(
            f"(Teams: whoever was on site before {day_label(start)} keeps their team this week, "
            "their days already worked being in its turn; the others may move to the other "
            "team.)"
        )
        out[1].append(
            f"(Nhóm: ai đã trực tiếp tại cơ quan trước ngày {start.day:02d}/{start.month:02d} giữ "
            "nguyên nhóm trong tuần này; những người khác có thể được chuyển sang nhóm kia.)"
        )
    return out[0], out[1]


def _relaxed(problem: Problem) -> Problem:
    """``problem`` with the hard families of :data:`RELAX` made soft at their weights."""
    policy = problem.policy.model_copy(deep=True)
    for family, weight in RELAX.items():
        switch = getattr(policy, family)
        if switch.enabled and switch.hard:
            switch.hard, switch.weight = False, weight
    return problem.model_copy(update={"policy": policy})


def _solve(
    new_problem: Problem,
    judge: Problem,
    roster: Roster,
    applied: Applied,
    start: dt.date,
    weights: tuple[int, int, int, int],
    deadline: float,
    workers: int,
    t0: float,
    relaxed: bool = False,
) -> RerosterResult:
    """One re-roster solve of ``new_problem``, ending by ``deadline`` (a ``perf_counter``
    time); the referee judges the roster under ``judge`` (the same problem, or the unrelaxed
    one when ``new_problem`` is relaxed)."""
    cell_weight, post_weight, test_weight, move_weight = weights
    built = build_model(new_problem)
    first = new_problem.horizon.day(start)
    notes = list(applied.notes)
    notes_vi = list(applied.notes_vi)
    change_terms = _keep_and_price(
        built, new_problem, roster, first, cell_weight, post_weight, test_weight, notes, notes_vi
    )
    change_terms += _price_moves(built, new_problem, roster, move_weight)
    _hint(built, new_problem, roster)
    build_time = time.perf_counter() - t0

    # CP-SAT stops a little after its limit, and reading the roster back and the referee
    # take a moment: keep a small reserve so the whole re-roster ends within its limit.
    reserve = min(0.4, 0.05 * (deadline - t0))
    fallback: list[int] | None = None
    if relaxed:
        # Most of the time to the breaches, but at least 2 s to the changes (the second
        # step must load the model before it takes its hint).
        avail = deadline - time.perf_counter() - reserve
        fallback = _fewest_breaches_first(built, workers, min(0.7 * avail, avail - 2.0))
    _objective(built, change_terms)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.max_time_in_seconds = max(0.1, deadline - time.perf_counter() - reserve)
    code = solver.solve(built.model)
    status = STATUS.get(code, Status.unknown)
    solution: list[int] | None = None
    if status in (Status.optimal, Status.feasible):
        solution = list(solver.response_proto.solution)
    elif fallback is not None:
        # The second step found nothing in its time: the roster of the fewest breaches stands.
        status, solution = Status.feasible, fallback
    res = RerosterResult(
        status=status,
        start=start,
        problem=judge,
        isolated=applied.isolated,
        notes=notes,
        notes_vi=notes_vi,
        build_time=build_time,
    )
    if solution is not None:
        val = values(solution)
        new = roster_from_values(built, new_problem, val)
        judge = _judge_teams(judge, new)
        res.problem = judge
        res.roster = new
        res.report = check(judge, new)
        res.objective = res.report.objective
        res.change_cost = sum(w * _val(val, e) for w, e in change_terms)
        res.changes = diff_roster(judge, roster, new, start, applied.isolated)
        res.changed_cells = sum(1 for c in res.changes if c.kind == "cell")
        res.moved = _moves(judge, roster, new, start, res.changes, move_weight)
        if res.moved:
            res.notes.append(
                f"{len(res.moved)} person(s) moved to the other team to keep every post covered "
                f"(no stand-in of the right team could; {move_weight} each)"
            )
            res.notes_vi.append(
                f"{len(res.moved)} cán bộ được chuyển sang nhóm kia để đủ người trực các "
                f"quầy/nhiệm vụ (không có người cùng nhóm thay được; {move_weight} điểm trừ mỗi "
                "người)"
            )
    return res


def _price_moves(
    built: BuiltModel, problem: Problem, roster: Roster, move_weight: int
) -> list[tuple[int, Any]]:
    """``move_weight`` for each rotating person whose team differs from the published one
    (only the movable ones can: :func:`_team_problem` fixes the others)."""
    z = built.vars.z
    terms: list[tuple[int, Any]] = []
    for s in problem.staff:
        old = roster.teams.get(s.id)
        if old is None or s.team is not None or (s.id, old) not in z:
            continue
        terms.append((move_weight, 1 - z[(s.id, old)]))
    return terms


def _moves(
    problem: Problem,
    old: Roster,
    new: Roster,
    start: dt.date,
    changes: list[Change],
    move_weight: int,
) -> list[str]:
    """The people whose team changed; each is added to ``changes`` (kind ``team``)."""
    names = {s.id: s.name for s in problem.staff}
    moved = [s for s, t in new.teams.items() if old.teams.get(s) is not None and old.teams[s] != t]
    for s in moved:
        changes.append(
            Change(
                kind="team",
                staff=s,
                name=names.get(s, ""),
                date=start,
                before=f"team:{old.teams[s]}",
                after=f"team:{new.teams[s]}",
                reason=f"moved to keep every post covered (cost {move_weight})",
            )
        )
    return moved


def _val(val: Any, expr: Any) -> int:
    if isinstance(expr, int):
        return expr
    return int(val(expr))


def _keep_and_price(
    built: BuiltModel,
    problem: Problem,
    roster: Roster,
    first: int,
    cell_weight: int,
    post_weight: int,
    test_weight: int,
    notes: list[str],
    notes_vi: list[str],
) -> list[tuple[int, Any]]:
    """Fix the days before ``first`` to the published roster; return the change terms
    ``(weight, expression)`` of the days from ``first`` on."""
    model, v = built.model, built.vars
    h = problem.horizon
    old: dict[tuple[str, int, str], str | None] = {}
    for a in roster.assignments:
        if h.contains(a.date):
            old[(a.staff, h.day(a.date), a.shift)] = a.post
    old_tests = {(t.staff, h.day(t.date)) for t in roster.tests if h.contains(t.date)}
    terms: list[tuple[int, Any]] = []
    lost = 0
    for cell, x in v.x.items():
        s, d, sh = cell
        was_on = cell in old
        ys = v.y_by_cell.get(cell, [])
        if d < first:
            model.add(x == int(was_on))
            for p, y in ys:
                model.add(y == int(was_on and old[cell] == p))
            continue
        if was_on:
            terms.append((cell_weight, 1 - x))
            post = old[cell]
            if post_weight:
                y_old = next((y for p, y in ys if p == post), None)
                if post is None:
                    if ys:
                        terms.append((post_weight, sum(y for _, y in ys)))
                elif y_old is not None:
                    terms.append((post_weight, x - y_old))
                else:
                    terms.append((post_weight, x))
        else:
            terms.append((cell_weight, x))
    for cell in old:
        if cell not in v.x:
            if cell[1] < first:
                lost += 1
            else:
                terms.append((cell_weight, 1))  # an isolated person's cell: it must change
    if lost:
        notes.append(
            f"{lost} published cell(s) before the re-roster date cannot be kept under the new input"
        )
        notes_vi.append(
            f"{lost} ô lịch đã công bố trước ngày lập lại không giữ được với dữ liệu mới"
        )
    for (s, d), t in v.t.items():
        booked = (s, d) in old_tests
        if d < first:
            model.add(t == int(booked))
        elif test_weight:
            terms.append((test_weight, 1 - t if booked else t))
    # Duties from home: kept before ``first``; from then on, each duty given or taken away is
    # a changed cell.
    old_duties = {
        (r.staff, r.post, h.day(r.date), r.shift)
        for r in roster.remote_duties
        if h.contains(r.date)
    }
    for key, r in v.r.items():
        had = key in old_duties
        if key[2] < first:
            model.add(r == int(had))
        else:
            terms.append((cell_weight, 1 - r if had else r))
    return terms


def _objective(built: BuiltModel, change_terms: list[tuple[int, Any]]) -> None:
    """The model's objective (its penalty terms) plus the change costs."""
    exprs: list[Any] = []
    coeffs: list[int] = []
    constant = 0
    for t in built.penalty_terms:
        if isinstance(t.var, int):
            constant += t.weight * t.var
        else:
            exprs.append(t.var)
            coeffs.append(t.weight)
    for w, e in change_terms:
        if isinstance(e, int):
            constant += w * e
        else:
            exprs.append(e)
            coeffs.append(w)
    if exprs:
        built.model.minimize(cp_model.LinearExpr.weighted_sum(exprs, coeffs) + constant)


def _fewest_breaches_first(built: BuiltModel, workers: int, time_limit: float) -> list[int] | None:
    """For a relaxed re-roster (before its objective is set): first the fewest (cheapest)
    hard-rule breaches alone, for ``time_limit``; then the full objective (changes included)
    is searched with the breaches held at most that and that roster as the hint. A breach
    weighs hundreds of changes; searched together from the start, the solver spent its time
    trading changes while breaches stayed (district-on-call, a positive case on Tuesday, 10 s,
    2 workers: 45 breaches in one search, 14 in 60 s; 11-14 in 10 s in two steps). Returns
    the first step's solution (None when it found none)."""
    floor = min(RELAX.values())
    exprs = [t.var for t in built.penalty_terms if t.weight >= floor and not isinstance(t.var, int)]
    coeffs = [
        t.weight for t in built.penalty_terms if t.weight >= floor and not isinstance(t.var, int)
    ]
    if not exprs or time_limit < 0.5:
        return None
    model = built.model
    breaches = cp_model.LinearExpr.weighted_sum(exprs, coeffs)
    model.minimize(breaches)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.max_time_in_seconds = time_limit
    code = solver.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    solution = list(solver.response_proto.solution)
    model.add(breaches <= round(solver.objective_value))
    model.clear_hints()
    for i, value in enumerate(solution):
        model.add_hint(model.get_int_var_from_proto_index(i), value)
    return solution


def _hint(built: BuiltModel, problem: Problem, roster: Roster) -> None:
    """The published roster as the hint (every x, y and t variable)."""
    h = problem.horizon
    v, model = built.vars, built.model
    on = {
        (a.staff, h.day(a.date), a.shift): a.post for a in roster.assignments if h.contains(a.date)
    }
    tests = {(t.staff, h.day(t.date)) for t in roster.tests if h.contains(t.date)}
    for cell, x in v.x.items():
        model.add_hint(x, int(cell in on))
        for p, y in v.y_by_cell.get(cell, []):
            model.add_hint(y, int(cell in on and on[cell] == p))
    for key, t in v.t.items():
        model.add_hint(t, int(key in tests))
    duties = {
        (r.staff, r.post, h.day(r.date), r.shift)
        for r in roster.remote_duties
        if h.contains(r.date)
    }
    for duty, r in v.r.items():
        model.add_hint(r, int(duty in duties))
    for (s, k), z in v.z.items():
        if s in roster.teams:
            model.add_hint(z, int(roster.teams[s] == k))
