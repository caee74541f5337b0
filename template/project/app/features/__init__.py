"""Features are discovered, not registered.

Every package in this folder is a feature. Its `router` module (if any) is served by the app and
its `models` module (if any) is seen by Alembic, so adding or removing a feature never means
editing a list that could drift or hold a feature twice.
"""

import importlib
import importlib.util
import pkgutil
from types import ModuleType

from fastapi import APIRouter


def feature_names() -> list[str]:
    return sorted(module.name for module in pkgutil.iter_modules(__path__) if module.ispkg)


def _feature_modules(module_name: str) -> list[ModuleType]:
    modules = []
    for feature in feature_names():
        qualified = f"{__name__}.{feature}.{module_name}"
        if importlib.util.find_spec(qualified) is not None:
            modules.append(importlib.import_module(qualified))
    return modules


def load_models() -> None:
    """Import every feature's models so that `Base.metadata` knows all tables."""
    _feature_modules("models")


def routers() -> list[APIRouter]:
    found = []
    for module in _feature_modules("router"):
        router = getattr(module, "router", None)
        if not isinstance(router, APIRouter):
            raise TypeError(f"{module.__name__} must define `router = APIRouter(...)`")
        found.append(router)
    return found
