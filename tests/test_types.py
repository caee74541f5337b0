"""Every field type answers every question the generated files ask of it."""

import ast
import json

import pytest

from generator.feature.field_spec import FieldType
from generator.feature.fields import parse_field
from generator.feature.imports import Imports
from generator.feature.names import feature_names
from generator.feature.types import KINDS, Kind
from generator.feature.views import FieldView, Target

# One field of each type, with a default where the type takes one.
TOKENS = {
    FieldType.STR: "title:str:80:default=draft",
    FieldType.TEXT: "body:text:default=none yet",
    FieldType.INT: "count:int:default=3",
    FieldType.FLOAT: "ratio:float:default=0.5",
    FieldType.BOOL: "done:bool:default=true",
    FieldType.DATE: "due_on:date:default=2024-01-01",
    FieldType.DATETIME: "due_at:datetime:default=2024-01-01T00:00:00+00:00",
    FieldType.UUID: "token:uuid:default=00000000-0000-0000-0000-000000000001",
    FieldType.JSON: "extra:json",
    FieldType.DECIMAL: "total:decimal:10:2:default=1.50",
    FieldType.ENUM: "status:enum:open:closed:default=open",
    FieldType.REF: "customer:ref:customers",
    FieldType.REFS: "customers:refs:customers",
}


def view(field_type: FieldType) -> FieldView:
    spec = parse_field(TOKENS[field_type])
    linked = spec.type in {FieldType.REF, FieldType.REFS}
    target = Target(feature_names("customers"), owned=True) if linked else None
    return FieldView(spec, feature_names("orders"), target)


def expression(source: str) -> None:
    """Source that must parse as one Python expression (an annotation, a value)."""
    ast.parse(source, mode="eval")


def test_every_type_has_a_kind() -> None:
    assert set(KINDS) == set(FieldType) == set(TOKENS)
    assert all(kind.name is name for name, kind in KINDS.items())


@pytest.mark.parametrize("field_type", list(FieldType))
def test_every_kind_answers_every_question(field_type: FieldType) -> None:
    kind: Kind = KINDS[field_type]
    field = view(field_type)
    imports = Imports()

    expression(kind.python(field))
    expression(field.schema_type(imports))
    expression(kind.read(field, imports))
    for argument in kind.column(field, imports):
        expression(argument)
    assert kind.migration(field).startswith("sa.")
    expression(kind.migration(field))
    assert kind.invalid(field), "every type has values the API refuses"
    assert all(isinstance(value, str) for value in kind.invalid_filters)
    if kind.query is not None:
        expression(field.schema_type(imports, query=True))
    if kind.reference:
        assert kind.sample is None
        assert kind.factory is None
    else:
        assert kind.sample is not None
        assert kind.factory is not None
        samples = [kind.sample(field, n) for n in (1, 2, 3)]
        assert samples[0] != samples[1]
        assert json.loads(json.dumps(samples)) == samples  # samples travel as JSON
        expression(kind.factory(field, "n", imports))
    if kind.default is None:
        assert field.spec.default is None
    else:
        expression(field.python_default(imports))
    ast.parse(imports.render())  # what the pieces asked for is importable source


@pytest.mark.parametrize("field_type", list(FieldType))
def test_each_kinds_pieces_are_python(field_type: FieldType) -> None:
    """What the model and schema templates place for a field (they spell the lines)."""
    field = view(field_type)
    imports = Imports()

    if not field.is_many:
        expression(f"mapped_column({', '.join(field.column_arguments(imports))})")
    expression(field.read_type(imports))
    if field.filterable:
        expression(field.schema_type(imports, query=True))
    ast.parse(imports.render())
