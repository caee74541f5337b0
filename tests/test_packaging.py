"""The wheel as users get it: built, installed into a fresh environment, run away from the repo."""

import os
import re
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app

REPO = Path(__file__).resolve().parent.parent


def run(*command: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout


NEWER = "99.0.0"
NEWER_LINE = "A line only the newer release has."
NEWER_NOTE = "- What the newer release changes for projects."


def newer_release(tmp_path: Path) -> Path:
    """A copy of this repository as a later release: a higher version, a changed template."""
    copy = tmp_path / "newer"
    copy.mkdir()
    for name in ("pyproject.toml", "README.md", "CHANGELOG.md", "copier.yml"):
        shutil.copy2(REPO / name, copy / name)
    for name in ("generator", "template"):
        shutil.copytree(REPO / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    pyproject = copy / "pyproject.toml"
    pyproject.write_text(
        re.sub(r'(?m)^version = ".*"$', f'version = "{NEWER}"', pyproject.read_text())
    )
    readme = copy / "template/project/README.md.jinja"
    readme.write_text(readme.read_text() + f"\n{NEWER_LINE}\n")
    changelog = copy / "CHANGELOG.md"
    changelog.write_text(
        changelog.read_text().replace("\n## ", f"\n## {NEWER}\n\n{NEWER_NOTE}\n\n## ", 1)
    )
    return copy


@pytest.mark.slow
@pytest.mark.usefixtures("git_config")
def test_the_installed_wheel_renders_and_updates_without_the_repository(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--quiet",
        "-w",
        wheels,
        newer_release(tmp_path),
    )
    [wheel] = wheels.glob("fastapi_gen_scaffold-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "generator/_template/copier.yml" in names
    assert "generator/_template/template/project/app/main.py.jinja" in names
    assert "generator/_template/template/job/tasks.py.jinja" in names  # add-job renders it
    assert "generator/_template/CHANGELOG.md" in names  # update prints its entries
    assert not any("__pycache__" in name for name in names)

    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    run(environment / "bin" / "python", "-m", "pip", "install", "--quiet", wheel)
    command = environment / "bin" / "fastapi-gen"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    assert run(command, "--version") == f"fastapi-gen {wheel.name.split('-')[1]}\n"
    run(command, "new", "demo", "--no-git", cwd=elsewhere)

    project = elsewhere / "demo"
    for rendered in (".copier-answers.yml", "pyproject.toml", "README.md", "app/main.py"):
        assert (project / rendered).is_file(), rendered

    # A project made by this checkout's generator, updated by the newer wheel.
    made = CliRunner().invoke(app, ["new", "older", "--output", str(elsewhere)])
    assert made.exit_code == 0, made.output
    older = elsewhere / "older"
    updated = run(command, "update", cwd=older)
    assert f"## {NEWER}\n\n{NEWER_NOTE}" in updated  # the entry of the release it crossed
    assert NEWER_LINE in (older / "README.md").read_text()
    assert f'_fastapi_gen_version: "{NEWER}"' in (older / ".copier-answers.yml").read_text()


@pytest.mark.slow
@pytest.mark.usefixtures("git_config")
def test_uv_installs_the_wheel_as_a_tool_and_uvx_runs_it(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", wheels, REPO)
    [wheel] = wheels.glob("fastapi_gen_scaffold-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for dotted in (".pre-commit-config.yaml", ".dockerignore", "AGENTS.md.jinja"):
        assert f"generator/_template/template/project/{dotted}" in names
    bin_dir = Path(sys.executable).parent
    env = {
        **{key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"},
        "UV_TOOL_DIR": str(tmp_path / "tools"),
        "UV_TOOL_BIN_DIR": str(tmp_path / "bin"),
        "UV_PYTHON": str(Path(sys.base_prefix) / "bin" / "python3"),
        "UV_PYTHON_DOWNLOADS": "never",
    }
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    run(bin_dir / "uv", "tool", "install", wheel, env=env)
    command = tmp_path / "bin" / "fastapi-gen"
    assert run(command, "--version", env=env) == f"fastapi-gen {wheel.name.split('-')[1]}\n"
    run(command, "new", "installed", "--no-lock", cwd=elsewhere, env=env)
    run(bin_dir / "uvx", "--from", wheel, "fastapi-gen", "new", "demo", cwd=elsewhere, env=env)

    for project in ("installed", "demo"):
        for rendered in ("AGENTS.md", ".pre-commit-config.yaml", "app/main.py"):
            assert (elsewhere / project / rendered).is_file(), (project, rendered)
