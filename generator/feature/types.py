"""Every field type as one object: what each generated file needs to know about it.

A type's parsing, its column in the model and in the migration, its type in request bodies,
filters and responses, its sample and factory values, the values the API must refuse and its
default all live in its `Kind` below. Everything else asks the kind, so a new type is one new
object here; tests/test_types.py checks that every kind answers every question.
"""

import datetime as dt
import math
import re
import string
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from generator.feature.field_spec import (
    DEFAULT_MAX_LENGTH,
    DEFAULT_PRECISION,
    DEFAULT_SCALE,
    INT_MAX,
    INT_MIN,
    MAX_INDEXED_LENGTH,
    MAX_PRECISION,
    MAX_STR_LENGTH,
    FieldSpec,
    FieldType,
    known,
    refuse,
)

if TYPE_CHECKING:
    from generator.feature.imports import Imports
    from generator.feature.views import FieldView

_DIGITS = re.compile(r"[0-9]+")
ENUM_VALUE = re.compile(r"[a-z][a-z0-9_]*")
_NUL = "nul \x00 inside"

Source = Callable[["FieldView", "Imports"], str]
"""Python source for the field in one place of a generated module, adding what it imports."""


@dataclass(frozen=True)
class Default:
    """How a `default=VALUE` modifier is checked and written."""

    parse: Callable[[str], object]
    """Raises ValueError (or InvalidOperation) when the text is not a value of the type."""
    problem: Callable[[FieldSpec, str], str | None]
    """Why a parsed default cannot be the field's, or None when it can."""
    source: Callable[["FieldView", str, "Imports"], str]
    """The default as Python source, for the model and the create schema."""
    as_json: Callable[[str], object] | None
    """What a row created without the field returns in it; None: not compared by the tests."""


@dataclass(frozen=True)
class Ordered:
    """How `min=` and `max=` work for a type whose values are ordered (its bounds are read
    by the type's `Default.parse` and checked by its `Default.problem`)."""

    step: Callable[[FieldSpec], object]
    """The smallest difference between two values: what lies just beyond a bound."""
    steps: Callable[["FieldView", str, "Imports"], str]
    """Source of `n` steps, from a Python expression of `n`."""
    as_json: Callable[[FieldSpec, object], object]
    """A value as JSON sends it."""
    sql: Callable[[object, str], str]
    """A value as an SQL literal on the project's database (`sqlite`, `postgresql`)."""


@dataclass(frozen=True)
class Kind:
    """One field type, as every generated file needs it."""

    name: FieldType
    arguments: Callable[[str, str, list[str]], FieldSpec]
    """Check the type's arguments (`120` of `title:str:120`) and build the spec they describe."""
    python: Callable[["FieldView"], str]
    """The value's type in models and schemas: `dt.date`."""
    type_imports: Callable[["Imports"], None]
    """What `python` needs imported."""
    column: Callable[["FieldView", "Imports"], list[str]]
    """mapped_column's type arguments; [] when the annotation says it all."""
    migration: Callable[["FieldView"], str]
    """The column type in the migration: `sa.Date()`."""
    body: Source
    """The type clients send in JSON, bounded by what the column can hold."""
    query: Source | None
    """The type of the list endpoint's filter on the field, read from a query string; None
    when the field can be neither filtered nor sorted on."""
    read: Source
    """The type of the field in responses."""
    sample: Callable[["FieldView", int], object] | None
    """The n-th valid value as JSON sends it, distinct for each n and increasing with n; None
    for references, whose values are rows the tests create."""
    factory: Callable[["FieldView", str, "Imports"], str] | None
    """Source of a valid ORM value from the sequence number `n`; None for references, which
    factories of the referenced feature build."""
    invalid: Callable[["FieldView"], list[object]]
    """JSON values the API must refuse with 422: wrong types, and what the column cannot hold."""
    invalid_filters: tuple[str, ...]
    """Query-string values the filter on the field must refuse with 422."""
    default: Default | None
    """How `default=` works for the type; None when the type takes no default."""
    not_unique: str | None = None
    """Why the type cannot be unique; None when it can."""
    not_indexed: str | None = None
    """Why the type cannot be indexed; None when it can."""
    check: Callable[[FieldSpec], str | None] = lambda spec: None
    """Any other rule a parsed field of the type must follow: the reason it breaks one."""
    reference: bool = False
    """The value is the id of a row of another feature."""
    many: bool = False
    """The value is a list of ids, kept in a link table."""
    own_class: bool = False
    """The field defines a class of its own in the feature (an enum's StrEnum)."""
    api_name: Callable[[FieldSpec], str] = lambda spec: spec.name
    """The field's name in the API and the table: `customer_id` for the reference `customer`."""
    modifier_hint: Callable[[str], str] = lambda modifier: ""
    """More to say about an unknown modifier (what it may have meant), for the error."""
    ordered: Ordered | None = None
    """How `min=` and `max=` bound the type; None when its values have no useful order."""
    text: bool = False
    """The value is text: it takes `min_length=` and `search`."""


