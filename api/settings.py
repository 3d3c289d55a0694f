"""Server settings, read from the environment (prefix ``ROSTER_``) or a ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_ADMIN_TOKEN = 20
WEAK_TOKENS = {"change-me", "changeme", "change-me-please", "admin", "password", "secret"}


class Settings(BaseSettings):
    """Every setting of the API server. Environment variables win over defaults.

    ``DATABASE_URL`` (or ``ROSTER_DATABASE_URL``) picks the database: a SQLite file next to where
    the server starts by default, PostgreSQL with ``postgresql+psycopg://user@host/db``.
    """

    model_config = SettingsConfigDict(env_prefix="ROSTER_", env_file=".env", extra="ignore")

    database_url: str = Field(
        "sqlite:///roster.db",
        validation_alias=AliasChoices("ROSTER_DATABASE_URL", "DATABASE_URL"),
        description="SQLAlchemy URL of the database.",
    )
    db_schema: str | None = Field(
        None, description="PostgreSQL schema to use (search_path); None: the default schema."
    )
    auto_migrate: bool = Field(True, description="Run Alembic migrations at start-up.")
    db_lock_timeout: float = Field(
        30.0,
        gt=0,
        description="Seconds a request waits for a row or database lock another writer holds; "
        "then it answers 503 with Retry-After.",
    )
    admin_token: SecretStr | None = Field(
        None, description="A bootstrap token with the hr role (env ROSTER_ADMIN_TOKEN)."
    )
    default_time_limit: float = Field(10.0, gt=0, description="Seconds per solve when not given.")
    max_time_limit: float = Field(60.0, gt=0, description="Cap on a job's time limit, seconds.")
    max_concurrent_solves: int = Field(
        1, ge=1, description="Solves running at once; the rest queue."
    )
    solver_workers: int = Field(2, ge=1, description="CP-SAT search workers per solve.")
    solve_function: str = Field(
        "solver:solve", description="'module:function' that solves a Problem (tests swap it)."
    )
    first_chunk_fraction: float = Field(
        0.15,
        gt=0,
        le=1,
        description="Share of the time limit of the first solve chunk: its roster is kept as the "
        "best so far if the job is stopped later.",
    )
    solver_nice: int = Field(
        10, ge=0, le=19, description="Niceness of solver processes: the API answers first."
    )
    recover: Literal["requeue", "fail"] = Field(
        "requeue", description="What start-up does with jobs a dead server left solving."
    )
    max_attempts: int = Field(2, ge=1, description="A job solving at this many crashes fails.")
    progress_interval: float = Field(0.5, ge=0, description="Min seconds between progress writes.")
    broker_url: str | None = Field(
        None,
        validation_alias=AliasChoices("ROSTER_BROKER_URL", "BROKER_URL"),
        description="Celery broker (e.g. amqp://guest:guest@127.0.0.1:5672//). None: the API "
        "solves in-process, through the same task code (one machine, no broker).",
    )
    queue_name: str = Field("roster", description="Celery queue the jobs go to.")
    job_lease: float = Field(
        30.0,
        gt=0,
        description="Seconds a worker's claim on a job lasts; renewed while it solves. A job "
        "whose lease expired is taken over (its worker is gone).",
    )
    time_limit_margin: float = Field(
        60.0, ge=0, description="A solve is killed this long after its own time limit."
    )
    db_retry_seconds: float = Field(
        600.0,
        ge=0,
        description="How long a worker keeps retrying a write (with back-off) while the "
        "database is unreachable; the solved roster is kept in memory meanwhile.",
    )
    sweep_interval: float = Field(
        10.0, gt=0, description="Seconds between checks for jobs whose worker is gone."
    )
    repair_wait: float = Field(
        30.0,
        ge=0,
        description="Repair routes wait this long for their job, then answer 202 with it.",
    )
    split_parts: int = Field(
        0,
        ge=0,
        le=64,
        description="A site that splits into independent parts is solved as at most this many "
        "part jobs that any worker may take (0 or 1: solved whole, in one job).",
    )
    solve_log: str | None = Field(
        None,
        description="A file to which each solve start appends its job id and worker (an "
        "audit of how many times each job was solved, and where; the load script reads it).",
    )
    max_upload_bytes: int = Field(5_000_000, ge=1, description="Largest staff file accepted.")
    max_body_bytes: int = Field(
        4_000_000, ge=1024, description="Largest JSON body accepted (413 above)."
    )
    max_import_rows: int = Field(
        5_000, ge=1, description="Most staff rows in one imported file (413 above)."
    )
    max_queued_jobs_per_token: int = Field(
        20, ge=1, description="Jobs one token may have queued or solving at once (429 above)."
    )
    auth_failures_per_minute: int = Field(
        20,
        ge=1,
        description="Failed authentications one client (address) may make per minute; "
        "the next ones get 429 until the minute has passed.",
    )
    dev: bool = Field(
        False,
        description="Development mode (env ROSTER_DEV=1): accepts a weak admin token. Never "
        "in production.",
    )

    @model_validator(mode="after")
    def _strong_admin_token(self) -> Settings:
        if self.admin_token is None or self.dev:
            return self
        token = self.admin_token.get_secret_value()
        if len(token) < MIN_ADMIN_TOKEN or token.lower() in WEAK_TOKENS:
            raise ValueError(
                f"ROSTER_ADMIN_TOKEN is too weak: use at least {MIN_ADMIN_TOKEN} random "
                "characters (e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))'), "
                "not a documented example; ROSTER_DEV=1 allows a weak one for development only"
            )
        return self


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (cached)."""
    return Settings()
