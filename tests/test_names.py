"""Project names: what we accept, what we derive, and that copier.yml derives the same."""

import tomllib
from pathlib import Path

import pytest

from generator.core.errors import InvalidInput
from generator.project.create import create_project
from generator.project.names import parse_project_name
from generator.project.request import ProjectSpec


@pytest.mark.parametrize(
    ("raw", "title", "distribution", "package"),
    [
        ("My API", "My API", "my-api", "my_api"),
        ("myapi", "myapi", "myapi", "myapi"),
        ("  Orders_Service-2 ", "Orders_Service-2", "orders-service-2", "orders_service_2"),
        ("shop--API__v2", "shop--API__v2", "shop-api-v2", "shop_api_v2"),
        ("x_", "x_", "x", "x"),
        ("match", "match", "match", "match"),  # a soft keyword is a valid package name
    ],
)
def test_derived_forms(raw: str, title: str, distribution: str, package: str) -> None:
    name = parse_project_name(raw)
    assert (name.title, name.distribution, name.package) == (title, distribution, package)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("class", "Python keyword"),
        ("Class", "Python keyword"),
        ("def-", "Python keyword"),
        ("9lives", "must start with a letter"),
        ("_private", "must start with a letter"),
        ("-dash", "must start with a letter"),
        ("my.api", "may only contain"),
        ("café", "may only contain"),
        ("api/v2", "may only contain"),
    ],
)
def test_refused(raw: str, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem) as caught:
        parse_project_name(raw)
    assert caught.value.exit_code == 2


@pytest.mark.parametrize("raw", ["My API", "shop--API__v2", "x_", "Orders_Service-2"])
def test_copier_yml_derives_the_same_distribution_name(raw: str, tmp_path: Path) -> None:
    """The template computes the name it writes into pyproject.toml; the directory is ours."""
    project = create_project(ProjectSpec(name=raw, output=tmp_path, git=False))
    pyproject = tomllib.loads((project.path / "pyproject.toml").read_text())
    assert pyproject["project"]["name"] == project.name.distribution == project.path.name
