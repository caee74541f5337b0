"""add-feature and remove-feature through the library, against real rendered projects.

Two projects (with and without auth) are rendered once; every test works on its own copy.
"""

import errno
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.core import manifest
from generator.core.errors import BrokenProject, InvalidInput, OperationFailed
from generator.core.existing import ExistingProject
from generator.feature import FeatureRequest, plan_add_feature, plan_remove_feature
from tests.feature_support import (
    add,
    added,
    assigned,
    copy_project,
    remove,
    render,
    snapshot,
)

# The last of the template's own revisions in an auth project: its features number from 0005.
AUTH_HEAD = "auth_0004"
ORDER_FIELDS = ("title:str:120", "total:decimal:10:2", "status:enum:pending:paid")
# Every type and modifier, for the features whose content matters.
CUSTOMER_FIELDS = (
    "name:str:120:index",
    "email:str:unique",
    "tier:enum:basic:gold:default=basic",
    "vip:bool:default=false",
    "notes:text:optional",
    "visits:int:default=0",
    "rating:float:optional",
    "credit:decimal:10:2:optional",
    "born_on:date:optional",
    "last_seen_at:datetime:optional",
    "token:uuid:unique:index",
    "extra:json:optional",
)


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Path]:
    parent = tmp_path_factory.mktemp("rendered")
    return {auth: render(parent, auth=auth) for auth in (True, False)}


@pytest.fixture
def auth_project(rendered: dict[bool, Path], tmp_path: Path) -> ExistingProject:
    return copy_project(rendered[True], tmp_path / "auth")


@pytest.fixture
def open_project(rendered: dict[bool, Path], tmp_path: Path) -> ExistingProject:
    return copy_project(rendered[False], tmp_path / "open")


@pytest.fixture(params=[True, False], ids=["auth", "noauth"])
def project(
    request: pytest.FixtureRequest, rendered: dict[bool, Path], tmp_path: Path
) -> ExistingProject:
    auth: bool = request.param
    return copy_project(rendered[auth], tmp_path / "project")


def plan(project: ExistingProject, name: str, *fields: str, public: bool = False) -> None:
    """Plan an add-feature whose result the test does not need (it expects a refusal)."""
    plan_add_feature(project, FeatureRequest(name=name, fields=list(fields), public=public))


def read(project: ExistingProject, relative: str) -> str:
    return (project.root / relative).read_text(encoding="utf-8")


def in_project(project: ExistingProject, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *command],
        cwd=project.root,
        capture_output=True,
        text=True,
        check=False,
    )


# -- Planning and what add-feature writes --------------------------------------------------------


def test_planning_writes_nothing(auth_project: ExistingProject) -> None:
    before = snapshot(auth_project.root)
    changes, names = plan_add_feature(
        auth_project, FeatureRequest(name="orders", fields=list(ORDER_FIELDS))
    )
    assert changes.writes
    assert names.plural == "orders"
    assert snapshot(auth_project.root) == before


