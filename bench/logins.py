"""Measure one worker's memory under a burst of 100 concurrent logins.

A default project (SQLite, auth) is served by uvicorn, one worker, with production's Argon2id
cost (64 MiB, t=3). One account is registered, then 100 logins are sent at once; the worker's
peak resident memory (VmHWM) is read from /proc. Run with the default PASSWORD_HASH_CONCURRENCY
and with it raised to uvicorn's thread count (40, as if unbounded), to show what the bound buys.
Not a test: run ``python bench/logins.py [--postgres-url URL]``; with a PostgreSQL server's
URL (as FASTAPI_GEN_TEST_POSTGRES_URL gives) the project is a PostgreSQL one, whose logins do
not queue on SQLite's write lock, so the hashes really run side by side.
"""

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import httpx
from cli import console_script, run
from serving import fresh_database, resident_mib, serve

BURST = 100
EMAIL, PASSWORD = "burst@example.com", "burst-password-1"


async def burst(base: str) -> tuple[float, dict[int, int]]:
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        registered = await client.post(
            "/api/v1/auth/register", json={"email": EMAIL, "password": PASSWORD}
        )
        assert registered.status_code == 201, registered.text  # noqa: S101
        form = {"username": EMAIL, "password": PASSWORD}
        start = time.perf_counter()
        responses = await asyncio.gather(
            *(client.post("/api/v1/auth/login", data=form) for _ in range(BURST))
        )
        statuses: dict[int, int] = {}
        for response in responses:
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        return time.perf_counter() - start, statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres-url", help="a PostgreSQL maintenance URL")
    arguments = parser.parse_args()
    database = ["--database", "postgresql"] if arguments.postgres_url else []
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        run([console_script(), "new", "burst-api", "--no-git", "-o", root, *database])
        project = root / "burst-api"
        for concurrency in ("2", "40"):
            db: dict[str, str] = {}
            if arguments.postgres_url:
                db["DATABASE_URL"] = asyncio.run(
                    fresh_database(arguments.postgres_url, "burst_api")
                )
            (project / "burst_api.db").unlink(missing_ok=True)
            run([sys.executable, "-m", "alembic", "upgrade", "head"], cwd=project, env=db)
            env = {
                **db,
                "ENVIRONMENT": "test",
                "LOG_LEVEL": "WARNING",
                "RATE_LIMIT_LOGIN": "",
                "RATE_LIMIT_LOGIN_FAILURES": "",
                "LOGIN_SLOWDOWN_PER_ACCOUNT": "",
                "PASSWORD_HASH_CONCURRENCY": concurrency,
            }
            with serve(project, env, root / "server.log", with_pid=True) as (url, pid):
                base = url.removesuffix("/health/live")
                idle = resident_mib(pid, "VmHWM")
                seconds, statuses = asyncio.run(burst(base))
                peak = resident_mib(pid, "VmHWM")
            print(
                f"PASSWORD_HASH_CONCURRENCY={concurrency:>2}: {BURST} logins in {seconds:.1f} s "
                f"{statuses}, peak RSS {peak:.0f} MiB (before the burst {idle:.0f} MiB)"
            )


if __name__ == "__main__":
    main()
