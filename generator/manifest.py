"""`.fastapi-gen.json`: what add-feature created, so remove-feature can take back exactly that.

It records each feature's fields (to rebuild references), whether its rows have owners, its
migration, and a hash of every file it wrote (to notice edits made since).
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from generator.errors import InvalidInput

MANIFEST = ".fastapi-gen.json"


@dataclass(frozen=True)
class FeatureRecord:
    fields: list[str]
    owned: bool
    revision: str
    files: dict[str, str] = field(default_factory=dict)
    """Relative path -> sha256 of the content add-feature wrote."""


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def load(root: Path) -> dict[str, FeatureRecord]:
    path = root / MANIFEST
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {name: FeatureRecord(**record) for name, record in raw["features"].items()}
    except (OSError, ValueError, KeyError, TypeError) as error:
        message = f"{MANIFEST} is damaged ({error}); restore it from version control."
        raise InvalidInput(message) from None


def dump(features: dict[str, FeatureRecord]) -> str | None:
    """The manifest's text, or None when no feature is left (the file then goes away)."""
    if not features:
        return None
    raw = {"features": {name: asdict(features[name]) for name in sorted(features)}}
    return json.dumps(raw, indent=2, sort_keys=True) + "\n"
