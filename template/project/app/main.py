"""The application factory: `uvicorn app.main:app`."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app import features
from app.core import health
from app.core.config import Settings, get_settings
from app.core.db import Database
from app.core.dependencies import reject_unknown_query_parameters
from app.core.errors import Unprocessable, error_responses, register_error_handlers
from app.core.logging import configure_logging


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    database = database or Database.from_url(settings.database_url, echo=settings.database_echo)
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await database.dispose()

    app = FastAPI(
        title=settings.app_name,
        lifespan=lifespan,
        # Every route can refuse its input, always in the one error shape.
        responses=error_responses(Unprocessable),
        dependencies=[Depends(reject_unknown_query_parameters)],
    )
    app.state.settings = settings
    app.state.database = database
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
        )
    register_error_handlers(app)
    app.include_router(health.router)
    for router in features.routers():
        app.include_router(router)
    return app


app = create_app()