# -- helpers shared by several kinds ----------------------------------------------------------


def _no_arguments(field_type: FieldType) -> Callable[[str, str, list[str]], FieldSpec]:
    def parse(token: str, name: str, arguments: list[str]) -> FieldSpec:
        if arguments:
            raise refuse(token, f"{field_type} takes no arguments, got '{arguments[0]}'")
        return FieldSpec(name, field_type)

    return parse


def _positive_int(token: str, text: str, what: str, most: int) -> int:
    if not _DIGITS.fullmatch(text) or int(text) == 0:
        raise refuse(token, f"{what} must be a positive whole number, not '{text}'")
    if int(text) > most:
        raise refuse(token, f"{what} is at most {most}, not {text}")
    return int(text)


def _named(text: str) -> Callable[["FieldView"], str]:
    return lambda field: text


def _imports_nothing(imports: "Imports") -> None:
    return None


def _imports_dt(imports: "Imports") -> None:
    imports.module("datetime as dt")


def _sqlalchemy(name: str, source: str) -> Callable[["FieldView", "Imports"], list[str]]:
    def column(field: "FieldView", imports: "Imports") -> list[str]:
        imports.add("sqlalchemy", name)
        return [source]

    return column


def _no_column(field: "FieldView", imports: "Imports") -> list[str]:
    return []  # int, bool, date, datetime, uuid: the annotation says it all


def _bounded(name: str) -> Source:
    """A type from the project's app/core/bounds.py."""

    def source(field: "FieldView", imports: "Imports") -> str:
        field.kind.type_imports(imports)
        imports.add("app.core.bounds", name)
        return name

    return source


def _plain(field: "FieldView", imports: "Imports") -> str:
    field.kind.type_imports(imports)
    return field.python_type


def _constant(*values: object) -> Callable[["FieldView"], list[object]]:
    return lambda field: list(values)


def _no_problem(spec: FieldSpec, value: str) -> str | None:
    return None


def _repr_default(field: "FieldView", value: str, imports: "Imports") -> str:
    return repr(value)


def _call_default(call: str) -> Callable[["FieldView", str, "Imports"], str]:
    return lambda field, value, imports: f'{call}("{value}")'


def _day(n: int) -> dt.date:
    return dt.date(2024, 1, 1) + dt.timedelta(days=n - 1)


# -- str and text -----------------------------------------------------------------------------


def _str_arguments(token: str, name: str, arguments: list[str]) -> FieldSpec:
    if len(arguments) > 1:
        raise refuse(token, f"str takes one argument, the maximum length; got '{arguments[1]}'")
    length = _positive_int(token, arguments[0], "the length", MAX_STR_LENGTH) if arguments else None
    return FieldSpec(name, FieldType.STR, max_length=length or DEFAULT_MAX_LENGTH)


def _str_column(field: "FieldView", imports: "Imports") -> list[str]:
    imports.add("sqlalchemy", "String")
    return [f"String({field.spec.max_length})"]


def _str_query(field: "FieldView", imports: "Imports") -> str:
    imports.add("app.core.bounds", "NulFreeStr")
    imports.add("typing", "Annotated")
    imports.add("pydantic", "Field")
    return f"Annotated[NulFreeStr, Field(max_length={field.spec.max_length})]"


def _str_body(field: "FieldView", imports: "Imports") -> str:
    plain = _str_query(field, imports)
    if field.spec.min_length is None:
        return plain
    lengths = f"min_length={field.spec.min_length}, max_length={field.spec.max_length}"
    return f"Annotated[NulFreeStr, Field({lengths})]"


def _text_body(field: "FieldView", imports: "Imports") -> str:
    imports.add("app.core.bounds", "NulFreeStr")
    if field.spec.min_length is None:
        return "NulFreeStr"
    imports.add("typing", "Annotated")
    imports.add("pydantic", "Field")
    return f"Annotated[NulFreeStr, Field(min_length={field.spec.min_length})]"


