"""Generated Python goes through ruff, with the project's own settings, before it is written.

The templates already produce tidy code; ruff makes it exactly what `ruff format --check` and
the import rules of the project expect, whatever the names and field lists are.
"""

import subprocess
import tempfile
from pathlib import Path

from generator.errors import OperationFailed


def _ruff() -> str:
    from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

    return str(find_ruff_bin())


def format_python(project_root: Path, sources: dict[Path, str]) -> dict[Path, str]:
    """Sort imports, drop unused ones, and format; keys are paths relative to the project."""
    python = {path: text for path, text in sources.items() if path.suffix == ".py"}
    if not python:
        return sources
    config = project_root / "pyproject.toml"
    with tempfile.TemporaryDirectory(prefix="fastapi-gen-") as tmp:
        staging = Path(tmp)
        for relative, text in python.items():
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            (staging / relative).write_text(text, encoding="utf-8")
        files = [str(staging / relative) for relative in python]
        common = ["--config", str(config), "--no-cache", "--quiet"]
        for command in (
            ["check", "--fix", "--select", "I,F401", "--exit-zero", *common],
            ["format", *common],
        ):
            result = subprocess.run(
                [_ruff(), *command, *files],
                cwd=project_root,
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise OperationFailed(f"ruff could not format the generated code: {result.stderr}")
        formatted = {
            relative: (staging / relative).read_text(encoding="utf-8") for relative in python
        }
    return {**sources, **formatted}
