"""Jinja compiles a template to Python once, not on every run.

Compiling is most of what rendering costs: add-feature's eight templates take about 0.1 s to
compile and milliseconds to render, and Copier compiles every path of the project template, and
the answers file's name once per path, as a template of its own. Compiled templates are kept
on disk, as Python keeps ``__pycache__`` (a first run after an install or a template edit pays
once), and Copier's repeated strings are compiled once per process.
"""

import os
import sys
from collections.abc import MutableMapping
from hashlib import sha256
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.bccache import Bucket

CACHE_VARIABLE = "XDG_CACHE_HOME"


def cache_directory() -> Path | None:
    """``$XDG_CACHE_HOME/fastapi-gen/jinja`` (else under ``~/.cache``); None without a home."""
    base = os.environ.get(CACHE_VARIABLE)
    try:
        root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    except RuntimeError:  # no home directory to be found
        return None
    return root / "fastapi-gen" / "jinja"


class DiskCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates by name and settings; the source's checksum catches every edit.

    Jinja's own key is the template's absolute file name, yet what the compiled code depends on
    is the source (checked by Jinja on every load), the environment's settings and the libraries
    that compile it, so those make the key. The cache is an optimisation only: a directory that
    cannot be written is no error.
    """

    def __init__(self, directory: Path) -> None:
        super().__init__(str(directory), pattern="%s.cache")
        self.path = directory

    def get_bucket(
        self, environment: jinja2.Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        key = f"{_settings(environment)}\n{name}"
        return super().get_bucket(environment, key, None, source)

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError:
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


def disk_cache() -> DiskCache | None:
    directory = cache_directory()
    return DiskCache(directory) if directory is not None else None


def code_templates(folder: str) -> jinja2.Environment:
    """The Jinja of the templates a command renders itself (template/<folder>): whole lines of
    Python, every name defined, nothing escaped, compiled once into the disk cache."""
    from generator.render.template import template_root

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_root() / "template" / folder),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        bytecode_cache=disk_cache(),
    )


def _settings(environment: jinja2.Environment) -> str:
    """Everything besides the source that the compiled code of a template depends on."""
    extensions = sorted(
        f"{name} {_version(type(extension).__module__)}"
        for name, extension in environment.extensions.items()
    )
    settings = (
        jinja2.__version__,
        environment.block_start_string,
        environment.block_end_string,
        environment.variable_start_string,
        environment.variable_end_string,
        environment.comment_start_string,
        environment.comment_end_string,
        environment.line_statement_prefix,
        environment.line_comment_prefix,
        environment.trim_blocks,
        environment.lstrip_blocks,
        environment.newline_sequence,
        environment.keep_trailing_newline,
        environment.optimized,
        environment.is_async,
        environment.policies.get("compiler.ascii_str"),
        repr(environment.autoescape),  # a function's repr differs every run: no reuse, no harm
        repr(environment.finalize),
        extensions,
    )
    return sha256(repr(settings).encode()).hexdigest()


def _version(module: str) -> str:
    """The version of the package an extension comes from (its parse and preprocess hooks)."""
    package = sys.modules.get(module.partition(".")[0])
    return str(getattr(package, "__version__", "")) if package is not None else ""


def compile_once(environment: jinja2.Environment) -> None:
    """Make ``environment.from_string`` compile each distinct string once.

    Copier renders each part of every path, and the answers file's name once per path, as a
    template: about 480 compiles of under 100 distinct strings for the project template. A
    repeated string still passes through the extensions' preprocess hooks, which some use to
    reset state per template (Copier's ``yield`` tag does).
    """
    compiled: dict[str, jinja2.Template] = {}
    from_string = environment.from_string

    def cached(
        source: str | nodes.Template,
        globals: MutableMapping[str, Any] | None = None,
        template_class: type[jinja2.Template] | None = None,
    ) -> jinja2.Template:
        if not isinstance(source, str) or globals or template_class:
            return from_string(source, globals, template_class)
        template = compiled.get(source)
        if template is None:
            template = compiled[source] = from_string(source)
        else:
            environment.preprocess(source)
        return template

    environment.from_string = cached  # type: ignore[method-assign]
