"""Interrupts at many points of `new`, with git (its steps run beside the render): no debris.

The sweep (tests/test_sweep.py) sends each signal at a few moments of `new --no-git`. Here
`new` makes its git repository too, each signal lands at many of its file operations, and a
second signal follows the first (the user pressing Ctrl-C again while the first unwinds).
Whatever the moment, the output directory holds either nothing or the whole project, and never
a hidden staging directory.
"""

import os
import subprocess
from pathlib import Path

import pytest

from tests.test_sweep import CLI, HOOK, SIGNALS

MOMENTS = 16
"""Points per signal, spread evenly over the command's file operations."""
REPEAT_HOOK = """
if _under and os.environ.get("SWEEP_GROUP"):
    # As a terminal does: the signal goes to the whole process group, git's children included.
    def _kill(pid, number):
        os.killpg(os.getpgid(pid), number)

    os.kill = _kill

_again = int(os.environ.get("SWEEP_AGAIN") or 0)
if _under and _again:

    def _again_hook(event, args):
        if event in _events and _touches(args) and _seen == _at + _again:
            os.kill(os.getpid(), _signal)

    sys.addaudithook(_again_hook)
"""


def new(
    out: Path,
    hook: Path,
    at: int,
    signal_name: str,
    *,
    again: int = 0,
    group: bool = False,
    count: str = "",
) -> int:
    env = {
        "PYTHONPATH": str(hook),
        "SWEEP_UNDER": str(out),
        "SWEEP_AT": str(at),
        "SWEEP_SIGNAL": signal_name,
        "SWEEP_COUNT": count,
        "SWEEP_AGAIN": str(again),
        "SWEEP_GROUP": "1" if group else "",
    }
    result = subprocess.run(
        [str(CLI), "new", "demo", "--no-lock"],
        cwd=out,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        start_new_session=True,  # its own process group, which the signal may be sent to
    )
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode in (0, 1), output
    return result.returncode


def assert_no_debris(out: Path, returncode: int, where: str) -> None:
    left = sorted(path.name for path in out.iterdir())
    if returncode == 0:
        assert left == ["demo"], where
        assert (out / "demo/.git").is_dir(), where
    else:
        assert left == [], where


@pytest.fixture(scope="module")
def hook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("hook")
    (directory / "sitecustomize.py").write_text(HOOK + REPEAT_HOOK)
    return directory


@pytest.fixture(scope="module")
def operations(tmp_path_factory: pytest.TempPathFactory, hook: Path) -> int:
    out = tmp_path_factory.mktemp("uninterrupted")
    count = out.parent / "count"
    assert new(out, hook, 0, "SIGTERM", count=str(count)) == 0
    return int(count.read_text())


@pytest.mark.parametrize("group", [False, True], ids=["process", "group"])
@pytest.mark.parametrize("signal_name", SIGNALS)
def test_no_signal_leaves_a_staging_directory(
    tmp_path: Path, hook: Path, operations: int, signal_name: str, group: bool
) -> None:
    assert operations > 20
    points = sorted({max(1, operations * step // MOMENTS) for step in range(MOMENTS + 1)})
    for at in points:
        out = tmp_path / f"at-{at}"
        out.mkdir()
        again = 3 if at % 2 else 0  # every other run, a second signal soon after the first
        returncode = new(out, hook, at, signal_name, again=again, group=group)
        where = f"{signal_name} at {at} of {operations}, again {again}"
        assert_no_debris(out, returncode, where)
