"""The bulk build of large models (solver.protowrite, ``Vars.bulk``) and the exact linear cover
terms: the same model meaning as the one-constraint-at-a-time build."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

import solver.variables as variables
from roster.formats import curtois
from roster.index import ProblemIndex
from roster.model import Demand, Post, RuleSwitch, SlotDemand
from roster.validation import check
from solver.build import build_model
from solver.construct import person_problem
from tests.helpers import quiet_policy, solve_checked, tiny_problem

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "curtois-qu"


def _shape(problem) -> tuple[int, Counter, Counter]:
    """Variables, constraints per kind and literals per kind: what the two builds share."""
    built = build_model(problem)
    kinds: Counter = Counter()
    sizes: Counter = Counter()
    for ct in built.model.proto.constraints:
        for kind in ("at_most_one", "bool_or", "bool_and", "exactly_one", "linear"):
            if getattr(ct, f"has_{kind}")():
                kinds[kind] += 1
                part = getattr(ct, kind)
                sizes[kind] += len(part.vars) if kind == "linear" else len(part.literals)
        sizes["enforcement"] += len(ct.enforcement_literal)
    return len(built.model.proto.variables), kinds, sizes


@pytest.mark.parametrize("instance", ["Instance1.txt", "Instance2.txt"])
def test_bulk_build_has_the_same_constraints(monkeypatch, instance):
    problem = curtois.read_instance(DATA / instance)
    one_by_one = _shape(problem)
    monkeypatch.setattr(variables, "NAMED_CELLS_MAX", 0)  # every model is "large"
    assert build_model(problem).vars.bulk
    assert _shape(problem) == one_by_one


def test_bulk_build_keeps_the_optimum(monkeypatch):
    monkeypatch.setattr(variables, "NAMED_CELLS_MAX", 0)
    problem = curtois.read_instance(DATA / "Instance1.txt")
    r = solve_checked(problem, time_limit=20)
    assert r.objective == 607  # the proven optimum of Instance1
    assert r.roster is not None and check(problem, r.roster).objective == 607


def test_exact_cover_terms_price_shortfall_and_excess():
    # Two people, general duty off: a need of 2 on Monday AM (nobody can exceed it: the
    # shortfall is 2 - n) and a need of 0 on Monday PM (every person there is an excess).
    post = Post(
        id="c1",
        demands=[Demand(min=1, max=1)],
        slot_demands=[
            SlotDemand(date=tiny_problem().horizon.start, shift="AM", min=2, max=2),
            SlotDemand(date=tiny_problem().horizon.start, shift="PM", min=0, max=0),
        ],
        under_weight=100,
        over_weight=7,
    )
    p = tiny_problem(
        days=1,
        n_staff=2,
        posts=[post],
        general_duty_allowed=False,
        policy=quiet_policy(coverage=RuleSwitch()),
    )
    built = build_model(p)
    rules = sorted(t.rule for t in built.penalty_terms)
    assert rules == ["coverage.over", "coverage.under"]
    # No penalty variable for those two slots: the terms are the load itself.
    assert len(built.model.proto.variables) == len(built.vars.x) == 4
    r = solve_checked(p, time_limit=5)
    assert r.objective == 0  # both on AM, nobody on PM
    assert r.roster is not None and check(p, r.roster).objective == 0


def test_person_problem_leaves_out_shifts_the_person_may_not_work():
    problem = curtois.read_instance(DATA / "Instance2.txt")
    idx = ProblemIndex(problem)
    banned = variables.zero_count_shifts(problem)
    who = next(s for s, b in banned.items() if b)
    sub = person_problem(problem, who, Counter(), idx, banned)
    shifts = {sd.shift for post in sub.site.posts for sd in post.slot_demands}
    assert shifts and not shifts & banned[who]


@pytest.mark.parametrize("instance", ["Instance1.txt", "Instance3.txt"])
def test_bulk_cell_maps_read_the_same_variables(monkeypatch, instance):
    # The bulk build keeps no Python variable per cell: x, x_by_staff, x_by_slot, the pools and
    # the per-day / per-shift maps are read from index arrays. They name the same proto
    # variables as the one-by-one build's dictionaries.
    problem = curtois.read_instance(DATA / instance)
    small = build_model(problem).vars
    monkeypatch.setattr(variables, "NAMED_CELLS_MAX", 0)
    big = build_model(problem).vars
    assert big.bulk and not small.bulk

    def refs(pairs):
        return [(k, x.index) for k, x in pairs]

    assert refs(big.x.items()) == refs(small.x.items())
    assert len(big.x) == len(small.x)
    some = list(small.x)[::97]
    assert [big.x[c].index for c in some] == [small.x[c].index for c in some]
    assert big.x.get(("nobody", 0, "E")) is None
    for s in small.x_by_staff:
        assert [x.index for x in big.x_by_staff[s]] == [x.index for x in small.x_by_staff[s]]
    assert sorted(big.x_by_slot) == sorted(small.x_by_slot)
    for slot, cells in small.x_by_slot.items():
        assert refs(big.x_by_slot[slot]) == refs(cells)
    assert big.pool_size == {slot: len(m) for slot, m in small.pool.items()}
    for slot, members in small.pool.items():
        assert [x.index for x, _ in big.pool[slot]] == [x.index for x, _ in members]
    for key, cells in small.x_by_staff_day.items():
        assert refs(big.x_by_staff_day[key]) == refs(cells)
    for s in small.x_by_staff:
        assert big.shift_refs(s) == {
            sh: [x.index for _, x in cells]
            for (s_, sh), cells in small.x_by_staff_shift.items()
            if s_ == s
        }


@pytest.mark.parametrize("seed", range(6))
def test_hard_runs_from_arrays_write_the_row_by_row_clauses(seed):
    # The array version writes the clauses of the row-by-row code, in the order bulk Rows keep,
    # also around constants (True: the clause is met; False: the literal is dropped).
    import random

    from ortools.sat.python import cp_model

    from solver.sequences import _add_hard_runs_arrays, _add_hard_runs_rows

    rng = random.Random(seed)
    n = rng.randint(8, 40)
    written = 0
    refs = [rng.choice([True, False]) if rng.random() < 0.15 else i for i in range(n)]
    for hard_min, hard_max in [(rng.randint(2, 5), None), (None, rng.randint(1, 6)), (3, 4)]:
        for exempt in (False, True):
            enforce = [n] if seed % 2 else []
            a, b = cp_model.CpModel(), cp_model.CpModel()
            _add_hard_runs_rows(a, refs, hard_min, hard_max, exempt, enforce, True)
            _add_hard_runs_arrays(b, refs, hard_min, hard_max, exempt, enforce)
            assert str(a.proto) == str(b.proto)
            written += len(b.proto.constraints)
    assert written > 0


def test_bool_blocks_add_the_asked_number_of_boolean_variables():
    from ortools.sat.python import cp_model

    blocks = variables.BoolBlocks()
    model = cp_model.CpModel()
    total = 0
    for n in [0, 1, 2, 3, 7, 8, 100, 1025]:
        blocks.add(model.proto, n)
        total += n
        assert len(model.proto.variables) == total
    assert all(list(v.domain) == [0, 1] for v in model.proto.variables)


@pytest.mark.parametrize("instance", ["Instance2.txt", "Instance5.txt"])
def test_bulk_run_windows_are_the_one_by_one_linears(monkeypatch, instance):
    # The redundant run windows (linears with no lower bound) of the bulk build, written as
    # text, are the one-by-one build's, in the same order.
    from solver.rules.contracts import INT_MIN

    problem = curtois.read_instance(DATA / instance)

    def windows() -> list[tuple]:
        out = []
        for ct in build_model(problem).model.proto.constraints:
            if ct.has_linear() and ct.linear.domain[0] == INT_MIN:
                lin = ct.linear
                out.append((tuple(lin.vars), tuple(lin.coeffs), tuple(lin.domain)))
        return out

    one_by_one = windows()
    monkeypatch.setattr(variables, "NAMED_CELLS_MAX", 0)
    assert one_by_one
    assert windows() == one_by_one


def test_objective_from_indexes_is_the_proto_minimize_writes():
    # Variables, negated Booleans, expressions, constants, a variable twice and a coefficient
    # that sums to zero: the same objective as cp_model's minimize of the weighted sum.
    from ortools.sat.python import cp_model

    from solver.build import _objective_from_indexes
    from solver.context import Term

    def terms(model):
        a, b, c = (model.new_bool_var(n) for n in "abc")
        n = model.new_int_var(0, 5, "n")
        return [
            Term("r", 3, c),
            Term("r", 5, ~b),
            Term("r", 2, a),
            Term("r", -2, a),
            Term("r", 4, 3 - c - b + 2 * n),
            Term("r", 7, 1),
            Term("r", 1, b),
            Term("r", 6, n),
        ]

    direct, reference = cp_model.CpModel(), cp_model.CpModel()
    assert _objective_from_indexes(direct, terms(direct))
    ts = terms(reference)
    reference.minimize(
        cp_model.LinearExpr.weighted_sum(
            [t.var for t in ts if not isinstance(t.var, int)],
            [t.weight for t in ts if not isinstance(t.var, int)],
        )
        + sum(t.weight * t.var for t in ts if isinstance(t.var, int))
    )
    assert str(direct.proto) == str(reference.proto)
    assert list(direct.proto.objective.vars) == [1, 2, 3]  # a's coefficients cancel


@pytest.mark.parametrize("seed", range(4))
def test_ragged_rows_are_the_row_by_row_rows(seed):
    # Rows.add_ragged writes what adding each row without its -1 entries writes, group order
    # included (an empty row too).
    import numpy as np
    from ortools.sat.python import cp_model

    from solver.protowrite import Rows

    rng = np.random.default_rng(seed)
    m = rng.integers(0, 50, size=(30, 5))
    m[rng.random(m.shape) < 0.4] = -1
    m[7] = -1
    a, b = cp_model.CpModel(), cp_model.CpModel()
    by_row, ragged = Rows(a, "at_most_one"), Rows(b, "at_most_one")
    by_row.add([1, 2, 3, 4, 5])
    ragged.add([1, 2, 3, 4, 5])
    for row in m.tolist():
        by_row.add([x for x in row if x >= 0])
    ragged.add_ragged(m)
    by_row.flush()
    ragged.flush()
    assert len(b.proto.constraints) == 31
    assert str(a.proto) == str(b.proto)


def test_bulk_readback_by_index_reads_the_cells_of_the_solution(monkeypatch):
    # A bulk model's roster is read from the solution by proto index (no Python variable per
    # cell): the same assignments as reading each cell's variable.
    from ortools.sat.python import cp_model

    from solver.readback import roster_from_values, values

    monkeypatch.setattr(variables, "NAMED_CELLS_MAX", 0)
    problem = curtois.read_instance(DATA / "Instance2.txt")
    built = build_model(problem)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 5
    solver.parameters.num_workers = 2
    assert solver.solve(built.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    solution = list(solver.response_proto.solution)
    by_index = roster_from_values(built, problem, values(solution))

    def cell_by_cell(e):  # the lookup without ``solution``: each variable read on its own
        return values(solution)(e)

    by_cell = roster_from_values(built, problem, cell_by_cell)
    on = sum(solution[x.index] for x in built.vars.x.values())
    assert on > 0 and len(by_index.assignments) == on
    assert by_index.assignments == by_cell.assignments
