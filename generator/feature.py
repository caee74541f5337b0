"""add-feature and remove-feature: plan every file first, check, then write all or nothing.

A feature is a package in app/features/ (model, schemas, service, router, exceptions), its tests
and factories in tests/features/, and one Alembic revision. The app discovers feature packages,
so nothing else is edited; `.fastapi-gen.json` records what was written.
"""

import ast
import keyword
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import manifest
from generator.changes import Changes
from generator.codegen import FeatureNames, FieldView, Imports, Target, feature_names
from generator.errors import InvalidInput
from generator.existing import FEATURES_DIR, TESTS_FEATURES_DIR, VERSIONS_DIR, ExistingProject
from generator.fields import FieldSpec, FieldType, parse_fields
from generator.files import parse_python, read_bytes
from generator.inflection import pluralize
from generator.migrations import next_revision_id, read_revisions, single_head

# Packages and names the project already uses, and names the generated code uses for itself.
RESERVED_FEATURES = frozenset(
    {"users", "user", "auth", "core", "features", "health", "app", "main", "tests", "migrations"}
)
# Names the generated modules import: a feature class of the same name would shadow them.
RESERVED_CLASSES = frozenset(
    {
        "APIRouter", "Annotated", "Any", "AsyncClient", "AsyncSession", "Base", "BaseModel",
        "ClassVar", "ConfigDict", "Conflict", "CurrentUser", "Database", "Decimal", "Enum",
        "Field", "Float", "ForeignKey", "HTTPStatus", "InstrumentedAttribute", "JSON",
        "Literal", "Mapped", "Model", "NotFound", "Numeric", "Page", "PageParams",
        "PageParamsDep", "Paginated", "PatchModel", "Query", "Role", "Sequence", "SessionDep",
        "Settings", "StrEnum", "String", "Text", "Unprocessable", "User",
    }
)  # fmt: skip
# A feature's singular names a variable in the generated code: it must not hide one the code
# uses, a builtin it calls or an imported module.
RESERVED_SINGULARS = {
    "str", "int", "float", "bool", "dict", "list", "set", "tuple", "object", "frozenset",
    "bytes", "next", "isinstance", "len", "super", "setattr", "type",
    "session", "data", "user", "query", "params", "statement", "column", "values", "changes",
    "service", "router", "settings", "page", "direction", "name", "value", "field", "current",
    "response", "client", "headers", "refs", "model", "select",
    "dt", "uuid", "itertools", "pytest", "sa", "op", "jwt", "app", "tests",
}  # fmt: skip
CONCURRENT_CREATES = 30
"""Rows the generated concurrency test creates at once (with its updates and deletes, 54 writes)."""
MAX_NAME_LENGTH = 60
"""PostgreSQL's 63 bytes for pk_<table>. What a feature really generates is checked as well:
its constraint names (fk_<table>_<column>_<target>, ...) and the length of its lines."""
MAX_IDENTIFIER_LENGTH = 63
"""PostgreSQL truncates longer table, column, constraint and index names, so Alembic would see
names that differ from the models'."""
AMBIGUOUS_NAMES = frozenset({"l", "O", "I"})
"""Names ruff refuses for variables (E741) and classes (E742): they read like 1 and 0."""
# Words of a name in any case style; digits stay with the word before them (v2-items: v2, items).
_WORDS = re.compile(r"[A-Z]+[0-9]*(?=[A-Z][a-z])|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+")


def parse_feature_name(raw: str) -> FeatureNames:
    """`orders`, `order`, `order-items`, `OrderItem`, `people` -> names in every form needed."""
    text = raw.strip()
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", text):
        problem = "must start with a letter" if text[:1].isdigit() else "is not a valid name"
        raise InvalidInput(
            f"Feature name '{raw}' {problem}; use letters, digits, '-' or '_', e.g. 'order-items'."
        )
    if len(text) > MAX_NAME_LENGTH:
        raise InvalidInput(
            f"Feature name '{raw}' is longer than {MAX_NAME_LENGTH} characters; "
            "choose a shorter one."
        )
    words = [word.lower() for word in _WORDS.findall(text)]
    snake = "_".join(words)
    *head, last = words
    plural = "_".join([*head, pluralize(last)])
    names = feature_names(plural)
    for candidate in sorted({snake, plural, names.singular}):
        if keyword.iskeyword(candidate):
            raise InvalidInput(f"Feature name '{raw}' gives '{candidate}', a Python keyword.")
    if plural in RESERVED_FEATURES or snake in RESERVED_FEATURES:
        raise InvalidInput(f"Feature name '{raw}' is taken by the project itself.")
    ambiguous = {names.singular, names.class_name} & AMBIGUOUS_NAMES
    if ambiguous:
        raise InvalidInput(
            f"Feature name '{raw}' gives '{ambiguous.pop()}', a name ruff refuses as too easily "
            "read as 1 or 0 (E741, E742); choose another."
        )
    if names.singular in RESERVED_SINGULARS:
        raise InvalidInput(
            f"Feature name '{raw}' gives '{names.singular}', a name the generated code uses "
            "for something else; choose another."
        )
    return names


