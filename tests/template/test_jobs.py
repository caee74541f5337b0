"""Background jobs with real parts: the Redis `.ci/run` starts, real `taskiq worker` processes.

One rendered `--jobs` project per database is shared by the tests. A probe feature (only tasks)
is written into it: each task notes what it does in a file the test reads. Requests go through
the project's own app in a subprocess, on its real database, so the outbox commits for real.
"""

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_copie.plugin import Copie

from tests.template.conftest import (
    BIN,
    REDIS_URL_VARIABLE,
    Project,
    Variant,
    database_env,
    render,
    server_url,
)

# Redis database number the jobs checks write to (others use 0); each run has its own queue.
REDIS_DB = 7
# A job a dead worker held is redelivered after this long: small, so the check takes seconds.
REDELIVERY_SECONDS = 1

PROBE_TASKS = '''\
"""Probe tasks for the template's checks: each notes what it did in $PROBE_OUT."""

import asyncio
import os
from pathlib import Path

from asgi_correlation_id import correlation_id

from app.core.jobs import JobId, broker


def note(*words: str) -> None:
    with Path(os.environ["PROBE_OUT"]).open("a", encoding="utf-8") as out:
        out.write(" ".join(words) + "\\n")


@broker.task
async def record(value: int, job: JobId = "") -> None:
    # The request's id, as every log record of the job carries it.
    note("record", str(value), job, str(os.getpid()), correlation_id.get() or "-")


@broker.task
async def slow(job: JobId = "") -> None:
    note("slow-start", job, str(os.getpid()))
    await asyncio.sleep(4)
    note("slow-end", job, str(os.getpid()))


@broker.task
async def flaky(job: JobId = "") -> None:
    note("flaky", job)
    raise RuntimeError("flaky on purpose")


@broker.task(schedule=[{"interval": 1}])
async def tick(job: JobId = "") -> None:
    note("tick", job)
'''

# Runs in the project: one request through its app, which enqueues `task` and commits, or
# refuses after enqueueing it (and rolls back). Prints the status and the job's id.
REQUEST = """\
import asyncio
import sys

from httpx import ASGITransport, AsyncClient

from app.core.dependencies import SessionDep
from app.core.errors import Conflict
from app.core.jobs import enqueue
from app.features.probe import tasks
from app.main import create_app

app = create_app()


@app.post("/probe/{name}")
async def ask(name: str, session: SessionDep, fail: bool = False) -> dict[str, str]:
    arguments = {"value": 1} if name == "record" else {}
    job_id = enqueue(session, getattr(tasks, name), **arguments)
    if fail:
        raise Conflict("refused after enqueueing")
    return {"job_id": job_id}


async def main() -> None:
    # The app's lifespan: its broker and its relay, which sends what the request committed.
    async with app.router.lifespan_context(app):
        transport = ASGITransport(app=app)
        async with AsyncClient(transport=transport, base_url="http://test") as client:
            fail = {"fail": sys.argv[2] == "fail"}
            headers = {"X-Request-ID": "probe-request"}
            response = await client.post(f"/probe/{sys.argv[1]}", params=fail, headers=headers)
    print("ANSWER", response.status_code, response.json().get("job_id", "-"))


asyncio.run(main())
"""


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def jobs_project(
    request: pytest.FixtureRequest, copie_session: Copie, template_dir: Path
) -> Iterator[Project]:
    redis = server_url(REDIS_URL_VARIABLE, "Redis").rstrip("/")
    variant = Variant(request.param, auth=False, jobs=True)
    path = render(copie_session, template_dir, database=variant.database, auth=False, jobs=True)
    probe = path / "app/features/probe"
    probe.mkdir()
    (probe / "__init__.py").write_text("")
    (probe / "tasks.py").write_text(PROBE_TASKS)
    (path / "probe_request.py").write_text(REQUEST)
    env = database_env(variant, f"jobs_{variant.database}", path)
    queue = f"fastapi-gen-check-{secrets.token_hex(4)}"
    project = Project(
        path=path,
        variant=variant,
        env={
            **env,
            "JOBS_BROKER_URL": f"{redis}/{REDIS_DB}",
            "JOBS_QUEUE": queue,
            "JOBS_REDELIVERY_SECONDS": str(REDELIVERY_SECONDS),
            "JOBS_MAX_ATTEMPTS": "2",
            "JOBS_RETRY_DELAY_SECONDS": "1",
            "PROBE_OUT": str(path / "probe.out"),
        },
    )
    project.check("alembic", "upgrade", "head")
    yield project
    import redis as redis_client

    client = redis_client.Redis.from_url(f"{redis}/{REDIS_DB}")
    client.delete(queue, f"{queue}:retry")
    client.close()


@pytest.fixture
def notes(jobs_project: Project) -> Callable[[], list[list[str]]]:
    out = Path(jobs_project.env["PROBE_OUT"])
    out.unlink(missing_ok=True)
    return lambda: [line.split() for line in out.read_text().splitlines()] if out.exists() else []


