from http import HTTPStatus

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.cli import create_admin, main
from app.core.config import API_PREFIX, Settings
from app.features.users import service as users_service
from app.features.users.models import Role, User
from tests.factories import DEFAULT_PASSWORD, create_user
from tests.support.mailbox import Mailbox


class TestMe:
    async def test_read(
        self, client: AsyncClient, user: User, user_headers: dict[str, str]
    ) -> None:
        response = await client.get(f"{API_PREFIX}/users/me", headers=user_headers)

        assert response.status_code == HTTPStatus.OK
        assert response.json()["email"] == user.email

    async def test_update_name_at_once_and_email_once_verified(
        self, client: AsyncClient, user: User, user_headers: dict[str, str], mailbox: Mailbox
    ) -> None:
        response = await client.patch(
            f"{API_PREFIX}/users/me",
            json={"full_name": "Grace Hopper", "email": "Grace@Example.com"},
            headers=user_headers,
        )

        assert response.status_code == HTTPStatus.OK
        assert response.json()["full_name"] == "Grace Hopper"
        assert response.json()["email"] == user.email
        assert len(mailbox.to("grace@example.com")) == 1

    async def test_clearing_the_name_is_allowed_but_not_the_email(
        self, client: AsyncClient, user_headers: dict[str, str]
    ) -> None:
        cleared = await client.patch(
            f"{API_PREFIX}/users/me", json={"full_name": None}, headers=user_headers
        )
        no_email = await client.patch(
            f"{API_PREFIX}/users/me", json={"email": None}, headers=user_headers
        )

        assert cleared.status_code == HTTPStatus.OK
        assert cleared.json()["full_name"] is None
        assert no_email.status_code == HTTPStatus.UNPROCESSABLE_ENTITY

    async def test_users_cannot_make_themselves_admin(
        self, client: AsyncClient, user_headers: dict[str, str]
    ) -> None:
        response = await client.patch(
            f"{API_PREFIX}/users/me", json={"role": "admin"}, headers=user_headers
        )

        assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY

    async def test_taking_another_users_email_is_a_conflict(
        self, client: AsyncClient, admin: User, user_headers: dict[str, str]
    ) -> None:
        response = await client.patch(
            f"{API_PREFIX}/users/me", json={"email": admin.email}, headers=user_headers
        )

        assert response.status_code == HTTPStatus.CONFLICT


class TestChangePassword:
    async def test_new_password_works_and_sessions_end(
        self, client: AsyncClient, user: User, user_headers: dict[str, str]
    ) -> None:
        login = await client.post(
            f"{API_PREFIX}/auth/login", data={"username": user.email, "password": DEFAULT_PASSWORD}
        )
        old_refresh = login.json()["refresh_token"]

        changed = await client.put(
            f"{API_PREFIX}/users/me/password",
            json={"current_password": DEFAULT_PASSWORD, "new_password": "a brand new secret"},
            headers=user_headers,
        )

        assert changed.status_code == HTTPStatus.NO_CONTENT
        old = await client.post(
            f"{API_PREFIX}/auth/login", data={"username": user.email, "password": DEFAULT_PASSWORD}
        )
        new = await client.post(
            f"{API_PREFIX}/auth/login",
            data={"username": user.email, "password": "a brand new secret"},
        )
        refresh = await client.post(
            f"{API_PREFIX}/auth/refresh", json={"refresh_token": old_refresh}
        )
        assert old.status_code == HTTPStatus.UNAUTHORIZED
        assert new.status_code == HTTPStatus.OK
        assert refresh.status_code == HTTPStatus.UNAUTHORIZED

    async def test_wrong_current_password_is_refused(
        self, client: AsyncClient, user_headers: dict[str, str]
    ) -> None:
        response = await client.put(
            f"{API_PREFIX}/users/me/password",
            json={"current_password": "not it at all", "new_password": "a brand new secret"},
            headers=user_headers,
        )

        assert response.status_code == HTTPStatus.FORBIDDEN


class TestAdminOnly:
    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("GET", f"{API_PREFIX}/users"),
            ("GET", f"{API_PREFIX}/users/1"),
            ("PATCH", f"{API_PREFIX}/users/1"),
            ("DELETE", f"{API_PREFIX}/users/1"),
        ],
    )
    async def test_plain_users_are_forbidden(
        self, client: AsyncClient, user_headers: dict[str, str], method: str, path: str
    ) -> None:
        response = await client.request(method, path, json={}, headers=user_headers)

        assert response.status_code == HTTPStatus.FORBIDDEN
        assert response.json()["error"]["code"] == "forbidden"

    async def test_anonymous_callers_are_unauthorized(self, client: AsyncClient) -> None:
        response = await client.get(f"{API_PREFIX}/users")

        assert response.status_code == HTTPStatus.UNAUTHORIZED


