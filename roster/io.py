"""Reading and writing scenarios: a folder HR can edit by hand.

A scenario folder holds

* ``site.yaml``: ``site:`` (units, shifts, skills, posts, opening hours, closed dates) and
  ``horizon:`` (``start``: a date, ``weeks``: a number, or ``days``);
* ``policy.yaml``: HR's rules, the fields of :class:`roster.model.Policy` at the top level;
* ``staff.csv`` or ``staff.xlsx``: one person a row;
* optional ``absences.csv``, ``requests.csv`` and ``fixed.csv``.

The formats, with an example of each file, are described in ``scenarios/README.md``. Decisions a
user should know about:

* **Teams** are numbered from 1 in ``staff.csv`` (``1``, ``2``; the letters ``A``, ``B`` are also
  accepted) and from 0 in the model (``Staff.team``). Blank: the solver picks.
* **Yes/no cells** accept ``yes/no``, ``true/false``, ``1/0``, ``y/n`` and ``có/không``; blank
  keeps the default.
* **Dates** are ``YYYY-MM-DD`` (``DD/MM/YYYY`` is accepted too).
* **Absences** may reach outside the horizon: they are clipped to it, and an absence entirely
  outside it is dropped. **Requests and fixed cells** must lie inside the horizon (an error
  otherwise), unless the caller moved the horizon with ``start``/``weeks``: then the rows
  outside the new horizon are dropped (they were written for another week), and a
  ``last_test`` on or after the new start is ignored.
* CSV files are read as UTF-8 with or without a byte-order mark (Excel's "CSV UTF-8"); a file
  whose header has ``;`` and no ``,`` is read with ``;`` as the separator. Files are written as
  UTF-8 with a byte-order mark so Excel shows Vietnamese names correctly.

Every mistake in the input raises :class:`roster.errors.InputError` listing all the mistakes
found (file, row, field, what is wrong, what is allowed); never a traceback.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import re
import types
import typing
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from pydantic import BaseModel, ValidationError

from roster.errors import InputError, Issue, IssueCollector
from roster.model import (
    Absence,
    AbsenceReason,
    FixedCell,
    Horizon,
    Policy,
    Problem,
    Request,
    Site,
    Staff,
)

SITE_FILE = "site.yaml"
POLICY_FILE = "policy.yaml"
STAFF_CSV = "staff.csv"
STAFF_XLSX = "staff.xlsx"
ABSENCES_FILE = "absences.csv"
REQUESTS_FILE = "requests.csv"
FIXED_FILE = "fixed.csv"

STAFF_COLUMNS = [
    "id",
    "name",
    "unit",
    "skills",
    "team",
    "counts_toward_cap",
    "external",
    "rotates",
    "contract",
    "last_test",
]
STAFF_REQUIRED = ["id", "name", "unit"]
ABSENCE_COLUMNS = ["staff", "start", "end", "shifts", "reason", "note"]
ABSENCE_REQUIRED = ["staff", "start", "end"]
REQUEST_COLUMNS = ["staff", "date", "shift", "on_site", "weight"]
REQUEST_REQUIRED = ["staff", "date"]
FIXED_COLUMNS = ["staff", "date", "shift", "on_site", "post"]
FIXED_REQUIRED = ["staff", "date", "shift"]

DEFAULT_SCENARIO = "service-centre"
MAX_WEEKS = 520  # the model allows horizons of up to 3660 days

TRUE_WORDS = {"yes", "y", "true", "t", "1", "có", "co", "x"}
FALSE_WORDS = {"no", "n", "false", "f", "0", "không", "khong"}
BOOL_ALLOWED = "yes, no, true, false, 1, 0 (blank: default)"
DATE_ALLOWED = "a date as YYYY-MM-DD (or DD/MM/YYYY)"
STAFF_ALLOWED = "an id from the id column of staff.csv"
LIST_SEPARATORS = re.compile(r"[;,]")

_BAD = object()  # a cell that could not be parsed (its issue is already recorded)


# ============================================================================================
# Finding scenarios
# ============================================================================================


def scenarios_dir() -> Path:
    """The folder of the built-in scenarios (the ``scenarios`` package)."""
    spec = importlib.util.find_spec("scenarios")
    if spec is not None and spec.origin:
        return Path(spec.origin).resolve().parent
    return Path(__file__).resolve().parent.parent / "scenarios"


def list_scenarios() -> list[str]:
    """Names of the built-in scenarios (folders under ``scenarios/`` holding a site.yaml)."""
    root = scenarios_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / SITE_FILE).is_file())


def resolve_scenario(name_or_path: str | Path) -> Path:
    """The folder of a scenario given by a built-in name (``service-centre``) or a path."""
    path = Path(name_or_path).expanduser()
    if path.is_dir():
        return path
    if isinstance(name_or_path, str) and name_or_path in list_scenarios():
        return scenarios_dir() / name_or_path
    if path.exists():
        raise InputError(
            Issue(
                str(name_or_path),
                None,
                None,
                "not a folder: a scenario is a folder holding site.yaml, policy.yaml and staff.csv",
            )
        )
    raise InputError(
        Issue(
            str(name_or_path),
            None,
            None,
            "no such scenario: neither a built-in name nor an existing folder",
            list_scenarios(),
        )
    )


# ============================================================================================
# Small parsers
# ============================================================================================


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def parse_date(text: Any) -> dt.date | None:
    """A date from ``YYYY-MM-DD`` (optionally followed by ``00:00:00``, as Excel dates read as
    text are) or ``DD/MM/YYYY``; None when the text is not a date."""
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    s = str(text).strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?", s)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    else:
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", s)
        if not m:
            return None
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


def parse_bool(text: str) -> bool | None:
    """True/False from a yes/no word; None when it is not one."""
    s = text.strip().lower()
    if s in TRUE_WORDS:
        return True
    if s in FALSE_WORDS:
        return False
    return None


def _split_list(text: str) -> list[str]:
    out: list[str] = []
    for part in LIST_SEPARATORS.split(text):
        part = _nfc(part)
        if part and part not in out:
            out.append(part)
    return out


def _fraction_text(value: Any) -> Any:
    """``"1/3"`` -> 1/3 and ``"50%"`` -> 0.5 in policy files; anything else unchanged."""
    if not isinstance(value, str):
        return value
    s = value.strip()
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)", s)
    if m and float(m[2]) != 0:
        return float(m[1]) / float(m[2])
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*%", s)
    if m:
        return float(m[1]) / 100
    return value


# ============================================================================================
# YAML
# ============================================================================================

_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"


class _Loader(yaml.SafeLoader):
    """A safe loader that reads ``13:30`` as text, not as the YAML 1.1 base-60 number 810."""


def _lenient_timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """A date such as 2021-02-30 stays text, so it is reported as 'not a date' on its field."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _lenient_timestamp)
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_INT_TAG, _FLOAT_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _INT_TAG,
    re.compile(r"^(?:[-+]?(?:0|[1-9][0-9_]*)|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_Loader.add_implicit_resolver(
    _FLOAT_TAG,
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*)?\.[0-9_]+(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


@dataclass
class _YamlDoc:
    """A parsed YAML file: its data and its node tree (for line numbers)."""

    file: str
    data: Any
    node: yaml.Node | None


def _read_yaml(path: Path, issues: IssueCollector) -> _YamlDoc | None:
    name = path.name
    if not path.is_file():
        issues.add(name, None, None, "file not found in the scenario folder")
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        issues.add(name, None, None, "not UTF-8 text; save the file as UTF-8")
        return None
    except OSError as e:
        issues.add(name, None, None, f"cannot read the file: {e.strerror or e}")
        return None
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        row = mark.line + 1 if mark is not None else None
        problem = getattr(e, "problem", None) or str(e)
        context = getattr(e, "context", None)
        msg = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
        if mark is not None:
            msg += f" at column {mark.column + 1}"
        issues.add(name, row, None, msg)
        return None
    return _YamlDoc(name, data, node)


def _yaml_line(node: yaml.Node | None, loc: Sequence[Any]) -> int | None:
    """The 1-based line of the node at ``loc`` (as far as it can be followed)."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for key in loc:
        nxt = None
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == str(key):
                    nxt = v
                    line = k.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            if 0 <= key < len(node.value):
                nxt = node.value[key]
                line = nxt.start_mark.line + 1
        if nxt is None:
            break
        node = nxt
    return line


def _loc_path(loc: Sequence[Any], data: Any) -> str:
    """A readable path for a pydantic ``loc``: ``posts[seal].demands[0].min``. List items that
    have an ``id`` are named by it."""
    out = ""
    cur = data
    for key in loc:
        if isinstance(key, int):
            label = str(key)
            item = cur[key] if isinstance(cur, list) and 0 <= key < len(cur) else None
            if isinstance(item, dict) and isinstance(item.get("id"), str | int):
                label = str(item["id"])
            out += f"[{label}]"
            cur = item
        else:
            out += ("." if out else "") + str(key)
            cur = cur.get(key) if isinstance(cur, dict) else None
    return out


def _unwrap_model(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model class inside an annotation such as ``list[Post] | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _unwrap_model(arg)
        if found is not None:
            return found
    if isinstance(annotation, types.UnionType):
        for arg in annotation.__args__:
            found = _unwrap_model(arg)
            if found is not None:
                return found
    return None


def _model_at(model: type[BaseModel], loc: Sequence[Any]) -> type[BaseModel] | None:
    """The model class that holds the last key of ``loc`` (to list its allowed fields)."""
    cur: type[BaseModel] | None = model
    for key in loc[:-1]:
        if cur is None:
            return None
        if isinstance(key, int):
            continue
        f = cur.model_fields.get(str(key))
        if f is None:
            # a dict key (e.g. a contract name): stay on the dict's value model
            continue
        cur = _unwrap_model(f.annotation)
    return cur


def _pydantic_issues(
    err: ValidationError,
    file: str,
    model: type[BaseModel],
    data: Any,
    prefix: Sequence[Any] = (),
    node: yaml.Node | None = None,
    row: int | None = None,
) -> list[Issue]:
    """Translate a pydantic error into issues on ``file``: the field is the dotted path of the
    error's ``loc`` (after ``prefix``), the row the spreadsheet row or the YAML line."""
    out: list[Issue] = []
    for e in err.errors():
        loc = tuple(e.get("loc", ()))
        full = tuple(prefix) + loc
        path = _loc_path(full, _wrap(prefix, data))
        msg = str(e.get("msg", "invalid value"))
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        allowed: Sequence[str] | str | None = None
        if e.get("type") == "extra_forbidden":
            holder = _model_at(model, loc)
            msg = f"unknown field {str(loc[-1])!r}" if loc else "unknown field"
            if holder is not None:
                allowed = list(holder.model_fields)
        elif e.get("type") == "missing":
            msg = "required field is missing"
        elif "input" in e and e.get("type") not in ("model_type", "dict_type", "list_type"):
            value = e["input"]
            if isinstance(value, str | int | float | bool) and not isinstance(value, bool):
                msg += f" (got {value!r})"
        line = row if row is not None else _yaml_line(node, full)
        out.append(Issue(file, line, path or None, msg, allowed))
    return out


def _wrap(prefix: Sequence[Any], data: Any) -> Any:
    """Rebuild the document around ``data`` so that ``_loc_path`` can follow ``prefix``."""
    for key in reversed(prefix):
        data = {key: data}
    return data


# ============================================================================================
# Tables (CSV / Excel)
# ============================================================================================


@dataclass
class _Table:
    """A spreadsheet read as text: rows keep their spreadsheet row number (header = row 1)."""

    file: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def _read_frame(path: Path, issues: IssueCollector) -> pd.DataFrame | None:
    name = path.name
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return pd.read_excel(path, header=None, dtype=str, keep_default_na=False, sheet_name=0)
        with open(path, encoding="utf-8-sig") as fh:
            first = fh.readline()
        sep = ";" if (";" in first and "," not in first) else ","
        return pd.read_csv(
            path,
            header=None,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            sep=sep,
            skip_blank_lines=False,
        )
    except UnicodeDecodeError:
        issues.add(name, None, None, "not UTF-8 text; in Excel use 'Save as: CSV UTF-8'")
    except pd.errors.EmptyDataError:
        issues.add(name, None, None, "the file is empty; it needs a header row")
    except pd.errors.ParserError as e:
        m = re.search(r"line (\d+)", str(e))
        detail = str(e).split(". ", 1)[-1].strip()
        issues.add(
            name,
            int(m[1]) if m else None,
            None,
            f"cannot read the table: {detail}; quote cells that contain the separator",
        )
    except OSError as e:
        issues.add(name, None, None, f"cannot read the file: {e.strerror or e}")
    except Exception as e:  # noqa: BLE001 - a broken spreadsheet can fail in many ways
        issues.add(name, None, None, f"cannot read the spreadsheet: {e}")
    return None


def _read_table(
    path: Path, columns: list[str], required: list[str], issues: IssueCollector
) -> _Table | None:
    """Read a CSV/Excel table as text with checked columns; None if it cannot be used."""
    name = path.name
    frame = _read_frame(path, issues)
    if frame is None:
        return None
    grid = [[_nfc(str(v)) for v in row] for row in frame.itertuples(index=False, name=None)]
    if not grid or not any(grid[0]):
        issues.add(name, 1, None, "the first row must be the header", columns)
        return None
    header = [h.lower() for h in grid[0]]
    ok = True
    keep: list[int] = []
    seen: dict[str, int] = {}
    for j, h in enumerate(header):
        if not h:
            if any(j < len(r) and r[j] for r in grid[1:]):
                issues.add(
                    name, 1, None, f"column {j + 1} has data but no name in the header", columns
                )
                ok = False
            continue
        if h not in columns:
            issues.add(name, 1, h, f"unknown column {h!r}", columns)
            ok = False
            continue
        if h in seen:
            issues.add(
                name, 1, h, f"column {h!r} appears twice (columns {seen[h] + 1} and {j + 1})"
            )
            ok = False
            continue
        seen[h] = j
        keep.append(j)
    for r in required:
        if r not in seen:
            issues.add(name, 1, r, f"missing required column {r!r}", columns)
            ok = False
    if not ok:
        return None
    table = _Table(name, [header[j] for j in keep])
    for i, raw in enumerate(grid[1:], start=2):
        if not any(raw):
            continue
        table.rows.append((i, {header[j]: (raw[j] if j < len(raw) else "") for j in keep}))
    return table


# ============================================================================================
# Loading
# ============================================================================================


@dataclass
class _Context:
    """What rows are checked against (None: unknown because that file had errors)."""

    horizon: Horizon | None
    strict_dates: bool
    units: list[str] | None = None
    skills: list[str] | None = None
    shifts: list[str] | None = None
    posts: dict[str, str | None] | None = None  # post id -> required skill
    contracts: list[str] | None = None
    team_count: int | None = None
    staff_ids: list[str] | None = None  # every id in the staff table, even on rows with errors
    staff_skills: dict[str, list[str]] = field(default_factory=dict)


class _Row:
    """Helpers to read the cells of one row and record issues against it."""

    def __init__(self, table: _Table, row: int, cells: dict[str, str], issues: IssueCollector):
        self.file = table.file
        self.row = row
        self.cells = cells
        self.issues = issues
        self.bad = False

    def error(
        self, col: str | None, message: str, allowed: Sequence[str] | str | None = None
    ) -> object:
        self.issues.add(self.file, self.row, col, message, allowed)
        self.bad = True
        return _BAD

    def text(self, col: str) -> str:
        return self.cells.get(col, "")

    def required(self, col: str) -> str | object:
        value = self.text(col)
        if not value:
            return self.error(col, f"{col} is empty")
        return value

    def ref(
        self,
        col: str,
        known: Sequence[str] | None,
        kind: str,
        optional: bool = False,
        allowed: str | None = None,
    ) -> str | None | object:
        value = self.text(col)
        if not value:
            return None if optional else self.error(col, f"{col} is empty", allowed or known)
        if known is not None and value not in known:
            return self.error(col, f"unknown {kind} {value!r}", allowed or known)
        return value

    def refs(self, col: str, known: Sequence[str] | None, kind: str) -> list[str] | object:
        values = _split_list(self.text(col))
        bad = [v for v in values if known is not None and v not in known]
        if bad:
            word = kind if len(bad) == 1 else f"{kind}s"
            return self.error(col, f"unknown {word} {', '.join(repr(b) for b in bad)}", known)
        return values

    def date(self, col: str, optional: bool = False) -> dt.date | None | object:
        value = self.text(col)
        if not value:
            return None if optional else self.error(col, f"{col} is empty", DATE_ALLOWED)
        d = parse_date(value)
        if d is None:
            return self.error(col, f"not a date: {value!r}", DATE_ALLOWED)
        return d

    def boolean(self, col: str) -> bool | None | object:
        value = self.text(col)
        if not value:
            return None
        b = parse_bool(value)
        if b is None:
            return self.error(col, f"not a yes/no value: {value!r}", BOOL_ALLOWED)
        return b

    def count(self, col: str) -> int | None | object:
        value = self.text(col)
        if not value:
            return None
        try:
            n = int(float(value)) if re.fullmatch(r"-?\d+(\.0+)?", value) else None
        except ValueError:
            n = None
        if n is None:
            return self.error(col, f"not a whole number: {value!r}", "a whole number >= 0")
        if n < 0:
            return self.error(col, f"negative number {n}", "a whole number >= 0")
        return n

    def in_horizon(self, col: str, d: Any, ctx: _Context) -> bool:
        """False when ``d`` is outside the horizon: an error with the file's own horizon, a
        silent drop when the caller moved the horizon."""
        if ctx.horizon is None or not isinstance(d, dt.date) or ctx.horizon.contains(d):
            return True
        if ctx.strict_dates:
            self.error(
                col,
                f"date {d} is outside the horizon {ctx.horizon.start} to {ctx.horizon.end}",
                f"{ctx.horizon.start} to {ctx.horizon.end}",
            )
        return False

    def validate(self, model: type[BaseModel], data: dict) -> BaseModel | None:
        try:
            return model.model_validate(data)
        except ValidationError as err:
            for e in err.errors():
                loc = e.get("loc", ())
                col = str(loc[0]) if loc else None
                msg = str(e.get("msg", "invalid value")).removeprefix("Value error, ")
                self.error(col, msg)
            return None


def _parse_team(r: _Row, ctx: _Context) -> int | None | object:
    value = r.text("team")
    if not value:
        return None
    count = ctx.team_count
    allowed = (
        f"1 to {count} or A to {chr(ord('A') + count - 1)}" if count else "a team number from 1"
    ) + " (blank: the solver picks)"
    if re.fullmatch(r"\d+", value):
        team = int(value) - 1
    elif re.fullmatch(r"[A-Za-z]", value):
        team = ord(value.upper()) - ord("A")
    else:
        return r.error("team", f"not a team: {value!r}", allowed)
    if team < 0 or (count is not None and team >= count):
        return r.error(
            "team", f"team {value!r} does not exist; the policy has {count} teams", allowed
        )
    return team


def _read_staff(folder: Path, ctx: _Context, issues: IssueCollector) -> list[Staff]:
    csv_path, xlsx_path = folder / STAFF_CSV, folder / STAFF_XLSX
    if csv_path.is_file() and xlsx_path.is_file():
        issues.add(STAFF_CSV, None, None, "both staff.csv and staff.xlsx exist; keep only one")
        return []
    path = xlsx_path if xlsx_path.is_file() else csv_path
    if not path.is_file():
        issues.add(
            STAFF_CSV, None, None, "file not found: a scenario needs staff.csv or staff.xlsx"
        )
        return []
    table = _read_table(path, STAFF_COLUMNS, STAFF_REQUIRED, issues)
    if table is None:
        return []
    return _staff_rows(table, ctx, issues)


def _staff_rows(table: _Table, ctx: _Context, issues: IssueCollector) -> list[Staff]:
    ctx.staff_ids = [cells.get("id", "") for _, cells in table.rows if cells.get("id")]
    out: list[Staff] = []
    first_row: dict[str, int] = {}
    for row, cells in table.rows:
        r = _Row(table, row, cells, issues)
        sid = r.required("id")
        if isinstance(sid, str):
            if sid in first_row:
                r.error("id", f"duplicate id {sid!r} (first on row {first_row[sid]})")
            else:
                first_row[sid] = row
        unit = r.ref("unit", ctx.units, "unit")
        skills = r.refs("skills", ctx.skills, "skill")
        team = _parse_team(r, ctx)
        flags = {c: r.boolean(c) for c in ("counts_toward_cap", "external", "rotates")}
        contract = r.ref("contract", ctx.contracts, "contract", optional=True)
        last_test = r.date("last_test", optional=True)
        if (
            isinstance(last_test, dt.date)
            and ctx.horizon is not None
            and last_test >= ctx.horizon.start
        ):
            if ctx.strict_dates:
                r.error(
                    "last_test",
                    f"last_test {last_test} is not before the horizon start "
                    f"{ctx.horizon.start} (tests inside the horizon are "
                    "planned by the roster)",
                    f"a date before {ctx.horizon.start}",
                )
            else:
                last_test = None
        if r.bad:
            continue
        data: dict[str, Any] = {
            "id": sid,
            "name": r.text("name"),
            "unit": unit,
            "skills": skills,
            "team": team,
            "last_test": last_test,
        }
        data.update({k: v for k, v in flags.items() if v is not None})
        if contract is not None:
            data["contract"] = contract
        staff = r.validate(Staff, data)
        if staff is not None:
            out.append(staff)
            ctx.staff_skills[staff.id] = staff.skills
    return out


def read_staff(path: str | Path, site: Site, policy: Policy) -> list[Staff]:
    """Read one staff file (``.csv`` or ``.xlsx``, any name) against a site and a policy, e.g.
    an upload; raises :class:`InputError` naming the file's rows and fields. ``last_test`` is
    not checked against any horizon."""
    path = Path(path)
    ctx = _Context(
        horizon=None,
        strict_dates=False,
        units=[u.id for u in site.units],
        skills=list(site.skills),
        shifts=[s.id for s in site.shifts],
        posts={p.id: p.skill for p in site.posts},
        contracts=list(policy.contracts),
        team_count=policy.teams.count,
    )
    issues = IssueCollector()
    if not path.is_file():
        issues.add(path.name, None, None, "file not found")
    else:
        table = _read_table(path, STAFF_COLUMNS, STAFF_REQUIRED, issues)
        staff = _staff_rows(table, ctx, issues) if table is not None else []
    issues.raise_if_any()
    return staff


def _read_optional(
    folder: Path, name: str, columns: list[str], required: list[str], issues: IssueCollector
) -> _Table | None:
    path = folder / name
    if not path.is_file():
        return None
    return _read_table(path, columns, required, issues)


def _read_absences(folder: Path, ctx: _Context, issues: IssueCollector) -> list[Absence]:
    table = _read_optional(folder, ABSENCES_FILE, ABSENCE_COLUMNS, ABSENCE_REQUIRED, issues)
    if table is None:
        return []
    staff_ids = ctx.staff_ids
    reasons = [r.value for r in AbsenceReason]
    out: list[Absence] = []
    for row, cells in table.rows:
        r = _Row(table, row, cells, issues)
        staff = r.ref("staff", staff_ids, "staff id", allowed=STAFF_ALLOWED)
        start, end = r.date("start"), r.date("end")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            r.error("end", f"end {end} is before start {start}", f"a date from {start}")
        shifts = r.refs("shifts", ctx.shifts, "shift")
        reason = r.text("reason").lower() or AbsenceReason.leave.value
        if reason not in reasons:
            r.error("reason", f"unknown reason {r.text('reason')!r}", reasons)
        if r.bad:
            continue
        h = ctx.horizon
        if h is not None:
            if end < h.start or start > h.end:
                continue  # entirely outside the horizon: nothing to roster around
            start, end = max(start, h.start), min(end, h.end)
        a = r.validate(
            Absence,
            {
                "staff": staff,
                "start": start,
                "end": end,
                "shifts": shifts,
                "reason": reason,
                "note": r.text("note"),
            },
        )
        if a is not None:
            out.append(a)
    return out


def _read_requests(folder: Path, ctx: _Context, issues: IssueCollector) -> list[Request]:
    table = _read_optional(folder, REQUESTS_FILE, REQUEST_COLUMNS, REQUEST_REQUIRED, issues)
    if table is None:
        return []
    out: list[Request] = []
    for row, cells in table.rows:
        r = _Row(table, row, cells, issues)
        staff = r.ref("staff", ctx.staff_ids, "staff id", allowed=STAFF_ALLOWED)
        date = r.date("date")
        inside = r.in_horizon("date", date, ctx)
        shift = r.ref("shift", ctx.shifts, "shift", optional=True)
        on_site = r.boolean("on_site")
        weight = r.count("weight")
        if r.bad or not inside:
            continue
        data: dict[str, Any] = {"staff": staff, "date": date, "shift": shift}
        if on_site is not None:
            data["on_site"] = on_site
        if weight is not None:
            data["weight"] = weight
        req = r.validate(Request, data)
        if req is not None:
            out.append(req)
    return out


def _read_fixed(folder: Path, ctx: _Context, issues: IssueCollector) -> list[FixedCell]:
    table = _read_optional(folder, FIXED_FILE, FIXED_COLUMNS, FIXED_REQUIRED, issues)
    if table is None:
        return []
    out: list[FixedCell] = []
    posts = list(ctx.posts) if ctx.posts is not None else None
    for row, cells in table.rows:
        r = _Row(table, row, cells, issues)
        staff = r.ref("staff", ctx.staff_ids, "staff id", allowed=STAFF_ALLOWED)
        date = r.date("date")
        inside = r.in_horizon("date", date, ctx)
        shift = r.ref("shift", ctx.shifts, "shift")
        on_site = r.boolean("on_site")
        post = r.ref("post", posts, "post", optional=True)
        if isinstance(post, str):
            if on_site is False:
                r.error("post", "a post is given but on_site is no", "blank when on_site is no")
            elif ctx.posts is not None and isinstance(staff, str) and staff in ctx.staff_skills:
                skill = ctx.posts.get(post)
                if skill is not None and skill not in ctx.staff_skills.get(staff, []):
                    r.error(
                        "post",
                        f"{staff} lacks skill {skill!r} required by post {post!r}",
                        "a post whose skill the person holds (see staff.csv skills)",
                    )
        if r.bad or not inside:
            continue
        data: dict[str, Any] = {"staff": staff, "date": date, "shift": shift, "post": post}
        if on_site is not None:
            data["on_site"] = on_site
        cell = r.validate(FixedCell, data)
        if cell is not None:
            out.append(cell)
    return out


def _read_site(
    folder: Path, issues: IssueCollector, start: dt.date | None, weeks: int | None
) -> tuple[Site | None, Horizon | None, int, Any]:
    """site.yaml: the site (None if invalid), the horizon, the objective offset and the raw
    ``site:`` data (for best-effort checks of the other files when the site is invalid)."""
    doc = _read_yaml(folder / SITE_FILE, issues)
    if doc is None:
        return None, _override_horizon(start, weeks), 0, None
    data = doc.data
    if not isinstance(data, dict):
        issues.add(
            SITE_FILE,
            None,
            None,
            "the file must be a mapping with 'site:' and 'horizon:'",
            "site, horizon, objective_offset",
        )
        return None, _override_horizon(start, weeks), 0, None
    for key in data:
        if key not in ("site", "horizon", "objective_offset"):
            issues.add(
                SITE_FILE,
                _yaml_line(doc.node, [key]),
                str(key),
                f"unknown top-level key {key!r}",
                ["site", "horizon", "objective_offset"],
            )
    site: Site | None = None
    if "site" not in data:
        issues.add(SITE_FILE, None, "site", "required section 'site:' is missing")
    else:
        refs = _site_reference_issues(data["site"], doc.node)
        try:
            site = Site.model_validate(data["site"])
        except ValidationError as err:
            found = _pydantic_issues(err, SITE_FILE, Site, data["site"], ("site",), doc.node)
            if refs:  # our own messages name the field; drop the model validator's summary
                found = [i for i in found if i.field != "site"]
            issues.extend(found)
        issues.extend(refs)
        if refs:
            site = None
    horizon = _parse_horizon(doc, data.get("horizon"), issues, start, weeks)
    offset = data.get("objective_offset", 0)
    if not isinstance(offset, int) or isinstance(offset, bool):
        issues.add(
            SITE_FILE,
            _yaml_line(doc.node, ["objective_offset"]),
            "objective_offset",
            f"not a whole number: {offset!r}",
            "a whole number",
        )
        offset = 0
    return site, horizon, offset, data.get("site")


def _ids(items: Any) -> list[str]:
    """The string ids of a raw YAML list of mappings (best effort, for partial checks)."""
    if not isinstance(items, list):
        return []
    return [str(i["id"]) for i in items if isinstance(i, dict) and "id" in i]


def raw_site_ids(data: Any) -> dict[str, list[str]]:
    """Units, skills, shifts and posts named by a raw ``site:`` mapping, even an invalid one."""
    if not isinstance(data, dict):
        return {"units": [], "skills": [], "shifts": [], "posts": []}
    skills = data.get("skills")
    return {
        "units": _ids(data.get("units")),
        "shifts": _ids(data.get("shifts")),
        "posts": _ids(data.get("posts")),
        "skills": [str(x) for x in skills] if isinstance(skills, list) else [],
    }


def _site_reference_issues(data: Any, node: yaml.Node | None) -> list[Issue]:
    """Duplicate ids and unknown units/skills/shifts in a raw ``site:`` mapping, each on its own
    field (the model's validator stops at the first and names no field)."""
    if not isinstance(data, dict):
        return []
    ids = raw_site_ids(data)
    out: list[Issue] = []

    def add(loc: list[Any], message: str, allowed: Sequence[str] | None) -> None:
        full = ["site", *loc]
        out.append(
            Issue(
                SITE_FILE, _yaml_line(node, full), _loc_path(full, {"site": data}), message, allowed
            )
        )

    for key in ("units", "shifts", "posts"):
        seen: set[str] = set()
        items = data.get(key)
        for i, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict) and "id" in item:
                if str(item["id"]) in seen:
                    add([key, i, "id"], f"duplicate {key[:-1]} id {str(item['id'])!r}", None)
                seen.add(str(item["id"]))

    def shifts_of(obj: Any, loc: list[Any]) -> None:
        if isinstance(obj, dict) and isinstance(obj.get("shifts"), list):
            for sid in obj["shifts"]:
                if str(sid) not in ids["shifts"]:
                    add([*loc, "shifts"], f"unknown shift {sid!r}", ids["shifts"])

    opening = data.get("opening")
    for i, o in enumerate(opening if isinstance(opening, list) else []):
        shifts_of(o, ["opening", i])
    posts = data.get("posts")
    for i, p in enumerate(posts if isinstance(posts, list) else []):
        if not isinstance(p, dict):
            continue
        if p.get("skill") is not None and str(p["skill"]) not in ids["skills"]:
            add(["posts", i, "skill"], f"unknown skill {p['skill']!r}", ids["skills"])
        if p.get("unit") is not None and str(p["unit"]) not in ids["units"]:
            add(["posts", i, "unit"], f"unknown unit {p['unit']!r}", ids["units"])
        demands = p.get("demands")
        for j, dem in enumerate(demands if isinstance(demands, list) else []):
            shifts_of(dem, ["posts", i, "demands", j])
        sds = p.get("slot_demands")
        for j, sd in enumerate(sds if isinstance(sds, list) else []):
            if isinstance(sd, dict) and "shift" in sd and str(sd["shift"]) not in ids["shifts"]:
                add(
                    ["posts", i, "slot_demands", j, "shift"],
                    f"unknown shift {sd['shift']!r}",
                    ids["shifts"],
                )
    return out