@pytest.fixture
def start(jobs_project: Project) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Start `taskiq worker` or `taskiq scheduler` in the project; all are killed afterwards."""
    started: list[subprocess.Popen[str]] = []

    def run(*command: str) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [str(BIN / "taskiq"), *command],
            cwd=jobs_project.path,
            env={**os.environ, **jobs_project.env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,  # its own process group: the worker forks its processes
        )
        started.append(process)
        return process

    yield run
    for process in started:
        kill(process)


def kill(process: subprocess.Popen[str]) -> None:
    """SIGKILL the process and everything it forked: no chance to acknowledge anything."""
    with contextlib.suppress(ProcessLookupError):  # gone already
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def worker(start: Callable[..., subprocess.Popen[str]]) -> subprocess.Popen[str]:
    return start("worker", "app.worker:broker", "--workers", "1")


def wait_for(condition: Callable[[], bool], seconds: float, every: float = 0.05) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


def ask(project: Project, task: str, *, fail: bool = False) -> tuple[int, str]:
    """One request through the project's app that enqueues `task`; its status and job id."""
    result = project.run(sys.executable, "probe_request.py", task, "fail" if fail else "ok")
    assert result.returncode == 0, result.stdout + result.stderr
    _, status, job_id = next(
        line for line in result.stdout.splitlines() if line.startswith("ANSWER")
    ).split()
    return int(status), job_id


def test_a_committed_request_runs_its_job_exactly_once(
    jobs_project: Project,
    start: Callable[..., subprocess.Popen[str]],
    notes: Callable[[], list[list[str]]],
) -> None:
    worker(start)
    status, job_id = ask(jobs_project, "record")

    assert status == 200
    assert wait_for(lambda: len(notes()) >= 1, 20), "the job did not run"
    time.sleep(REDELIVERY_SECONDS + 1)  # long enough for a redelivery, were there one
    assert [note[:3] for note in notes()] == [["record", "1", job_id]]
    assert notes()[0][4] == "probe-request"  # the request's id, in the worker's job


def test_a_rolled_back_request_sends_nothing(
    jobs_project: Project,
    start: Callable[..., subprocess.Popen[str]],
    notes: Callable[[], list[list[str]]],
) -> None:
    import redis as redis_client

    client = redis_client.Redis.from_url(jobs_project.env["JOBS_BROKER_URL"])
    queue = jobs_project.env["JOBS_QUEUE"]
    sent_before = client.xlen(queue) if client.exists(queue) else 0
    worker(start)

    status, _ = ask(jobs_project, "record", fail=True)

    assert status == 409
    time.sleep(1)
    assert notes() == []
    assert (client.xlen(queue) if client.exists(queue) else 0) == sent_before
    client.close()


def test_a_job_whose_worker_is_killed_runs_on_another(
    jobs_project: Project,
    start: Callable[..., subprocess.Popen[str]],
    notes: Callable[[], list[list[str]]],
) -> None:
    first = worker(start)
    _, job_id = ask(jobs_project, "slow")
    assert wait_for(lambda: any(note[0] == "slow-start" for note in notes()), 20)
    kill(first)  # mid-job: it sleeps for 4 s and never acknowledges
    worker(start)
    time.sleep(REDELIVERY_SECONDS + 0.5)
    # taskiq-redis reclaims idle jobs after each read that brought new ones: a job wakes it.
    ask(jobs_project, "record")

    assert wait_for(lambda: any(note[0] == "slow-end" for note in notes()), 20)
    starts = [note for note in notes() if note[0] == "slow-start"]
    ends = [note for note in notes() if note[0] == "slow-end"]
    assert [note[1] for note in starts] == [job_id, job_id]  # the same job, twice
    assert starts[0][2] != starts[1][2]  # in two worker processes
    assert [note[1] for note in ends] == [job_id]


def test_a_periodic_task_fires_under_the_scheduler(
    start: Callable[..., subprocess.Popen[str]], notes: Callable[[], list[list[str]]]
) -> None:
    worker(start)
    start("scheduler", "app.worker:scheduler", "--update-interval", "1")

    assert wait_for(lambda: sum(note[0] == "tick" for note in notes()) >= 2, 20)


def test_a_failing_job_retries_then_is_listed_as_failed(
    jobs_project: Project,
    start: Callable[..., subprocess.Popen[str]],
    notes: Callable[[], list[list[str]]],
) -> None:
    worker(start)
    start(
        "scheduler", "app.worker:scheduler", "--update-interval", "1"
    )  # it sends the retry when its delay is over
    _, job_id = ask(jobs_project, "flaky")

    def listed() -> bool:
        return job_id in jobs_project.check(sys.executable, "-m", "app.worker", "failed")

    assert wait_for(lambda: sum(note[0] == "flaky" for note in notes()) >= 2, 30), notes()
    assert wait_for(listed, 10, every=0.5)
    assert [note for note in notes() if note[0] == "flaky"] == [["flaky", job_id]] * 2
