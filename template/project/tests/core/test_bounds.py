"""What the columns can hold is what the API accepts: everything else is refused up front."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, ValidationError

from app.core.bounds import (
    INT32_MAX,
    INT32_MIN,
    Digits,
    FiniteFloat,
    Int32,
    IsoDate,
    JsonBool,
    JsonFloat,
    JsonId,
    JsonInt,
    JsonObject,
    NulFreeStr,
    UtcDatetime,
)
from app.core.config import get_settings


class Body(BaseModel):
    number: JsonInt | None = None
    ratio: JsonFloat | None = None
    flag: JsonBool | None = None
    ref: JsonId | None = None
    text: NulFreeStr | None = None
    day: IsoDate | None = None
    moment: UtcDatetime | None = None
    document: JsonObject | None = None
    money: Annotated[Decimal, Digits(5, 2)] | None = None
    fraction: Annotated[Decimal, Digits(3, 3)] | None = None


class Query(BaseModel):
    number: Int32 | None = None
    ratio: FiniteFloat | None = None


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("number", INT32_MAX, INT32_MAX),
        ("number", INT32_MIN, INT32_MIN),
        ("ratio", 2, 2.0),
        ("flag", False, False),
        ("ref", 1, 1),
        ("text", "ünïcode", "ünïcode"),
        ("day", "2024-02-29", dt.date(2024, 2, 29)),
        ("moment", "2024-01-01T12:00:00+02:00", dt.datetime(2024, 1, 1, 10, tzinfo=dt.UTC)),
        ("document", {"nested": [1, "two", None]}, {"nested": [1, "two", None]}),
        ("money", "-999.99", Decimal("-999.99")),
        ("money", "0", Decimal(0)),
        ("fraction", "0.125", Decimal("0.125")),
    ],
)
def test_what_fits_is_accepted(field: str, value: object, expected: object) -> None:
    assert getattr(Body.model_validate({field: value}), field) == expected


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("number", INT32_MAX + 1),
        ("number", INT32_MIN - 1),
        ("number", "5"),
        ("number", True),
        ("ratio", float("nan")),
        ("ratio", float("inf")),
        ("ratio", "1.5"),
        ("flag", "true"),
        ("ref", 0),
        ("ref", INT32_MAX + 1),
        ("text", "a\x00b"),
        ("day", 0),
        ("day", "1700000000"),
        ("moment", "2024-01-01T12:00:00"),
        ("moment", 1_700_000_000),
        ("moment", "0001-01-01T00:00:00+01:00"),
        ("document", {"x": float("nan")}),
        ("document", {"x": "\ud800"}),
        ("document", {"\ud800": 1}),
        ("document", {"x": "a\x00b"}),
        ("money", 12.5),
        ("money", "1000.00"),
        ("money", "1.005"),
        ("money", "NaN"),
        ("money", "1e2"),
        ("fraction", "1"),
    ],
)
def test_what_the_column_cannot_hold_is_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as raised:
        Body.model_validate({field: value})

    assert [error["loc"] for error in raised.value.errors()] == [(field,)]


def test_query_strings_are_read_as_text_within_the_same_bounds() -> None:
    assert Query.model_validate({"number": "7", "ratio": "0.5"}).number == 7
    with pytest.raises(ValidationError):
        Query.model_validate({"number": str(INT32_MAX + 1)})
    with pytest.raises(ValidationError):
        Query.model_validate({"ratio": "NaN"})


def test_schemas_state_the_bounds() -> None:
    properties: dict[str, Any] = Body.model_json_schema()["properties"]
    number = properties["number"]["anyOf"][0]
    money = properties["money"]["anyOf"][0]

    assert (number["minimum"], number["maximum"]) == (INT32_MIN, INT32_MAX)
    assert money == {"type": "string", "pattern": Digits(5, 2).pattern}
    assert "\\x00" in properties["text"]["anyOf"][0]["pattern"]


def nested(depth: int) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for _ in range(depth - 1):
        document = {"x": document}
    return document


def test_json_nests_at_most_json_max_depth_deep() -> None:
    assert Body.model_validate({"document": nested(32)}).document == nested(32)
    for depth in (33, 999):  # 256 and deeper once failed to serialise: a 500
        with pytest.raises(ValidationError, match="nest at most 32 deep"):
            Body.model_validate({"document": nested(depth)})


def test_the_json_depth_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JSON_MAX_DEPTH", "3")
    get_settings.cache_clear()
    try:
        assert Body.model_validate({"document": {"a": [{"b": 1}]}}).document is not None
        with pytest.raises(ValidationError, match="nest at most 3 deep"):
            Body.model_validate({"document": {"a": [{"b": [1]}]}})
    finally:
        get_settings.cache_clear()
