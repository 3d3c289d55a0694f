"""``solve``: build the model, run CP-SAT, and read back the roster, objective and penalties."""

from __future__ import annotations

import itertools
import math
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from roster.model import (
    Assignment,
    Problem,
    Progress,
    Roster,
    SolveResult,
    Status,
)
from solver import colgen, lns, persondp
from solver.build import BuiltModel, build_model
from solver.construct import EarlyStart, construct, improve, separable
from solver.context import BuildInterrupted
from solver.decompose import components, solve_parts
from solver.readback import STATUS, penalties_from_values, roster_from_values, values
from solver.redundant import add_symmetry_breaking

#: Order the on-site counts of interchangeable staff (see :mod:`solver.redundant`). Off: no
#: measurable gain, and a hint from an earlier roster (the API's second phase) may break it.
SYMMETRY_BREAKING = False  # measured neutral on provincial-committee (3 runs each)

#: Solve independent parts of the site one by one (see :mod:`solver.decompose`) when the
#: problem has at least this many staff-days. Every size since the case split on the fairness
#: minimum (:func:`_split_phase`) proves a unit in about a second: on the offices suite
#: (100-300 staff x 1-2 weeks, 10 s, 2 workers) whole models ended with gaps of 4-49%.
DECOMPOSE = True
DECOMPOSE_MIN_CELLS = 0

#: Largest model (variables) given the core + max_lp phase at 2-3 workers (see :func:`_search`).
CORE_PORTFOLIO_MAX_VARS = 10_000
#: Share of the time limit the first phase may spend looking for a first roster before the
#: improving phases start (see :func:`_search`).
FIRST_PHASE_SHARE = 0.5
#: Share of the time the first phase looks for a roster with the objective before it looks
#: for one without (see :func:`_feasible`).
FIRST_OBJECTIVE_SHARE = 0.15
#: Problems whose hard rules bind each person alone start from a roster built person by person
#: (:mod:`solver.construct`), paced to take this share of the time and given up at the second
#: share. Measured on Curtois & Qu, 60 s, 2 workers, against CP-SAT's own first roster: 8
#: 1,412 against 1,529-1,615, 10 4,739 against 5,042, 14 1,688 against 1,792, 15 6,638
#: against 6,977, 17 7,614 against 9,003-9,283, 18 5,681 against 6,190-6,717; 20-22 get a
#: roster only this way.
CONSTRUCT_SHARE, CONSTRUCT_LIMIT = 0.3, 0.8
#: When the person-by-person start's roster comes with less than this share of the time left,
#: it is the result as it is (priced by the referee) instead of being taken over by the whole
#: model: the model's solution fixed to it, then read back, took 33 s on Curtois & Qu 24 at
#: a load average of 9 (roster at 54 s of 60, the solve ended at 87 s).
START_ONLY_SHARE = 0.2
#: Begin the person-by-person start with the solve, in threads beside the model build
#: (:func:`_early_start`), instead of after the build.
EARLY_START = True
#: Improve the person-by-person start person by person (each solved again against the
#: others' cover, :func:`solver.construct.improve`) until this share of the search's time is
#: spent. Off: measured worse (Curtois & Qu, 60 s, 2 workers, load 5.5-6, one run each,
#: interleaved with the code without it: 20 22,116 against 19,762, 21 75,421 against 71,015,
#: 22 no roster against 99,684): the rounds push the first roster late and take the time the
#: whole model's LNS uses better.
PERSON_ROUNDS = False
PERSON_ROUNDS_SHARE = 0.5
#: Improve the person-by-person start by the dynamic program's rounds over the people
#: (:func:`solver.persondp.improve`: each person's cheapest row against the others' cover,
#: kept when cheaper) where the program applies, until a round gains less than
#: :data:`DP_ROUNDS_MIN_GAIN` of the objective or :data:`DP_ROUNDS_SHARE` of the time is spent.
DP_ROUNDS = os.environ.get("ROSTER_DP_ROUNDS", "1") != "0"
DP_ROUNDS_SHARE = float(os.environ.get("ROSTER_DP_ROUNDS_SHARE", "0.6"))
DP_ROUNDS_MIN_GAIN = float(os.environ.get("ROSTER_DP_ROUNDS_MIN_GAIN", "0.005"))
#: On models of more than :data:`LNS_BOUND_MAX_VARS` variables the rounds go on until a round
#: gains less than this share, or to the end of the time.
DP_ROUNDS_MIN_GAIN_ALONE = 0.001
#: Problems whose only coupling is the soft cover of skill-free posts (Curtois & Qu) may also
#: run column generation (:mod:`solver.colgen`) for :data:`COLGEN_SHARE` of the time, after
#: the search (:data:`COLGEN_AT_END`, seeded with its best roster) or right after the
#: person-by-person start: the better roster, and the Lagrangian bound when better than
#: CP-SAT's. Off: on Curtois & Qu 8-18 (60 s, 2 workers, load 4.6-8, interleaved with the
#: code without it) the rosters were worse on 6 of 10 instances (the search loses the time) and
#: the bound better only on 11; alone for 60 s its bound proves 10, 11 and 12 optimal at the
#: best known (see benchmarks/README.md).
COLGEN = False
COLGEN_AT_END = True
COLGEN_SHARE = 0.3
#: Column-generation-guided neighbourhoods (:func:`_guided_phase`, RENS/RINS over the master LP
#: of :mod:`solver.colgen`) for problems whose only coupling is the soft cover of skill-free
#: posts, for :data:`GUIDE_SHARE` of the time, between the first roster (and the core phase)
#: and the LNS phase: the generation prices for :data:`GUIDE_LP_SHARE` of that span, then
#: each neighbourhood fixes the person-days on which the LP's solution puts at least
#: :data:`GUIDE_AGREE` of its weight on one value, and CP-SAT searches the rest for
#: :data:`GUIDE_NEIGHBOURHOOD_SECONDS` at most. Off (on with ``ROSTER_GUIDED=1``, for A/B
#: runs): Curtois & Qu 7-14, 60 s, 2 workers, load 7.6-12, run at the same time as the code
#: without it, medians of 3: better on 7, 8 (2,686 against 4,448), 10-14, far worse on 9
#: (1,223 against 860), worse single runs on 5, 6, 18; the bounds of CP-SAT's ``max_lp``
#: worker lost half its time (15: 48 against 3,684; 16: 118 against 3,202); see
#: benchmarks/README.md.
GUIDED = os.environ.get("ROSTER_GUIDED", "0") == "1"
GUIDE_SHARE = 0.5
GUIDE_LP_SHARE = 0.5
GUIDE_AGREE = 0.9
GUIDE_NEIGHBOURHOOD_SECONDS = 5.0
#: Share of the time limit of the core + max_lp phase of small models: our own scenarios are
#: proven optimal within it (0.1-3 s), the benchmark models need the LNS phase after it.
#: At most :data:`CORE_PHASE_MAX_SECONDS`: with 30 of 60 s in the core phase Curtois & Qu 9
#: stayed at 539 (core brought the first roster from 4,669 to about 770 in those 30 s); with
#: 10 s, 9 reached 439 (optimal), 4 and 6 were proven optimal, 14 1,392 against 1,581-1,892,
#: 17 7,923 against 8,320-9,031 (60 s, 2 workers).
CORE_PHASE_SHARE = 0.5
CORE_PHASE_MAX_SECONDS = 10.0

#: Least time per model variable for the case split on the fairness minimum
#: (:func:`_split_phase`) and the phases before it: a unit with less gets one ``lp_lns`` solve
#: (``max_lp`` beside first-solution and LNS workers, no first-roster phase). The parts of
#: generated 3,000 x 4 weeks (51 units of 2,900-7,400 variables) get 0.16-0.38 ms per
#: variable of the 60 s. 12 of its units, 1.5 s each, 2 workers, load average 4.6-5.3, sums of
#: objectives / bounds: 481 / 355 with one LNS solve, 501 / 307 with the first-roster phase
#: then LNS, 537 / 5 with CP-SAT's default portfolio alone; 8 units at 3 s (load 6): 337 / 258
#: first roster then LNS against 408 / 204 with the split; at 6 s, 243 / 218 against
#: 259 / 219. The parts of 1,000 x 4 weeks (60 s: 0.48-1.12 ms) and of the offices (10 s:
#: 0.54-2.1 ms) keep the split, which proves them on a quiet machine.
SPLIT_MIN_SECONDS_PER_VAR = 0.00045
#: A unit solved as an independent part (one fairness term), with at least
#: :data:`SPLIT_MIN_SECONDS_PER_VAR` per variable: one ``lp_lns`` solve (which finds its own
#: first roster) in its first turn, and :func:`_prove_phase` from its roster in the turns the
#: time left over gives it (``prove``, :func:`solver.decompose.solve_parts`' last round),
#: instead of a first roster, the case split and ``lp_lns`` in every turn (see
#: :func:`_unit_plan`). On (``ROSTER_PROVE_LAST=0`` turns it off), for a unit's first turn only
#: below :data:`PROVE_LAST_MAX_SECONDS_PER_VAR`. Ungated, on generated 1000 x 4 weeks (60 s,
#: 2 workers, load 2.5-5.7, 8 pairs over seeds 0-2) 652-720 against 741-883, gaps 8-12% against
#: 20-32%, but offices (10 s) were proven 1.5-3 times slower (see benchmarks/README.md). Gated
#: at 1.2 ms a variable: offices (30, 10 s) all proven either way on a quiet machine (load
#: 1.6-2.2, one pair), in 0.4-6.1 s against 0.4-3.9 s; 1000 x 4 seeds 0-2 all three proven
#: optimal (675, 689, 651 in 51, 44, 36 s) against 679 / 653, 689 / 686 and 651 optimal
#: (one pair, load 1.7-1.9); at load 4.1-4.8 offices 300x2-2 and 300x2-5 proven or closer
#: (158 / 136-143, 155 optimal) against unproven (167-177 / 132-138).
PROVE_LAST = os.environ.get("ROSTER_PROVE_LAST", "1") == "1"
#: Under :data:`PROVE_LAST`, a unit's first ``lp_lns`` solve stops once it has gone this share
#: of its time without a better roster (0: never), leaving the rest to the later turns.
PROVE_LAST_STALL = float(os.environ.get("ROSTER_PROVE_LAST_STALL", "0.3"))
#: Under :data:`PROVE_LAST`, a unit's first turn takes the plan only with less than this time
#: per variable (0: always); with more, the first roster and the case split as before
#: (the units of 1,000 x 4 weeks get 0.48-1.12 ms a variable of the 60 s, offices' 0.54-2.1
#: ms of their 10 s).
PROVE_LAST_MAX_SECONDS_PER_VAR = float(os.environ.get("ROSTER_PROVE_LAST_MAX_SPV", "0.0012"))