def _str_sample(field: "FieldView", n: int) -> object:
    text = f"{field.spec.name.replace('_', ' ')} {n}"
    return text if len(text) <= known(field.spec.max_length) else _short_text(n)


TOO_LONG_TESTED_UP_TO = 500_000
"""Half the rendered project's MAX_REQUEST_BODY_BYTES default (1 MiB): a value one past a
longer field's length makes a body the project refuses with 413 before validating it."""


def _too_long(max_length: int) -> list[object]:
    return ["x" * (max_length + 1)] if max_length < TOO_LONG_TESTED_UP_TO else []


SHORT_TEXT_DIGITS = string.digits + string.ascii_lowercase + string.ascii_uppercase


def _short_text(n: int) -> str:
    """`n` in base 62: distinct values for every row a test writes, one character up to 61."""
    text = ""
    while True:
        n, digit = divmod(n, len(SHORT_TEXT_DIGITS))
        text = SHORT_TEXT_DIGITS[digit] + text
        if n == 0:
            return text


def _str_factory(field: "FieldView", n: str, imports: "Imports") -> str:
    label = field.spec.name.replace("_", " ")
    max_length = known(field.spec.max_length)
    if len(label) + 8 <= max_length:
        return f'f"{label} {{{n}}}"'
    return f"str({n} % {10**max_length})"


def _str_default_problem(spec: FieldSpec, value: str) -> str | None:
    if spec.max_length and len(value) > spec.max_length:
        return f"default is longer than {spec.max_length} characters"
    return None


def _str_check(spec: FieldSpec) -> str | None:
    if (spec.max_length or 0) > MAX_INDEXED_LENGTH and (spec.unique or spec.index):
        return (
            f"a str longer than {MAX_INDEXED_LENGTH} characters cannot be unique or indexed "
            "(a PostgreSQL index entry holds 2704 bytes)"
        )
    return None


def _text_default() -> Default:
    return Default(parse=str, problem=_no_problem, source=_repr_default, as_json=str)


STR = Kind(
    name=FieldType.STR,
    arguments=_str_arguments,
    python=_named("str"),
    type_imports=_imports_nothing,
    column=_str_column,
    migration=lambda field: f"sa.String(length={field.spec.max_length})",
    body=_str_body,
    query=_str_query,
    read=_plain,
    sample=_str_sample,
    factory=_str_factory,
    invalid=lambda field: [*_too_long(known(field.spec.max_length)), _NUL, 12],
    invalid_filters=(_NUL,),
    default=Default(parse=str, problem=_str_default_problem, source=_repr_default, as_json=str),
    check=_str_check,
    text=True,
)
TEXT = Kind(
    name=FieldType.TEXT,
    arguments=_no_arguments(FieldType.TEXT),
    python=_named("str"),
    type_imports=_imports_nothing,
    column=_sqlalchemy("Text", "Text()"),
    migration=_named("sa.Text()"),
    body=_text_body,
    query=_bounded("NulFreeStr"),
    read=_plain,
    sample=lambda field, n: f"{field.spec.name} text {n}",
    factory=lambda field, n, imports: f'f"{field.spec.name} text {{{n}}}"',
    invalid=_constant(12, _NUL),
    invalid_filters=(_NUL,),
    default=_text_default(),
    not_unique="a text field cannot be unique; use str instead",
    not_indexed="a text field cannot be indexed (PostgreSQL cannot); use str",
    text=True,
)

# -- numbers ----------------------------------------------------------------------------------


def _int_problem(spec: FieldSpec, value: str) -> str | None:
    if not INT_MIN <= int(value) <= INT_MAX:
        return f"an int default is between {INT_MIN} and {INT_MAX}, not {value}"
    return None


def _float_problem(spec: FieldSpec, value: str) -> str | None:
    return None if math.isfinite(float(value)) else f"default '{value}' is not a finite number"


