"""As a user would: install a rendered project into a fresh virtualenv with pip, run its README.

Proves that the project's own dependency list is complete: nothing is borrowed from the
environment these tests run in. (tests/template/test_tooling.py does the same with uv.)
"""

import re
from pathlib import Path

from pytest_copie.plugin import Copie

from tests.markdown import bash_blocks
from tests.template.commands import run_block, user_environment
from tests.template.conftest import render
from tests.template.test_project import EXPECTED_TESTS


def test_readme_pip_commands_work_in_a_fresh_venv(
    copie: Copie, template_dir: Path, tmp_path: Path
) -> None:
    project = render(copie, template_dir, database="sqlite", auth=True)
    readme = (project / "README.md").read_text()
    _, pip_block = bash_blocks(readme, "Get started")
    # The README has the user copy .env.example first, in the sentence before the block.
    assert "after\n`cp .env.example .env`" in readme
    (project / ".env").write_text((project / ".env.example").read_text())

    output = run_block(pip_block, project, user_environment(tmp_path / "tools"), tmp_path / "log")

    assert re.search(rf"\b{EXPECTED_TESTS[True]} passed\b", output), output
    assert (project / ".venv" / "bin" / "pre-commit").exists()
