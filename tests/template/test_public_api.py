"""The rendered project uses only the public API of its dependencies (DESIGN.md, section 4).

Scanned in every variant, features added: no underscore module or name of another package, no
`__new__` of a class the project did not define, no process-wide switch of a library or the
standard library, and no introspection of a library's signatures. Each of these breaks, or
changes meaning, in a routine upgrade of the dependency.
"""

import ast
from pathlib import Path

import pytest
from pytest_copie.plugin import Copie

from tests.template.conftest import (
    AUTH_FEATURES,
    FEATURES,
    JOBS,
    VARIANTS,
    Project,
    Variant,
    render,
)

FIRST_PARTY = frozenset({"app", "tests", "migrations"})
# Functions that change the standard library's behaviour for the whole process.
PROCESS_SWITCHES = frozenset(
    {
        ("logging", "setLogRecordFactory"),
        ("logging", "setLoggerClass"),
        ("sys", "setrecursionlimit"),
        ("sys", "setswitchinterval"),
        ("gc", "disable"),
    }
)
INTROSPECTION = frozenset({"signature", "getfullargspec", "getargspec", "Signature", "Parameter"})


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _first_party(module: str) -> bool:
    return module.split(".", maxsplit=1)[0] in FIRST_PARTY


def violations(source: str, filename: str = "<rendered>") -> list[str]:
    """Every use of a dependency's non-public API in `source`, as `file:line: what`."""
    tree = ast.parse(source, filename)
    imported: dict[str, str] = {}  # local name -> the module or object it was imported as
    found: list[str] = []

    def report(node: ast.AST, what: str) -> None:
        found.append(f"{filename}:{getattr(node, 'lineno', 0)}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not _first_party(alias.name):
                    if any(_private(part) for part in alias.name.split(".")):
                        report(node, f"imports the private module {alias.name}")
                    local = alias.asname or alias.name.split(".")[0]
                    imported[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if _first_party(node.module):
                continue
            if any(_private(part) for part in node.module.split(".")):
                report(node, f"imports from the private module {node.module}")
            for alias in node.names:
                if _private(alias.name):
                    report(node, f"imports the private name {node.module}.{alias.name}")
                imported[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "__new__":
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in imported:
                report(node, f"calls {ast.unparse(node.value)}.__new__, a library's class")
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            owner = imported.get(node.value.id)
            if owner is None:
                continue
            if _private(node.attr):
                report(node, f"uses the private name {owner}.{node.attr}")
            if owner == "inspect" and node.attr in INTROSPECTION:
                report(node, f"introspects signatures with inspect.{node.attr}")
            if (owner, node.attr) in PROCESS_SWITCHES:
                report(node, f"switches {owner}.{node.attr} for the whole process")
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in (t for whole in targets for t in ast.walk(whole)):
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id in imported
                ):
                    owner = imported[target.value.id]
                    report(node, f"sets {owner}.{target.attr} for the whole process")
        elif isinstance(node, ast.ImportFrom) and node.module == "inspect":
            for alias in node.names:
                if alias.name in INTROSPECTION:
                    report(node, f"introspects signatures with inspect.{alias.name}")
    return found


def python_files(root: Path) -> list[Path]:
    return sorted(
        path
        for path in root.rglob("*.py")
        if not {".venv", "__pycache__", ".mypy_cache"}.intersection(path.parts)
    )


@pytest.fixture(scope="module", params=VARIANTS, ids=lambda variant: variant.id)
def project(request: pytest.FixtureRequest, copie_session: Copie, template_dir: Path) -> Project:
    """Rendered, features added; no database: only the code is read."""
    variant: Variant = request.param
    path = render(
        copie_session, template_dir, database=variant.database, auth=variant.auth, jobs=variant.jobs
    )
    project = Project(path=path, variant=variant)
    if variant.features:
        for arguments in FEATURES + (AUTH_FEATURES if variant.auth else []):
            project.check("fastapi-gen", "add-feature", *arguments)
    for arguments in JOBS if variant.jobs else []:
        project.check("fastapi-gen", "add-job", *arguments)
    return project


def test_the_rendered_code_uses_only_public_apis(project: Project) -> None:
    files = python_files(project.path)
    found = [
        problem
        for path in files
        for problem in violations(path.read_text(), str(path.relative_to(project.path)))
    ]

    assert len(files) > 20
    assert found == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from fastapi.routing import _IncludedRouter", "private name fastapi.routing."),
        ("from starlette._utils import is_async_callable", "private module starlette._utils"),
        ("import pydantic._internal", "private module pydantic._internal"),
        ("import logging\nrecord = logging.LogRecord.__new__(logging.LogRecord)", "__new__"),
        ("from logging import LogRecord\nLogRecord.__new__(LogRecord)", "LogRecord.__new__"),
        ("import logging\nlogging.logThreads = False", "sets logging.logThreads"),
        ("import logging\nlogging.setLogRecordFactory(f)", "setLogRecordFactory"),
        ("import inspect\ninspect.signature(f)", "inspect.signature"),
        ("from inspect import signature", "inspect.signature"),
        ("import sqlalchemy\nsqlalchemy._x", "private name sqlalchemy._x"),
    ],
)
def test_the_scan_finds_each_kind_of_use(source: str, expected: str) -> None:
    [problem] = violations(source)

    assert expected in problem


@pytest.mark.parametrize(
    "source",
    [
        "from app.core.security import _hasher",  # the project's own private names are its own
        "class Thing:\n    def __new__(cls): ...\nThing.__new__(Thing)",
        "import logging\nlogger = logging.getLogger(__name__)",
        "from typing import Any\nx: Any = None",
        "def f(self):\n    self._cache = {}",
    ],
)
def test_the_scan_leaves_public_and_own_code_alone(source: str) -> None:
    assert violations(source) == []
