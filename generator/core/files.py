"""Reading a project's own files, with one clear error for every way they can be broken.

A project file may be missing, a directory, a FIFO, a dangling link, unreadable or not UTF-8;
each of those is one `BrokenProject` line that names the file, never a traceback.
"""

import ast
from pathlib import Path

from generator.core.errors import BrokenProject


def describe(path: Path, root: Path | None = None) -> str:
    """The path as the user knows it: relative to the project when it lies inside."""
    if root is not None and path.is_relative_to(root):
        return path.relative_to(root).as_posix()
    return str(path)


def read_bytes(path: Path, root: Path | None = None) -> bytes:
    """The file's bytes; a FIFO or device is refused rather than read (it could block)."""
    name = describe(path, root)
    try:
        if path.is_dir():
            raise BrokenProject(f"Cannot read {name}: it is a directory, not a file.")
        if path.exists() and not path.is_file():
            raise BrokenProject(f"Cannot read {name}: it is not a regular file.")
        return path.read_bytes()
    except OSError as error:
        problem = "it does not exist" if isinstance(error, FileNotFoundError) else error.strerror
        raise BrokenProject(f"Cannot read {name}: {problem}.") from None


def read_text(path: Path, root: Path | None = None) -> str:
    """The file as UTF-8 text."""
    data = read_bytes(path, root)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BrokenProject(
            f"Cannot read {describe(path, root)}: it is not UTF-8 text "
            f"(byte 0x{data[error.start]:02x} at offset {error.start})."
        ) from None


def parse_python(path: Path, root: Path | None = None) -> ast.Module:
    """The module's syntax tree, read without importing it."""
    source = read_text(path, root)
    try:
        return ast.parse(source, filename=path.name)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        raise BrokenProject(
            f"Cannot read {describe(path, root)}: {_python_problem(error)}."
        ) from None


def _python_problem(error: BaseException) -> str:
    if isinstance(error, SyntaxError):
        return f"invalid Python at line {error.lineno} ({error.msg})"
    return f"invalid Python ({' '.join(str(error).split()) or type(error).__name__})"
