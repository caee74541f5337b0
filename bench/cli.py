"""Benchmark the installed ``fastapi-gen`` command and the project it renders.

Wall-clock medians of fresh processes, as a user meets them: ``--help``, ``new`` with and
without git, then in a rendered default project the import of ``app.main`` and its test suite,
run with this environment's Python (which must hold the project's dependencies, as the ``dev``
extra does). Not a test: run ``python bench/cli.py [--repeat N]``.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Timing:
    label: str
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def run(
    command: Sequence[str | Path], cwd: Path | None = None, env: dict[str, str] | None = None
) -> str:
    """Run a command that must succeed, `env` on top of ours; its output explains a failure."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env={**os.environ, **env} if env else None,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"{' '.join(map(str, command))} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def measure(label: str, repeat: int, once: Callable[[], object]) -> Timing:
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        once()
        seconds.append(time.perf_counter() - start)
    return Timing(label, seconds)


def console_script() -> Path:
    """The command installed next to this Python, so the numbers are this environment's."""
    script = Path(sys.executable).parent / "fastapi-gen"
    if not script.exists():
        found = shutil.which("fastapi-gen")
        if found is None:
            sys.exit("fastapi-gen is not installed here: pip install . (or -e '.[dev]')")
        script = Path(found)
    return script


def print_table(timings: list[Timing]) -> None:
    width = max(len(timing.label) for timing in timings)
    print(f"{'':<{width}}  {'median':>8}  {'min':>8}  {'max':>8}   runs")
    for timing in timings:
        print(
            f"{timing.label:<{width}}  {timing.median:>7.3f}s  {min(timing.seconds):>7.3f}s"
            f"  {max(timing.seconds):>7.3f}s   {len(timing.seconds)}"
        )


def measure_pytest(label: str, repeat: int, project: Path) -> tuple[Timing, int]:
    """Time a project's own test suite, run with this Python; also return how many passed."""
    outputs: list[str] = []
    pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    timing = measure(label, repeat, lambda: outputs.append(run(pytest, cwd=project)))
    passed = re.search(r"(\d+) passed", outputs[-1])
    return timing, int(passed.group(1)) if passed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (default 5)")
    repeat = parser.parse_args().repeat
    command = console_script()

    timings = [measure("fastapi-gen --help", repeat, lambda: run([command, "--help"]))]
    with tempfile.TemporaryDirectory(prefix="fastapi-gen-bench-") as tmp:
        work = Path(tmp)
        runs = iter(range(2 * repeat))

        def new(*options: str) -> None:
            run([command, "new", f"bench{next(runs)}", "--output", work, *options])

        timings.append(measure("fastapi-gen new --no-git", repeat, lambda: new("--no-git")))
        timings.append(measure("fastapi-gen new (with git)", repeat, new))

        run([command, "new", "demo", "--output", work, "--no-git"])
        project = work / "demo"
        python = sys.executable
        timings.append(
            measure(
                'python -c "import app.main"',
                repeat,
                lambda: run([python, "-c", "import app.main"], cwd=project),
            )
        )
        suite, tests = measure_pytest("pytest of the rendered project", repeat, project)
        timings.append(suite)

    print_table(timings)
    if tests:
        per_test = timings[-1].median / tests * 1000
        print(f"\nThe rendered project runs {tests} tests: {per_test:.1f} ms per test.")


if __name__ == "__main__":
    main()
