from typing import ClassVar

import pytest
from fastapi import FastAPI
from pydantic import ValidationError

from app.core.schemas import PatchModel


class Patch(PatchModel):
    nullable_fields: ClassVar[frozenset[str]] = frozenset({"note"})

    title: str | None = None
    note: str | None = None


def test_changes_are_only_the_fields_sent() -> None:
    assert Patch.model_validate({"note": None}).changes() == {"note": None}
    assert Patch.model_validate({"title": "New"}).changes() == {"title": "New"}
    assert Patch.model_validate({}).changes() == {}


def test_null_is_refused_for_a_required_field() -> None:
    with pytest.raises(ValidationError, match="title cannot be null"):
        Patch.model_validate({"title": None})


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError, match="extra"):
        Patch.model_validate({"owner_id": 1})


def test_the_schema_offers_null_only_where_it_is_accepted() -> None:
    properties = Patch.model_json_schema()["properties"]

    assert properties["title"]["type"] == "string"
    assert "anyOf" not in properties["title"]
    assert {"type": "null"} in properties["note"]["anyOf"]


def test_every_json_body_refuses_unknown_fields(app: FastAPI) -> None:
    """A typo, or a field the client may not set (owner_id), is a 422 on every write."""
    document = app.openapi()
    schemas = document["components"]["schemas"]
    bodies = [
        operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        for path in document["paths"].values()
        for operation in path.values()
        if "application/json" in operation.get("requestBody", {}).get("content", {})
    ]
    for body in bodies:
        name = body.rsplit("/", 1)[-1]
        assert schemas[name].get("additionalProperties") is False, name