INT = Kind(
    name=FieldType.INT,
    arguments=_no_arguments(FieldType.INT),
    python=_named("int"),
    type_imports=_imports_nothing,
    column=_no_column,
    migration=_named("sa.Integer()"),
    body=_bounded("JsonInt"),
    query=_bounded("Int32"),
    read=_plain,
    sample=lambda field, n: n,
    factory=lambda field, n, imports: n,
    invalid=_constant("twelve", "12", True, 1.5, 2**31, -(2**31) - 1, 2**63),
    invalid_filters=(str(2**31), str(-(2**31) - 1), "twelve"),
    ordered=Ordered(
        step=lambda spec: 1,
        steps=lambda field, n, imports: n,
        as_json=lambda spec, value: value,
        sql=lambda value, database: str(value),
    ),
    default=Default(
        parse=int,
        problem=_int_problem,
        source=lambda field, value, imports: repr(int(value)),
        as_json=int,
    ),
)
FLOAT = Kind(
    name=FieldType.FLOAT,
    arguments=_no_arguments(FieldType.FLOAT),
    python=_named("float"),
    type_imports=_imports_nothing,
    # The annotation alone would give Double, unlike the migration.
    column=_sqlalchemy("Float", "Float()"),
    migration=_named("sa.Float()"),
    body=_bounded("JsonFloat"),
    query=_bounded("FiniteFloat"),
    read=_plain,
    sample=lambda field, n: n + 0.5,
    factory=lambda field, n, imports: f"{n} + 0.5",
    invalid=_constant("twelve", "1.5", True, "NaN", "Infinity", "-Infinity"),
    invalid_filters=("NaN", "Infinity"),
    ordered=Ordered(
        step=lambda spec: 1.0,
        steps=lambda field, n, imports: n,
        as_json=lambda spec, value: value,
        sql=lambda value, database: repr(value),
    ),
    default=Default(
        parse=float,
        problem=_float_problem,
        source=lambda field, value, imports: repr(float(value)),
        as_json=float,
    ),
)


def _decimal_arguments(token: str, name: str, arguments: list[str]) -> FieldSpec:
    if len(arguments) not in (0, 2):
        raise refuse(token, "decimal takes PRECISION:SCALE, e.g. total:decimal:10:2")
    precision, scale = DEFAULT_PRECISION, DEFAULT_SCALE
    if arguments:
        precision = _positive_int(token, arguments[0], "the precision", MAX_PRECISION)
        if not _DIGITS.fullmatch(arguments[1]):
            raise refuse(token, f"the scale must be a whole number, not '{arguments[1]}'")
        scale = int(arguments[1])
        if scale > precision:
            raise refuse(token, "the scale cannot be larger than the precision")
    return FieldSpec(name, FieldType.DECIMAL, precision=precision, scale=scale)


def _decimal_problem(spec: FieldSpec, text: str) -> str | None:
    """Digits are counted on the value, whatever its spelling: 1e5, 100000 and 1.50 alike."""
    value = Decimal(text)
    if not value.is_finite():
        return f"default '{text}' is not a finite number"
    precision, scale = spec.precision or DEFAULT_PRECISION, spec.scale or 0
    exponent = value.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    whole_digits = max(value.adjusted() + 1, 0) if value else 0
    if places > scale or whole_digits > precision - scale:
        return f"default '{value}' does not fit decimal({precision}, {scale})"
    return None


def _decimal_imports(imports: "Imports") -> None:
    imports.add("decimal", "Decimal")


def _decimal_body(field: "FieldView", imports: "Imports") -> str:
    _decimal_imports(imports)
    imports.add("typing", "Annotated")
    imports.add("app.core.bounds", "Digits")
    return f"Annotated[Decimal, Digits({field.spec.precision}, {field.spec.scale})]"


def _decimal_sample(field: "FieldView", n: int) -> object:
    # n in the last place: fits every precision and scale, distinct for every n.
    step = Decimal(1).scaleb(-known(field.spec.scale))
    return format(Decimal(n) * step, "f")  # never 1E-15: the API takes plain digits


def _decimal_factory(field: "FieldView", n: str, imports: "Imports") -> str:
    _decimal_imports(imports)
    precision, scale = known(field.spec.precision), known(field.spec.scale)
    if precision - scale >= 6:
        return f"Decimal({n})"
    # n in the last place, as in the samples: distinct rows for a unique field of few digits.
    if scale == 0:
        return f"Decimal({n} % {10**precision})"
    return f"Decimal({n} % {10**precision}).scaleb(-{scale})"


def _decimal_read(field: "FieldView", imports: "Imports") -> str:
    imports.add("app.core.bounds", "DecimalText")  # as text, in the form clients send it
    return "DecimalText"


def _decimal_column(field: "FieldView", imports: "Imports") -> list[str]:
    imports.add("sqlalchemy", "Numeric")
    return [f"Numeric({field.spec.precision}, {field.spec.scale})"]


def _decimal_check(spec: FieldSpec) -> str | None:
    if spec.unique and known(spec.precision) < 2:
        return "a decimal of one digit cannot be unique: it has only a few values"
    return None


