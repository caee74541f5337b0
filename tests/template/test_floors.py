"""True floors: a rendered project runs on the lowest versions its pyproject.toml allows.

uv resolves every direct dependency to its floor (`--resolution lowest-direct`), then the
project's own suite runs on them, with a plain feature and a feature with `refs:` added. A
floor that does not really work (an import that only exists later, a fixture option a test
plugin learnt later) fails here, not in a user's resolver.
"""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.version import Version
from pytest_copie.plugin import Copie

from tests.template.commands import user_environment
from tests.template.conftest import Project, Variant, database_env, render
from tests.template.test_project import passed_count

FEATURES = [
    ["orders", "title:str:80", "total:decimal:10:2", "status:enum:open:done:default=open"],
    ["notes", "text:str:200", "items:refs:orders", "--soft-delete"],
]
FLOOR = re.compile(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?>=([0-9][^,;\s]*)")


def floors(pyproject: Path) -> dict[str, str]:
    """Each direct dependency's lowest allowed version, by normalised name."""
    data = tomllib.loads(pyproject.read_text())
    requirements = [*data["project"]["dependencies"], *data["dependency-groups"]["dev"]]
    found = {}
    for requirement in requirements:
        match = FLOOR.match(requirement)
        assert match, f"{requirement}: every dependency needs a floor (>=)"
        found[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(2)
    return found


# --jobs brings direct dependencies of its own (and raises redis's floor): one variant has it.
@pytest.mark.parametrize(
    ("database", "jobs"),
    [("sqlite", False), ("postgresql", False), ("postgresql", True)],
    ids=["sqlite", "postgresql", "postgresql-jobs"],
)
def test_the_suite_passes_on_the_lowest_allowed_versions(
    copie: Copie, template_dir: Path, tmp_path: Path, database: str, jobs: bool
) -> None:
    variant = Variant(database, auth=True, features=True, jobs=jobs)
    path = render(copie, template_dir, database=database, auth=True, jobs=jobs)
    project = Project(path=path, variant=variant, env=database_env(variant, "floors", path))
    for arguments in FEATURES:
        project.check("fastapi-gen", "add-feature", *arguments)
    env = {**user_environment(tmp_path / "tools"), **project.env}
    project.env = env

    project.check("uv", "sync", "--resolution", "lowest-direct")
    installed = project.check("uv", "pip", "list", "--python", ".venv", "--format", "freeze")
    output = project.check("uv", "run", "--no-sync", "pytest", "-q", "-p", "no:cacheprovider")

    versions = dict(line.lower().split("==") for line in installed.split() if "==" in line)
    for name, floor in floors(path / "pyproject.toml").items():
        assert Version(versions[name]) == Version(floor), f"{name}: {versions[name]} installed"
    assert passed_count(output) >= 200
