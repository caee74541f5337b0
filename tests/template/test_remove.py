"""remove-feature after the feature's migration ran: the printed steps and the tests need no more.

A project made by `fastapi-gen new` (so that it keeps its record in git) gets two features; both
its development database and its persistent test database apply their migrations. One feature
is removed the way a dry run says (downgrade first), the other after the fact with the command
remove-feature prints then. Each time `alembic check` agrees with the development database and
the project's own `pytest` passes with no other step: it rebuilds a test database that is at a
revision the scripts no longer have.
"""

import re
import shlex
from pathlib import Path

import pytest

from tests.template.conftest import BIN, Project, Variant, create_database, postgres_admin_url
from tests.template.test_project import passed_count

NOTE = re.compile(r"'([^']*alembic downgrade [^']*)'")


def printed_command(output: str) -> str:
    found = NOTE.search(" ".join(output.split()))  # the note may be wrapped on screen
    assert found, output
    return found.group(1)


@pytest.fixture(params=["sqlite", "postgresql"])
def project(request: pytest.FixtureRequest, tmp_path: Path) -> Project:
    database: str = request.param
    if database == "postgresql":
        admin_url = postgres_admin_url()
        env = {
            "DATABASE_URL": create_database(admin_url, "fg_remove"),
            "TEST_DATABASE_URL": create_database(admin_url, "fg_remove_test"),
        }
    else:
        env = {
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'dev.db'}",
            "TEST_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'test.db'}",
        }
    maker = Project(path=tmp_path, variant=Variant(database, auth=False), env=env)
    maker.check(
        str(BIN / "fastapi-gen"), "new", "shop", "--no-auth", "--no-lock", "--database", database
    )
    project = Project(path=tmp_path / "shop", variant=maker.variant, env=env)
    project.check("fastapi-gen", "add-feature", "things", "name:str:40:unique")
    project.check("fastapi-gen", "add-feature", "gadgets", "label:str:40", "thing:ref:things")
    project.check("alembic", "upgrade", "head")
    passed_count(project.check("python", "-m", "pytest", "-q", "-p", "no:cacheprovider"))
    return project


def test_removed_migrations_leave_a_project_whose_checks_pass(project: Project) -> None:
    # Before: the dry run names the downgrade to run while the revision file is still there.
    planned = project.check("fastapi-gen", "remove-feature", "gadgets", "--dry-run")
    command = printed_command(planned)
    assert command == "alembic downgrade 0001"
    project.check(*shlex.split(command))
    project.check("fastapi-gen", "remove-feature", "gadgets")
    project.check("alembic", "check")
    passed_count(project.check("python", "-m", "pytest", "-q", "-p", "no:cacheprovider"))

    # After: the note brings the revision back from the record, downgrades, and deletes it.
    project.check("alembic", "upgrade", "head")
    removed = project.check("fastapi-gen", "remove-feature", "things")
    project.check("bash", "-c", f"PATH={shlex.quote(str(BIN))}:$PATH; {printed_command(removed)}")
    assert not list((project.path / "migrations/versions").glob("*things*"))
    project.check("alembic", "check")
    assert "(head)" not in project.check("alembic", "current")  # at base: nothing applied
    passed_count(project.check("python", "-m", "pytest", "-q", "-p", "no:cacheprovider"))


def test_a_feature_others_refer_to_is_refused_without_suggesting_force(project: Project) -> None:
    result = project.run("fastapi-gen", "remove-feature", "things")

    assert result.returncode == 2
    assert "gadgets refer to it" in result.stderr
    assert "--force" not in result.stderr
