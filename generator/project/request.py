"""What the user asks for and what they get back: plain data, cheap to import from the CLI."""

from dataclasses import dataclass
from pathlib import Path

from generator.project.names import ProjectName
from generator.render.answers import Database

UV_STEPS = (
    "cp .env.example .env",
    "uv sync",
    "uv run pytest",
    "uv run alembic upgrade head",
    "uv run uvicorn app.main:app --reload",
)
"""A new project's first commands with uv, as its README gives them: `new` prints these."""
PIP_STEPS = (
    "python3 -m venv .venv && . .venv/bin/activate",
    "pip install --upgrade pip && pip install -e . --group dev",
    "pytest",
    "alembic upgrade head",
    "uvicorn app.main:app --reload",
)
"""The same without uv, after `cp .env.example .env` (pip >= 25.1 reads ``--group``)."""


@dataclass(frozen=True)
class ProjectSpec:
    """A request for a new project.

    ``None`` means the user did not say: the template's default applies, or with
    ``interactive`` the template asks.
    """

    name: str
    output: Path
    description: str | None = None
    database: Database | None = None
    auth: bool | None = None
    jobs: bool | None = None
    """Background jobs on Redis (Taskiq) with an outbox; the template's default is off."""
    api_prefix: str | None = None
    """Where the API is served, e.g. ``/api/v1``; ``""`` for the root."""
    git: bool = True
    interactive: bool = False
    lock: bool | None = None
    """Write ``uv.lock``: ``True`` needs uv, ``None`` locks when uv is found (see lock.py)."""


@dataclass(frozen=True)
class CreatedProject:
    """A project that now exists on disk, with the answers it was rendered from."""

    path: Path
    name: ProjectName
    description: str
    database: Database
    auth: bool
    jobs: bool
    commit: str | None
    """The initial commit's hash; ``None`` when created with ``--no-git``."""
    lock: "LockOutcome"
    """Whether ``uv.lock`` was written, and if not, why."""


@dataclass(frozen=True)
class LockOutcome:
    """What became of the lock file: written, not asked for, or not possible (and why)."""

    written: bool
    reason: str = ""
    """Why there is no lock, for the summary; empty when it was written or not wanted."""