def test_add_creates_the_feature_and_changes_nothing_else(project: ExistingProject) -> None:
    before = snapshot(project.root)
    changes, _ = plan_add_feature(project, FeatureRequest(name="orders", fields=list(ORDER_FIELDS)))
    described = changes.describe(project.root)
    changes.apply(project.root)
    after = snapshot(project.root)

    revision_id = "0005" if project.auth else "0001"
    migration = f"migrations/versions/{revision_id}_orders.py"
    expected = {
        ".fastapi-gen.json",
        "app/features/orders/__init__.py",
        "app/features/orders/models.py",
        "app/features/orders/schemas.py",
        "app/features/orders/service.py",
        "app/features/orders/router.py",
        "app/features/orders/exceptions.py",
        "tests/features/orders/__init__.py",
        "tests/features/orders/factories.py",
        "tests/features/orders/test_orders.py",
        migration,
    }
    assert added(before, after) == expected
    assert described == [("create", path) for path in sorted(expected)]
    # Registration is discovery: not one existing file (app/main.py, env.py, ...) changed.
    assert {path: after[path] for path in before} == before

    revision = project.root / migration
    assert assigned(revision, "revision") == revision_id
    assert assigned(revision, "down_revision") == (AUTH_HEAD if project.auth else None)

    model = read(project, "app/features/orders/models.py")
    assert "class Order(Model):" in model
    assert '__tablename__ = "orders"' in model
    assert "String(120)" in model
    assert "Numeric(10, 2)" in model
    assert ("owner_id" in model) is project.auth
    assert 'prefix=f"{API_PREFIX}/orders"' in read(project, "app/features/orders/router.py")

    record = manifest.load(project.root)["orders"]
    assert record.fields == list(ORDER_FIELDS)
    assert record.owned is project.auth
    assert record.revision == revision_id
    assert set(record.files) == expected - {".fastapi-gen.json"}
    for path, digest in record.files.items():
        assert manifest.digest(read(project, path)) == digest, path


def test_names_flow_into_paths_classes_and_urls(open_project: ExistingProject) -> None:
    names = add(open_project, "OrderItem", "quantity:int")
    assert names.plural == "order_items"
    root = open_project.root
    assert (root / "app/features/order_items/models.py").is_file()
    assert (root / "tests/features/order_items/test_order_items.py").is_file()
    assert (root / "migrations/versions/0001_order_items.py").is_file()
    assert "class OrderItem(Model):" in read(open_project, "app/features/order_items/models.py")
    router = read(open_project, "app/features/order_items/router.py")
    assert 'prefix=f"{API_PREFIX}/order-items"' in router

    add(open_project, "people", "name:str")
    assert "class Person(Model):" in read(open_project, "app/features/people/models.py")
    assert 'prefix=f"{API_PREFIX}/people"' in read(open_project, "app/features/people/router.py")
    assert assigned(root / "migrations/versions/0002_people.py", "down_revision") == "0001"


def test_public_feature_has_no_owner(auth_project: ExistingProject) -> None:
    add(auth_project, "tags", "label:str:40:unique", public=True)
    model = read(auth_project, "app/features/tags/models.py")
    assert "owner_id" not in model
    assert "owner_id" not in read(auth_project, "migrations/versions/0005_tags.py")
    assert manifest.load(auth_project.root)["tags"].owned is False

    add(auth_project, "notes", "body:text")
    assert "owner_id" in read(auth_project, "app/features/notes/models.py")
    assert manifest.load(auth_project.root)["notes"].owned is True


def test_generated_code_is_lint_clean_and_served(auth_project: ExistingProject) -> None:
    """The project's own ruff settings pass, and the app serves every new feature."""
    add(auth_project, "customers", *CUSTOMER_FIELDS)
    add(auth_project, "orders", *ORDER_FIELDS, "customer:ref:customers", "note:text:optional")
    add(auth_project, "Tag", "label:str:40:unique", "author:ref:users:optional", public=True)

    for command in (["check", "."], ["format", "--check", "."]):
        result = in_project(auth_project, "-m", "ruff", *command, "--no-cache")
        assert result.returncode == 0, result.stdout + result.stderr

    served = in_project(
        auth_project,
        "-W",
        "error",
        "-c",
        "from app.main import app; print(*app.openapi()['paths'])",
    )
    assert served.returncode == 0, served.stderr
    paths = served.stdout.split()
    for path in ("/customers", "/customers/{customer_id}", "/orders/{order_id}", "/tags"):
        assert f"/api/v1{path}" in paths  # under the template's default --api-prefix


# -- Refusals leave the tree as it was -------------------------------------------------------------


def assert_refused(project: ExistingProject, *fragments: str, name: str, fields: list[str]) -> None:
    before = snapshot(project.root)
    with pytest.raises(InvalidInput) as caught:
        plan(project, name, *fields)
    for fragment in fragments:
        assert fragment in caught.value.message
    assert snapshot(project.root) == before


