"""Running Copier: the one module that knows its internals (copier 9.19), imported only to render.

Importing Copier takes about 0.3 s, so nothing imports this module until a command renders.
Copier's public ``run_copy`` builds its own Worker, whose Jinja environment compiles every path
and file of the template afresh on each run; the subclass below keeps compiled templates
(generator/render/compiled.py), which is most of a render's time. pyproject.toml holds Copier to
the releases this was written against, and tests/test_copier_version.py checks the installed
one and the names below.

What this relies on, besides those names: that ``Worker.jinja_env`` is a cached property the
subclass may extend; that Copier finds git through plumbum's copy of PATH (see
_copier_without_git); and, through generator/render/compiled.py, that the environment's
``from_string`` can be wrapped. Measured against Copier's public ``run_copy`` from a plain
template directory (as a wheel holds it): 0.57-0.59 s against 0.33-0.38 s per render here, so
the public API would cost a `new` some 40%.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Any

import plumbum
from copier._jinja_ext import SandboxedEnvironment
from copier._main import Worker
from copier._settings import SettingsModel

from generator.render.compiled import compile_once, disk_cache
from generator.render.template import NOT_TEMPLATE, template_root

RELIES_ON = (
    ("copier._main", "Worker"),  # subclassed; its jinja_env property and run_copy()
    ("copier._jinja_ext", "SandboxedEnvironment"),  # what jinja_env returns
    ("copier._settings", "SettingsModel"),  # empty settings: the user's must not change output
)
"""Copier's private names this module uses, checked against the installed Copier by a test."""


class _CompilingWorker(Worker):
    """Copier's worker, with a Jinja environment that compiles each template once.

    Compiling is most of Copier's render: every path of the template is a template of its own,
    and so is the answers file's name, once per path (see generator.render.compiled).
    """

    @cached_property
    def jinja_env(self) -> SandboxedEnvironment:
        environment = super().jinja_env
        environment.bytecode_cache = disk_cache()
        compile_once(environment)
        return environment


def run_copy(*, dst_path: Path, data: dict[str, Any], defaults: bool) -> Worker:
    """``copier.run_copy`` of the installed template: quiet, no tasks, no user settings.

    Copier sees no git, so a source checkout is a plain directory to it, read in place (with
    git, Copier would render the checkout's last commit, see template_source).
    """
    with (
        _copier_without_git(),
        _CompilingWorker(
            src_path=str(template_root()),
            dst_path=dst_path,
            data=data,
            defaults=defaults,
            exclude=NOT_TEMPLATE,
            quiet=True,
            unsafe=False,
            cleanup_on_error=False,  # the staging directory is ours to remove
            settings=SettingsModel(),  # the user's copier settings must not change our output
        ) as worker,
    ):
        worker.run_copy()
    return worker


@contextmanager
def _copier_without_git() -> Iterator[None]:
    """Hide git from Copier while it renders: it halves the render time.

    The template is a plain directory and the destination a fresh one, so Copier has no use for
    git here, yet copier 9.19 runs ``git config`` once per rendered file (to sync executable
    bits into a destination repository). Copier finds programs through plumbum's own copy of
    PATH, which this points nowhere for the duration; our own git calls are unaffected.
    """
    with plumbum.local.env(PATH=os.devnull):
        yield
