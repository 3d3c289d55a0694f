"""The benchmark runner: suites, tables, and one tiny real run per suite (a few seconds each)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from benchmarks import runner
from benchmarks.suites import SUITES, Case, cases, load


def test_curtois_cases_carry_best_known_and_plain_cpsat() -> None:
    all_cases = cases("curtois-qu")
    assert [c.name for c in all_cases] == [str(i) for i in range(1, 25)]
    one = cases("curtois-qu", ["1", "14"])
    assert [c.name for c in one] == ["1", "14"]
    assert one[0].best_known == 607 and one[0].reference["plain_cpsat_objective"] == 607
    assert one[1].best_known == 1278


def test_selection_by_number_or_name() -> None:
    assert [c.name for c in cases("timefold", ["2"])] == ["LARGE"]
    assert [c.name for c in cases("timefold", ["SMALL"])] == ["SMALL"]
    assert [c.name for c in cases("scale", ["1000x4"])] == ["1000x4"]
    with pytest.raises(ValueError, match="no instance"):
        cases("curtois-qu", ["25"])
    with pytest.raises(ValueError, match="unknown suite"):
        cases("nope")


def test_generated_sites_by_size_and_seed() -> None:
    offices = cases("offices")
    assert len(offices) == 30 and offices[0].name == "100x1-1"
    assert {c.reference["seed"] for c in offices} == {1, 2, 3, 4, 5}
    picked = cases("scale", ["1000x4-2", "100x1"])
    assert [c.reference for c in picked] == [
        {"staff": 1000, "weeks": 4, "seed": 2},
        {"staff": 100, "weeks": 1, "seed": 0},
    ]
    one, _ = load("offices", "100x1-1")
    other, _ = load("offices", "100x1-2")
    assert len(one.staff) == len(other.staff) == 100 and one.site.id != other.site.id
    with pytest.raises(ValueError, match="no instance"):
        cases("offices", ["big"])


def test_load_gives_problem_and_independent_scorer() -> None:
    problem, score = load("curtois-qu", "1")
    assert len(problem.staff) == 8 and score is not None
    problem, score = load("ortools-example", "shift_scheduling_sat")
    assert problem.objective_offset == -4 and score is not None


def test_markdown_table_from_fake_runs() -> None:
    case = Case(
        "curtois-qu",
        "1",
        best_known=607,
        best_lower=607,
        reference={"plain_cpsat_objective": 607, "plain_cpsat_bound": 607, "optimal_known": "yes"},
    )
    runs = [
        {
            "status": "feasible",
            "objective": 610,
            "bound": 600,
            "wall_time": 60.0,
            "build_time": 0.01,
            "first_feasible_time": 0.1,
            "peak_rss_mb": 120.0,
            "referee_agrees": True,
            "benchmark_objective": 610,
            "benchmark_violations": 0,
        }
    ]
    row = runner.summarize(case, runs)
    assert row["gap_to_best_known"] == pytest.approx(3 / 607)
    assert row["gap_own"] == pytest.approx(10 / 610)
    assert row["benchmark_agrees"] is True
    doc = {
        "suite": "curtois-qu",
        "date": "2024-01-01T00:00:00",
        "command": "x",
        "commit": "c",
        "machine": {"cpu_count": 2, "platform": "p", "python": "3"},
        "ortools": "9",
        "time_limit": 60,
        "workers": 2,
        "repeat": 1,
        "summary": [row],
    }
    md = runner.markdown(doc)
    assert "| 1 | feasible | 610 | 600 | 607 (opt) | 0.49% | 1.64% | 607 / 607 |" in md
    runs[0]["referee_agrees"] = False
    assert "DISAGREES" in runner.markdown({**doc, "summary": [runner.summarize(case, runs)]})


def _run(tmp_path: Path, suite: str, instance: str, time_limit: float) -> dict:
    doc = runner.run_suite(
        suite, time_limit=time_limit, workers=2, instances=[instance], out_dir=tmp_path, echo=False
    )
    assert (tmp_path / f"{suite}.md").is_file()
    saved = json.loads((tmp_path / f"{suite}.json").read_text())
    assert saved["time_limit"] == time_limit and saved["workers"] == 2
    assert saved["machine"]["cpu_count"] and saved["ortools"]
    (run,) = doc["runs"]
    assert run.get("status") != "error", run.get("traceback") or run.get("error")
    return run


needs_solver = pytest.mark.skipif(
    importlib.util.find_spec("solver.search") is None, reason="solver not available yet"
)


@needs_solver
def test_run_curtois_instance1(tmp_path: Path) -> None:
    run = _run(tmp_path, "curtois-qu", "1", 5.0)
    assert run["status"] in ("optimal", "feasible")
    assert run["referee_agrees"] is True
    assert run["benchmark_objective"] == run["objective"] == run["referee_objective"]
    assert run["peak_rss_mb"] > 0 and run["first_feasible_time"] is not None
    assert (tmp_path / "solutions" / "curtois-qu" / "1.txt").read_text().count("\n") == 8


@needs_solver
def test_run_ortools_example(tmp_path: Path) -> None:
    run = _run(tmp_path, "ortools-example", "shift_scheduling_sat", 5.0)
    assert run["status"] in ("optimal", "feasible")
    assert run["referee_agrees"] is True
    assert run["benchmark_objective"] == run["objective"]


@needs_solver
def test_run_timefold_small(tmp_path: Path) -> None:
    run = _run(tmp_path, "timefold", "SMALL", 5.0)
    assert run["status"] in ("optimal", "feasible")  # SMALL is solved in well under 1 s
    assert run["referee_agrees"] is True
    assert run["timefold_hard"] == 0


@needs_solver
def test_run_scenarios(tmp_path: Path) -> None:
    names = [c.name for c in cases("scenarios")]
    if not names:
        pytest.skip("no built-in scenario yet")
    run = _run(tmp_path, "scenarios", names[0], 5.0)
    assert run["status"] in ("optimal", "feasible")
    assert run["referee_agrees"] is True


@needs_solver
def test_run_scale_smallest(tmp_path: Path) -> None:
    if importlib.util.find_spec("scenarios.generator") is None:
        pytest.skip("scenario generator not available yet")
    run = _run(tmp_path, "scale", "100x1", 5.0)
    assert run["status"] in ("optimal", "feasible")
    assert run["referee_agrees"] is True


@needs_solver
def test_plain_baseline_measured_in_the_same_run(tmp_path: Path) -> None:
    doc = runner.run_suite(
        "curtois-qu",
        time_limit=3.0,
        workers=2,
        instances=["1"],
        out_dir=tmp_path,
        echo=False,
        plain=True,
    )
    (plain,) = doc["plain_runs"]
    # Instance1 is solved to its known optimum by both models within a second.
    assert plain["status"] == "optimal" and plain["objective"] == 607
    assert plain["benchmark_objective"] == 607 and plain["benchmark_violations"] == 0
    (row,) = doc["summary"]
    assert row["plain_checked"] is True and row["vs_plain"] == 0
    md = (tmp_path / "curtois-qu.md").read_text()
    assert "plain CP-SAT, this run" in md and "| 607 / 607 | 0.00% |" in md


def test_every_suite_has_a_default_time_limit() -> None:
    assert set(SUITES) == set(runner.DEFAULT_TIME_LIMIT)


def test_lns_subsolves_prices_each_variant_on_the_same_sub_models() -> None:
    """The sub-solve benchmark solves each sub-model under every variant: gains are never
    negative (a sub-model's objective is capped at its value where it was cut), and a poor
    first solution of instance 2 leaves something to gain."""
    import numpy as np
    from ortools.sat.python import cp_model

    from benchmarks import lns_subsolves
    from benchmarks.suites import load
    from solver import lns
    from solver.build import build_model

    problem, _ = load("curtois-qu", "2")
    built = build_model(problem)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.stop_after_first_solution = True
    assert solver.solve(built.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    sol = np.asarray(solver.response_proto.solution, dtype=np.int64)
    index = lns.ProtoIndex.of(built.model)
    cells = lns.Cells.of(built, index)
    protos = [
        lns.extract(
            index, lns.close(index, cells.seed(people, 0, 13), cells.decision, cells.anchor), sol
        ).model.proto
        for people in ([0, 1], [2, 3, 4])
    ]
    rows = lns_subsolves.measure(protos, 2.0)
    assert set(rows) == set(lns_subsolves.variants())
    for row in rows.values():
        assert row["gain"] >= 0 and 0 <= row["improved"] <= 2 and 0 <= row["proven"] <= 2
        assert row["median_seconds"] >= 0
    assert max(row["gain"] for row in rows.values()) > 0