@pytest.mark.parametrize("again", ["orders", "order", "Orders"])
def test_the_same_feature_twice_is_refused(open_project: ExistingProject, again: str) -> None:
    add(open_project, "orders", *ORDER_FIELDS)
    assert_refused(
        open_project, "Feature 'orders' already exists", name=again, fields=list(ORDER_FIELDS)
    )


def test_a_feature_made_by_hand_is_not_overwritten(open_project: ExistingProject) -> None:
    widgets = open_project.root / "app/features/widgets"
    widgets.mkdir()
    (widgets / "__init__.py").write_text("")
    assert_refused(open_project, "'widgets' already exists", name="widgets", fields=["name"])
    with pytest.raises(InvalidInput, match="was not created by add-feature"):
        plan_remove_feature(open_project, "widgets", force=True)


def test_a_feature_needs_fields(open_project: ExistingProject) -> None:
    assert_refused(open_project, "at least one field", name="orders", fields=[])


def test_a_bad_field_is_refused_by_name(open_project: ExistingProject) -> None:
    assert_refused(
        open_project,
        "Invalid field 'total:decimal:2:5'",
        name="orders",
        fields=["total:decimal:2:5"],
    )


@pytest.mark.parametrize("token", ["paid:bool:unique", "status:enum:a:b:unique"])
def test_bool_and_enum_fields_cannot_be_unique(open_project: ExistingProject, token: str) -> None:
    assert_refused(
        open_project, f"Invalid field '{token}'", "unique", name="orders", fields=[token]
    )


def test_a_reference_to_a_missing_feature_is_refused(open_project: ExistingProject) -> None:
    assert_refused(
        open_project,
        "Invalid field 'customer:ref:customers'",
        "no feature 'customers'",
        name="orders",
        fields=["title", "customer:ref:customers"],
    )
    add(open_project, "products", "name")
    assert_refused(
        open_project,
        "no feature 'customers'",
        "(features: products)",
        name="orders",
        fields=["customer:ref:customers"],
    )


def test_a_damaged_manifest_is_refused(open_project: ExistingProject) -> None:
    (open_project.root / ".fastapi-gen.json").write_text("{not json")
    before = snapshot(open_project.root)
    with pytest.raises(
        BrokenProject, match=r"^\.fastapi-gen\.json is damaged: it is not valid JSON"
    ):
        plan(open_project, "orders", "title")
    assert snapshot(open_project.root) == before


# -- References ----------------------------------------------------------------------------------


def test_a_reference_chain(auth_project: ExistingProject) -> None:
    add(auth_project, "customers", "name:str")
    add(auth_project, "orders", "title", "customer:ref:customers", "buyer:ref:customer:optional")
    versions = auth_project.root / "migrations/versions"
    assert assigned(versions / "0005_customers.py", "down_revision") == AUTH_HEAD
    assert assigned(versions / "0006_orders.py", "down_revision") == "0005"

    model = read(auth_project, "app/features/orders/models.py")
    assert "customer_id: Mapped[int]" in model
    assert "buyer_id: Mapped[int | None]" in model
    assert 'ForeignKey("customers.id"' in model
    migration = "".join(read(auth_project, "migrations/versions/0006_orders.py").split())
    assert 'sa.ForeignKeyConstraint(["customer_id"],["customers.id"]' in migration