#: Separable problems (:func:`solver.construct.separable`) of at least :data:`LNS_MIN_VARS`
#: variables or :data:`LNS_MIN_DAYS` days improve their roster with our own
#: large-neighbourhood search (:mod:`solver.lns`: each neighbourhood cut out as a small model)
#: for :data:`LNS_SHARE` of the time left after the core phase, then the ``lp_lns`` phase
#: (whose ``max_lp`` worker gives the bound). Measured on Curtois & Qu, 60 s, 2 workers, load
#: 8-12.6, one run each unless said, interleaved with the code without it
#: (benchmarks/README.md), with / without: 10 5,177 / 5,900, 11 4,098 / 5,115, 12 5,750 /
#: 8,138, 13 12,211 / 17,183, 14 2,469 / 3,981, 15 8,343 / 11,876, 16 4,360 / 5,480, 17 7,513
#: / 10,873, 18 7,105 / 8,722, 19 6,671 / 12,992, 20 22,988 / 31,891; but 9 (4,179
#: variables, 28 days) 657 and 678 / 568 and 448, 8 2,433 / 2,445: the small 28-day models
#: (1-9) keep CP-SAT's LNS, which does well once their model is presolved. ``ROSTER_LNS``
#: (0/1) and ``ROSTER_LNS_MIN_VARS`` switch it for A/B runs. On a quiet machine (load 1.8-2,
#: one run each, with the bound worker below), with / without: 12 (12,784 variables) 5,022
#: / 5,530, 17 (56 days) 7,084 / 8,712 with bounds 5,616 / 160; but 10 (4,894 variables, 28
#: days) 5,084 / 4,731, 11 (7,117) 3,981 / 3,672, 14 (5,252, 42 days) 1,661 / 1,605: hence at
#: least 10,000 variables or 56 days (12, 13, 16-24). Since then the LNS solves two
#: neighbourhoods at once on their linear relaxation with the bound worker beside it, and
#: the 42-day 15 (9,115 variables) gains (60 s, 2 workers, load 1.5-2, interleaved pairs,
#: without / with): 6,458 / 4,622 and 6,058 / 4,475; 14 (5,252) stays even, four pairs
#: 1,709 / 1,435, 1,505 / 1,422, 1,404 / 1,619, 1,497 / 1,531 (medians 1,501 / 1,483); the
#: 28-day 8 too (1,419 / 1,429, one pair): hence 42 days (``ROSTER_LNS_MIN_DAYS``).
LNS = os.environ.get("ROSTER_LNS", "1") != "0"
LNS_MIN_VARS = int(os.environ.get("ROSTER_LNS_MIN_VARS", "10000"))
LNS_MIN_DAYS = int(os.environ.get("ROSTER_LNS_MIN_DAYS", "42"))
LNS_SHARE = 0.9
#: Seconds between two progress reports of the LNS (each copies the whole solution).
LNS_REPORT_EVERY = 1.0
#: With 2 workers or more, one of them runs CP-SAT with the full linear relaxation on the
#: whole model beside the LNS (which gets the others), so that the bound the LNS phase
#: would otherwise leave to the last 10% of the time keeps growing (alone, the LNS phase
#: left 10 with a bound of 7 and 15 with 28, against 4,021 and 3,684). Not on models above
#: :data:`LNS_BOUND_MAX_VARS` variables, whose copy would double the memory for little.
LNS_BOUND = os.environ.get("ROSTER_LNS_BOUND", "1") != "0"
#: The side worker's search is CP-SAT's LP-bound tree search (``optimize_with_lb_tree_search``)
#: rather than its default search with the full relaxation: alone on the whole model, 25 s,
#: one worker, the default's bound depends on its seed (Curtois & Qu 12: 3,630-3,638 on 3 seeds
#: of 6, 22 on the others, its LP stopped short of optimal in 1,082 of 2,086 solves; 11: 3 on
#: 2 seeds of 4), the tree search's did not (12: 3,631-3,641 on 5 seeds; 11: 3,438-3,439 on 4);
#: on 19 both fail on 2 seeds of 4. In 10 pairs of full solves (12, 11, 19, 18, 16) the old
#: bound collapsed in 7, this one in none, rosters even within the noise (geometric mean 1.011,
#: see benchmarks/README.md, 3 Dec). ``ROSTER_LNS_BOUND_LBT=0`` gives the default search back.
LNS_BOUND_LBT = os.environ.get("ROSTER_LNS_BOUND_LBT", "1") != "0"
LNS_BOUND_MAX_VARS = 150_000
#: Neighbourhoods the LNS solves at once (:func:`solver.lns.improve`), one per worker it gets
#: up to this many (each sub-solve then on one worker, instead of one neighbourhood at a time
#: on all of them). Curtois & Qu, 60 s, 2 workers, interleaved pairs at load 1.5-2.1, two
#: neighbourhoods against one on 2 workers: 21 27,769 / 29,529 and 28,280 / 29,372, 22 64,308 /
#: 68,527, 20 6,337 / 6,304 (no bound worker on 21 and 22; on 20 it is given up, below).
#: ``ROSTER_LNS_THREADS=1``: one at a time.
LNS_THREADS = int(os.environ.get("ROSTER_LNS_THREADS", "2"))
#: The bound worker (:data:`LNS_BOUND`) is given up for a second LNS thread when, after
#: :data:`LNS_BOUND_TRIAL` of the LNS phase, its bound is below :data:`LNS_BOUND_USEFUL` times
#: the best roster's objective: on Curtois & Qu 13 its bound stays at 15 all the minute (best
#: known 1,348), on 19 and 20 at 2-104 (3,149 and 4,769). Not earlier: the bound of 12 comes
#: at 28-46 s of the 60 (43 at 28.7 s, 1,552 at 30.4 s, 3,532 at 46 s), that of 18 at 22-36 s
#: (one core, load 2); after a quarter of the phase both were lost (5 and 1,087 against 3,653
#: and 4,204). With 0.6, 12 and 18 kept theirs (3,633, 4,213) and the rosters moved within the
#: noise (13 3,970 and 3,967 / 3,620 and 3,833; 19 4,157 / 4,477; 12 4,631 / 4,511; 18 5,486 /
#: 5,290, against the worker kept to the end); with both workers on the LNS for the whole
#: phase 13 gave 3,600, 3,730 and 3,751 against 3,998 and 4,278. ``ROSTER_LNS_BOUND_TRIAL=0``
#: keeps the worker to the end whatever its bound.
LNS_BOUND_TRIAL = float(os.environ.get("ROSTER_LNS_BOUND_TRIAL", "0.6"))
LNS_BOUND_USEFUL = 0.5
#: Seconds kept at the end of the time limit per model variable, for reading the roster and
#: its penalties back (Curtois & Qu 24, 1.12 million variables: 3.5 s at a load of 3), and at
#: least :data:`READBACK_BUILD_RATIO` times the model's build: both are Python over every
#: cell, so the build measures how fast this machine is now (24 on a quiet machine: build
#: 4.1-5.2 s, read-back 2.4-2.8 s).
READBACK_SECONDS_PER_VAR = 3.5e-6
READBACK_BUILD_RATIO = 0.7
#: The whole model's take-over of the person-by-person start (:func:`_from_roster`: the
#: roster's values, a copy of the model with them fixed, CP-SAT for the rest) costs about this
#: many times the model's build (Curtois & Qu 24, quiet machine: 5.4 s after a build of 5.2 s,
#: 6.3 s after 4.1 s; its parts 1.2 s for the values, 0.9 s to copy, 2.4 s to fix, 1.1 s to
#: solve). With less time left than that plus :data:`PHASE_MIN_SECONDS_PER_VAR` for the LNS
#: after it, the start's roster is the result as it is.
TAKEOVER_BUILD_RATIO = 1.5
#: A CP-SAT phase on the whole model shorter than this many seconds per variable is not
#: started: loading the model alone takes about that long (Curtois & Qu 24: an ``lp_lns`` phase
#: of 0.1 s after the LNS returned 2 s later, past the time limit).
PHASE_MIN_SECONDS_PER_VAR = 2e-6

#: Number of variables above which presolve skips its symmetry search.
LARGE_MODEL = 50_000

#: The full (complete-search) subsolvers of each portfolio of :func:`configure`.
PORTFOLIOS = {"core": ["core", "max_lp", "default_lp"], "lp_lns": ["max_lp"]}


