"""Tables (CSV or Excel): reading a staff list or an optional table into rows, with the
columns each table has and needs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from roster.errors import IssueCollector
from roster.input_messages import T
from roster.io.cells import nfc

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

# Tables (CSV / Excel)
# ============================================================================================


@dataclass
class Table:
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
        issues.add(name, None, None, T("file.not_utf8_csv"))
    except pd.errors.EmptyDataError:
        issues.add(name, None, None, T("file.empty"))
    except pd.errors.ParserError as e:
        m = re.search(r"line (\d+)", str(e))
        detail = str(e).split(". ", 1)[-1].strip()
        issues.add(
            name,
            int(m[1]) if m else None,
            None,
            T("file.bad_table", detail=detail),
        )
    except OSError as e:
        issues.add(name, None, None, T("file.unreadable", why=e.strerror or e))
    except Exception as e:  # noqa: BLE001 - a broken spreadsheet can fail in many ways
        issues.add(name, None, None, T("file.bad_sheet", why=e))
    return None


def read_table(
    path: Path, columns: list[str], required: list[str], issues: IssueCollector
) -> Table | None:
    """Read a CSV/Excel table as text with checked columns; None if it cannot be used."""
    name = path.name
    frame = _read_frame(path, issues)
    if frame is None:
        return None
    grid = [[nfc(str(v)) for v in row] for row in frame.itertuples(index=False, name=None)]
    if not grid or not any(grid[0]):
        issues.add(name, 1, None, T("table.header_first"), columns)
        return None
    header = [h.lower() for h in grid[0]]
    ok = True
    keep: list[int] = []
    seen: dict[str, int] = {}
    for j, h in enumerate(header):
        if not h:
            if any(j < len(r) and r[j] for r in grid[1:]):
                issues.add(name, 1, None, T("table.unnamed_column", n=j + 1), columns)
                ok = False
            continue
        if h not in columns:
            issues.add(name, 1, h, T("table.unknown_column", name=h), columns)
            ok = False
            continue
        if h in seen:
            issues.add(name, 1, h, T("table.twice", name=h, first=seen[h] + 1, second=j + 1))
            ok = False
            continue
        seen[h] = j
        keep.append(j)
    for r in required:
        if r not in seen:
            issues.add(name, 1, r, T("table.missing_column", name=r), columns)
            ok = False
    if not ok:
        return None
    table = Table(name, [header[j] for j in keep])
    for i, raw in enumerate(grid[1:], start=2):
        if not any(raw):
            continue
        table.rows.append((i, {header[j]: (raw[j] if j < len(raw) else "") for j in keep}))
    return table


# ============================================================================================
