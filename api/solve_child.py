"""The child process of one solve: runs ``solve()`` and streams messages to the parent.

Messages (dicts, JSON-friendly) on the queue:

* ``{"type": "progress", "elapsed", "objective", "bound", "solutions"[, "roster"]}`` at each
  better roster the solver reports (``roster`` only if the solver's Progress carries one);
* ``{"type": "roster", "elapsed", "objective", "bound", "roster"}`` when a roster is in hand;
* ``{"type": "result", "result": SolveResult as JSON}`` at the end;
* ``{"type": "error", "message"}`` when the solve raised.

* ``{"type": "answer", "answer"}``: the answer of a repair solve (:func:`run_repair`).

The child dies with its parent: ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` on Linux, and a thread that
watches the parent's pid everywhere, so no solver is left running after a kill -9 of its worker.

Stopping a job terminates this process, so the parent keeps the last roster it received. The
real ``solver.solve()`` puts the roster in each progress report when asked
(``progress_rosters=True``), so a stop keeps the best roster found so far. A solve function
without that option (e.g. a test double) gets the time limit split in two chunks instead: a short
first solve whose roster is sent at once, then a solve of the remaining time hinted with it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib
import inspect
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from roster.model import Problem, Progress, SolveResult, Status


def load_solve(path: str) -> Callable[..., SolveResult]:
    """``'module:function'`` (or ``module.function``) to the function."""
    module, _, name = path.partition(":") if ":" in path else path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _best(a: SolveResult, b: SolveResult) -> SolveResult:
    """The better of two solves of the same problem (rosters first, then lower objective), with
    the tighter of their bounds."""
    bounds = [r.bound for r in (a, b) if r.bound is not None]
    bound = max(bounds) if bounds else None
    if b.roster is None or (
        a.roster is not None
        and a.objective is not None
        and b.objective is not None
        and a.objective < b.objective
    ):
        best = a
        if a.roster is not None and a.status != Status.optimal:
            best = a.model_copy(update={"status": Status.feasible})
    else:
        best = b
    update: dict[str, Any] = {"bound": bound}
    if best.objective is not None and bound is not None:
        update["gap"] = (best.objective - bound) / max(1, abs(best.objective))
    return best.model_copy(update=update)


def _report(problem: Problem, result: SolveResult) -> dict[str, Any] | None:
    """The referee's report of the result's roster, computed here to spare the server's CPU."""
    if result.roster is None:
        return None
    try:
        from roster.validation import check

        return check(problem, result.roster).model_dump(mode="json")
    except Exception:  # noqa: BLE001 - the parent runs the referee itself then
        return None


def _explained(
    problem: Problem, result: SolveResult, time_limit: float, lang: str = "en"
) -> SolveResult:
    """An infeasible result with the first lines of the explanation (why no roster exists, and
    what would fix it, in ``lang``) added to its messages, so the job says why."""
    if result.status != Status.infeasible:
        return result
    try:
        from solver.diagnose import explanation_lines

        lines = explanation_lines(problem, time_limit=min(10.0, max(2.0, time_limit)), lang=lang)
    except Exception:  # noqa: BLE001 - an explanation is a bonus; the answer stands without
        return result
    return result.model_copy(update={"messages": [*result.messages, *lines]})


def _send_result(
    out: Any, problem: Problem, result: SolveResult, time_limit: float, lang: str = "en"
) -> None:
    result = _explained(problem, result, time_limit, lang)
    out.put(
        {"type": "result", "result": result.model_dump_json(), "report": _report(problem, result)}
    )


def noop() -> None:
    """A child that does nothing: starting it warms the fork server up."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def die_with_parent() -> None:
    """Make this process end when the process that started it ends (kill -9 included).

    Spawned, that process is our parent. From a fork server, our parent is the fork server,
    which ends when the job runner ends (and the kernel then kills us: PR_SET_PDEATHSIG); the
    watcher also checks the runner itself."""
    import multiprocessing

    known = multiprocessing.parent_process()  # the process that asked for us
    runner = known.pid if known is not None and known.pid else None
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    parent = os.getppid()
    if parent == 1 or (runner is not None and not _alive(runner)):  # gone before prctl
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent or (runner is not None and not _alive(runner)):
                os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _lower_priority(nice: int) -> None:
    if nice and hasattr(os, "nice"):
        try:
            os.nice(nice)
        except OSError:
            pass


def run_repair(
    kind: str,
    problem_json: str,
    params: dict[str, Any],
    time_limit: float,
    workers: int,
    out: Any,
    nice: int = 0,
) -> None:
    """Entry point of a repair solve's child process: puts ``{"type": "answer"}`` or
    ``{"type": "error"}``."""
    die_with_parent()
    _lower_priority(nice)
    try:
        from api.repair_jobs import compute

        problem = Problem.model_validate_json(problem_json)
        answer = compute(kind, problem, params, time_limit, workers)
        out.put({"type": "answer", "answer": answer})
    except BaseException as exc:  # noqa: BLE001 - everything must reach the parent
        out.put({"type": "error", "message": f"{type(exc).__name__}: {str(exc)[:500]}"})


def run(
    problem_json: str,
    time_limit: float,
    workers: int,
    solve_path: str,
    first_fraction: float,
    out: Any,
    nice: int = 0,
    lang: str = "en",
) -> None:
    """Entry point of the child process (a ``multiprocessing`` target). ``nice`` lowers the
    solve's CPU priority so the API stays responsive while it solves; ``lang`` is the language
    of the explanation an infeasible result carries (the job's language)."""
    die_with_parent()
    t0 = time.monotonic()
    _lower_priority(nice)
    try:
        solve = load_solve(solve_path)
        problem = Problem.model_validate_json(problem_json)

        def on_progress(p: Progress) -> None:
            msg: dict[str, Any] = {
                "type": "progress",
                "elapsed": time.monotonic() - t0,
                "objective": p.objective,
                "bound": p.bound,
                "solutions": p.solutions,
            }
            roster = getattr(p, "roster", None)
            if roster is not None:
                msg["roster"] = roster.model_dump(mode="json")
            out.put(msg)

        if "progress_rosters" in inspect.signature(solve).parameters:
            # Progress reports carry the roster: one solve, and a stop keeps the best roster.
            res = solve(
                problem,
                time_limit=time_limit,
                workers=workers,
                on_progress=on_progress,
                progress_rosters=True,
            )
            _send_result(out, problem, res, time_limit, lang)
            return
        # A solve function without rosters in its progress reports: split the time limit.
        first = time_limit * first_fraction
        if first_fraction >= 1 or first < 0.5 or time_limit - first < 0.5:
            first = time_limit
        res = solve(problem, time_limit=first, workers=workers, on_progress=on_progress)
        remaining = time_limit - (time.monotonic() - t0)
        final = res.status in (Status.optimal, Status.infeasible, Status.invalid)
        if final or remaining < 0.3:
            _send_result(out, problem, res, time_limit, lang)
            return
        if res.roster is not None:
            out.put(
                {
                    "type": "roster",
                    "elapsed": time.monotonic() - t0,
                    "objective": res.objective,
                    "bound": res.bound,
                    "roster": res.roster.model_dump(mode="json"),
                }
            )
        res2 = solve(
            problem, time_limit=remaining, workers=workers, hint=res.roster, on_progress=on_progress
        )
        _send_result(out, problem, _best(res, res2), time_limit, lang)
    except BaseException as exc:  # noqa: BLE001 - everything must reach the parent
        out.put({"type": "error", "message": f"{type(exc).__name__}: {exc}"})
