"""Types for what the columns can hold, so that a value the database would refuse is a 422.

The database is the last guard, not the first: a value its driver cannot store (an integer
past the column's range, a NUL character in PostgreSQL text, NaN, a date that leaves the
calendar when moved to UTC) would otherwise surface as a 500. Ids and `int` fields are
32-bit INTEGER columns on every database, so a project can move from SQLite to PostgreSQL.
"""

import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Path
from pydantic import AfterValidator, AwareDatetime, Field

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


def _in_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("the moment lies outside the years 1 to 9999 in UTC") from None


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_in_utc)]
"""A timezone-aware moment, stored in UTC; a naive datetime is ambiguous and refused."""


def _strict_json(value: dict[str, Any]) -> dict[str, Any]:
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:
        raise ValueError("NaN and Infinity are not JSON numbers") from None
    return value


JsonObject = Annotated[dict[str, Any], AfterValidator(_strict_json)]