def _override_horizon(start: dt.date | None, weeks: int | None) -> Horizon | None:
    if start is None:
        return None
    return Horizon(start=start, days=7 * (weeks or 1))  # weeks checked by load_scenario


def _parse_horizon(
    doc: _YamlDoc, data: Any, issues: IssueCollector, start: dt.date | None, weeks: int | None
) -> Horizon | None:
    f = SITE_FILE
    allowed_keys = ["start", "weeks", "days"]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        issues.add(
            f,
            _yaml_line(doc.node, ["horizon"]),
            "horizon",
            "must be a mapping such as {start: 2021-12-13, weeks: 1}",
            allowed_keys,
        )
        return _override_horizon(start, weeks)
    for key in data:
        if key not in allowed_keys:
            issues.add(
                f,
                _yaml_line(doc.node, ["horizon", key]),
                f"horizon.{key}",
                f"unknown field {key!r}",
                allowed_keys,
            )
    file_start: dt.date | None = None
    if "start" in data:
        file_start = parse_date(data["start"])
        if file_start is None:
            issues.add(
                f,
                _yaml_line(doc.node, ["horizon", "start"]),
                "horizon.start",
                f"not a date: {data['start']!r}",
                DATE_ALLOWED,
            )
    elif start is None:
        issues.add(
            f,
            _yaml_line(doc.node, ["horizon"]),
            "horizon.start",
            "the horizon needs a start date",
            DATE_ALLOWED,
        )
    days: int | None = None
    if "weeks" in data and "days" in data:
        issues.add(
            f,
            _yaml_line(doc.node, ["horizon", "days"]),
            "horizon.days",
            "give weeks or days, not both",
        )
    for key, factor in (("weeks", 7), ("days", 1)):
        if key in data:
            v = data[key]
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                issues.add(
                    f,
                    _yaml_line(doc.node, ["horizon", key]),
                    f"horizon.{key}",
                    f"not a whole number >= 1: {v!r}",
                    "a whole number >= 1",
                )
            else:
                days = v * factor
    if weeks is not None:
        days = 7 * weeks
    the_start = start or file_start
    if the_start is None:
        return None
    try:
        return Horizon(start=the_start, days=days or 7)
    except ValidationError as err:
        issues.extend(_pydantic_issues(err, f, Horizon, data, ("horizon",), doc.node))
        return None


