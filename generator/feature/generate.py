"""Render the feature templates into files, and check what they would generate fits."""

from pathlib import Path

from generator.core.errors import InvalidInput
from generator.core.existing import FEATURES_DIR, TESTS_FEATURES_DIR
from generator.feature import reserved
from generator.feature.context import FeatureContext
from generator.feature.imports import Imports
from generator.feature.names import FeatureNames

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


def render_files(context: FeatureContext, migration: Path) -> dict[Path, str]:
    from generator.render.compiled import code_templates

    environment = code_templates("feature")
    environment.filters["pyrepr"] = repr
    environment.filters["pyfrozenset"] = _frozenset_source
    environment.filters["pyset"] = _set_source
    names = context.names
    namespace = context.namespace()
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
        text = environment.get_template(template).render(**namespace, imports=imports)
        files[Path(destination.format(**places))] = text.replace("# <imports>", imports.render())
    return files


def check_database_names(context: FeatureContext) -> None:
    """Every table, column, constraint and index name the migration creates must fit."""
    names = context.names
    table = names.plural
    identifiers = [table, f"pk_{table}"]
    identifiers += [view.name for view in context.fields]
    identifiers += [f"ix_{table}_{index['name']}" for index in context.indexes]
    identifiers += [
        f"uq_{table}_{'_'.join(columns)}"
        for columns in context.unique_constraints + context.partial_uniques
    ]
    if context.owned:
        identifiers.append(f"fk_{table}_owner_id_users")
    identifiers += [f"fk_{table}_{view.name}_{view.target_table}" for view in context.refs]
    for view in context.links:
        link = view.link_table
        identifiers += [link, f"pk_{link}", f"ix_{link}_{view.spec.link_name}_id"]
        identifiers += [f"fk_{link}_{names.singular}_id_{table}"]
        identifiers += [f"fk_{link}_{view.spec.link_name}_id_{view.target_table}"]
    longest = max(identifiers, key=len)
    most = reserved.MAX_IDENTIFIER_LENGTH
    if len(longest) > most:
        raise InvalidInput(
            f"Feature '{table}' would need the database name '{longest}' ({len(longest)} "
            f"characters; PostgreSQL allows {most}): shorten the feature, "
            "field or referenced feature's name."
        )


def check_line_lengths(names: FeatureNames, files: dict[Path, str], limit: int) -> None:
    """A name or value too long for any line would fail the project's own ruff check."""
    from generator.core.formatting import longest_line

    found = longest_line(files)
    if found is not None and found[2] > limit:
        path, number, width = found
        raise InvalidInput(
            f"Feature '{names.plural}' would generate a line of {width} characters in "
            f"{path.as_posix()} (line {number}; the project allows {limit}): shorten the "
            "feature's name, its field names or its default values."
        )
