"""A set of file changes that is checked in full, then written all or nothing."""

from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import OperationFailed


@dataclass
class Changes:
    writes: dict[Path, str] = field(default_factory=dict)
    """Relative path -> new content."""
    deletes: list[Path] = field(default_factory=list)
    prune: list[Path] = field(default_factory=list)
    """Directories to remove once the deletes leave them empty (bytecode caches aside)."""

    def describe(self, root: Path) -> list[str]:
        lines = [
            f"{'update' if (root / path).exists() else 'create'} {path}"
            for path in sorted(self.writes)
        ]
        lines += [f"delete {path}" for path in sorted(self.deletes)]
        return lines

    def apply(self, root: Path) -> None:
        """Write everything, or on any failure put back what was there and remove what was new."""
        done: list[tuple[Path, bytes | None]] = []  # each path changed so far, and its old bytes
        created_dirs: list[Path] = []
        try:
            for relative, text in self.writes.items():
                path = root / relative
                original = path.read_bytes() if path.exists() else None
                created_dirs += _make_parents(path.parent)
                done.append((path, original))  # first: a failed write may still have truncated it
                path.write_text(text, encoding="utf-8")
            for relative in self.deletes:
                path = root / relative
                done.append((path, path.read_bytes()))
                path.unlink()
        except BaseException as error:
            _undo(done, created_dirs)
            if isinstance(error, OSError):
                message = (
                    f"Could not change {error.filename}: {error.strerror}; nothing was changed."
                )
                raise OperationFailed(message) from None
            raise
        for directory in self.prune:
            _remove_if_empty(root / directory)


def _undo(done: list[tuple[Path, bytes | None]], created_dirs: list[Path]) -> None:
    """Best effort: restore every changed file, then remove the directories made for new ones."""
    for path, original in reversed(done):
        try:
            if original is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(original)
        except OSError:
            continue
    for directory in reversed(created_dirs):
        try:
            directory.rmdir()
        except OSError:
            continue


def _make_parents(directory: Path) -> list[Path]:
    """Create missing directories, returning those that were created, outermost first."""
    missing = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for path in reversed(missing):
        path.mkdir()
    return list(reversed(missing))


def _remove_if_empty(directory: Path) -> None:
    """Remove a directory that holds nothing but bytecode caches."""
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
