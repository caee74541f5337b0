"""Benchmark background jobs: one worker on one real Redis, the outbox's cost to a request.

A `--jobs --no-auth` project is rendered with a feature `notes` (add-feature) and a probe
feature written here: its tasks (`noop`, and `stamp`, which notes in Redis how long after its
request's commit it started) and three routes that create a note the same way: one of them
also enqueues `noop` through the outbox, one writes a second note at commit instead (the
yardstick: the one INSERT any transactional outbox adds to a request). PostgreSQL at
$FASTAPI_GEN_TEST_POSTGRES_URL (or `--database sqlite`), uvicorn with one worker, one
`taskiq worker` process with `--workers 1`, and the Redis at $FASTAPI_GEN_TEST_REDIS_URL (its
database 8, a queue of this run's own).

1. Jobs per second: N no-op jobs are put in the stream with the worker stopped; the worker is
   started and timed from its first acknowledgement to its last (XINFO GROUPS).
2. Commit to start: requests one at a time, each enqueueing `stamp(sent=time just before the
   commit)`; the task notes `time.time() - sent` when it starts: median and p99.
3. What the outbox costs a create: wrk POSTs, rounds interleaved, with and without a job, and
   with a second row (the worker stopped: on two cores it would take its CPU from the app; the
   app's relay still sends every job, which waits in Redis).

Not a test: run ``python bench/jobs.py [--jobs N] [--rounds N] [--seconds S]``. Goals (issue
21): at least 1,000 no-op jobs/s; commit to start at most 20 ms median, 200 ms p99; a create
with a job at least 0.90 of one without.
"""

import argparse
import asyncio
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import redis
from cli import console_script, run
from serving import fresh_database, two_cpus, uvicorn, wrk_run

REDIS_DB = 8
TASKS = '''"""Probe tasks for bench/jobs.py."""

import os
import time

import redis.asyncio as redis

from app.core.jobs import JobId, broker

store = redis.Redis.from_url(os.environ["BENCH_REDIS_URL"])


@broker.task
async def noop(job: JobId = "") -> None:
    return None


@broker.task
async def stamp(sent: float, job: JobId = "") -> None:
    await store.rpush("bench:latency", time.time() - sent)
'''
ROUTER = '''"""Probe routes for bench/jobs.py: the same create, without and with a job."""

import time

from fastapi import APIRouter

from app.core.dependencies import SessionDep
from app.core.jobs import enqueue
from app.features.notes.models import Note
from app.features.probe import tasks

router = APIRouter(prefix="/probe", tags=["probe"])


@router.post("/plain", status_code=201)
async def plain(session: SessionDep) -> dict[str, int]:
    note = Note(title="made by wrk")
    session.add(note)
    await session.flush()
    return {"id": note.id}


@router.post("/with-job", status_code=201)
async def with_job(session: SessionDep) -> dict[str, int]:
    note = Note(title="made by wrk")
    session.add(note)
    await session.flush()
    enqueue(session, tasks.noop)
    return {"id": note.id}


@router.post("/second-row", status_code=201)
async def second_row(session: SessionDep) -> dict[str, int]:
    """The yardstick: the same create and one more INSERT at commit, as the outbox row is."""
    note = Note(title="made by wrk")
    session.add(note)
    await session.flush()
    session.add(Note(title="a second row"))
    return {"id": note.id}


@router.post("/stamp", status_code=201)
async def stamped(session: SessionDep) -> dict[str, int]:
    note = Note(title="stamped")
    session.add(note)
    await session.flush()
    enqueue(session, tasks.stamp, sent=time.time())
    return {"id": note.id}
'''
POST = 'wrk.method = "POST"\n'


