"""Schemathesis fuzz of the OpenAPI schema: a bounded number of generated requests per
operation, authenticated as hr, must never get a server error (5xx)."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")

from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, Phase, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from api.main import create_app  # noqa: E402
from tests.api.helpers import HR, make_settings, site_body  # noqa: E402

_DB = Path(tempfile.mkdtemp(prefix="roster-fuzz-")) / "fuzz.db"
# Repair routes wait for their job at most repair_wait seconds, then answer 202 with the job:
# a short wait keeps each answer well inside the client's 10 s read timeout while generated
# repair jobs queue behind each other on the one solver slot.
APP = create_app(
    make_settings(
        {"database_url": f"sqlite:///{_DB}"},
        max_time_limit=1.0,
        default_time_limit=0.5,
        repair_wait=3.0,
    )
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


# ---------------------------------------------------------------------------------------------
# stateful: sequences of calls following the links between routes (inferred from path
# parameters and response fields, plus the schema's explicit ETag -> If-Match links)
# ---------------------------------------------------------------------------------------------

_SDB = Path(tempfile.mkdtemp(prefix="roster-stateful-")) / "stateful.db"
STATEFUL_APP = create_app(
    make_settings(
        {"database_url": f"sqlite:///{_SDB}"},
        max_time_limit=0.5,
        default_time_limit=0.3,
        max_queued_jobs_per_token=1000,
        repair_wait=3.0,
    )
)
STATEFUL_CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {"generation": {"no-shrink": True}, "suppress-health-check": ["all"]}
)
stateful_schema = schemathesis.openapi.from_asgi(
    "/openapi.json", STATEFUL_APP, config=STATEFUL_CONFIG
)
SEEN: dict[str, int] = {}


class StatefulAPI(stateful_schema.as_state_machine()):  # type: ignore[misc]
    """Every call as hr; only server errors fail (4xx are the API refusing bad sequences)."""

    def before_call(self, case) -> None:
        case.headers = {**(case.headers or {}), **HR}
        if case.method == "POST" and case.path == "/sites/demo":
            # realistic data to start from: a small built-in site under a fresh id (random
            # bodies are refused with 422, which the stateless run already covers)
            case.body = {"scenario": "ward-one-stop", "site_id": f"st-{uuid.uuid4().hex[:8]}"}

    def validate_response(self, response, case, additional_checks=None, **kwargs) -> None:
        key = f"{case.method} {case.path} -> {response.status_code}"
        SEEN[key] = SEEN.get(key, 0) + 1
        case.validate_response(response, checks=[not_a_server_error])


def test_stateful_no_server_error():
    """Call sequences following links (create a site, read it, change its policy with the
    ETag, generate, read the job and roster, edit, publish, export, delete...): 0 server
    errors. Bounded: SCENARIOS scenarios of up to STEPS calls each. Each scenario is its own
    Hypothesis run: the server's state carries over between them, which Hypothesis would
    otherwise take for a flaky strategy."""
    with TestClient(STATEFUL_APP) as c:
        c.post("/sites", json=site_body("hcc-q1"), headers=HR)
        for _ in range(SCENARIOS):
            StatefulAPI.run(
                settings=settings(
                    max_examples=1,
                    stateful_step_count=STEPS,
                    deadline=None,
                    suppress_health_check=list(HealthCheck),
                    database=None,
                    phases=[Phase.generate],
                    # Hypothesis's "ci" profile (loaded when CI is set) derandomizes: all 30
                    # scenarios would then be the same one sequence of calls
                    derandomize=False,
                )
            )
    print("\n".join(f"{v:4d} {k}" for k, v in sorted(SEEN.items())))
    assert not [k for k in SEEN if k.rsplit(" ", 1)[-1].startswith("5")], SEEN
    chained = [k for k in SEEN if "{" in k and not k.endswith(("-> 404", "-> 422"))]
    assert chained, SEEN  # sequences did reach stored objects through links


SCENARIOS, STEPS = 30, 10
