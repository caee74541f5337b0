"""`fastapi-gen add-feature` and `remove-feature` as a user meets them: output, exit codes, disk."""

import shutil
from pathlib import Path

import pytest

from tests.feature_support import render, snapshot
from tests.test_cli import assert_one_line_error, invoke

ORDER_FIELDS = ("title:str:120", "total:decimal:10:2", "status:enum:pending:paid")
ORDER_FILES = [
    ".fastapi-gen.json",
    "app/features/orders/__init__.py",
    "app/features/orders/exceptions.py",
    "app/features/orders/models.py",
    "app/features/orders/router.py",
    "app/features/orders/schemas.py",
    "app/features/orders/service.py",
    "migrations/versions/0001_orders.py",
    "tests/features/orders/__init__.py",
    "tests/features/orders/factories.py",
    "tests/features/orders/test_orders.py",
]


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(tmp_path_factory.mktemp("rendered"), auth=False)


@pytest.fixture
def root(rendered: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project, and the current directory inside it."""
    copy = tmp_path / "shop"
    shutil.copytree(rendered, copy)
    monkeypatch.chdir(copy)
    return copy


def change_lines(output: str, verb: str) -> list[str]:
    """The paths listed with `verb` (create, delete, ...), in order."""
    return [line.split()[1] for line in output.splitlines() if line.strip().startswith(f"{verb} ")]


def test_add_feature_lists_the_files_it_created(root: Path) -> None:
    result = invoke("add-feature", "orders", *ORDER_FIELDS)
    assert result.exit_code == 0, result.output
    assert change_lines(result.stdout, "create") == ORDER_FILES
    assert "Added orders at /api/v1/orders." in result.stdout
    assert "alembic upgrade head" in result.stdout
    assert result.stderr == ""
    for path in ORDER_FILES:
        assert (root / path).is_file(), path


def test_add_feature_from_a_subdirectory(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(root / "app" / "features")
    result = invoke("add-feature", "order-items", "quantity:int")
    assert result.exit_code == 0, result.output
    assert "Added order_items at /api/v1/order-items." in result.stdout
    assert (root / "app/features/order_items/router.py").is_file()


def test_dry_run_writes_nothing(root: Path) -> None:
    before = snapshot(root)
    result = invoke("add-feature", "orders", *ORDER_FIELDS, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run" in result.stdout
    assert change_lines(result.stdout, "create") == ORDER_FILES
    assert "Added" not in result.stdout
    assert snapshot(root) == before


def test_remove_feature_takes_it_back(root: Path) -> None:
    before = snapshot(root)
    assert invoke("add-feature", "orders", *ORDER_FIELDS).exit_code == 0
    added = snapshot(root)

    dry = invoke("remove-feature", "orders", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert change_lines(dry.stdout, "delete") == ORDER_FILES
    assert snapshot(root) == added

    result = invoke("remove-feature", "order")
    assert result.exit_code == 0, result.output
    assert change_lines(result.stdout, "delete") == ORDER_FILES
    assert "Removed orders." in result.stdout
    assert snapshot(root) == before


def test_remove_feature_refuses_an_edited_feature_unless_forced(root: Path) -> None:
    assert invoke("add-feature", "orders", *ORDER_FIELDS).exit_code == 0
    models = root / "app/features/orders/models.py"
    models.write_text(models.read_text() + "# mine\n")

    result = invoke("remove-feature", "orders")
    assert_one_line_error(result, 2, "app/features/orders/models.py", "--force")
    assert models.is_file()

    forced = invoke("remove-feature", "orders", "--force")
    assert forced.exit_code == 0, forced.output
    assert not models.exists()


@pytest.mark.parametrize(
    "token",
    ["x:bogus", "id:int", "total:decimal:2:5", "status:enum", "n:int:default=five", "t:str:0"],
)
def test_a_bad_field_is_one_line_naming_it(root: Path, token: str) -> None:
    before = snapshot(root)
    result = invoke("add-feature", "orders", "title", token)
    assert_one_line_error(result, 2, f"Invalid field '{token}': ")
    assert snapshot(root) == before


@pytest.mark.parametrize("name", ["9lives", "class", "users", "core"])
def test_a_bad_feature_name_is_one_line(root: Path, name: str) -> None:
    result = invoke("add-feature", name, "title")
    assert_one_line_error(result, 2, f"Feature name '{name}'")


def test_the_same_feature_twice_is_one_line(root: Path) -> None:
    assert invoke("add-feature", "orders", "title").exit_code == 0
    result = invoke("add-feature", "order", "title")
    assert_one_line_error(result, 2, "Feature 'orders' already exists")


@pytest.mark.parametrize(
    "command", [["add-feature", "orders", "title"], ["remove-feature", "orders"]]
)
def test_outside_a_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = invoke(*command)
    assert_one_line_error(result, 2, "is not inside a fastapi-gen project", "--project DIR")
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("option", ["--project", "-p"])
def test_project_option_from_elsewhere(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, option: str
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)

    result = invoke("add-feature", "orders", *ORDER_FIELDS, option, str(root))
    assert result.exit_code == 0, result.output
    assert (root / "app/features/orders/models.py").is_file()
    assert list(elsewhere.iterdir()) == []

    removed = invoke("remove-feature", "orders", option, str(root))
    assert removed.exit_code == 0, removed.output
    assert not (root / "app/features/orders").exists()


def test_project_option_naming_no_project(tmp_path: Path) -> None:
    result = invoke("add-feature", "orders", "title", "--project", str(tmp_path))
    assert_one_line_error(result, 2, "is not inside a fastapi-gen project")


def test_add_feature_help_documents_the_field_syntax() -> None:
    result = invoke("add-feature", "--help")
    assert result.exit_code == 0
    help_text = result.stdout
    assert "NAME[:TYPE[:ARG ...]][:MODIFIER ...]" in help_text
    for piece in (
        "str[:MAXLEN] (255)",
        "text",
        "int",
        "float",
        "bool",
        "date",
        "datetime",
        "uuid",
        "json",
        "decimal[:PRECISION:SCALE] (12:2)",
        "enum:VALUE1:VALUE2",
        "ref:FEATURE",
        "ref:users",
        "refs:FEATURE",
        "optional",
        "unique",
        "index",
        "default=VALUE",
        "--public",
        "--read",
        "--write",
        "--soft-delete",
        "owner|user|anyone",
        "owner|user|admin",
        "--project",
        "--dry-run",
        "customer:ref:customers",
        "kind:enum:draft,optional,final",
        "-2147483648..2147483647",
    ):
        assert piece in help_text, piece


def test_remove_feature_help_and_the_command_list() -> None:
    remove_help = invoke("remove-feature", "--help")
    assert remove_help.exit_code == 0
    for option in ("--force", "--project", "--dry-run"):
        assert option in remove_help.stdout
    commands = invoke("--help")
    assert "add-feature" in commands.stdout
    assert "remove-feature" in commands.stdout


@pytest.mark.parametrize(
    ("name", "field", "problem"),
    [
        ("strs", "title", "gives 'str'"),
        ("AsyncSession", "title", "would define a class AsyncSession"),
        ("a" * 61, "title", "longer than 60 characters"),
        ("a" * 40, "title", "would generate a line of"),  # the test module's docstring
        ("b" * 30, "c" * 30 + ":index", "would need the database name 'ix_"),
    ],
)
def test_names_that_would_break_the_generated_code_are_refused(
    root: Path, name: str, field: str, problem: str
) -> None:
    assert_one_line_error(invoke("add-feature", name, field), 2, problem)


def test_a_name_only_auth_projects_use_is_fine_without_auth(root: Path) -> None:
    result = invoke("add-feature", "refresh-tokens", "title")  # the table exists only with auth
    assert result.exit_code == 0, result.output
    assert (root / "app/features/refresh_tokens/models.py").is_file()


def test_a_failed_write_is_one_line_and_changes_nothing(root: Path) -> None:
    (root / "tests/features/orders").write_text("")  # a file where a directory must go
    before = snapshot(root)

    result = invoke("add-feature", "orders", *ORDER_FIELDS)

    assert_one_line_error(result, 1, "Could not change ")
    assert "nothing was changed" in result.output
    assert "create" not in result.output  # the plan is shown only once it is written
    assert snapshot(root) == before


def test_removing_an_applied_migration_says_how_to_fix_the_database(root: Path) -> None:
    assert invoke("add-feature", "orders", *ORDER_FIELDS).exit_code == 0

    result = invoke("remove-feature", "orders")

    assert result.exit_code == 0, result.output
    assert "alembic downgrade base" in result.output


@pytest.mark.parametrize(
    "flags",
    [["--read", "user"], ["--write", "admin"], ["--public"], ["--read", "user", "--write", "user"]],
)
def test_policies_are_refused_without_users(root: Path, flags: list[str]) -> None:
    before = snapshot(root)

    result = invoke("add-feature", "orders", *ORDER_FIELDS, *flags)

    given = " and ".join(flag for flag in flags if flag.startswith("--"))
    verb = "needs" if len(flags) < 3 else "need"
    assert_one_line_error(result, 2, f"{given} {verb} users, and this project has none")
    assert snapshot(root) == before


@pytest.mark.parametrize(("lock", "uv", "runner"), [
    (True, None, "uv run "), (False, "/usr/bin/uv", "uv run "), (False, None, ""),
])  # fmt: skip
def test_next_steps_run_as_new_recommends(
    root: Path, monkeypatch: pytest.MonkeyPatch, lock: bool, uv: str | None, runner: str
) -> None:
    """Through uv where the project has uv.lock or uv is installed, bare in a virtualenv."""
    if lock:
        (root / "uv.lock").write_text("")
    monkeypatch.setattr("shutil.which", lambda name: uv if name == "uv" else "/usr/bin/" + name)

    added = invoke("add-feature", "orders", *ORDER_FIELDS)
    removed = invoke("remove-feature", "orders")

    assert f"Next:\n  {runner}alembic upgrade head\n  {runner}pytest\n" in added.stdout
    assert f"Next:\n  {runner}pytest\n" in removed.stdout


def test_the_usage_shows_fields_as_required_and_repeatable() -> None:
    usage = invoke("add-feature", "--help").stdout.splitlines()[0]

    assert "FIELD..." in usage
    assert "[FIELD" not in usage
