"""update: bring a project, and every feature added to it, up to the installed template.

The installed template is rendered afresh with the project's answers, and each recorded feature
is added to that render again, in the order it was first added. Committed as a child of the
pristine record (generator/core/pristine.py), the render holds exactly what the template changed
since the project was last generated; git cherry-picks that change onto the user's branch, a
three-way merge that keeps the user's edits. The user's tree is touched only by git.
"""

import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

import generator
from generator.core import pristine
from generator.core.errors import InvalidInput, OperationFailed
from generator.core.existing import VERSIONS_DIR, ExistingProject
from generator.core.git import find_git, git_defaults, git_result, is_repository, resolve, run_git
from generator.core.manifest import MANIFEST, dump, load, load_jobs
from generator.core.migrations import read_revisions, single_head
from generator.core.outcome import Outcome, Step
from generator.render.answers import ANSWERS_FILE, VERSION_KEY, read_answers, render_answers
from generator.update.notes import ENV_EXAMPLE, Settings, release_notes, settings


@dataclass(frozen=True)
class UpdateResult(Outcome):
    old_version: str = ""
    new_version: str = ""
    release_notes: list[str] = field(default_factory=list)
    """CHANGELOG.md's sections for the releases the update crosses."""
    settings: Settings = field(default_factory=lambda: Settings(added=[], removed=[]))
    """The settings .env.example gained and lost: a deployed .env may need them."""
    conflicts: list[str] = field(default_factory=list)
    commit: str | None = None
    """The update's commit; None for a dry run, a no-op or a conflict."""

    @property
    def up_to_date(self) -> bool:
        return not self.steps


class UpdateConflict(OperationFailed):
    """The template's change and the user's edits overlap: the files are left in conflict."""

    def __init__(self, result: UpdateResult) -> None:
        super().__init__(
            f"The update to fastapi-gen {result.new_version} conflicts with your edits in "
            f"{len(result.conflicts)} file(s); resolve them, git add them and run "
            "git cherry-pick --continue (or --abort)."
        )
        self.result = result


SWITCHABLE = frozenset({"jobs"})
"""Template options `update` can turn on in an existing project."""

_VERBS = {"A": "create", "M": "update", "D": "delete"}


def _steps(name_status: str) -> list[Step]:
    """`git diff --name-status` lines as the steps of a plan."""
    return [
        Step(_VERBS.get(status[:1], "update"), path)
        for status, _, path in (line.partition("\t") for line in name_status.splitlines())
    ]


