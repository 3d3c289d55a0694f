"""The solves behind ``/repair/*`` as job bodies: explain, reroster, drill, substitutes.

The routes check the request and store a job (``kind`` + ``params``); a worker (or the
in-process runner) calls :func:`compute` in a solve child process, under the same limits as a
roster job. ``params`` is JSON: the roster (if any) and what the request asked.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import TypeAdapter

from roster.events import Event
from roster.model import Problem, Roster


def _roster(params: dict[str, Any]) -> Roster | None:
    data = params.get("roster")
    return Roster.model_validate(data) if data is not None else None


def explain(problem: Problem, params: dict[str, Any], limit: float, workers: int) -> dict:
    from roster.precheck import precheck
    from solver.diagnose import best_effort, find_conflict

    conflict = find_conflict(problem, time_limit=limit)
    exp = conflict.explain(problem, params.get("lang", "en"))
    out: dict[str, Any] = {
        "explanation": exp.model_dump(mode="json"),
        "text": exp.text(),
        "precheck": [f.model_dump(mode="json") for f in precheck(problem)],
    }
    if params.get("soft"):
        result, report = best_effort(problem, limit, workers, lang=params.get("lang", "en"))
        out["soft"] = (
            None
            if report is None
            else {
                "roster": result.roster.model_dump(mode="json") if result.roster else None,
                "objective": report.objective,
                "shortfalls": [v.model_dump(mode="json") for v in report.violations],
            }
        )
    return out


def reroster(problem: Problem, params: dict[str, Any], limit: float, workers: int) -> dict:
    from roster.validation import check
    from solver.reroster import reroster as do_reroster

    roster = _roster(params)
    assert roster is not None
    events = TypeAdapter(list[Event]).validate_python(params["events"])
    start = params.get("from")
    res = do_reroster(
        problem,
        roster,
        events,
        dt.date.fromisoformat(start) if start else None,
        time_limit=limit,
        workers=workers,
    )
    if params.get("lang") == "vi" and res.roster is not None and res.problem is not None:
        # the referee's report worded in the job's language (the same roster, same problem)
        res.report = check(res.problem, res.roster, "vi")
    return res.model_dump(mode="json", exclude={"problem"})


def drill(problem: Problem, params: dict[str, Any], limit: float, workers: int) -> dict:
    from solver.drill import drill as do_drill

    roster = _roster(params)
    teams = roster.teams if roster is not None else None
    return do_drill(problem, teams, time_limit=limit, workers=workers).model_dump(mode="json")


def substitutes(problem: Problem, params: dict[str, Any], limit: float, workers: int) -> dict:
    from solver.substitutes import substitutes as do_substitutes

    roster = _roster(params)
    assert roster is not None
    return do_substitutes(
        problem,
        roster,
        params["staff"],
        dt.date.fromisoformat(params["date"]),
        params["shift"],
        top=int(params.get("top", 5)),
        lang=params.get("lang", "en"),
    ).model_dump(mode="json")


COMPUTE = {"explain": explain, "reroster": reroster, "drill": drill, "substitutes": substitutes}


def compute(
    kind: str, problem: Problem, params: dict[str, Any], time_limit: float, workers: int
) -> dict[str, Any]:
    """The answer of repair job ``kind``."""
    return COMPUTE[kind](problem, params, time_limit, workers)