DECIMAL = Kind(
    name=FieldType.DECIMAL,
    arguments=_decimal_arguments,
    python=_named("Decimal"),
    type_imports=_decimal_imports,
    column=_decimal_column,
    migration=lambda field: (
        f"sa.Numeric(precision={field.spec.precision}, scale={field.spec.scale})"
    ),
    body=_decimal_body,
    query=_decimal_body,
    read=_decimal_read,
    sample=_decimal_sample,
    factory=_decimal_factory,
    invalid=lambda field: [
        "twelve",
        "9" * (known(field.spec.precision) + 1),
        "NaN",
        "Infinity",
        1,
        "1e3",
    ],
    invalid_filters=("1e3", "NaN"),
    check=_decimal_check,
    ordered=Ordered(
        step=lambda spec: Decimal(1).scaleb(-known(spec.scale)),
        steps=lambda field, n, imports: (
            f"Decimal({n}).scaleb(-{field.spec.scale})" if field.spec.scale else f"Decimal({n})"
        ),
        as_json=lambda spec, value: format(
            Decimal(str(value)).quantize(Decimal(1).scaleb(-known(spec.scale))), "f"
        ),
        sql=lambda value, database: format(Decimal(str(value)), "f"),
    ),
    default=Default(
        parse=Decimal,
        problem=_decimal_problem,
        # 1e4 as 10000, as the API writes it
        source=lambda field, value, imports: f'Decimal("{Decimal(value):f}")',
        as_json=None,
    ),
)

# -- bool, dates, uuid, json ------------------------------------------------------------------


def _bool_problem(spec: FieldSpec, value: str) -> str | None:
    if value not in ("true", "false"):
        return f"a bool default is 'true' or 'false', not '{value}'"
    return None


def _bool_query(field: "FieldView", imports: "Imports") -> str:
    return "bool"


BOOL = Kind(
    name=FieldType.BOOL,
    arguments=_no_arguments(FieldType.BOOL),
    python=_named("bool"),
    type_imports=_imports_nothing,
    column=_no_column,
    migration=_named("sa.Boolean()"),
    body=_bounded("JsonBool"),
    query=_bool_query,
    read=_plain,
    sample=lambda field, n: n % 2 == 0,
    factory=lambda field, n, imports: f"{n} % 2 == 0",
    invalid=_constant("maybe", "true", 1),
    invalid_filters=(),
    default=Default(
        parse=str,
        problem=_bool_problem,
        source=lambda field, value, imports: "True" if value == "true" else "False",
        as_json=lambda value: value == "true",
    ),
    not_unique="a bool field cannot be unique: it has only a few values",
)


def _date_factory(field: "FieldView", n: str, imports: "Imports") -> str:
    imports.module("datetime as dt")
    return f"dt.date(2024, 1, 1) + dt.timedelta(days={n})"


DATE = Kind(
    name=FieldType.DATE,
    arguments=_no_arguments(FieldType.DATE),
    python=_named("dt.date"),
    type_imports=_imports_dt,
    column=_no_column,
    migration=_named("sa.Date()"),
    body=_bounded("IsoDate"),
    query=_bounded("IsoDate"),
    read=_plain,
    sample=lambda field, n: _day(n).isoformat(),
    factory=_date_factory,
    invalid=_constant("not-a-date", "2024-02-30", 0, "1700000000"),
    invalid_filters=("0",),
    ordered=Ordered(
        step=lambda spec: dt.timedelta(days=1),
        steps=lambda field, n, imports: f"dt.timedelta(days={n})",
        as_json=lambda spec, value: str(value),
        sql=lambda value, database: f"'{value}'",
    ),
    default=Default(
        parse=dt.date.fromisoformat,
        problem=_no_problem,
        source=_call_default("dt.date.fromisoformat"),
        as_json=None,
    ),
)


def _datetime_problem(spec: FieldSpec, value: str) -> str | None:
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        return "a datetime default needs a timezone, e.g. 2024-01-01T00:00:00+00:00"
    try:
        moment.astimezone(dt.UTC)
    except OverflowError:
        return f"default '{value}' is outside the years 1 to 9999 in UTC"
    return None


def _utc(value: object) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise TypeError(f"not a datetime: {value!r}")
    return value.astimezone(dt.UTC)


def _datetime_sql(value: object, database: str) -> str:
    """SQLite compares the text SQLAlchemy stores (UTC, no zone, microseconds);
    PostgreSQL a timestamptz, so the literal names its zone."""
    moment = _utc(value)
    if database == "sqlite":
        return f"'{moment:%Y-%m-%d %H:%M:%S.%f}'"
    return f"'{moment.isoformat()}'"


