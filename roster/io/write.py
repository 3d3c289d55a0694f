"""Writing a :class:`~roster.model.Problem` as a scenario folder HR can edit."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from enum import Enum
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from roster.io.paths import (
    ABSENCES_FILE,
    FIXED_FILE,
    POLICY_FILE,
    REQUESTS_FILE,
    SITE_FILE,
    STAFF_CSV,
    STAFF_XLSX,
)
from roster.io.tables import ABSENCE_COLUMNS, FIXED_COLUMNS, REQUEST_COLUMNS, STAFF_COLUMNS
from roster.model import (
    Problem,
)

# Writing
# ============================================================================================


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return _dump(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.time):
        return value.strftime("%H:%M") if not value.second else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _dump(model: BaseModel) -> dict:
    """Fields of a model, leaving out None and empty lists when those are the defaults."""
    out: dict[str, Any] = {}
    for name, f in type(model).model_fields.items():
        value = getattr(model, name)
        default = f.get_default(call_default_factory=True)
        if value is None and default is None:
            continue
        if value == [] and default == []:
            continue
        out[name] = _plain(value)
    return out


class _Dumper(yaml.SafeDumper):
    """Block style, but short lists of plain values on one line (``weekdays: [0, 1, 2]``)."""


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = all(isinstance(v, str | int | float | bool) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _represent_list)


def _yaml_text(data: Any, header: str) -> str:
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    return header + body


def _fraction_out(x: float | None) -> Any:
    """1/3 is written as the text "1/3" when it is exactly a simple fraction."""
    if x is None:
        return None
    fr = Fraction(x).limit_denominator(100)
    if fr.denominator > 1 and fr.numerator / fr.denominator == x:
        return f"{fr.numerator}/{fr.denominator}"
    return x


def _write_csv(path: Path, columns: list[str], rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(columns)
        w.writerows(rows)


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _opt(value: Any, fmt: Callable[[Any], str] = str) -> str:
    return "" if value is None else fmt(value)


def write_scenario(problem: Problem, folder: str | Path) -> Path:
    """Write ``problem`` as a scenario folder (site.yaml, policy.yaml, staff.csv, absences.csv,
    requests.csv, fixed.csv; the optional files are always written, possibly with only a
    header). Loading the folder gives back an equal problem (absences clipped to the horizon).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    h = problem.horizon
    horizon: dict[str, Any] = {"start": h.start.isoformat()}
    if h.days % 7 == 0:
        horizon["weeks"] = h.days // 7
    else:
        horizon["days"] = h.days
    site_doc: dict[str, Any] = {"site": _dump(problem.site), "horizon": horizon}
    if problem.objective_offset:
        site_doc["objective_offset"] = problem.objective_offset
    (folder / SITE_FILE).write_text(
        _yaml_text(
            site_doc, "# The site (units, shifts, skills, posts, opening) and the horizon.\n"
        ),
        encoding="utf-8",
    )
    policy = _dump(problem.policy)
    policy["cap"]["fraction"] = _fraction_out(problem.policy.cap.fraction)
    (folder / POLICY_FILE).write_text(
        _yaml_text(
            policy,
            "# HR's rules: cap, teams, tests, coverage, availability, fairness,"
            " requests, contracts.\n",
        ),
        encoding="utf-8",
    )
    if (folder / STAFF_XLSX).exists():
        (folder / STAFF_XLSX).unlink()
    _write_csv(
        folder / STAFF_CSV,
        STAFF_COLUMNS,
        [
            [
                s.id,
                s.name,
                s.unit,
                ";".join(s.skills),
                _opt(s.team, lambda t: str(t + 1)),
                _yes(s.counts_toward_cap),
                _yes(s.external),
                _yes(s.rotates),
                s.contract,
                _opt(s.last_test, dt.date.isoformat),
            ]
            for s in problem.staff
        ],
    )
    _write_csv(
        folder / ABSENCES_FILE,
        ABSENCE_COLUMNS,
        [
            [
                a.staff,
                a.start.isoformat(),
                a.end.isoformat(),
                ";".join(a.shifts),
                a.reason.value,
                a.note,
            ]
            for a in problem.absences
        ],
    )
    _write_csv(
        folder / REQUESTS_FILE,
        REQUEST_COLUMNS,
        [
            [r.staff, r.date.isoformat(), _opt(r.shift), _yes(r.on_site), str(r.weight)]
            for r in problem.requests
        ],
    )
    _write_csv(
        folder / FIXED_FILE,
        FIXED_COLUMNS,
        [
            [f.staff, f.date.isoformat(), f.shift, _yes(f.on_site), _opt(f.post)]
            for f in problem.fixed
        ],
    )
    return folder
