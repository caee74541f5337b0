"""The generator's shape: command packages over render/ and core/, never over each other.

A command's whole story is in its own folder (project/, feature/, update/); what two commands
share goes down into render/ (the template and Copier) or core/. update replays add-feature
and add-job on a fresh render, so it may use feature/ and job/; nothing else crosses between
commands, and nothing below the commands reaches up into them or into the CLI.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator"
COMMANDS = {"project", "feature", "job", "update"}
SHARED = {"core", "render"}
MAY_ALSO_USE = {"update": {"feature", "job"}}


def layer(module: str) -> str:
    """`generator.feature.plan` -> `feature`; the package itself and cli.py are their own."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def imports() -> list[tuple[str, str, int, str]]:
    """(importing file, its layer, line, imported generator module) for every import."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent)
        module = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):  # imports inside functions count as much as those on top
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            found += [
                (str(relative), layer(module), node.lineno, name)
                for name in names
                if name.startswith("generator.")
            ]
    return found


def test_commands_import_only_render_core_and_what_they_replay() -> None:
    crossing = [
        f"{path}:{line} imports {name}"
        for path, source, line, name in imports()
        if source in COMMANDS
        and layer(name) in COMMANDS - {source} - MAY_ALSO_USE.get(source, set())
    ]
    assert crossing == []


def test_core_and_render_never_reach_up_into_commands_or_the_cli() -> None:
    upward = [
        f"{path}:{line} imports {name}"
        for path, source, line, name in imports()
        if source in SHARED and (layer(name) in COMMANDS or layer(name) == "cli")
    ]
    assert upward == []


def test_the_rule_sees_every_package() -> None:
    """A new package is placed in the rule on purpose, not left out of it by accident."""
    packages = {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    assert packages == COMMANDS | SHARED
    assert any(source == "update" and layer(name) == "feature" for _, source, _, name in imports())
