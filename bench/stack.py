"""Benchmark the rendered app's middleware stack against a bare FastAPI hello.

Both are served the same way (uvicorn, one worker, on 127.0.0.1, access lines off) and loaded
with wrk (Debian's package), interleaved round by round in one run; the medians are compared.
The rendered app (SQLite, auth, default answers) serves GET /health/live with every piece on:
request ids, one access record per request (text lines, to a file), security headers, gzip,
Prometheus metrics and a default rate limit per client, counted in memory, too high to refuse.
wrk sends ``Accept-Encoding: gzip`` to both, as browsers and HTTP libraries do, so that the
compression layer is entered (the body is too small to compress).
Where taskset and two CPUs are available, the server runs on one CPU and wrk (one thread) on
another, for both apps alike: unpinned on a 2-core machine, wrk and the server take CPU from
each other, by an amount that differs from round to round (the bare app's rounds swung by half).
Without them, both run unpinned, and the rounds vary more.
With ``--pieces``, each round also serves the full stack with one optional piece left out, so
that a piece's cost per request is the full stack's time per request minus that of the stack
without it (the request id is always on, so it is part of the rest).
Not a test: run ``python bench/stack.py [--rounds N] [--seconds S] [--pieces]``. Target (issue
9): the stack costs at most a quarter of bare FastAPI's throughput.
"""

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import httpx
from cli import console_script, run
from serving import cpu_per_request, serve, two_cpus, wrk_run

BARE = """from fastapi import FastAPI

app = FastAPI()


@app.get("/health/live")
async def live() -> dict[str, str]:
    return {"status": "ok"}
"""
ACCEPT_GZIP = ["Accept-Encoding: gzip"]
STACK_ENV = {
    "ENVIRONMENT": "test",
    "LOG_FORMAT": "text",
    "ACCESS_LOG": "true",
    "SECURITY_HEADERS": "true",
    "SERVED_OVER_HTTPS": "true",
    "METRICS_ENABLED": "true",
    "GZIP_MINIMUM_SIZE": "1000",
    "RATE_LIMIT_ENABLED": "true",
    "RATE_LIMIT_DEFAULT": "1000000000/minute",
}
# Each optional piece, and the setting that leaves it out.
WITHOUT = {
    "access record": {"ACCESS_LOG": "false"},
    "security headers": {"SECURITY_HEADERS": "false"},
    "metrics": {"METRICS_ENABLED": "false"},
    "gzip": {"GZIP_MINIMUM_SIZE": "0"},
    "rate limit": {"RATE_LIMIT_ENABLED": "false"},
}
FULL = "rendered app, full stack"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument(
        "--pieces", action="store_true", help="also measure each optional piece's cost"
    )
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="compare the server's CPU per request, not wrk's req/s (the default without wrk)",
    )
    arguments = parser.parse_args()
    by_cpu = arguments.cpu or shutil.which("wrk") is None
    if by_cpu:
        print("without wrk: comparing the server's CPU per request (req/s = 1e6 / us)")
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        run([console_script(), "new", "bench-api", "--no-git", "-o", root])
        project = root / "bench-api"
        run([sys.executable, "-m", "alembic", "upgrade", "head"], cwd=project)
        bare = root / "bare"
        (bare / "app").mkdir(parents=True)
        (bare / "app" / "__init__.py").write_text("")
        (bare / "app" / "main.py").write_text(BARE)
        stacks = {FULL: STACK_ENV}
        if arguments.pieces:
            stacks |= {f"without {piece}": STACK_ENV | off for piece, off in WITHOUT.items()}
        results: dict[str, list[float]] = {name: [] for name in ["bare FastAPI hello", *stacks]}
        cpus = two_cpus()
        server_cpu, wrk_cpu = cpus if cpus else (None, None)
        print(f"server on CPU {server_cpu}, wrk on CPU {wrk_cpu}" if cpus else "not pinned")

        def load(url: str, pid: int) -> float:
            if by_cpu:
                requests = 2000 * arguments.seconds
                return 1e6 / cpu_per_request(url, pid, requests, headers=ACCEPT_GZIP)
            result = wrk_run(url, arguments.seconds, headers=ACCEPT_GZIP, cpu=wrk_cpu)
            return result.requests_per_second

        for _ in range(arguments.rounds):
            with serve(bare, {}, root / "bare.log", cpu=server_cpu, with_pid=True) as (url, pid):
                results["bare FastAPI hello"].append(load(url, pid))
            for name, env in stacks.items():
                with serve(project, env, root / "stack.log", cpu=server_cpu, with_pid=True) as (
                    url,
                    pid,
                ):
                    headers = httpx.get(url).headers
                    if name == FULL and not {"x-request-id", "x-frame-options"} <= set(headers):
                        raise SystemExit(f"the stack is not on: {dict(headers)}")
                    results[name].append(load(url, pid))
    medians = {label: statistics.median(values) for label, values in results.items()}
    for label, values in results.items():
        rounds = " ".join(f"{value:.0f}" for value in values)
        print(f"{label:28} median {medians[label]:8.0f} req/s   rounds: {rounds}")
    bare_rps, stack_rps = medians["bare FastAPI hello"], medians[FULL]
    print(f"full stack / bare: {stack_rps / bare_rps:.2f} (target: at least 0.70)")
    full_us = 1e6 / stack_rps
    print(f"per request: bare {1e6 / bare_rps:.0f} us, full stack {full_us:.0f} us")
    for piece in WITHOUT if arguments.pieces else ():
        cost_us = full_us - 1e6 / medians[f"without {piece}"]
        print(f"  {piece:18} {cost_us:6.1f} us  ({cost_us / full_us:4.0%} of the full stack)")


if __name__ == "__main__":
    main()
