"""The ``fastapi-gen`` command as a user meets it: output, exit codes, and what lands on disk."""

import re
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

import generator
from generator.cli import app
from generator.project import create as project_module
from generator.project.request import PIP_STEPS, UV_STEPS
from generator.render import copying
from tests.markdown import bash_blocks

pytestmark = pytest.mark.usefixtures("git_config")
REPO = Path(__file__).resolve().parent.parent


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def assert_one_line_error(result: Result, exit_code: int, *fragments: str) -> None:
    """A user mistake or a failed operation: one line on stderr, no traceback, no stdout."""
    assert result.exit_code == exit_code, result.output
    assert isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    assert result.stdout == ""
    assert "Traceback" not in result.output


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout == f"fastapi-gen {generator.__version__}\n"


def test_help_lists_every_option_of_new() -> None:
    result = invoke("new", "--help")
    assert result.exit_code == 0
    for option in (
        "--database",
        "sqlite|postgresql",
        "--auth",
        "--no-auth",
        "--description",
        "--output",
        "--git",
        "--no-git",
        "--interactive",
    ):
        assert option in result.stdout


def test_no_arguments_shows_help() -> None:
    result = invoke()
    assert "Usage: fastapi-gen" in result.output
    assert "new" in result.output


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", "empty"),
        ("class", "keyword"),
        ("9lives", "start with a letter"),
        ("my.api", "may only contain"),
    ],
)
def test_bad_name_exits_2_with_one_line(name: str, problem: str, tmp_path: Path) -> None:
    assert_one_line_error(invoke("new", name, "--output", str(tmp_path)), 2, problem)
    assert list(tmp_path.iterdir()) == []


def test_existing_non_empty_directory_is_refused_and_untouched(tmp_path: Path) -> None:
    existing = tmp_path / "my-api"
    existing.mkdir()
    (existing / "notes.txt").write_text("mine")

    result = invoke("new", "My API", "--output", str(tmp_path))

    assert_one_line_error(result, 2, str(existing), "not empty")
    assert list(tmp_path.iterdir()) == [existing]
    assert list(existing.iterdir()) == [existing / "notes.txt"]
    assert (existing / "notes.txt").read_text() == "mine"


def test_existing_empty_directory_is_used(tmp_path: Path) -> None:
    (tmp_path / "demo").mkdir()
    result = invoke("new", "demo", "--output", str(tmp_path), "--no-git")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "demo" / "app" / "main.py").is_file()


def test_existing_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "demo").write_text("")
    assert_one_line_error(invoke("new", "demo", "--output", str(tmp_path)), 2, "not a directory")


def test_missing_output_directory_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    assert_one_line_error(invoke("new", "demo", "--output", str(missing)), 2, "does not exist")
    assert not missing.exists()


def test_default_makes_a_repository_with_one_commit_and_a_clean_tree(tmp_path: Path) -> None:
    result = invoke("new", "demo", "--output", str(tmp_path))

    assert result.exit_code == 0, result.output
    repo = tmp_path / "demo"
    assert git(repo, "rev-list", "--count", "HEAD") == "1"
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert (
        git(repo, "log", "--format=%s")
        == f"Initial commit from fastapi-gen {generator.__version__}"
    )
    assert git(repo, "log", "--format=%an <%ae>") == "Test Author <author@example.com>"
    assert git(repo, "branch", "--show-current") == "main"
    assert "app/main.py" in git(repo, "ls-files").splitlines()


def test_without_a_git_identity_one_is_supplied(tmp_path: Path, git_config: Path) -> None:
    git_config.write_text("")
    result = invoke("new", "demo", "--output", str(tmp_path))
    assert result.exit_code == 0, result.output
    repo = tmp_path / "demo"
    assert git(repo, "log", "--format=%an <%ae>") == "fastapi-gen <fastapi-gen@localhost>"
    local_identity = subprocess.run(
        ["git", "config", "--local", "--get-regexp", "^user[.]"], cwd=repo, check=False
    )
    assert local_identity.returncode == 1, "the stand-in identity is for one commit, not kept"


def test_the_users_default_branch_is_respected(tmp_path: Path, git_config: Path) -> None:
    git_config.write_text(git_config.read_text() + "[init]\n\tdefaultBranch = trunk\n")
    assert invoke("new", "demo", "--output", str(tmp_path)).exit_code == 0
    assert git(tmp_path / "demo", "branch", "--show-current") == "trunk"


def test_no_git_gives_no_repository(tmp_path: Path) -> None:
    result = invoke("new", "demo", "--output", str(tmp_path), "--no-git")
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "demo" / ".git").exists()
    assert (tmp_path / "demo" / "app" / "main.py").is_file()


def test_missing_git_binary_fails_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    output = tmp_path / "out"
    output.mkdir()

    assert_one_line_error(invoke("new", "demo", "--output", str(output)), 1, "git", "--no-git")
    assert list(output.iterdir()) == []


def printed_steps(stdout: str) -> tuple[list[str], list[str]]:
    """The commands `new` printed: with uv, then without."""
    steps = stdout.split("Next steps:\n", 1)[1]
    with_uv, without = steps.split("\nWithout uv", 1)
    commands = [line.strip() for line in with_uv.splitlines() if line.strip()]
    return commands, [line.strip() for line in without.splitlines()[1:] if line.strip()]


