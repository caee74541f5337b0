"""Where the Copier template lives, and how to hand it to Copier.

The template root is the directory holding ``copier.yml`` and ``template/``. A wheel carries
both inside the package as ``generator/_template/`` (pyproject's force-include); a source
checkout or an editable install uses the repository root. Neither needs git or the network.
"""

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.core.errors import OperationFailed

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
"""The ``generator`` package: a wheel keeps the template in it, a checkout beside it."""
NOT_TEMPLATE = ("__pycache__", "*.py[co]", ".*_cache")
"""What tools leave in a checkout's template directory that is not the template."""
_NOT_TEMPLATE = shutil.ignore_patterns(*NOT_TEMPLATE)


TEMPLATE_VARIABLE = "FASTAPI_GEN_TEMPLATE"
"""A template root to use instead of the installed one: for work on the template itself."""


def template_root() -> Path:
    """Return $FASTAPI_GEN_TEMPLATE, else the packaged template, else the checkout's root."""
    chosen = os.environ.get(TEMPLATE_VARIABLE)
    if chosen:
        root = Path(chosen)
        if (root / "copier.yml").is_file() and (root / "template").is_dir():
            return root.resolve()
        raise OperationFailed(
            f"{TEMPLATE_VARIABLE}={chosen} is not a template: it needs copier.yml and template/."
        )
    for candidate in (_PACKAGE_DIR / "_template", _PACKAGE_DIR.parent):
        if (candidate / "copier.yml").is_file() and (candidate / "template").is_dir():
            return candidate
    raise OperationFailed(
        "The project template is missing from this installation; reinstall fastapi-gen-scaffold."
    )


@contextmanager
def template_source() -> Iterator[Path]:
    """Yield a template directory that Copier reads as plain files.

    Copier treats a directory at the root of a git repository as a git template: it clones it,
    checks out the latest tag (else HEAD), commits uncommitted changes with a warning, and
    fails outright on a repository without commits. A source checkout is such a root, yet what
    we mean to render is its working tree, so Copier gets a snapshot of the working tree
    instead. The packaged template of a wheel is not a repository and is used in place.
    (fastapi-gen's own renders hide git from Copier, and read the template in place: see
    generator/render/copying.py; this is for Copier run as it is, by pytest-copie say.)
    """
    root = template_root()
    if not (root / ".git").exists():
        yield root
        return
    with tempfile.TemporaryDirectory(prefix="fastapi-gen-template-") as tmp:
        snapshot = Path(tmp)
        shutil.copy2(root / "copier.yml", snapshot / "copier.yml")
        shutil.copytree(
            root / "template", snapshot / "template", symlinks=True, ignore=_NOT_TEMPLATE
        )
        yield snapshot
