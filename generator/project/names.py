"""Project names: what the user types, and the distribution and package names derived from it.

The derivation mirrors ``distribution_name`` and ``package_name`` in ``copier.yml`` (lower-case,
runs of anything but ``[a-z0-9]`` become one ``-``, ``-`` trimmed at both ends), and the
accepted characters mirror its ``project_name`` validator, so a name we accept is one the
template accepts and both sides agree on the directory it lands in.
"""

import keyword
import re
from dataclasses import dataclass

from generator.core.errors import InvalidInput

_ALLOWED = re.compile(r"[A-Za-z][A-Za-z0-9 _-]*")
MAX_TITLE_LENGTH = 60
"""The name as written goes into a line of app/core/config.py (`app_name: str = "..."`)."""
MAX_PACKAGE_LENGTH = 25
"""The package form goes into lines of the rendered project (the PostgreSQL test database in
tests/conftest.py's docstring is the longest) that must stay within its 100 columns; it also
keeps `<package>_test` inside PostgreSQL's 63-byte database names, and the directory short."""
_SEPARATORS = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class ProjectName:
    """A validated project name and its derived forms."""

    title: str
    """As the user wrote it, trimmed: ``My API``."""
    distribution: str
    """The PyPI-style name and the project directory: ``my-api``."""
    package: str
    """The importable form: ``my_api``."""


def parse_project_name(raw: str) -> ProjectName:
    """Validate ``raw`` and derive its forms, or raise InvalidInput naming the problem.

    A leading ASCII letter followed by ``[a-z0-9_]`` is always an identifier, so after the
    character checks only keywords (``class``) remain to be refused.
    """
    title = raw.strip()
    if not title:
        raise InvalidInput("The project name is empty; give one such as 'my-api'.")
    if not ("a" <= title[0].lower() <= "z"):
        raise InvalidInput(f"Project name {title!r} must start with a letter (a-z).")
    if not _ALLOWED.fullmatch(title):
        raise InvalidInput(
            f"Project name {title!r} may only contain letters, digits, spaces, '-' and '_'."
        )
    if len(title) > MAX_TITLE_LENGTH:
        raise InvalidInput(
            f"Project name {title[:20]!r}... is {len(title)} characters long; "
            f"the most is {MAX_TITLE_LENGTH}."
        )
    distribution = _SEPARATORS.sub("-", title.lower()).strip("-")
    package = distribution.replace("-", "_")
    if len(package) > MAX_PACKAGE_LENGTH:
        raise InvalidInput(
            f"Project name {title!r} gives the package name {package!r} of {len(package)} "
            f"characters; the most is {MAX_PACKAGE_LENGTH}."
        )
    if keyword.iskeyword(package):
        raise InvalidInput(
            f"Project name {title!r} gives the package name {package!r}, a Python keyword."
        )
    return ProjectName(title=title, distribution=distribution, package=package)
