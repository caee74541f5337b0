"""The library's view of a created project, and finding a project from inside it."""

import re
from pathlib import Path

import pytest
import yaml

import generator
from generator.core.errors import InvalidInput
from generator.core.existing import find_project_root
from generator.project.create import create_project
from generator.project.request import ProjectSpec
from generator.render.answers import ANSWERS_FILE, Database
from generator.render.template import template_root


def test_created_project_reports_the_answers_used(tmp_path: Path) -> None:
    project = create_project(
        ProjectSpec(name="Shop", output=tmp_path, database=Database.postgresql, git=False)
    )
    assert project.path == tmp_path / "shop"
    assert project.database is Database.postgresql
    assert project.auth is True  # the template's default
    assert project.description  # the template's default, whatever its wording
    assert project.commit is None


@pytest.mark.usefixtures("git_config")
def test_created_project_has_the_commit(tmp_path: Path) -> None:
    project = create_project(ProjectSpec(name="shop", output=tmp_path))
    assert project.commit is not None
    assert len(project.commit) == 40


def test_find_project_root_from_inside(tmp_path: Path) -> None:
    project = create_project(ProjectSpec(name="shop", output=tmp_path, git=False))
    assert (project.path / ANSWERS_FILE).is_file()
    assert find_project_root(project.path / "app") == project.path
    assert find_project_root(project.path) == project.path


def test_find_project_root_outside_a_project(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="not inside a fastapi-gen project"):
        find_project_root(tmp_path)


def test_answers_name_the_generator_version_not_a_machine_path(tmp_path: Path) -> None:
    project = create_project(ProjectSpec(name="shop", output=tmp_path, git=False))

    text = (project.path / ANSWERS_FILE).read_text()
    answers = yaml.safe_load(text)

    assert "_src_path" not in answers
    assert str(template_root()) not in text
    assert answers["_fastapi_gen_version"] == generator.__version__


@pytest.mark.parametrize("prefix", ["/api/v1", "", "/v2"])
def test_the_api_prefix_is_recorded_and_followed_by_add_feature(
    tmp_path: Path, prefix: str
) -> None:
    from generator.core.existing import ExistingProject
    from tests.feature_support import add

    spec = ProjectSpec(name="shop", output=tmp_path, git=False, auth=False)
    if prefix != "/api/v1":
        spec = ProjectSpec(name="shop", output=tmp_path, git=False, auth=False, api_prefix=prefix)
    project = create_project(spec)
    existing = ExistingProject.locate(project.path)
    add(existing, "orders", "title:str")

    config = (project.path / "app/core/config.py").read_text()
    tests = (project.path / "tests/features/orders/test_orders.py").read_text()
    assert yaml.safe_load((project.path / ANSWERS_FILE).read_text())["api_prefix"] == prefix
    assert existing.api_prefix == prefix
    assert f'API_PREFIX = "{prefix}"' in config
    assert f'URL = "{prefix}/orders"' in tests


@pytest.mark.parametrize("prefix", ["api", "/api/", "/API", "/a b"])
def test_a_malformed_api_prefix_is_refused(tmp_path: Path, prefix: str) -> None:
    with pytest.raises(InvalidInput, match="api/v1"):
        create_project(ProjectSpec(name="shop", output=tmp_path, git=False, api_prefix=prefix))


@pytest.mark.parametrize("prefix", ["api", "/api/", "/API", "/a b"])
def test_a_recorded_api_prefix_is_checked_by_the_same_rule(tmp_path: Path, prefix: str) -> None:
    """copier.yml's validator refuses it for new and for copier copy; add-feature asks it too."""
    from generator.core.errors import BrokenProject
    from generator.core.existing import ExistingProject
    from generator.render.answers import option_problem

    project = create_project(ProjectSpec(name="shop", output=tmp_path, git=False, auth=False))
    answers = project.path / ANSWERS_FILE
    answers.write_text(answers.read_text().replace("api_prefix: /api/v1", f"api_prefix: {prefix}"))
    with pytest.raises(InvalidInput) as refused:
        create_project(ProjectSpec(name="other", output=tmp_path, git=False, api_prefix=prefix))
    message = option_problem("api_prefix", {"api_prefix": prefix})

    assert message is not None
    assert message in str(refused.value)
    with pytest.raises(BrokenProject, match=re.escape(message)):
        _ = ExistingProject.locate(project.path).api_prefix
