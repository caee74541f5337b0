"""Field definitions: `NAME[:TYPE[:ARG ...]][:MODIFIER ...]`, every type, argument and modifier,
and refusals that name the token the user typed."""

import datetime as dt
import math
import re
import uuid
from decimal import Decimal
from typing import Any

import pytest

from generator.core.errors import InvalidInput
from generator.feature.field_spec import FieldSpec, FieldType
from generator.feature.fields import parse_field, parse_fields
from generator.feature.imports import Imports
from generator.feature.names import FeatureNames
from generator.feature.views import FieldView

FT = FieldType

# token -> its type and the attributes parsing must fill in; every attribute not named keeps
# FieldSpec's default (a str's max_length is 255 unless named).
VALID: list[tuple[str, FieldType, dict[str, Any]]] = [
    ("title", FT.STR, {}),
    ("title:str", FT.STR, {}),
    ("title:str:120", FT.STR, {"max_length": 120}),
    ("code:str:1", FT.STR, {"max_length": 1}),
    ("body:text", FT.TEXT, {}),
    ("count:int", FT.INT, {}),
    ("ratio:float", FT.FLOAT, {}),
    ("active:bool", FT.BOOL, {}),
    ("born_on:date", FT.DATE, {}),
    ("seen_at:datetime", FT.DATETIME, {}),
    ("token:uuid", FT.UUID, {}),
    ("extra:json", FT.JSON, {}),
    ("total:decimal", FT.DECIMAL, {"precision": 12, "scale": 2}),
    ("total:decimal:10:2", FT.DECIMAL, {"precision": 10, "scale": 2}),
    ("units:decimal:8:0", FT.DECIMAL, {"precision": 8, "scale": 0}),
    ("share:decimal:5:5", FT.DECIMAL, {"precision": 5, "scale": 5}),
    ("status:enum:pending", FT.ENUM, {"choices": ("pending",)}),
    ("status:enum:pending:paid:shipped", FT.ENUM, {"choices": ("pending", "paid", "shipped")}),
    ("phase:enum:in_progress:done2", FT.ENUM, {"choices": ("in_progress", "done2")}),
    ("customer:ref:customers", FT.REF, {"target": "customers"}),
    ("customer:ref:customer", FT.REF, {"target": "customer"}),
    # What happens when the row referred to goes.
    ("customer:ref:customers:cascade", FT.REF, {"target": "customers", "on_delete": "cascade"}),
    ("customer:ref:customers:restrict", FT.REF, {"target": "customers", "on_delete": "restrict"}),
    (
        "customer:ref:customers:optional:set-null",
        FT.REF,
        {"target": "customers", "optional": True, "on_delete": "set-null"},
    ),
    ("owner_name:str", FT.STR, {}),
    ("a1_b2", FT.STR, {}),
    ("none:str", FT.STR, {}),
    # Modifiers, alone, combined, and after a type's arguments.
    ("nickname:optional", FT.STR, {"optional": True}),
    ("note:text:optional", FT.TEXT, {"optional": True}),
    ("email:str:unique", FT.STR, {"unique": True}),
    ("sku:str:40:unique:index", FT.STR, {"max_length": 40, "unique": True, "index": True}),
    ("rank:int:index", FT.INT, {"index": True}),
    ("code:uuid:unique:optional", FT.UUID, {"unique": True, "optional": True}),
    ("price:decimal:10:2:index", FT.DECIMAL, {"precision": 10, "scale": 2, "index": True}),
    (
        "status:enum:pending:paid:shipped:default=pending",
        FT.ENUM,
        {"choices": ("pending", "paid", "shipped"), "default": "pending"},
    ),
    ("customer:ref:customers:optional", FT.REF, {"target": "customers", "optional": True}),
    ("customer:ref:customers:index", FT.REF, {"target": "customers", "index": True}),
    # A default for every type that takes one.
    ("label:default=none", FT.STR, {"default": "none"}),
    ("label:str:4:default=abcd", FT.STR, {"max_length": 4, "default": "abcd"}),
    ("body:text:default=empty", FT.TEXT, {"default": "empty"}),
    ("count:int:default=5", FT.INT, {"default": "5"}),
    ("delta:int:default=-3", FT.INT, {"default": "-3"}),
    ("ratio:float:default=0.5", FT.FLOAT, {"default": "0.5"}),
    ("active:bool:default=true", FT.BOOL, {"default": "true"}),
    ("active:bool:default=false", FT.BOOL, {"default": "false"}),
    ("born_on:date:default=2024-02-29", FT.DATE, {"default": "2024-02-29"}),
    ("seen_at:datetime:default=20240101T000000Z", FT.DATETIME, {"default": "20240101T000000Z"}),
    (
        "token:uuid:default=12345678-1234-5678-1234-567812345678",
        FT.UUID,
        {"default": "12345678-1234-5678-1234-567812345678"},
    ),
    ("total:decimal:default=9.99", FT.DECIMAL, {"precision": 12, "scale": 2, "default": "9.99"}),
    ("flag:bool:optional:default=false", FT.BOOL, {"optional": True, "default": "false"}),
    # Enum values in one comma list may spell modifiers; a trailing comma makes a list of one.
    (
        "kind:enum:draft,optional,final:optional",
        FT.ENUM,
        {"choices": ("draft", "optional", "final"), "optional": True},
    ),
    ("kind:enum:index,:default=index", FT.ENUM, {"choices": ("index",), "default": "index"}),
    # The bounds both databases hold, at their edges.
    ("top:int:default=2147483647", FT.INT, {"default": "2147483647"}),
    ("bottom:int:default=-2147483648", FT.INT, {"default": "-2147483648"}),
    ("big:decimal:15:0", FT.DECIMAL, {"precision": 15, "scale": 0}),
    ("sci:decimal:5:0:default=1e4", FT.DECIMAL, {"precision": 5, "scale": 0, "default": "1e4"}),
    (
        "spelled:decimal:5:2:default=1.50",
        FT.DECIMAL,
        {"precision": 5, "scale": 2, "default": "1.50"},
    ),
    ("code:str:600:unique", FT.STR, {"max_length": 600, "unique": True}),
    ("blob:str:10485760", FT.STR, {"max_length": 10485760}),
    ("price:decimal:10:2:min=0", FT.DECIMAL, {"precision": 10, "scale": 2, "minimum": "0"}),
    ("quantity:int:min=1:max=1000", FT.INT, {"minimum": "1", "maximum": "1000"}),
    (
        "quantity:int:min=1:max=1000:default=1",
        FT.INT,
        {"minimum": "1", "maximum": "1000", "default": "1"},
    ),
    ("ratio:float:max=1.5:optional", FT.FLOAT, {"maximum": "1.5", "optional": True}),
    ("due:date:min=2024-01-01", FT.DATE, {"minimum": "2024-01-01"}),
    # A datetime bound holds ':': it runs up to the next modifier.
    (
        "at:datetime:min=2024-01-01T00:00:00+00:00:index",
        FT.DATETIME,
        {"minimum": "2024-01-01T00:00:00+00:00", "index": True},
    ),
    (
        "title:str:120:min_length=3:search",
        FT.STR,
        {"max_length": 120, "min_length": 3, "search": True},
    ),
    ("body:text:min_length=1", FT.TEXT, {"min_length": 1}),
]
ATTRIBUTES = (
    "max_length", "precision", "scale", "choices", "target", "optional", "unique", "index",
    "default", "on_delete", "minimum", "maximum", "min_length", "search",
)  # fmt: skip


