"""Feature packages are discovered: each is served and migrated exactly once."""

import importlib
from pathlib import Path

from fastapi import APIRouter, FastAPI

from app import features
from app.core.db import Base

FEATURES_DIR = Path(features.__file__).parent


def _packages_with(module: str) -> set[str]:
    """Feature packages holding `module`, found from the files, not by the code under test."""
    return {path.parent.name for path in FEATURES_DIR.glob(f"*/{module}.py")}


def test_every_feature_router_is_served_once(app: FastAPI) -> None:
    schema = app.openapi()  # a router included twice would repeat its operation ids
    paths: dict[str, dict[str, dict[str, str]]] = schema["paths"]
    operation_ids = [
        operation["operationId"] for path in paths.values() for operation in path.values()
    ]

    assert len(operation_ids) == len(set(operation_ids))
    for name in _packages_with("router"):
        router = importlib.import_module(f"app.features.{name}.router").router
        assert isinstance(router, APIRouter)
        assert any(path.startswith(router.prefix) for path in paths), name


def test_models_of_every_feature_are_loaded_for_alembic() -> None:
    features.load_models()

    loaded = {mapper.class_.__module__ for mapper in Base.registry.mappers}
    assert {f"app.features.{name}.models" for name in _packages_with("models")} <= loaded
