"""The request owns the transaction: commit on success, roll back on error.

What the database refuses maps to the one error shape: a taken unique value is a 409, a
reference to a missing row a 422, and anything else (a bug in the app) a logged 500.
"""

import logging
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


@pytest.fixture(scope="module")
def probe_app(settings: Settings, engine: AsyncEngine) -> FastAPI:
    """The real app plus routes that write to the probe tables; one for the module."""
    app = create_app(settings, Database(engine))

    @app.post("/probe/null")
    async def write_null(session: SessionDep) -> None:
        await session.execute(text("INSERT INTO probe (n) VALUES (NULL)"))

    @app.post("/probe-child/{parent}")
    async def write_child(parent: int, session: SessionDep) -> None:
        await session.execute(text("INSERT INTO probe_child (parent) VALUES (:p)"), {"p": parent})

    @app.delete("/probe/{n}")
    async def delete(n: int, session: SessionDep) -> None:
        await session.execute(text("DELETE FROM probe WHERE n = :n"), {"n": n})

    @app.post("/probe/{n}")
    async def write(n: int, session: SessionDep, fail: str = "") -> None:
        await session.execute(text("INSERT INTO probe (n) VALUES (:n)"), {"n": n})
        if fail == "rollback":
            raise Conflict("refused")
        if fail == "keep":
            raise KeptConflict("refused, but what was done stays")

    return app


@pytest.fixture
async def app(
    probe_app: FastAPI,
    engine: AsyncEngine,
    connection: AsyncConnection,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> FastAPI:
    """`probe_app` in this test's transaction, where the probe tables exist until rollback."""
    await connection.execute(text("CREATE TABLE probe (n INTEGER NOT NULL UNIQUE)"))
    await connection.execute(text("CREATE TABLE probe_child (parent INTEGER REFERENCES probe (n))"))
    probe_app.state.database = Database(engine, sessionmaker)
    return probe_app


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


async def test_what_the_database_refuses_keeps_the_error_shape(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.post("/probe/1")).status_code == HTTPStatus.OK
        assert (await client.post("/probe-child/1")).status_code == HTTPStatus.OK
        duplicate = await client.post("/probe/1")
        dangling = await client.post("/probe-child/2")
        still_referenced = await client.delete("/probe/1")
        with caplog.at_level(logging.ERROR, logger="app.core.errors"):
            bug = await client.post("/probe/null")

    assert (duplicate.status_code, duplicate.json()["error"]["code"]) == (409, "conflict")
    assert (dangling.status_code, dangling.json()["error"]["code"]) == (422, "unprocessable")
    assert (still_referenced.status_code, still_referenced.json()["error"]["code"]) == (
        409,
        "conflict",
    )
    # NOT NULL is not the client's to break: the app must have refused the value first.
    assert bug.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "unhandled error on POST /probe/null" in caplog.text


async def test_reads_run_without_a_transaction_on_postgresql(
    settings: Settings, engine: AsyncEngine
) -> None:
    """Each statement of a GET is its own transaction there: no BEGIN and COMMIT round trips."""
    database = Database(engine)
    if engine.dialect.name != "postgresql":
        assert database.reader is database.sessionmaker  # SQLite reads cost no round trips
        return
    app = create_app(settings, database)

    async def transaction_ids(session: AsyncSession) -> list[int]:
        query = text("SELECT txid_current()")
        return [int(await session.scalar(query) or 0), int(await session.scalar(query) or 0)]

    @app.get("/xids")
    async def read(session: SessionDep) -> list[int]:
        return await transaction_ids(session)

    @app.post("/xids")
    async def write(session: SessionDep) -> list[int]:
        return await transaction_ids(session)

    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        first, second = (await client.get("/xids")).json()
        same, again = (await client.post("/xids")).json()

    assert first != second
    assert same == again