def test_a_reference_to_its_own_table_is_a_nullable_parent(project: ExistingProject) -> None:
    before = snapshot(project.root)
    add(project, "categories", "name:str:40", "parent:ref:categories")

    model = read(project, "app/features/categories/models.py")
    assert "parent_id: Mapped[int | None]" in model
    assert 'ForeignKey("categories.id", ondelete="SET NULL")' in model
    (path,) = (project.root / "migrations/versions").glob("*_categories.py")
    migration = "".join(path.read_text().split())
    assert 'sa.ForeignKeyConstraint(["parent_id"],["categories.id"]' in migration
    service = read(project, "app/features/categories/service.py")
    assert "raise CategoryRefersToItself" in service
    assert "categories_service" not in service  # it checks parents with its own get()
    assert manifest.load(project.root)["categories"].fields[1] == "parent:ref:categories"

    remove(project, "categories")
    assert snapshot(project.root) == before


def test_soft_delete_keeps_rows_and_unique_values_among_live_rows(
    project: ExistingProject,
) -> None:
    before = snapshot(project.root)
    request = FeatureRequest(name="tasks", fields=["title:str:80:unique"], soft_delete=True)
    changes, _ = plan_add_feature(project, request)
    changes.apply(project.root)

    model = read(project, "app/features/tasks/models.py")
    assert "deleted_at: Mapped[dt.datetime | None]" in model
    assert 'sqlite_where=text("deleted_at IS NULL")' in model
    assert model.count("unique=True") == 1  # the partial index: no constraint beside it
    router = read(project, "app/features/tasks/router.py")
    assert '@router.post("/{task_id}/restore"' in router
    assert ("AdminUser" in router) is project.auth
    assert manifest.load(project.root)["tasks"].soft_delete is True

    remove(project, "tasks")
    assert snapshot(project.root) == before


def test_cursor_pages_are_recorded(auth_project: ExistingProject) -> None:
    request = FeatureRequest(name="tasks", fields=["title:str:80"], pagination="cursor")
    changes, _ = plan_add_feature(auth_project, request)
    changes.apply(auth_project.root)

    service = read(auth_project, "app/features/tasks/service.py")
    assert "paginate_keyset(" in service
    assert "offset" not in read(auth_project, "app/features/tasks/router.py")
    assert manifest.load(auth_project.root)["tasks"].pagination == "cursor"
    with pytest.raises(InvalidInput, match="offset or cursor"):
        plan_add_feature(auth_project, FeatureRequest(name="notes", fields=["a"], pagination="x"))


def test_a_project_without_auth_renders_cursor_pages_signed_with_its_cursor_key(
    open_project: ExistingProject,
) -> None:
    request = FeatureRequest(name="tasks", fields=["title:str:80"], pagination="cursor")
    changes, _ = plan_add_feature(open_project, request)
    changes.apply(open_project.root)

    assert "paginate_keyset(" in read(open_project, "app/features/tasks/service.py")
    router = read(open_project, "app/features/tasks/router.py")
    assert "settings.cursor_key.get_secret_value()" in router
    assert "offset" not in router
    assert manifest.load(open_project.root)["tasks"].pagination == "cursor"


def test_bounds_become_schema_constraints_and_named_checks(open_project: ExistingProject) -> None:
    fields = ["price:decimal:10:2:min=0", "quantity:int:min=1:max=1000", "title:str:min_length=3"]
    changes, _ = plan_add_feature(open_project, FeatureRequest(name="items", fields=fields))
    changes.apply(open_project.root)

    schemas = read(open_project, "app/features/items/schemas.py")
    assert 'Field(ge=Decimal("0"), description="At least 0.")' in schemas
    assert "Field(ge=1, le=1000" in schemas
    assert "Field(min_length=3, max_length=255)" in schemas
    migration = next((open_project.root / "migrations/versions").glob("*_items.py")).read_text()
    assert 'sa.CheckConstraint("price >= 0", name=op.f("ck_items_price_range"))' in migration
    assert '"quantity >= 1 AND quantity <= 1000", name=op.f("ck_items_quantity_range")' in migration
    assert (
        'sa.CheckConstraint("length(title) >= 3", name=op.f("ck_items_title_length"))' in migration
    )
    model = read(open_project, "app/features/items/models.py")
    assert 'CheckConstraint("price >= 0", name="price_range")' in model


