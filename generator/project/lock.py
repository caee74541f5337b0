"""``uv.lock`` for a new project: resolved by uv beside the project, never left half-written.

uv resolves the project's dependencies against the package index, which takes a second or two
and the network. The lock is optional: without uv, or when the index cannot be reached, the
project is created all the same and the summary says why it has no lock. uv works in a scratch
directory holding a copy of ``pyproject.toml`` (so it can neither leave a partial file in the
project nor find an enclosing uv workspace), and the finished file is copied into the staging
directory, which becomes the project only once everything in it is complete.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from generator.core.errors import InvalidInput, OperationFailed
from generator.core.interrupts import held
from generator.project.request import LockOutcome

LOCK_FILE = "uv.lock"
LOCK_VARIABLE = "FASTAPI_GEN_LOCK"
"""The default of ``--lock/--no-lock``: true or false (unset: lock when uv is found)."""
TIMEOUT_SECONDS = 60
"""A resolution that takes longer is given up: `new` must stay quick, `uv lock` can follow."""
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})
NOT_WANTED = LockOutcome(written=False)


def wanted(lock: bool | None) -> bool | None:
    """The user's choice: the option, else $FASTAPI_GEN_LOCK, else None (lock if uv is found)."""
    if lock is not None:
        return lock
    value = os.environ.get(LOCK_VARIABLE)
    if value is None:
        return None
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise InvalidInput(f"{LOCK_VARIABLE} must be true or false, not {value!r}.")


def find_uv(lock: bool | None) -> str | None:
    """uv's path when a lock is to be written; checked before anything is written.

    An explicit ``--lock`` without uv is refused; by default a missing uv only means no lock.
    """
    choice = wanted(lock)
    if choice is False:
        return None
    uv = shutil.which("uv")
    if uv is None and choice is True:
        raise OperationFailed(
            "uv is not installed or not on PATH; install it (pip install uv) or pass --no-lock."
        )
    return uv


def write_lock(uv: str | None, project: Path, lock: bool | None) -> LockOutcome:
    """Resolve ``project``'s dependencies into ``project/uv.lock``; never raise for uv's sake.

    Interrupts still propagate (and stop uv): the caller removes the whole staging directory.
    """
    if uv is None:
        if wanted(lock) is False:
            return NOT_WANTED
        return LockOutcome(written=False, reason="uv is not on PATH")
    with tempfile.TemporaryDirectory(prefix="fastapi-gen-lock-") as scratch:
        shutil.copy2(project / "pyproject.toml", Path(scratch) / "pyproject.toml")
        environment = {
            **os.environ,
            # An interpreter is needed to resolve, never one downloaded for it: this one will do.
            "UV_PYTHON_DOWNLOADS": "never",
            "UV_NO_PROGRESS": "1",
        }
        # An unreachable index should fail in a second, not after uv's default three retries.
        environment.setdefault("UV_HTTP_RETRIES", "1")
        try:
            process = subprocess.Popen(
                [uv, "lock", "--python", sys.executable],
                cwd=scratch,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                errors="replace",
            )
        except OSError as error:
            return LockOutcome(written=False, reason=f"uv could not run ({error.strerror})")
        with process:  # its pipes are closed however this ends
            try:
                _, stderr = process.communicate(timeout=TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                return LockOutcome(
                    written=False, reason=f"uv lock took longer than {TIMEOUT_SECONDS} s"
                )
            finally:
                _stop(process)
        written = Path(scratch) / LOCK_FILE
        if process.returncode != 0 or not written.is_file():
            problem = _uv_error(stderr, process.returncode)
            return LockOutcome(written=False, reason=f"uv lock failed: {problem}")
        shutil.copyfile(written, project / LOCK_FILE)
    return LockOutcome(written=True)


def _stop(process: "subprocess.Popen[str]") -> None:
    """uv is over, one way or another: killed if it still runs (a timeout, an interrupt), and
    reaped, so that nothing of it outlives `new`. Signals wait until then.

    (`subprocess.run` does not reap a child it killed on KeyboardInterrupt.)
    """
    with held():
        if process.poll() is None:
            process.kill()
        process.wait()


def _uv_error(stderr: str, returncode: int) -> str:
    """uv's error in one line: its `error:` line and the innermost `cause:`."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line.removeprefix("error:").strip() for line in lines if line.startswith("error:")]
    causes = [line.removeprefix("cause:").strip() for line in lines if line.startswith("cause:")]
    message = errors[0] if errors else (lines[-1] if lines else f"exit status {returncode}")
    return f"{message} ({causes[-1]})" if causes else message