def configure(params: Any, workers: int, n_vars: int, portfolio: str = "auto") -> None:
    """CP-SAT parameters for ``workers`` threads on a model of ``n_vars`` variables.

    ``portfolio`` picks what the threads run (2-3 workers; with more, CP-SAT's default):

    - ``core``: every worker a full solver, ``core`` then ``max_lp``. With 2-3 workers CP-SAT's
      default portfolio runs a single ``default_lp`` worker, whose bound stays far below the
      optimum on our objectives (test costs, max - min fairness terms): gaps of 86-96 % on the
      built-in scenarios at 10 s; ``core`` proves them optimal in 0.1-3 s, ``max_lp`` the OR-Tools
      example in 1 s. No first-solution worker runs (Curtois & Qu 17: no roster in 60 s).
    - ``lp_lns``: one full ``max_lp`` worker, the other thread(s) first-solution and LNS workers
      (Curtois & Qu, 30 s, 2 workers, 2 seeds, as the last phase of :func:`_search`: 7 reaches
      1,065-1,070, 9 440-441, 11 3,693-3,757 with a bound of 3,437, 14 1,488-1,695, against
      1,087-1,167, 457-465, 3,986-4,112 and 2,241-2,657 with CP-SAT's default portfolio
      there; a structured LNS of our own on one thread beside one complete worker did worse
      still: 9 reached 489-666).
    - ``default``: CP-SAT's own choice; ``auto``: ``core`` for small models, else ``default``;
      ``max_lp``: every worker with the full linear relaxation.
    """
    workers = max(1, workers)
    params.num_workers = workers
    if n_vars > LARGE_MODEL:
        # On big rosters the symmetry search of presolve times out repeatedly and costs about
        # half of the time to a first solution (measured: 1,000 staff x 28 days, 20 s -> 11 s).
        params.symmetry_level = 0
    if portfolio == "max_lp":
        # The LP of every constraint: one person's year (Curtois & Qu 22, person T) gets a
        # first roster in 0.9 s with it, none in 10 s without.
        params.linearization_level = 2
        # One presolve round, without the costliest overlap search: the person models of the
        # person-by-person start repeat it for no gain (Curtois & Qu 24, one person: 0.6-0.75 s
        # of CPU to a first roster against 0.8-1.3 s, same objective).
        params.max_presolve_iterations = 1
        params.find_big_linear_overlap = False
        # No probing in presolve: the person models of Curtois & Qu 23 reach their first
        # roster in 2.6 s for 12 people against 4.2-4.5 s with it (same objectives within
        # 0.2%); on 24 about even (12.3-12.7 s against 11.6-15.3 s).
        params.cp_model_probing_level = 0
        return
    if portfolio == "auto":
        portfolio = "core" if core_portfolio(workers, n_vars) else "default"
    if not 2 <= workers <= 3 or portfolio == "default":
        return
    full = PORTFOLIOS[portfolio][: workers if portfolio == "core" else 1]
    params.subsolvers.extend(full)
    params.num_full_subsolvers = len(full)


def core_portfolio(workers: int, n_vars: int) -> bool:
    """Whether the model is small enough for the core + max_lp portfolio."""
    return 2 <= workers <= 3 and n_vars <= CORE_PORTFOLIO_MAX_VARS


class _Progress(cp_model.CpSolverSolutionCallback):
    """Reports each improving roster to ``on_progress``, whichever search found it (CP-SAT's
    own callback, or :meth:`publish` for a roster found outside it, such as the
    person-by-person start); thread-safe."""

    def __init__(
        self,
        offset: int,
        has_objective: bool,
        on_progress: Callable[[Progress], None] | None,
        make_roster: Callable[[Callable[[Any], int]], Roster] | None = None,
    ) -> None:
        super().__init__()
        self.offset = offset
        self.has_objective = has_objective
        self.on_progress = on_progress
        self.make_roster = make_roster
        self.count = 0
        self.first_time: float | None = None
        self.error: str | None = None
        self.bound_floor = -math.inf  # best bound proved by earlier solves
        self.best: float = math.inf  # best objective reported so far
        self.t0 = time.perf_counter()
        self.on_first: Callable[[], None] | None = None  # hears the first roster
        #: ``time.perf_counter()`` of the last improving roster (-inf: none yet).
        self.improved_at = -math.inf
        #: False while a search runs on a case of a split (its bound is not the model's).
        self.trust_bound = True
        self._lock = threading.Lock()

    def on_solution_callback(self) -> None:
        solution = list(self.response_proto.solution) if self.make_roster is not None else None
        bound = self.best_objective_bound if self.has_objective and self.trust_bound else None
        self.publish(
            self.objective_value if self.has_objective else 0.0,
            bound,
            solution if solution is not None else (lambda e: int(self.value(e))),
        )

    def raise_floor(self, bound: float) -> None:
        with self._lock:
            self.bound_floor = max(self.bound_floor, bound)

    def publish(
        self,
        objective: float,
        bound: float | None,
        solution: list[int] | Callable[[Any], int] | None,
        roster: Roster | Callable[[], Roster] | None = None,
    ) -> None:
        """Report a roster of CP-SAT objective ``objective`` (``solution``: its values, or a
        value function; or ``roster``, found outside the model, or a function that makes it)
        if it beats every roster reported so far."""
        with self._lock:
            if self.has_objective:
                if objective >= self.best - 0.5:
                    return  # a later phase starting again from the same roster
                self.best = objective
                self.improved_at = time.perf_counter()
            self.count += 1
            elapsed = time.perf_counter() - self.t0
            if self.first_time is None:
                self.first_time = elapsed
                if self.on_first is not None:
                    self.on_first()
            if self.on_progress is None:
                return
            if self.has_objective:
                obj = round(objective) + self.offset
                floor = max(bound if bound is not None else -math.inf, self.bound_floor)
                bound_out = (
                    min(obj, math.ceil(floor - 1e-6) + self.offset) if floor > -math.inf else None
                )
            else:
                obj = bound_out = self.offset
            try:
                if self.make_roster is None:
                    roster = None
                elif callable(roster):
                    roster = roster()
                elif roster is None and solution is not None:
                    val = values(solution) if isinstance(solution, list) else solution
                    roster = self.make_roster(val)
                self.on_progress(
                    Progress(
                        elapsed=elapsed,
                        objective=obj,
                        bound=bound_out,
                        solutions=self.count,
                        roster=roster,
                    )
                )
            except Exception as exc:  # a broken listener must not kill the solve
                self.error = f"on_progress failed: {exc!r}"

    def publish_roster(
        self,
        problem: Problem,
        roster: Roster | Callable[[], Roster],
        objective: float | None = None,
    ) -> None:
        """Report ``roster`` (or a function that makes it, called only when a listener takes
        rosters), found outside the model (the person-by-person start and its rounds), of
        objective ``objective`` (with the offset). Without it, and only when
        somebody listens, the referee prices the roster (seconds on a year of 50 people), and
        a roster that breaks a hard rule is not reported."""
        if objective is None:
            if self.on_progress is None:
                return
            from roster.validation import check  # the referee: off the solver's path

            if callable(roster):
                roster = roster()
            report = check(problem, roster)
            if not report.ok:
                return
            objective = report.objective
        self.publish(objective - self.offset, None, None, roster)


def solve(
    problem: Problem,
    time_limit: float = 10.0,
    workers: int = 2,
    hint: Roster | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    *,
    soft_hard_rules: bool = False,
    progress_rosters: bool = False,
) -> SolveResult:
    """Solve ``problem`` within ``time_limit`` seconds on ``workers`` threads.

    Never raises for an infeasible problem or a timeout: the status says so. ``hint`` (a roster,
    e.g. last week's) seeds the search with the cells it gives. With ``soft_hard_rules`` every
    hard rule family that may be soft becomes soft with a large weight, so a roster always comes
    back (for explanations). With ``progress_rosters`` each progress report carries the roster
    just found (so a job stopped early keeps its best roster); a site solved in independent
    parts reports the merged roster each time a part improves, once every part has one.
    """
    if DECOMPOSE and len(problem.staff) * problem.horizon.days >= DECOMPOSE_MIN_CELLS:
        parts = components(problem, soft_hard_rules)
        if parts is not None:
            return solve_parts(
                problem,
                parts,
                time_limit,
                workers,
                hint,
                on_progress,
                soft_hard_rules,
                solve_whole,
                progress_rosters,
                prove_later=PROVE_LAST,
            )
    return solve_whole(
        problem,
        time_limit,
        workers,
        hint,
        on_progress,
        soft_hard_rules=soft_hard_rules,
        progress_rosters=progress_rosters,
    )


