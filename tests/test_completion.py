"""Shell completion: Typer's --install-completion / --show-completion, and feature names.

The feature names are asked for the way a shell asks: through the completion variables that
the installed script sets, answered by the command itself.
"""

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from generator.cli import app, complete_feature
from tests.feature_support import render
from tests.test_cli import invoke

FEATURES = {"orders": ["title:str:120"], "order-items": ["quantity:int"], "tags": ["label"]}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = render(tmp_path_factory.mktemp("completion"), auth=False)
    for name, fields in FEATURES.items():
        result = invoke("add-feature", name, *fields, "--project", str(root))
        assert result.exit_code == 0, result.output
    return root


def bash_complete(words: str, cwd: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What bash offers for the last of `words`, as the installed script asks for it."""
    monkeypatch.chdir(cwd)
    parts = words.split(" ")
    env = {
        "_FASTAPI_GEN_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(parts) - 1),
    }
    result = CliRunner().invoke(app, [], env=env, prog_name="fastapi-gen")
    assert result.exit_code == 0, result.output
    return result.stdout.split()


def test_remove_feature_completes_the_projects_features(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert bash_complete("fastapi-gen remove-feature ", project, monkeypatch) == [
        "order_items",
        "orders",
        "tags",
    ]
    assert bash_complete("fastapi-gen remove-feature ord", project / "app", monkeypatch) == [
        "order_items",
        "orders",
    ]
    assert bash_complete("fastapi-gen remove-feature x", project, monkeypatch) == []


def test_the_project_option_is_followed(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    words = f"fastapi-gen remove-feature --project {project} t"
    assert bash_complete(words, tmp_path, monkeypatch) == ["tags"]


def test_outside_a_project_or_in_a_broken_one_nothing_is_offered(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert bash_complete("fastapi-gen remove-feature ", tmp_path, monkeypatch) == []
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in (".copier-answers.yml", ".fastapi-gen.json"):
        (broken / name).write_text((project / name).read_text())
    (broken / "app" / "features").mkdir(parents=True)
    (broken / ".fastapi-gen.json").write_text("{not json")
    assert bash_complete("fastapi-gen remove-feature ", broken, monkeypatch) == []
    assert complete_feature(typer.Context(typer.main.get_command(app)), "") == []  # in broken/


def test_commands_and_options_complete_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert bash_complete("fastapi-gen re", tmp_path, monkeypatch) == [
        "remove-feature",
        "remove-job",
    ]
    assert "--no-lock" in bash_complete("fastapi-gen new demo --", tmp_path, monkeypatch)


def test_show_completion_prints_the_script_for_the_shell() -> None:
    result = CliRunner().invoke(app, ["--show-completion", "bash"], prog_name="fastapi-gen")

    assert result.exit_code == 0, result.output
    assert "_FASTAPI_GEN_COMPLETE=complete_bash" in result.stdout
    assert "complete -o default -F" in result.stdout


def test_install_completion_writes_the_script_for_the_users_shell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))

    result = CliRunner().invoke(app, ["--install-completion", "bash"], prog_name="fastapi-gen")

    assert result.exit_code == 0, result.output
    script = tmp_path / ".bash_completions" / "fastapi-gen.sh"
    assert "_FASTAPI_GEN_COMPLETE=complete_bash" in script.read_text()
    assert str(script) in (tmp_path / ".bashrc").read_text()
