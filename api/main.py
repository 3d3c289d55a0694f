"""The FastAPI application: ``create_app()`` builds it, ``run(host, port)`` serves it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import errors, web
from api.db import make_engine, migrate, session_factory
from api.jobs import InProcessJobRunner, JobRunner
from api.limits import EdgeLimits
from api.links import add_links
from api.routes import auth, exports, jobs, policies, repair, rosters, sites
from api.settings import Settings, get_settings

DESCRIPTION = """
Weekly staff rosters for public offices under an epidemic: the on-site cap, two rotating teams,
rapid tests, counters and essential tasks covered.

**Auth.** Send `Authorization: Bearer <token>` (or `X-API-Key: <token>`). Roles: `hr` (policies,
every site), `head` (own unit only: generate, edit, publish), `portal` (read and generate for any
unit). Errors are JSON: `{"message", "field", "issues"}`.

**Flow.** `POST /jobs` (202 + Location) -> poll `GET /jobs/{id}` -> `GET /rosters/{roster_id}` ->
`PATCH` cells (re-checked by the referee) -> `POST /rosters/{id}/publish` -> exports.
"""


def create_app(
    settings: Settings | None = None, runner_factory: type[JobRunner] | None = None
) -> FastAPI:
    """The app. Start-up migrates the database, recovers jobs a dead server left solving and
    starts the job runner; shut-down stops it."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings)
        if settings.auto_migrate:
            migrate(engine)
        factory = session_factory(engine)
        runner = (runner_factory or InProcessJobRunner)(factory, settings)  # type: ignore[call-arg]
        app.state.settings = settings
        app.state.engine = engine
        app.state.sessionmaker = factory
        app.state.runner = runner
        runner.start()
        try:
            yield
        finally:
            runner.shutdown()
            engine.dispose()

    app = FastAPI(
        title="Office roster API", version="0.1.0", description=DESCRIPTION, lifespan=lifespan
    )
    app.state.settings = settings
    errors.install(app)
    app.add_middleware(
        EdgeLimits,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
    )
    for module in (auth, sites, policies, jobs, rosters, exports, repair):
        app.include_router(module.router)
    app.include_router(sites.scenarios_router)
    web.install(app)

    def openapi() -> dict:
        if app.openapi_schema is None:
            from fastapi.openapi.utils import get_openapi

            app.openapi_schema = add_links(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.get(
        "/health",
        tags=["health"],
        summary="Liveness and queue size",
        responses={
            200: {"content": {"application/json": {"example": {"status": "ok", "queued": 0}}}}
        },
    )
    def health() -> dict[str, object]:
        runner: JobRunner | None = getattr(app.state, "runner", None)
        return {"status": "ok", "queued": runner.queue_size() if runner else 0}

    return app


def run(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the API (used by ``roster serve --host --port``); settings from the environment."""
    import uvicorn

    uvicorn.run(create_app(), host=host, port=port, log_level="info")


if __name__ == "__main__":  # pragma: no cover
    run()