def update_project(
    start: Path, *, dry_run: bool = False, turn_on: Sequence[str] = ()
) -> UpdateResult:
    """Merge the installed template's changes into the project; see the module docstring.

    `turn_on` names template options to switch on on the way (``jobs``): the render then has
    them, and the merge brings their files, and their migration on top of the project's head.
    An option is only ever turned on: what it added to the databases stays.
    """
    project = ExistingProject.locate(start)
    for option in turn_on:
        if option not in SWITCHABLE:
            raise InvalidInput(f"update cannot turn on '{option}'.")
    turn_on = [option for option in turn_on if project.answers.get(option) is not True]
    root = project.root
    git = find_git()
    if not is_repository(git, root):
        raise InvalidInput(
            f"{root} is not a git repository; update merges the template's changes with git."
        )
    dirty = run_git(git, root, "status", "--porcelain", "--untracked-files=all")
    if dirty:
        count = len(dirty.splitlines())
        raise InvalidInput(
            f"The project has {count} uncommitted or untracked change(s); commit or stash "
            "them first, so that the update is one commit you can review or revert."
        )
    old_version = _recorded_version(root)
    new_version = generator.__version__
    if _newer(old_version, new_version):
        raise InvalidInput(
            f"The project was made by fastapi-gen {old_version}, newer than this one "
            f"({new_version}); install fastapi-gen {old_version} or later to update it."
        )
    pristine.settle(git, root)
    kept = pristine.tip(git, root)
    base = kept or pristine.reconstruct(git, root, load(root))
    if base is None:
        raise InvalidInput(
            f"{root} has no record of what fastapi-gen generated ({pristine.REF}) and its git "
            "history does not show it either (a first commit other than fastapi-gen's, or a "
            "feature edited before it was first committed), so your edits cannot be told "
            "from the template's."
        )

    with tempfile.TemporaryDirectory(prefix="fastapi-gen-update-") as scratch:
        recorded = frozenset(
            run_git(git, root, "ls-tree", "-r", "--name-only", "-z", base).split("\0")
        )
        migrations = {
            path: _shown(git, root, base, path)
            for path in recorded
            if PurePosixPath(path).parent == PurePosixPath(VERSIONS_DIR.as_posix())
        }
        fresh = render_fresh(
            project, Path(scratch), recorded, dict.fromkeys(turn_on, True), migrations
        )
        target = pristine.commit_directory(
            git, root, fresh, parent=base, version=new_version,
            what=f"Update to fastapi-gen {new_version} (from {old_version})",
        )  # fmt: skip
    changed = run_git(git, root, "diff", "--name-status", "--no-renames", base, target)
    result = UpdateResult(
        _steps(changed),
        dry_run=dry_run,
        old_version=old_version,
        new_version=new_version,
        release_notes=release_notes(old_version, new_version),
        settings=settings(
            _shown(git, root, base, ENV_EXAMPLE), _shown(git, root, target, ENV_EXAMPLE)
        ),
    )
    if result.up_to_date or dry_run:
        return result
    what = f"Updated from fastapi-gen {old_version} to {new_version}."
    if turn_on:
        what = f"Turned on {', '.join(turn_on)}; up to date with fastapi-gen {new_version}."
    conflicts = _merge(git, root, target)
    if conflicts:
        run_git(git, root, "update-ref", pristine.PENDING_REF, target)
        raise UpdateConflict(replace(result, conflicts=conflicts))
    pristine.advance(git, root, target, expected=kept)
    return replace(
        result,
        summary=what,
        next_steps=[project.run("alembic upgrade head"), project.run("pytest")],
        commit=run_git(git, root, "rev-parse", "HEAD"),
    )


def _shown(git: str, root: Path, commit: str, path: str) -> str:
    """A file's text in a commit; empty where the commit has no such file."""
    shown = git_result(git, root, "show", f"{commit}:{path}")
    return shown.stdout if shown.returncode == 0 else ""


def _recorded_version(root: Path) -> str:
    version = read_answers(root).get(VERSION_KEY, "0.1.0")
    if not isinstance(version, str) or not version:
        raise InvalidInput(f"{ANSWERS_FILE}: '{VERSION_KEY}' must be a version, not {version!r}.")
    return version


def _newer(recorded: str, installed: str) -> bool:
    from packaging.version import InvalidVersion, Version

    try:
        return Version(recorded) > Version(installed)
    except InvalidVersion:
        raise InvalidInput(
            f"{ANSWERS_FILE}: '{VERSION_KEY}' is not a version number: {recorded!r}."
        ) from None


