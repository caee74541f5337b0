"""Types for what the columns can hold, so that a value the database would refuse is a 422.

The database is the last guard, not the first: a value its driver cannot store (an integer
past the column's range, a NUL character in PostgreSQL text, NaN, a date that leaves the
calendar when moved to UTC) would otherwise surface as a 500. Ids and `int` fields are
32-bit INTEGER columns on every database, so a project can move from SQLite to PostgreSQL.
"""

import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Path
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    Strict,
    StrictBool,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from app.core.config import get_settings

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1
NO_NUL = r"^[^\x00]*$"

Int32 = Annotated[int, Field(ge=INT32_MIN, le=INT32_MAX)]
RowId = Annotated[int, Field(ge=1, le=INT32_MAX)]
"""A primary or foreign key."""
PathId = Annotated[int, Path(ge=1, le=INT32_MAX)]
"""A row's id in a URL; ids outside the column's range cannot exist."""
FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]
NulFreeStr = Annotated[str, Field(pattern=NO_NUL)]


# A JSON body carries real numbers and booleans: lax coercion would take "5" or true for an
# integer, which the schema refuses. Query strings are text, so their parameters stay lax.
JsonInt = Annotated[Int32, Strict()]
JsonId = Annotated[RowId, Strict()]
JsonFloat = Annotated[FiniteFloat, Strict()]
JsonBool = StrictBool

_NUMBER = re.compile(r"\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*")


def _iso_text(value: object) -> object:
    """Dates travel as ISO 8601 text; a number would be read as a Unix timestamp."""
    if isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.fullmatch(value)):
        raise ValueError("expected ISO 8601 text, not a number")
    return value


def _in_utc(value: dt.datetime) -> dt.datetime:
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("the moment lies outside the years 1 to 9999 in UTC") from None


IsoDate = Annotated[dt.date, BeforeValidator(_iso_text)]
UtcDatetime = Annotated[AwareDatetime, BeforeValidator(_iso_text), AfterValidator(_in_utc)]
"""A timezone-aware moment, stored in UTC; a naive datetime is ambiguous and refused."""


def _fixed_point(value: Decimal) -> str:
    return format(value, "f")


DecimalText = Annotated[Decimal, PlainSerializer(_fixed_point, return_type=str)]
"""A decimal as the API returns it: fixed-point text (`0.0000001`, never `1E-7`)."""


@dataclass(frozen=True)
class Digits:
    """A NUMERIC(precision, scale) value, sent as text so that no digit is lost on the way.

    `Annotated[Decimal, Digits(10, 2)]` takes exactly the strings its pattern describes, so
    the schema and the validator cannot disagree about what fits the column.
    """

    precision: int
    scale: int

    @property
    def pattern(self) -> str:
        whole = self.precision - self.scale
        integer = "[0-9]{1,%d}" % whole if whole else "0"  # noqa: UP031 (braces are regex)
        fraction = r"(\.[0-9]{1,%d})?" % self.scale if self.scale else ""  # noqa: UP031
        return f"^-?{integer}{fraction}$"

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        pattern = re.compile(self.pattern)

        def parse(value: object) -> Decimal:
            if not isinstance(value, str) or not pattern.fullmatch(value):
                raise ValueError(
                    f"expected a decimal with at most {self.precision - self.scale} digits "
                    f"before the point and {self.scale} after it, as a string"
                )
            return Decimal(value)

        return core_schema.no_info_plain_validator_function(
            # fixed-point: str() would give 1E-7, which the pattern itself refuses
            parse,
            # As text in JSON only: in Python it stays a Decimal, which the database compares
            # with a NUMERIC column (PostgreSQL has no numeric = varchar).
            serialization=core_schema.plain_serializer_function_ser_schema(
                _fixed_point, when_used="json"
            ),
        )

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "pattern": self.pattern}


def _nesting(value: object) -> int:
    """How deeply lists and objects nest in a JSON value: `{}` is 1, `{"a": [1]}` is 2."""
    depth, level = 0, [value]
    while level := [item for item in level if isinstance(item, dict | list)]:
        depth += 1
        level = [
            child for item in level for child in (item.values() if isinstance(item, dict) else item)
        ]
    return depth


def _strict_json(value: dict[str, Any]) -> dict[str, Any]:
    """What the JSON column can store and give back as sent: no NaN, NUL or lone surrogate.

    Nor deeper than JSON_MAX_DEPTH: the answer's serialisation has a depth limit too.
    """
    limit = get_settings().json_max_depth
    if _nesting(value) > limit:
        raise ValueError(f"lists and objects may nest at most {limit} deep")
    try:
        text = json.dumps(value, allow_nan=False, ensure_ascii=False)
        text.encode("utf-8")
    except ValueError:  # UnicodeEncodeError is one
        raise ValueError("NaN, Infinity and unpaired surrogates are not JSON text") from None
    if "\x00" in text or "\\u0000" in text:
        raise ValueError("a NUL character cannot be stored")
    return value


JsonObject = Annotated[dict[str, Any], AfterValidator(_strict_json)]
