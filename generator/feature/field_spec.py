"""A parsed field: its type's name, its arguments and modifiers, and the bounds both databases hold.

Every bound here is one that both databases hold, so a project can move between them.
"""

from dataclasses import dataclass
from enum import StrEnum

from generator.core.errors import InvalidInput
from generator.feature.inflection import singularize


class FieldType(StrEnum):
    """The types a field can have, as typed on the command line; generator/feature/types.py
    holds what each one means to every generated file."""

    STR = "str"
    TEXT = "text"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    DATE = "date"
    DATETIME = "datetime"
    UUID = "uuid"
    JSON = "json"
    DECIMAL = "decimal"
    ENUM = "enum"
    REF = "ref"
    REFS = "refs"


DEFAULT_MAX_LENGTH = 255
DEFAULT_PRECISION, DEFAULT_SCALE = 12, 2
MAX_STR_LENGTH = 10_485_760
"""The longest VARCHAR PostgreSQL declares."""
MAX_INDEXED_LENGTH = 600
"""A PostgreSQL btree entry holds at most 2704 bytes: 600 characters of up to four bytes each,
with the owner's id beside them, always fit in a unique constraint or an index."""
MAX_PRECISION = 15
"""SQLite keeps decimals as 64-bit floats, exact to 15 significant digits."""
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
"""An int is a 32-bit INTEGER column: PostgreSQL's range, kept on SQLite too."""


@dataclass(frozen=True)
class FieldSpec:
    """One parsed field, as the user wrote it and with every default filled in."""

    name: str
    type: FieldType
    max_length: int | None = None
    precision: int | None = None
    scale: int | None = None
    choices: tuple[str, ...] = ()
    target: str | None = None
    """The referenced feature, as written (`customers`), for `ref` fields."""
    optional: bool = False
    unique: bool = False
    index: bool = False
    default: str | None = None
    minimum: str | None = None
    """`min=VALUE`: the smallest value the field holds, as typed."""
    maximum: str | None = None
    """`max=VALUE`: the largest value the field holds, as typed."""
    min_length: int | None = None
    """`min_length=N`: the fewest characters a string holds."""
    search: bool = False
    """`search`: the list filters it by a case-insensitive substring."""
    on_delete: str | None = None
    """A reference's rule when its target goes (`cascade`, `restrict`, `set-null`), if given."""
    source: str = ""
    """The token the user typed, kept so the feature can be described and rebuilt."""

    @property
    def column(self) -> str:
        """The name in the API, as its kind says: a reference `customer` is stored as
        `customer_id`, links `tags` travel as `tag_ids`."""
        from generator.feature.types import KINDS  # the kinds are built from specs

        return KINDS[self.type].api_name(self)

    @property
    def bounded(self) -> bool:
        """The field states a range or a length the database checks."""
        return self.minimum is not None or self.maximum is not None or self.min_length is not None

    @property
    def link_name(self) -> str:
        """One of a `refs` field's links: `tag` of `tags`, `related_item` of `related_items`."""
        *head, last = self.name.split("_")
        return "_".join([*head, singularize(last)])


def refuse(token: str, why: str) -> InvalidInput:
    return InvalidInput(f"Invalid field '{token}': {why}.")


def known(value: int | None) -> int:
    """A size that parsing always fills in for the field types that read it."""
    if value is None:
        raise ValueError("field parsed without its size")
    return value
