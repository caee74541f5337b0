"""Every field type x modifier x smallest and largest size: refused with a reason, or it works.

Each combination is first planned as add-feature would (in process, nothing written): a refusal
must say why. The accepted ones are then added for real, many fields to a feature, to two
projects (SQLite with auth, so rows have owners; PostgreSQL without), and each project's own
checks run once: pytest, ruff, mypy --strict and the migrations against the models. That keeps
the cost to two projects however many combinations there are.
"""

from itertools import product
from pathlib import Path

import pytest

from generator.core.errors import InvalidInput
from generator.core.existing import ExistingProject
from generator.feature import FeatureRequest, plan_add_feature
from generator.feature.field_spec import (
    MAX_INDEXED_LENGTH,
    MAX_PRECISION,
    MAX_STR_LENGTH,
    FieldType,
)
from tests.template.conftest import (
    BIN,
    Project,
    Variant,
    create_database,
    postgres_admin_url,
)
from tests.template.test_project import passed_count

SIZED = {FieldType.STR, FieldType.DECIMAL, FieldType.ENUM, FieldType.REF, FieldType.REFS}
# Each type with its arguments, from the smallest size to the largest.
SIZED_TYPES = [
    "str:1",
    "str",
    f"str:{MAX_INDEXED_LENGTH}",
    f"str:{MAX_INDEXED_LENGTH + 1}",
    f"str:{MAX_STR_LENGTH}",
    # A type that takes no size, whenever one is added, is covered without a change here.
    *(kind.value for kind in FieldType if kind not in SIZED),
    "decimal:1:0",
    "decimal:1:1",
    "decimal",
    f"decimal:{MAX_PRECISION}:0",
    f"decimal:{MAX_PRECISION}:{MAX_PRECISION}",
    "enum:a",
    "enum:draft:final",
    "ref:targets",
    "refs:targets",
]
MODIFIERS = [
    "", ":optional", ":index", ":unique", ":unique:index", ":optional:unique",
    # Bounds: numbers take both, dates refuse 0, strings take a length, the rest refuse all.
    ":min=0:max=9", ":optional:min_length=1", ":unique:min=0",
]  # fmt: skip
TARGET = ["targets", "label:str:40"]
FIELDS_PER_FEATURE = 16


def combinations() -> list[tuple[str, str]]:
    """(field token, what the test calls it): every field its own name, f1, f2, ..."""
    tokens = []
    for number, (kind, modifier) in enumerate(product(SIZED_TYPES, MODIFIERS), start=1):
        name = f"f{number}s" if kind.startswith("refs:") else f"f{number}"
        tokens.append((f"{name}:{kind}{modifier}", f"{kind}{modifier}"))
    return tokens


def sort_out(project: Path) -> tuple[list[str], dict[str, str]]:
    """The accepted tokens, and the refused combinations with the reason given."""
    existing = ExistingProject.locate(project)
    accepted, refused = [], {}
    for token, combination in combinations():
        request = FeatureRequest(name="probes", fields=["label:str:40", token])
        try:
            plan_add_feature(existing, request)
        except InvalidInput as error:
            refused[combination] = error.message
        else:
            accepted.append(token)
    return accepted, refused


def features(accepted: list[str]) -> list[list[str]]:
    """The accepted fields in groups, at most one set of links per feature (one link table)."""
    groups: list[list[str]] = []
    for token in accepted:
        links = ":refs:" in token
        group = next(
            (
                group
                for group in groups
                if len(group) < FIELDS_PER_FEATURE
                and not (links and any(":refs:" in taken for taken in group))
            ),
            None,
        )
        if group is None:
            group = []
            groups.append(group)
        group.append(token)
    return [[f"probes{index}", "label:str:40", *group] for index, group in enumerate(groups)]


@pytest.fixture(params=[("sqlite", True), ("postgresql", False)], ids=["sqlite-auth", "pg-noauth"])
def project(request: pytest.FixtureRequest, tmp_path: Path, mypy_cache: Path) -> Project:
    database, auth = request.param
    env = {"MYPY_CACHE_DIR": str(mypy_cache)}
    if database == "postgresql":
        admin_url = postgres_admin_url()
        env["DATABASE_URL"] = create_database(admin_url, "fg_combinations")
        env["TEST_DATABASE_URL"] = create_database(admin_url, "fg_combinations_test")
    else:
        env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'dev.db'}"
    variant = Variant(database, auth)
    maker = Project(path=tmp_path, variant=variant, env=env)
    auth_option = "--auth" if auth else "--no-auth"
    maker.check(
        str(BIN / "fastapi-gen"), "new", "shop", auth_option, "--no-lock", "--database", database
    )
    project = Project(path=tmp_path / "shop", variant=variant, env=env)
    project.check("fastapi-gen", "add-feature", *TARGET)
    return project


def test_every_combination_is_refused_with_a_reason_or_renders_a_working_feature(
    project: Project,
) -> None:
    accepted, refused = sort_out(project.path)

    assert len(accepted) + len(refused) == len(SIZED_TYPES) * len(MODIFIERS)
    for combination, reason in refused.items():
        assert reason.startswith("Invalid field"), (combination, reason)
        assert reason.endswith("."), (combination, reason)
        assert "\n" not in reason
    # What must stay possible: every type plain, and unique wherever it can be indexed.
    assert "refs:targets:optional" in refused  # links take no modifiers
    assert "json:unique" in refused
    assert "decimal:1:0:unique" in refused  # too few values for the tests' distinct rows
    assert f"str:{MAX_INDEXED_LENGTH + 1}:unique" in refused
    for kind in SIZED_TYPES:
        assert kind not in refused, refused.get(kind)

    for arguments in features(accepted):
        project.check("fastapi-gen", "add-feature", *arguments)
    passed_count(project.check("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x"))
    project.check("ruff", "check", ".")
    project.check("ruff", "format", "--check", ".")
    assert "Success" in project.check("mypy")
    project.check("alembic", "upgrade", "head")
    project.check("alembic", "check")
