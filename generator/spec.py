"""What the user asks for and what they get back: plain data, cheap to import from the CLI."""

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from generator.names import ProjectName

ANSWERS_FILE = ".copier-answers.yml"
"""Written into every rendered project (``_answers_file`` in copier.yml); marks a project root."""
VERSION_KEY = "_fastapi_gen_version"
"""The answers file's record of the generator that rendered the project, for `update`."""

SETUP_COMMANDS = (
    "python -m venv .venv && . .venv/bin/activate",
    "pip install --upgrade pip && pip install -e . --group dev",
    "cp .env.example .env",
    "pytest",
    "alembic upgrade head",
    "uvicorn app.main:app --reload",
)
"""A new project's first commands, as its README gives them (pip >= 25.1 reads ``--group``)."""


class Database(StrEnum):
    """The databases the template supports; the values are copier.yml's ``database`` choices."""

    sqlite = "sqlite"
    postgresql = "postgresql"


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
    api_prefix: str | None = None
    """Where the API is served, e.g. ``/api/v1``; ``""`` for the root."""
    git: bool = True
    interactive: bool = False


@dataclass(frozen=True)
class CreatedProject:
    """A project that now exists on disk, with the answers it was rendered from."""

    path: Path
    name: ProjectName
    description: str
    database: Database
    auth: bool
    commit: str | None
    """The initial commit's hash; ``None`` when created with ``--no-git``."""