@dataclass(frozen=True)
class FeatureRequest:
    name: str
    fields: list[str]
    public: bool = False


def _target(
    project: ExistingProject, records: dict[str, manifest.FeatureRecord], field: FieldSpec
) -> Target:
    names = _target_names(field.target or "")
    if names.plural == "users":
        if not project.auth:
            raise InvalidInput(
                f"Invalid field '{field.source}': this project has no users (--no-auth)."
            )
        if field.unique:
            # Users may name only themselves, so a unique reference would cap everyone at one row.
            raise InvalidInput(
                f"Invalid field '{field.source}': a reference to users cannot be unique; "
                "rows name the signed-in user, who would be limited to one."
            )
        return Target(names=feature_names("users"), owned=False)
    record = records.get(names.plural)
    if record is None:
        raise InvalidInput(
            f"Invalid field '{field.source}': there is no feature '{field.target}' to refer to"
            + (f" (features: {', '.join(sorted(records))})." if records else "; add it first.")
        )
    return Target(names=names, owned=record.owned)


def _target_names(target: str) -> FeatureNames:
    """The names of a referenced feature; `users` is reserved for new features, not for refs."""
    if target.lower() == "users":
        return feature_names("users")
    return parse_feature_name(target)


def _defaults_as_json(views: list[FieldView]) -> list[tuple[str, object]]:
    """What a row created without the optional fields holds in them, as JSON returns it."""
    found: list[tuple[str, object]] = []
    for view in views:
        spec = view.spec
        if spec.default is None:
            if spec.optional:
                found.append((view.name, None))
            continue
        if spec.type in {FieldType.STR, FieldType.TEXT, FieldType.ENUM}:
            found.append((view.name, spec.default))
        elif spec.type is FieldType.INT:
            found.append((view.name, int(spec.default)))
        elif spec.type is FieldType.FLOAT:
            found.append((view.name, float(spec.default)))
        elif spec.type is FieldType.BOOL:
            found.append((view.name, spec.default == "true"))
    return found


