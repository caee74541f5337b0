"""Field definitions from the command line: `NAME[:TYPE[:ARG ...]][:MODIFIER ...]`.

Shell-safe on purpose (no braces, brackets or question marks), so nothing needs quoting:
`title:str:120`, `total:decimal:10:2`, `status:enum:pending:paid:default=pending`,
`note:text:optional`, `email:str:unique`, `customer:ref:customers`.
"""

import datetime as dt
import keyword
import math
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from generator.errors import InvalidInput


class FieldType(StrEnum):
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


MODIFIERS = ("optional", "unique", "index", "default=VALUE")
DEFAULT_MAX_LENGTH = 255
MAX_NAME_LENGTH = 30
DEFAULT_PRECISION, DEFAULT_SCALE = 12, 2

# Columns every model has, names SQLAlchemy or Pydantic reserve, and the owner column.
RESERVED_NAMES = frozenset(
    {
        # every model's own columns, and what SQLAlchemy's declarative base defines
        "id", "created_at", "updated_at", "owner_id", "owner", "metadata", "registry",
        # the list endpoint's own query parameters
        "sort", "limit", "offset",
        # what Pydantic models and the generated PatchModel already define
        "changes", "nullable_fields", "copy", "dict", "json", "parse_obj", "parse_raw",
        "parse_file", "from_orm", "construct", "schema", "schema_json", "validate",
        "update_forward_refs", "fields",
        # names the generated modules import and annotate with
        "dt", "uuid", "str", "int", "float", "bool", "list", "set", "tuple", "object", "bytes",
    }
)  # fmt: skip
_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")
_ENUM_VALUE = re.compile(r"[a-z][a-z0-9_]*")
_TYPE_NAMES = tuple(field_type.value for field_type in FieldType)
_NO_DEFAULT = frozenset({FieldType.JSON, FieldType.REF})


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
    source: str = ""
    """The token the user typed, kept so the feature can be described and rebuilt."""

    @property
    def column(self) -> str:
        """The database column: a reference `customer` is stored as `customer_id`."""
        return f"{self.name}_id" if self.type is FieldType.REF else self.name


def _refuse(token: str, why: str) -> InvalidInput:
    return InvalidInput(f"Invalid field '{token}': {why}.")


def _positive_int(token: str, text: str, what: str) -> int:
    if not text.isdigit() or int(text) == 0:
        raise _refuse(token, f"{what} must be a positive whole number, not '{text}'")
    return int(text)


def _check_default(token: str, spec: FieldSpec, value: str) -> None:
    """Refuse a default the field could never hold, naming the type it must fit."""
    checks: dict[FieldType, Callable[[], object]] = {
        FieldType.INT: lambda: int(value),
        FieldType.FLOAT: lambda: float(value),
        FieldType.DATE: lambda: dt.date.fromisoformat(value),
        FieldType.DATETIME: lambda: dt.datetime.fromisoformat(value),
        FieldType.UUID: lambda: uuid.UUID(value),
    }
    try:
        if spec.type in checks:
            checks[spec.type]()
        elif spec.type is FieldType.DECIMAL:
            Decimal(value)
    except (ValueError, InvalidOperation):
        raise _refuse(token, f"default '{value}' is not a valid {spec.type}") from None
    finite = math.isfinite(float(value)) if spec.type is FieldType.FLOAT else True
    if not finite or (spec.type is FieldType.DECIMAL and not Decimal(value).is_finite()):
        raise _refuse(token, f"default '{value}' is not a finite number")
    if spec.type is FieldType.DECIMAL:
        _check_decimal_fits(token, spec, Decimal(value))
    if spec.type is FieldType.BOOL and value not in ("true", "false"):
        raise _refuse(token, f"a bool default is 'true' or 'false', not '{value}'")
    if spec.type is FieldType.ENUM and value not in spec.choices:
        raise _refuse(token, f"default '{value}' is not one of {', '.join(spec.choices)}")
    if spec.type is FieldType.STR and spec.max_length and len(value) > spec.max_length:
        raise _refuse(token, f"default is longer than {spec.max_length} characters")
    if spec.type is FieldType.DATETIME and dt.datetime.fromisoformat(value).tzinfo is None:
        raise _refuse(token, "a datetime default needs a timezone, e.g. 2024-01-01T00:00:00+00:00")


def _check_decimal_fits(token: str, spec: FieldSpec, value: Decimal) -> None:
    precision, scale = spec.precision or DEFAULT_PRECISION, spec.scale or 0
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    whole_digits = len(str(abs(value).to_integral_value(rounding="ROUND_DOWN")).lstrip("0"))
    if places > scale or whole_digits > precision - scale:
        raise _refuse(token, f"default '{value}' does not fit decimal({precision}, {scale})")


