"""What an update tells the user besides the files: the release notes and the settings.

CHANGELOG.md (shipped beside the template) has a ``## X.Y.Z`` section per release saying what
changed for users' projects; an update from A to B shows the sections of the releases after A
up to B. The settings come from the two renders' ``.env.example``: the names added and removed,
which a deployed ``.env`` may need to follow.
"""

import re
from dataclasses import dataclass

from generator.render.template import template_root

CHANGELOG = "CHANGELOG.md"
ENV_EXAMPLE = ".env.example"
_RELEASE = re.compile(r"(?m)^## \[?(\d[^\]\s]*)\]?.*$")
_SETTING = re.compile(r"(?m)^#?\s*([A-Z][A-Z0-9_]*)=")


@dataclass(frozen=True)
class Settings:
    added: list[str]
    removed: list[str]


def release_notes(old: str, new: str, text: str | None = None) -> list[str]:
    """The CHANGELOG sections of the releases after ``old`` up to ``new``, newest first."""
    from packaging.version import InvalidVersion, Version

    if text is None:
        path = template_root() / CHANGELOG
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
    found = list(_RELEASE.finditer(text))
    sections = []
    for number, match in enumerate(found):
        end = found[number + 1].start() if number + 1 < len(found) else len(text)
        try:
            crossed = Version(old) < Version(match.group(1)) <= Version(new)
        except InvalidVersion:
            continue
        if crossed:
            sections.append(text[match.start() : end].strip())
    return sections


def settings(before: str, after: str) -> Settings:
    """Setting names in ``.env.example`` (set or commented out) added and removed."""
    old, new = set(_SETTING.findall(before)), set(_SETTING.findall(after))
    return Settings(added=sorted(new - old), removed=sorted(old - new))