def worker(
    project: Path, env: dict[str, str], log: Path, cpu: int | None
) -> subprocess.Popen[bytes]:
    command = [str(Path(sys.executable).parent / "taskiq"), "worker", "app.worker:broker"]
    pin = [] if cpu is None else ["taskset", "--cpu-list", str(cpu)]
    return subprocess.Popen(
        [*pin, *command, "--workers", "1"],
        cwd=project,
        env={**os.environ, **env},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    """The worker and what it forked; killed when it has not shut down within seconds."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def group(client: redis.Redis, queue: str) -> dict[str, int]:
    """The workers' consumer group: entries read from the stream and still unacknowledged."""
    for info in client.xinfo_groups(queue):
        if info["name"] in (queue, queue.encode()):
            return {"read": int(info.get("entries-read") or 0), "pending": int(info["pending"])}
    return {"read": 0, "pending": 0}


def throughput(
    project: Path, env: dict[str, str], client: redis.Redis, count: int, log: Path
) -> float:
    queue = env["JOBS_QUEUE"]
    fill = (
        "import asyncio\n"
        "from app.core.jobs import broker\n"
        "from app.features.probe.tasks import noop\n"
        "async def main():\n"
        "    await broker.startup()\n"
        f"    await asyncio.gather(*(noop.kiq() for _ in range({count})))\n"
        "    await broker.shutdown()\n"
        "asyncio.run(main())\n"
    )
    run([sys.executable, "-c", fill], cwd=project, env=env)
    if client.xlen(queue) < count:
        raise SystemExit(f"the stream holds {client.xlen(queue)} jobs, not {count}")
    started: float | None = None
    process = worker(project, env, log, None)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            state = group(client, queue)
            if started is None and state["read"] > 0:
                started = time.perf_counter()
            if state["read"] >= count and state["pending"] == 0:
                break
            time.sleep(0.002)
        else:
            raise SystemExit(f"the worker did not finish:\n{log.read_text()}")
        return count / (time.perf_counter() - (started or time.perf_counter()))
    finally:
        stop(process)


def render(root: Path, env: dict[str, str], database: str) -> Path:
    """The --jobs project with notes and the probe feature, migrated."""
    new: list[str | Path] = [console_script(), "new", "bench-api", "--jobs", "--no-auth"]
    run([*new, "--database", database, "--no-git", "--no-lock", "-o", root])
    project = root / "bench-api"
    run([console_script(), "add-feature", "notes", "title:str:80"], cwd=project)
    probe = project / "app/features/probe"
    probe.mkdir()
    (probe / "__init__.py").write_text("")
    (probe / "tasks.py").write_text(TASKS)
    (probe / "router.py").write_text(ROUTER)
    if database == "postgresql":
        admin = os.environ.get("FASTAPI_GEN_TEST_POSTGRES_URL")
        if not admin:
            raise SystemExit("FASTAPI_GEN_TEST_POSTGRES_URL names the PostgreSQL to run on")
        env["DATABASE_URL"] = asyncio.run(fresh_database(admin, "bench_jobs"))
    else:
        env["DATABASE_URL"] = f"sqlite+aiosqlite:///{project / 'bench.db'}"
    migrate = [sys.executable, "-m", "alembic", "upgrade", "head"]
    run(migrate, cwd=project, env=env)
    return project


def latency(base: str, client: redis.Redis, requests: int) -> list[float]:
    """Milliseconds from each stamped request's commit to its job's start, sorted."""
    client.delete("bench:latency")
    httpx.post(base + "/probe/stamp").raise_for_status()  # once the worker has started
    deadline = time.monotonic() + 60
    while not client.llen("bench:latency"):
        if time.monotonic() > deadline:
            raise SystemExit("the worker did not start")
        time.sleep(0.05)
    client.delete("bench:latency")
    for _ in range(requests):
        httpx.post(base + "/probe/stamp").raise_for_status()
        time.sleep(0.01)  # one at a time: the latency of a job, not of a backlog
    deadline = time.monotonic() + 30
    while client.llen("bench:latency") < requests:
        if time.monotonic() > deadline:
            raise SystemExit("not every stamped job ran")
        time.sleep(0.05)
    return sorted(float(value) * 1000 for value in client.lrange("bench:latency", 0, -1))


def creates(
    base: str, script: Path, rounds: int, seconds: int, cpu: int | None
) -> dict[str, float]:
    """Median req/s of the create without and with a job, their rounds interleaved."""
    results: dict[str, list[float]] = {"plain": [], "with-job": [], "second-row": []}
    for _ in range(rounds):
        for name, values in results.items():
            result = wrk_run(f"{base}/probe/{name}", seconds, script=script, cpu=cpu)
            values.append(result.requests_per_second)
    for name, values in results.items():
        rounds_text = " ".join(f"{value:.0f}" for value in values)
        median = statistics.median(values)
        print(f"create, {name:10}  median {median:8.0f} req/s   rounds: {rounds_text}")
    return {name: statistics.median(values) for name, values in results.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="postgresql")
    arguments = parser.parse_args()
    base = os.environ.get("FASTAPI_GEN_TEST_REDIS_URL")
    if not base:
        raise SystemExit("FASTAPI_GEN_TEST_REDIS_URL names the Redis to run on")
    redis_url = f"{base.rstrip('/')}/{REDIS_DB}"
    client = redis.Redis.from_url(redis_url)
    queue = f"bench-jobs-{secrets.token_hex(4)}"
    env = {
        "ENVIRONMENT": "test",
        "ACCESS_LOG": "false",
        "LOG_LEVEL": "WARNING",
        "JOBS_BROKER_URL": redis_url,
        "JOBS_QUEUE": queue,
        "BENCH_REDIS_URL": redis_url,
    }
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        project = render(root, env, arguments.database)
        try:
            rate = throughput(project, env, client, arguments.jobs, root / "worker.log")
            print(f"jobs per second, one worker:   {rate:8.0f}   (goal: at least 1000)")
            cpus = two_cpus()
            server_cpu, load_cpu = cpus if cpus else (None, None)
            script = root / "post.lua"
            script.write_text(POST)
            with uvicorn(project, env, root / "app.log", cpu=server_cpu) as server:
                process = worker(project, env, root / "worker2.log", load_cpu)
                try:
                    took = latency(server.base, client, arguments.requests)
                finally:
                    stop(process)
                p99 = took[max(0, int(len(took) * 0.99) - 1)]
                print(f"commit to start, median:       {statistics.median(took):8.1f} ms")
                print(f"commit to start, p99:          {p99:8.1f} ms")
                # No worker now: the creates' rounds measure the app's side of the outbox
                # alone, not a worker taking CPU from it on the same two cores.
                medians = creates(
                    server.base, script, arguments.rounds, arguments.seconds, load_cpu
                )
        finally:
            client.delete(queue, f"{queue}:retry", "bench:latency")
    ratio = medians["with-job"] / medians["plain"]
    print(f"with a job / without: {ratio:.2f} (goal: at least 0.90)")
    floor = medians["second-row"] / medians["plain"]
    print(f"yardstick, one more INSERT / without: {floor:.2f} (what any outbox row costs here)")
    beyond = medians["with-job"] / medians["second-row"]
    print(
        f"with a job / one more INSERT: {beyond:.2f} (the outbox beyond its row: sending, deleting)"
    )


if __name__ == "__main__":
    main()
