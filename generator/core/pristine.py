"""The pristine record: what fastapi-gen itself wrote into a project, kept in the project's git.

``refs/fastapi-gen/pristine`` points at a commit whose tree is the generator's own output with
no edit of the user's: the first commit of ``new``, then one commit per ``add-feature``,
``remove-feature`` and ``update``. It is the merge base that ``update`` needs: the installed
template is rendered with the same answers and features, committed as a child of the record,
and git applies the difference between the two to the user's tree, a three-way merge that needs
neither the old template nor the network. The record's commits are not on any branch; to share
it, push the ref (``git push origin refs/fastapi-gen/pristine``).
"""

import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from generator.core.changes import Changes
from generator.core.git import git_result, is_repository, resolve, run_git
from generator.core.manifest import MANIFEST, FeatureRecord, digest
from generator.core.outcome import Outcome

REF = "refs/fastapi-gen/pristine"
PENDING_REF = "refs/fastapi-gen/pending"
"""An update's render while the user resolves its conflicts (see settle)."""
_IMPORT_REF = "refs/fastapi-gen/import"
"""Named by git fast-import while it makes a record's commit, and gone when it ends."""
_TRAILER = "Fastapi-gen-version:"
FIRST_SUBJECT = "Initial commit from fastapi-gen"
"""How `new` names a project's first commit, which is its first record."""
IDENTITY = {
    "GIT_AUTHOR_NAME": "fastapi-gen",
    "GIT_AUTHOR_EMAIL": "fastapi-gen@localhost",
    "GIT_COMMITTER_NAME": "fastapi-gen",
    "GIT_COMMITTER_EMAIL": "fastapi-gen@localhost",
}
"""Record commits, and the update commits copied from them, are the generator's."""


def tip(git: str, root: Path) -> str | None:
    """The latest record, or None for a project made without one."""
    return resolve(git, root, REF)


def version_of(git: str, root: Path, commit: str) -> str:
    """The generator version a record was made with.

    Records carry it as a `Fastapi-gen-version:` trailer; the first record, the project's
    initial commit, ends its subject with it (`Initial commit from fastapi-gen VERSION`).
    """
    message = run_git(git, root, "log", "-1", "--format=%B", commit)
    for line in reversed(message.splitlines()):
        if line.startswith(_TRAILER):
            return line.removeprefix(_TRAILER).strip()
    return message.splitlines()[0].rsplit(" ", 1)[-1]


def settle(git: str, root: Path) -> None:
    """Finish the record of an update that stopped on a conflict, once the user did.

    A conflicted update leaves its render in PENDING_REF. When the user has since committed
    the cherry-pick (its message names the render, `cherry picked from commit ...`), the render
    becomes the record; when the cherry-pick was given up, the pending render is dropped.
    """
    commit = resolve(git, root, PENDING_REF)
    if commit is None or resolve(git, root, "CHERRY_PICK_HEAD"):
        return  # nothing pending, or still being resolved
    picked = run_git(
        git, root, "log", "-1", "--format=%H", "--fixed-strings",
        f"--grep=cherry picked from commit {commit}", "HEAD",
    )  # fmt: skip
    if picked:
        run_git(git, root, "update-ref", "-m", "fastapi-gen", REF, commit)
    run_git(git, root, "update-ref", "-d", PENDING_REF)


@contextmanager
def _scratch_index() -> Iterator[dict[str, str]]:
    """A throwaway index, so that building a record never touches the user's staging area."""
    with tempfile.TemporaryDirectory(prefix="fastapi-gen-index-") as directory:
        yield {"GIT_INDEX_FILE": str(Path(directory) / "index")}


def commit_directory(
    git: str, root: Path, directory: Path, *, parent: str | None, version: str, what: str
) -> str:
    """Commit every file of ``directory`` (but what its .gitignore leaves out) into ``root``."""
    git_dir = run_git(git, root, "rev-parse", "--absolute-git-dir")
    with _scratch_index() as env:
        outside = {**env, "GIT_DIR": git_dir, "GIT_WORK_TREE": str(directory)}
        run_git(git, directory, "add", "--all", env=outside)
        tree = run_git(git, directory, "write-tree", env=outside)
    return _commit_tree(git, root, tree, parent=parent, version=version, what=what)


