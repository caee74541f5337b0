"""Creating a project: check everything, render into a staging directory, move it into place."""

import secrets
import shutil
import sys
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import generator
from generator.core import pristine
from generator.core.errors import InvalidInput, OperationFailed
from generator.core.git import find_git, git_defaults, run_git
from generator.core.interrupts import done, held
from generator.project.lock import LOCK_FILE, find_uv, write_lock
from generator.project.names import ProjectName, parse_project_name
from generator.project.request import CreatedProject, ProjectSpec
from generator.render.answers import Database, render_answers

LOCK_SUBJECT = "Lock the dependencies with uv"


def create_project(spec: ProjectSpec) -> CreatedProject:
    """Render a new project into ``<output>/<distribution name>``, all or nothing.

    Everything that can be checked is checked before anything is written. The project is
    rendered, and committed, in a hidden staging directory next to the target that is renamed
    into place last, so a failure at any step leaves the output directory as it was.
    """
    name = parse_project_name(spec.name)
    _check_description(spec.description)
    output = _check_output(spec.output)
    target = output / name.distribution
    _check_target(target)
    git = find_git() if spec.git else None
    uv = find_uv(spec.lock)
    if spec.interactive and not _has_terminal():
        raise InvalidInput("--interactive needs a terminal; give the answers as options instead.")

    staging = output / f".{name.distribution}.fastapi-gen-{secrets.token_hex(4)}"
    try:
        staging.mkdir()
    except OSError as exc:
        raise OperationFailed(f"Cannot write in {output}: {exc.strerror}.") from exc
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            # git's first steps need nothing rendered: they run while Copier loads and renders.
            repository = pool.submit(_init, git, staging) if git else None
            answers = _render(staging, spec, name)
            lock = write_lock(uv, staging, spec.lock)
            commit = (
                _commit(git, staging, repository, locked=lock.written)
                if git and repository
                else None
            )
        with held():
            try:
                staging.rename(target)
            except OSError as exc:
                raise OperationFailed(
                    f"Could not move the project to {target}: {exc.strerror}."
                ) from exc
            done()
    finally:
        with held():  # a second interrupt must not stop the cleanup half-way
            shutil.rmtree(staging, ignore_errors=True)  # already gone after the rename
    return CreatedProject(
        path=target,
        name=name,
        description=str(answers["description"]),
        database=Database(answers["database"]),
        auth=bool(answers["auth"]),
        jobs=bool(answers.get("jobs", False)),
        commit=commit,
        lock=lock,
    )


def _check_description(description: str | None) -> None:
    if description is not None and ("\n" in description or "\r" in description):
        raise InvalidInput("The description must be a single line.")


def _check_output(output: Path) -> Path:
    try:
        output = output.expanduser().resolve()
        if not output.is_dir():
            problem = "is not a directory" if output.exists() else "does not exist"
            raise InvalidInput(f"Output directory {output} {problem}.")
    except (OSError, RuntimeError) as error:  # a name too long, a symlink loop, no home
        problem = (error.strerror if isinstance(error, OSError) else None) or str(error)
        raise InvalidInput(f"Cannot use the output directory {output}: {problem}.") from None
    return output


def _check_target(target: Path) -> None:
    try:
        if target.is_dir() and not target.is_symlink():
            if any(target.iterdir()):
                raise InvalidInput(
                    f"{target} already exists and is not empty; pick another name or --output."
                )
        elif target.exists() or target.is_symlink():
            raise InvalidInput(f"{target} already exists and is not a directory.")
    except OSError as error:
        raise InvalidInput(f"Cannot create {target}: {error.strerror}.") from None


def _has_terminal() -> bool:
    """Copier's prompts need a real terminal on both ends."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _render(staging: Path, spec: ProjectSpec, name: ProjectName) -> Mapping[str, Any]:
    """Run Copier into ``staging`` and return the answers the project was rendered with."""
    data: dict[str, Any] = {"project_name": name.title}
    if spec.description is not None:
        data["description"] = spec.description
    if spec.database is not None:
        data["database"] = spec.database.value
    if spec.auth is not None:
        data["auth"] = spec.auth
    if spec.jobs is not None:
        data["jobs"] = spec.jobs
    if spec.api_prefix is not None:
        data["api_prefix"] = spec.api_prefix
    return render_answers(staging, data, interactive=spec.interactive)


def _init(git: str, repo: Path) -> list[str]:
    """An empty repository in ``repo``; returns the settings its commits need (git_defaults)."""
    defaults = git_defaults(git, repo, ceiling=True)
    _git(git, repo, "init", "--quiet", config=defaults)
    return defaults


def _commit(git: str, repo: Path, initialized: "Future[list[str]]", *, locked: bool) -> str:
    """Make the project a repository whose first commit holds every rendered file.

    The lock file, when there is one, follows in a commit of its own: the first commit is
    exactly what the template rendered (the first pristine record, which `update` compares
    renders with), and the lock is the index's answer of the day, not the template's.
    """
    defaults = initialized.result()
    _git(git, repo, "add", "--all", "--", ".", f":(exclude){LOCK_FILE}")
    message = f"{pristine.FIRST_SUBJECT} {generator.__version__}"
    # --no-verify: hooks from the user's init.templateDir have no say over generated files.
    _git(git, repo, "commit", "--quiet", "--no-verify", "--message", message, config=defaults)
    commit = _git(git, repo, "rev-parse", "HEAD")
    pristine.advance(git, repo, commit, expected=None)
    if locked:
        _git(git, repo, "add", "--", LOCK_FILE)
        lock_message = ("--message", LOCK_SUBJECT)
        _git(git, repo, "commit", "--quiet", "--no-verify", *lock_message, config=defaults)
    return commit


def _git(
    git: str, repo: Path, command: str, *args: str, config: Sequence[str] = (), check: bool = True
) -> str:
    """Git in a directory about to be a repository of its own: never an enclosing one."""
    return run_git(git, repo, command, *args, config=config, check=check, ceiling=True)
