"""Benchmark a rendered project's own test suite, as a whole process, per database (issue 11).

As a user would run it: ``fastapi-gen new perf --no-lock``, three features added (the ones
below: plain strings, a decimal and an enum, and a unique, soft-deleted, role-guarded one),
the project installed into its own virtualenv with ``pip install -e . --group dev``, then its
``pytest`` run as a fresh process, start-up included. The goal is 50 tests per second of wall
time on SQLite. The machine is shared and noisy, so every round also times a yardstick in the
same environment, ``python -c "import app.main"`` (the libraries' import, which no test change
touches), and prints the suite's median in yardsticks too. With ``--postgres-url`` (by default
FASTAPI_GEN_TEST_POSTGRES_URL) the PostgreSQL variant runs as well, on a database of its own.
Not a test: run ``python bench/suite.py [--repeat N] [--postgres-url URL]``.
"""

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from cli import console_script, run
from serving import fresh_database

FEATURES = [
    ["items", "title:str:255", "description:str:255:optional"],
    ["orders", "total:decimal", "status:enum:pending:paid", "note:str:optional"],
    ["tags", "label:str:40:unique", "--read", "user", "--write", "admin", "--soft-delete"],
]
GOAL = 50.0  # tests per second of wall time


@dataclass
class Rounds:
    database: str
    suite: list[float] = field(default_factory=list)
    yardstick: list[float] = field(default_factory=list)
    tests: int = 0

    def line(self) -> str:
        suite, yardstick = statistics.median(self.suite), statistics.median(self.yardstick)
        rate = self.tests / suite
        return (
            f"{self.database:<10}  {self.tests:>5}  {suite:>7.2f}s  {rate:>7.1f}"
            f"  {yardstick:>9.2f}s  {suite / yardstick:>10.1f}"
            f"  {'met' if rate >= GOAL else 'short'}"
        )


def timed(command: list[str | Path], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(map(str, command))} failed:\n{result.stdout}{result.stderr}")
    return seconds, result.stdout


def render(root: Path, database: str) -> tuple[Path, Path]:
    """The project with its features, in its own virtualenv; its directory and its Python."""
    command = console_script()
    run([command, "new", "perf", "--no-lock", "--no-git", "--database", database, "-o", root])
    project = root / "perf"
    for feature in FEATURES:
        run([command, "add-feature", *feature], cwd=project)
    run([sys.executable, "-m", "venv", project / ".venv"])
    python = project / ".venv" / "bin" / "python"
    run([python, "-m", "pip", "install", "-q", "-U", "pip"])
    run([python, "-m", "pip", "install", "-q", "-e", ".", "--group", "dev"], cwd=project)
    return project, python


def measure(database: str, repeat: int, root: Path, env: dict[str, str]) -> Rounds:
    project, python = render(root, database)
    rounds = Rounds(database)
    pytest: list[str | Path] = [python, "-m", "pytest"]
    yardstick: list[str | Path] = [python, "-c", "import app.main"]
    timed(pytest, project, env)  # a first run compiles what Python caches; not counted
    for number in range(1, repeat + 1):
        seconds, output = timed(pytest, project, env)
        passed = re.search(r"(\d+) passed", output)
        rounds.tests = int(passed.group(1)) if passed else 0
        rounds.suite.append(seconds)
        rounds.yardstick.append(timed(yardstick, project, env)[0])
        print(
            f"{database} round {number}: {rounds.tests} tests in {seconds:.2f}s"
            f" ({rounds.tests / seconds:.1f}/s); import app.main {rounds.yardstick[-1]:.2f}s",
            flush=True,
        )
    return rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each suite (default 5)")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("FASTAPI_GEN_TEST_POSTGRES_URL"),
        help="a PostgreSQL maintenance URL (default: FASTAPI_GEN_TEST_POSTGRES_URL)",
    )
    arguments = parser.parse_args()
    results: list[Rounds] = []
    with tempfile.TemporaryDirectory(prefix="fastapi-gen-suite-") as tmp:
        root = Path(tmp)
        (root / "sqlite").mkdir()
        results.append(measure("sqlite", arguments.repeat, root / "sqlite", {}))
        if arguments.postgres_url:
            url = asyncio.run(fresh_database(arguments.postgres_url, "fg_suite_bench_test"))
            (root / "postgresql").mkdir()
            env = {"TEST_DATABASE_URL": url}
            results.append(measure("postgresql", arguments.repeat, root / "postgresql", env))
    print(f"\nMedians of {arguments.repeat}, goal {GOAL:.0f} tests/s:")
    print("database    tests    suite  tests/s  yardstick  suite/yard  goal")
    for rounds in results:
        print(rounds.line())


if __name__ == "__main__":
    main()
