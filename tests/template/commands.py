"""Run the commands a rendered project's documents give, as a user would type them.

A block of a README or AGENTS.md runs as one bash script, so that `. .venv/bin/activate` holds
for the lines after it. Its last line may start the server (`uvicorn ... --reload`), which
never ends: it runs on a free port until `/health/live` answers, and is then stopped.
"""

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.template.conftest import BIN
from tests.template.live import free_port

SERVER = re.compile(r"(^|\s)uvicorn\s")
COMMENT = re.compile(r"\s+#.*$")
# The longest a block may take: it may install every dependency first.
BLOCK_TIMEOUT = 900.0


def user_environment(tools: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """A shell as a user has it: Python and `tools` on PATH, not this test run's virtualenv.

    `tools` holds links to the few commands of this environment the user would have installed
    on their own (uv, say).
    """
    tools.mkdir(exist_ok=True)
    for name in ("uv",):
        link = tools / name
        if not link.exists():
            link.symlink_to(BIN / name)
    inherited = [
        entry for entry in os.environ.get("PATH", "").split(os.pathsep) if Path(entry) != BIN
    ]
    python_bin = Path(sys.base_prefix) / "bin"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "MYPY_CACHE_DIR"}
    }
    env["PATH"] = os.pathsep.join([str(python_bin), str(tools), *inherited])
    # An interpreter that is already here, never one uv would download.
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env["UV_PYTHON"] = str(python_bin / "python3")
    return {**env, **(extra or {})}


def run_block(lines: list[str], cwd: Path, env: dict[str, str], log: Path) -> str:
    """Run the lines as one script; a final server line must serve. Returns what it printed."""
    servers = [index for index, line in enumerate(lines) if SERVER.search(line)]
    assert servers in ([], [len(lines) - 1]), f"a server line that is not the last: {lines}"
    port = free_port()
    script = ["set -euo pipefail", *lines]
    if servers:
        script[-1] = f"exec {COMMENT.sub('', lines[-1])} --port {port}"
    with log.open("wb") as output:
        process = subprocess.Popen(
            ["bash", "-c", "\n".join(script)],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # the server's reloader and worker go with it
        )
        try:
            if servers:
                _wait_for_health(process, port, log)
            else:
                process.wait(timeout=BLOCK_TIMEOUT)
                assert process.returncode == 0, f"{lines} failed:\n{_tail(log)}"
        finally:
            _stop(process)
    return log.read_text(errors="replace")


def _wait_for_health(process: "subprocess.Popen[bytes]", port: int, log: Path) -> None:
    deadline = time.monotonic() + BLOCK_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"exited with {process.returncode} before serving:\n{_tail(log)}")
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/health/live", timeout=1.0)
        except httpx.TransportError:
            time.sleep(0.2)
            continue
        assert response.status_code == 200, response.text
        return
    raise AssertionError(f"did not serve within {BLOCK_TIMEOUT}s:\n{_tail(log)}")


def _stop(process: "subprocess.Popen[bytes]") -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    with contextlib.suppress(ProcessLookupError):  # what the reloader left in the group
        os.killpg(process.pid, signal.SIGKILL)


def _tail(log: Path, lines: int = 60) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
