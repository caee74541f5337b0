"""Python source for one field in each place a feature uses it: model, migration, schemas, tests.

The templates stay readable because the type-by-type decisions live here, once. Layout is
ruff's job: every generated file is formatted with the project's own settings.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from generator.fields import FieldSpec, FieldType
from generator.inflection import singularize

INDENT = "    "


def pascal(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


class Imports:
    """Collects what a generated module imports.

    Order and grouping are left to ruff, which formats every generated file with the
    project's own settings (generator/formatting.py); this only has to be complete.
    """

    def __init__(self) -> None:
        self._modules: set[str] = set()
        self._names: dict[str, set[str]] = {}

    def module(self, name: str) -> None:
        self._modules.add(name)

    def add(self, module: str, *names: str) -> None:
        self._names.setdefault(module, set()).update(names)

    def render(self) -> str:
        plain = [f"import {module}" for module in sorted(self._modules)]
        named = [
            f"from {module} import {', '.join(sorted(names))}"
            for module, names in sorted(self._names.items())
        ]
        return "\n".join(plain + named)


def _known(value: int | None) -> int:
    """A size that parsing always fills in for the field types that read it."""
    if value is None:
        raise ValueError("field parsed without its size")
    return value


@dataclass(frozen=True)
class FeatureNames:
    """Every name a feature needs, derived from what the user typed."""

    plural: str
    """Package, table and module name: `order_items`."""
    singular: str
    """A variable holding one row: `order_item`."""

    @property
    def class_name(self) -> str:
        return pascal(self.singular)

    @property
    def url(self) -> str:
        return self.plural.replace("_", "-")

    @property
    def title(self) -> str:
        """For messages: `Order item`."""
        return self.singular.replace("_", " ").capitalize()

    @property
    def a_title(self) -> str:
        """For messages: `an order item`."""
        article = "an" if self.singular[0] in "aeiou" else "a"
        return f"{article} {self.title.lower()}"

    @property
    def plural_title(self) -> str:
        return self.plural.replace("_", " ")

    @property
    def id_param(self) -> str:
        return f"{self.singular}_id"


@dataclass(frozen=True)
class Target:
    """The feature a `ref` field points to."""

    names: FeatureNames
    owned: bool
    """Its rows have owners, so a reference must be to a row the caller can see."""

    @property
    def is_users(self) -> bool:
        return self.names.plural == "users"

    @property
    def module(self) -> str:
        return f"app.features.{self.names.plural}"


@dataclass(frozen=True)
class FieldView:
    """A parsed field with the code each file needs for it."""

    spec: FieldSpec
    feature: FeatureNames
    target: Target | None = None
    per_owner: bool = False
    """Rows have owners, so `unique` means unique among one owner's rows."""

    @property
    def name(self) -> str:
        return self.spec.column

    @property
    def enum_class(self) -> str:
        return f"{self.feature.class_name}{pascal(self.spec.name)}"

    @property
    def optional(self) -> bool:
        return self.spec.optional

    @property
    def required(self) -> bool:
        """The client must send it: not optional and no default."""
        return not self.spec.optional and self.spec.default is None

    @property
    def filterable(self) -> bool:
        """Every scalar can be filtered on by equality; a JSON document is not a scalar."""
        return self.spec.type is not FieldType.JSON

    @property
    def sortable(self) -> bool:
        return self.spec.type is not FieldType.JSON

    # -- Python types ------------------------------------------------------------------------

    @property
    def python_type(self) -> str:
        """The value's type in models and schemas."""
        return {
            FieldType.STR: "str",
            FieldType.TEXT: "str",
            FieldType.INT: "int",
            FieldType.FLOAT: "float",
            FieldType.BOOL: "bool",
            FieldType.DATE: "dt.date",
            FieldType.DATETIME: "dt.datetime",
            FieldType.UUID: "uuid.UUID",
            FieldType.JSON: "dict[str, Any]",
            FieldType.DECIMAL: "Decimal",
            FieldType.ENUM: self.enum_class,
            FieldType.REF: "int",
        }[self.spec.type]

    def add_type_imports(self, imports: Imports) -> None:
        kind = self.spec.type
        if kind in {FieldType.DATE, FieldType.DATETIME}:
            imports.module("datetime as dt")
        elif kind is FieldType.UUID:
            imports.module("uuid")
        elif kind is FieldType.JSON:
            imports.add("typing", "Any")
        elif kind is FieldType.DECIMAL:
            imports.add("decimal", "Decimal")

    # -- model -----------------------------------------------------------------------------------

    def model_line(self, imports: Imports) -> str:
        self.add_type_imports(imports)
        annotation = f"Mapped[{self.python_type}{' | None' if self.optional else ''}]"
        arguments = self._column_type(imports)
        if self.spec.unique and not self.per_owner:  # else a (owner_id, column) constraint
            arguments.append("unique=True")
        if self.spec.index or self.spec.type is FieldType.REF:
            arguments.append("index=True")
        if self.spec.default is not None:
            arguments.append(f"default={self.python_default(imports)}")
        if not arguments:
            return f"{INDENT}{self.name}: {annotation}"
        imports.add("sqlalchemy.orm", "mapped_column")
        return f"{INDENT}{self.name}: {annotation} = mapped_column({', '.join(arguments)})"

    def _column_type(self, imports: Imports) -> list[str]:
        kind = self.spec.type
        if kind is FieldType.STR:
            imports.add("sqlalchemy", "String")
            return [f"String({self.spec.max_length})"]
        if kind is FieldType.TEXT:
            imports.add("sqlalchemy", "Text")
            return ["Text()"]
        if kind is FieldType.JSON:
            imports.add("sqlalchemy", "JSON")
            return ["JSON()"]
        if kind is FieldType.FLOAT:
            imports.add("sqlalchemy", "Float")
            return ["Float()"]  # the annotation alone would give Double, unlike the migration
        if kind is FieldType.DECIMAL:
            imports.add("sqlalchemy", "Numeric")
            return [f"Numeric({self.spec.precision}, {self.spec.scale})"]
        if kind is FieldType.ENUM:
            imports.add("sqlalchemy", "Enum")
            values = "values_callable=lambda choices: [choice.value for choice in choices]"
            return [
                f"Enum({self.enum_class}, native_enum=False, length={self.enum_length}, {values})"
            ]
        if kind is FieldType.REF:
            imports.add("sqlalchemy", "ForeignKey")
            return [f'ForeignKey("{self.target_table}.id", ondelete="{self.ondelete}")']
        return []  # int, bool, date, datetime, uuid: the annotation says it all

    @property
    def target_table(self) -> str:
        if self.target is None:
            raise ValueError(f"reference without a target: {self.spec.source}")
        return self.target.names.plural

    @property
    def enum_length(self) -> int:
        return max(len(choice) for choice in self.spec.choices)

    @property
    def ondelete(self) -> str:
        """A referenced row cannot be deleted while required references to it exist."""
        return "SET NULL" if self.optional else "RESTRICT"

    def python_default(self, imports: Imports) -> str:
        value = self.spec.default
        if value is None:
            raise ValueError(f"field without a default: {self.spec.source}")
        kind = self.spec.type
        if kind in {FieldType.STR, FieldType.TEXT}:
            return repr(value)
        if kind in {FieldType.INT, FieldType.FLOAT}:
            return repr(int(value) if kind is FieldType.INT else float(value))
        if kind is FieldType.BOOL:
            return "True" if value == "true" else "False"
        if kind is FieldType.DECIMAL:
            return f'Decimal("{Decimal(value):f}")'  # 1e4 as 10000, as the API writes it
        if kind is FieldType.ENUM:
            return f"{self.enum_class}.{value.upper()}"
        if kind is FieldType.DATE:
            return f'dt.date.fromisoformat("{value}")'
        if kind is FieldType.DATETIME:
            return f'dt.datetime.fromisoformat("{value}")'
        if kind is FieldType.UUID:
            return f'uuid.UUID("{value}")'
        raise ValueError(f"no default for {kind}")

    # -- migration -------------------------------------------------------------------------------

    @property
    def migration_type(self) -> str:
        kind = self.spec.type
        if kind is FieldType.ENUM:
            choices = ", ".join(f'"{choice}"' for choice in self.spec.choices)
            return (
                f'sa.Enum({choices}, name="{self.enum_class.lower()}", native_enum=False, '
                f"length={self.enum_length})"
            )
        return {
            FieldType.STR: f"sa.String(length={self.spec.max_length})",
            FieldType.TEXT: "sa.Text()",
            FieldType.INT: "sa.Integer()",
            FieldType.REF: "sa.Integer()",
            FieldType.FLOAT: "sa.Float()",
            FieldType.BOOL: "sa.Boolean()",
            FieldType.DATE: "sa.Date()",
            FieldType.DATETIME: "sa.DateTime(timezone=True)",
            FieldType.UUID: "sa.Uuid()",
            FieldType.JSON: "sa.JSON()",
            FieldType.DECIMAL: (
                f"sa.Numeric(precision={self.spec.precision}, scale={self.spec.scale})"
            ),
        }[kind]

    # -- schemas ---------------------------------------------------------------------------------

    def schema_type(self, imports: Imports, *, query: bool = False) -> str:
        """The type clients send, bounded by what the column can hold (app/core/bounds.py).

        A JSON body must carry exactly the JSON type its schema names; a query string is
        text, so its parameters are read from strings.
        """
        self.add_type_imports(imports)
        kind = self.spec.type
        bounded = {
            FieldType.STR: "NulFreeStr",
            FieldType.TEXT: "NulFreeStr",
            FieldType.INT: "Int32" if query else "JsonInt",
            FieldType.FLOAT: "FiniteFloat" if query else "JsonFloat",
            FieldType.BOOL: "bool" if query else "JsonBool",
            FieldType.DATE: "IsoDate",
            FieldType.DATETIME: "UtcDatetime",
            FieldType.JSON: "JsonObject",
            FieldType.REF: "RowId" if query else "JsonId",
        }.get(kind)
        if bounded is not None and bounded != "bool":
            imports.add("app.core.bounds", bounded)
        if kind is FieldType.STR:
            imports.add("typing", "Annotated")
            imports.add("pydantic", "Field")
            return f"Annotated[{bounded}, Field(max_length={self.spec.max_length})]"
        if kind is FieldType.DECIMAL:
            imports.add("typing", "Annotated")
            imports.add("app.core.bounds", "Digits")
            return f"Annotated[Decimal, Digits({self.spec.precision}, {self.spec.scale})]"
        return bounded or self.python_type

    def create_line(self, imports: Imports) -> str:
        annotation = self.schema_type(imports)
        if self.optional:
            default = self.python_default(imports) if self.spec.default is not None else "None"
            return f"{INDENT}{self.name}: {annotation} | None = {default}"
        if self.spec.default is not None:
            return f"{INDENT}{self.name}: {annotation} = {self.python_default(imports)}"
        return f"{INDENT}{self.name}: {annotation}"

    def update_line(self, imports: Imports) -> str:
        return f"{INDENT}{self.name}: {self.schema_type(imports)} | None = None"

    def read_line(self, imports: Imports) -> str:
        self.add_type_imports(imports)
        kind = self.python_type
        if self.spec.type is FieldType.DECIMAL:  # as text, in the form clients send it
            imports.add("app.core.bounds", "DecimalText")
            kind = "DecimalText"
        return f"{INDENT}{self.name}: {kind}{' | None' if self.optional else ''}"

    def filter_line(self, imports: Imports) -> str:
        """A filter compares with the column, so it takes only what the column can hold."""
        return f"{INDENT}{self.name}: {self.schema_type(imports, query=True)} | None = None"

    # -- test values -----------------------------------------------------------------------------

    def sample(self, n: int) -> object:
        """A valid value as JSON sends it, distinct for each n and increasing with n."""
        kind = self.spec.type
        if kind is FieldType.STR:
            label = self.spec.name.replace("_", " ")
            text = f"{label} {n}"
            return text if len(text) <= _known(self.spec.max_length) else str(n)
        if kind is FieldType.TEXT:
            return f"{self.spec.name} text {n}"
        if kind is FieldType.INT:
            return n
        if kind is FieldType.FLOAT:
            return n + 0.5
        if kind is FieldType.BOOL:
            return n % 2 == 0
        if kind is FieldType.DATE:
            return (dt.date(2024, 1, 1) + dt.timedelta(days=n - 1)).isoformat()
        if kind is FieldType.DATETIME:
            return f"{dt.date(2024, 1, 1) + dt.timedelta(days=n - 1)}T12:30:00Z"
        if kind is FieldType.UUID:
            return f"00000000-0000-0000-0000-{n:012d}"
        if kind is FieldType.JSON:
            return {"n": n}
        if kind is FieldType.DECIMAL:
            # n in the last place: fits every precision and scale, distinct for every n.
            step = Decimal(1).scaleb(-_known(self.spec.scale))
            return format(Decimal(n) * step, "f")  # never 1E-15: the API takes plain digits
        if kind is FieldType.ENUM:
            return self.spec.choices[(n - 1) % len(self.spec.choices)]
        raise ValueError(f"references have no sample value: {self.spec.source}")

    def distinguishes(self, first: int, second: int) -> bool:
        """Rows built from samples `first` and `second` differ in this field."""
        if self.spec.type is FieldType.REF:
            # Test rows point to rows made for them, except users: both are the test's user.
            return self.target is None or not self.target.is_users
        return self.sample(first) != self.sample(second)

    @property
    def invalid(self) -> list[object]:
        """Values the API must refuse with 422: wrong types, and what the column cannot hold."""
        kind = self.spec.type
        if kind is FieldType.STR:
            return ["x" * (_known(self.spec.max_length) + 1), "nul \x00 inside", 12]
        if kind is FieldType.DECIMAL:
            too_many_digits = "9" * (_known(self.spec.precision) + 1)
            return ["twelve", too_many_digits, "NaN", "Infinity", 1, "1e3"]
        others: dict[FieldType, list[object]] = {
            FieldType.TEXT: [12, "nul \x00 inside"],
            FieldType.INT: ["twelve", "12", True, 1.5, 2**31, -(2**31) - 1, 2**63],
            FieldType.FLOAT: ["twelve", "1.5", True, "NaN", "Infinity", "-Infinity"],
            FieldType.BOOL: ["maybe", "true", 1],
            FieldType.DATE: ["not-a-date", "2024-02-30", 0, "1700000000"],
            FieldType.DATETIME: [
                "not-a-datetime",
                1700000000,  # a number would be read as a Unix timestamp
                "2024-01-01T12:00:00",  # no timezone: ambiguous
                "0001-01-01T00:00:00+01:00",  # before year 1 in UTC
            ],
            FieldType.UUID: ["not-a-uuid"],
            FieldType.JSON: ["not-an-object", [1, 2]],
            FieldType.ENUM: ["not_a_choice"],
            FieldType.REF: [0, -1, "1", True, 2**31, 2**63],
        }
        return others[kind]

    @property
    def invalid_filters(self) -> list[str]:
        """Query-string values a filter on this field must refuse with 422."""
        return {
            FieldType.INT: [str(2**31), str(-(2**31) - 1), "twelve"],
            FieldType.REF: [str(2**31), "0"],
            FieldType.FLOAT: ["NaN", "Infinity"],
            FieldType.DATETIME: ["2024-01-01T12:00:00", "1700000000"],
            FieldType.DATE: ["0"],
            FieldType.DECIMAL: ["1e3", "NaN"],
            FieldType.STR: ["nul \x00 inside"],
            FieldType.TEXT: ["nul \x00 inside"],
        }.get(self.spec.type, [])

    def query_value(self, value: object) -> str:
        """How a sample travels in a query string."""
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    def factory_value(self, n_expression: str, imports: Imports) -> str:
        """Source of a valid Python value for the ORM, from the sequence number `n`."""
        kind = self.spec.type
        if kind is FieldType.STR:
            label = self.spec.name.replace("_", " ")
            max_length = _known(self.spec.max_length)
            if len(label) + 8 <= max_length:
                return f'f"{label} {{{n_expression}}}"'
            return f"str({n_expression} % {10**max_length})"
        if kind is FieldType.TEXT:
            return f'f"{self.spec.name} text {{{n_expression}}}"'
        if kind is FieldType.INT:
            return n_expression
        if kind is FieldType.FLOAT:
            return f"{n_expression} + 0.5"
        if kind is FieldType.BOOL:
            return f"{n_expression} % 2 == 0"
        if kind is FieldType.DATE:
            imports.module("datetime as dt")
            return f"dt.date(2024, 1, 1) + dt.timedelta(days={n_expression})"
        if kind is FieldType.DATETIME:
            imports.module("datetime as dt")
            return f"dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours={n_expression})"
        if kind is FieldType.UUID:
            imports.module("uuid")
            return f"uuid.UUID(int={n_expression})"
        if kind is FieldType.JSON:
            return f'{{"n": {n_expression}}}'
        if kind is FieldType.DECIMAL:
            imports.add("decimal", "Decimal")
            whole_digits = _known(self.spec.precision) - _known(self.spec.scale)
            if whole_digits >= 6:
                return f"Decimal({n_expression})"
            return f"Decimal({n_expression} % {10**whole_digits})"
        if kind is FieldType.ENUM:
            imports.add(f"app.features.{self.feature.plural}.models", self.enum_class)
            choices = f"list({self.enum_class})"
            return f"{choices}[{n_expression} % {len(self.spec.choices)}]"
        raise ValueError(f"references are built by their own factory: {self.spec.source}")


def feature_names(plural: str) -> FeatureNames:
    return FeatureNames(plural=plural, singular=singularize_snake(plural))


def singularize_snake(snake: str) -> str:
    """`order_items` -> `order_item`: only the last word changes number."""
    *head, last = snake.split("_")
    return "_".join([*head, singularize(last)])
