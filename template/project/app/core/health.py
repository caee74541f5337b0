"""Liveness and readiness probes for orchestrators and load balancers."""

import logging
from http import HTTPStatus

from fastapi import APIRouter, Request
from pydantic import BaseModel

from app.core.db import Database
from app.core.errors import AppError, error_responses

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/health", tags=["health"])


class HealthStatus(BaseModel):
    status: str


class DatabaseUnavailable(AppError):
    status_code = HTTPStatus.SERVICE_UNAVAILABLE
    code = "database_unavailable"


@router.get("/live")
async def live() -> HealthStatus:
    """The process is up and serving requests."""
    return HealthStatus(status="ok")


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
