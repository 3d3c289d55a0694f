"""Fixtures for the CLI tests: a tiny scenario folder (:func:`tests.cli.offices.tiny_office`)
written by ``roster.io.write_scenario``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from roster.io import write_scenario
from tests.cli.offices import tiny_office


@pytest.fixture(autouse=True)
def _english_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests read English messages unless they ask for Vietnamese."""
    monkeypatch.delenv("ROSTER_LANG", raising=False)


@pytest.fixture
def write_office(tmp_path: Path) -> Callable[..., Path]:
    """Write a tiny office (keywords as :func:`tiny_office`) as a scenario folder."""

    def make(name: str = "office", **kw) -> Path:
        folder = tmp_path / name
        write_scenario(tiny_office(**kw), folder)
        return folder

    return make


@pytest.fixture
def office(write_office: Callable[..., Path]) -> Path:
    """The default tiny office folder."""
    return write_office()
