"""Field definitions from the command line: `NAME[:TYPE[:ARG ...]][:MODIFIER ...]`.

Shell-safe on purpose (no braces, brackets or question marks), so nothing needs quoting:
`title:str:120`, `total:decimal:10:2`, `status:enum:pending:paid:default=pending`,
`note:text:optional`, `email:str:unique`, `customer:ref:customers`. Enum values may also be
one comma list, `kind:enum:index,unique,other`, where a value may spell a modifier.

What each type accepts is its kind's business (generator/feature/types.py); this reads the
token's shape and its modifiers.
"""

import keyword
import re
from dataclasses import replace

from generator.feature import reserved
from generator.feature.field_spec import FieldSpec, FieldType, refuse
from generator.feature.types import KINDS, check_bound, check_bounds, check_default

MODIFIERS = (
    "optional", "unique", "index", "search", "min=VALUE", "max=VALUE", "min_length=N",
    "default=VALUE",
)  # fmt: skip
ON_DELETE_RULES = ("cascade", "restrict", "set-null")
"""What happens to the rows that refer to a row when it goes, for `ref` fields; without one
a required reference restricts and an optional one is set to null."""
FLAGS = frozenset({"optional", "unique", "index", "search", *ON_DELETE_RULES})
BOUNDS = ("min=", "max=", "min_length=")
_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")
_TYPE_NAMES = tuple(field_type.value for field_type in FieldType)


def parse_field(token: str) -> FieldSpec:
    """Parse one `NAME[:TYPE[:ARG ...]][:MODIFIER ...]` token, or raise InvalidInput naming it."""
    if not token.isprintable():
        raise refuse(token, "it holds control characters or bytes that are not UTF-8")
    name, *rest = token.split(":")
    _check_name(token, name)

    field_type = FieldType.STR
    if rest and rest[0] in _TYPE_NAMES:
        field_type = FieldType(rest.pop(0))
    elif rest and not _is_modifier(rest[0]):
        raise refuse(token, f"unknown type '{rest[0]}' (types: {', '.join(_TYPE_NAMES)})")

    # Type arguments come first; whatever follows them must be a modifier.
    arguments: list[str] = []
    while rest and not _is_modifier(rest[0]):
        arguments.append(rest.pop(0))
    spec = replace(KINDS[field_type].arguments(token, name, arguments), source=token)
    spec = _with_modifiers(spec, rest)
    _check_combination(spec)
    return spec


def _check_name(token: str, name: str) -> None:
    if not _IDENTIFIER.fullmatch(name):
        raise refuse(token, "the name must be snake_case: a lower-case letter, then a-z, 0-9, _")
    if len(name) > reserved.MAX_NAME_LENGTH:
        raise refuse(token, f"the name is longer than {reserved.MAX_NAME_LENGTH} characters")
    if keyword.iskeyword(name):
        raise refuse(token, f"'{name}' is a Python keyword")
    if name in reserved.AMBIGUOUS:
        raise refuse(token, f"'{name}' is refused by ruff as too easily read as 1 (E741)")
    if name in reserved.FIELDS or name.startswith("model_"):
        raise refuse(token, f"'{name}' is already used by every model, schema or list endpoint")


def _with_modifiers(spec: FieldSpec, modifiers: list[str]) -> FieldSpec:
    token = spec.source
    flags: set[str] = set()
    default: str | None = None
    bounds: dict[str, str] = {}
    position = 0
    while position < len(modifiers):
        modifier = modifiers[position]
        key = modifier.split("=", 1)[0]
        if modifier in modifiers[:position] or (modifier.startswith(BOUNDS) and key in bounds):
            raise refuse(token, f"'{key}' is given twice")
        if modifier.startswith("default="):
            # The value may itself hold ':' (times, URLs), so it takes the rest of the token.
            default = ":".join(modifiers[position:]).removeprefix("default=")
            break
        if modifier.startswith(BOUNDS):
            # A datetime bound holds ':': it takes the parts up to the next modifier.
            parts = [modifier.split("=", 1)[1]]
            while position + 1 < len(modifiers) and not _is_modifier(modifiers[position + 1]):
                position += 1
                parts.append(modifiers[position])
            bounds[key] = ":".join(parts)
            position += 1
            continue
        if modifier not in FLAGS:
            hint = KINDS[spec.type].modifier_hint(modifier)
            raise refuse(
                token, f"unknown modifier '{modifier}' (modifiers: {', '.join(MODIFIERS)}){hint}"
            )
        flags.add(modifier)
        position += 1
    rules = [rule for rule in ON_DELETE_RULES if rule in flags]
    if rules and spec.type is not FieldType.REF:
        raise refuse(
            token,
            f"'{rules[0]}' is a rule for ref fields, what happens when the row referred to goes",
        )
    if len(rules) > 1:
        raise refuse(token, f"a reference takes one rule, got '{rules[0]}' and '{rules[1]}'")
    if "set-null" in flags and "optional" not in flags:
        raise refuse(token, "set-null needs an optional reference (add ':optional')")
    if default is not None:
        check_default(token, spec, default)
    for key in ("min", "max"):
        if key in bounds:
            check_bound(token, spec, key, bounds[key])
    if "search" in flags and not KINDS[spec.type].text:
        raise refuse(token, f"a {spec.type} field cannot be searched (only str and text can)")
    spec = replace(
        spec,
        optional="optional" in flags,
        unique="unique" in flags,
        index="index" in flags,
        search="search" in flags,
        default=default,
        minimum=bounds.get("min"),
        maximum=bounds.get("max"),
        min_length=_min_length(token, bounds.get("min_length")),
        on_delete=rules[0] if rules else None,
    )
    check_bounds(spec)
    return spec


def _min_length(token: str, text: str | None) -> int | None:
    if text is None:
        return None
    if not text.isdigit() or int(text) == 0:
        raise refuse(token, f"min_length must be a positive whole number, not '{text}'")
    return int(text)


def _check_combination(spec: FieldSpec) -> None:
    """Refuse the modifiers a type cannot take on one of the databases."""
    kind = KINDS[spec.type]
    if spec.unique and kind.not_unique:
        raise refuse(spec.source, kind.not_unique)
    if spec.index and kind.not_indexed:
        raise refuse(spec.source, kind.not_indexed)
    problem = kind.check(spec)
    if problem is not None:
        raise refuse(spec.source, problem)


def _is_modifier(part: str) -> bool:
    return part in FLAGS or part.startswith(("default=", *BOUNDS))


def parse_fields(tokens: list[str]) -> list[FieldSpec]:
    """Parse every token; names (and the columns they become) must be distinct."""
    fields = [parse_field(token) for token in tokens]
    seen: dict[str, str] = {}
    for field in fields:
        for taken in {field.name, field.column}:
            if taken in seen:
                raise refuse(field.source, f"'{taken}' is already used by '{seen[taken]}'")
            seen[taken] = field.source
    return fields