def _datetime_factory(field: "FieldView", n: str, imports: "Imports") -> str:
    imports.module("datetime as dt")
    return f"dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours={n})"


DATETIME = Kind(
    name=FieldType.DATETIME,
    arguments=_no_arguments(FieldType.DATETIME),
    python=_named("dt.datetime"),
    type_imports=_imports_dt,
    column=_no_column,
    migration=_named("sa.DateTime(timezone=True)"),
    body=_bounded("UtcDatetime"),
    query=_bounded("UtcDatetime"),
    read=_plain,
    sample=lambda field, n: f"{_day(n)}T12:30:00Z",
    factory=_datetime_factory,
    invalid=_constant(
        "not-a-datetime",
        1700000000,  # a number would be read as a Unix timestamp
        "2024-01-01T12:00:00",  # no timezone: ambiguous
        "0001-01-01T00:00:00+01:00",  # before year 1 in UTC
    ),
    invalid_filters=("2024-01-01T12:00:00", "1700000000"),
    ordered=Ordered(
        step=lambda spec: dt.timedelta(seconds=1),
        steps=lambda field, n, imports: f"dt.timedelta(seconds={n})",
        as_json=lambda spec, value: _utc(value).isoformat().replace("+00:00", "Z"),
        sql=_datetime_sql,
    ),
    default=Default(
        parse=dt.datetime.fromisoformat,
        problem=_datetime_problem,
        source=_call_default("dt.datetime.fromisoformat"),
        as_json=None,
    ),
)


def _uuid_imports(imports: "Imports") -> None:
    imports.module("uuid")


def _uuid_factory(field: "FieldView", n: str, imports: "Imports") -> str:
    imports.module("uuid")
    return f"uuid.UUID(int={n})"


UUID = Kind(
    name=FieldType.UUID,
    arguments=_no_arguments(FieldType.UUID),
    python=_named("uuid.UUID"),
    type_imports=_uuid_imports,
    column=_no_column,
    migration=_named("sa.Uuid()"),
    body=_plain,
    query=_plain,
    read=_plain,
    sample=lambda field, n: f"00000000-0000-0000-0000-{n:012d}",
    factory=_uuid_factory,
    invalid=_constant("not-a-uuid"),
    invalid_filters=(),
    default=Default(
        parse=uuid.UUID,
        problem=_no_problem,
        source=_call_default("uuid.UUID"),
        as_json=None,
    ),
)


def _json_imports(imports: "Imports") -> None:
    imports.add("typing", "Any")


JSON = Kind(
    name=FieldType.JSON,
    arguments=_no_arguments(FieldType.JSON),
    python=_named("dict[str, Any]"),
    type_imports=_json_imports,
    column=_sqlalchemy("JSON", "JSON()"),
    migration=_named("sa.JSON()"),
    body=_bounded("JsonObject"),
    query=None,  # a JSON document is not a scalar
    read=_plain,
    sample=lambda field, n: {"n": n},
    factory=lambda field, n, imports: f'{{"n": {n}}}',
    invalid=_constant("not-an-object", [1, 2]),
    invalid_filters=(),
    default=None,
    not_unique="a json field cannot be unique; use str instead",
    not_indexed="a json field cannot be indexed (PostgreSQL cannot); use str",
)

# -- enum -------------------------------------------------------------------------------------


def _comma_list(token: str, arguments: list[str]) -> list[str]:
    """`draft,optional,final`: values that may spell modifiers; `index,` is a list of one."""
    if len(arguments) > 1:
        raise refuse(token, "give the enum values as one comma list or separated by ':', not both")
    values = arguments[0].split(",")
    return values[:-1] if values[-1] == "" else values


def _enum_arguments(token: str, name: str, arguments: list[str]) -> FieldSpec:
    if not arguments:
        raise refuse(token, "enum needs its values, e.g. status:enum:pending:paid")
    if any("," in argument for argument in arguments):
        arguments = _comma_list(token, arguments)
    for value in arguments:
        if not ENUM_VALUE.fullmatch(value):
            raise refuse(token, f"enum value '{value}' must be snake_case")
    if len(set(arguments)) != len(arguments):
        raise refuse(token, "enum values must be different")
    return FieldSpec(name, FieldType.ENUM, choices=tuple(arguments))


def _enum_column(field: "FieldView", imports: "Imports") -> list[str]:
    imports.add("sqlalchemy", "Enum")
    values = "values_callable=lambda choices: [choice.value for choice in choices]"
    return [f"Enum({field.enum_class}, native_enum=False, length={field.enum_length}, {values})"]


