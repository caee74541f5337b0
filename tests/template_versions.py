"""The template's fingerprint per release: template/ or copier.yml never change unreleased.

A project records the fastapi-gen version that rendered it, and `update` says what changed
between two versions; both mean something only if every change to what projects receive comes
with a new version. TEMPLATE_VERSIONS.json (beside this file) maps each version to the sha256
of the template tree it shipped; tests/test_versions.py fails when the tree differs from the
fingerprint recorded for the version in pyproject.toml.

After changing template/ or copier.yml: bump ``version`` in pyproject.toml, say in
CHANGELOG.md what changed for users' projects under ``## <new version>``, reinstall
(``pip install -e .``), then record the fingerprint with ``python -m tests.template_versions``.
Before a release, when several branches change the template of the one unreleased version, the
integrator records their merged template with ``python -m tests.template_versions --amend``.
"""

import hashlib
import json
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RECORD = Path(__file__).resolve().parent / "TEMPLATE_VERSIONS.json"
_NOT_TEMPLATE = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}


def fingerprint(root: Path = REPO) -> str:
    """sha256 over copier.yml and every file of template/: paths, executable bits and bytes."""
    digest = hashlib.sha256()
    template = sorted(
        path
        for path in (root / "template").rglob("*")
        if path.is_file()
        and not _NOT_TEMPLATE.intersection(path.relative_to(root).parts)
        and path.suffix not in {".pyc", ".pyo"}
    )
    for path in [root / "copier.yml", *template]:
        relative = path.relative_to(root).as_posix()
        executable = "x" if path.stat().st_mode & 0o111 else "-"
        data = path.read_bytes()
        digest.update(f"{relative}\0{executable}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def current_version(root: Path = REPO) -> str:
    """The version pyproject.toml declares: the one source of the package's version."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return str(project["version"])


def recorded() -> dict[str, str]:
    loaded: dict[str, str] = json.loads(RECORD.read_text(encoding="utf-8"))
    return loaded


def record(version: str, value: str, *, amend: bool = False) -> None:
    """Add the fingerprint of ``version``; ``amend`` replaces it while it is unreleased."""
    versions = recorded()
    if versions.get(version, value) != value and not amend:
        sys.exit(
            f"{version} has another template recorded: bump the version in pyproject.toml "
            "(or pass --amend while it is unreleased)."
        )
    versions[version] = value
    RECORD.write_text(json.dumps(versions, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    version = current_version()
    record(version, fingerprint(), amend="--amend" in sys.argv[1:])
    print(f"Recorded the template of fastapi-gen {version} in {RECORD.name}.")  # noqa: T201
