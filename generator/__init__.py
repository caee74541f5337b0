"""fastapi-gen: create production-shaped FastAPI projects from a packaged Copier template."""

DISTRIBUTION = "fastapi-gen-scaffold"
"""Our name on PyPI, where ``fastapi-gen`` is an unrelated project. The command keeps that name."""


def __getattr__(name: str) -> str:
    # ``__version__`` is computed on first use: importlib.metadata costs ~30 ms to import and
    # ``fastapi-gen --help`` must not pay for it.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version(DISTRIBUTION)
        except PackageNotFoundError:  # a source tree that was never installed
            return "0.0.0+unknown"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