def _context(
    project: ExistingProject, names: FeatureNames, views: list[FieldView], owned: bool
) -> dict[str, Any]:
    refs = [view for view in views if view.spec.type is FieldType.REF]
    scalars = [view for view in views if view.spec.type is not FieldType.REF]
    unique = [view for view in views if view.spec.unique]
    targets = {view.target.names.plural: view.target for view in refs if view.target}
    # A user is needed to own new rows, and to check references to rows that have owners or
    # to users (a reference to a user is to yourself, unless you are an admin).
    check_user = any(target.owned or target.is_users for target in targets.values())
    create_user = owned or check_user
    signed_in = ", _: CurrentUser" if project.auth else ""
    indexes = ([{"name": "owner_id", "unique": False}] if owned else []) + [
        {"name": view.name, "unique": view.spec.unique and not owned}
        for view in views
        if view.spec.index or view.spec.type is FieldType.REF
    ]
    update_field = scalars[0] if scalars else refs[0]
    auth_errors = "AUTH_ERRORS | " if project.auth and not owned else ""
    checks = bool(unique or refs)
    write_errors = "NotFound, Conflict, Unprocessable" if checks else "NotFound"
    return {
        "names": names,
        "cls": names.class_name,
        "var": names.singular,
        "fields": views,
        "scalars": scalars,
        "refs": refs,
        "enums": [view for view in views if view.spec.type is FieldType.ENUM],
        "enum_classes": [view.enum_class for view in views if view.spec.type is FieldType.ENUM],
        "ref_targets": list(targets.values()),
        "users_refs": any(target.is_users for target in targets.values()),
        "owned_refs": any(target.owned for target in targets.values()),
        "unique_fields": unique,
        "unique_constraints": [["owner_id", view.name] for view in unique]
        if owned
        else [
            [view.name]
            for view in unique
            if not (view.spec.index or view.spec.type is FieldType.REF)
        ],
        "indexes": indexes,
        "filterable": [view for view in views if view.filterable],
        "sortable": [view for view in views if view.sortable],
        "sort_keys": ["id", "created_at", "updated_at"]
        + [view.name for view in views if view.sortable],
        "nullable_set": "{" + ", ".join(f'"{view.name}"' for view in views if view.optional) + "}"
        if any(view.optional for view in views)
        else "",
        "owned": owned,
        "auth": project.auth,
        "api_prefix": project.api_prefix,
        "check_user": check_user,
        "create_user": create_user,
        "checks": checks,
        "user_param": ", user: User" if project.auth else "",
        "user_arg": ", user" if project.auth else "",
        "reader": ", user: CurrentUser" if owned else "",
        "writer_create": ", user: CurrentUser" if create_user else signed_in,
        "writer_update": ", user: CurrentUser" if owned or check_user else signed_in,
        "writer_delete": ", user: CurrentUser" if owned else signed_in,
        "responses": {
            "for_create": f", responses={auth_errors}error_responses(Conflict, Unprocessable)"
            if checks
            else (f", responses={auth_errors.removesuffix(' | ')}" if auth_errors else ""),
            "for_read": ", responses=error_responses(NotFound)",
            "for_update": f", responses={auth_errors}error_responses({write_errors})",
            # 409 when rows of another feature still refer to it (their foreign key restricts)
            "for_delete": f", responses={auth_errors}error_responses(NotFound, Conflict)",
        },
        # Test data
        "samples": {n: {view.name: view.sample(n) for view in scalars} for n in (1, 2, 3)},
        "concurrent_creates": CONCURRENT_CREATES,
        # Values for the unique fields of the rows the concurrency test writes, one per row.
        "unique_samples": [
            {view.name: view.sample(n) for view in unique if view.spec.type is not FieldType.REF}
            for n in range(4, 4 + CONCURRENT_CREATES)
        ]
        if any(view.spec.type is not FieldType.REF for view in unique)
        else [],
        "required_names": sorted(view.name for view in views if view.required),
        "required_fields": sorted(f"body.{view.name}" for view in views if view.required),
        "defaults": _defaults_as_json(views),
        "invalid_values": [(view.name, value) for view in views for value in view.invalid],
        "invalid_filters": [
            (view.name, value)
            for view in views
            if view.filterable
            for value in view.invalid_filters
        ],
        "ref_names": [view.name for view in refs],
        "update_field": update_field,
        "non_nullable_names": [view.name for view in views if not view.optional],
        "filter_names": [
            view.name for view in views if view.filterable and view.distinguishes(1, 2)
        ],
        "sort_cases": [
            (
                view.name,
                True
                if view.spec.type is FieldType.REF
                else _sorts_before(view.sample(1), view.sample(2)),
            )
            for view in views
            if view.sortable and view.distinguishes(1, 2)
        ],
        "unique_names": [view.name for view in unique],
    }


def _sorts_before(first: object, second: object) -> bool:
    if isinstance(first, str) and isinstance(second, str):
        return first < second
    return bool(first < second)  # type: ignore[operator]


_TEMPLATES = {
    "models.py.jinja": "{app}/models.py",
    "schemas.py.jinja": "{app}/schemas.py",
    "exceptions.py.jinja": "{app}/exceptions.py",
    "service.py.jinja": "{app}/service.py",
    "router.py.jinja": "{app}/router.py",
    "factories.py.jinja": "{tests}/factories.py",
    "test_feature.py.jinja": "{tests}/test_{plural}.py",
}


def _set_source(items: list[str]) -> str:
    """A set literal in a stable order, so the same command always writes the same file."""
    return "{" + ", ".join(repr(item) for item in items) + "}" if items else "set()"


def _frozenset_source(items: list[str]) -> str:
    return f"frozenset({{{', '.join(repr(item) for item in items)}}})" if items else "frozenset()"


