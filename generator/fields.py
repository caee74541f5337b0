"""Field definitions from the command line: `NAME[:TYPE[:ARG ...]][:MODIFIER ...]`.

Shell-safe on purpose (no braces, brackets or question marks), so nothing needs quoting:
`title:str:120`, `total:decimal:10:2`, `status:enum:pending:paid:default=pending`,
`note:text:optional`, `email:str:unique`, `customer:ref:customers`. Enum values may also be
one comma list, `kind:enum:index,unique,other`, where a value may spell a modifier.

Every bound here is one that both databases hold, so a project can move between them.
"""

import datetime as dt
import keyword
import math
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
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
DEFAULT_PRECISION, DEFAULT_SCALE = 12, 2
MAX_NAME_LENGTH = 60
"""A column name fits PostgreSQL's 63 bytes, `_id` of a reference included; the names of the
constraints and indexes built from it are checked when the feature is planned."""
MAX_STR_LENGTH = 10_485_760
"""The longest VARCHAR PostgreSQL declares."""
MAX_INDEXED_LENGTH = 600
"""A PostgreSQL btree entry holds at most 2704 bytes: 600 characters of up to four bytes each,
with the owner's id beside them, always fit in a unique constraint or an index."""
MAX_PRECISION = 15
"""SQLite keeps decimals as 64-bit floats, exact to 15 significant digits."""
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
"""An int is a 32-bit INTEGER column: PostgreSQL's range, kept on SQLite too."""
AMBIGUOUS_NAMES = frozenset({"l"})
"""Refused by ruff as a name (E741): it reads like 1."""

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
        "update_forward_refs", "fields", "mro", "type_annotation_map",
        # names the generated modules import and annotate with
        "dt", "uuid", "str", "int", "float", "bool", "list", "set", "tuple", "object", "bytes",
    }
)  # fmt: skip
_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")
_DIGITS = re.compile(r"[0-9]+")
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


def _positive_int(token: str, text: str, what: str, most: int) -> int:
    if not _DIGITS.fullmatch(text) or int(text) == 0:
        raise _refuse(token, f"{what} must be a positive whole number, not '{text}'")
    if int(text) > most:
        raise _refuse(token, f"{what} is at most {most}, not {text}")
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
        hint = " (default= takes the rest of the field: put it last)" if ":" in value else ""
        raise _refuse(token, f"default '{value}' is not a valid {spec.type}{hint}") from None
    if spec.type is FieldType.INT and not INT_MIN <= int(value) <= INT_MAX:
        raise _refuse(token, f"an int default is between {INT_MIN} and {INT_MAX}, not {value}")
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
    if spec.type is FieldType.DATETIME:
        moment = dt.datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise _refuse(
                token, "a datetime default needs a timezone, e.g. 2024-01-01T00:00:00+00:00"
            )
        try:
            moment.astimezone(dt.UTC)
        except OverflowError:
            raise _refuse(
                token, f"default '{value}' is outside the years 1 to 9999 in UTC"
            ) from None


def _check_decimal_fits(token: str, spec: FieldSpec, value: Decimal) -> None:
    """Digits are counted on the value, whatever its spelling: 1e5, 100000 and 1.50 alike."""
    precision, scale = spec.precision or DEFAULT_PRECISION, spec.scale or 0
    exponent = value.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    whole_digits = max(value.adjusted() + 1, 0) if value else 0
    if places > scale or whole_digits > precision - scale:
        raise _refuse(token, f"default '{value}' does not fit decimal({precision}, {scale})")


def parse_field(token: str) -> FieldSpec:
    """Parse one `NAME[:TYPE[:ARG ...]][:MODIFIER ...]` token, or raise InvalidInput naming it."""
    if not token.isprintable():
        raise _refuse(token, "it holds control characters or bytes that are not UTF-8")
    name, *rest = token.split(":")
    _check_name(token, name)

    field_type = FieldType.STR
    if rest and rest[0] in _TYPE_NAMES:
        field_type = FieldType(rest.pop(0))
    elif rest and not _is_modifier(rest[0]):
        raise _refuse(token, f"unknown type '{rest[0]}' (types: {', '.join(_TYPE_NAMES)})")

    # Type arguments come first; whatever follows them must be a modifier.
    arguments: list[str] = []
    while rest and not _is_modifier(rest[0]):
        arguments.append(rest.pop(0))
    spec = replace(_typed(token, name, field_type, arguments), source=token)
    spec = _with_modifiers(spec, rest)
    _check_combination(spec)
    return spec


