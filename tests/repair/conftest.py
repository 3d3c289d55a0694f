"""Fixtures of the repair tests (the offices themselves are in :mod:`tests.repair.offices`)."""

from __future__ import annotations

import pytest

from roster.model import Problem
from tests.repair.offices import land_office


@pytest.fixture
def infeasible_land() -> Problem:
    return land_office()
