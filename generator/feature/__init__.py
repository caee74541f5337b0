"""add-feature and remove-feature.

A feature is a package in app/features/ (model, schemas, service, router, exceptions), its tests
and factories in tests/features/, and one Alembic revision. The app discovers feature packages,
so nothing else is edited; `.fastapi-gen.json` records what was written.

The story in reading order: `names` (what a feature is called) and `reserved` (what it cannot
be called), `inflection` (plurals); `field_spec`, `types` and `fields` (a field, its kind,
and parsing it); `views` and `context` (what the templates are given); `generate` (the
templates into files); `plan` (the whole change, checked before anything is written);
`commands` (planned, written, recorded).
"""

from generator.feature.commands import add_feature, remove_feature
from generator.feature.names import parse_feature_name
from generator.feature.plan import FeatureRequest, plan_add_feature, plan_remove_feature

__all__ = [
    "FeatureRequest",
    "add_feature",
    "parse_feature_name",
    "plan_add_feature",
    "plan_remove_feature",
    "remove_feature",
]