def _check_name(token: str, name: str) -> None:
    if not _IDENTIFIER.fullmatch(name):
        raise _refuse(token, "the name must be snake_case: a lower-case letter, then a-z, 0-9, _")
    if len(name) > MAX_NAME_LENGTH:
        raise _refuse(token, f"the name is longer than {MAX_NAME_LENGTH} characters")
    if keyword.iskeyword(name):
        raise _refuse(token, f"'{name}' is a Python keyword")
    if name in AMBIGUOUS_NAMES:
        raise _refuse(token, f"'{name}' is refused by ruff as too easily read as 1 (E741)")
    if name in RESERVED_NAMES or name.startswith("model_"):
        raise _refuse(token, f"'{name}' is already used by every model, schema or list endpoint")


def _with_modifiers(spec: FieldSpec, modifiers: list[str]) -> FieldSpec:
    token = spec.source
    flags: set[str] = set()
    default: str | None = None
    for position, modifier in enumerate(modifiers):
        if modifier in modifiers[:position]:
            raise _refuse(token, f"'{modifier}' is given twice")
        if modifier.startswith("default="):
            # The value may itself hold ':' (times, URLs), so it takes the rest of the token.
            default = ":".join(modifiers[position:]).removeprefix("default=")
            break
        if modifier not in {"optional", "unique", "index"}:
            hint = ""
            if spec.type is FieldType.ENUM and _ENUM_VALUE.fullmatch(modifier):
                hint = "; an enum value that spells a modifier goes in a comma list, e.g. "
                hint += "kind:enum:draft,optional,final"
            raise _refuse(
                token, f"unknown modifier '{modifier}' (modifiers: {', '.join(MODIFIERS)}){hint}"
            )
        flags.add(modifier)
    if default is not None:
        if spec.type in _NO_DEFAULT:
            raise _refuse(token, f"a {spec.type} field cannot have a default")
        _check_default(token, spec, default)
    return replace(
        spec,
        optional="optional" in flags,
        unique="unique" in flags,
        index="index" in flags,
        default=default,
    )


def _check_combination(spec: FieldSpec) -> None:
    """Refuse the modifiers a type cannot take on one of the databases."""
    token, kind = spec.source, spec.type
    if spec.unique and kind in {FieldType.JSON, FieldType.TEXT}:
        raise _refuse(token, f"a {kind} field cannot be unique; use str instead")
    if spec.unique and kind in {FieldType.BOOL, FieldType.ENUM}:
        raise _refuse(token, f"a {kind} field cannot be unique: it has only a few values")
    if spec.index and kind in {FieldType.JSON, FieldType.TEXT}:
        raise _refuse(token, f"a {kind} field cannot be indexed (PostgreSQL cannot); use str")
    long_str = kind is FieldType.STR and (spec.max_length or 0) > MAX_INDEXED_LENGTH
    if long_str and (spec.unique or spec.index):
        raise _refuse(
            token,
            f"a str longer than {MAX_INDEXED_LENGTH} characters cannot be unique or indexed "
            "(a PostgreSQL index entry holds 2704 bytes)",
        )
    if kind is FieldType.REF and spec.name.endswith("_id"):
        raise _refuse(
            token, f"name the reference '{spec.name.removesuffix('_id')}'; '_id' is added"
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
        length = (
            _positive_int(token, arguments[0], "the length", MAX_STR_LENGTH) if arguments else None
        )
        return FieldSpec(name, field_type, max_length=length or DEFAULT_MAX_LENGTH)
    if field_type is FieldType.DECIMAL:
        if len(arguments) not in (0, 2):
            raise _refuse(token, "decimal takes PRECISION:SCALE, e.g. total:decimal:10:2")
        precision, scale = DEFAULT_PRECISION, DEFAULT_SCALE
        if arguments:
            precision = _positive_int(token, arguments[0], "the precision", MAX_PRECISION)
            if not _DIGITS.fullmatch(arguments[1]):
                raise _refuse(token, f"the scale must be a whole number, not '{arguments[1]}'")
            scale = int(arguments[1])
            if scale > precision:
                raise _refuse(token, "the scale cannot be larger than the precision")
        return FieldSpec(name, field_type, precision=precision, scale=scale)
    if field_type is FieldType.ENUM:
        if not arguments:
            raise _refuse(token, "enum needs its values, e.g. status:enum:pending:paid")
        if any("," in argument for argument in arguments):
            arguments = _comma_list(token, arguments)
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


def _comma_list(token: str, arguments: list[str]) -> list[str]:
    """`draft,optional,final`: values that may spell modifiers; `index,` is a list of one."""
    if len(arguments) > 1:
        raise _refuse(token, "give the enum values as one comma list or separated by ':', not both")
    values = arguments[0].split(",")
    return values[:-1] if values[-1] == "" else values


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
