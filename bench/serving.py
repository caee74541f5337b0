"""Serving an app with uvicorn and loading it with wrk: what the HTTP benchmarks share."""

import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from cli import run


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class Server:
    base: str
    pid: int


@contextmanager
def uvicorn(
    app_dir: Path,
    env: dict[str, str],
    log: Path,
    *,
    probe: str = "/health/live",
    options: Sequence[str] = (),
    cpu: int | None = None,
) -> Iterator[Server]:
    """Serve `app_dir`'s app.main:app on a free port, one worker, until `probe` answers 200.

    uvicorn's own access lines are off. It runs in a session of its own, so a Ctrl-C reaches
    only this script, which then stops the server. With `cpu`, it runs on that CPU alone.
    """
    port = free_port()
    command = [
        *pinned(cpu),
        str(Path(sys.executable).parent / "uvicorn"),
        "app.main:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        *options,
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=app_dir,
            env={**os.environ, **env},
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(400):
                if process.poll() is not None:
                    break
                try:
                    if httpx.get(base + probe, timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
            else:
                raise SystemExit(f"{app_dir} did not answer {probe}:\n{log.read_text()}")
            if process.poll() is not None:
                raise SystemExit(f"{app_dir} exited at start-up:\n{log.read_text()}")
            yield Server(base, process.pid)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def pinned(cpu: int | None) -> list[str]:
    """The command prefix that runs a program on `cpu` alone (taskset execs it: same pid)."""
    return [] if cpu is None else ["taskset", "--cpu-list", str(cpu)]


def two_cpus() -> tuple[int, int] | None:
    """Two CPUs this process may use, for a server and its load; None without taskset."""
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if shutil.which("taskset") is None or len(cpus) < 2:
        return None
    return cpus[0], cpus[1]


@contextmanager
def serve(
    app_dir: Path,
    env: dict[str, str],
    log: Path,
    *,
    with_pid: bool = False,
    cpu: int | None = None,
) -> Iterator[Any]:
    """Serve `app_dir` on a free port; yield the health URL (and the process id with_pid)."""
    with uvicorn(app_dir, env, log, cpu=cpu) as server:
        url = server.base + "/health/live"
        yield (url, server.pid) if with_pid else url


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    latency: str  # as wrk prints the average, e.g. "1.23ms"
    timeouts: int
    output: str


def wrk_run(
    url: str,
    seconds: int,
    *,
    threads: int = 1,
    connections: int = 32,
    headers: Sequence[str] = (),
    script: Path | None = None,
    timeout: str = "2s",
    cpu: int | None = None,
) -> WrkResult:
    """Load `url`; refuse a run with any non-2xx answer or connect, read or write error.

    Requests that outlast `timeout` are counted, not refused: a busy machine stalls some.
    With `cpu`, wrk runs on that CPU alone.
    """
    command: list[str | Path] = [*pinned(cpu), "wrk", f"-t{threads}", f"-c{connections}"]
    command += [f"-d{seconds}s"]
    command += ["--timeout", timeout]
    for header in headers:
        command += ["-H", header]
    if script is not None:
        command += ["-s", script]
    output = run([*command, url])
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    latency = re.search(r"Latency\s+(\S+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    connect, read, write, timeouts = map(int, errors.groups()) if errors else (0, 0, 0, 0)
    if rate is None or latency is None or "Non-2xx" in output or connect + read + write:
        raise SystemExit(f"wrk did not get clean answers from {url}:\n{output}")
    return WrkResult(float(rate.group(1)), latency.group(1), timeouts, output)


def resident_mib(pid: int, field: str = "VmRSS") -> float:
    """A /proc/PID/status memory field (VmRSS, VmHWM) in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise SystemExit(f"no {field} in /proc/{pid}/status")


async def fresh_database(admin_url: str, name: str) -> str:
    """(Re)create database `name` on the server of a maintenance URL; its asyncpg URL."""
    import asyncpg  # type: ignore[import-not-found,unused-ignore]

    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    base, _, _ = admin_url.rpartition("/")
    return base.replace("postgresql://", "postgresql+asyncpg://", 1) + f"/{name}"


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) process `pid` has used, from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _keep_alive_load(url: str, requests: int, connections: int, headers: str) -> None:
    parts = httpx.URL(url)
    request = f"GET {parts.raw_path.decode()} HTTP/1.1\r\nHost: x\r\n{headers}\r\n".encode()

    async def one_connection(count: int) -> None:
        reader, writer = await asyncio.open_connection(parts.host, parts.port)
        for _ in range(count):
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 2"):
                raise SystemExit(f"{url} answered {head[:40]!r}")
            length = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
            await reader.readexactly(int(length.group(1)) if length else 0)
        writer.close()

    await asyncio.gather(*(one_connection(requests // connections) for _ in range(connections)))


def cpu_per_request(
    url: str, pid: int, requests: int, *, connections: int = 16, headers: Sequence[str] = ()
) -> float:
    """The server's CPU microseconds per request over keep-alive connections.

    For machines without wrk: a one-worker server that is CPU-bound answers in inverse
    proportion to its CPU per request, so the ratio of two apps' figures stands in for the
    ratio of their throughputs, whatever the client's own speed.
    """
    lines = "".join(f"{header}\r\n" for header in headers)
    asyncio.run(_keep_alive_load(url, max(requests // 10, connections), connections, lines))
    before = cpu_seconds(pid)
    asyncio.run(_keep_alive_load(url, requests, connections, lines))
    return (cpu_seconds(pid) - before) / requests * 1e6
