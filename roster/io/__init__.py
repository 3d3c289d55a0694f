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
found (file, row, field, what is wrong, what is allowed); never a traceback. Each message is an
(English, Vietnamese) pair from :mod:`roster.input_messages`: ``error.text("vi")`` words them
all in Vietnamese (``tệp``, ``dòng``, ``cột``/``trường``, ``cho phép``).

The package, one concern a module: :mod:`~roster.io.paths` (file names, built-in scenarios),
:mod:`~roster.io.cells` (cell parsers), :mod:`~roster.io.documents` (YAML and its errors),
:mod:`~roster.io.tables` (CSV and Excel), :mod:`~roster.io.load` (a folder to a problem) and
:mod:`~roster.io.write` (a problem to a folder). The public names are re-exported here.
"""

from roster.errors import InputError, Issue
from roster.io.cells import parse_bool, parse_date
from roster.io.load import load_scenario, raw_site_ids, read_staff
from roster.io.paths import (
    ABSENCES_FILE,
    DEFAULT_SCENARIO,
    FIXED_FILE,
    MAX_WEEKS,
    POLICY_FILE,
    REQUESTS_FILE,
    SITE_FILE,
    STAFF_CSV,
    STAFF_XLSX,
    list_scenarios,
    resolve_scenario,
    scenarios_dir,
)
from roster.io.write import write_scenario

__all__ = [
    "ABSENCES_FILE",
    "DEFAULT_SCENARIO",
    "FIXED_FILE",
    "MAX_WEEKS",
    "POLICY_FILE",
    "REQUESTS_FILE",
    "SITE_FILE",
    "STAFF_CSV",
    "STAFF_XLSX",
    "InputError",
    "Issue",
    "list_scenarios",
    "load_scenario",
    "parse_bool",
    "parse_date",
    "raw_site_ids",
    "read_staff",
    "resolve_scenario",
    "scenarios_dir",
    "write_scenario",
]