def solve_whole(
    problem: Problem,
    time_limit: float = 10.0,
    workers: int = 2,
    hint: Roster | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    *,
    soft_hard_rules: bool = False,
    first_only: bool = False,
    polish: float | None = None,
    progress_rosters: bool = False,
    prove: bool = False,
) -> SolveResult:
    """:func:`solve` on one model, without splitting the problem (with ``first_only``, stop at
    the first roster; with ``polish``, that many seconds after it; with ``prove``, a later
    turn of a part, see :data:`PROVE_LAST`)."""
    t0 = time.perf_counter()
    early = _early_start(problem, time_limit, workers, hint, first_only, polish)
    try:
        built = build_model(problem, soft_hard_rules=soft_hard_rules, deadline=t0 + time_limit)
    except BaseException as exc:
        if early is not None and isinstance(exc, BuildInterrupted):
            spent = time.perf_counter() - t0
            kept = _start_only(problem, early, t0, spent, "was not built in time")
            if kept is not None:
                return kept
        if early is not None:
            early.cancel()
        if not isinstance(exc, BuildInterrupted):
            raise
        spent = time.perf_counter() - t0
        return SolveResult(
            status=Status.unknown,
            build_time=spent,
            wall_time=spent,
            messages=[
                f"the model was not built within the time limit of {time_limit:g} s "
                "(no roster searched); give it more time"
            ],
        )
    if early is not None:
        early.release()
    if SYMMETRY_BREAKING:
        add_symmetry_breaking(built)
    if hint is not None:
        _apply_hint(built, problem, hint)
    build_time = time.perf_counter() - t0

    n_vars = len(built.model.proto.variables)
    has_objective = bool(built.penalty_terms)
    make_roster = (
        (lambda val: roster_from_values(built, problem, val))
        if progress_rosters and on_progress is not None
        else None
    )
    cb = _Progress(problem.objective_offset, has_objective, on_progress, make_roster)
    cb.t0 = t0  # progress times count from the start of the build
    if polish is not None:
        out = _single(
            built.model,
            time_limit - build_time,
            workers,
            n_vars,
            cb,
            portfolio="max_lp",
            polish=polish,
        )
    else:
        try:
            readback = max(READBACK_SECONDS_PER_VAR * n_vars, READBACK_BUILD_RATIO * build_time)
            out = _search(
                built,
                time_limit - build_time - readback,
                workers,
                n_vars,
                cb,
                has_objective,
                first_only,
                early=early,
                prove=hint if prove else None,
                build_time=build_time,
            )
        finally:
            if early is not None:
                early.cancel()
    status = STATUS.get(out.code, Status.unknown)
    if out.start_only and early is not None:
        kept = _start_only(problem, early, t0, build_time, "had too little time left for it")
        if kept is not None:
            return kept
    searched = (Status.optimal, Status.feasible, Status.infeasible, Status.invalid)
    if status not in searched and early is not None and early.roster is not None:
        kept = _start_only(problem, early, t0, build_time, "gave no roster in time")
        if kept is not None:
            return kept
    result = SolveResult(
        status=status,
        build_time=build_time,
        wall_time=time.perf_counter() - t0,
        first_solution_time=cb.first_time,
    )
    if cb.error:
        result.messages.append(cb.error)
    result.messages += out.messages
    if status not in (Status.optimal, Status.feasible) or out.solution is None:
        if status == Status.invalid:
            result.messages.append(f"model invalid: {built.model.validate()}")
        return result

    val = values(out.solution)
    offset = problem.objective_offset
    result.roster = roster_from_values(built, problem, val)
    penalties, total = penalties_from_values(built, problem, val)
    result.penalties = penalties
    result.objective = total + offset
    if has_objective:
        cp_obj = round(out.objective) + offset
        # No bound yet when the time ran out right after the first roster: the bound the
        # variables' domains give.
        raw = out.bound if math.isfinite(out.bound) else domain_bound(built.model)
        bound = math.ceil(raw - 1e-6) + offset
        if result.objective != cp_obj:
            result.messages.append(
                f"objective {result.objective} recomputed from the roster (search: {cp_obj})"
            )
        result.bound = min(bound, result.objective)
    else:
        result.bound = result.objective
    result.gap = (result.objective - result.bound) / max(1, abs(result.objective))
    result.wall_time = time.perf_counter() - t0
    return result


@dataclass
class _Outcome:
    """What :func:`_search` found: CP-SAT's status code, the best solution (one value per
    model variable), its objective and the best bound (CP-SAT's objective units)."""

    code: Any
    solution: list[int] | None = None
    objective: float = math.inf
    bound: float = -math.inf
    messages: list[str] = field(default_factory=list)
    #: The early start's roster should be the result: too little time left to take it over.
    start_only: bool = False
    #: No solution because the time ran out (:func:`_from_roster`).
    out_of_time: bool = False


def _single(
    model: cp_model.CpModel,
    time_limit: float,
    workers: int,
    n_vars: int,
    cb: _Progress,
    first_only: bool = False,
    portfolio: str = "auto",
    polish: float | None = None,
    stall: float | None = None,
) -> _Outcome:
    """One CP-SAT solve with :func:`configure`'s parameters (with ``polish``, stopped that many
    seconds after the first roster; with ``stall``, once a roster has come and no better one
    for that many seconds)."""
    solver = cp_model.CpSolver()
    done = threading.Event()
    if stall is not None:
        started = time.perf_counter()

        def watch() -> None:
            while not done.wait(0.05):
                last = cb.improved_at
                if last >= started and time.perf_counter() - last > stall:
                    solver.stop_search()
                    return

        threading.Thread(target=watch, name="stall", daemon=True).start()
    timer: threading.Timer | None = None
    if polish is not None:

        def start_timer() -> None:
            nonlocal timer
            timer = threading.Timer(polish, solver.stop_search)
            timer.daemon = True
            timer.start()

        cb.on_first = start_timer
    solver.parameters.max_time_in_seconds = max(0.0, float(time_limit))
    configure(solver.parameters, workers, n_vars, portfolio)
    solver.parameters.stop_after_first_solution = first_only
    try:
        code = solver.solve(model, cb)
    finally:
        done.set()
    if timer is not None:
        timer.cancel()
    out = _Outcome(code)
    if STATUS.get(code) in (Status.optimal, Status.feasible):
        out.solution = list(solver.response_proto.solution)
        out.objective = solver.objective_value
        out.bound = solver.best_objective_bound
    elif STATUS.get(code) == Status.infeasible:
        out.bound = math.inf
    elif STATUS.get(code) == Status.unknown and math.isfinite(solver.best_objective_bound):
        out.bound = solver.best_objective_bound  # proven even without a roster
    return out


