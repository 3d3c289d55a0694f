"""Loading a scenario folder into a :class:`~roster.model.Problem`, collecting every mistake
(file, row, field) into one :class:`~roster.errors.InputError`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from roster.errors import Allowed, InputError, Issue, IssueCollector
from roster.input_messages import T
from roster.io.cells import (
    BAD,
    BOOL_ALLOWED,
    DATE_ALLOWED,
    STAFF_ALLOWED,
    parse_bool,
    parse_date,
    split_list,
)
from roster.io.documents import (
    YamlDoc,
    error_text,
    loc_path,
    pydantic_issues,
    read_yaml,
    yaml_line,
)
from roster.io.paths import (
    ABSENCES_FILE,
    FIXED_FILE,
    MAX_WEEKS,
    POLICY_FILE,
    REQUESTS_FILE,
    SITE_FILE,
    STAFF_CSV,
    STAFF_XLSX,
    resolve_scenario,
)
from roster.io.tables import (
    ABSENCE_COLUMNS,
    ABSENCE_REQUIRED,
    FIXED_COLUMNS,
    FIXED_REQUIRED,
    REQUEST_COLUMNS,
    REQUEST_REQUIRED,
    STAFF_COLUMNS,
    STAFF_REQUIRED,
    Table,
    read_table,
)
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
from roster.text import Text

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


M = TypeVar("M", bound=BaseModel)


class _Row:
    """Helpers to read the cells of one row and record issues against it."""

    def __init__(self, table: Table, row: int, cells: dict[str, str], issues: IssueCollector):
        self.file = table.file
        self.row = row
        self.cells = cells
        self.issues = issues
        self.bad = False

    def error(self, col: str | None, message: str | Text, allowed: Allowed = None) -> object:
        self.issues.add(self.file, self.row, col, message, allowed)
        self.bad = True
        return BAD

    def text(self, col: str) -> str:
        return self.cells.get(col, "")

    def required(self, col: str) -> str | object:
        value = self.text(col)
        if not value:
            return self.error(col, T("cell.empty", column=col))
        return value

    def ref(
        self,
        col: str,
        known: Sequence[str] | None,
        kind: str,
        optional: bool = False,
        allowed: Text | None = None,
    ) -> str | None | object:
        """``kind``: ``unit``, ``skill``, ``shift``, ``post``, ``contract`` or ``staff_id``."""
        value = self.text(col)
        if not value:
            if optional:
                return None
            return self.error(col, T("cell.empty", column=col), allowed or known)
        if known is not None and value not in known:
            return self.error(
                col, T("cell.unknown", kind=T(f"kind.{kind}"), value=value), allowed or known
            )
        return value

    def refs(self, col: str, known: Sequence[str] | None, kind: str) -> list[str] | object:
        values = split_list(self.text(col))
        bad = [v for v in values if known is not None and v not in known]
        if len(bad) == 1:
            return self.error(col, T("cell.unknown", kind=T(f"kind.{kind}"), value=bad[0]), known)
        if bad:
            listed = ", ".join(repr(b) for b in bad)
            return self.error(
                col, T("cell.unknown_many", kinds=T(f"kind.{kind}s"), values=listed), known
            )
        return values

    def date(self, col: str, optional: bool = False) -> dt.date | None | object:
        value = self.text(col)
        if not value:
            return None if optional else self.error(col, T("cell.empty", column=col), DATE_ALLOWED)
        d = parse_date(value)
        if d is None:
            return self.error(col, T("cell.not_date", value=value), DATE_ALLOWED)
        return d

    def boolean(self, col: str) -> bool | None | object:
        value = self.text(col)
        if not value:
            return None
        b = parse_bool(value)
        if b is None:
            return self.error(col, T("cell.not_bool", value=value), BOOL_ALLOWED)
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
            return self.error(col, T("cell.not_whole", value=value), T("allowed.count"))
        if n < 0:
            return self.error(col, T("cell.negative", n=n), T("allowed.count"))
        return n

    def in_horizon(self, col: str, d: Any, ctx: _Context) -> bool:
        """False when ``d`` is outside the horizon: an error with the file's own horizon, a
        silent drop when the caller moved the horizon."""
        if ctx.horizon is None or not isinstance(d, dt.date) or ctx.horizon.contains(d):
            return True
        if ctx.strict_dates:
            h = ctx.horizon
            self.error(
                col,
                T("cell.outside_horizon", date=d, start=h.start, end=h.end),
                T("allowed.between", start=h.start, end=h.end),
            )
        return False

    def validate(self, model: type[M], data: dict) -> M | None:
        try:
            return model.model_validate(data)
        except ValidationError as err:
            for e in err.errors():
                loc = e.get("loc", ())
                col = str(loc[0]) if loc else None
                self.error(col, error_text(e))
            return None


def _parse_team(r: _Row, ctx: _Context) -> int | None | object:
    value = r.text("team")
    if not value:
        return None
    count = ctx.team_count
    allowed = (
        T("allowed.team_range", count=count, letter=chr(ord("A") + count - 1))
        if count
        else T("allowed.team_any")
    )
    if re.fullmatch(r"\d+", value):
        team = int(value) - 1
    elif re.fullmatch(r"[A-Za-z]", value):
        team = ord(value.upper()) - ord("A")
    else:
        return r.error("team", T("cell.not_team", value=value), allowed)
    if team < 0 or (count is not None and team >= count):
        return r.error("team", T("cell.no_such_team", value=value, count=count), allowed)
    return team


def _read_staff(folder: Path, ctx: _Context, issues: IssueCollector) -> list[Staff]:
    csv_path, xlsx_path = folder / STAFF_CSV, folder / STAFF_XLSX
    if csv_path.is_file() and xlsx_path.is_file():
        issues.add(STAFF_CSV, None, None, T("file.both_staff"))
        return []
    path = xlsx_path if xlsx_path.is_file() else csv_path
    if not path.is_file():
        issues.add(STAFF_CSV, None, None, T("file.no_staff"))
        return []
    table = read_table(path, STAFF_COLUMNS, STAFF_REQUIRED, issues)
    if table is None:
        return []
    return _staff_rows(table, ctx, issues)


def _staff_rows(table: Table, ctx: _Context, issues: IssueCollector) -> list[Staff]:
    ctx.staff_ids = [cells.get("id", "") for _, cells in table.rows if cells.get("id")]
    out: list[Staff] = []
    first_row: dict[str, int] = {}
    for row, cells in table.rows:
        r = _Row(table, row, cells, issues)
        sid = r.required("id")
        if isinstance(sid, str):
            if sid in first_row:
                r.error("id", T("cell.duplicate_id", id=sid, row=first_row[sid]))
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
                    T("cell.last_test_late", date=last_test, start=ctx.horizon.start),
                    T("allowed.before", date=ctx.horizon.start),
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
        issues.add(path.name, None, None, T("file.not_found"))
    else:
        table = read_table(path, STAFF_COLUMNS, STAFF_REQUIRED, issues)
        staff = _staff_rows(table, ctx, issues) if table is not None else []
    issues.raise_if_any()
    return staff


def _read_optional(
    folder: Path, name: str, columns: list[str], required: list[str], issues: IssueCollector
) -> Table | None:
    path = folder / name
    if not path.is_file():
        return None
    return read_table(path, columns, required, issues)


def _read_absences(folder: Path, ctx: _Context, issues: IssueCollector) -> list[Absence]:
    table = _read_optional(folder, ABSENCES_FILE, ABSENCE_COLUMNS, ABSENCE_REQUIRED, issues)
    if table is None:
        return []
    staff_ids = ctx.staff_ids
    reasons = [r.value for r in AbsenceReason]
    out: list[Absence] = []
    for row, cells in table.rows:
        r = _Row(table, row, cells, issues)
        staff = r.ref("staff", staff_ids, "staff_id", allowed=STAFF_ALLOWED)
        start, end = r.date("start"), r.date("end")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            r.error(
                "end",
                T("cell.end_before_start", end=end, start=start),
                T("allowed.from", date=start),
            )
        shifts = r.refs("shifts", ctx.shifts, "shift")
        reason = r.text("reason").lower() or AbsenceReason.leave.value
        if reason not in reasons:
            r.error("reason", T("cell.unknown_reason", value=r.text("reason")), reasons)
        if r.bad or not (isinstance(start, dt.date) and isinstance(end, dt.date)):
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
        staff = r.ref("staff", ctx.staff_ids, "staff_id", allowed=STAFF_ALLOWED)
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
        staff = r.ref("staff", ctx.staff_ids, "staff_id", allowed=STAFF_ALLOWED)
        date = r.date("date")
        inside = r.in_horizon("date", date, ctx)
        shift = r.ref("shift", ctx.shifts, "shift")
        on_site = r.boolean("on_site")
        post = r.ref("post", posts, "post", optional=True)
        if isinstance(post, str):
            if on_site is False:
                r.error("post", T("cell.post_off_site"), T("allowed.blank_off_site"))
            elif ctx.posts is not None and isinstance(staff, str) and staff in ctx.staff_skills:
                skill = ctx.posts.get(post)
                if skill is not None and skill not in ctx.staff_skills.get(staff, []):
                    r.error(
                        "post",
                        T("cell.lacks_skill", staff=staff, skill=skill, post=post),
                        T("allowed.post_skill"),
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
    doc = read_yaml(folder / SITE_FILE, issues)
    if doc is None:
        return None, _override_horizon(start, weeks), 0, None
    data = doc.data
    if not isinstance(data, dict):
        issues.add(
            SITE_FILE,
            None,
            None,
            T("yaml.site_mapping"),
            "site, horizon, objective_offset",
        )
        return None, _override_horizon(start, weeks), 0, None
    for key in data:
        if key not in ("site", "horizon", "objective_offset"):
            issues.add(
                SITE_FILE,
                yaml_line(doc.node, [key]),
                str(key),
                T("yaml.unknown_top", key=key),
                ["site", "horizon", "objective_offset"],
            )
    site: Site | None = None
    if "site" not in data:
        issues.add(SITE_FILE, None, "site", T("yaml.no_site"))
    else:
        refs = _site_reference_issues(data["site"], doc.node)
        try:
            site = Site.model_validate(data["site"])
        except ValidationError as err:
            found = pydantic_issues(err, SITE_FILE, Site, data["site"], ("site",), doc.node)
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
            yaml_line(doc.node, ["objective_offset"]),
            "objective_offset",
            T("cell.not_whole", value=offset),
            T("allowed.whole"),
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

    def add(loc: list[Any], message: Text, allowed: Sequence[str] | None) -> None:
        full = ["site", *loc]
        out.append(
            Issue(
                SITE_FILE, yaml_line(node, full), loc_path(full, {"site": data}), message, allowed
            )
        )

    for key in ("units", "shifts", "posts"):
        seen: set[str] = set()
        items = data.get(key)
        for i, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict) and "id" in item:
                if str(item["id"]) in seen:
                    kind = T(f"kind.{key[:-1]}")
                    add([key, i, "id"], T("yaml.duplicate_id", kind=kind, id=str(item["id"])), None)
                seen.add(str(item["id"]))

    def shifts_of(obj: Any, loc: list[Any]) -> None:
        if isinstance(obj, dict) and isinstance(obj.get("shifts"), list):
            for sid in obj["shifts"]:
                if str(sid) not in ids["shifts"]:
                    add([*loc, "shifts"], _unknown("shift", sid), ids["shifts"])

    opening = data.get("opening")
    for i, o in enumerate(opening if isinstance(opening, list) else []):
        shifts_of(o, ["opening", i])
    posts = data.get("posts")
    for i, p in enumerate(posts if isinstance(posts, list) else []):
        if not isinstance(p, dict):
            continue
        if p.get("skill") is not None and str(p["skill"]) not in ids["skills"]:
            add(["posts", i, "skill"], _unknown("skill", p["skill"]), ids["skills"])
        if p.get("unit") is not None and str(p["unit"]) not in ids["units"]:
            add(["posts", i, "unit"], _unknown("unit", p["unit"]), ids["units"])
        demands = p.get("demands")
        for j, dem in enumerate(demands if isinstance(demands, list) else []):
            shifts_of(dem, ["posts", i, "demands", j])
        sds = p.get("slot_demands")
        for j, sd in enumerate(sds if isinstance(sds, list) else []):
            if isinstance(sd, dict) and "shift" in sd and str(sd["shift"]) not in ids["shifts"]:
                add(
                    ["posts", i, "slot_demands", j, "shift"],
                    _unknown("shift", sd["shift"]),
                    ids["shifts"],
                )
    return out


def _unknown(kind: str, value: Any) -> Text:
    """``unknown shift 'x'``; ``kind``: a key of the ``kind.`` messages."""
    return T("cell.unknown", kind=T(f"kind.{kind}"), value=value)


def _override_horizon(start: dt.date | None, weeks: int | None) -> Horizon | None:
    if start is None:
        return None
    return Horizon(start=start, days=7 * (weeks or 1))  # weeks checked by load_scenario


def _parse_horizon(
    doc: YamlDoc, data: Any, issues: IssueCollector, start: dt.date | None, weeks: int | None
) -> Horizon | None:
    f = SITE_FILE
    allowed_keys = ["start", "weeks", "days"]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        issues.add(
            f,
            yaml_line(doc.node, ["horizon"]),
            "horizon",
            T("yaml.horizon_mapping"),
            allowed_keys,
        )
        return _override_horizon(start, weeks)
    for key in data:
        if key not in allowed_keys:
            issues.add(
                f,
                yaml_line(doc.node, ["horizon", key]),
                f"horizon.{key}",
                T("yaml.unknown_field", name=key),
                allowed_keys,
            )
    file_start: dt.date | None = None
    if "start" in data:
        file_start = parse_date(data["start"])
        if file_start is None:
            issues.add(
                f,
                yaml_line(doc.node, ["horizon", "start"]),
                "horizon.start",
                T("cell.not_date", value=data["start"]),
                DATE_ALLOWED,
            )
    elif start is None:
        issues.add(
            f,
            yaml_line(doc.node, ["horizon"]),
            "horizon.start",
            T("yaml.horizon_start"),
            DATE_ALLOWED,
        )
    days: int | None = None
    if "weeks" in data and "days" in data:
        issues.add(
            f,
            yaml_line(doc.node, ["horizon", "days"]),
            "horizon.days",
            T("yaml.weeks_or_days"),
        )
    for key, factor in (("weeks", 7), ("days", 1)):
        if key in data:
            v = data[key]
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                issues.add(
                    f,
                    yaml_line(doc.node, ["horizon", key]),
                    f"horizon.{key}",
                    T("yaml.not_whole1", value=v),
                    T("allowed.whole1"),
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
        issues.extend(pydantic_issues(err, f, Horizon, data, ("horizon",), doc.node))
        return None


def _read_policy(
    folder: Path,
    issues: IssueCollector,
    shifts: list[str] | None,
    raw: dict[str, Any] | None = None,
) -> Policy | None:
    """policy.yaml as a Policy (None if invalid). ``raw`` receives the raw mapping (for
    best-effort checks of staff.csv when the policy is invalid)."""
    doc = read_yaml(folder / POLICY_FILE, issues)
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
            T("yaml.policy_mapping"),
            list(Policy.model_fields),
        )
        return None
    try:
        policy = Policy.model_validate(data)
    except ValidationError as err:
        issues.extend(pydantic_issues(err, POLICY_FILE, Policy, data, (), doc.node))
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
                            yaml_line(doc.node, loc),
                            f"contracts.{name}.{section}[{i}].{key}",
                            _unknown("shift", sid),
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
            Issue("weeks", None, None, T("scenario.weeks", most=MAX_WEEKS, weeks=weeks))
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
        msg = error_text(e)
        file = next((f for prefix, f in _MESSAGE_FILES if str(msg).startswith(prefix)), "scenario")
        out.append(Issue(file, None, None, msg))
    return out


# ============================================================================================