def _read_policy(
    folder: Path,
    issues: IssueCollector,
    shifts: list[str] | None,
    raw: dict[str, Any] | None = None,
) -> Policy | None:
    """policy.yaml as a Policy (None if invalid). ``raw`` receives the raw mapping (for
    best-effort checks of staff.csv when the policy is invalid)."""
    doc = _read_yaml(folder / POLICY_FILE, issues)
    if doc is None:
        return None
    if raw is not None and isinstance(doc.data, dict):
        raw.update(doc.data)
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        issues.add(
            POLICY_FILE,
            None,
            None,
            "the file must be a mapping of policy fields",
            list(Policy.model_fields),
        )
        return None
    cap = data.get("cap")
    if isinstance(cap, dict) and "fraction" in cap:
        data = {**data, "cap": {**cap, "fraction": _fraction_text(cap["fraction"])}}
    try:
        policy = Policy.model_validate(data)
    except ValidationError as err:
        issues.extend(_pydantic_issues(err, POLICY_FILE, Policy, data, (), doc.node))
        return None
    ok = True
    if shifts is not None:
        for name, c in policy.contracts.items():
            parts: list[tuple[str, int, str, list[str]]] = []
            parts += [("counts", i, "shifts", cl.shifts) for i, cl in enumerate(c.counts)]
            parts += [("runs", i, "shifts", rl.shifts) for i, rl in enumerate(c.runs)]
            parts += [("successions", i, "first", [s.first]) for i, s in enumerate(c.successions)]
            parts += [("successions", i, "then", [s.then]) for i, s in enumerate(c.successions)]
            for section, i, key, ids in parts:
                for sid in ids:
                    if sid not in shifts:
                        loc = ["contracts", name, section, i, key]
                        issues.add(
                            POLICY_FILE,
                            _yaml_line(doc.node, loc),
                            f"contracts.{name}.{section}[{i}].{key}",
                            f"unknown shift {sid!r}",
                            shifts,
                        )
                        ok = False
    return policy if ok else None


