"""Plain helpers for the add-feature / remove-feature tests: render, copy, snapshot, add, remove."""

import ast
import os
import shutil
import stat
from pathlib import Path

from generator.core.existing import ExistingProject
from generator.feature import FeatureRequest, plan_add_feature, plan_remove_feature
from generator.feature.names import FeatureNames
from generator.project.create import create_project
from generator.project.request import ProjectSpec
from generator.render.answers import Database

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
    """Every file (relative path -> bytes) and directory (-> None), bytecode caches left out.

    Never follows or opens anything but regular files, so a broken tree (links to nowhere or
    to themselves, FIFOs) can be taken too: a link is recorded by its target, others by kind.
    """
    tree: Snapshot = {}
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = [name for name in subdirectories if name != "__pycache__"]
        for name in [*subdirectories, *files]:
            path = Path(directory) / name
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                content: bytes | None = b"symlink to " + os.fsencode(path.readlink())
            elif stat.S_ISDIR(mode):
                content = None
            elif stat.S_ISREG(mode):
                content = path.read_bytes()
            else:
                content = f"special file {stat.filemode(mode)}".encode()
            tree[path.relative_to(root).as_posix()] = content
    return dict(sorted(tree.items()))


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