def _search(
    built: BuiltModel,
    time_limit: float,
    workers: int,
    n_vars: int,
    cb: _Progress,
    has_objective: bool,
    first_only: bool,
    early: EarlyStart | None = None,
    prove: Roster | None = None,
    build_time: float = 0.0,
) -> _Outcome:
    """Run CP-SAT on the model in phases and return the best roster and bound found.

    With an objective and at least 2 workers:

    1. a first roster: built person by person (:mod:`solver.construct`) when the problem's
       hard rules bind one person each (and no hint was given); else
       CP-SAT's default portfolio until a first roster (at most
       :data:`FIRST_OBJECTIVE_SHARE` of the time), then, if none came, the same search with
       the objective set aside (up to :data:`FIRST_PHASE_SHARE`; see :func:`_feasible`);
    2. on small models (:func:`core_portfolio`), ``core`` beside ``max_lp`` for
       :data:`CORE_PHASE_SHARE` of the time, at most :data:`CORE_PHASE_MAX_SECONDS`: they
       prove our scenarios optimal in 0.1-2 s; when the model has one or two fairness terms
       (a unit solved as an independent part), this phase is a case split on each unit's
       fairness minimum being 0 or not (:func:`_split_phase`) and takes all the time left,
       unless a case is not proven in its share;
    3. on separable problems of at least :data:`LNS_MIN_VARS` variables or
       :data:`LNS_MIN_DAYS` days, our own LNS
       (:mod:`solver.lns`) for :data:`LNS_SHARE` of the time left;
    4. the rest of the time ``lp_lns``: ``max_lp`` beside CP-SAT's LNS workers (see
       :func:`configure`), for the bound, and the best rosters on small models.

    Each phase starts from the best roster so far (a complete hint); the best roster and the
    best bound of all phases are kept, and the search stops once they meet. Otherwise (no
    objective, ``first_only``, one worker; or a unit with less time than
    :data:`SPLIT_MIN_SECONDS_PER_VAR` per variable, then ``lp_lns``) a single solve.
    """
    model = built.model
    t0 = time.perf_counter()
    if not has_objective or first_only or workers < 2:
        return _single(model, time_limit, workers, n_vars, cb, first_only)
    if (
        built.ctx.fair_min_positive
        and core_portfolio(workers, n_vars)
        and time_limit < SPLIT_MIN_SECONDS_PER_VAR * n_vars
    ):
        # A unit short of time for the split: one LNS solve, which finds its own first roster.
        return _single(model, time_limit, workers, n_vars, cb, portfolio="lp_lns")
    if (
        PROVE_LAST
        and len(built.ctx.fair_max) == 1
        and core_portfolio(workers, n_vars)
        and (
            prove is not None
            or PROVE_LAST_MAX_SECONDS_PER_VAR <= 0
            or time_limit < PROVE_LAST_MAX_SECONDS_PER_VAR * n_vars
        )
    ):
        return _unit_plan(built, time_limit, workers, n_vars, cb, prove)
    first = _Outcome(cp_model.UNKNOWN)
    problem = built.ctx.problem
    hinted = len(model.proto.solution_hint.vars) > 0
    cg_span = 0.0  # seconds kept for column generation after the search
    idx = built.ctx.idx
    own_lns = (
        LNS
        and (n_vars >= LNS_MIN_VARS or problem.horizon.days >= LNS_MIN_DAYS)
        and separable(problem, idx)
    )
    # The LNS's index of the model, read in a thread while the start's threads (CP-SAT, off
    # the interpreter's lock) finish and the rounds run: Curtois & Qu 24, 7.3 s on a quiet
    # machine, 9.3 s at a load of 4, which the LNS phase lost when read at its start.
    prep = _Prepared(built) if own_lns else None
    roster: Roster | None = None
    # Time the take-over of the start's roster needs, with a first LNS phase after it.
    takeover = TAKEOVER_BUILD_RATIO * build_time + PHASE_MIN_SECONDS_PER_VAR * n_vars
    reserve = max(START_ONLY_SHARE * time_limit, takeover)
    if early is not None and not hinted:
        roster = early.result()
        if roster is not None:
            if time_limit - (time.perf_counter() - t0) < reserve:
                return _Outcome(cp_model.UNKNOWN, start_only=True)
            # Above LNS_BOUND_MAX_VARS the rounds may take all the time: the whole model's
            # take-over and LNS gain less there than the rounds (and the take-over of
            # Curtois & Qu 24 after rounds to 0.6 of the time ended its solve at 73 s of 60,
            # load 8); the start's roster is then the result (see _start_only).
            huge = n_vars > LNS_BOUND_MAX_VARS
            roster = _person_rounds(problem, roster, time_limit, t0, workers, idx, huge, cb)
            early.roster = roster
            if time_limit - (time.perf_counter() - t0) < reserve:
                return _Outcome(cp_model.UNKNOWN, start_only=True)
    elif not hinted and len(problem.staff) > 1 and separable(problem, idx):
        roster = construct(
            problem,
            CONSTRUCT_LIMIT * time_limit,
            workers,
            solve_whole,
            pace=CONSTRUCT_SHARE * time_limit,
            idx=idx,
        )
        if roster is not None:
            roster = _person_rounds(problem, roster, time_limit, t0, workers, idx, cb=cb)
    if roster is not None:
        first = _from_roster(
            built, roster, time_limit - (time.perf_counter() - t0), workers, n_vars, cb
        )
        if first.out_of_time and early is not None and early.roster is not None:
            # The take-over ran out of time: the start's roster, not a new search.
            return _Outcome(cp_model.UNKNOWN, start_only=True)
        if COLGEN and first.solution is not None:
            if COLGEN_AT_END:
                cg_span = COLGEN_SHARE * time_limit
            else:
                span = min(COLGEN_SHARE * time_limit, time_limit - (time.perf_counter() - t0))
                first = _colgen_start(built, roster, first, span, workers, n_vars, cb)
                if STATUS.get(first.code) == Status.optimal:
                    return first
    if first.solution is None:
        first = _single(
            model,
            FIRST_OBJECTIVE_SHARE * time_limit,
            workers,
            n_vars,
            cb,
            first_only=True,
            portfolio="default",
        )
    if first.solution is None and STATUS.get(first.code) == Status.unknown:
        left = FIRST_PHASE_SHARE * time_limit - (time.perf_counter() - t0)
        if left > 0.05:
            first = _feasible(model, left, workers, n_vars, cb)
    status = STATUS.get(first.code)
    if status in (Status.infeasible, Status.invalid, Status.optimal):
        return first
    left = time_limit - (time.perf_counter() - t0)
    if first.solution is None:
        if left <= 0.05:
            return first
        return _single(model, left, workers, n_vars, cb)
    if left <= 0.05:
        return first
    best = first
    phases: list[tuple[str, float | None]] = [("lp_lns", None)]
    if own_lns:
        # Above LNS_BOUND_MAX_VARS, all the time: CP-SAT's whole-model search then neither
        # bounds nor improves in the seconds left (Curtois & Qu 24: a bound of 0, and 7.3 s
        # spent in a phase of 3.9).
        phases.insert(0, ("own_lns", LNS_SHARE if n_vars <= LNS_BOUND_MAX_VARS else 1.0))
    if GUIDED and colgen.cover_of(problem, idx) is not None:
        # The LNS phase after it takes whatever time the guided phase hands back.
        phases.insert(0, ("guided", GUIDE_SHARE))
    if core_portfolio(workers, n_vars):
        phases.insert(0, ("core", CORE_PHASE_SHARE))
    for phase, share in phases:
        left = time_limit - cg_span - (time.perf_counter() - t0)
        if left <= max(0.05, PHASE_MIN_SECONDS_PER_VAR * n_vars):
            break
        span = left if share is None else min(left, share * time_limit, CORE_PHASE_MAX_SECONDS)
        if phase == "guided":
            span = min(left, GUIDE_SHARE * time_limit)
        assert best.solution is not None  # every phase starts from a roster
        if phase == "own_lns":
            assert share is not None
            assert prep is not None
            best = _own_lns(built, best, share * left, workers, n_vars, cb, prep)
            if best.bound >= best.objective - 1e-6:
                best.code = cp_model.OPTIMAL
                return best
            continue
        splits = list(built.ctx.fair_min_positive.values())
        if phase == "core" and splits:
            # All the time left: the cases prove what the LNS phase would not (a 40-person
            # unit of 2 weeks, 3.3 s: its second case needed 1.8 s after 0.4 s for the first,
            # more than half the time); a case not proven in its share hands the rest back.
            out = _split_phase(model, splits, best, left, workers, n_vars, cb)
        elif phase == "guided":
            out = _guided_phase(built, best, span, workers, n_vars, cb)
        else:
            assert best.solution is not None
            _hint_all(model, best.solution)
            out = _single(model, span, workers, n_vars, cb, portfolio=phase)
        st = STATUS.get(out.code)
        if st in (Status.infeasible, Status.invalid, Status.optimal):
            return out
        bound = max(best.bound, out.bound)
        if out.solution is not None and out.objective < best.objective - 0.5:
            best = out
        best.bound = bound
        cb.raise_floor(bound)
        if bound >= best.objective - 1e-6:
            best.code = cp_model.OPTIMAL
            return best
    if cg_span > 0 and best.solution is not None:
        left = time_limit - (time.perf_counter() - t0)
        roster = roster_from_values(built, problem, values(best.solution))
        best = _colgen_start(built, roster, best, left, workers, n_vars, cb)
    return best


class _BoundThread:
    """CP-SAT on one worker with the full linear relaxation, in a thread beside the LNS, for
    the bound (and any better roster it meets); :attr:`bound` is its best bound so far,
    :meth:`finish` stops it and gives what it found."""

    def __init__(self, built: BuiltModel, time_limit: float, n_vars: int) -> None:
        self.solver = cp_model.CpSolver()
        self.solver.parameters.max_time_in_seconds = max(0.0, time_limit)
        configure(self.solver.parameters, 1, n_vars, "max_lp")
        self.solver.parameters.optimize_with_lb_tree_search = LNS_BOUND_LBT
        self.bound = -math.inf
        self.solver.best_bound_callback = self._on_bound
        self.model = built.model
        self.code: Any = cp_model.UNKNOWN
        self.thread = threading.Thread(target=self._run, name="lns-bound", daemon=True)
        self.thread.start()

    def _on_bound(self, bound: float) -> None:
        self.bound = max(self.bound, bound)

    def _run(self) -> None:
        self.code = self.solver.solve(self.model)

    def finish(self) -> _Outcome:
        self.solver.stop_search()
        self.thread.join()
        out = _Outcome(self.code)
        st = STATUS.get(self.code)
        if st in (Status.optimal, Status.feasible):
            out.solution = list(self.solver.response_proto.solution)
            out.objective = self.solver.objective_value
        if st in (Status.optimal, Status.feasible, Status.unknown) and math.isfinite(
            self.solver.best_objective_bound
        ):
            out.bound = self.solver.best_objective_bound
        return out


class _Prepared:
    """The LNS's index and cells of a model (:class:`solver.lns.ProtoIndex`,
    :class:`solver.lns.Cells`), read in a daemon thread from its creation; :meth:`result`
    waits for them (raises :class:`solver.lns.Unsupported` when the model has a constraint
    the LNS does not read)."""

    def __init__(self, built: BuiltModel) -> None:
        self._value: tuple[lns.ProtoIndex, lns.Cells] | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(built,), daemon=True)
        self._thread.start()

    def _run(self, built: BuiltModel) -> None:
        try:
            index = lns.ProtoIndex.of(built.model)
            self._value = index, lns.Cells.of(built, index)
        except BaseException as exc:  # handed to the caller of result()
            self._error = exc

    def result(self) -> tuple[lns.ProtoIndex, lns.Cells]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value


def _own_lns(
    built: BuiltModel,
    best: _Outcome,
    time_limit: float,
    workers: int,
    n_vars: int,
    cb: _Progress,
    prep: _Prepared | None = None,
) -> _Outcome:
    """``best`` improved by :func:`solver.lns.improve` for ``time_limit`` seconds (``best``
    unchanged when the model holds a constraint the extraction does not handle), with the
    bound of a :class:`_BoundThread` on one of the workers (:data:`LNS_BOUND`), given up for
    a second LNS thread when its bound is of no use (:data:`LNS_BOUND_TRIAL`)."""
    assert best.solution is not None
    t0 = time.perf_counter()
    bounder: _BoundThread | None = None
    if LNS_BOUND and workers >= 2 and n_vars <= LNS_BOUND_MAX_VARS:
        _hint_all(built.model, best.solution)
        bounder = _BoundThread(built, time_limit, n_vars)
        workers -= 1
    try:
        prepared = (prep or _Prepared(built)).result()
    except lns.Unsupported:
        # No LNS; what the bound worker proved meanwhile is kept.
        return best if bounder is None else _with_side(best, bounder.finish(), best, cb)
    try:
        left = time_limit - (time.perf_counter() - t0)
        if bounder is not None and LNS_BOUND_TRIAL > 0:
            trial = min(left, LNS_BOUND_TRIAL * time_limit)
            out = _lns_rosters(built, best, trial, workers, cb, prepared)
            if bounder.bound < LNS_BOUND_USEFUL * out.objective:
                side, bounder = bounder.finish(), None
                out = _with_side(out, side, best, cb)
                workers += 1
            left = time_limit - (time.perf_counter() - t0)
            if left > 0.2:
                out = _lns_rosters(built, out, left, workers, cb, prepared)
        else:
            out = _lns_rosters(built, best, left, workers, cb, prepared)
    except BaseException:
        if bounder is not None:
            bounder.finish()
        raise
    if bounder is None:
        return out
    return _with_side(out, bounder.finish(), best, cb)


