"""A first roster built one person at a time, for problems whose hard rules bind each person
alone.

When no hard rule reads two people at once (no hard cap, no teams, no daily test capacity, no
hard coverage), a roster meets every hard rule exactly when each person's own part does, so a
roster can be put together person by person: each person's best roster given the people
already placed, where the posts ask only for what those people leave uncovered. Each of these
is a small CP-SAT model (one person, the whole horizon) that CP-SAT solves in a fraction of a
second, where the whole model may leave CP-SAT without any roster for a minute (Curtois & Qu
20-23, 182 and 364 days). The roster is then a starting point for the search on the whole model.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter
from collections.abc import Callable

from roster.index import ProblemIndex
from roster.model import (
    Assignment,
    Problem,
    RapidTest,
    Roster,
    SlotDemand,
    SolveResult,
    Status,
)
from solver import persondp
from solver.decompose import sub_problem
from solver.registry import hard_rules_link_people
from solver.variables import zero_count_shifts

#: Seconds a person's solve may take to find the person's first roster (one person over 364
#: days and 10 shifts: 0.6-1.6 s, Curtois & Qu 22), and at most how long it goes on improving
#: it (less when the time left is short).
PERSON_TIME_LIMIT = 10.0
MAX_POLISH = 0.5
#: Seconds a person's first solve (one worker) may take to the person's first roster before
#: the person is solved again on two workers: at least :data:`FIRST_TRY`, and
#: :data:`FIRST_TRY_FACTOR` times the average so far.
FIRST_TRY, FIRST_TRY_FACTOR = 2.0, 4.0
#: Place each person by the dynamic program of :mod:`solver.persondp` where it applies (every
#: hard rule of the kinds it keeps) and the problem has at least :data:`DP_MIN_STAFF_DAYS`
#: staff-days; CP-SAT only for a person it cannot place. Measured (construction alone, 2
#: workers, load 9-12): the program places all 150 people of Curtois & Qu 24 in 17-33 s and
#: the 100 of 23 in 12-20 s (CP-SAT: about 1 s a person on a quiet core), but its rosters
#: are dearer: 8 11,046 against 6,515, 12 19,520 against 12,915, 18 18,582 against 11,237
#: (3-8 times faster there). Below the threshold CP-SAT's start stays, its rosters ending
#: cheaper where it fits the time (60 s, 2 workers, main and the program interleaved, load
#: 4-12): 20 (9,100 staff-days) 50,759, 44,151 with the program against 33,901, 23,051; 22
#: (18,200) 194,465 and 193,439 against no roster (load 9.5) and 103,747 (load 5); 21 1-3%
#: dearer (88,734-91,117 against 85,892-89,606). On 23 (36,400) and 24 (54,600) main's start
#: gave no roster in 6 of 6 runs, the program's in 5 of 6 (23: 155,877-163,750; 24: 227,208,
#: 245,954). Since the start goes through the program's rounds over the people
#: (:func:`solver.persondp.improve`), which take most of the dearness out of it, the program
#: starts from 9,000 staff-days (Curtois & Qu 20-24; was 30,000): one pair each at load 7-8,
#: program against CP-SAT start, both with the rounds: 20 9,763 against 10,407, 21 34,279
#: against no roster; 13 (3,360) stays with CP-SAT (9,002 with the program against 6,596).
DP_FIRST = True
DP_MIN_STAFF_DAYS = int(os.environ.get("ROSTER_DP_MIN_STAFF_DAYS", "9000"))
#: Where the program places people (:data:`DP_MIN_STAFF_DAYS`), choose per person by the pace
#: (``ROSTER_DP_PACE=1``): the program while the people left would not fit what is left of
#: ``pace`` at CP-SAT's pace, CP-SAT for the last ones once they do (they fill what the others
#: leave). CP-SAT's pace: the measured wall time per person it placed, before the first one
#: :data:`CP_PRIOR_PER_DAY` seconds per day of the horizon (one person of Curtois & Qu 22,
#: 364 days: 1.5-2.3 s at load 5). Off: measured against the program's start, both with the
#: program's faster repair (60 s, 2 workers, interleaved, load 3.9-5.8): 22 no roster (a person
#: CP-SAT did not place ends the start with none), 71,028, 64,358 against 73,123, 67,643,
#: 71,802; 20 9,579 against 7,820 (20 goes nearly all to CP-SAT); 21 29,133 against 31,187.
DP_PACE = os.environ.get("ROSTER_DP_PACE", "0") == "1"
CP_PRIOR_PER_DAY = 0.004


def separable(problem: Problem, idx: ProblemIndex | None = None) -> bool:
    """Whether every hard rule of ``problem`` reads one person only (as the policy sets them:
    a solve that softens hard rules still starts the usual way). ``idx``: the problem's index,
    when the caller has it."""
    return not hard_rules_link_people(problem, idx or ProblemIndex(problem))


def person_problem(
    problem: Problem,
    staff: str,
    load: Counter,
    idx: ProblemIndex,
    banned: dict[str, frozenset[str]] | None = None,
) -> Problem:
    """``staff``'s part of ``problem``, each post asking for what ``load`` (people per
    ``(post, day, shift)`` already placed) leaves: the shortfall and the excess this person
    adds are then priced exactly as in the whole problem. Slots of shifts a hard count of 0
    forbids this person (``banned``, from :func:`solver.variables.zero_count_shifts`) are left
    out, and so are posts left with no slot: the person cannot change their cost."""
    sub = sub_problem(problem, [staff], first=False, idx=idx)
    off = (zero_count_shifts(problem) if banned is None else banned).get(staff, frozenset())
    dates = idx.dates
    named = {f.post for f in sub.fixed if f.post is not None}
    posts = []
    for post in sub.site.posts:
        demands = []
        for (d, sh), need in idx.needs.get(post.id, {}).items():
            if sh in off:
                continue
            placed = load.get((post.id, d, sh), 0)
            # Built from validated figures: no validation per row (about a third of a
            # person's model build on Curtois & Qu 23).
            demands.append(
                SlotDemand.model_construct(
                    date=dates[d],
                    shift=sh,
                    min=max(0, need.min - placed),
                    max=None if need.max is None else max(0, need.max - placed),
                )
            )
        if demands or post.id in named or not idx.needs.get(post.id):
            posts.append(post.model_copy(update={"demands": [], "slot_demands": demands}))
    return sub.model_copy(update={"site": sub.site.model_copy(update={"posts": posts})})


def construct(
    problem: Problem,
    time_limit: float,
    workers: int,
    solve_one: Callable[..., SolveResult],
    seed: int = 0,
    pace: float | None = None,
    idx: ProblemIndex | None = None,
    stop: threading.Event | None = None,
    gate: threading.Event | None = None,
) -> Roster | None:
    """A roster meeting every hard rule of a :func:`separable` problem, or None (a person
    with no roster of their own, or the time is up).

    People are placed in a random order by ``workers`` threads. Each person's solve stops a
    moment after the person's first roster: an equal share of what is left of ``pace``
    seconds (default ``time_limit``) once the people still to place have had the time their
    first rosters take (the average so far), at most :data:`MAX_POLISH`; all of it ends within
    ``time_limit``. ``idx``: the problem's index, when the caller has it. ``stop``: set, the
    people not placed yet are not placed (None comes back). ``gate``: one thread places people
    until it is set, then all ``workers`` do.
    """
    pace = time_limit if pace is None else min(pace, time_limit)
    t0 = time.perf_counter()
    idx = idx or ProblemIndex(problem)
    banned = zero_count_shifts(problem)
    order = [s.id for s in problem.staff]
    random.Random(seed).shuffle(order)
    load: Counter = Counter()
    assignments: list[Assignment] = []
    tests: list[RapidTest] = []
    lock = threading.Lock()
    failed: list[str] = []
    firsts: list[float] = []  # seconds each placed person's solve took to its first roster
    walls: list[float] = []
    queue = list(reversed(order))
    big = len(problem.staff) * problem.horizon.days >= DP_MIN_STAFF_DAYS
    prep = persondp.prepare(problem, idx) if DP_FIRST and big else None

    def work(k: int) -> None:
        # The program holds the GIL as the build does (Python and small numpy steps): beside
        # the build it only slows it (Curtois & Qu 22, load 8: built in 62 s beside the
        # program against 14 s beside CP-SAT's person solves), so it waits for the gate.
        if (k > 0 or prep is not None) and gate is not None:
            gate.wait()
        while True:
            with lock:
                if not queue or failed or (stop is not None and stop.is_set()):
                    return
                staff = queue.pop()
                left = len(queue) + 1
                person = prep.person(staff) if prep is not None else None
                if person is not None and DP_PACE:
                    per_cp = (
                        sum(walls) / len(walls)
                        if walls
                        else CP_PRIOR_PER_DAY * problem.horizon.days
                    )
                    if time.perf_counter() - t0 + per_cp * left / max(1, workers) <= pace:
                        person = None
                if person is not None:
                    # Placed under the lock, against the cover as it is: two people placed
                    # at once against the same cover cover the same slots (Curtois & Qu 20,
                    # whole start 57,204 on two threads against 49,536 on one), and the
                    # program's small numpy steps hold the GIL anyway.
                    assert prep is not None
                    base = prep.base_cost(person, load)
                    row = persondp.solve_person(person, base, deadline=t0 + time_limit)
                    if row is not None:
                        for a in prep.assignments(person, row):
                            assignments.append(a)
                            if a.post is not None:
                                load[(a.post, problem.horizon.day(a.date), a.shift)] += 1
                        continue
                began = time.perf_counter()
                sub = person_problem(problem, staff, load, idx, banned)
            elapsed = time.perf_counter() - t0
            # Polish only with the time the people still to place will not need for their
            # own first rosters (at the pace of those placed so far): when the start cannot
            # keep ``pace``, nobody is polished (Curtois & Qu 23, 120 s: 92 of 100 people
            # placed in 93 s with the share of the pace alone, most of it polishing).
            with lock:
                per_person = sum(firsts) / len(firsts) if firsts else 0.0
            spare = pace - elapsed - per_person * left / max(1, workers)
            share = max(0.0, spare * max(1, workers) / left)
            limit = min(PERSON_TIME_LIMIT, time_limit - elapsed)
            if limit <= 0:
                with lock:
                    failed.append(staff)
                return
            # A person whose first roster is slow to come (one person of Curtois & Qu 24:
            # none in 10 s on one worker) is tried again on two workers, whose first rosters
            # come sooner (0.2-1 s there) and a little dearer.
            first_try = min(limit, max(FIRST_TRY, FIRST_TRY_FACTOR * per_person))
            started = time.perf_counter()
            res = solve_one(sub, time_limit=first_try, workers=1, polish=min(MAX_POLISH, share))
            rest = limit - (time.perf_counter() - started)
            if res.roster is None and res.status == Status.unknown and rest > 0.05:
                res = solve_one(sub, time_limit=rest, workers=2, polish=0.0)
            with lock:
                if res.roster is None or res.status not in (Status.optimal, Status.feasible):
                    failed.append(staff)
                    return
                if res.first_solution_time is not None:
                    firsts.append(res.first_solution_time)
                walls.append(time.perf_counter() - began)
                for a in res.roster.assignments:
                    assignments.append(a)
                    if a.post is not None:
                        load[(a.post, problem.horizon.day(a.date), a.shift)] += 1
                tests.extend(res.roster.tests)

    threads = [
        threading.Thread(target=work, args=(i,), name=f"construct-{i}", daemon=True)
        for i in range(max(1, workers))
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if failed or queue:
        return None
    return Roster(assignments=assignments, tests=tests)


class EarlyStart:
    """:func:`construct` run in background threads from the start of a solve, while the
    whole model is being built: the person models need only the problem, and their CP-SAT
    solves leave the GIL to the build. Nothing is placed when the problem is not
    :func:`separable` (the check runs in the thread too, off the build's path).

    ``time_limit`` and ``pace`` count from the moment the start is made; :meth:`result` waits
    for the roster (None: no roster), :meth:`cancel` stops it without waiting.
    """

    def __init__(
        self,
        problem: Problem,
        time_limit: float,
        workers: int,
        solve_one: Callable[..., SolveResult],
        pace: float | None = None,
    ) -> None:
        self.roster: Roster | None = None
        self.error: BaseException | None = None
        #: Seconds from the start to the roster (None: no roster yet).
        self.elapsed: float | None = None
        started = time.perf_counter()
        self._stop = threading.Event()
        self._gate = threading.Event()

        def run() -> None:
            try:
                idx = ProblemIndex(problem)
                if not separable(problem, idx) or self._stop.is_set():
                    return
                self.roster = construct(
                    problem,
                    time_limit,
                    workers,
                    solve_one,
                    pace=pace,
                    idx=idx,
                    stop=self._stop,
                    gate=self._gate,
                )
                if self.roster is not None:
                    self.elapsed = time.perf_counter() - started
            except BaseException as exc:  # reported through result(), never lost in a thread
                self.error = exc

        self._thread = threading.Thread(target=run, name="construct-early", daemon=True)
        self._thread.start()

    def release(self) -> None:
        """Place people on every thread from now on; until then, on one (beside the model
        build: with two threads there, the build of Curtois & Qu 24 took 54.7 s instead of
        23.3 s, load 7)."""
        self._gate.set()

    def result(self) -> Roster | None:
        """The roster built person by person (waits for it), or None."""
        self._gate.set()
        self._thread.join()
        if self.error is not None:
            raise self.error
        return self.roster

    def cancel(self) -> None:
        """Place nobody more (the solves under way end at their own limits)."""
        self._stop.set()
        self._gate.set()


def improve(
    problem: Problem,
    roster: Roster,
    time_limit: float,
    solve_one: Callable[..., SolveResult],
    workers: int = 1,
    polish: float = 0.0,
    seed: int = 1,
    idx: ProblemIndex | None = None,
) -> tuple[Roster, int]:
    """``roster`` (of a :func:`separable` problem) improved person by person: each person in
    turn solved again against what everybody else now covers, the new roster kept when the
    referee prices the person's part lower than the one it replaces (a large-neighbourhood
    move that never breaks a hard rule and never makes the roster dearer). Rounds go on until
    one changes nobody or ``time_limit`` seconds are up. Returns the roster and how many
    people changed.

    Each person is solved without a hint: a hint of the person's current roster made the
    solve slower (one person of Curtois & Qu 23: 2.2 s to a first roster against 0.4 s).
    """
    from roster.validation import check  # the referee: imported here, off the solver's path

    t0 = time.perf_counter()
    idx = idx or ProblemIndex(problem)
    banned = zero_count_shifts(problem)
    day = problem.horizon.day
    own: dict[str, list[Assignment]] = {s.id: [] for s in problem.staff}
    own_tests: dict[str, list[RapidTest]] = {s.id: [] for s in problem.staff}
    for a in roster.assignments:
        own[a.staff].append(a)
    for r in roster.tests:
        own_tests[r.staff].append(r)
    load: Counter = Counter()
    for a in roster.assignments:
        if a.post is not None:
            load[(a.post, day(a.date), a.shift)] += 1
    order = [s.id for s in problem.staff]
    random.Random(seed).shuffle(order)
    changed = 0
    done = False
    while not done:
        done = True
        for staff in order:
            left = time_limit - (time.perf_counter() - t0)
            if left <= 0.05:
                return _merged(own, own_tests, roster), changed
            for a in own[staff]:
                if a.post is not None:
                    load[(a.post, day(a.date), a.shift)] -= 1
            sub = person_problem(problem, staff, load, idx, banned)
            res = solve_one(sub, time_limit=left, workers=workers, polish=polish)
            if res.roster is not None and res.objective is not None:
                current = Roster(assignments=own[staff], tests=own_tests[staff])
                if res.objective < check(sub, current).objective:
                    own[staff] = list(res.roster.assignments)
                    own_tests[staff] = list(res.roster.tests)
                    changed += 1
                    done = False
            for a in own[staff]:
                if a.post is not None:
                    load[(a.post, day(a.date), a.shift)] += 1
    return _merged(own, own_tests, roster), changed


def _merged(
    own: dict[str, list[Assignment]], own_tests: dict[str, list[RapidTest]], roster: Roster
) -> Roster:
    """One roster of every person's part (the rest of ``roster`` as it was)."""
    return roster.model_copy(
        update={
            "assignments": [a for part in own.values() for a in part],
            "tests": [r for part in own_tests.values() for r in part],
        }
    )
