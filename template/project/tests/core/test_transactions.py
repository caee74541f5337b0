"""The request owns the transaction: commit on success, roll back on error."""

from http import HTTPStatus

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from app.core.config import Settings
from app.core.db import Database
from app.core.dependencies import SessionDep
from app.core.errors import Conflict
from app.main import create_app


class KeptConflict(Conflict):
    keeps_changes = True


@pytest.fixture
async def app(
    settings: Settings,
    engine: AsyncEngine,
    connection: AsyncConnection,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> FastAPI:
    await connection.execute(text("CREATE TABLE probe (n INTEGER NOT NULL)"))
    app = create_app(settings, Database(engine, sessionmaker))

    @app.post("/probe/null")
    async def write_null(session: SessionDep) -> None:
        await session.execute(text("INSERT INTO probe (n) VALUES (NULL)"))

    @app.post("/probe/{n}")
    async def write(n: int, session: SessionDep, fail: str = "") -> None:
        await session.execute(text("INSERT INTO probe (n) VALUES (:n)"), {"n": n})
        if fail == "rollback":
            raise Conflict("refused")
        if fail == "keep":
            raise KeptConflict("refused, but what was done stays")

    return app


async def test_only_failed_requests_are_rolled_back(
    app: FastAPI, connection: AsyncConnection
) -> None:
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://test") as client:
        statuses = [
            (await client.post("/probe/1")).status_code,
            (await client.post("/probe/2", params={"fail": "rollback"})).status_code,
            (await client.post("/probe/3", params={"fail": "keep"})).status_code,
        ]

    rows = (await connection.execute(text("SELECT n FROM probe ORDER BY n"))).scalars().all()
    assert statuses == [HTTPStatus.OK, HTTPStatus.CONFLICT, HTTPStatus.CONFLICT]
    assert rows == [1, 3]


async def test_a_constraint_violation_is_409_not_500(app: FastAPI) -> None:
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.post("/probe/null")

    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json()["error"]["code"] == "conflict"
