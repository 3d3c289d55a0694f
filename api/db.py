"""Database engine and sessions: SQLite by default, PostgreSQL when the URL says so."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from api.settings import Settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(settings: Settings) -> Engine:
    """An engine for ``settings.database_url`` (WAL and a busy timeout for SQLite)."""
    url = settings.database_url
    if url.startswith("sqlite"):
        wait = settings.db_lock_timeout
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": wait})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={int(wait * 1000)}")
            cur.close()

        return engine
    options = [f"-clock_timeout={int(settings.db_lock_timeout * 1000)}"]
    if settings.db_schema:
        options.append(f"-csearch_path={settings.db_schema}")
    connect_args = {"options": " ".join(options)}
    return create_engine(
        url, pool_pre_ping=True, pool_size=10, max_overflow=20, connect_args=connect_args
    )


def migrate(engine: Engine, attempts: int = 5) -> None:
    """Bring the database to the newest Alembic revision. API instances and workers may start
    together: on PostgreSQL an advisory lock lets one migrate at a time; elsewhere a failed
    attempt (another process migrated first) is retried."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    for attempt in range(attempts):
        try:
            with engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(7319420012)"))
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
            return
        except Exception:
            if attempt == attempts - 1:
                raise
            time.sleep(0.5 + attempt)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def iter_session(factory: sessionmaker[Session]) -> Iterator[Session]:
    with factory() as session:
        yield session
