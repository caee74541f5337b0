"""A project fastapi-gen created earlier: where it is and what it was created with.

Cheap to import (no Copier): `add-feature` and `remove-feature` start from here.
"""

from dataclasses import dataclass
from pathlib import Path

from generator.errors import InvalidInput
from generator.spec import ANSWERS_FILE

FEATURES_DIR = Path("app/features")
TESTS_FEATURES_DIR = Path("tests/features")
VERSIONS_DIR = Path("migrations/versions")


def find_project_root(start: Path) -> Path:
    """Return the nearest directory at or above `start` that holds a rendered project."""
    start = start.resolve()
    if not start.is_dir():
        raise InvalidInput(f"{start} is not a directory.")
    for directory in (start, *start.parents):
        if (directory / ANSWERS_FILE).is_file() and (directory / FEATURES_DIR).is_dir():
            return directory
    raise InvalidInput(
        f"{start} is not inside a fastapi-gen project (no {ANSWERS_FILE} and app/features/ found); "
        "run the command inside one or pass --project DIR."
    )


def _read_answers(path: Path) -> dict[str, object]:
    import yaml

    try:
        answers = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise InvalidInput(f"Cannot read {path}: {error}") from None
    if not isinstance(answers, dict):
        raise InvalidInput(f"{path} does not hold the project's answers.")
    return answers


@dataclass(frozen=True)
class ExistingProject:
    root: Path
    auth: bool
    database: str

    @classmethod
    def locate(cls, start: Path) -> "ExistingProject":
        root = find_project_root(start)
        answers = _read_answers(root / ANSWERS_FILE)
        return cls(root=root, auth=bool(answers.get("auth")), database=str(answers.get("database")))

    def feature_dir(self, plural: str) -> Path:
        return self.root / FEATURES_DIR / plural

    def has_feature(self, plural: str) -> bool:
        return self.feature_dir(plural).exists()