def _with_side(out: _Outcome, side: _Outcome, best: _Outcome, cb: _Progress) -> _Outcome:
    """The LNS's outcome ``out`` with what the bound worker found (``side``): the best bound
    of the two and of ``best`` (the phase's start), and its roster when better."""
    out.bound = max(out.bound, best.bound, side.bound)
    cb.raise_floor(out.bound)
    if side.solution is not None and side.objective < out.objective - 0.5:
        cb.publish(side.objective, None, side.solution)
        out = _Outcome(cp_model.FEASIBLE, side.solution, side.objective, out.bound)
    return out


def _lns_rosters(
    built: BuiltModel,
    best: _Outcome,
    time_limit: float,
    workers: int,
    cb: _Progress,
    prepared: tuple[lns.ProtoIndex, lns.Cells],
) -> _Outcome:
    """``best`` improved by :func:`solver.lns.improve` for ``time_limit`` seconds, on
    ``prepared`` (the model's index and cells)."""
    assert best.solution is not None
    obj = built.model.proto.objective
    scale = obj.scaling_factor or 1.0
    last = [time.perf_counter()]

    def report(sol: Any, terms: int) -> None:
        now = time.perf_counter()
        if now - last[0] >= LNS_REPORT_EVERY:
            last[0] = now
            cb.publish((terms + obj.offset) * scale, None, sol.tolist())

    index, cells = prepared
    sol, stats = lns.improve(
        built,
        best.solution,
        time_limit,
        workers,
        on_improve=report,
        index=index,
        cells=cells,
        threads=LNS_THREADS,
    )
    if os.environ.get("ROSTER_LNS_DEBUG"):
        import sys

        print(
            f"lns: {stats.tried} tried, {stats.improved} better, {stats.proven} proven, "
            f"{stats.invalid} invalid, {stats.aimed} aimed ({stats.aimed_improved} better), "
            f"{stats.rebased} merged again ({stats.rebased_kept} kept), "
            f"{stats.start} -> {stats.end}, index {stats.index_time:.2f} s, extract "
            f"{stats.extract_time:.2f} s, solve {stats.solve_time:.2f} s, sizes "
            f"{stats.sizes[:: max(1, len(stats.sizes) // 12)]} vars "
            f"{stats.sub_vars[:: max(1, len(stats.sub_vars) // 12)]}",
            file=sys.stderr,
        )
    if stats.end >= stats.start:
        return best
    better = sol.tolist()
    out = _Outcome(cp_model.FEASIBLE, better, (stats.end + obj.offset) * scale, best.bound)
    cb.publish(out.objective, None, better)
    return out


def _guided_phase(
    built: BuiltModel,
    best: _Outcome,
    time_limit: float,
    workers: int,
    n_vars: int,
    cb: _Progress,
) -> _Outcome:
    """Neighbourhoods of the best roster chosen by column generation (RINS over the master
    LP of :class:`solver.colgen.Generation`): the person-days on which the LP's solution puts
    at least :data:`GUIDE_AGREE` of its weight on the best roster's value (a shift or off) are
    fixed, CP-SAT searches the others for a better roster; each better roster joins the
    master as columns and the LP is priced again. The Lagrangian bound is kept when the
    master's cost of the best roster is the model's objective.

    Why: the generation's LP bound reaches the optimum of Curtois & Qu 10-12 in 60 s where
    CP-SAT's own LP proves 0-4620, but its integer rosters are poor; its LP solution, not its
    rosters, says where the best roster is likely right."""
    t0 = time.perf_counter()
    deadline = t0 + time_limit
    problem = built.ctx.problem
    out = _Outcome(best.code, best.solution, best.objective, best.bound)
    assert out.solution is not None
    roster = roster_from_values(built, problem, values(out.solution))
    start_cost = round(out.objective)
    try:
        gen = colgen.Generation(
            problem,
            workers,
            deadline,
            start=roster,
            idx=built.ctx.idx,
            check=lambda cost: cost == start_cost,
        )
    except Exception:  # noqa: BLE001 - the phase is skipped, the roster stays
        return out
    if not gen.ready or not gen.out.checked:
        return out
    try:
        gen.advance(t0 + GUIDE_LP_SHARE * time_limit)
    except Exception:  # noqa: BLE001 - the phase ends, the roster stays
        return out

    def take_bound() -> None:
        if gen.out.checked and math.isfinite(gen.out.bound):
            out.bound = max(out.bound, gen.out.bound)
            cb.raise_floor(gen.out.bound)

    take_bound()
    agree = GUIDE_AGREE
    mode = "rens"
    while True:
        left = deadline - time.perf_counter()
        if left <= 0.2 or out.bound >= out.objective - 1e-6:
            break
        sub, fixed, free = _lp_neighbourhood(built, gen.cell_weights(), out, agree, mode)
        if free == 0 and mode == "rens":
            mode = "rins"  # the LP is one integer roster: nothing to search around it
            continue
        if free == 0:
            break
        span = min(left, GUIDE_NEIGHBOURHOOD_SECONDS)
        cb.trust_bound = False  # the neighbourhood's bound is not the model's
        try:
            res = _single(sub, span, workers, n_vars, cb, portfolio="default")
        finally:
            cb.trust_bound = True
        st = STATUS.get(res.code)
        improved = res.solution is not None and res.objective < out.objective - 0.5
        if improved:
            assert res.solution is not None
            out.solution, out.objective = res.solution, res.objective
            better = roster_from_values(built, problem, values(res.solution))
            try:
                gen.add_roster(better, deadline)
            except Exception:  # noqa: BLE001 - the phase ends, the roster stays
                return out
        if not improved and mode == "rens":
            mode = "rins"  # the LP's own values held nothing better: around the roster next
        elif not improved and st in (Status.optimal, Status.infeasible):
            # Nothing better in this neighbourhood: a larger one next, until every day the
            # LP is not sure of is free.
            if agree >= 1.0:
                break
            agree = min(1.0, agree + 0.05)
            mode = "rens"
        elif not improved:
            mode = "rens"
        left = deadline - time.perf_counter()
        if left > 1.0 and not gen.converged:
            try:
                gen.advance(time.perf_counter() + min(left / 2, 3.0))
            except Exception:  # noqa: BLE001 - the phase ends, the roster stays
                return out
            take_bound()
    return out


def _lp_neighbourhood(
    built: BuiltModel,
    weights: dict[str, dict[tuple[int, str], float]],
    best: _Outcome,
    agree: float,
    mode: str,
) -> tuple[cp_model.CpModel, int, int]:
    """The model restricted to a neighbourhood chosen by the master LP's solution ``weights``
    (see :func:`_guided_phase`), looking only for rosters better than ``best``; with the
    numbers of person-days fixed and free.

    ``rins``: a person-day is fixed to ``best``'s value when the LP puts at least ``agree`` of
    its weight on that value; the search starts from ``best``. ``rens``: fixed to the LP's
    value when the LP puts at least ``agree`` on one value, whatever ``best`` holds there; the
    search starts from the LP's heaviest value of every person-day (the neighbourhood may not
    hold ``best``)."""
    assert best.solution is not None
    sol = best.solution
    sub = built.model.clone()
    pv = sub.proto.variables
    obj = sub.proto.objective
    v = built.vars
    fixed = free = 0
    hint: dict[int, int] = {}
    for staff in v.cells:
        w = weights.get(staff, {})
        for d, cells in v.day_refs(staff).items():
            lp = [w.get((d, sh), 0.0) for sh, _ in cells]
            off = 1.0 - sum(lp)
            if mode == "rins":
                ons = [k for k, (_, i) in enumerate(cells) if sol[i]]
                mine = lp[ons[0]] if ons else off
                value = [sol[i] for _, i in cells] if mine >= agree - 1e-9 else None
            else:
                top = max(range(len(cells)), key=lambda k: lp[k]) if cells else -1
                if top >= 0 and lp[top] > off:
                    mine, pick = lp[top], [int(k == top) for k in range(len(cells))]
                else:
                    mine, pick = off, [0] * len(cells)
                for (_, i), x in zip(cells, pick, strict=True):
                    hint[i] = x
                value = pick if mine >= agree - 1e-9 else None
            if value is None:
                free += 1
                continue
            fixed += 1
            for (_, i), x in zip(cells, value, strict=True):
                dom = pv[i].domain
                dom.clear()
                dom.extend([x, x])
    scale = obj.scaling_factor or 1.0
    inner = round(best.objective / scale - obj.offset)
    obj.domain.clear()
    obj.domain.extend([-(2**62), inner - 1])
    if mode == "rins":
        _hint_all(sub, sol)
    else:
        sub.clear_hints()
        sub.proto.solution_hint.vars.extend(hint.keys())
        sub.proto.solution_hint.values.extend(hint.values())
    return sub, fixed, free


