"""The project's Alembic revisions, read from their source without importing them."""

import ast
from dataclasses import dataclass
from pathlib import Path

from generator.core.errors import BrokenProject, InvalidInput
from generator.core.files import describe, parse_python


@dataclass(frozen=True)
class Revision:
    id: str
    down_revisions: tuple[str, ...]
    path: Path


def _assigned(tree: ast.Module, name: str) -> object:
    for node in tree.body:
        target: ast.expr | None = None
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        if isinstance(target, ast.Name) and target.id == name:
            literal: object = ast.literal_eval(value)
            return literal
    return None


def read_revisions(versions_dir: Path) -> list[Revision]:
    """Every revision in `versions_dir` (the project's migrations/versions)."""
    root = versions_dir.parent.parent
    revisions = []
    try:
        paths = sorted(versions_dir.glob("*.py"))
    except OSError as error:
        raise BrokenProject(
            f"Cannot list {describe(versions_dir, root)}: {error.strerror}."
        ) from None
    for path in paths:
        tree = parse_python(path, root)
        try:
            revision = _assigned(tree, "revision")
            down = _assigned(tree, "down_revision")
        except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
            raise BrokenProject(
                f"Cannot read {describe(path, root)}: its revision ids are not plain strings."
            ) from None
        if not isinstance(revision, str):
            continue  # not a revision script
        if isinstance(down, str):
            downs: tuple[str, ...] = (down,)
        elif isinstance(down, (tuple, list)):
            downs = tuple(str(parent) for parent in down)
        else:
            downs = ()
        revisions.append(Revision(id=revision, down_revisions=downs, path=path))
    return revisions


def heads(revisions: list[Revision]) -> list[str]:
    """Revisions no other revision builds on."""
    parents = {parent for revision in revisions for parent in revision.down_revisions}
    return sorted(revision.id for revision in revisions if revision.id not in parents)


def single_head(revisions: list[Revision]) -> str | None:
    """The revision a new migration must follow; several heads must be merged first."""
    found = heads(revisions)
    if len(found) > 1:
        raise InvalidInput(
            f"The migrations have several heads ({', '.join(found)}); merge them first with "
            "'alembic merge heads -m merge'."
        )
    return found[0] if found else None


def next_revision_id(revisions: list[Revision]) -> str:
    """A short, readable, deterministic id: the next free four-digit number."""
    taken = {revision.id for revision in revisions}
    number = len(revisions) + 1
    while f"{number:04d}" in taken:
        number += 1
    return f"{number:04d}"
