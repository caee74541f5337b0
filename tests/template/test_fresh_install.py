"""As a user would: install a rendered project into a fresh virtualenv and run its README.

Proves that the project's own dependency list is complete: nothing is borrowed from the
environment these tests run in.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

from pytest_copie.plugin import Copie

from tests.template.conftest import render


def readme_block(readme: str, heading: str) -> str:
    """The first bash block under a `## heading` of the README."""
    section = readme.split(f"## {heading}\n", 1)[1]
    match = re.search(r"```bash\n(.*?)```", section, re.DOTALL)
    assert match, f"no bash block under '## {heading}'"
    return match.group(1)


def test_readme_install_and_test_commands_work_in_a_fresh_venv(
    copie: Copie, template_dir: Path
) -> None:
    project = render(copie, template_dir, database="sqlite", auth=True)
    readme = (project / "README.md").read_text()
    script = "set -euo pipefail\n" + readme_block(readme, "Install") + readme_block(readme, "Test")
    base_python = Path(sys.base_prefix) / "bin" / "python3"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"}
    }
    # `python` in the README is whatever Python the user has: here, this one's base install.
    env["PATH"] = f"{base_python.parent}{os.pathsep}{env.get('PATH', '')}"

    result = subprocess.run(
        ["bash", "-c", script], cwd=project, env=env, capture_output=True, text=True, check=False
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert re.search(r"\d+ passed", output), output
    assert (project / ".venv" / "bin" / "pytest").exists()
