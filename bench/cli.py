"""Benchmark the installed ``fastapi-gen`` command and the project it renders.

Wall-clock medians of fresh processes, as a user meets them: ``--help``, ``new`` (``--no-lock``:
the lock is uv asking the index, timed apart in README) with and without git, then in a
rendered default project the import of ``app.main`` and its test suite, run with this
environment's Python (which must hold the project's dependencies, as the ``dev`` extra does).

These machines are noisy, so every row is quoted beside a yardstick measured in the same run
(``fastapi-gen --help``), and ``--baseline CHECKOUT`` times another checkout of fastapi-gen
(run with this Python) interleaved with this one, round by round, so that both meet the same
load. Not a test: run ``python bench/cli.py [--repeat N] [--quick] [--baseline DIR]``.
"""

import argparse
import itertools
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

YARDSTICK = "fastapi-gen --help"


@dataclass(frozen=True)
class Variant:
    """A fastapi-gen to time: this environment's, or a checkout put first on PYTHONPATH."""

    name: str
    env: dict[str, str] | None = None


@dataclass(frozen=True)
class Timing:
    label: str
    seconds: list[float]
    variant: str = "this"
    cpu: list[float] = field(default_factory=list)
    """User and system time of the processes run, which load on the machine disturbs less."""

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


def compare(
    label: str,
    repeat: int,
    variants: Sequence[Variant],
    setup: Callable[[Variant, int], Callable[[], object]],
) -> list[Timing]:
    """Time each variant once a round, `repeat` rounds, the order reversed every other round.

    `setup(variant, round)` does the untimed preparation and returns what is timed.
    """
    seconds: dict[str, list[float]] = {variant.name: [] for variant in variants}
    cpu: dict[str, list[float]] = {variant.name: [] for variant in variants}
    for number in range(repeat):
        for variant in variants if number % 2 == 0 else variants[::-1]:
            timed = setup(variant, number)
            before = _children_cpu()
            start = time.perf_counter()
            timed()
            seconds[variant.name].append(time.perf_counter() - start)
            cpu[variant.name].append(_children_cpu() - before)
    return [Timing(label, seconds[name], name, cpu[name]) for name in seconds]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def variants_to_time(baseline: Path | None) -> list[Variant]:
    if baseline is None:
        return [Variant("this")]
    if not (baseline / "generator" / "cli.py").is_file():
        sys.exit(f"{baseline} is not a checkout of fastapi-gen")
    return [Variant("baseline", {"PYTHONPATH": str(baseline.resolve())}), Variant("this")]


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
    """Medians per variant, each also as a ratio to its own yardstick; then every run."""
    names = list(dict.fromkeys(timing.variant for timing in timings))
    labels = list(dict.fromkeys(timing.label for timing in timings))
    found = {(timing.label, timing.variant): timing for timing in timings}
    width = max(map(len, labels))
    header = "".join(f"  {name:>10}  {'/yard':>6}" for name in names)
    compared = len(names) == 2
    print(f"{'median of each':<{width}}{header}" + (f"  {'this/base':>9}" if compared else ""))
    for label in labels:
        cells = ""
        for name in names:
            timing, yardstick = found.get((label, name)), found.get((YARDSTICK, name))
            if timing is None:
                cells += f"  {'':>10}  {'':>6}"
                continue
            ratio = f"{timing.median / yardstick.median:>6.2f}" if yardstick else f"{'':>6}"
            cells += f"  {timing.median:>9.3f}s  {ratio}"
        both = [found.get((label, name)) for name in names]
        if compared and all(both):
            base, this = (timing.median for timing in both if timing)
            cells += f"  {this / base:>9.2f}"
        print(f"{label:<{width}}{cells}")
    print("\nEvery run, in seconds of wall time (and the median CPU time of its processes):")
    for timing in timings:
        runs = " ".join(f"{second:.3f}" for second in timing.seconds)
        cpu = f" (cpu {statistics.median(timing.cpu):.3f})" if timing.cpu else ""
        print(f"  {timing.label} [{timing.variant}]: {runs}{cpu}")


def measure_pytest(label: str, repeat: int, project: Path) -> tuple[Timing, int]:
    """Time a project's own test suite, run with this Python; also return how many passed."""
    outputs: list[str] = []
    pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    timing = measure(label, repeat, lambda: outputs.append(run(pytest, cwd=project)))
    passed = re.search(r"(\d+) passed", outputs[-1])
    return timing, int(passed.group(1)) if passed else 0


def arguments(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (default 5)")
    parser.add_argument(
        "--quick", action="store_true", help="time the commands only, not the rendered project"
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="CHECKOUT",
        help="another checkout of fastapi-gen to time interleaved with this one",
    )
    return parser.parse_args()


def main() -> None:
    options = arguments(__doc__ or "")
    repeat, command = options.repeat, console_script()
    variants = variants_to_time(options.baseline)

    def timed(*line: str | Path) -> Callable[[Variant, int], Callable[[], object]]:
        return lambda variant, _: lambda: run(line, env=variant.env)

    timings = compare("python -c pass", repeat, variants, timed(sys.executable, "-c", "pass"))
    timings += compare(YARDSTICK, repeat, variants, timed(command, "--help"))
    with tempfile.TemporaryDirectory(prefix="fastapi-gen-bench-") as tmp:
        work = Path(tmp)
        names = itertools.count()

        def new(*extra: str) -> Callable[[Variant, int], Callable[[], object]]:
            return lambda variant, _: (
                lambda: run(
                    [command, "new", f"bench{next(names)}", "--output", work, "--no-lock", *extra],
                    env=variant.env,
                )
            )

        timings += compare("fastapi-gen new --no-git", repeat, variants, new("--no-git"))
        timings += compare("fastapi-gen new (with git)", repeat, variants, new())
        tests = 0
        if not options.quick:
            run([command, "new", "demo", "--output", work, "--no-git", "--no-lock"])
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
