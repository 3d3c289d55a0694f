"""Where scenarios are: the file names of a scenario folder, the built-in scenarios, and
resolving a name or a path to a folder."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from roster.errors import InputError, Issue
from roster.input_messages import T

SITE_FILE = "site.yaml"
POLICY_FILE = "policy.yaml"
STAFF_CSV = "staff.csv"
STAFF_XLSX = "staff.xlsx"
ABSENCES_FILE = "absences.csv"
REQUESTS_FILE = "requests.csv"
FIXED_FILE = "fixed.csv"
DEFAULT_SCENARIO = "service-centre"
MAX_WEEKS = 520  # the model allows horizons of up to 3660 days


# ============================================================================================
# Finding scenarios
# ============================================================================================


def scenarios_dir() -> Path:
    """The folder of the built-in scenarios (the ``scenarios`` package)."""
    spec = importlib.util.find_spec("scenarios")
    if spec is not None and spec.origin:
        return Path(spec.origin).resolve().parent
    return Path(__file__).resolve().parents[2] / "scenarios"


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
                T("scenario.not_folder"),
            )
        )
    raise InputError(
        Issue(
            str(name_or_path),
            None,
            None,
            T("scenario.none"),
            list_scenarios(),
        )
    )


# ============================================================================================
