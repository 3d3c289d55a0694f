"""The roster exchange format (``roster.json``) and its JSON Schema.

A ``roster.json`` file carries one roster with everything needed to read it later without the
solver: a short summary of the problem it answers, the roster itself, what the solve said about it
and what the referee found. ``roster solve`` writes it; ``roster check`` reads it back (a bare
:class:`~roster.model.Roster` object is accepted too). The format is documented in
``docs/roster-json.md``; ``roster schema`` prints the JSON Schema made here from the pydantic
models, and ``docs/roster.schema.json`` is that output, committed.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Final, Literal

from pydantic import Field

from roster.model import (
    Absence,
    Model,
    Problem,
    Report,
    Roster,
    SlotDemand,
    SolveResult,
    SolveSummary,
)

FORMAT: Final = "office-roster/roster"
VERSION: Final = 1


class ProblemSummary(Model):
    """Which problem the roster answers: enough to find and reload it (scenario, horizon), and a
    few counts to recognise it."""

    scenario: str | None = Field(None, description="Scenario name or folder the problem came from.")
    site: str = Field(description="Site id.")
    site_name: str | None = None
    start: dt.date = Field(description="First day of the horizon.")
    days: int = Field(ge=1, description="Number of days in the horizon.")
    staff: int = Field(ge=0, description="Number of people on the staff list.")
    units: int = Field(ge=0)
    posts: int = Field(ge=0)
    policy: str = Field(description="Policy name.")
    absences: list[Absence] | None = Field(
        None,
        description="The absences the roster was made under (the scenario's, plus a "
        "re-roster's isolations and sick leave), so that `roster export` shows them.",
    )
    slot_demands: dict[str, list[SlotDemand]] | None = Field(
        None,
        description="Each post's one-off demands the roster was made under (site.yaml's, plus "
        "a re-roster's closed counters), so that `roster export` judges the roster by them.",
    )

    @classmethod
    def of(cls, problem: Problem, scenario: str | None = None) -> ProblemSummary:
        """The summary of a problem."""
        site = problem.site
        return cls(
            scenario=scenario,
            site=site.id,
            site_name=site.name,
            start=problem.horizon.start,
            days=problem.horizon.days,
            staff=len(problem.staff),
            units=len(site.units),
            posts=len(site.posts),
            policy=problem.policy.name,
            absences=list(problem.absences),
            slot_demands={p.id: list(p.slot_demands) for p in site.posts if p.slot_demands},
        )


class RosterFile(Model):
    """The content of a ``roster.json`` file."""

    format: Literal["office-roster/roster"] = FORMAT
    version: Literal[1] = VERSION
    problem: ProblemSummary | None = Field(
        None, description="The problem this roster answers (optional)."
    )
    roster: Roster
    result: SolveSummary | None = Field(
        None, description="What the solver said (optional: absent for a hand-made roster)."
    )
    report: Report | None = Field(
        None, description="What the referee found when the file was written (optional)."
    )


def roster_file(
    problem: Problem,
    roster: Roster,
    result: SolveSummary | None = None,
    report: Report | None = None,
    scenario: str | None = None,
) -> RosterFile:
    """Build the exchange document of a roster (``result`` with or without its roster)."""
    if isinstance(result, SolveResult):
        result = result.summary()
    return RosterFile(
        problem=ProblemSummary.of(problem, scenario),
        roster=roster,
        result=result,
        report=report,
    )


def dumps(doc: RosterFile) -> str:
    """The JSON text of an exchange document (UTF-8 friendly: Vietnamese stays readable)."""
    return json.dumps(doc.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def parse(data: Any) -> RosterFile:
    """Read a parsed JSON value as an exchange document. A bare ``Roster`` object (with
    ``assignments``/``tests``/``teams`` at the top level) is accepted and wrapped.

    Raises ``pydantic.ValidationError`` when the content does not fit."""
    if isinstance(data, dict) and "roster" not in data and "format" not in data:
        return RosterFile(roster=Roster.model_validate(data))
    return RosterFile.model_validate(data)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of ``roster.json`` (draft 2020-12), from the pydantic models."""
    schema = RosterFile.model_json_schema()
    out: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    out.update(schema)
    out["title"] = "Office roster exchange file (roster.json)"
    return out


def schema_text() -> str:
    """The JSON Schema as the text committed in ``docs/roster.schema.json``."""
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
