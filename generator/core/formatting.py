"""Generated Python goes through ruff, with the project's own settings, before it is written.

The templates already produce tidy code; ruff makes it exactly what `ruff format --check` and
the import rules of the project expect, whatever the names and field lists are. What ruff
cannot fix (a name too long for any line) is found here too, before anything is written.
"""

import subprocess
import tempfile
import tomllib
import unicodedata
from pathlib import Path

from generator.core.errors import BrokenProject, OperationFailed
from generator.core.files import read_text

PYPROJECT = "pyproject.toml"
RUFF_DEFAULT_LINE_LENGTH = 88


def _ruff() -> str:
    from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

    return str(find_ruff_bin())


def line_length(project_root: Path) -> int:
    """The project's `tool.ruff.line-length`; reading it also proves pyproject.toml is sound."""
    text = read_text(project_root / PYPROJECT, project_root)
    try:
        config = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BrokenProject(f"Cannot read {PYPROJECT}: it is not valid TOML ({error}).") from None
    tool = config.get("tool", {})
    ruff = tool.get("ruff", {}) if isinstance(tool, dict) else {}
    length = ruff.get("line-length", RUFF_DEFAULT_LINE_LENGTH) if isinstance(ruff, dict) else 0
    if not isinstance(length, int) or isinstance(length, bool) or length < 1:
        raise BrokenProject(f"{PYPROJECT}: tool.ruff.line-length is not a positive number.")
    return length


def width(line: str) -> int:
    """Columns a line takes, as ruff counts them: wide (East Asian) characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)


def _may_be_long(line: str) -> bool:
    """Lines ruff's E501 lets through: a single word (a long string literal), or a noqa."""
    return len(line.split()) == 1 or "# noqa" in line


def longest_line(sources: dict[Path, str]) -> tuple[Path, int, int] | None:
    """The widest line of the Python sources that ruff would measure: (path, number, width)."""
    found = [
        (width(line), path, number)
        for path, text in sources.items()
        if path.suffix == ".py"
        for number, line in enumerate(text.splitlines(), start=1)
        if not _may_be_long(line)
    ]
    if not found:
        return None
    widest, path, number = max(found, key=lambda item: item[0])
    return path, number, widest


def format_python(project_root: Path, sources: dict[Path, str]) -> dict[Path, str]:
    """Sort imports, drop unused ones, and format; keys are paths relative to the project."""
    python = {path: text for path, text in sources.items() if path.suffix == ".py"}
    if not python:
        return sources
    config = project_root / PYPROJECT
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
                errors="replace",
                check=False,
            )
            if result.returncode != 0:
                detail = " ".join(result.stderr.split()) or f"exit status {result.returncode}"
                raise OperationFailed(f"ruff could not format the generated code: {detail}")
        formatted = {
            relative: (staging / relative).read_text(encoding="utf-8") for relative in python
        }
    return {**sources, **formatted}
