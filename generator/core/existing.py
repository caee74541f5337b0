"""A project fastapi-gen created earlier: where it is and what it was created with.

Cheap to import (no Copier): `add-feature` and `remove-feature` start from here.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.core.errors import BrokenProject, InvalidInput
from generator.core.files import read_text
from generator.project.request import ANSWERS_FILE, Database

FEATURES_DIR = Path("app/features")
TESTS_FEATURES_DIR = Path("tests/features")
VERSIONS_DIR = Path("migrations/versions")
# copier.yml's validator for the `api_prefix` answer: empty, or /segment[/segment...].
API_PREFIX = re.compile(r"(/[a-z0-9][a-z0-9._-]*)*")


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


def read_answers(root: Path) -> dict[str, Any]:
    """Every answer the project was rendered with, as Copier recorded them."""
    import yaml

    path = root / ANSWERS_FILE
    text = read_text(path, root)
    try:
        answers = yaml.safe_load(text)
    except yaml.YAMLError as error:
        problem = " ".join(str(error).split())
        raise BrokenProject(
            f"Cannot read {ANSWERS_FILE}: it is not valid YAML ({problem})."
        ) from None
    if not isinstance(answers, dict):
        raise BrokenProject(f"{ANSWERS_FILE} does not hold the project's answers.")
    return answers


def _read_answers(root: Path) -> tuple[bool, Database, str]:
    """The answers add-feature depends on, checked for their types."""
    answers = read_answers(root)
    auth, database = answers.get("auth"), answers.get("database")
    if not isinstance(auth, bool):
        raise BrokenProject(f"{ANSWERS_FILE}: 'auth' must be true or false, not {auth!r}.")
    if database not in {member.value for member in Database}:
        choices = " or ".join(member.value for member in Database)
        raise BrokenProject(f"{ANSWERS_FILE}: 'database' must be {choices}, not {database!r}.")
    # Projects rendered before the question existed serve their API at the root.
    api_prefix = answers.get("api_prefix", "")
    if not isinstance(api_prefix, str) or not API_PREFIX.fullmatch(api_prefix):
        raise BrokenProject(
            f"{ANSWERS_FILE}: 'api_prefix' must be empty or a path like /api/v1, "
            f"not {api_prefix!r}."
        )
    return auth, Database(database), api_prefix


@dataclass(frozen=True)
class ExistingProject:
    root: Path
    auth: bool
    database: str
    api_prefix: str = ""

    @classmethod
    def locate(cls, start: Path) -> "ExistingProject":
        root = find_project_root(start)
        auth, database, api_prefix = _read_answers(root)
        return cls(root=root, auth=auth, database=database.value, api_prefix=api_prefix)

    def feature_dir(self, plural: str) -> Path:
        return self.root / FEATURES_DIR / plural

    def has_feature(self, plural: str) -> bool:
        path = self.feature_dir(plural)
        return path.exists() or path.is_symlink()
