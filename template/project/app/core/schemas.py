"""Schema building blocks shared by every feature."""

from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema


class PatchModel(BaseModel):
    """A partial update: omitted fields stay as they are, and null only clears nullable ones."""

    model_config = ConfigDict(extra="forbid")

    nullable_fields: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _refuse_null_for_required_fields(self) -> Self:
        cleared = {name for name in self.model_fields_set if getattr(self, name) is None}
        refused = sorted(cleared - self.nullable_fields)
        if refused:
            raise ValueError(f"{', '.join(refused)} cannot be null")
        return self

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """Document what the validator above enforces: null only where a field may be cleared.

        The fields are typed `T | None` so that they can be left out; without this, the
        OpenAPI document would promise that every one of them accepts null.
        """
        schema = handler.resolve_ref_schema(handler(core_schema))
        for name, field in schema.get("properties", {}).items():
            if name not in cls.nullable_fields:
                _drop_null(field)
        return schema

    def changes(self) -> dict[str, object]:
        """The fields the client actually sent."""
        return self.model_dump(exclude_unset=True)


def _drop_null(field: dict[str, Any]) -> None:
    options = [option for option in field.pop("anyOf", []) if option.get("type") != "null"]
    field.pop("default", None)
    if len(options) == 1:
        field.update(options[0])
    elif options:
        field["anyOf"] = options