def test_links_live_in_a_table_of_their_own_that_goes_with_the_feature(
    project: ExistingProject,
) -> None:
    add(project, "tags", "label:str:40")
    before = snapshot(project.root)
    add(project, "tasks", "title:str", "tags:refs:tags")

    model = read(project, "app/features/tasks/models.py")
    assert 'class TaskTag(Base):\n    """' in model
    assert '__tablename__ = "tasks_tags"' in model
    assert "def tag_ids(self) -> list[int]:" in model
    (path,) = (project.root / "migrations/versions").glob("*_tasks.py")
    migration = "".join(path.read_text().split())
    assert 'sa.PrimaryKeyConstraint("task_id","tag_id",name=op.f("pk_tasks_tags"))' in migration
    assert migration.count('ondelete="CASCADE"') == 2 + project.auth  # + the owner's
    assert 'op.drop_table("tasks_tags")' in migration
    schemas = read(project, "app/features/tasks/schemas.py")
    assert "tag_ids: Annotated[list[JsonId], Field(max_length=100)] = []" in schemas
    assert "tag_id: RowId | None = None" in schemas

    with pytest.raises(InvalidInput, match="tasks refer to it"):
        plan_remove_feature(project, "tags", force=False)
    remove(project, "tasks")
    assert snapshot(project.root) == before


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        (("tags:refs:tags",), "a field besides its refs"),
        (("title", "tags:refs:tags:optional"), "takes no 'optional'"),
        (("title", "tags:refs:tags:unique"), "cannot be unique"),
        (("title", "tasks:refs:tasks"), "not to the feature itself"),
        (("title", "tag_ids:refs:tags"), "name a refs field by the plural"),
        (("title", "tags:refs:nothing"), "there is no feature 'nothing'"),
    ],
)
def test_refs_that_cannot_work_are_refused(
    open_project: ExistingProject, fields: tuple[str, ...], why: str
) -> None:
    add(open_project, "tags", "label:str:40")
    with pytest.raises(InvalidInput, match=re.escape(why)):
        plan(open_project, "tasks", *fields)


def test_a_reference_to_users_needs_auth(
    auth_project: ExistingProject, open_project: ExistingProject
) -> None:
    add(auth_project, "notes", "body:text", "reviewer:ref:users:optional")
    assert 'ForeignKey("users.id"' in read(auth_project, "app/features/notes/models.py")
    assert_refused(
        open_project,
        "Invalid field 'reviewer:ref:users'",
        "no users",
        name="notes",
        fields=["body:text", "reviewer:ref:users"],
    )


# -- Migrations ----------------------------------------------------------------------------------

BRANCH = '''"""A branch made elsewhere."""

revision: str = "{revision}"
down_revision: str | tuple[str, ...] | None = {down!r}
'''


def test_several_alembic_heads_are_refused(auth_project: ExistingProject) -> None:
    versions = auth_project.root / "migrations/versions"
    for revision in ("aaaa", "bbbb"):
        (versions / f"{revision}_branch.py").write_text(
            BRANCH.format(revision=revision, down=AUTH_HEAD)
        )
    assert_refused(
        auth_project,
        "several heads (aaaa, bbbb)",
        "alembic merge heads",
        name="orders",
        fields=["title"],
    )

    (versions / "cccc_merge.py").write_text(BRANCH.format(revision="cccc", down=("aaaa", "bbbb")))
    add(auth_project, "orders", "title")
    assert assigned(versions / "0008_orders.py", "down_revision") == "cccc"  # 7 revisions before


# -- Round trips and remove-feature --------------------------------------------------------------