def _colgen_start(
    built: BuiltModel,
    roster: Roster,
    first: _Outcome,
    time_limit: float,
    workers: int,
    n_vars: int,
    cb: _Progress,
) -> _Outcome:
    """Column generation (:func:`solver.colgen.generate`) from the person-by-person roster
    ``roster`` (``first``: its solution of the model): the better of the two rosters, with the
    Lagrangian bound when the master's costs are the model's (``first`` unchanged when the
    cover is not of the form it handles or anything fails)."""
    t0 = time.perf_counter()
    problem = built.ctx.problem
    if time_limit <= 1.0 or colgen.cover_of(problem, built.ctx.idx) is None:
        return first
    start_cost = round(first.objective)
    try:
        cg = colgen.generate(
            problem,
            time_limit,
            workers,
            start=roster,
            idx=built.ctx.idx,
            check=lambda cost: cost == start_cost,
        )
    except Exception:  # noqa: BLE001 - the person-by-person roster stays
        return first
    best = first
    if cg.roster is not None and cg.objective is not None and cg.objective < start_cost:
        out = _from_roster(
            built, cg.roster, time_limit - (time.perf_counter() - t0), workers, n_vars, cb
        )
        if out.solution is not None and round(out.objective) == cg.objective:
            out.bound = first.bound  # what the search proved still holds
            best = out
    if cg.checked and math.isfinite(cg.bound):
        best.bound = max(best.bound, cg.bound)
        cb.raise_floor(cg.bound)
        if math.ceil(cg.bound - 1e-6) >= round(best.objective):
            best.code = cp_model.OPTIMAL
    return best


# --- Person-by-person start begun before the model build -------------------------------


def _early_start(
    problem: Problem,
    time_limit: float,
    workers: int,
    hint: Roster | None,
    first_only: bool,
    polish: float | None,
) -> EarlyStart | None:
    """The person-by-person start (:class:`solver.construct.EarlyStart`) begun now, before the
    whole model is built, when :func:`_search` would make it after the build: at least 2
    workers, several people, no hint, a full search. Its limits count from the start of the
    solve (:data:`CONSTRUCT_SHARE`, :data:`CONSTRUCT_LIMIT` of the whole time limit)."""
    if not EARLY_START or hint is not None or first_only or polish is not None:
        return None
    if workers < 2 or len(problem.staff) < 2:
        return None
    return EarlyStart(
        problem,
        CONSTRUCT_LIMIT * time_limit,
        workers,
        solve_whole,
        pace=CONSTRUCT_SHARE * time_limit,
    )


def _start_only(
    problem: Problem, early: EarlyStart, t0: float, build_time: float, why: str
) -> SolveResult | None:
    """The person-by-person start's roster as the result, when the whole model gave none (its
    build ran out of time, or its search found nothing from the start): priced by the referee,
    which must find no broken hard rule (None otherwise, or when the start has no roster).
    Curtois & Qu 24 at a load average of 11: the build alone took 62 s of the 60."""
    from roster.validation import check  # the referee: imported here, off the solver's path

    roster = early.result()
    if roster is None:
        return None
    report = check(problem, roster)
    if not report.ok:
        return None
    return SolveResult(
        status=Status.feasible,
        roster=roster,
        objective=report.objective,
        penalties=report.penalties,
        build_time=build_time,
        first_solution_time=early.elapsed,
        wall_time=time.perf_counter() - t0,
        messages=[
            "the roster is the person-by-person start's, improved person by person: "
            f"the whole model {why}"
        ],
    )


def _person_rounds(
    problem: Problem,
    roster: Roster,
    time_limit: float,
    t0: float,
    workers: int,
    idx: Any,
    to_the_end: bool = False,
    cb: _Progress | None = None,
) -> Roster:
    """``roster`` improved person by person (:func:`solver.construct.improve`) until
    :data:`PERSON_ROUNDS_SHARE` of ``time_limit`` (counted from ``t0``) is spent; first by the
    dynamic program's rounds (:data:`DP_ROUNDS`) where it applies. ``cb`` hears the start's
    roster and each round's (priced by the program, or by the referee when it does not
    apply), so a job stopped during the rounds keeps the best of them."""
    prep = persondp.prepare(problem, idx) if DP_ROUNDS and not roster.tests else None
    if prep is None and cb is not None:
        cb.publish_roster(problem, roster)
    if prep is not None:
        start = roster

        def on_round(assignments: Callable[[], list[Assignment]], objective: float) -> None:
            assert cb is not None
            cb.publish_roster(
                problem, lambda: start.model_copy(update={"assignments": assignments()}), objective
            )

        share, min_gain = (
            (1.0, DP_ROUNDS_MIN_GAIN_ALONE) if to_the_end else (DP_ROUNDS_SHARE, DP_ROUNDS_MIN_GAIN)
        )
        deadline = t0 + share * time_limit
        out = persondp.improve(
            prep,
            roster.assignments,
            deadline,
            min_gain,
            on_round=on_round if cb is not None else None,
        )
        if out is not None:
            roster = roster.model_copy(update={"assignments": out[0]})
        elif cb is not None:
            cb.publish_roster(problem, roster)  # a roster the program cannot read
    if not PERSON_ROUNDS:
        return roster
    left = PERSON_ROUNDS_SHARE * time_limit - (time.perf_counter() - t0)
    if left <= 0.5:
        return roster
    better, _ = improve(problem, roster, left, solve_whole, workers=workers, idx=idx)
    return better


def _split_phase(
    model: cp_model.CpModel,
    literals: list[Any],
    best: _Outcome,
    time_limit: float,
    workers: int,
    n_vars: int,
    cb: _Progress,
) -> _Outcome:
    """The core phase as a case split on ``literals`` (per unit, "the fairness minimum is at
    least 1"): one core + max_lp solve per combination of their values, all 0 first, each
    looking only for rosters better than the best so far. The cases cover every roster, so the
    smallest of their bounds is a bound of the whole model (a case proven to hold no better
    roster has the best objective as its bound).

    Why: with the minimum free, the relaxation lets it rise a little at the price of a
    fraction of a test per person; with it fixed, the spread is the largest count (minimum 0)
    or everyone needs a test (minimum at least 1). Measured on the 40-person unit VP of
    generated office 100x1-1 (core portfolio, 2 workers): proven optimal at 28 in 0.1 s with
    the minimum fixed at 0 and its other case (35) in 0.3 s, against 0.8-11 s for the
    whole unit.
    """
    t0 = time.perf_counter()
    cases = list(itertools.product((0, 1), repeat=len(literals)))
    out = _Outcome(best.code, best.solution, best.objective, best.bound)
    bounds: list[float] = []
    obj = model.proto.objective
    scale = obj.scaling_factor or 1.0
    cb.trust_bound = False  # a case's bound is not the whole model's
    try:
        for k, case in enumerate(cases):
            left = time_limit - (time.perf_counter() - t0)
            if left <= 0.05:
                return out
            sub = model.clone()
            for lit, value in zip(literals, case, strict=True):
                sub.add(lit == value)
            assert out.solution is not None
            # Only rosters better than the best so far (the objective's domain holds the sum
            # of its terms, without the offset).
            inner = round(out.objective / scale - obj.offset)
            sub.proto.objective.domain.extend([-(2**62), inner - 1])
            _hint_all(sub, out.solution)
            res = _single(sub, left / (len(cases) - k), workers, n_vars, cb, portfolio="core")
            st = STATUS.get(res.code)
            if st == Status.invalid:
                return res
            if res.solution is not None and res.objective < out.objective - 0.5:
                out.solution, out.objective = res.solution, res.objective
            if st in (Status.infeasible, Status.optimal):
                continue  # nothing better than the best so far in this case
            if k < len(cases) - 1:
                # A case not proven in its share: the split will not prove the model, and the
                # time left goes to the next phase, whose LNS improves rosters better (generated
                # 1000 x 4 weeks, 60 s: 1,280 with the split taking all the time, 798 before).
                out.code = cp_model.FEASIBLE
                out.bound = best.bound
                return out
            bounds.append(res.bound)
    finally:
        cb.trust_bound = True
    # Every case done: the best roster is optimal unless a case stopped with a lower bound.
    whole = min([out.objective, *bounds])
    out.bound = max(best.bound, whole)
    out.code = cp_model.OPTIMAL if out.bound >= out.objective - 1e-6 else cp_model.FEASIBLE
    return out


def _unit_plan(
    built: BuiltModel,
    time_limit: float,
    workers: int,
    n_vars: int,
    cb: _Progress,
    prove: Roster | None,
) -> _Outcome:
    """A unit's search under :data:`PROVE_LAST`: without ``prove``, one ``lp_lns`` solve (it
    finds its own first roster, improves it, and its ``max_lp`` worker bounds it, proving some
    units early; stopped after :data:`PROVE_LAST_STALL` of the time without a better roster);
    with ``prove`` (a later turn: the roster so far), :func:`_prove_phase` from that roster.

    Why (generated 1000 x 4 weeks, seed 0, each unit alone within its share of 60 s by size,
    2 workers, load 3-4.7, interleaved unit by unit): ``lp_lns`` alone ended the units at 677
    and 704 in all against 775 and 820 for the first roster, the case split and ``lp_lns``
    (the optimum is about 675), with the same bounds; a first ``lp_lns`` for half of the time
    and :func:`_prove_phase` in the other half: 763 (nothing proven in 2 s at that load).
    Hence the proofs get only the time the first turns leave (units ``lp_lns`` proves early,
    and those that need less than their share)."""
    model = built.model
    if prove is None:
        stall = PROVE_LAST_STALL * time_limit if PROVE_LAST_STALL > 0 else None
        return _single(model, time_limit, workers, n_vars, cb, portfolio="lp_lns", stall=stall)
    t0 = time.perf_counter()
    # The roster itself (a first roster from its hint alone may be a dearer one).
    first = _from_roster(built, prove, time_limit, workers, n_vars, cb)
    st = STATUS.get(first.code)
    left = time_limit - (time.perf_counter() - t0)
    if st in (Status.infeasible, Status.invalid, Status.optimal) or left <= 0.05:
        return first
    if first.solution is None:
        return _single(model, left, workers, n_vars, cb, portfolio="lp_lns")
    ((positive, (top, spread)),) = (
        (built.ctx.fair_min_positive[u], built.ctx.fair_max[u]) for u in built.ctx.fair_max
    )
    return _prove_phase(model, positive, top, spread, first, left, workers, n_vars, cb)