def _enum_migration(field: "FieldView") -> str:
    choices = ", ".join(f'"{choice}"' for choice in field.spec.choices)
    return (
        f'sa.Enum({choices}, name="{field.enum_class.lower()}", native_enum=False, '
        f"length={field.enum_length})"
    )


def _enum_problem(spec: FieldSpec, value: str) -> str | None:
    if value not in spec.choices:
        return f"default '{value}' is not one of {', '.join(spec.choices)}"
    return None


def _enum_factory(field: "FieldView", n: str, imports: "Imports") -> str:
    imports.add(f"app.features.{field.feature.plural}.models", field.enum_class)
    return f"list({field.enum_class})[{n} % {len(field.spec.choices)}]"


def _enum_modifier_hint(modifier: str) -> str:
    if not ENUM_VALUE.fullmatch(modifier):
        return ""
    return (
        "; an enum value that spells a modifier goes in a comma list, e.g. "
        "kind:enum:draft,optional,final"
    )


ENUM = Kind(
    name=FieldType.ENUM,
    arguments=_enum_arguments,
    python=lambda field: field.enum_class,
    type_imports=_imports_nothing,
    column=_enum_column,
    migration=_enum_migration,
    body=_plain,
    query=_plain,
    read=_plain,
    sample=lambda field, n: field.spec.choices[(n - 1) % len(field.spec.choices)],
    factory=_enum_factory,
    invalid=_constant("not_a_choice"),
    invalid_filters=(),
    default=Default(
        parse=str,
        problem=_enum_problem,
        source=lambda field, value, imports: f"{field.enum_class}.{value.upper()}",
        as_json=str,
    ),
    not_unique="a enum field cannot be unique: it has only a few values",
    own_class=True,
    modifier_hint=_enum_modifier_hint,
)

# -- ref --------------------------------------------------------------------------------------


def _ref_arguments(token: str, name: str, arguments: list[str]) -> FieldSpec:
    if len(arguments) != 1:
        raise refuse(token, "ref needs the feature it points to, e.g. customer:ref:customers")
    return FieldSpec(name, FieldType.REF, target=arguments[0])


def _ref_column(field: "FieldView", imports: "Imports") -> list[str]:
    imports.add("sqlalchemy", "ForeignKey")
    return [f'ForeignKey("{field.target_table}.id", ondelete="{field.ondelete}")']


def _ref_check(spec: FieldSpec) -> str | None:
    if spec.name.endswith("_id"):
        return f"name the reference '{spec.name.removesuffix('_id')}'; '_id' is added"
    return None


REF = Kind(
    name=FieldType.REF,
    arguments=_ref_arguments,
    python=_named("int"),
    type_imports=_imports_nothing,
    column=_ref_column,
    migration=_named("sa.Integer()"),
    body=_bounded("JsonId"),
    query=_bounded("RowId"),
    read=_plain,
    sample=None,
    factory=None,
    invalid=_constant(0, -1, "1", True, 2**31, 2**63),
    invalid_filters=(str(2**31), "0"),
    default=None,
    check=_ref_check,
    reference=True,
    api_name=lambda spec: f"{spec.name}_id",
)

# -- refs -------------------------------------------------------------------------------------

MAX_LINKS = 100
"""The most ids one `refs` list takes: each is checked against the rows the caller may see."""


def _refs_arguments(token: str, name: str, arguments: list[str]) -> FieldSpec:
    if len(arguments) != 1:
        raise refuse(token, "refs needs the feature it links to, e.g. tags:refs:tags")
    return FieldSpec(name, FieldType.REFS, target=arguments[0])


def _refs_check(spec: FieldSpec) -> str | None:
    if spec.optional:
        return "a refs field is a list, empty unless given: it takes no 'optional'"
    if spec.name.endswith(("_id", "_ids")) or spec.link_name == spec.name:
        return "name a refs field by the plural of what it links to, e.g. tags:refs:tags"
    return None


def _refs_body(field: "FieldView", imports: "Imports") -> str:
    imports.add("app.core.bounds", "JsonId")
    imports.add("typing", "Annotated")
    imports.add("pydantic", "Field")
    return f"Annotated[list[JsonId], Field(max_length={MAX_LINKS})]"