def test_add_then_remove_gives_back_the_tree(project: ExistingProject) -> None:
    before = snapshot(project.root)
    add(project, "customers", *CUSTOMER_FIELDS)
    first = snapshot(project.root)
    # Running the project's tests leaves bytecode caches behind; removing must not trip on them.
    cache = project.root / "app/features/customers/__pycache__"
    cache.mkdir()
    (cache / "models.cpython-311.pyc").write_bytes(b"\0")

    remove(project, "customers")
    assert snapshot(project.root) == before
    assert not (project.root / "app/features/customers").exists()

    add(project, "customers", *CUSTOMER_FIELDS)
    assert snapshot(project.root) == first  # deterministic


def test_remove_leaves_the_other_features(open_project: ExistingProject) -> None:
    add(open_project, "customers", "name")
    before = snapshot(open_project.root)
    add(open_project, "orders", "title", "customer:ref:customers")
    remove(open_project, "orders")
    assert snapshot(open_project.root) == before


@pytest.mark.parametrize("force", [False, True])
def test_a_referenced_feature_is_kept_even_if_forced(
    open_project: ExistingProject, force: bool
) -> None:
    add(open_project, "customers", "name")
    add(open_project, "orders", "title", "customer:ref:customers")
    before = snapshot(open_project.root)
    with pytest.raises(InvalidInput) as caught:
        plan_remove_feature(open_project, "customers", force=force)
    assert "Not removing 'customers'" in caught.value.message
    assert "orders refer to it" in caught.value.message
    assert "Remove those features first." in caught.value.message
    assert "--force" not in caught.value.message  # it would break orders
    assert snapshot(open_project.root) == before


def test_an_edited_feature_is_kept_unless_forced(open_project: ExistingProject) -> None:
    before = snapshot(open_project.root)
    add(open_project, "orders", *ORDER_FIELDS)
    service = open_project.root / "app/features/orders/service.py"
    service.write_text(service.read_text() + "\n# my change\n")
    edited = snapshot(open_project.root)
    with pytest.raises(InvalidInput) as caught:
        plan_remove_feature(open_project, "orders", force=False)
    assert "edited since it was added: app/features/orders/service.py" in caught.value.message
    assert snapshot(open_project.root) == edited

    remove(open_project, "orders", force=True)
    assert snapshot(open_project.root) == before


def test_a_migration_that_is_not_the_head_is_kept(auth_project: ExistingProject) -> None:
    add(auth_project, "customers", "name")
    add(auth_project, "products", "name")
    with pytest.raises(InvalidInput) as caught:
        plan_remove_feature(auth_project, "customers", force=False)
    assert "its migration 0005 is not the latest" in caught.value.message

    kept = remove(auth_project, "customers", force=True)
    assert kept == [
        "kept migrations/versions/0005_customers.py: write a migration that drops 'customers'"
    ]
    root = auth_project.root
    assert (root / "migrations/versions/0005_customers.py").is_file()
    assert not (root / "app/features/customers").exists()
    assert not (root / "tests/features/customers").exists()
    assert set(manifest.load(root)) == {"products"}
    assert assigned(root / "migrations/versions/0006_products.py", "down_revision") == "0005"


def test_removing_what_is_not_there_is_refused(open_project: ExistingProject) -> None:
    with pytest.raises(InvalidInput, match="There is no feature 'orders' to remove"):
        plan_remove_feature(open_project, "orders", force=True)


def test_the_manifest_goes_away_with_the_last_feature(open_project: ExistingProject) -> None:
    add(open_project, "customers", "name")
    add(open_project, "products", "name")
    remove(open_project, "products")
    assert json.loads(read(open_project, ".fastapi-gen.json"))["features"].keys() == {"customers"}
    remove(open_project, "customers")
    assert not (open_project.root / ".fastapi-gen.json").exists()


# -- All or nothing --------------------------------------------------------------------------------


def fail_on_call(monkeypatch: pytest.MonkeyPatch, method: str, call: int) -> None:
    """Make Path.<method> raise a disk error on its `call`-th use (1-based)."""
    original = getattr(Path, method)
    calls = 0

    def failing(self: Path, *args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls == call:
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, method, failing)