def test_output_option_and_the_next_steps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "projects").mkdir()

    result = invoke("new", "My API", "-o", "projects", "--no-git")

    assert result.exit_code == 0, result.output
    assert (tmp_path / "projects" / "my-api" / "app" / "main.py").is_file()
    assert str(tmp_path / "projects" / "my-api") in result.stdout
    assert printed_steps(result.stdout) == (["cd projects/my-api", *UV_STEPS], list(PIP_STEPS))


def test_the_printed_steps_are_both_readmes_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `new` prints, what this repository's README shows and the project's README."""
    monkeypatch.chdir(tmp_path)
    result = invoke("new", "myapi", "--no-git")
    assert result.exit_code == 0, result.output
    with_uv, without_uv = printed_steps(result.stdout)
    generator_readme = (REPO / "README.md").read_text()
    project_readme = (tmp_path / "myapi" / "README.md").read_text()

    assert bash_blocks(generator_readme, "fastapi-gen new") == [with_uv, without_uv]
    assert bash_blocks(project_readme, "Get started") == [with_uv[1:], without_uv]
    assert with_uv[0] == "cd myapi"
    # Debian and Ubuntu have no `python` command, only `python3`.
    assert not any(re.search(r"(^|[\s;&|])python\s", step) for step in with_uv + without_uv)


def test_answers_reach_the_project(tmp_path: Path) -> None:
    description = "Tracks the team's orders"
    result = invoke(
        "new",
        "shop",
        "--output",
        str(tmp_path),
        "--no-git",
        "--database",
        "postgresql",
        "--no-auth",
        "--description",
        description,
    )

    assert result.exit_code == 0, result.output
    project = tmp_path / "shop"
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["description"] == description
    answers = (project / ".copier-answers.yml").read_text().splitlines()
    assert {f"description: {description}", "database: postgresql", "auth: false"} <= set(answers)
    assert "database  postgresql" in result.stdout
    assert "auth      off" in result.stdout


@pytest.mark.parametrize("description", ['Say "hi"', "C:\\path and a tab\\t", "<b>&'"])
def test_any_one_line_description_is_kept_verbatim(tmp_path: Path, description: str) -> None:
    result = invoke(
        "new", "shop", "--output", str(tmp_path), "--no-git", "--description", description
    )

    assert result.exit_code == 0, result.output
    pyproject = tomllib.loads((tmp_path / "shop" / "pyproject.toml").read_text())
    assert pyproject["project"]["description"] == description


def test_defaults_come_from_the_template(tmp_path: Path) -> None:
    result = invoke("new", "demo", "--output", str(tmp_path), "--no-git")
    assert result.exit_code == 0, result.output
    answers = (tmp_path / "demo" / ".copier-answers.yml").read_text().splitlines()
    assert {"database: sqlite", "auth: true", "project_name: demo"} <= set(answers)


def test_multi_line_description_is_refused(tmp_path: Path) -> None:
    result = invoke("new", "demo", "--output", str(tmp_path), "--description", "one\ntwo")
    assert_one_line_error(result, 2, "single line")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_render_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_run_copy = copying.run_copy

    def render_then_fail(*args: Any, **kwargs: Any) -> Any:
        real_run_copy(*args, **kwargs)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(copying, "run_copy", render_then_fail)

    result = invoke("new", "demo", "--output", str(tmp_path))

    assert_one_line_error(result, 1, "No space left on device")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_commit_leaves_nothing_behind(tmp_path: Path, git_config: Path) -> None:
    git_config.write_text(
        git_config.read_text() + "[commit]\n\tgpgsign = true\n[gpg]\n\tprogram = false\n"
    )

    result = invoke("new", "demo", "--output", str(tmp_path))

    assert_one_line_error(result, 1, "git commit failed")
    assert list(tmp_path.iterdir()) == []


def test_a_missing_answer_is_bad_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Copier 9.19 reports an unanswered required question as a bare ValueError."""

    def missing_answer(*args: Any, **kwargs: Any) -> Any:
        raise ValueError('Question "owner" is required')

    monkeypatch.setattr(copying, "run_copy", missing_answer)

    result = invoke("new", "demo", "--output", str(tmp_path))

    assert_one_line_error(result, 2, 'Question "owner" is required', "--interactive")
    assert list(tmp_path.iterdir()) == []


def test_interactive_without_a_terminal_is_refused(tmp_path: Path) -> None:
    result = invoke("new", "demo", "--output", str(tmp_path), "--interactive")
    assert_one_line_error(result, 2, "--interactive needs a terminal")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("options", "data", "defaults"),
    [
        ([], {"project_name": "demo"}, True),
        (["--no-auth"], {"project_name": "demo", "auth": False}, True),
        (["--interactive"], {"project_name": "demo"}, False),
        (
            ["--interactive", "--database", "postgresql", "--description", "Orders"],
            {"project_name": "demo", "database": "postgresql", "description": "Orders"},
            False,
        ),
    ],
)
def test_only_the_options_given_are_answered(
    options: list[str],
    data: dict[str, Any],
    defaults: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Everything else is the template's: its default, or with --interactive its question."""
    calls: list[dict[str, Any]] = []
    real_run_copy = copying.run_copy

    def record(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return real_run_copy(*args, **{**kwargs, "defaults": True})  # no terminal to ask on

    monkeypatch.setattr(copying, "run_copy", record)
    monkeypatch.setattr(project_module, "_has_terminal", lambda: True)

    result = invoke("new", "demo", "--output", str(tmp_path), "--no-git", *options)

    assert result.exit_code == 0, result.output
    [call] = calls
    assert call["data"] == data
    assert call["defaults"] is defaults
