"""Plain helpers for the add-feature / remove-feature tests: render, copy, snapshot, add, remove."""

import ast
import shutil
from pathlib import Path

from generator.codegen import FeatureNames
from generator.existing import ExistingProject
from generator.feature import FeatureRequest, plan_add_feature, plan_remove_feature
from generator.project import create_project
from generator.spec import Database, ProjectSpec

Snapshot = dict[str, bytes | None]


def render(parent: Path, *, auth: bool) -> Path:
    """A freshly created SQLite project, without git, in `parent`."""
    name = "shop-auth" if auth else "shop-open"
    spec = ProjectSpec(name=name, output=parent, git=False, auth=auth, database=Database.sqlite)
    return create_project(spec).path


def copy_project(source: Path, destination: Path) -> ExistingProject:
    """A private copy of a rendered project, found the way the CLI finds it."""
    shutil.copytree(source, destination, symlinks=True)
    return ExistingProject.locate(destination)


def snapshot(root: Path) -> Snapshot:
    """Every file (relative path -> bytes) and directory (-> None), bytecode caches left out."""
    tree: Snapshot = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if "__pycache__" in relative.parts:
            continue
        tree[relative.as_posix()] = None if path.is_dir() else path.read_bytes()
    return tree


def added(before: Snapshot, after: Snapshot) -> set[str]:
    """Files that are new in `after` (directories left out)."""
    return {path for path, content in after.items() if content is not None} - set(before)


def add(project: ExistingProject, name: str, *fields: str, public: bool = False) -> FeatureNames:
    changes, names = plan_add_feature(
        project, FeatureRequest(name=name, fields=list(fields), public=public)
    )
    changes.apply(project.root)
    return names


def remove(project: ExistingProject, name: str, *, force: bool = False) -> list[str]:
    """Remove a feature; returns the notes about what was kept."""
    changes, _, kept = plan_remove_feature(project, name, force=force)
    changes.apply(project.root)
    return kept


def assigned(path: Path, name: str) -> object:
    """The literal a module assigns to `name` at its top level (a revision's ids)."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if node.target.id == name and node.value is not None:
                return ast.literal_eval(node.value)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id == name:
                return ast.literal_eval(node.value)
    raise AssertionError(f"{path} assigns no {name}")
