"""Liveness and readiness probes for orchestrators and load balancers."""

import logging
from functools import lru_cache
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
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


@lru_cache(maxsize=1)
def code_heads() -> frozenset[str]:
    """The migrations the code needs applied: the heads of migrations/, read once."""
    config = Config(Path(__file__).resolve().parents[2] / "alembic.ini")
    return frozenset(ScriptDirectory.from_config(config).get_heads())


@router.get("/ready", responses=error_responses(DatabaseUnavailable))
async def ready(request: Request) -> HealthStatus:
    """The app can reach its database, and its migrations are those of the code.

    While a deployment has not yet run `alembic upgrade head`, requests that need the newer
    tables would fail: the instance is not ready for them.
    """
    database: Database = request.app.state.database
    try:
        applied = await database.migration_heads()
    except Exception as error:
        logger.warning("readiness check failed: %s", error)
        raise DatabaseUnavailable("The database is unreachable") from error
    if applied != code_heads():
        logger.warning("not ready: the database is at %s, the code at %s", applied, code_heads())
        raise DatabaseUnavailable("The database's migrations are not those of the code")
    return HealthStatus(status="ok")


# The probes' paths, which the default rate limit leaves alone.
PATHS = frozenset(route.path for route in router.routes if isinstance(route, APIRoute))