@pytest.mark.parametrize(("token", "field_type", "expected"), VALID, ids=[row[0] for row in VALID])
def test_valid_fields(token: str, field_type: FieldType, expected: dict[str, Any]) -> None:
    spec = parse_field(token)
    assert spec.name == token.split(":", maxsplit=1)[0]
    assert spec.type is field_type
    assert spec.source == token
    defaults = FieldSpec(name="x", type=field_type)
    for attribute in ATTRIBUTES:
        want = expected.get(attribute, getattr(defaults, attribute))
        if attribute == "max_length" and field_type is FT.STR and attribute not in expected:
            want = 255
        assert getattr(spec, attribute) == want, attribute


def test_only_str_has_a_length_and_only_decimal_a_precision() -> None:
    assert parse_field("body:text").max_length is None
    assert parse_field("count:int").precision is None
    assert parse_field("title").precision is None


def test_a_reference_is_stored_in_a_name_id_column() -> None:
    assert parse_field("customer:ref:customers").column == "customer_id"
    assert parse_field("customer_name:str").column == "customer_name"


# token -> a fragment of the reason the message must give
INVALID: list[tuple[str, str]] = [
    ("customer:ref:customers:set-null", "set-null needs an optional reference"),
    ("customer:ref:customers:cascade:restrict", "a reference takes one rule"),
    ("title:str:cascade", "'cascade' is a rule for ref fields"),
    ("tags:refs:tags:restrict", "'restrict' is a rule for ref fields"),
    # Names
    ("Title:str", "snake_case"),
    ("1st:int", "snake_case"),
    ("_hidden", "snake_case"),
    ("my-field", "snake_case"),
    ("näme", "snake_case"),
    (":str", "snake_case"),
    ("", "snake_case"),
    ("class", "Python keyword"),
    ("def:int", "Python keyword"),
    ("import:str", "Python keyword"),
    ("lambda:bool", "Python keyword"),
    ("async:str", "Python keyword"),
    ("await:int", "Python keyword"),
    # Names every model has or reserves
    ("id:int", "'id' is already used"),
    ("created_at:datetime", "'created_at' is already used"),
    ("updated_at:datetime", "'updated_at' is already used"),
    ("metadata:json", "'metadata' is already used"),
    ("registry:str", "'registry' is already used"),
    ("owner_id:int", "'owner_id' is already used"),
    ("owner:ref:users", "'owner' is already used"),
    ("model_config:str", "'model_config' is already used"),
    # Types
    ("x:bogus", "unknown type 'bogus'"),
    ("x:string", "unknown type 'string'"),
    ("x:integer", "unknown type 'integer'"),
    ("x:STR", "unknown type 'STR'"),
    ("x::", "unknown type ''"),
    # str lengths
    ("title:str:0", "the length must be a positive whole number, not '0'"),
    ("title:str:-5", "not '-5'"),
    ("title:str:abc", "not 'abc'"),
    ("title:str:1.5", "not '1.5'"),
    ("title:str:10:20", "str takes one argument"),
    # decimal
    ("total:decimal:10", "decimal takes PRECISION:SCALE"),
    ("total:decimal:10:2:1", "decimal takes PRECISION:SCALE"),
    ("total:decimal:2:5", "the scale cannot be larger than the precision"),
    ("total:decimal:0:0", "the precision must be a positive whole number, not '0'"),
    ("total:decimal:a:2", "the precision must be a positive whole number, not 'a'"),
    ("total:decimal:10:x", "the scale must be a whole number, not 'x'"),
    ("total:decimal:10:-1", "the scale must be a whole number, not '-1'"),
    # enum
    ("status:enum", "enum needs its values"),
    ("status:enum:optional", "enum needs its values"),
    ("status:enum:paid:paid", "enum values must be different"),
    ("status:enum:Paid:pending", "enum value 'Paid' must be snake_case"),
    ("status:enum:1st", "enum value '1st' must be snake_case"),
    ("status:enum:in-progress", "enum value 'in-progress' must be snake_case"),
    ("status:enum:a:", "enum value '' must be snake_case"),
    # ref
    ("customer:ref", "ref needs the feature it points to"),
    ("customer:ref:customers:orders", "ref needs the feature it points to"),
    # Types without arguments
    ("count:int:5", "int takes no arguments, got '5'"),
    ("active:bool:yes", "bool takes no arguments, got 'yes'"),
    ("body:text:500", "text takes no arguments, got '500'"),
    ("extra:json:object", "json takes no arguments"),
    # Modifiers
    ("title:str:required", "not 'required'"),  # taken as str's length
    ("title:str:120:required", "str takes one argument, the maximum length; got 'required'"),
    ("count:int:nullable", "int takes no arguments, got 'nullable'"),
    ("title:optional:bogus", "unknown modifier 'bogus'"),
    ("title:unique:str", "unknown modifier 'str'"),
    ("email:str:unique:uniq", "unknown modifier 'uniq'"),
    ("body:text:unique", "a text field cannot be unique"),
    ("extra:json:unique", "a json field cannot be unique"),
    # Defaults that do not fit the type
    ("count:int:default=five", "default 'five' is not a valid int"),
    ("count:int:default=1.5", "default '1.5' is not a valid int"),
    ("count:int:default=", "default '' is not a valid int"),
    ("ratio:float:default=half", "default 'half' is not a valid float"),
    ("active:bool:default=yes", "a bool default is 'true' or 'false', not 'yes'"),
    ("active:bool:default=True", "not 'True'"),
    ("active:bool:default=1", "not '1'"),
    ("status:enum:pending:paid:default=shipped", "default 'shipped' is not one of pending, paid"),
    ("status:enum:pending:paid:default=Pending", "not one of pending, paid"),
    ("born_on:date:default=2024-02-30", "default '2024-02-30' is not a valid date"),
    ("born_on:date:default=today", "is not a valid date"),
    ("seen_at:datetime:default=2024-01-01", "a datetime default needs a timezone"),
    ("seen_at:datetime:default=20240101T000000", "a datetime default needs a timezone"),
    ("seen_at:datetime:default=now", "default 'now' is not a valid datetime"),
    ("token:uuid:default=abc", "default 'abc' is not a valid uuid"),
    ("total:decimal:default=lots", "default 'lots' is not a valid decimal"),
    ("title:str:3:default=abcd", "default is longer than 3 characters"),
    ("extra:json:default=x", "a json field cannot have a default"),
    ("customer:ref:customers:default=1", "a ref field cannot have a default"),
    ("quantity:int:min=5:max=1", "min=5 is more than max=1"),
    ("quantity:int:min=1:max=10:default=11", "default '11' is outside min= and max="),
    ("quantity:int:min=x", "min='x' is not a valid int"),
    ("quantity:int:max=2147483648", "an int max= is between"),
    ("quantity:int:min=1:min=2", "'min' is given twice"),
    ("price:decimal:3:2:max=100", "max='100' does not fit decimal(3, 2)"),
    ("at:datetime:min=2024-01-01", "a datetime min= needs a timezone"),
    ("title:str:min=1", "a str field takes no min= (min_length= bounds a string)"),
    ("active:bool:max=1", "a bool field takes no max="),
    ("count:int:min_length=2", "a int field takes no min_length="),
    ("title:str:10:min_length=11", "min_length=11 is more than the length 10"),
    ("title:str:min_length=0", "min_length must be a positive whole number"),
    ("title:str:min_length=3:default=ab", "default is shorter than min_length=3"),
    ("count:int:search", "a int field cannot be searched"),
    ("code:int:unique:min=1:max=50", "a unique field needs at least 100 values"),
]