def _render_files(context: dict[str, Any], names: FeatureNames, migration: Path) -> dict[Path, str]:
    import jinja2

    from generator.template import template_root

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_root() / "template" / "feature"),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    environment.filters["pyrepr"] = repr
    environment.filters["pyfrozenset"] = _frozenset_source
    environment.filters["pyset"] = _set_source
    places = {
        "app": str(FEATURES_DIR / names.plural),
        "tests": str(TESTS_FEATURES_DIR / names.plural),
        "plural": names.plural,
    }
    files: dict[Path, str] = {
        FEATURES_DIR / names.plural / "__init__.py": "",
        TESTS_FEATURES_DIR / names.plural / "__init__.py": "",
    }
    for template, destination in {**_TEMPLATES, "migration.py.jinja": str(migration)}.items():
        imports = Imports()
        text = environment.get_template(template).render(**context, imports=imports)
        files[Path(destination.format(**places))] = text.replace("# <imports>", imports.render())
    return files


def _existing_models(project: ExistingProject) -> tuple[set[str], set[str]]:
    """Class and table names the project's models define, read from source."""
    classes: set[str] = set()
    tables: set[str] = set()
    for models in sorted((project.root / FEATURES_DIR).glob("*/models.py")):
        tree = parse_python(models, project.root)
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                classes.add(node.name)
            elif (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "__tablename__" for t in node.targets)
                and isinstance(node.value, ast.Constant)
            ):
                tables.add(str(node.value.value))
    return classes, tables


def _check_clashes(project: ExistingProject, names: FeatureNames, views: list[FieldView]) -> None:
    classes, tables = _existing_models(project)
    if names.plural in tables:
        raise InvalidInput(
            f"Feature '{names.plural}' would create a table the project already has."
        )
    if names.class_name in classes | RESERVED_CLASSES:
        raise InvalidInput(
            f"Feature '{names.plural}' would define a class {names.class_name}, a name the "
            "project or the generated code already uses; choose another name."
        )
    generated = {
        f"{names.class_name}{suffix}"
        for suffix in ("Create", "Read", "Update", "Query", "Sort", "NotFound", "Conflict")
    }
    for view in views:
        if view.spec.type is FieldType.ENUM and view.enum_class in generated | classes:
            raise InvalidInput(
                f"Invalid field '{view.spec.source}': its enum class {view.enum_class} would "
                "clash with another class; rename the field."
            )


def _check_database_names(names: FeatureNames, context: dict[str, Any]) -> None:
    """Every table, column, constraint and index name the migration creates must fit."""
    table = names.plural
    identifiers = [table, f"pk_{table}"]
    identifiers += [view.name for view in context["fields"]]
    identifiers += [f"ix_{table}_{index['name']}" for index in context["indexes"]]
    identifiers += [f"uq_{table}_{'_'.join(columns)}" for columns in context["unique_constraints"]]
    if context["owned"]:
        identifiers.append(f"fk_{table}_owner_id_users")
    identifiers += [f"fk_{table}_{view.name}_{view.target_table}" for view in context["refs"]]
    longest = max(identifiers, key=len)
    if len(longest) > MAX_IDENTIFIER_LENGTH:
        raise InvalidInput(
            f"Feature '{table}' would need the database name '{longest}' ({len(longest)} "
            f"characters; PostgreSQL allows {MAX_IDENTIFIER_LENGTH}): shorten the feature, "
            "field or referenced feature's name."
        )


def _check_line_lengths(names: FeatureNames, files: dict[Path, str], limit: int) -> None:
    """A name or value too long for any line would fail the project's own ruff check."""
    from generator.formatting import longest_line

    found = longest_line(files)
    if found is not None and found[2] > limit:
        path, number, width = found
        raise InvalidInput(
            f"Feature '{names.plural}' would generate a line of {width} characters in "
            f"{path.as_posix()} (line {number}; the project allows {limit}): shorten the "
            "feature's name, its field names or its default values."
        )


