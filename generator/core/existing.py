"""A project fastapi-gen created earlier: where it is and what it was created with.

Cheap to import (no Copier): `add-feature` and `remove-feature` start from here.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from generator.core.errors import BrokenProject, InvalidInput
from generator.render.answers import ANSWERS_FILE, Database, option_problem, read_answers

FEATURES_DIR = Path("app/features")
TESTS_FEATURES_DIR = Path("tests/features")
VERSIONS_DIR = Path("migrations/versions")


def find_project_root(start: Path) -> Path:
    """Return the nearest directory at or above `start` that holds a rendered project.

    The answers file only has to exist to mark the root: when it is broken, reading it says so,
    rather than the search going on to some enclosing directory.
    """
    try:
        start = start.resolve()
        if not start.is_dir():
            raise InvalidInput(f"{start} is not a directory.")
        for directory in (start, *start.parents):
            answers = directory / ANSWERS_FILE
            if (answers.exists() or answers.is_symlink()) and (directory / FEATURES_DIR).is_dir():
                return directory
    except OSError as error:
        raise InvalidInput(f"Cannot use {start} as the project: {error.strerror}.") from None
    raise InvalidInput(
        f"{start} is not inside a fastapi-gen project (no {ANSWERS_FILE} and app/features/ found); "
        "run the command inside one or pass --project DIR."
    )


def _read_answers(answers: Mapping[str, Any]) -> tuple[bool, Database]:
    """The answers every command depends on, checked for their types."""
    auth, database = answers.get("auth"), answers.get("database")
    if not isinstance(auth, bool):
        raise BrokenProject(f"{ANSWERS_FILE}: 'auth' must be true or false, not {auth!r}.")
    if database not in {member.value for member in Database}:
        choices = " or ".join(member.value for member in Database)
        raise BrokenProject(f"{ANSWERS_FILE}: 'database' must be {choices}, not {database!r}.")
    return auth, Database(database)


@dataclass(frozen=True)
class ExistingProject:
    root: Path
    auth: bool
    database: str
    answers: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """Every answer the project was rendered with, as read when it was located."""

    @classmethod
    def locate(cls, start: Path) -> "ExistingProject":
        root = find_project_root(start)
        answers = read_answers(root)
        auth, database = _read_answers(answers)
        return cls(root=root, auth=auth, database=database.value, answers=answers)

    @cached_property
    def api_prefix(self) -> str:
        """Where the API is served, checked by copier.yml's own validator when first asked
        (add-feature needs it; remove-feature does not, and so skips Jinja's import)."""
        # Projects rendered before the question existed serve their API at the root.
        api_prefix = self.answers.get("api_prefix", "")
        problem = option_problem("api_prefix", {"api_prefix": api_prefix})
        if not isinstance(api_prefix, str) or problem:
            raise BrokenProject(
                f"{ANSWERS_FILE}: 'api_prefix' is {api_prefix!r}: {problem or 'not a string.'}"
            )
        return api_prefix

    def feature_dir(self, plural: str) -> Path:
        return self.root / FEATURES_DIR / plural

    def has_feature(self, plural: str) -> bool:
        path = self.feature_dir(plural)
        return path.exists() or path.is_symlink()

    def run(self, command: str) -> str:
        """A command as the user runs it in this project: through uv where `new` recommends uv.

        `new` prints uv's steps first (and locks with uv) when uv is there, so a project with a
        ``uv.lock``, or on a machine with uv, runs its tools with ``uv run``; elsewhere they are
        the commands of an activated virtualenv.
        """
        import shutil

        uses_uv = (self.root / "uv.lock").is_file() or shutil.which("uv") is not None
        return f"uv run {command}" if uses_uv else command
