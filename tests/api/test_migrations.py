"""The migrations build exactly the tables the models describe, and upgrade a database that
holds jobs from before the job leases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text

from api.db import migrate
from api.models import Base


def test_models_match_migrations(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == [], diff


def test_job_leases_upgrade_keeps_old_jobs(tmp_path):
    from alembic import command
    from alembic.config import Config

    from api.db import MIGRATIONS

    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.execute(
            text(
                "INSERT INTO sites (id, name, definition, staff, absences, requests, fixed, "
                "created_at, updated_at, updated_by) VALUES ('s1', 'x', '{}', '[]', '[]', '[]', "
                "'[]', '2021-01-01', '2021-01-01', '')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO jobs (id, site_id, status, policy_version, start, days, time_limit, "
                "problem, created_by, created_at, attempts, stop_requested, solutions, elapsed, "
                "message) VALUES ('j1', 's1', 'solving', 1, '2021-12-13', 7, 10, '{}', '', "
                "'2021-01-01', 1, 0, 0, 0, '')"
            )
        )
    migrate(engine)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT kind, site_id, worker, lease_until FROM jobs")).one()
    engine.dispose()
    assert tuple(row) == ("roster", "s1", None, None), "an old job: a roster job with no lease"
