"""Feature packages are discovered: each is served and migrated exactly once."""

from importlib.util import find_spec

from fastapi import FastAPI

from app import features
from app.core.db import Base


def test_every_feature_router_is_served_once(app: FastAPI) -> None:
    schema = app.openapi()  # a router included twice would repeat its operation ids
    paths: dict[str, dict[str, dict[str, str]]] = schema["paths"]
    operation_ids = [
        operation["operationId"] for path in paths.values() for operation in path.values()
    ]

    assert len(operation_ids) == len(set(operation_ids))
    for router in features.routers():
        assert any(path.startswith(router.prefix) for path in paths), router.prefix


def test_models_of_every_feature_are_loaded_for_alembic() -> None:
    features.load_models()

    loaded = {mapper.class_.__module__ for mapper in Base.registry.mappers}
    expected = {
        f"app.features.{name}.models"
        for name in features.feature_names()
        if find_spec(f"app.features.{name}.models") is not None
    }
    assert expected <= loaded