def commit_changes(
    git: str,
    root: Path,
    *,
    parent: str,
    writes: Mapping[Path, str],
    deletes: Sequence[Path],
    version: str,
    what: str,
) -> str:
    """The record ``parent`` with some files written and some deleted, as a new commit.

    One ``git fast-import`` writes the blobs, the tree and the commit (hash-object, read-tree,
    update-index, write-tree and commit-tree took five processes) and hands back the commit;
    the branch it names is deleted in the same run, so no ref moves here (see advance).
    """
    committer = f"{IDENTITY['GIT_COMMITTER_NAME']} <{IDENTITY['GIT_COMMITTER_EMAIL']}>"
    stream = [
        f"commit {_IMPORT_REF}\nmark :1\ncommitter {committer} now\n",
        _data(_message(what, version)),
        f"from {parent}\n",
        *(f"M 100644 inline {_quoted(path)}\n{_data(text)}" for path, text in writes.items()),
        *(f"D {_quoted(path)}\n" for path in deletes),
        f"\nget-mark :1\nreset {_IMPORT_REF}\nfrom {'0' * 40}\n\n",
    ]
    options = ("--quiet", "--force", "--date-format=now")
    return run_git(git, root, "fast-import", *options, stdin="".join(stream))


def _data(text: str) -> str:
    """fast-import's counted data: its length in bytes, then the text."""
    return f"data {len(text.encode('utf-8', 'surrogateescape'))}\n{text}\n"


def _quoted(path: Path) -> str:
    """A path as fast-import reads it whatever its characters: C-style, in double quotes."""
    escaped = path.as_posix().replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def apply_and_record(changes: Changes, root: Path, what: str) -> None:
    """Write a feature's changes and, in a project that keeps a record, record them as ours.

    The record's commit is made before the files are written and the record moved after, so
    an interrupted change never leaves a record of files that were not written.
    """
    git = shutil.which("git")
    tip_before = None
    if git and is_repository(git, root):
        settle(git, root)
        tip_before = tip(git, root)
    if git is None or tip_before is None:
        changes.apply(root)
        return
    import generator

    record = commit_changes(
        git, root, parent=tip_before, writes=changes.writes, deletes=changes.deletes,
        version=generator.__version__, what=what,
    )  # fmt: skip
    changes.apply(root)
    advance(git, root, record, expected=tip_before)


def carry_out(
    changes: Changes, root: Path, what: str, *, dry_run: bool, summary: str, next_steps: list[str]
) -> Outcome:
    """A planned command to its end: in a dry run only its steps, else written and recorded."""
    steps = changes.describe(root)
    if dry_run:
        return Outcome(steps, dry_run=True)
    apply_and_record(changes, root, what)
    return Outcome(steps, summary=summary, next_steps=next_steps)


def _commit_tree(
    git: str, root: Path, tree: str, *, parent: str | None, version: str, what: str
) -> str:
    parents = ["-p", parent] if parent else []
    message = _message(what, version).removesuffix("\n")  # commit-tree ends it with one
    return run_git(git, root, "commit-tree", tree, *parents, "-m", message, env=IDENTITY)


def _message(what: str, version: str) -> str:
    return f"{what}\n\n{_TRAILER} {version}\n"


def advance(git: str, root: Path, commit: str, *, expected: str | None) -> None:
    """Point the record at ``commit``, refusing if someone moved it meanwhile."""
    run_git(git, root, "update-ref", "-m", "fastapi-gen", REF, commit, expected or "")


def reconstruct(git: str, root: Path, records: Mapping[str, FeatureRecord]) -> str | None:
    """A record for a project made before records were kept, rebuilt from its history.

    The project's first commit is what `new` rendered. What `add-feature` wrote is the version
    of each of its files whose hash the manifest holds; git's history has it, unless the file
    was edited before it was first committed. None when either cannot be found.
    """
    first = run_git(git, root, "rev-list", "--max-parents=0", "HEAD").split()
    if len(first) != 1 or not _subject(git, root, first[0]).startswith(FIRST_SUBJECT):
        return None
    writes: dict[Path, str] = {}
    for record in records.values():
        for path, sha256 in record.files.items():
            text = _historic_version(git, root, path, sha256)
            if text is None:
                return None
            writes[Path(path)] = text
    if records:
        writes[Path(MANIFEST)] = git_result(git, root, "show", f"HEAD:{MANIFEST}").stdout
    return commit_changes(
        git, root, parent=first[0], writes=writes, deletes=[],
        version=version_of(git, root, first[0]), what="The record, rebuilt from the history",
    )  # fmt: skip


def _subject(git: str, root: Path, commit: str) -> str:
    return run_git(git, root, "log", "-1", "--format=%s", commit)


def _historic_version(git: str, root: Path, path: str, sha256: str) -> str | None:
    """The content `path` had in some commit, whose sha256 is `sha256`."""
    for commit in run_git(git, root, "log", "--format=%H", "--", path).split():
        shown = git_result(git, root, "show", f"{commit}:{path}")
        if shown.returncode == 0 and digest(shown.stdout) == sha256:
            return shown.stdout
    return None
