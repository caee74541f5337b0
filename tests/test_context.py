"""What the feature templates read: typed properties of FeatureContext, and nothing else."""

import ast
import dataclasses
from pathlib import Path

import jinja2
from jinja2 import meta

from generator.feature.context import TEMPLATE_NAMES, FeatureContext

FEATURE_TEMPLATES = Path(__file__).resolve().parent.parent / "template" / "feature"
SIGNATURES = "_signatures.jinja"
"""Where decisions become source (`, user: CurrentUser`); the other templates import it."""


def test_every_template_name_is_a_property_or_field_of_the_context() -> None:
    fields = {field.name for field in dataclasses.fields(FeatureContext)}
    missing = [
        name for name in TEMPLATE_NAMES if name not in fields and not hasattr(FeatureContext, name)
    ]
    assert missing == []


def test_the_templates_read_only_what_the_context_gives() -> None:
    environment = jinja2.Environment(autoescape=False)
    environment.filters.update(dict.fromkeys(("pyrepr", "pyfrozenset", "pyset"), repr))
    given = {*TEMPLATE_NAMES, "imports"}
    for path in sorted(FEATURE_TEMPLATES.glob("*.jinja")):
        tree = environment.parse(path.read_text(encoding="utf-8"))
        imported = {
            name if isinstance(name, str) else name[1]
            for node in tree.find_all(jinja2.nodes.FromImport)
            for name in node.names
        }
        # Names the template sets itself, in one block for use in another, are its own.
        own = {name.name for name in tree.find_all(jinja2.nodes.Name) if name.ctx == "store"}
        unknown = meta.find_undeclared_variables(tree) - given - imported - own
        assert unknown == set(), path.name


def test_no_python_source_is_built_in_the_context() -> None:
    """Signatures and decorators are spelt in the templates, not handed over as strings."""
    path = FEATURE_TEMPLATES.parent.parent / "generator/feature/context.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    literals = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]
    for fragment in (", user: ", ", _: ", "responses=", "error_responses(", "{"):
        assert not [text for text in literals if fragment in text], fragment
    assert (FEATURE_TEMPLATES / SIGNATURES).is_file()
