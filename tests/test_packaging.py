"""The wheel as users get it: built, installed into a fresh environment, run away from the repo."""

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def run(*command: str | Path, cwd: Path | None = None) -> str:
    result = subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.mark.slow
def test_the_installed_wheel_renders_without_the_repository(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", wheels, REPO)
    [wheel] = wheels.glob("fastapi_gen_scaffold-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "generator/_template/copier.yml" in names
    assert "generator/_template/template/project/app/main.py" in names
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