def parse_field(token: str) -> FieldSpec:
    """Parse one `NAME[:TYPE[:ARG ...]][:MODIFIER ...]` token, or raise InvalidInput naming it."""
    name, *rest = token.split(":")
    if not _IDENTIFIER.fullmatch(name):
        raise _refuse(token, "the name must be snake_case: a lower-case letter, then a-z, 0-9, _")
    if len(name) > MAX_NAME_LENGTH:
        raise _refuse(token, f"the name is longer than {MAX_NAME_LENGTH} characters")
    if keyword.iskeyword(name):
        raise _refuse(token, f"'{name}' is a Python keyword")
    if name in RESERVED_NAMES or name.startswith("model_"):
        raise _refuse(token, f"'{name}' is already used by every model, schema or list endpoint")

    field_type = FieldType.STR
    if rest and rest[0] in _TYPE_NAMES:
        field_type = FieldType(rest.pop(0))
    elif rest and not _is_modifier(rest[0]):
        raise _refuse(token, f"unknown type '{rest[0]}' (types: {', '.join(_TYPE_NAMES)})")

    # Type arguments come first; whatever follows them must be a modifier.
    arguments: list[str] = []
    while rest and not _is_modifier(rest[0]):
        arguments.append(rest.pop(0))
    spec = _typed(token, name, field_type, arguments)

    optional = unique = index = False
    default: str | None = None
    for position, modifier in enumerate(rest):
        if modifier in rest[:position]:
            raise _refuse(token, f"'{modifier}' is given twice")
        if modifier.startswith("default="):
            # The value may itself hold ':' (times, URLs), so it takes the rest of the token.
            default = ":".join(rest[position:]).removeprefix("default=")
            break
        if modifier == "optional":
            optional = True
        elif modifier == "unique":
            unique = True
        elif modifier == "index":
            index = True
        else:
            raise _refuse(
                token, f"unknown modifier '{modifier}' (modifiers: {', '.join(MODIFIERS)})"
            )
    if default is not None:
        if field_type in _NO_DEFAULT:
            raise _refuse(token, f"a {field_type} field cannot have a default")
        _check_default(token, spec, default)
    if unique and field_type in {FieldType.JSON, FieldType.TEXT}:
        raise _refuse(token, f"a {field_type} field cannot be unique; use str instead")
    if unique and field_type in {FieldType.BOOL, FieldType.ENUM}:
        raise _refuse(token, f"a {field_type} field cannot be unique: it has only a few values")
    if field_type is FieldType.REF and name.endswith("_id"):
        raise _refuse(token, f"name the reference '{name.removesuffix('_id')}'; '_id' is added")
    return FieldSpec(
        name=spec.name,
        type=spec.type,
        max_length=spec.max_length,
        precision=spec.precision,
        scale=spec.scale,
        choices=spec.choices,
        target=spec.target,
        optional=optional,
        unique=unique,
        index=index,
        default=default,
        source=token,
    )


def _is_modifier(part: str) -> bool:
    return part in {"optional", "unique", "index"} or part.startswith("default=")


def _typed(token: str, name: str, field_type: FieldType, arguments: list[str]) -> FieldSpec:
    """Check the type's arguments and build the spec they describe."""
    if field_type is FieldType.STR:
        if len(arguments) > 1:
            raise _refuse(
                token, f"str takes one argument, the maximum length; got '{arguments[1]}'"
            )
        length = _positive_int(token, arguments[0], "the length") if arguments else None
        return FieldSpec(name, field_type, max_length=length or DEFAULT_MAX_LENGTH)
    if field_type is FieldType.DECIMAL:
        if len(arguments) not in (0, 2):
            raise _refuse(token, "decimal takes PRECISION:SCALE, e.g. total:decimal:10:2")
        precision, scale = DEFAULT_PRECISION, DEFAULT_SCALE
        if arguments:
            precision = _positive_int(token, arguments[0], "the precision")
            if not arguments[1].isdigit():
                raise _refuse(token, f"the scale must be a whole number, not '{arguments[1]}'")
            scale = int(arguments[1])
            if scale > precision:
                raise _refuse(token, "the scale cannot be larger than the precision")
        return FieldSpec(name, field_type, precision=precision, scale=scale)
    if field_type is FieldType.ENUM:
        if not arguments:
            raise _refuse(token, "enum needs its values, e.g. status:enum:pending:paid")
        for value in arguments:
            if not _ENUM_VALUE.fullmatch(value):
                raise _refuse(token, f"enum value '{value}' must be snake_case")
        if len(set(arguments)) != len(arguments):
            raise _refuse(token, "enum values must be different")
        return FieldSpec(name, field_type, choices=tuple(arguments))
    if field_type is FieldType.REF:
        if len(arguments) != 1:
            raise _refuse(token, "ref needs the feature it points to, e.g. customer:ref:customers")
        return FieldSpec(name, field_type, target=arguments[0])
    if arguments:
        raise _refuse(token, f"{field_type} takes no arguments, got '{arguments[0]}'")
    return FieldSpec(name, field_type)


def parse_fields(tokens: list[str]) -> list[FieldSpec]:
    """Parse every token; names (and the columns they become) must be distinct."""
    fields = [parse_field(token) for token in tokens]
    seen: dict[str, str] = {}
    for field in fields:
        for taken in {field.name, field.column}:
            if taken in seen:
                raise _refuse(field.source, f"'{taken}' is already used by '{seen[taken]}'")
            seen[taken] = field.source
    return fields
