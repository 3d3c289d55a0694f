"""Schemathesis fuzz of the OpenAPI schema: a bounded number of generated requests per
operation, authenticated as hr, must never get a server error (5xx)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")

from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from api.main import create_app  # noqa: E402
from tests.api.conftest import HR, make_settings, site_body  # noqa: E402

_DB = Path(tempfile.mkdtemp(prefix="roster-fuzz-")) / "fuzz.db"
APP = create_app(
    make_settings({"database_url": f"sqlite:///{_DB}"}, max_time_limit=1.0, default_time_limit=0.5)
)
# The coverage phase would send hundreds of boundary cases per operation: keep the run bounded
# to the schema's examples plus a few generated cases per operation.
CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        "generation": {"max-examples": 8, "no-shrink": True},
        "suppress-health-check": ["all"],
    }
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP, config=CONFIG)


@pytest.fixture(scope="module", autouse=True)
def running_app():
    """Start the app's lifespan (database, job runner) and store one site to hit."""
    with TestClient(APP) as c:
        c.post("/sites", json=site_body("hcc-q1"), headers=HR)
        yield c


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error(case):
    case.call_and_validate(headers=HR, checks=[not_a_server_error])
