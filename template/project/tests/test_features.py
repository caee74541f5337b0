"""Feature packages are discovered: each is served and migrated exactly once."""

import importlib
import re
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
    paths: dict[str, dict[str, dict[str, object]]] = schema["paths"]
    operations = [operation for path in paths.values() for operation in path.values()]
    operation_ids = [str(operation["operationId"]) for operation in operations]

    assert len(operation_ids) == len(set(operation_ids))
    for operation in operations:  # `orders-create`: what generated clients name functions by
        tags = operation["tags"]
        assert isinstance(tags, list)
        assert re.fullmatch(rf"{tags[0]}(-[a-z0-9]+)+", str(operation["operationId"]))
    for name in _packages_with("router"):
        router = importlib.import_module(f"app.features.{name}.router").router
        assert isinstance(router, APIRouter)
        assert any(path.startswith(router.prefix) for path in paths), name


def test_models_of_every_feature_are_loaded_for_alembic() -> None:
    features.load_models()

    loaded = {mapper.class_.__module__ for mapper in Base.registry.mappers}
    assert {f"app.features.{name}.models" for name in _packages_with("models")} <= loaded
