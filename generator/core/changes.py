"""A set of file changes that is checked in full, then written all or nothing.

Each new content goes to a temporary file beside its target first; only when every one is
written are they renamed into place, and the files to delete deleted, with interrupts held
back. A failure or an interrupt before then removes the temporary files and the directories
made for them, so no file is ever left half-written and no feature half-added.
"""

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from generator.core.errors import OperationFailed
from generator.core.interrupts import done, held
from generator.core.outcome import Step


@dataclass
class Changes:
    writes: dict[Path, str] = field(default_factory=dict)
    """Relative path -> new content."""
    deletes: list[Path] = field(default_factory=list)
    prune: list[Path] = field(default_factory=list)
    """Directories to remove once the deletes leave them empty (bytecode caches aside)."""

    def describe(self, root: Path) -> list[Step]:
        steps = [
            Step("update" if (root / path).exists() else "create", str(path))
            for path in sorted(self.writes)
        ]
        steps += [Step("delete", str(path)) for path in sorted(self.deletes)]
        return steps

    def apply(self, root: Path) -> None:
        """Write everything, or on any failure or interrupt leave the tree as it was."""
        undo = _Undo()
        current = root
        try:
            # Everything that can take time or fail comes first, while it can still be undone
            # by deleting what was staged: the old contents are read, the new ones written.
            renames: list[tuple[Path, Path, _Content]] = []
            for relative, text in self.writes.items():
                current = root / relative
                original = _read(current)
                renames.append((undo.stage(current, text, original), current, original))
            removals = []
            for relative in self.deletes:
                current = root / relative
                removals.append((current, _read(current)))
            with held():
                for temporary, current, original in renames:
                    temporary.replace(current)
                    undo.changed.append((current, original))
                for current, original in removals:
                    current.unlink()
                    undo.changed.append((current, original))
                done()
        except BaseException as error:
            with held():
                undo.run()
            if isinstance(error, OSError):
                shown = current.relative_to(root) if current.is_relative_to(root) else current
                message = f"Could not change {shown}: {error.strerror}; nothing was changed."
                raise OperationFailed(message) from None
            raise
        for directory in self.prune:
            _remove_if_empty(root / directory)


_Content = tuple[bytes, int] | None
"""A file's bytes and mode, or None where there was no file."""


def _read(path: Path) -> _Content:
    return (path.read_bytes(), path.stat().st_mode & 0o7777) if path.is_file() else None


class _Undo:
    """What has been done so far, and how to take it back."""

    def __init__(self) -> None:
        self.temporaries: list[Path] = []
        self.directories: list[Path] = []
        self.changed: list[tuple[Path, _Content]] = []
        """Each path replaced or deleted so far, with what it held before."""

    def stage(self, path: Path, text: str, original: _Content) -> Path:
        """Write `text` beside `path`, with the mode of the file it will replace."""
        _make_parents(path.parent, self.directories)
        temporary = path.with_name(f".{path.name}.fastapi-gen-{secrets.token_hex(4)}")
        self.temporaries.append(temporary)
        temporary.write_text(text, encoding="utf-8")
        if original is not None:
            temporary.chmod(original[1])
        return temporary

    def run(self) -> None:
        """Best effort, newest first: restore each file, then remove what was made."""
        for path, original in reversed(self.changed):
            try:
                if original is None:
                    path.unlink(missing_ok=True)
                else:
                    path.write_bytes(original[0])
                    path.chmod(original[1])
            except OSError:
                continue
        for temporary in self.temporaries:
            try:
                temporary.unlink(missing_ok=True)
            except OSError:
                continue
        for directory in reversed(self.directories):
            try:
                directory.rmdir()
            except OSError:
                continue


def _make_parents(directory: Path, made: list[Path]) -> None:
    """Create missing directories outermost first, adding each to `made` as soon as it exists."""
    missing = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for path in reversed(missing):
        path.mkdir()
        made.append(path)


def _remove_if_empty(directory: Path) -> None:
    """Remove a directory that holds nothing but bytecode caches."""
    try:
        if not directory.is_dir():
            return
        entries = list(directory.iterdir())
        if any(entry.name != "__pycache__" for entry in entries):
            return
        for cache in entries:
            for compiled in cache.iterdir():
                compiled.unlink()
            cache.rmdir()
        directory.rmdir()
    except OSError:
        return  # the feature is gone; an empty directory left behind does no harm
