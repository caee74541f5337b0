"""Running git for a project: one place that finds it, isolates it and reports its failures."""

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from generator.core.errors import OperationFailed

_REPOSITORY_ENV = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY")
"""Set inside git hooks and ``git rebase -x``; they would point our git at another repository."""


_DEFAULTS = {
    "user.name": "fastapi-gen",
    "user.email": "fastapi-gen@localhost",
    "init.defaultbranch": "main",
}
"""Supplied to git only for the keys the user has not configured (git lower-cases key names)."""
_DEFAULTS_PATTERN = r"^(user\.(name|email)|init\.defaultbranch)$"


def git_defaults(git: str, repo: Path, *, ceiling: bool = False) -> list[str]:
    """`-c` settings for an identity and a branch name, where the user has configured none.

    The user's own configuration is never changed; without one, commits are made as
    fastapi-gen <fastapi-gen@localhost>.
    """
    configured = git_result(
        git, repo, "config", "--get-regexp", _DEFAULTS_PATTERN, ceiling=ceiling
    ).stdout
    keys = {line.split(" ", 1)[0].lower() for line in configured.splitlines()}
    return [f"{key}={value}" for key, value in _DEFAULTS.items() if key not in keys]


def find_git() -> str:
    git = shutil.which("git")
    if git is None:
        raise OperationFailed("git is not installed or not on PATH; install it or pass --no-git.")
    return git


def run_git(
    git: str,
    repo: Path,
    command: str,
    *args: str,
    config: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    check: bool = True,
    ceiling: bool = False,
    stdin: str | None = None,
) -> str:
    """Run one git command in ``repo`` and return its output, stripped.

    ``env`` adds variables (a temporary index, say); ``ceiling`` stops git from finding an
    enclosing repository, for a directory that is about to become a repository of its own.
    """
    result = git_result(
        git, repo, command, *args, config=config, env=env, ceiling=ceiling, stdin=stdin
    )
    if check and result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or [f"exit status {result.returncode}"])[-1]
        raise OperationFailed(f"git {command} failed: {detail}")
    return result.stdout.strip()


def git_result(
    git: str,
    repo: Path,
    command: str,
    *args: str,
    config: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    ceiling: bool = False,
    stdin: str | None = None,
) -> "subprocess.CompletedProcess[str]":
    """Run one git command and hand back its whole result, for commands that may fail."""
    environment = {key: value for key, value in os.environ.items() if key not in _REPOSITORY_ENV}
    if ceiling:
        environment["GIT_CEILING_DIRECTORIES"] = str(repo.parent)
    environment.update(env or {})
    options = [option for setting in config for option in ("-c", setting)]
    try:
        return subprocess.run(
            [git, *options, command, *args],
            cwd=repo,
            env=environment,
            input=stdin,
            capture_output=True,
            encoding="utf-8",  # file contents go in, paths come out: never the locale's
            errors="surrogateescape",
            check=False,
        )
    except OSError as exc:
        raise OperationFailed(f"Could not run git: {exc.strerror}.") from exc


def is_repository(git: str, root: Path) -> bool:
    """The project is the top of a git work tree of its own."""
    result = git_result(git, root, "rev-parse", "--show-toplevel")
    return result.returncode == 0 and Path(result.stdout.strip()).resolve() == root.resolve()


def resolve(git: str, root: Path, name: str) -> str | None:
    """The commit a ref or revision names, or None where there is none."""
    found = git_result(git, root, "rev-parse", "--verify", "--quiet", f"{name}^{{commit}}")
    return found.stdout.strip() if found.returncode == 0 else None