@pytest.mark.parametrize(
    ("token", "why"), INVALID, ids=[token or "<empty>" for token, _ in INVALID]
)
def test_invalid_fields_are_refused_naming_the_token(token: str, why: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_field(token)
    message = caught.value.message
    assert message.startswith(f"Invalid field '{token}': "), message
    assert why in message
    assert message.endswith(".")


def test_unknown_type_lists_the_types() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_field("x:bogus")
    for type_name in FieldType:
        assert type_name.value in caught.value.message


def test_unknown_modifier_lists_the_modifiers() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_field("title:optional:required")
    for modifier in ("optional", "unique", "index", "default=VALUE"):
        assert modifier in caught.value.message


def test_parse_fields_keeps_the_order() -> None:
    fields = parse_fields(["title:str:120", "customer:ref:customers", "total:decimal"])
    assert [field.name for field in fields] == ["title", "customer", "total"]
    assert [field.column for field in fields] == ["title", "customer_id", "total"]
    assert parse_fields([]) == []


CLASHES: list[tuple[list[str], str, str]] = [
    (["title", "title:int"], "title:int", "'title' is already used by 'title'"),
    (["title:str:80", "body:text", "title:text"], "title:text", "by 'title:str:80'"),
    (
        ["customer:ref:customers", "customer_id:int"],
        "customer_id:int",
        "'customer_id' is already used by 'customer:ref:customers'",
    ),
    (
        ["customer_id:int", "customer:ref:customers"],
        "customer:ref:customers",
        "'customer_id' is already used by 'customer_id:int'",
    ),
    (
        ["customer:str", "customer:ref:customers"],
        "customer:ref:customers",
        "'customer' is already used by 'customer:str'",
    ),
    (
        ["customer:ref:customers", "customer:ref:clients"],
        "customer:ref:clients",
        "already used by 'customer:ref:customers'",
    ),
]


@pytest.mark.parametrize(("tokens", "bad", "why"), CLASHES)
def test_parse_fields_refuses_names_and_columns_used_twice(
    tokens: list[str], bad: str, why: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_fields(tokens)
    assert caught.value.message.startswith(f"Invalid field '{bad}': ")
    assert why in caught.value.message


def test_parse_fields_reports_the_first_bad_token() -> None:
    with pytest.raises(InvalidInput, match=r"^Invalid field 'b:bogus'"):
        parse_fields(["a:int", "b:bogus", "c:alsobogus"])


# -- Regressions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "default"),
    [
        ("seen_at:datetime:default=2024-01-01T00:00:00+00:00", "2024-01-01T00:00:00+00:00"),
        ("site:str:default=https://example.com", "https://example.com"),
    ],
)
def test_a_default_may_hold_colons(token: str, default: str) -> None:
    assert parse_field(token).default == default


def _evaluate_default(token: str) -> object:
    """The Python default the model gets for `token`, evaluated as the generated code would."""
    spec = parse_field(token)
    source = FieldView(spec, FeatureNames(plural="items", singular="item")).python_default(
        Imports()
    )
    namespace = {"dt": dt, "uuid": uuid, "Decimal": Decimal}
    return eval(source, namespace)  # noqa: S307 (our own generated expression, on purpose)


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("count:int:default=-3", -3),
        ("ratio:float:default=0.5", 0.5),
        ("active:bool:default=false", False),
        ("total:decimal:default=9.99", Decimal("9.99")),
        ("born_on:date:default=2024-02-29", dt.date(2024, 2, 29)),
        ("seen_at:datetime:default=20240101T000000Z", dt.datetime(2024, 1, 1, tzinfo=dt.UTC)),
        ("label:str:default=it's", "it's"),
        ("sci:decimal:5:0:default=1e4", Decimal("10000")),
    ],
)
def test_accepted_defaults_become_python_that_evaluates_to_them(token: str, value: object) -> None:
    assert _evaluate_default(token) == value


