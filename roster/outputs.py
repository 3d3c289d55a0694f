"""The files a roster is handed out as, written into one output folder all at once.

``roster solve``, ``roster export`` and ``roster reroster`` write the same set:

* ``roster.xlsx``: the grid, the summary sheets and one printable official sheet per unit;
* ``roster.pdf``: the official roster, one A4 landscape page per unit and week, ready to sign;
* ``roster.csv``, ``tests.csv``: the grid and the test plan as CSV (UTF-8 with a BOM);
* ``roster.json``: the exchange document (``docs/roster-json.md``);
* ``calendars/<staff>.ics``: each person's on-site shifts and tests;
* extra files a command adds (``changes.csv`` of a re-roster).

Everything is written to a temporary folder beside the output folder first and moved into place
only when every file succeeded, so a failure never leaves half-written output; files of an
earlier run that this run does not write are removed, so the folder never mixes two runs.
:func:`clear_outputs` empties the folder of these files after a failed solve.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from roster.export import (
    Figures,
    Lang,
    RosterView,
    build_workbook,
    neutralise_workbook,
    write_roster_csv,
    write_tests_csv,
)
from roster.ical import person_calendar
from roster.model import Problem, Report, Roster, SolveSummary
from roster.printout import (
    add_unit_sheets,
    hide_closed_columns,
    page_header,
    setup_print,
    write_pdf,
)
from roster.schema import dumps, roster_file

OUTPUT_FILES = ("roster.xlsx", "roster.pdf", "roster.csv", "tests.csv", "roster.json")
CALENDARS = "calendars"
# Files a command may add beside the standard set; cleared with them.
EXTRA_FILES = ("changes.csv",)


def write_workbook(
    path: Path,
    problem: Problem,
    roster: Roster,
    figures: Figures | None = None,
    lang: Lang = "en",
) -> None:
    """The full workbook: the grid sheet (closed shifts hidden, set up for printing), one
    official sheet per unit right after it, then the summary sheets."""
    wb = build_workbook(problem, roster, figures, lang)
    v = RosterView(problem, roster, lang)
    grid = wb.worksheets[0]
    hide_closed_columns(grid, v, 5)
    setup_print(grid, "1:2")
    # the grid sheet keeps its cells where programs read them; its printed pages carry the
    # title in the page header instead
    page_header(grid, v)
    for ws in wb.worksheets[1:]:
        setup_print(ws, "2:2")
    names = add_unit_sheets(wb, v)
    # the official sheets right after the grid, the summaries last
    for i, name in enumerate(names, start=1):
        ws = wb[name]
        wb.move_sheet(ws, offset=i - wb.worksheets.index(ws))
    neutralise_workbook(wb)  # names that start like a formula stay text on these sheets too
    wb.save(path)


def write_outputs(
    out_dir: Path,
    problem: Problem,
    roster: Roster,
    *,
    result: SolveSummary | None = None,
    report: Report | None = None,
    lang: Lang = "en",
    scenario: str | None = None,
    figures: Figures | None = None,
    extra: Mapping[str, str] | None = None,
) -> list[Path]:
    """Write every file of the set into ``out_dir`` (see the module docstring); ``extra`` maps
    more file names to their text (written UTF-8 with a BOM, for Excel). Returns the final
    paths, the calendars folder as one path."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        write_workbook(tmp / "roster.xlsx", problem, roster, figures, lang)
        write_pdf(tmp / "roster.pdf", problem, roster, lang)
        write_roster_csv(tmp / "roster.csv", problem, roster, lang)
        write_tests_csv(tmp / "tests.csv", problem, roster, lang)
        doc = roster_file(problem, roster, result, report, scenario)
        (tmp / "roster.json").write_text(dumps(doc), encoding="utf-8")
        cal = tmp / CALENDARS
        cal.mkdir()
        for person in problem.staff:
            data = person_calendar(
                problem, roster, person.id, lang=lang, calendar_id=scenario or ""
            )
            (cal / f"{_safe(person.id)}.ics").write_bytes(data)
        names = list(OUTPUT_FILES)
        for name, text in (extra or {}).items():
            (tmp / name).write_text(text, encoding="utf-8-sig")
            names.append(name)
        out_dir.mkdir(parents=True, exist_ok=True)
        clear_outputs(out_dir, keep=names)
        paths = []
        for name in names:
            os.replace(tmp / name, out_dir / name)
            paths.append(out_dir / name)
        shutil.rmtree(out_dir / CALENDARS, ignore_errors=True)
        os.replace(cal, out_dir / CALENDARS)
        paths.append(out_dir / CALENDARS)
        return paths
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def clear_outputs(out_dir: Path, keep: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Remove the files of the set (and the calendars folder) from ``out_dir``, except
    ``keep``; other files are left alone. Returns the names removed."""
    out_dir = Path(out_dir)
    removed: list[str] = []
    if not out_dir.is_dir():
        return removed
    for name in (*OUTPUT_FILES, *EXTRA_FILES):
        if name in keep:
            continue
        path = out_dir / name
        if path.is_file():
            path.unlink()
            removed.append(name)
    if CALENDARS not in keep and (out_dir / CALENDARS).is_dir():
        shutil.rmtree(out_dir / CALENDARS)
        removed.append(CALENDARS)
    return removed


def _safe(name: str) -> str:
    """A staff id as a file name (no path separators or reserved characters)."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name) or "_"
