"""Finding the template: packaged in a wheel, or the root of a source checkout."""

from pathlib import Path

import pytest

from generator.core.errors import OperationFailed
from generator.render import template

REPO = Path(__file__).resolve().parent.parent


def make_template_root(directory: Path) -> Path:
    (directory / "template" / "project").mkdir(parents=True)
    (directory / "copier.yml").write_text("_subdirectory: template/project\n")
    return directory


def test_a_source_checkout_uses_the_repository_root() -> None:
    assert template.template_root() == REPO


def test_a_packaged_template_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "site-packages" / "generator"
    packaged = make_template_root(package / "_template")
    monkeypatch.setattr(template, "_PACKAGE_DIR", package)
    assert template.template_root() == packaged
    with template.template_source() as source:
        assert source == packaged  # not a repository: Copier reads it in place


def test_a_missing_template_is_an_operation_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(template, "_PACKAGE_DIR", tmp_path / "generator")
    with pytest.raises(OperationFailed, match="reinstall"):
        template.template_root()


def test_a_git_checkout_is_rendered_from_a_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Copier would otherwise clone the repository and render its last tag or commit."""
    checkout = make_template_root(tmp_path / "checkout")
    (checkout / ".git").mkdir()
    (checkout / "template" / "project" / "README.md.jinja").write_text("# {{ project_name }}\n")
    (checkout / "template" / "project" / "__pycache__").mkdir()
    monkeypatch.setattr(template, "_PACKAGE_DIR", checkout / "generator")

    with template.template_source() as source:
        assert source != checkout
        assert (source / "copier.yml").read_text() == (checkout / "copier.yml").read_text()
        assert (source / "template" / "project" / "README.md.jinja").is_file()
        assert not (source / "template" / "project" / "__pycache__").exists()
        assert not (source / ".git").exists()
    assert not source.exists()


def test_plain_copier_copy_of_the_repository_renders_a_project(tmp_path: Path) -> None:
    """Without fastapi-gen: Copier alone, pointed at this repository, as its README allows."""
    import copier

    copier.run_copy(
        str(REPO),
        tmp_path / "plain",
        data={"project_name": "Plain Copy", "auth": False},
        defaults=True,
        quiet=True,
        unsafe=False,
    )

    assert (tmp_path / "plain" / "app" / "main.py").is_file()
    assert 'name = "plain-copy"' in (tmp_path / "plain" / "pyproject.toml").read_text()
    assert not (tmp_path / "plain" / "app" / "core" / "security.py").exists()
