"""`new --lock/--no-lock`: a uv.lock when uv can write one, never a failed project for want of it.

A fake `uv` on PATH stands in for the real one (tests/template/test_tooling.py locks for real):
it records how it was called and does what the test needs, succeed, fail, or hang.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.project import lock as lock_module
from generator.project.lock import LOCK_VARIABLE
from tests.test_cli import assert_one_line_error, git, invoke
from tests.test_update import README_LINE, cli, templates

pytestmark = pytest.mark.usefixtures("git_config")

WRITES_A_LOCK = """\
printf '%s\\n' "$PWD" "$@" > "$FAKE_UV_CALLS"
printf 'version = 1\\n# locked by the fake\\n' > uv.lock
"""
FAILS_HALF_WAY = """\
printf 'version = 1\\n[[package]' > uv.lock
echo 'error: Failed to fetch: https://pypi.org/simple/fastapi/' >&2
echo '  Caused by: ...' >&2
echo '  cause: dns error' >&2
exit 2
"""
HANGS = """\
echo $$ > "$FAKE_UV_CALLS"
exec /bin/sleep 30
"""


@pytest.fixture
def tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH of git alone, for a fake uv to be put beside; locking left to the default."""
    directory = tmp_path / "tools"
    directory.mkdir()
    git_path = shutil.which("git")
    assert git_path
    (directory / "git").symlink_to(git_path)
    monkeypatch.setenv("PATH", str(directory))
    monkeypatch.setenv("FAKE_UV_CALLS", str(tmp_path / "uv-calls"))
    monkeypatch.delenv(LOCK_VARIABLE)
    return directory


def fake_uv(tools: Path, body: str) -> None:
    script = tools / "uv"
    script.write_text(f"#!/bin/sh\n{body}")
    script.chmod(0o755)


@pytest.fixture
def output(tmp_path: Path) -> Path:
    directory = tmp_path / "out"
    directory.mkdir()
    return directory


def test_by_default_a_lock_is_written_and_committed_after_the_record(
    tools: Path, output: Path, tmp_path: Path
) -> None:
    fake_uv(tools, WRITES_A_LOCK)

    result = invoke("new", "demo", "--output", str(output))

    assert result.exit_code == 0, result.output
    assert "  lock      uv.lock\n" in result.stdout
    project = output / "demo"
    assert (project / "uv.lock").read_text() == "version = 1\n# locked by the fake\n"
    assert git(project, "log", "--format=%s").splitlines()[0] == "Lock the dependencies with uv"
    first = git(project, "rev-list", "--max-parents=0", "HEAD")
    assert git(project, "rev-parse", "refs/fastapi-gen/pristine") == first
    assert "uv.lock" not in git(project, "ls-tree", "--name-only", first).split()
    assert git(project, "status", "--porcelain") == ""
    # uv ran on a copy of pyproject.toml away from the project, with this Python.
    workdir, *arguments = (tmp_path / "uv-calls").read_text().splitlines()
    assert not Path(workdir).is_relative_to(output)
    assert arguments == ["lock", "--python", sys.executable]


def test_without_git_the_lock_is_just_a_file(tools: Path, output: Path) -> None:
    fake_uv(tools, WRITES_A_LOCK)

    result = invoke("new", "demo", "--output", str(output), "--no-git")

    assert result.exit_code == 0, result.output
    assert (output / "demo" / "uv.lock").is_file()
    assert not (output / "demo" / ".git").exists()


def test_a_failed_lock_leaves_no_lock_and_says_why(tools: Path, output: Path) -> None:
    fake_uv(tools, FAILS_HALF_WAY)

    result = invoke("new", "demo", "--output", str(output), "--lock")

    assert result.exit_code == 0, result.output
    assert (
        "lock      none: uv lock failed: Failed to fetch: https://pypi.org/simple/fastapi/ "
        "(dns error); `uv sync` writes one when it can" in result.stdout
    )
    project = output / "demo"
    assert not (project / "uv.lock").exists()
    assert (project / "app" / "main.py").is_file()
    assert git(project, "rev-list", "--count", "HEAD") == "1"


