"""Names a feature or a field cannot take, in one place.

tests/test_reserved.py renders features and checks these sets against the names the generated
code really imports and binds, so a template change that starts using a new name fails there
until the name is reserved here.
"""

MAX_NAME_LENGTH = 60
"""For feature and field names alike: PostgreSQL's 63 bytes for pk_<table>, or a column with
`_id` added. What a feature really generates is checked as well: its constraint names
(fk_<table>_<column>_<target>, ...) and the length of its lines."""
MAX_IDENTIFIER_LENGTH = 63
"""PostgreSQL truncates longer table, column, constraint and index names, so Alembic would see
names that differ from the models'."""

FEATURES = frozenset(
    {"users", "user", "auth", "core", "features", "health", "app", "main", "tests", "migrations"}
)
"""Packages and names the project already uses."""

CLASSES = frozenset(
    {
        "APIRouter", "Annotated", "Any", "AsyncClient", "AsyncSession", "Base", "BaseModel",
        "ClassVar", "ConfigDict", "Conflict", "CurrentUser", "Database", "Decimal", "Enum",
        "Field", "Float", "ForeignKey", "HTTPStatus", "InstrumentedAttribute", "JSON",
        "Literal", "Mapped", "Model", "NotFound", "Numeric", "Page", "PageParams",
        "PageParamsDep", "Paginated", "PatchModel", "Query", "Role", "Sequence", "SessionDep",
        "Settings", "StrEnum", "String", "Text", "Unprocessable", "User", "UniqueConstraint",
        "AsyncEngine", "Index", "KnownQuery", "Depends", "Row", "TypeVar", "UserRead", "Found",
        "IntegrityError", "Request", "Response",
        # app/core/bounds.py: the types request bodies, filters and paths are checked against
        "DecimalText", "Digits", "FiniteFloat", "Int32", "IsoDate", "JsonBool", "JsonFloat",
        "JsonId", "JsonInt", "JsonObject", "NulFreeStr", "PathId", "RowId", "UtcDatetime",
    }
)  # fmt: skip
"""Classes the generated modules import: a feature class of the same name would shadow them."""

SINGULARS = frozenset(
    {
        "str", "int", "float", "bool", "dict", "list", "set", "tuple", "object", "frozenset",
        "bytes", "next", "isinstance", "len", "super", "setattr", "type",
        "session", "data", "user", "query", "params", "statement", "column", "values", "changes",
        "service", "router", "settings", "page", "direction", "name", "value", "field", "current",
        "response", "client", "headers", "refs", "model", "select", "n", "error_responses",
        "deleted", "found", "row", "url", "linked_id", "kept", "link", "support", "change",
        "dt", "uuid", "itertools", "pytest", "sa", "op", "jwt", "app", "tests",
        "now", "ancestor", "pointed_to", "linked", "references", "utcnow",
    }
)  # fmt: skip
"""A feature's singular names a variable in the generated code: it must not hide one the code
uses, a builtin it calls or an imported module."""

FIELDS = frozenset(
    {
        # every model's own columns, and what SQLAlchemy's declarative base defines
        "id", "created_at", "updated_at", "owner_id", "owner", "metadata", "registry",
        # what --soft-delete adds: the column, and the list endpoint's parameter
        "deleted_at", "deleted",
        # the list endpoint's own query parameters
        "sort", "limit", "offset", "created_at_min", "created_at_max", "updated_at_min",
        "updated_at_max",
        # what Pydantic models and the generated PatchModel already define
        "changes", "nullable_fields", "copy", "dict", "json", "parse_obj", "parse_raw",
        "parse_file", "from_orm", "construct", "schema", "schema_json", "validate",
        "update_forward_refs", "fields", "mro", "type_annotation_map",
        # names the generated modules import and annotate with
        "dt", "uuid", "str", "int", "float", "bool", "list", "set", "tuple", "object", "bytes",
    }
)  # fmt: skip
"""Field names: columns every model has, names SQLAlchemy or Pydantic reserve, the owner."""

AMBIGUOUS = frozenset({"l", "O", "I"})
"""Names ruff refuses for variables (E741) and classes (E742): they read like 1 and 0."""