REFS = Kind(
    name=FieldType.REFS,
    arguments=_refs_arguments,
    python=_named("list[int]"),
    type_imports=_imports_nothing,
    column=_no_column,  # the links live in a table of their own
    migration=_named("sa.Integer()"),  # each side of a link
    body=_refs_body,
    query=_bounded("RowId"),  # `tag_id=ID`: rows linked to that one
    read=_plain,
    sample=None,
    factory=None,
    # Whole lists the schema refuses; ids in a list the schema refuses are tested apart.
    invalid=_constant(1, "1", {"id": 1}, [1] * (MAX_LINKS + 1)),
    invalid_filters=(str(2**31), "0"),
    default=None,
    not_unique="a refs field cannot be unique",
    not_indexed="a refs field cannot be indexed: its link table is",
    check=_refs_check,
    reference=True,
    many=True,
    api_name=lambda spec: f"{spec.link_name}_ids",
)

KINDS: Mapping[FieldType, Kind] = {
    kind.name: kind
    for kind in (STR, TEXT, INT, FLOAT, BOOL, DATE, DATETIME, UUID, JSON, DECIMAL, ENUM, REF, REFS)
}
"""Every type, by the name typed on the command line."""


def check_bounds(spec: FieldSpec) -> None:
    """Refuse bounds the type cannot take, that cannot hold together, or that its default breaks."""
    kind, token = KINDS[spec.type], spec.source
    if spec.min_length is not None:
        if not kind.text:
            raise refuse(token, f"a {spec.type} field takes no min_length= (only str and text do)")
        if spec.max_length is not None and spec.min_length > spec.max_length:
            raise refuse(
                token, f"min_length={spec.min_length} is more than the length {spec.max_length}"
            )
        if spec.default is not None and len(spec.default) < spec.min_length:
            raise refuse(token, f"default is shorter than min_length={spec.min_length}")
    low, high = bound_values(spec)
    if (spec.minimum, spec.maximum) == (None, None):
        return
    if kind.ordered is None:
        hint = " (min_length= bounds a string)" if kind.text else ""
        raise refuse(token, f"a {spec.type} field takes no min= or max={hint}")
    if low is not None and high is not None and low > high:
        raise refuse(token, f"min={spec.minimum} is more than max={spec.maximum}")
    if spec.default is not None and kind.default is not None:
        value = kind.default.parse(spec.default)
        if (low is not None and value < low) or (high is not None and value > high):
            raise refuse(token, f"default '{spec.default}' is outside min= and max=")
    narrow = low is not None and high is not None and (high - low) / kind.ordered.step(spec)
    if spec.unique and narrow is not False and narrow < UNIQUE_SPAN:
        raise refuse(
            token,
            f"a unique field needs at least {UNIQUE_SPAN} values between min= and max= "
            "(its generated tests create that many rows)",
        )


UNIQUE_SPAN = 100


def bound_values(spec: FieldSpec) -> tuple[Any, Any]:
    """`min=` and `max=` as values of the field's type: ints, decimals, dates... (Any: each
    type compares and steps its own values)."""
    rules = KINDS[spec.type].default
    if rules is None:
        return None, None
    values = [None if text is None else rules.parse(text) for text in (spec.minimum, spec.maximum)]
    return values[0], values[1]


def check_bound(token: str, spec: FieldSpec, modifier: str, value: str) -> None:
    """Refuse a `min=` or `max=` the field could never hold, as `check_default` does."""
    rules, ordered = KINDS[spec.type].default, KINDS[spec.type].ordered
    if rules is None or ordered is None:
        hint = " (min_length= bounds a string)" if KINDS[spec.type].text else ""
        raise refuse(token, f"a {spec.type} field takes no {modifier}={hint}")
    try:
        rules.parse(value)
    except (ValueError, InvalidOperation):
        raise refuse(token, f"{modifier}='{value}' is not a valid {spec.type}") from None
    problem = rules.problem(spec, value)
    if problem is not None:
        said = problem.replace("default '", f"{modifier}='").replace("default ", f"{modifier}= ")
        raise refuse(token, said)


def check_default(token: str, spec: FieldSpec, value: str) -> None:
    """Refuse a default the field could never hold, naming the type it must fit."""
    rules = KINDS[spec.type].default
    if rules is None:
        raise refuse(token, f"a {spec.type} field cannot have a default")
    try:
        rules.parse(value)
    except (ValueError, InvalidOperation):
        hint = " (default= takes the rest of the field: put it last)" if ":" in value else ""
        raise refuse(token, f"default '{value}' is not a valid {spec.type}{hint}") from None
    problem = rules.problem(spec, value)
    if problem is not None:
        raise refuse(token, problem)
