"""Liveness and readiness probes for orchestrators and load balancers."""

import logging

from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel

from app.core.db import Database
from app.core.errors import DatabaseUnavailable, error_responses

logger = logging.getLogger(__name__)

# No known-query check: probes accept and ignore a query string (some add a cache buster).
router = APIRouter(prefix="/health", tags=["health"])


class HealthStatus(BaseModel):
    status: str


LIVE = HealthStatus(status="ok").model_dump_json().encode()


@router.get("/live", response_model=HealthStatus)
async def live() -> Response:
    """The process is up and serving requests.

    The answer never changes, so it is encoded once, at import.
    """
    return Response(LIVE, media_type="application/json")


@router.get("/ready", responses=error_responses(DatabaseUnavailable))
async def ready(request: Request) -> HealthStatus:
    """The app can reach its database, so it can take traffic."""
    database: Database = request.app.state.database
    try:
        await database.ping()
    except Exception as error:
        logger.warning("readiness check failed: %s", error)
        raise DatabaseUnavailable("The database is unreachable") from error
    return HealthStatus(status="ok")


# The probes' paths, which the default rate limit leaves alone.
PATHS = frozenset(route.path for route in router.routes if isinstance(route, APIRoute))
