"""The FastAPI application: ``create_app()`` builds it, ``run(host, port)`` serves it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from api import errors, web
from api.db import make_engine, migrate, session_factory
from api.jobs import JobRunner, make_runner
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
    """The app. Start-up migrates the database, recovers jobs whose worker is gone and starts
    the job runner (Celery when ``broker_url`` is set, else in-process); shut-down stops it."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings)
        if settings.auto_migrate:
            migrate(engine)
        factory = session_factory(engine)
        if runner_factory is not None:
            runner = runner_factory(factory, settings)
        else:
            runner = make_runner(factory, settings)
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
        summary="Can jobs run: database, broker, workers alive, queue depth",
        description="200 when jobs can run; 503 when the database or the broker does not "
        "answer, or no worker is alive (Celery engine).",
        responses={
            200: {
                "content": {
                    "application/json": {
                        "example": {
                            "status": "ok",
                            "engine": "celery",
                            "database": "ok",
                            "broker": "ok",
                            "workers": 2,
                            "queued": 0,
                        }
                    }
                }
            },
            503: {"description": "Jobs cannot run now (same body, status 'unavailable')"},
        },
    )
    def health() -> JSONResponse:
        runner: JobRunner | None = getattr(app.state, "runner", None)
        info = runner.health() if runner else {"ok": False, "database": "not started"}
        ok = bool(info.pop("ok", False))
        body = {"status": "ok" if ok else "unavailable", **info}
        return JSONResponse(body, status_code=200 if ok else 503)

    return app


def run(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the API (used by ``roster serve --host --port``); settings from the environment."""
    import uvicorn

    uvicorn.run(create_app(), host=host, port=port, log_level="info")


if __name__ == "__main__":  # pragma: no cover
    run()