@pytest.mark.parametrize("call", [1, 3, 11])
def test_a_failed_add_leaves_the_tree_as_it_was(
    monkeypatch: pytest.MonkeyPatch, open_project: ExistingProject, call: int
) -> None:
    add(open_project, "customers", "name")  # so the manifest is updated, not created
    before = snapshot(open_project.root)
    changes, _ = plan_add_feature(
        open_project, FeatureRequest(name="orders", fields=["title", "customer:ref:customers"])
    )
    assert len(changes.writes) == 11  # the last write is the manifest
    fail_on_call(monkeypatch, "write_text", call)
    with pytest.raises(OperationFailed, match="No space left on device"):
        changes.apply(open_project.root)
    monkeypatch.undo()
    assert snapshot(open_project.root) == before


def test_a_failed_remove_leaves_the_tree_as_it_was(
    monkeypatch: pytest.MonkeyPatch, open_project: ExistingProject
) -> None:
    add(open_project, "customers", "name")
    add(open_project, "orders", "title")
    before = snapshot(open_project.root)
    changes, _, _ = plan_remove_feature(open_project, "orders", force=False)
    fail_on_call(monkeypatch, "unlink", 3)
    with pytest.raises(OperationFailed, match="No space left on device"):
        changes.apply(open_project.root)
    monkeypatch.undo()
    assert snapshot(open_project.root) == before


# -- Regressions -----------------------------------------------------------------------------------


def test_remove_keeps_directories_it_did_not_create(open_project: ExistingProject) -> None:
    (open_project.root / "migrations/versions/.gitkeep").unlink()
    before = snapshot(open_project.root)
    add(open_project, "orders", "title")
    remove(open_project, "orders")
    assert snapshot(open_project.root) == before


@pytest.mark.parametrize(
    "token", ["dt:date", "str:int", "uuid:uuid", "mro:str", "type_annotation_map:json"]
)
def test_field_names_the_generated_modules_use_are_refused(
    open_project: ExistingProject, token: str
) -> None:
    assert_refused(
        open_project, f"Invalid field '{token}'", "already used", name="items", fields=[token]
    )


def test_field_names_like_what_the_modules_import_still_import(
    open_project: ExistingProject,
) -> None:
    fields = ["date:date", "datetime:datetime", "decimal:decimal", "any:json", "annotated:str"]
    fields += ["field:str", "mapped:str", "string:str", "select:str", "session:str", "query:str"]
    add(open_project, "items", *fields)
    result = in_project(
        open_project, "-W", "error", "-c", "import app.features.items.schemas, app.main"
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("roles", "would define a class Role"),
        ("refresh-tokens", "would create a table the project already has"),
    ],
)
def test_feature_names_of_the_auth_features_are_refused(
    auth_project: ExistingProject, name: str, problem: str
) -> None:
    assert_refused(auth_project, problem, name=name, fields=["label:str"])


def test_feature_names_near_the_auth_features_are_served(auth_project: ExistingProject) -> None:
    for name in ("tokens", "permissions", "accounts"):
        add(auth_project, name, "label:str")
    result = in_project(auth_project, "-W", "error", "-c", "import app.main")
    assert result.returncode == 0, result.stderr


def test_a_reference_states_its_rule_in_the_model_and_the_migration(
    auth_project: ExistingProject,
) -> None:
    add(auth_project, "tags", "label:str:40")
    add(auth_project, "notes", "body:text", "tag:ref:tags:cascade", "other:ref:tags:optional")
    models = read(auth_project, "app/features/notes/models.py")
    assert 'ForeignKey("tags.id", ondelete="CASCADE")' in models
    assert 'ForeignKey("tags.id", ondelete="SET NULL")' in models  # the optional default
    with pytest.raises(InvalidInput, match="a reference to users cannot cascade"):
        plan(auth_project, "posts", "body:text", "author:ref:users:cascade")