class TestAdmin:
    async def test_lists_users_a_page_at_a_time(
        self,
        client: AsyncClient,
        session: AsyncSession,
        settings: Settings,
        admin_headers: dict[str, str],
    ) -> None:
        for _ in range(4):
            await create_user(session, settings)

        first = await client.get(f"{API_PREFIX}/users", params={"limit": 2}, headers=admin_headers)
        last = await client.get(
            f"{API_PREFIX}/users", params={"limit": 2, "offset": 4}, headers=admin_headers
        )

        assert first.status_code == HTTPStatus.OK
        assert first.json()["total"] == 5
        assert len(first.json()["items"]) == 2
        assert len(last.json()["items"]) == 1
        first_ids = {item["id"] for item in first.json()["items"]}
        assert first_ids.isdisjoint(item["id"] for item in last.json()["items"])

    async def test_limit_is_bounded(
        self, client: AsyncClient, admin_headers: dict[str, str]
    ) -> None:
        response = await client.get(
            f"{API_PREFIX}/users", params={"limit": 1000}, headers=admin_headers
        )

        assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY

    async def test_reads_any_user(
        self, client: AsyncClient, user: User, admin_headers: dict[str, str]
    ) -> None:
        response = await client.get(f"{API_PREFIX}/users/{user.id}", headers=admin_headers)

        assert response.status_code == HTTPStatus.OK
        assert response.json()["email"] == user.email

    async def test_missing_user_is_404(
        self, client: AsyncClient, admin_headers: dict[str, str]
    ) -> None:
        response = await client.get(f"{API_PREFIX}/users/999999", headers=admin_headers)

        assert response.status_code == HTTPStatus.NOT_FOUND
        assert response.json()["error"]["message"] == "User 999999 not found"

    async def test_changes_role_and_disables(
        self, client: AsyncClient, user: User, admin_headers: dict[str, str]
    ) -> None:
        response = await client.patch(
            f"{API_PREFIX}/users/{user.id}",
            json={"role": "admin", "is_active": False},
            headers=admin_headers,
        )

        assert response.status_code == HTTPStatus.OK
        assert response.json()["role"] == "admin"
        assert response.json()["is_active"] is False

    async def test_deletes_a_user(
        self, client: AsyncClient, user: User, admin_headers: dict[str, str]
    ) -> None:
        deleted = await client.delete(f"{API_PREFIX}/users/{user.id}", headers=admin_headers)
        again = await client.get(f"{API_PREFIX}/users/{user.id}", headers=admin_headers)

        assert deleted.status_code == HTTPStatus.NO_CONTENT
        assert again.status_code == HTTPStatus.NOT_FOUND

    async def test_cannot_delete_themselves(
        self, client: AsyncClient, admin: User, admin_headers: dict[str, str]
    ) -> None:
        response = await client.delete(f"{API_PREFIX}/users/{admin.id}", headers=admin_headers)

        assert response.status_code == HTTPStatus.CONFLICT

    @pytest.mark.parametrize("change", [{"role": "user"}, {"is_active": False}])
    async def test_the_last_active_admin_stays_one(
        self,
        client: AsyncClient,
        admin: User,
        admin_headers: dict[str, str],
        change: dict[str, object],
    ) -> None:
        response = await client.patch(
            f"{API_PREFIX}/users/{admin.id}", json=change, headers=admin_headers
        )
        me = await client.get(f"{API_PREFIX}/users/me", headers=admin_headers)

        assert response.status_code == HTTPStatus.CONFLICT
        assert (me.json()["role"], me.json()["is_active"]) == ("admin", True)

    async def test_an_admin_may_step_down_while_another_remains(
        self,
        client: AsyncClient,
        session: AsyncSession,
        settings: Settings,
        admin: User,
        admin_headers: dict[str, str],
    ) -> None:
        await create_user(session, settings, role=Role.ADMIN)

        response = await client.patch(
            f"{API_PREFIX}/users/{admin.id}", json={"role": "user"}, headers=admin_headers
        )

        assert response.status_code == HTTPStatus.OK
        assert response.json()["role"] == "user"

    @pytest.mark.parametrize("user_id", [0, 2**31, 2**63])
    async def test_ids_no_user_can_have_are_422(
        self, client: AsyncClient, admin_headers: dict[str, str], user_id: int
    ) -> None:
        response = await client.get(f"{API_PREFIX}/users/{user_id}", headers=admin_headers)

        assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY


class TestCreateAdminCommand:
    async def test_creates_an_admin(self, session: AsyncSession, settings: Settings) -> None:
        created = await create_admin(
            session, settings, email="root@example.com", password="a long password"
        )

        admin = await users_service.find_by_email(session, email="root@example.com")
        assert created is True
        assert admin is not None
        assert admin.role == Role.ADMIN

    async def test_promotes_an_existing_user(
        self, session: AsyncSession, settings: Settings, user: User
    ) -> None:
        created = await create_admin(session, settings, email=user.email, password="a new password")

        assert created is False
        assert user.role == Role.ADMIN

    def test_refuses_an_invalid_email(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setenv("ADMIN_PASSWORD", "a long password")

        assert main(["create-admin", "not-an-email"]) == 2
        assert "error:" in capsys.readouterr().err