def plan_add_feature(
    project: ExistingProject, request: FeatureRequest
) -> tuple[Changes, FeatureNames]:
    """Everything add-feature would write; raises InvalidInput before anything is written."""
    names = parse_feature_name(request.name)
    records = manifest.load(project.root)
    if names.plural in records or project.has_feature(names.plural):
        raise InvalidInput(
            f"Feature '{names.plural}' already exists in app/features/{names.plural}/."
        )
    if not request.fields:
        raise InvalidInput("Give the feature at least one field, e.g. 'title:str:120'.")
    specs = parse_fields(request.fields)
    owned = project.auth and not request.public
    views = [
        FieldView(
            spec,
            names,
            _target(project, records, spec) if spec.type is FieldType.REF else None,
            per_owner=owned,
        )
        for spec in specs
    ]
    _check_clashes(project, names, views)
    revisions = read_revisions(project.root / VERSIONS_DIR)
    revision = next_revision_id(revisions)
    migration = VERSIONS_DIR / f"{revision}_{names.plural}.py"
    context = _context(project, names, views, owned)
    context.update(revision=revision, down_revision=single_head(revisions))

    from generator.formatting import format_python, line_length

    limit = line_length(project.root)
    _check_database_names(names, context)
    files = format_python(project.root, _render_files(context, names, migration))
    _check_line_lengths(names, files, limit)
    taken = sorted(str(path) for path in files if (project.root / path).exists())
    if taken:
        raise InvalidInput(f"Feature '{names.plural}' would overwrite {', '.join(taken)}.")
    records[names.plural] = manifest.FeatureRecord(
        fields=[spec.source for spec in specs],
        owned=owned,
        revision=revision,
        files={str(path): manifest.digest(text) for path, text in sorted(files.items())},
    )
    changes = Changes(writes={**files, Path(manifest.MANIFEST): manifest.dump(records) or ""})
    return changes, names


def _refers_to(token: str, plural: str) -> bool:
    """Whether a recorded field token (`customer:ref:customers:optional`) points at `plural`.

    Read leniently: a token the current rules would refuse was accepted when it was added.
    """
    parts = token.split(":")
    if len(parts) < 3 or parts[1] != FieldType.REF:
        return False
    try:
        return _target_names(parts[2]).plural == plural
    except InvalidInput:
        return False


def _references_to(plural: str, records: dict[str, manifest.FeatureRecord]) -> list[str]:
    """Features with a `ref` field pointing at `plural`."""
    return sorted(
        other
        for other, record in records.items()
        if other != plural and any(_refers_to(token, plural) for token in record.fields)
    )


def _exists(path: Path) -> bool:
    """Present on disk, a dangling link included (reading it then says what is wrong)."""
    return path.exists() or path.is_symlink()


def plan_remove_feature(
    project: ExistingProject, name: str, *, force: bool
) -> tuple[Changes, FeatureNames, list[str]]:
    """What remove-feature would delete; the third item holds notes on what it leaves behind."""
    names = parse_feature_name(name)
    records = manifest.load(project.root)
    record = records.get(names.plural)
    if record is None:
        if project.has_feature(names.plural):
            raise InvalidInput(
                f"Feature '{names.plural}' was not created by add-feature; remove it by hand."
            )
        raise InvalidInput(f"There is no feature '{name}' to remove.")

    problems = []
    referrers = _references_to(names.plural, records)
    if referrers:
        problems.append(f"{', '.join(referrers)} refer to it")
    edited = sorted(
        path
        for path, expected in record.files.items()
        if _exists(project.root / path)
        and manifest.digest(read_bytes(project.root / path, project.root)) != expected
    )
    if edited:
        problems.append(f"edited since it was added: {', '.join(edited)}")
    revisions = read_revisions(project.root / VERSIONS_DIR)
    migration = next(
        (str(r.path.relative_to(project.root)) for r in revisions if r.id == record.revision), None
    )
    try:
        head = single_head(revisions)
    except InvalidInput:
        if not force:
            raise
        head = None  # several heads: keep the migration, as for any that is not the head
    notes = [f"note   {', '.join(referrers)} still refer to it: fix them"] if referrers else []
    if migration is not None and head != record.revision:
        problems.append(
            f"its migration {record.revision} is not the latest, later ones build on it"
        )
        notes.append(f"kept {migration}: write a migration that drops '{names.plural}'")
    elif migration is not None:
        previous = next(r.down_revisions for r in revisions if r.id == record.revision)
        stamp = previous[0] if previous else "base"
        notes.append(
            f"note   a database that applied {record.revision} needs "
            f"'alembic downgrade {stamp}' before this, or 'alembic stamp {stamp}' after it"
        )
    if problems and not force:
        raise InvalidInput(
            f"Not removing '{names.plural}': {'; '.join(problems)}. "
            "Use --force to remove it anyway."
        )

    deletes = [
        Path(path)
        for path in sorted(record.files)
        if _exists(project.root / path) and not (path == migration and head != record.revision)
    ]
    del records[names.plural]
    text = manifest.dump(records)
    changes = Changes(
        deletes=deletes,
        prune=[FEATURES_DIR / names.plural, TESTS_FEATURES_DIR / names.plural],
    )
    if text is None:
        changes.deletes.append(Path(manifest.MANIFEST))
    else:
        changes.writes[Path(manifest.MANIFEST)] = text
    return changes, names, notes
