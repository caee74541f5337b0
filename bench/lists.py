"""Benchmark list pages on a table of 1,000,000 rows on PostgreSQL (issue 23).

As a user would build it: ``fastapi-gen new listbench --database postgresql``, then two features
with the same fields, one with offset pages (the default) and one with ``--pagination cursor``:
``title:str:80:search price:decimal:10:2:min=0:index status:enum:new:paid:shipped --public``.
Each table is filled with 1,000,000 rows by one ``INSERT ... SELECT FROM generate_series`` and
analysed. The app runs in process (httpx over ASGI, the lifespan entered as Starlette runs it),
so the figures are the app's and the database's, not a server's or a network's.

Measured, each the median of ``--repeat`` requests after one warm-up: the first page (20 rows),
a page at depth 900,000 by offset and by cursor (the cursor the server signs for the row before
it, built with the project's own ``cursor_after``), and a filtered, sorted page
(``status=paid&price_min=100&price_max=500&sort=-price``) both ways. Goal: the cursor page at
depth 900,000 within 2x of the first page.

``python bench/lists.py [--repeat N] [--postgres-url URL]``, the URL a maintenance database on
a server where the role may create databases (default: $FASTAPI_GEN_TEST_POSTGRES_URL); a
database ``listbench`` is (re)created there. Not a test.
"""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

ROWS = 1_000_000
DEPTH = 900_000
FIELDS = ["title:str:80:search", "price:decimal:10:2:min=0:index", "status:enum:new:paid:shipped"]
FILTERED = {"status": "paid", "price_min": "100", "price_max": "500", "sort": "-price"}
BIN = Path(sys.executable).parent


def fastapi_gen(*arguments: str, cwd: Path) -> None:
    subprocess.run([str(BIN / "fastapi-gen"), *arguments], cwd=cwd, check=True, capture_output=True)


async def recreate(admin_url: str, name: str) -> str:
    admin = make_url(admin_url).set(drivername="postgresql+asyncpg")
    engine = create_async_engine(admin, isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()
    return admin.set(database=name).render_as_string(hide_password=False)


async def fill(url: str, table: str) -> float:
    """ROWS rows in one statement; returns the seconds it took."""
    engine = create_async_engine(url)
    started = time.perf_counter()
    async with engine.begin() as connection:
        owner = await connection.scalar(
            text(
                "SELECT count(*) FROM information_schema.columns "
                "WHERE table_name = :table AND column_name = 'owner_id'"
            ),
            {"table": table},
        )
        if owner:
            await connection.execute(
                text(
                    "INSERT INTO users (email, password_hash, role, is_active, created_at, "
                    "updated_at) VALUES ('bench@example.com', 'x', 'user', true, now(), now()) "
                    "ON CONFLICT DO NOTHING"
                )
            )
        columns = "owner_id, " if owner else ""
        values = "(SELECT min(id) FROM users), " if owner else ""
        await connection.execute(
            text(
                # table is one of this script's two feature names, not input
                f"INSERT INTO {table} ({columns}title, price, status, created_at, updated_at) "  # noqa: S608
                f"SELECT {values}'item ' || g, (g % 100000) / 100.0, "
                "(ARRAY['new', 'paid', 'shipped'])[g % 3 + 1], "
                "now() - g * interval '1 second', now() "
                f"FROM generate_series(1, {ROWS}) AS g"
            )
        )
    async with engine.connect() as connection:
        await connection.execute(text(f"ANALYZE {table}"))
    await engine.dispose()
    return time.perf_counter() - started


async def timed(client: httpx.AsyncClient, url: str, params: dict[str, Any], repeat: int) -> float:
    """Median milliseconds of `repeat` requests, after one warm-up."""
    response = await client.get(url, params=params)
    response.raise_for_status()
    if not response.json()["items"]:
        raise RuntimeError(f"an empty page measures nothing: {url} {params}")
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = await client.get(url, params=params)
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return statistics.median(times)


async def measure(project: Path, url: str, repeat: int) -> dict[str, float]:
    os.environ.update(DATABASE_URL=url, ENVIRONMENT="development", LOG_LEVEL="WARNING")
    sys.path.insert(0, str(project))
    from app.core.config import API_PREFIX, get_settings  # type: ignore[import-not-found]
    from app.core.pagination import Keys, cursor_after  # type: ignore[import-not-found]
    from app.features.entries.models import Entry  # type: ignore[import-not-found]
    from app.features.entries.schemas import EntryQuery  # type: ignore[import-not-found]
    from app.main import create_app  # type: ignore[import-not-found]

    settings = get_settings()
    app = create_app(settings)
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        before = (
            await connection.execute(
                text("SELECT id FROM entries ORDER BY id OFFSET :skip LIMIT 1"), {"skip": DEPTH - 1}
            )
        ).one()
    await engine.dispose()
    keys = Keys(column=Entry.id, descending=False, id=Entry.id)
    secret = settings.secret_key.get_secret_value()
    cursor = cursor_after(secret, EntryQuery(), keys, before)
    results = {}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            items, entries = f"{API_PREFIX}/items", f"{API_PREFIX}/entries"
            results["first page, offset"] = await timed(client, items, {}, repeat)
            results["first page, cursor"] = await timed(client, entries, {}, repeat)
            results[f"depth {DEPTH:,}, offset"] = await timed(
                client, items, {"offset": DEPTH}, repeat
            )
            results[f"depth {DEPTH:,}, cursor"] = await timed(
                client, entries, {"cursor": cursor}, repeat
            )
            results["filtered, sorted, offset"] = await timed(client, items, FILTERED, repeat)
            results["filtered, sorted, cursor"] = await timed(client, entries, FILTERED, repeat)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--postgres-url", default=os.environ.get("FASTAPI_GEN_TEST_POSTGRES_URL"))
    arguments = parser.parse_args()
    if not arguments.postgres_url:
        parser.error("give --postgres-url or set FASTAPI_GEN_TEST_POSTGRES_URL")
    with tempfile.TemporaryDirectory(prefix="listbench-") as root:
        fastapi_gen(
            "new", "listbench", "--database", "postgresql", "--no-lock", "--no-git",
            cwd=Path(root),
        )  # fmt: skip
        project = Path(root) / "listbench"
        fastapi_gen("add-feature", "items", *FIELDS, "--public", cwd=project)
        fastapi_gen(
            "add-feature", "entries", *FIELDS, "--public", "--pagination", "cursor", cwd=project
        )
        url = asyncio.run(recreate(arguments.postgres_url, "listbench"))
        env = {**os.environ, "DATABASE_URL": url}
        subprocess.run(
            [str(BIN / "alembic"), "upgrade", "head"], cwd=project, env=env, check=True,
            capture_output=True,
        )  # fmt: skip
        for table in ("items", "entries"):
            print(f"filled {table}: {ROWS:,} rows in {asyncio.run(fill(url, table)):.1f} s")
        results = asyncio.run(measure(project, url, arguments.repeat))
    print(f"\n| page ({ROWS:,} rows) | median ms |\n| --- | ---: |")
    for label, value in results.items():
        print(f"| {label} | {value:.2f} |")
    ratio = results[f"depth {DEPTH:,}, cursor"] / results["first page, cursor"]
    print(f"\ncursor at depth {DEPTH:,} / first page: {ratio:.2f}x (goal: within 2x)")


if __name__ == "__main__":
    main()
