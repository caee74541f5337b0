"""The reserved names in generator/feature/reserved.py, checked against generated code.

Features with every field type are rendered in both kinds of project; whatever names their
modules import, or use inside a function that binds the feature's singular, must be reserved,
so a feature whose name gives one of them is refused instead of generating broken code.
"""

import ast
from pathlib import Path

import pytest

from generator.feature import reserved
from generator.feature.fields import parse_field
from generator.feature.names import parse_feature_name
from tests.feature_support import add, copy_project, render

# Every type, references to a feature and to users, owned and public.
FEATURES: list[tuple[str, tuple[str, ...], bool]] = [
    (
        "customers",
        (
            "name:str:120:index", "email:str:unique", "tier:enum:basic:gold:default=basic",
            "vip:bool:default=false", "notes:text:optional", "visits:int:default=0",
            "rating:float:optional", "credit:decimal:10:2:optional", "born_on:date:optional",
            "seen_at:datetime:optional", "token:uuid:unique:index", "extra:json:optional",
        ),
        False,
    ),
    ("orders", ("title:str", "customer:ref:customers:optional", "buyers:refs:customers"), False),
    ("notes", ("text:str:unique", "author:ref:users", "order:ref:orders"), True),
]  # fmt: skip


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """feature -> the Python files add-feature wrote for it, in projects with and without auth."""
    parent = tmp_path_factory.mktemp("reserved")
    files: dict[str, list[Path]] = {}
    for auth in (True, False):
        project = copy_project(render(parent, auth=auth), parent / f"copy-{auth}")
        for name, tokens, public in FEATURES:
            fields = [field for field in tokens if auth or ":ref:users" not in field]
            before = set(project.root.rglob("*.py"))
            add(project, name, *fields, public=public and auth)
            files.setdefault(name, []).extend(sorted(set(project.root.rglob("*.py")) - before))
    return files


def _derived(name: str) -> bool:
    """Names built from a generated feature's own names or its fields', which follow from them
    by construction."""
    names = [parse_feature_name(feature) for feature, _, _ in FEATURES]
    fields = {token.split(":")[0] for _, tokens, _ in FEATURES for token in tokens}
    return name.startswith("_") or any(
        part in name
        for part in {*fields, "buyer"}
        | {p for n in names for p in (n.plural, n.singular, n.class_name)}
    )


def test_imported_classes_are_reserved(generated: dict[str, list[Path]]) -> None:
    imported = {
        alias.asname or alias.name
        for paths in generated.values()
        for path in paths
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    classes = {name for name in imported if name[:1].isupper() and not name.isupper()}

    assert {name for name in classes if not _derived(name)} - reserved.CLASSES == set()


def test_names_used_beside_the_singular_are_reserved(generated: dict[str, list[Path]]) -> None:
    """Inside a function that binds `order`, any other name it reads must not be `order`."""
    used: set[str] = set()
    for feature, paths in generated.items():
        singular = parse_feature_name(feature).singular
        for path in paths:
            for function in ast.walk(ast.parse(path.read_text())):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                names = {node.id for node in ast.walk(function) if isinstance(node, ast.Name)} | {
                    argument.arg for argument in function.args.kwonlyargs + function.args.args
                }
                if singular in names:
                    used |= {name for name in names if name.islower() and not _derived(name)}

    assert used - reserved.SINGULARS == set()


def test_attributes_every_model_and_schema_has_are_reserved_for_fields(
    generated: dict[str, list[Path]],
) -> None:
    fields = {field.split(":")[0] for _, tokens, _ in FEATURES for field in tokens}
    attributes = {
        node.target.id
        for paths in generated.values()
        for path in paths
        if path.name in {"models.py", "schemas.py"}
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
    }
    specs = [parse_field(token) for _, tokens, _ in FEATURES for token in tokens]
    columns = {spec.column for spec in specs}
    columns |= {f"{spec.link_name}_{end}" for spec in specs for end in ("id", "links")}
    filters = {f"{column}_{end}" for column in columns for end in ("min", "max", "contains")}
    link_keys = {f"{parse_feature_name(name).singular}_id" for name, _, _ in FEATURES}

    assert attributes - fields - columns - filters - link_keys - {"model_config"} <= reserved.FIELDS