@pytest.mark.parametrize(
    "token", ["ratio:float:default=nan", "ratio:float:default=inf", "ratio:float:default=-inf"]
)
def test_float_defaults_that_are_not_finite_are_refused(token: str) -> None:
    with pytest.raises(InvalidInput, match="not a finite number"):
        parse_field(token)


@pytest.mark.parametrize(
    ("token", "value"), [("ratio:float:default=1e308", 1e308), ("ratio:float:default=-0.0", -0.0)]
)
def test_float_defaults_at_the_edges_are_valid_python(token: str, value: float) -> None:
    evaluated = _evaluate_default(token)
    assert isinstance(evaluated, float)
    assert math.isfinite(evaluated)
    assert evaluated == value


@pytest.mark.parametrize(
    "token", ["total:decimal:4:2:default=12345.678", "total:decimal:5:2:default=1.234"]
)
def test_decimal_defaults_must_fit_precision_and_scale(token: str) -> None:
    with pytest.raises(InvalidInput, match=r"^Invalid field 'total:decimal"):
        parse_field(token)


@pytest.mark.parametrize("token", ["sort:str", "limit:int", "offset:int"])
def test_names_the_list_endpoint_uses_are_refused(token: str) -> None:
    with pytest.raises(InvalidInput, match=rf"^Invalid field '{token}'"):
        parse_field(token)


@pytest.mark.parametrize(
    "token", ["changes:str", "nullable_fields:str", "json:str", "copy:str", "model_dump:str"]
)
def test_names_the_schemas_inherit_are_refused(token: str) -> None:
    with pytest.raises(InvalidInput, match=rf"^Invalid field '{token}'"):
        parse_field(token)


@pytest.mark.parametrize(
    ("token", "why"),
    [
        ("n:int:optional:optional", "'optional' is given twice"),
        ("a" * 61, "longer than 60 characters"),
        ("customer_id:ref:customers", "name the reference 'customer'"),
        ("flag:bool:unique", "cannot be unique"),
        ("ratio:float:default=1e400", "not a finite number"),
    ],
)
def test_more_refusals(token: str, why: str) -> None:
    with pytest.raises(InvalidInput, match=re.escape(why)):
        parse_field(token)


def test_type_is_a_field_name_on_every_python() -> None:
    assert parse_field("type:enum:a:b").name == "type"