def _prove_phase(
    model: cp_model.CpModel,
    positive: Any,
    top: Any,
    spread: Any,
    best: _Outcome,
    time_limit: float,
    workers: int,
    n_vars: int,
    cb: _Progress,
) -> _Outcome:
    """Prove ``best`` (or find better) for a unit, by cases that together cover every roster,
    each solved by ``core`` + ``max_lp`` looking only for rosters better than the best so far:
    the fairness minimum at least 1 (``positive``; everyone comes, so everyone needs a test:
    closed in a second from a good roster), then the minimum at 0 with the largest count
    ``top`` fixed to 0, 1, 2, ... (there the spread is the largest count, so the objective is
    at least the other terms' least value plus the spread's coefficient times the count; the
    counts whose least objective reaches the best roster need no case). Each case may take all
    the time left (the first at most half). The bound: the smallest of the best objective,
    the bounds of the cases that stopped unproven, and the least objective of the counts not
    reached; never below ``best.bound``.

    Why: the minimum-0 case alone left units of generated 1000 x 4 weeks at a bound of 20 for
    a roster of 28 after 10 s (2 workers, load 3-4), split on the count it proved them
    optimal in 3.5-5 s (the count 2 case the dearest, 1.8-2.4 s)."""
    t0 = time.perf_counter()
    out = _Outcome(best.code, best.solution, best.objective, best.bound)
    obj = model.proto.objective
    scale = obj.scaling_factor or 1.0
    coeff = dict(zip(obj.vars, obj.coeffs, strict=True)).get(spread.index, 0)
    per_count = coeff * scale
    base = domain_bound(model)  # every term at its least value (the spread's is 0)
    if per_count <= 0:
        return out
    open_bounds: list[float] = []
    cases: list[tuple[int, int | None]] = [(1, None)]
    count = 0
    cb.trust_bound = False  # a case's bound is not the whole model's
    try:
        while True:
            if not cases:
                if base + per_count * count >= out.objective - 1e-6:
                    break  # no better roster with this largest count or any above it
                cases.append((0, count))
                count += 1
            case_min, case_top = cases.pop(0)
            left = time_limit - (time.perf_counter() - t0)
            if left <= 0.05:
                if case_top is not None:
                    count -= 1  # not searched: bounded below by its least objective
                open_bounds.append(base + per_count * count)
                break
            sub = model.clone()
            sub.add(positive == case_min)
            if case_top is not None:
                sub.add(top == case_top)
            assert out.solution is not None
            inner = round(out.objective / scale - obj.offset)
            sub.proto.objective.domain.extend([-(2**62), inner - 1])
            _hint_all(sub, out.solution)
            span = left / 2 if case_top is None else left
            res = _single(sub, span, workers, n_vars, cb, portfolio="core")
            st = STATUS.get(res.code)
            if st == Status.invalid:
                return _Outcome(res.code, best.solution, best.objective, best.bound)
            if res.solution is not None and res.objective < out.objective - 0.5:
                out.solution, out.objective = res.solution, res.objective
            if st not in (Status.infeasible, Status.optimal):
                open_bounds.append(res.bound)  # -inf without any bound
    finally:
        cb.trust_bound = True
    whole = min([out.objective, *open_bounds])
    out.bound = max(best.bound, whole)
    out.code = cp_model.OPTIMAL if out.bound >= out.objective - 1e-6 else cp_model.FEASIBLE
    return out


def _feasible(
    model: cp_model.CpModel, time_limit: float, workers: int, n_vars: int, cb: _Progress
) -> _Outcome:
    """A first roster of ``model`` found with the objective set aside: on long horizons the
    objective steers CP-SAT's first search into dead ends (Curtois & Qu 20, 182 days: no
    roster in 60 s with it, one in 3 s without)."""
    plain = model.clone()
    plain.clear_objective()
    out = _single(
        plain,
        time_limit,
        workers,
        n_vars,
        _Progress(0, False, None),
        first_only=True,
        portfolio="default",
    )
    out.bound = -math.inf  # the model searched had no objective
    if out.solution is not None:
        out.code = cp_model.FEASIBLE  # optimal for "no objective" only
        out.objective = _objective_value(model, out.solution)
        cb.publish(out.objective, None, out.solution)
    return out


def _from_roster(
    built: BuiltModel, roster: Roster, time_limit: float, workers: int, n_vars: int, cb: _Progress
) -> _Outcome:
    """The model's solution that is ``roster`` (its cells, posts, tests and teams fixed, the
    rest derived by CP-SAT), within ``time_limit`` seconds of the call; no solution when the
    roster breaks a hard rule or the time runs out (then :attr:`_Outcome.out_of_time`)."""
    deadline = time.perf_counter() + time_limit
    decided = _decision_values(built, roster)
    out = _Outcome(cp_model.UNKNOWN)
    if decided is None:
        return out
    fixed = built.model.clone()
    fixed.clear_hints()
    pv = fixed.proto.variables
    for i, value in decided.items():
        d = pv[i].domain
        d.clear()
        d.extend([value, value])
    # (CP-SAT's fix_variables_to_their_hinted_value instead of the domains: 10.4 s to the
    # solution on Curtois & Qu 24 against 4.8 s for this copy plus 1.2 s.)
    out = _single(
        fixed,
        max(0.1, deadline - time.perf_counter()),
        workers,
        n_vars,
        _Progress(0, False, None),
        first_only=True,
        portfolio="default",
    )
    if out.solution is None:
        return _Outcome(cp_model.UNKNOWN, out_of_time=out.code == cp_model.UNKNOWN)
    out.code = cp_model.FEASIBLE
    out.bound = -math.inf
    cb.publish(out.objective, None, out.solution)
    return out


def _decision_values(built: BuiltModel, roster: Roster) -> dict[int, int] | None:
    """Every decision variable's value in ``roster`` (None if the roster puts someone in a
    cell the model has no variable for)."""
    v = built.vars
    h = built.ctx.problem.horizon
    values = {x.index: 0 for x in v.x.values()}
    values.update({y.index: 0 for y in v.y.values()})
    values.update({t.index: 0 for t in v.t.values()})
    values.update({r.index: 0 for r in v.r.values()})
    for duty in roster.remote_duties:
        rv = v.r.get((duty.staff, duty.post, h.day(duty.date), duty.shift))
        if rv is None:
            return None
        values[rv.index] = 1
    for a in roster.assignments:
        key = (a.staff, h.day(a.date), a.shift)
        x = v.x.get(key)
        if x is None:
            return None
        values[x.index] = 1
        y = v.y.get((a.staff, a.post, key[1], a.shift)) if a.post is not None else None
        if y is not None:
            values[y.index] = 1
    for r in roster.tests:
        t = v.t.get((r.staff, h.day(r.date)))
        if t is None:
            return None
        values[t.index] = 1
    for (s, k), z in v.z.items():
        if s in roster.teams:
            values[z.index] = int(roster.teams[s] == k)
    return values


def _objective_value(model: cp_model.CpModel, solution: Sequence[int]) -> float:
    """The value of ``model``'s objective in ``solution``, as CP-SAT reports it."""
    obj = model.proto.objective
    total = 0
    for ref, coeff in zip(obj.vars, obj.coeffs, strict=True):
        total += coeff * (solution[ref] if ref >= 0 else 1 - solution[-ref - 1])
    return (total + obj.offset) * (obj.scaling_factor or 1.0)


def domain_bound(model: cp_model.CpModel) -> float:
    """The lower bound of ``model``'s objective that its variables' domains give."""
    obj = model.proto.objective
    pv = model.proto.variables
    total = 0
    for ref, coeff in zip(obj.vars, obj.coeffs, strict=True):
        dom = pv[ref if ref >= 0 else -ref - 1].domain
        lo, hi = dom[0], dom[len(dom) - 1]
        if ref < 0:  # the negation of a Boolean
            lo, hi = 1 - hi, 1 - lo
        total += coeff * (lo if coeff > 0 else hi)
    return (total + obj.offset) * (obj.scaling_factor or 1.0)


def _hint_all(model: cp_model.CpModel, solution: list[int]) -> None:
    """Replace the model's hint by a complete one: ``solution``."""
    model.clear_hints()
    model.proto.solution_hint.vars.extend(range(len(solution)))
    model.proto.solution_hint.values.extend(solution)


def _apply_hint(built: BuiltModel, problem: Problem, hint: Roster) -> None:
    """Hint the cells the roster gives: its on-site cells, posts, tests and teams."""
    v, model = built.vars, built.model
    h = problem.horizon
    hinted: set[int] = set()

    def put(var: Any, value: int) -> None:
        if var is not None and var.index not in hinted:
            hinted.add(var.index)
            model.add_hint(var, value)

    for a in hint.assignments:
        if not h.contains(a.date):
            continue
        d = h.day(a.date)
        put(v.x.get((a.staff, d, a.shift)), 1)
        if a.post is not None:
            put(v.y.get((a.staff, a.post, d, a.shift)), 1)
    for duty in hint.remote_duties:
        if h.contains(duty.date):
            put(v.r.get((duty.staff, duty.post, h.day(duty.date), duty.shift)), 1)
    for r in hint.tests:
        if h.contains(r.date):
            put(v.t.get((r.staff, h.day(r.date))), 1)
    for s, k in hint.teams.items():
        if (s, k) in v.z:
            for kk in range(problem.policy.teams.count):
                put(v.z.get((s, kk)), int(kk == k))
