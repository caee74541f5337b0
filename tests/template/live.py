"""A rendered project served by uvicorn on 127.0.0.1, for tests that drive it over real HTTP."""

import os
import re
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.template.conftest import BIN, Project

# What the served app reads from its environment, on top of the project's database settings.
SERVE_ENV = {
    "ENVIRONMENT": "test",
    # Errors (with their tracebacks) still reach the log; the rest would drown them.
    "LOG_LEVEL": "WARNING",
    # Cheap password hashing, as the project's own tests use; the costs are not under test here.
    "PASSWORD_HASH_TIME_COST": "1",
    "PASSWORD_HASH_MEMORY_KIB": "8",
    # Outlives any run, so that no request is refused for an expired token.
    "ACCESS_TOKEN_EXPIRE_MINUTES": "120",
    # A fuzzer is one client sending thousands of requests; the limits are tested on their own.
    "RATE_LIMIT_ENABLED": "false",
    # The user the runs act as registers without reading its mail; with auth, an unverified
    # account could only read. Verification is tested in each project's own suite.
    "UNVERIFIED_ACCOUNTS": "full_access",
}
# The template's default --api-prefix, which the rendered variants keep.
API = "/api/v1"
# How a traceback ends: `module.ExceptionName: message`.
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b.*$")
# What follows an exception that is not the last of its chain.
CHAINED = ("The above exception", "During handling of the above exception")
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
# The user the authenticated runs act as: a plain registered user, not an admin.
EMAIL = "contract@example.com"
PASSWORD = "contract-password-1"  # noqa: S105 (a throwaway account of a throwaway server)


@dataclass(frozen=True)
class Server:
    base_url: str
    log: Path

    def log_tail(self, lines: int = 80) -> str:
        """The end of what the server wrote: tracebacks of server errors land here."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def exceptions(self) -> Counter[str]:
        """The exception that ended each traceback in the log, numbers blanked, counted."""
        lines = [line for line in self.log.read_text(errors="replace").splitlines() if line.strip()]
        return Counter(
            re.sub(r"\d+", "N", line)
            for line, after in zip(lines, [*lines[1:], ""], strict=True)
            if EXCEPTION_LINE.match(line) and not after.startswith(CHAINED)
        )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def migrate(project: Project) -> None:
    """Build the project's database the way production does: from empty, with its migrations."""
    project.check("alembic", "upgrade", "head")


def _wait_until_ready(process: subprocess.Popen[bytes], server: Server) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"uvicorn exited with {process.returncode} before it answered:\n{server.log_tail()}"
            )
        try:
            if httpx.get(f"{server.base_url}/health/ready", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(
        f"uvicorn did not answer /health/ready within {STARTUP_TIMEOUT}s:\n{server.log_tail()}"
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def serve(project: Project, log: Path, env: dict[str, str] | None = None) -> Iterator[Server]:
    """Serve the project's app until the block ends, however it ends; its output goes to `log`.

    `env` goes on top of SERVE_ENV.
    """
    port = free_port()
    server = Server(base_url=f"http://127.0.0.1:{port}", log=log)
    command = [
        str(BIN / "uvicorn"),
        "app.main:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=project.path,
            env={**os.environ, **project.env, **SERVE_ENV, **(env or {})},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_ready(process, server)
            yield server
        finally:
            _stop(process)


def sign_in(server: Server) -> str:
    """Register a user and log in with the OAuth2 password form; return its access token."""
    with httpx.Client(base_url=server.base_url, timeout=10.0) as client:
        registered = client.post(
            f"{API}/auth/register", json={"email": EMAIL, "password": PASSWORD}
        )
        assert registered.status_code == 201, registered.text
        login = client.post(f"{API}/auth/login", data={"username": EMAIL, "password": PASSWORD})
        assert login.status_code == 200, login.text
        token: str = login.json()["access_token"]
        me = client.get(f"{API}/users/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200, me.text
        return token
