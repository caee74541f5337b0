"""Schema building blocks shared by every feature."""

from typing import ClassVar, Self

from pydantic import BaseModel, ConfigDict, model_validator


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

    def changes(self) -> dict[str, object]:
        """The fields the client actually sent."""
        return self.model_dump(exclude_unset=True)