def render_fresh(
    project: ExistingProject,
    directory: Path,
    recorded: frozenset[str] = frozenset(),
    changed: Mapping[str, Any] | None = None,
    recorded_migrations: Mapping[str, str] | None = None,
) -> Path:
    """What the installed generator makes of this project's answers and features.

    `recorded` holds the paths of the last record. A migration the new template brings (one
    that is not among them) is applied on top of the project's head, after the features'
    revisions: those are already applied to the project's databases and must not change.
    `recorded_migrations` holds the record's text of its migrations: a template migration
    that an earlier update put on top of the features (an option turned on later) is put
    there again, after the features are added with the revision ids they have.
    """
    from generator.feature import FeatureRequest, plan_add_feature

    fresh = directory / "project"
    fresh.mkdir()
    answers = {**read_answers(project.root), **(changed or {})}
    render_answers(fresh, {key: value for key, value in answers.items() if key[:1] != "_"})
    brought = {
        path: path.read_text(encoding="utf-8")
        for path in sorted((fresh / VERSIONS_DIR).glob("*.py"))
        if path.relative_to(fresh).as_posix() not in recorded
    } if recorded else {}  # fmt: skip
    for path in brought:
        path.unlink()
    placed = _placed_elsewhere(fresh, recorded_migrations or {})
    for path in placed:
        path.unlink()
    records = load(project.root)
    for name, record in sorted(records.items(), key=lambda item: item[1].revision):
        read, write = record.access if project.auth else (None, None)
        request = FeatureRequest(
            name=name,
            fields=record.fields,
            read=read,
            write=write,
            soft_delete=bool(record.soft_delete),
            pagination=record.pagination or "offset",
        )
        changes, _ = plan_add_feature(ExistingProject.locate(fresh), request)
        changes.apply(fresh)
        # Back where the record has it, before a later feature's revision builds on it.
        for path in [path for path, (_, down) in placed.items() if down == record.revision]:
            text, down = placed.pop(path)
            path.write_text(_on_top_of(text, down), encoding="utf-8")
    jobs = load_jobs(project.root)
    if jobs:
        from generator.job import render_jobs

        for path, text in render_jobs(fresh, jobs).items():
            (fresh / path).parent.mkdir(parents=True, exist_ok=True)
            (fresh / path).write_text(text, encoding="utf-8")
        (fresh / MANIFEST).write_text(dump(load(fresh), jobs) or "", encoding="utf-8")
    for path, (text, down) in placed.items():
        path.write_text(_on_top_of(text, down), encoding="utf-8")
    # On top of the user's own revisions too: the project's migrations keep a single head.
    users_head = single_head(read_revisions(project.root / VERSIONS_DIR)) if brought else None
    for path, text in brought.items():
        head = users_head or single_head(read_revisions(fresh / VERSIONS_DIR))
        path.write_text(_on_top_of(text, head), encoding="utf-8")
        users_head = None  # a second brought revision follows the first
    return fresh


_DOWN = re.compile(r'(?m)^(down_revision(?:: [^=]+)? = )("[^"]*"|None)$')
_REVISES = re.compile(r"(?m)^Revises: .*$")


def _down_revision(migration: str) -> str | None:
    match = _DOWN.search(migration)
    return match.group(2).strip('"') if match and match.group(2) != "None" else None


def _placed_elsewhere(
    fresh: Path, recorded: Mapping[str, str]
) -> dict[Path, tuple[str, str | None]]:
    """The fresh render's migrations that the record has after another revision than the
    template puts them: each with its text and the revision it follows in the record."""
    placed = {}
    for path in sorted((fresh / VERSIONS_DIR).glob("*.py")):
        old = recorded.get(path.relative_to(fresh).as_posix())
        text = path.read_text(encoding="utf-8")
        if old is not None and _down_revision(old) != _down_revision(text):
            placed[path] = (text, _down_revision(old))
    return placed


def _on_top_of(migration: str, head: str | None) -> str:
    """The migration script with `head` as the revision it follows."""
    down = f'"{head}"' if head else "None"
    text = _DOWN.sub(lambda match: match.group(1) + down, migration, count=1)
    return _REVISES.sub(f"Revises: {head or ''}", text, count=1)


def _merge(git: str, root: Path, target: str) -> list[str]:
    """Cherry-pick the template's change onto the user's branch; return the files in conflict.

    Two kinds of conflict have an answer the user already gave: a file the user deleted stays
    deleted, and a file the template dropped stays if the user edited it. What is left is
    git's own cherry-pick state, resolved with `git cherry-pick --continue` or `--abort`.
    """
    quiet, config = {"GIT_EDITOR": "true"}, git_defaults(git, root)
    picked = git_result(git, root, "cherry-pick", "-x", target, env=quiet, config=config)
    if picked.returncode == 0:
        return []
    if resolve(git, root, "CHERRY_PICK_HEAD") is None:
        raise OperationFailed(f"git cherry-pick failed: {picked.stderr.strip() or picked.stdout}")
    for line in run_git(git, root, "status", "--porcelain", "--no-renames").splitlines():
        state, path = line[:2], line[3:]
        if state == "DU":  # deleted by the user, changed by the template
            run_git(git, root, "rm", "--quiet", "--", path)
        elif state == "UD":  # edited by the user, dropped by the template
            run_git(git, root, "add", "--", path)
    unmerged = run_git(git, root, "diff", "--name-only", "--diff-filter=U").splitlines()
    if not unmerged:
        run_git(git, root, "cherry-pick", "--continue", env=quiet, config=config)
    return unmerged
