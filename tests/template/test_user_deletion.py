"""Deleting a user never deletes their rows: 409 naming the features, deactivation instead.

A project made by `fastapi-gen new` gets two features with owners; a test module written into
it, run by its own pytest on SQLite and PostgreSQL, deletes users through the API: one who
owns rows (refused, every row kept), one deactivated instead, one who owns nothing (deleted).
"""

from pathlib import Path

import pytest

from tests.template.conftest import BIN, Project, Variant, create_database, postgres_admin_url
from tests.template.test_project import passed_count

PROJECT_TEST = """
from http import HTTPStatus

from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.features.notes.models import Note
from app.features.users.models import User
from tests.factories import create_user
from tests.features.notes.factories import create_note
from tests.features.tasks.factories import create_task


async def test_a_user_who_owns_rows_is_not_deleted(
    client: AsyncClient, session: AsyncSession, settings: Settings, admin_headers: dict[str, str]
) -> None:
    owner = await create_user(session, settings)
    await create_note(session, owner)
    await create_task(session, owner)

    response = await client.delete(f"/api/v1/users/{owner.id}", headers=admin_headers)

    assert response.status_code == HTTPStatus.CONFLICT
    message = response.json()["error"]["message"]
    assert message.startswith(f"User {owner.id} still owns rows in ")
    assert "notes" in message
    assert "tasks" in message
    assert "is_active" in message
    assert await session.get(User, owner.id) is not None
    notes = select(func.count()).select_from(Note).where(Note.owner_id == owner.id)
    assert await session.scalar(notes) == 1


async def test_deactivation_keeps_the_rows(
    client: AsyncClient, session: AsyncSession, settings: Settings, admin_headers: dict[str, str]
) -> None:
    owner = await create_user(session, settings)
    await create_note(session, owner)

    response = await client.patch(
        f"/api/v1/users/{owner.id}", json={"is_active": False}, headers=admin_headers
    )

    assert response.status_code == HTTPStatus.OK
    assert response.json()["is_active"] is False
    notes = select(func.count()).select_from(Note).where(Note.owner_id == owner.id)
    assert await session.scalar(notes) == 1


async def test_a_user_who_owns_nothing_is_deleted(
    client: AsyncClient, session: AsyncSession, settings: Settings, admin_headers: dict[str, str]
) -> None:
    owner = await create_user(session, settings)
    other = await create_user(session, settings)
    await create_note(session, other)

    response = await client.delete(f"/api/v1/users/{owner.id}", headers=admin_headers)

    assert response.status_code == HTTPStatus.NO_CONTENT
"""


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_deleting_a_user_never_deletes_their_rows(
    tmp_path: Path, database: str, mypy_cache: Path
) -> None:
    env = {"MYPY_CACHE_DIR": str(mypy_cache)}
    if database == "postgresql":
        admin_url = postgres_admin_url()
        env["TEST_DATABASE_URL"] = create_database(admin_url, "fg_user_deletion_test")
    maker = Project(path=tmp_path, variant=Variant(database, auth=True), env=env)
    maker.check(str(BIN / "fastapi-gen"), "new", "shop", "--no-lock", "--database", database)
    project = Project(path=tmp_path / "shop", variant=maker.variant, env=env)
    project.check("fastapi-gen", "add-feature", "notes", "title:str:40")
    project.check("fastapi-gen", "add-feature", "tasks", "title:str:40", "--soft-delete")
    (project.path / "tests/test_user_deletion.py").write_text(PROJECT_TEST.lstrip())

    pytest = ("python", "-m", "pytest", "-q", "-p", "no:cacheprovider")

    assert passed_count(project.check(*pytest, "tests/test_user_deletion.py")) == 3
    passed_count(project.check(*pytest))  # and the project's own tests with it
    project.check("ruff", "check", ".")
    assert "Success" in project.check("mypy")
