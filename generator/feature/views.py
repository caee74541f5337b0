"""A parsed field inside its feature: what each generated file needs to know of it.

The type-by-type answers (a column's type, a schema's bounded type) come from the field's kind
(generator/feature/types.py); this adds what depends on the feature around it (its class
names, whether rows have owners, the target of a reference). The templates in
template/feature/ spell the lines; layout is ruff's job: every generated file is formatted
with the project's own settings.
"""

from dataclasses import dataclass
from typing import Any

from generator.feature.field_spec import FieldSpec
from generator.feature.imports import Imports
from generator.feature.names import FeatureNames, pascal
from generator.feature.types import KINDS, Kind, Ordered, bound_values


@dataclass(frozen=True)
class Target:
    """The feature a `ref` field points to."""

    names: FeatureNames
    owned: bool
    """Its rows are private to their owners, so a reference must be to a row the caller sees."""
    is_self: bool = False
    """The feature refers to its own table (a parent row): the column is always nullable."""
    soft_deleted: bool = False
    """Its rows are soft-deleted: a deleted one cannot be referred to."""

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
    live_only: bool = False
    """Rows are soft-deleted, so `unique` means unique among live rows (a partial index)."""
    database: str = "sqlite"
    """The project's database, for the literals of CHECK constraints."""

    @property
    def kind(self) -> Kind:
        return KINDS[self.spec.type]

    @property
    def name(self) -> str:
        return self.spec.column

    @property
    def enum_class(self) -> str:
        return f"{self.feature.class_name}{pascal(self.spec.name)}"

    @property
    def enum_length(self) -> int:
        return max(len(choice) for choice in self.spec.choices)

    @property
    def optional(self) -> bool:
        return self.spec.optional

    @property
    def required(self) -> bool:
        """The client must send it: not optional and no default (links default to none)."""
        return not (self.spec.optional or self.is_many) and self.spec.default is None

    @property
    def filterable(self) -> bool:
        return self.kind.query is not None

    @property
    def sortable(self) -> bool:
        return self.kind.query is not None and not self.is_many

    @property
    def ranged(self) -> bool:
        """The list filters it by bounds, `NAME_min` and `NAME_max` (both inclusive)."""
        return self.kind.ordered is not None

    @property
    def set_filter(self) -> bool:
        """The list filters it by a set of values: the parameter repeated, `?NAME=a&NAME=b`."""
        return self.kind.own_class or (self.is_reference and not self.is_many)

    @property
    def searched(self) -> bool:
        """The list filters it by a case-insensitive substring, `NAME_contains`."""
        return self.spec.search

    @property
    def is_reference(self) -> bool:
        return self.kind.reference

    @property
    def is_many(self) -> bool:
        """A `refs` field: links kept in a table of their own, a list of ids in the API."""
        return self.kind.many

    @property
    def filter_name(self) -> str:
        """The list endpoint's filter: `tag_id=ID` for the links `tag_ids`."""
        return f"{self.spec.link_name}_id" if self.is_many else self.name

    @property
    def link_class(self) -> str:
        return f"{self.feature.class_name}{pascal(self.spec.link_name)}"

    @property
    def link_table(self) -> str:
        return f"{self.feature.plural}_{self.spec.name}"

    @property
    def links(self) -> str:
        """The model's relationship to its link rows: `tag_links`."""
        return f"{self.spec.link_name}_links"

    @property
    def python_type(self) -> str:
        """The value's type in models and schemas."""
        return self.kind.python(self)

    @property
    def target_table(self) -> str:
        if self.target is None:
            raise ValueError(f"reference without a target: {self.spec.source}")
        return self.target.names.plural

    @property
    def ondelete(self) -> str:
        """The reference's rule as SQL: as given, else a referenced row cannot be deleted while
        required references to it exist, and optional ones are set to null."""
        if self.spec.on_delete is not None:
            return self.spec.on_delete.replace("-", " ").upper()
        return "SET NULL" if self.optional else "RESTRICT"

    def python_default(self, imports: Imports) -> str:
        value, rules = self.spec.default, self.kind.default
        if value is None or rules is None:
            raise ValueError(f"field without a default: {self.spec.source}")
        return rules.source(self, value, imports)

    def default_as_json(self) -> tuple[bool, object]:
        """Whether the tests compare what a row created without the field holds, and what."""
        if self.is_many:
            return True, []
        if self.spec.default is None:
            return self.optional, None
        rules = self.kind.default
        if rules is None or rules.as_json is None:
            return False, None
        return True, rules.as_json(self.spec.default)

    # -- model and migration ---------------------------------------------------------------------

    def column_arguments(self, imports: Imports) -> list[str]:
        """mapped_column's arguments: the kind's type, then unique, index and default."""
        self.kind.type_imports(imports)
        arguments = self.kind.column(self, imports)
        for name, condition in self.check_constraints:
            imports.add("sqlalchemy", "CheckConstraint")
            arguments.append(f'CheckConstraint("{condition}", name="{name}")')
        # else a (owner_id, column) constraint, or a partial index over live rows
        if self.spec.unique and not (self.per_owner or self.live_only):
            arguments.append("unique=True")
        if self.spec.index or self.is_reference:
            arguments.append("index=True")
        if self.spec.default is not None:
            arguments.append(f"default={self.python_default(imports)}")
        return arguments

    @property
    def migration_type(self) -> str:
        return self.kind.migration(self)

    # -- bounds ----------------------------------------------------------------------------------

    @property
    def ordered(self) -> Ordered | None:
        """How the field's range is stepped through, when `min=` or `max=` bound it."""
        return self.kind.ordered if self.spec.minimum or self.spec.maximum else None

    @property
    def bounds(self) -> tuple[Any, Any]:
        return bound_values(self.spec)

    @property
    def check_constraints(self) -> list[tuple[str, str]]:
        """(name, SQL condition) of the CHECK constraints that keep the field in its bounds;
        the MetaData naming convention prefixes the name with `ck_<table>_`."""
        checks = []
        ordered, (low, high) = self.ordered, self.bounds
        if ordered is not None:
            parts = [f"{self.name} >= {ordered.sql(low, self.database)}"] if low is not None else []
            if high is not None:
                parts.append(f"{self.name} <= {ordered.sql(high, self.database)}")
            checks.append((f"{self.name}_range", " AND ".join(parts)))
        if self.spec.min_length is not None:
            checks.append((f"{self.name}_length", f"length({self.name}) >= {self.spec.min_length}"))
        return checks

    def _constrained(self, annotation: str, imports: Imports) -> str:
        """The body type with the field's `min=`, `max=` and `min_length=`: pydantic checks
        them and OpenAPI states them (in words too, where JSON Schema has no keyword)."""
        low, high = self.spec.minimum, self.spec.maximum
        rules = self.kind.default
        arguments, said = [], []
        if rules is not None and low is not None:
            arguments.append(f"ge={rules.source(self, low, imports)}")
            said.append(f"at least {low}")
        if rules is not None and high is not None:
            arguments.append(f"le={rules.source(self, high, imports)}")
            said.append(f"at most {high}")
        if not arguments:
            return annotation  # min_length= is the kind's own (a str's Field holds both lengths)
        sentence = " and ".join(said)
        arguments.append(f'description="{sentence[0].upper()}{sentence[1:]}."')
        imports.add("typing", "Annotated")
        imports.add("pydantic", "Field")
        return f"Annotated[{annotation}, Field({', '.join(arguments)})]"

    def nth(self, n: int) -> object:
        """The n-th value of a bounded range, counted from `min=` (or back from `max=`)."""
        ordered, (low, high) = self.ordered, self.bounds
        if ordered is None:
            raise ValueError(f"field without min= or max=: {self.spec.source}")
        step: Any = ordered.step(self.spec)
        if low is not None and high is not None:
            span = int((high - low) / step) + 1
            return low + (n % span) * step
        if low is not None:
            return low + n * step
        return high - (100 - n) * step

    @property
    def at_bounds(self) -> list[object]:
        """The values at `min=`, `max=` and `min_length=`, as JSON sends them: all valid."""
        ordered, (low, high) = self.ordered, self.bounds
        values = [
            ordered.as_json(self.spec, bound)
            for bound in (low, high)
            if ordered and bound is not None
        ]
        if self.spec.min_length is not None:
            values.append("x" * self.spec.min_length)
        return values

    @property
    def beyond_bounds(self) -> list[object]:
        """The values just beyond `min=`, `max=` and `min_length=`, as JSON sends them."""
        ordered, (low, high) = self.ordered, self.bounds
        values: list[object] = []
        if ordered is not None:
            step: Any = ordered.step(self.spec)
            if low is not None:
                values.append(ordered.as_json(self.spec, low - step))
            if high is not None:
                values.append(ordered.as_json(self.spec, high + step))
        if self.spec.min_length is not None:
            values.append("x" * (self.spec.min_length - 1))
        return values

    @property
    def beyond_bounds_stored(self) -> list[object]:
        """The values beyond the bounds that the column can hold (the CHECK is what refuses
        them): 10 past `max=9` of a decimal of one digit overflows the column instead."""
        rules = self.kind.default
        return [
            value
            for value in self.beyond_bounds
            if rules is None or rules.problem(self.spec, str(value)) is None
        ]

    def value_source(self, value: object, imports: Imports) -> str:
        """A JSON value of the field as the Python value the ORM takes."""
        rules = self.kind.default
        if rules is None:
            raise ValueError(f"{self.spec.type} has no source for values: {self.spec.source}")
        self.kind.type_imports(imports)
        return rules.source(self, str(value), imports)

    # -- schemas ---------------------------------------------------------------------------------

    def schema_type(self, imports: Imports, *, query: bool = False) -> str:
        """The type clients send, bounded by what the column can hold (app/core/bounds.py).

        A JSON body must carry exactly the JSON type its schema names; a query string is
        text, so its parameters are read from strings.
        """
        self.kind.type_imports(imports)
        source = self.kind.query if query else self.kind.body
        if source is None:
            raise ValueError(f"{self.spec.type} fields have no filter: {self.spec.source}")
        return source(self, imports) if query else self._constrained(source(self, imports), imports)

    def read_type(self, imports: Imports) -> str:
        """The type of the field in responses."""
        self.kind.type_imports(imports)
        return self.kind.read(self, imports)

    # -- test values -----------------------------------------------------------------------------

    def sample(self, n: int) -> object:
        """A valid value as JSON sends it, distinct for each n and increasing with n."""
        if self.kind.sample is None:
            raise ValueError(f"references have no sample value: {self.spec.source}")
        if self.ordered is not None:
            return self.ordered.as_json(self.spec, self.nth(n))
        value = self.kind.sample(self, n)
        if self.spec.min_length is not None and isinstance(value, str):
            return value.ljust(self.spec.min_length, "x")
        return value

    def distinguishes(self, first: int, second: int) -> bool:
        """Rows built from samples `first` and `second` differ in this field."""
        if self.is_many:
            return False  # test rows have no links
        if self.is_reference:
            # Test rows point to rows made for them, except users (both are the test's user)
            # and their own table (test rows have no parent).
            return self.target is None or not (self.target.is_users or self.target.is_self)
        return self.sample(first) != self.sample(second)

    @property
    def invalid(self) -> list[object]:
        """Values the API must refuse with 422: wrong types, what the column cannot hold, and
        what lies beyond the field's bounds."""
        return self.kind.invalid(self) + self.beyond_bounds

    @property
    def invalid_filters(self) -> list[str]:
        """Query-string values a filter on this field must refuse with 422."""
        return list(self.kind.invalid_filters)

    def factory_value(self, n_expression: str, imports: Imports) -> str:
        """Source of a valid Python value for the ORM, from the sequence number `n`."""
        if self.kind.factory is None:
            raise ValueError(f"references are built by their own factory: {self.spec.source}")
        ordered, (low, high) = self.ordered, self.bounds
        if ordered is not None:
            if low is not None and high is not None:
                span = int((high - low) / ordered.step(self.spec)) + 1
                n_expression = f"{n_expression} % {span}"  # binds before + and -
            origin = self.value_source(
                self.spec.minimum if low is not None else self.spec.maximum, imports
            )
            sign = "+" if low is not None else "-"
            return f"{origin} {sign} {ordered.steps(self, n_expression, imports)}"
        value = self.kind.factory(self, n_expression, imports)
        if self.spec.min_length is not None:
            return f'({value}).ljust({self.spec.min_length}, "x")'
        return value
