"""Copier as the generator uses it: the versions it allows agree, and the installed one is one.

generator/render/copying.py is the one module that reaches into Copier's internals (its
RELIES_ON); pyproject.toml holds Copier to the releases it was written against, and copier.yml
asks plain `copier copy` for the same floor.
"""

import importlib
import tomllib
from importlib.metadata import version

import yaml
from packaging.requirements import Requirement
from packaging.version import Version

from generator.render.copying import RELIES_ON
from tests.template_versions import REPO


def copier_requirement() -> Requirement:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    [found] = [
        Requirement(line) for line in project["dependencies"] if Requirement(line).name == "copier"
    ]
    return found


def test_pyproject_and_copier_yml_name_the_same_oldest_copier() -> None:
    floors = [spec.version for spec in copier_requirement().specifier if spec.operator == ">="]
    minimum = yaml.safe_load((REPO / "copier.yml").read_text(encoding="utf-8"))
    assert floors == [minimum["_min_copier_version"]]


def test_the_installed_copier_is_one_the_adapter_supports() -> None:
    installed = Version(version("copier"))
    assert installed in copier_requirement().specifier, (
        f"copier {installed} is outside {copier_requirement().specifier}: "
        "generator/render/copying.py relies on internals of the releases pyproject.toml allows"
    )
    for module, name in RELIES_ON:
        assert hasattr(importlib.import_module(module), name), f"{module}.{name} is gone"
