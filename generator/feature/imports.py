"""What a generated module imports, collected while its template renders."""


class Imports:
    """Collects what a generated module imports.

    Order and grouping are left to ruff, which formats every generated file with the
    project's own settings (generator/core/formatting.py); this only has to be complete.
    """

    def __init__(self) -> None:
        self._modules: set[str] = set()
        self._names: dict[str, set[str]] = {}

    def module(self, name: str) -> None:
        self._modules.add(name)

    def add(self, module: str, *names: str) -> None:
        self._names.setdefault(module, set()).update(names)

    def render(self) -> str:
        plain = [f"import {module}" for module in sorted(self._modules)]
        named = [
            f"from {module} import {', '.join(sorted(names))}"
            for module, names in sorted(self._names.items())
        ]
        return "\n".join(plain + named)