def load_scenario(
    path: str | Path, start: dt.date | None = None, weeks: int | None = None
) -> Problem:
    """Load a scenario folder (or a built-in scenario name) into a :class:`Problem`.

    ``start``/``weeks`` replace the horizon of site.yaml (requests and fixed cells outside the
    new horizon are then dropped instead of being errors). Raises :class:`InputError` listing
    every mistake found.
    """
    folder = resolve_scenario(path)
    if weeks is not None and (not isinstance(weeks, int) or not 1 <= weeks <= MAX_WEEKS):
        raise InputError(
            Issue("weeks", None, None, f"not a whole number from 1 to {MAX_WEEKS}: {weeks!r}")
        )
    issues = IssueCollector()
    site, horizon, offset, raw_site = _read_site(folder, issues, start, weeks)
    raw_policy: dict[str, Any] = {}
    policy = _read_policy(folder, issues, [s.id for s in site.shifts] if site else None, raw_policy)
    ctx = _Context(horizon=horizon, strict_dates=start is None and weeks is None)
    if site is not None:
        ctx.units = [u.id for u in site.units]
        ctx.skills = list(site.skills)
        ctx.shifts = [s.id for s in site.shifts]
        ctx.posts = {p.id: p.skill for p in site.posts}
    elif isinstance(raw_site, dict):  # best effort: check the tables against what is readable
        ids = raw_site_ids(raw_site)
        ctx.units = ids["units"] or None
        ctx.skills = ids["skills"] if isinstance(raw_site.get("skills"), list) else None
        ctx.shifts = ids["shifts"] or None
    if policy is not None:
        ctx.contracts = list(policy.contracts)
        ctx.team_count = policy.teams.count
    else:
        contracts = raw_policy.get("contracts")
        if isinstance(contracts, dict):
            ctx.contracts = [str(c) for c in contracts]
        elif "contracts" not in raw_policy and raw_policy:
            ctx.contracts = ["default"]
        teams = raw_policy.get("teams")
        count = teams.get("count", 2) if isinstance(teams, dict) else 2
        ctx.team_count = count if isinstance(count, int) and count >= 1 else None
    staff = _read_staff(folder, ctx, issues)
    absences = _read_absences(folder, ctx, issues)
    requests = _read_requests(folder, ctx, issues)
    fixed = _read_fixed(folder, ctx, issues)
    issues.raise_if_any()
    assert site is not None and policy is not None and horizon is not None
    try:
        return Problem(
            site=site,
            staff=staff,
            policy=policy,
            horizon=horizon,
            absences=absences,
            requests=requests,
            fixed=fixed,
            objective_offset=offset,
        )
    except ValidationError as err:
        raise InputError(_problem_issues(err)) from None


_MESSAGE_FILES: list[tuple[str, str]] = [
    ("staff ", STAFF_CSV),
    ("absence ", ABSENCES_FILE),
    ("request ", REQUESTS_FILE),
    ("fixed cell ", FIXED_FILE),
    ("contract ", POLICY_FILE),
    ("duplicate staff", STAFF_CSV),
]


def _problem_issues(err: ValidationError) -> list[Issue]:
    """Errors of the Problem's own cross-checks (rarely reached: rows are checked first)."""
    out = []
    for e in err.errors():
        msg = str(e.get("msg", "invalid")).removeprefix("Value error, ")
        file = next((f for prefix, f in _MESSAGE_FILES if msg.startswith(prefix)), "scenario")
        out.append(Issue(file, None, None, msg))
    return out


# ============================================================================================
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


__all__ = [
    "DEFAULT_SCENARIO",
    "InputError",
    "Issue",
    "list_scenarios",
    "load_scenario",
    "parse_bool",
    "parse_date",
    "read_staff",
    "resolve_scenario",
    "scenarios_dir",
    "write_scenario",
]
