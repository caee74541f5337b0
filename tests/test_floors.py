"""The generator's declared floors are true: with the lowest versions pyproject.toml allows for
its own dependencies, `new`, `add-feature`, `update` and `remove-feature` work.

uv's ``--resolution lowest-direct`` installs every direct dependency at its floor (what they
pull in at its newest), in a fresh environment of its own. A floor that is too low fails here;
raise it in pyproject.toml until this passes.
"""

import os
import shutil
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from tests.test_packaging import REPO, run

BIN = Path(sys.executable).parent


def floors() -> dict[str, str]:
    """Each direct dependency's lowest allowed version, by name."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = {}
    for line in project["dependencies"]:
        requirement = Requirement(line)
        [floor] = [spec.version for spec in requirement.specifier if spec.operator == ">="]
        found[requirement.name.lower()] = floor
    return found


@pytest.mark.slow
@pytest.mark.usefixtures("git_config")
def test_the_lowest_allowed_dependencies_run_every_command(tmp_path: Path) -> None:
    environment = tmp_path / "lowest"
    env = {
        **{key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"},
        "UV_PYTHON_DOWNLOADS": "never",
    }
    run(BIN / "uv", "venv", "--quiet", "--python", sys.executable, environment, env=env)
    install_env = {**env, "VIRTUAL_ENV": str(environment)}
    run(
        BIN / "uv",
        "pip",
        "install",
        "--quiet",
        "--resolution",
        "lowest-direct",
        REPO,
        env=install_env,
    )
    listed = run(BIN / "uv", "pip", "list", "--format", "freeze", env=install_env)
    installed = dict(line.lower().split("==") for line in listed.splitlines() if "==" in line)
    # Each floor itself is what runs.
    below = {
        name: floor
        for name, floor in floors().items()
        if Version(installed.get(name, "0")) != Version(floor)
    }
    assert below == {}, installed

    command = environment / "bin" / "fastapi-gen"
    run(command, "new", "shop", "--no-lock", cwd=tmp_path, env=env)
    project = tmp_path / "shop"
    added = run(command, "add-feature", "orders", "title:str:80", "total:decimal:10:2",
                cwd=project, env=env)  # fmt: skip
    assert "Added orders" in added
    run("git", "add", "--all", cwd=project)
    run("git", "commit", "--quiet", "--message", "Add orders", cwd=project)

    # A later template, as the update of an installed fastapi-gen brings it.
    later = tmp_path / "later"
    later.mkdir()
    shutil.copy2(REPO / "copier.yml", later / "copier.yml")
    shutil.copytree(REPO / "template", later / "template",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    readme = later / "template/project/README.md.jinja"
    readme.write_text(readme.read_text() + "\nA later line.\n")
    run(command, "update", cwd=project, env={**env, "FASTAPI_GEN_TEMPLATE": str(later)})
    assert "A later line." in (project / "README.md").read_text()
    assert "Removed orders" in run(command, "remove-feature", "orders", "--force",
                                   cwd=project, env=env)  # fmt: skip
