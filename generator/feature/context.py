"""What the feature templates are given: every decision about a feature, made once, by name.

``FeatureContext`` is a typed view of one feature: the templates in template/feature/ read its
properties by name (``TEMPLATE_NAMES``) and only place what they say. Decisions are values
(booleans, names, lists of fields), never pieces of Python source: how a decision reads as
source (a parameter ``, user: CurrentUser``, a route's ``responses=``) is written in the
templates themselves, in template/feature/_signatures.jinja. The type-by-type answers come from
each field's kind (generator/feature/types.py).
"""

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from generator.core.existing import ExistingProject
from generator.feature.names import FeatureNames
from generator.feature.policy import Policy
from generator.feature.views import FieldView, Target

SEARCH_SAMPLE_LENGTH = 5
"""The length of the values the search tests write: a field must hold them."""

CONCURRENT_CREATES = 30
"""Rows the generated concurrency test creates at once (with its updates and deletes, 54 writes)."""

Samples = dict[str, object]


@dataclass(frozen=True)
class FeatureContext:
    """One feature as the templates see it."""

    project: ExistingProject
    names: FeatureNames
    fields: list[FieldView]
    policy: Policy | None
    """None in a project without users, where anyone reads and writes every row."""
    soft_delete: bool = False
    cursor: bool = False
    """Lists answer keyset pages with a signed cursor, not offset pages."""
    revision: str = ""
    down_revision: str | None = None

    def namespace(self) -> dict[str, Any]:
        """The names the templates read, each the property of the same name."""
        return {name: getattr(self, name) for name in TEMPLATE_NAMES}

    # -- the project and the feature's names -------------------------------------------------

    @property
    def auth(self) -> bool:
        return self.project.auth

    @property
    def api_prefix(self) -> str:
        return self.project.api_prefix

    @property
    def cls(self) -> str:
        return self.names.class_name

    @property
    def var(self) -> str:
        return self.names.singular

    # -- who may do what ---------------------------------------------------------------------

    @property
    def owned(self) -> bool:
        return self.policy is not None and self.policy.owned

    @property
    def private(self) -> bool:
        return self.policy is not None and self.policy.private

    @property
    def guards_writes(self) -> bool:
        return self.policy is not None and self.policy.guards_writes

    @property
    def signed_in_reads(self) -> bool:
        """Reading takes a signed-in user."""
        return self.policy is not None and self.policy.signed_in_reads

    @property
    def write(self) -> str | None:
        return self.policy.write.value if self.policy is not None else None

    @property
    def router_auth(self) -> bool:
        """Every route needs a token when reading does: the router declares the errors once."""
        return self.signed_in_reads

    @property
    def access(self) -> list[tuple[str, str, int, bool]]:
        return self.policy.matrix() if self.policy is not None else []

    @cached_property
    def check_user(self) -> bool:
        """A user is needed to check references to rows that have owners or to users (a
        reference to a user is to yourself, unless you are an admin)."""
        return any(target.owned or target.is_users for target in self.targets.values())

    @property
    def create_user(self) -> bool:
        """A user is needed to own new rows, or to check references."""
        return self.owned or self.check_user

    @property
    def checks(self) -> bool:
        """Writes check something that can refuse them: a unique value or a reference."""
        return bool(self.unique_fields or self.refs or self.links)

    # -- the fields by role ------------------------------------------------------------------

    @cached_property
    def columns(self) -> list[FieldView]:
        return [view for view in self.fields if not view.is_many]

    @cached_property
    def links(self) -> list[FieldView]:
        return [view for view in self.fields if view.is_many]

    @cached_property
    def scalars(self) -> list[FieldView]:
        return [view for view in self.fields if not view.is_reference]

    @cached_property
    def refs(self) -> list[FieldView]:
        return [view for view in self.fields if view.is_reference and not view.is_many]

    @cached_property
    def enums(self) -> list[FieldView]:
        return [view for view in self.fields if view.kind.own_class]

    @property
    def enum_classes(self) -> list[str]:
        return [view.enum_class for view in self.enums]

    @cached_property
    def targets(self) -> dict[str, Target]:
        """The features the references and links point at, by plural name."""
        return {
            view.target.names.plural: view.target
            for view in self.refs + self.links
            if view.target is not None
        }

    @property
    def ref_targets(self) -> list[Target]:
        return [target for target in self.targets.values() if not target.is_self]

    @cached_property
    def self_refs(self) -> list[FieldView]:
        return [view for view in self.refs if view.target is not None and view.target.is_self]

    @cached_property
    def made_refs(self) -> list[FieldView]:
        """References the tests and factories point at rows made for them: all but to their
        own table."""
        return [view for view in self.refs if view not in self.self_refs]

    @property
    def users_refs(self) -> bool:
        """Of the rows the tests make for each new row, one is a user."""
        return any(view.target.is_users for view in self.made_refs if view.target)

    @property
    def owned_refs(self) -> bool:
        """Of the rows the tests make for each new row, one has an owner."""
        return any(view.target.owned for view in self.made_refs if view.target)

    @property
    def soft_deleted_refs(self) -> list[FieldView]:
        return [
            view for view in self.made_refs if view.target is not None and view.target.soft_deleted
        ]

    @cached_property
    def unique_fields(self) -> list[FieldView]:
        return [view for view in self.fields if view.spec.unique]

    @property
    def unique_constraints(self) -> list[list[str]]:
        if self.soft_delete:
            return []
        if self.private:
            return [["owner_id", view.name] for view in self.unique_fields]
        return [
            [view.name] for view in self.unique_fields if not (view.spec.index or view.is_reference)
        ]

    @property
    def partial_uniques(self) -> list[list[str]]:
        """Unique among live rows only: a partial unique index in place of the constraint."""
        if not self.soft_delete:
            return []
        per_owner = ["owner_id"] if self.private else []
        return [[*per_owner, view.name] for view in self.unique_fields]

    @property
    def indexes(self) -> list[dict[str, object]]:
        owner: list[dict[str, object]] = [{"name": "owner_id", "unique": False}]
        return (owner if self.owned else []) + [
            {
                "name": view.name,
                "unique": view.spec.unique and not (self.private or self.soft_delete),
            }
            for view in self.fields
            if view.spec.index or (view.is_reference and not view.is_many)
        ]

    @property
    def filterable(self) -> list[FieldView]:
        return [view for view in self.fields if view.filterable]

    @property
    def sortable(self) -> list[FieldView]:
        return [view for view in self.fields if view.sortable]

    @property
    def ranged(self) -> list[FieldView]:
        return [view for view in self.filterable if view.ranged]

    @property
    def range_cases(self) -> list[tuple[str, bool]]:
        """(filter's column, whether sample 1 is below sample 2): the creation times, then the
        ordered fields whose samples differ."""
        return [("created_at", True), ("updated_at", True)] + [
            (name, smaller)
            for name, smaller in self.sort_cases
            if name in {view.name for view in self.ranged}
        ]

    @property
    def set_filter_names(self) -> list[str]:
        return [
            view.name for view in self.filterable if view.set_filter and view.distinguishes(1, 2)
        ]

    @property
    def searched(self) -> list[FieldView]:
        return [view for view in self.filterable if view.searched]

    @property
    def search_cases(self) -> list[tuple[str, str, str]]:
        """(field, a value holding `%` and `_`, one like it but for them): a search for the first
        value's middle, in another case, finds it alone."""
        cases = []
        for view in self.searched:
            if (view.spec.max_length or SEARCH_SAMPLE_LENGTH) < SEARCH_SAMPLE_LENGTH:
                continue  # too short for the sample
            least = view.spec.min_length or 0
            cases.append((view.name, "A%b_C".ljust(least, "x"), "AxbyC".ljust(least, "x")))
        return cases

    @property
    def sort_keys(self) -> list[str]:
        return ["id", "created_at", "updated_at"] + [view.name for view in self.sortable]

    @property
    def sort_orders(self) -> list[str]:
        """Every value `sort` takes: each key, ascending then descending."""
        return [order for key in self.sort_keys for order in (key, f"-{key}")]

    # -- test data ---------------------------------------------------------------------------

    @property
    def samples(self) -> dict[int, Samples]:
        return {n: {view.name: view.sample(n) for view in self.scalars} for n in (1, 2, 3)}

    @property
    def concurrent_creates(self) -> int:
        return CONCURRENT_CREATES

    @property
    def unique_samples(self) -> list[Samples]:
        """Values for the unique fields of the rows the concurrency test writes, one per row."""
        if all(view.is_reference for view in self.unique_fields):
            return []
        return [
            {view.name: view.sample(n) for view in self.unique_fields if not view.is_reference}
            for n in range(4, 4 + CONCURRENT_CREATES)
        ]

    @property
    def required_names(self) -> list[str]:
        return sorted(view.name for view in self.fields if view.required)

    @property
    def required_fields(self) -> list[str]:
        return sorted(f"body.{view.name}" for view in self.fields if view.required)

    @property
    def defaults(self) -> list[tuple[str, object]]:
        return [
            (view.name, value)
            for view in self.fields
            for compared, value in [view.default_as_json()]
            if compared
        ]

    @property
    def invalid_values(self) -> list[tuple[str, object]]:
        return [(view.name, value) for view in self.fields for value in view.invalid]

    @property
    def invalid_filters(self) -> list[tuple[str, str]]:
        return [
            (view.filter_name, value) for view in self.filterable for value in view.invalid_filters
        ]

    @property
    def bound_cases(self) -> list[tuple[str, object]]:
        """Values at each field's bounds: the API takes them."""
        return [(view.name, value) for view in self.fields for value in view.at_bounds]

    @property
    def beyond_bound_cases(self) -> list[tuple[FieldView, object]]:
        """Values just beyond each field's bounds that the column can hold: the CHECK
        constraints refuse them."""
        return [(view, value) for view in self.fields for value in view.beyond_bounds_stored]

    @property
    def ref_names(self) -> list[str]:
        return [view.name for view in self.refs]

    @property
    def update_field(self) -> FieldView:
        """The field the update tests change."""
        return self.scalars[0] if self.scalars else (self.made_refs or self.refs)[0]

    @property
    def non_nullable_names(self) -> list[str]:
        return [view.name for view in self.fields if not view.optional]

    @property
    def filter_names(self) -> list[str]:
        return [view.name for view in self.filterable if view.distinguishes(1, 2)]

    @property
    def sort_cases(self) -> list[tuple[str, bool]]:
        return [
            (
                view.name,
                True if view.is_reference else _sorts_before(view.sample(1), view.sample(2)),
            )
            for view in self.sortable
            if view.distinguishes(1, 2)
        ]

    @property
    def unique_names(self) -> list[str]:
        return [view.name for view in self.unique_fields]

    @property
    def shared_unique_names(self) -> list[str]:
        """Unique values two owners can both hold: not a reference to a row only its owner sees."""
        return [
            view.name
            for view in self.unique_fields
            if not (view.is_reference and view.target is not None and view.target.owned)
        ]


TEMPLATE_NAMES = (
    "names", "cls", "var", "fields", "columns", "links", "scalars", "refs", "enums",
    "enum_classes", "ref_targets", "self_refs", "made_refs", "users_refs", "owned_refs",
    "unique_fields", "unique_constraints", "indexes", "filterable", "sortable", "sort_keys",
    "sort_orders",
    "owned", "soft_delete", "cursor", "partial_uniques", "soft_deleted_refs", "private",
    "guards_writes", "signed_in_reads", "write", "router_auth", "access", "auth", "api_prefix",
    "check_user", "create_user", "checks", "samples", "concurrent_creates", "unique_samples",
    "required_names", "required_fields", "defaults", "invalid_values", "invalid_filters",
    "bound_cases", "beyond_bound_cases", "ref_names", "update_field", "non_nullable_names",
    "filter_names", "sort_cases", "ranged", "range_cases", "set_filter_names", "searched",
    "search_cases",
    "unique_names", "shared_unique_names", "revision", "down_revision",
)  # fmt: skip
"""What the templates read: every name a property (or field) of FeatureContext."""


def _sorts_before(first: object, second: object) -> bool:
    if isinstance(first, str) and isinstance(second, str):
        return first < second
    return bool(first < second)  # type: ignore[operator]