def test_a_lock_that_takes_too_long_is_given_up(
    tools: Path, output: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_uv(tools, HANGS)
    monkeypatch.setattr(lock_module, "TIMEOUT_SECONDS", 1)

    started = time.monotonic()
    result = invoke("new", "demo", "--output", str(output), "--no-git")

    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 10
    assert "lock      none: uv lock took longer than 1 s" in result.stdout
    assert not (output / "demo" / "uv.lock").exists()


def test_without_uv_the_default_makes_the_project_and_says_so(tools: Path, output: Path) -> None:
    result = invoke("new", "demo", "--output", str(output), "--no-git")

    assert result.exit_code == 0, result.output
    assert "lock      none: uv is not on PATH" in result.stdout
    assert not (output / "demo" / "uv.lock").exists()


def test_asking_for_a_lock_without_uv_is_refused_before_writing(tools: Path, output: Path) -> None:
    assert_one_line_error(invoke("new", "demo", "--output", str(output), "--lock"), 1, "--no-lock")
    assert list(output.iterdir()) == []


@pytest.mark.parametrize("how", ["option", "variable"])
def test_no_lock_never_runs_uv(
    tools: Path, output: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    fake_uv(tools, WRITES_A_LOCK)
    if how == "variable":
        monkeypatch.setenv(LOCK_VARIABLE, "no")
    options = ["--no-lock"] if how == "option" else []

    result = invoke("new", "demo", "--output", str(output), "--no-git", *options)

    assert result.exit_code == 0, result.output
    assert "lock " not in result.stdout
    assert not (tmp_path / "uv-calls").exists()
    assert not (output / "demo" / "uv.lock").exists()


def test_a_bad_lock_variable_is_one_line(
    tools: Path, output: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(LOCK_VARIABLE, "sometimes")

    assert_one_line_error(invoke("new", "demo", "--output", str(output)), 2, LOCK_VARIABLE)
    assert list(output.iterdir()) == []


@pytest.mark.slow
def test_an_interrupt_while_locking_stops_uv_and_leaves_nothing(
    tools: Path, output: Path, tmp_path: Path
) -> None:
    fake_uv(tools, HANGS)
    cli = Path(sys.executable).parent / "fastapi-gen"
    process = subprocess.Popen(
        [str(cli), "new", "demo"],
        cwd=output,
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    calls = tmp_path / "uv-calls"
    deadline = time.monotonic() + 30
    while not calls.exists() or not calls.read_text().strip():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "uv was never run"
        time.sleep(0.05)
    uv_pid = int(calls.read_text())

    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)

    assert process.returncode == 1
    assert stderr.strip() == "Error: Interrupted (SIGTERM); nothing was changed."
    assert list(output.iterdir()) == []  # neither the project nor its staging directory
    with pytest.raises(ProcessLookupError):
        os.kill(uv_pid, 0)


def test_update_merges_the_template_and_leaves_the_lock_alone(
    tools: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    fake_uv(tools, WRITES_A_LOCK)
    old, new = request.getfixturevalue(templates.__name__)
    code, out, err = cli(old, "new", "shop", cwd=tmp_path)
    assert code == 0, out + err
    project = tmp_path / "shop"
    locked = (project / "uv.lock").read_text()

    code, out, err = cli(new, "update", cwd=project)

    assert code == 0, out + err
    assert README_LINE in (project / "README.md").read_text()
    assert (project / "uv.lock").read_text() == locked
    assert git(project, "status", "--porcelain") == ""
    subjects = git(project, "log", "--format=%s").splitlines()
    assert subjects[0].startswith("Update to fastapi-gen")
    assert subjects[1] == "Lock the dependencies with uv"
