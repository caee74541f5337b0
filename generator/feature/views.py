"""A parsed field inside its feature: what each generated file needs to know of it.

The type-by-type answers (a column's type, a schema's bounded type) come from the field's kind
(generator/feature/types.py); this adds what depends on the feature around it (its class
names, whether rows have owners, the target of a reference). The templates in
template/feature/ spell the lines; layout is ruff's job: every generated file is formatted
with the project's own settings.
"""

from dataclasses import dataclass

from generator.feature.field_spec import FieldSpec
from generator.feature.imports import Imports
from generator.feature.names import FeatureNames, pascal
from generator.feature.types import KINDS, Kind


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
        return source(self, imports)

    def read_type(self, imports: Imports) -> str:
        """The type of the field in responses."""
        self.kind.type_imports(imports)
        return self.kind.read(self, imports)

    # -- test values -----------------------------------------------------------------------------

    def sample(self, n: int) -> object:
        """A valid value as JSON sends it, distinct for each n and increasing with n."""
        if self.kind.sample is None:
            raise ValueError(f"references have no sample value: {self.spec.source}")
        return self.kind.sample(self, n)

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
        """Values the API must refuse with 422: wrong types, and what the column cannot hold."""
        return self.kind.invalid(self)

    @property
    def invalid_filters(self) -> list[str]:
        """Query-string values a filter on this field must refuse with 422."""
        return list(self.kind.invalid_filters)

    def factory_value(self, n_expression: str, imports: Imports) -> str:
        """Source of a valid Python value for the ORM, from the sequence number `n`."""
        if self.kind.factory is None:
            raise ValueError(f"references are built by their own factory: {self.spec.source}")
        return self.kind.factory(self, n_expression, imports)
