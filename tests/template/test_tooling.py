"""Day-one tooling of a project made by `fastapi-gen new`, used with uv as its documents say.

One project is created with a real lock (uv against the package index) and synced once; its
README's uv commands, every command AGENTS.md lists, the CI workflow's steps and the pre-commit
hooks (fresh, and after add-feature, as a git hook from a shell without the virtualenv) then
run in it. The tests run in file order and share the project: the last one adds a feature.
"""

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.conftest import IDENTITY
from tests.markdown import bash_blocks
from tests.template.commands import run_block, user_environment
from tests.template.conftest import BIN
from tests.template.test_project import EXPECTED_TESTS

pytestmark = pytest.mark.slow
# What AGENTS.md must list, as what a change has to pass: tests, lint, types, migrations,
# the hooks, and serving.
NEEDED_COMMANDS = (
    "uv run pytest",
    "uv run ruff check .",
    "uv run ruff format --check .",
    "uv run mypy",
    "uv run alembic upgrade head",
    "uv run alembic check",
    "uv run pre-commit run --all-files",
    "uv run uvicorn app.main:app",
)


@dataclass(frozen=True)
class UvProject:
    path: Path
    env: dict[str, str]
    logs: Path

    def run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            command, cwd=self.path, env=self.env, capture_output=True, text=True, check=False
        )
        if check:
            assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
        return result

    def block(self, lines: list[str], name: str) -> str:
        return run_block(lines, self.path, self.env, self.logs / f"{name}.log")


@pytest.fixture(scope="module")
def uv_project(tmp_path_factory: pytest.TempPathFactory) -> UvProject:
    home = tmp_path_factory.mktemp("uv-project")
    gitconfig = home / "gitconfig"
    gitconfig.write_text(IDENTITY)
    env = user_environment(
        home / "tools", {"GIT_CONFIG_GLOBAL": str(gitconfig), "GIT_CONFIG_NOSYSTEM": "1"}
    )
    env.pop("FASTAPI_GEN_LOCK", None)
    created = subprocess.run(
        [str(BIN / "fastapi-gen"), "new", "shop", "--lock"],
        cwd=home,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert created.returncode == 0, created.stdout + created.stderr
    assert "lock      uv.lock" in created.stdout
    project = UvProject(path=home / "shop", env=env, logs=home)
    project.run("uv", "sync", "--locked")
    return project


def test_new_commits_the_lock_apart_from_the_template_record(uv_project: UvProject) -> None:
    subjects = uv_project.run("git", "log", "--format=%s").stdout.splitlines()
    pristine = uv_project.run("git", "ls-tree", "--name-only", "refs/fastapi-gen/pristine")

    assert subjects[0] == "Lock the dependencies with uv"
    assert subjects[1].startswith("Initial commit from fastapi-gen")
    assert "uv.lock" not in pristine.stdout.split()  # `update` compares renders, not locks
    assert uv_project.run("git", "status", "--porcelain").stdout == ""  # .venv is ignored
    assert 'name = "shop"' in (uv_project.path / "uv.lock").read_text()


def test_the_readme_commands_with_uv_pass(uv_project: UvProject) -> None:
    uv_block, _ = bash_blocks((uv_project.path / "README.md").read_text(), "Get started")

    output = uv_project.block(uv_block, "readme")

    assert re.search(rf"\b{EXPECTED_TESTS[True]} passed\b", output), output
    assert (uv_project.path / ".env").is_file()


def test_every_command_agents_md_lists_passes(uv_project: UvProject) -> None:
    [commands] = bash_blocks((uv_project.path / "AGENTS.md").read_text(), "Commands")
    # What the guide says a change must pass: tests, lint, types, migrations, hooks, serving.
    for needed in NEEDED_COMMANDS:
        assert any(needed in line for line in commands), needed

    output = uv_project.block(commands, "agents")

    assert re.search(rf"\b{EXPECTED_TESTS[True]} passed\b", output), output
    assert "Success: no issues found" in output
    assert "No new upgrade operations detected" in output
    assert re.search(r"mypy --strict\.+Passed", output), output


def test_the_ci_workflow_steps_pass(uv_project: UvProject) -> None:
    workflow = yaml.safe_load((uv_project.path / ".github/workflows/ci.yml").read_text())
    steps = workflow["jobs"]["check"]["steps"]
    setup = next(step for step in steps if step.get("uses", "").startswith("astral-sh/setup-uv"))
    commands = [line for step in steps if "run" in step for line in step["run"].splitlines()]

    assert setup["with"]["enable-cache"] is True
    assert "uv.lock" in setup["with"]["cache-dependency-glob"]
    assert commands[0] == "if [ -f uv.lock ]; then uv sync --locked; else uv sync; fi"
    assert all(command.startswith(("if ", "uv run ")) for command in commands), commands
    output = uv_project.block(commands, "ci")
    assert re.search(rf"\b{EXPECTED_TESTS[True]} passed\b", output), output


def test_the_tests_read_test_database_url_from_dotenv(uv_project: UvProject) -> None:
    database = uv_project.logs / "from-dotenv.db"
    dotenv = uv_project.path / ".env"
    kept = dotenv.read_text() if dotenv.exists() else None
    dotenv.write_text(f"TEST_DATABASE_URL=sqlite+aiosqlite:///{database}\n")
    pytest_one_file = (
        "uv",
        "run",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "tests/test_health.py",
    )
    try:
        uv_project.run(*pytest_one_file)
    finally:
        if kept is None:
            dotenv.unlink()
        else:
            dotenv.write_text(kept)

    assert database.is_file()  # the tests migrated the database .env named


def test_pre_commit_guards_commits_after_add_feature(uv_project: UvProject) -> None:
    uv_project.run(str(BIN / "fastapi-gen"), "add-feature", "orders", "title:str:120",
                   "total:decimal:10:2", "customer:ref:users:optional")  # fmt: skip
    uv_project.run("git", "add", "--all")  # pre-commit checks the files git knows
    every_file = uv_project.run("uv", "run", "pre-commit", "run", "--all-files").stdout
    assert re.search(r"ruff format\.+Passed", every_file), every_file
    uv_project.run("uv", "run", "pre-commit", "install")
    # The hook, from a shell where nothing but git and the system's Python is on PATH.
    plain = {**uv_project.env, "PATH": "/usr/local/bin:/usr/bin:/bin"}
    hook = subprocess.run(
        ["git", "commit", "--quiet", "-m", "Add orders"],
        cwd=uv_project.path, env=plain, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert hook.returncode == 0, hook.stdout + hook.stderr
    assert re.search(r"mypy --strict\.+Passed", hook.stdout + hook.stderr)
    assert uv_project.run("git", "status", "--porcelain").stdout == ""

    service = uv_project.path / "app/features/orders/service.py"
    service.write_text(service.read_text() + "\n\nunused_and_unformatted = [1,2]\n")
    uv_project.run("git", "add", "--all")
    refused = subprocess.run(
        ["git", "commit", "--quiet", "-m", "Unformatted"],
        cwd=uv_project.path, env=plain, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert refused.returncode != 0
    assert re.search(r"ruff format\.+Failed", refused.stdout + refused.stderr), refused.stdout
