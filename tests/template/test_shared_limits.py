"""Rate limits hold across processes: two uvicorn processes of one rendered project, counting
in one real Redis server, refuse the client together once it has used up the limit."""

from pathlib import Path

import httpx
import pytest
from pytest_copie.plugin import Copie

from tests.template.conftest import REDIS_URL_VARIABLE, Project, Variant, render, server_url
from tests.template.live import migrate, serve

pytestmark = pytest.mark.slow
LIMIT = 4
# A database of its own on the test server, emptied first: no count of an earlier run is left.
REDIS_DB = 7


@pytest.fixture(scope="module")
def project(copie_session: Copie, template_dir: Path) -> Project:
    variant = Variant("sqlite", auth=False)
    path = render(copie_session, template_dir, database="sqlite", auth=False)
    project = Project(path, variant, {"DATABASE_URL": f"sqlite+aiosqlite:///{path / 'app.db'}"})
    migrate(project)
    return project


def _statuses(base_urls: list[str], requests: int) -> list[int]:
    """Send `requests` requests, alternating between the servers; their statuses in order.

    Not to the probes, which the default limit leaves alone.
    """
    return [
        httpx.get(f"{base_urls[n % len(base_urls)]}/openapi.json", timeout=10.0).status_code
        for n in range(requests)
    ]


def _limits(storage_url: str) -> dict[str, str]:
    return {
        "RATE_LIMIT_ENABLED": "true",
        "RATE_LIMIT_DEFAULT": f"{LIMIT}/minute",
        "RATE_LIMIT_STORAGE_URL": storage_url,
    }


def test_two_processes_share_one_limit_in_redis(project: Project, tmp_path: Path) -> None:
    import redis

    url = f"{server_url(REDIS_URL_VARIABLE, 'Redis').rstrip('/')}/{REDIS_DB}"
    env = _limits(url)

    with serve(project, tmp_path / "a.log", env) as a, serve(project, tmp_path / "b.log", env) as b:
        redis.Redis.from_url(url).flushdb()  # forget the counts of an earlier run
        statuses = _statuses([a.base_url, b.base_url], 2 * LIMIT)

    # Each server answered half of the allowed requests; then both refused.
    assert statuses == [200] * LIMIT + [429] * LIMIT


def test_in_memory_each_process_counts_alone(project: Project, tmp_path: Path) -> None:
    env = _limits("memory://")

    with serve(project, tmp_path / "a.log", env) as a, serve(project, tmp_path / "b.log", env) as b:
        statuses = _statuses([a.base_url, b.base_url], 2 * LIMIT + 2)

    # Each server allowed the limit on its own, twice the limit in all, then refused.
    assert statuses == [200] * (2 * LIMIT) + [429] * 2
