import asyncio
from datetime import UTC, datetime, timedelta
from http import HTTPStatus

import jwt
import pytest
from fastapi import FastAPI
from httpx import AsyncClient, Response
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import API_PREFIX, Settings
from app.core.security import hash_token
from app.features.auth.models import RefreshToken
from app.features.users.models import User
from tests.factories import DEFAULT_PASSWORD, create_user


async def _login(client: AsyncClient, email: str, password: str = DEFAULT_PASSWORD) -> Response:
    return await client.post(
        f"{API_PREFIX}/auth/login", data={"username": email, "password": password}
    )


async def _tokens(client: AsyncClient, user: User) -> dict[str, str]:
    response = await _login(client, user.email)
    assert response.status_code == HTTPStatus.OK
    tokens: dict[str, str] = response.json()
    return tokens


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class TestRegister:
    async def test_creates_a_user_without_exposing_the_password(self, client: AsyncClient) -> None:
        response = await client.post(
            f"{API_PREFIX}/auth/register",
            json={"email": "Ada@Example.com", "password": "long enough", "full_name": "Ada"},
        )

        assert response.status_code == HTTPStatus.CREATED
        body = response.json()
        assert body["email"] == "ada@example.com"
        assert body["role"] == "user"
        assert "password" not in body
        assert "password_hash" not in body

    async def test_refuses_a_taken_email_in_any_case(self, client: AsyncClient, user: User) -> None:
        response = await client.post(
            f"{API_PREFIX}/auth/register",
            json={"email": user.email.upper(), "password": "long enough"},
        )

        assert response.status_code == HTTPStatus.CONFLICT
        assert response.json()["error"]["code"] == "conflict"

    async def test_refuses_a_short_password(self, client: AsyncClient) -> None:
        response = await client.post(
            f"{API_PREFIX}/auth/register", json={"email": "bob@example.com", "password": "short"}
        )

        assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
        fields = [detail["field"] for detail in response.json()["error"]["details"]]
        assert fields == ["body.password"]


class TestLogin:
    async def test_a_nul_in_the_email_is_refused_before_the_database(
        self, client: AsyncClient, user: User
    ) -> None:
        response = await _login(client, user.email + "\x00")

        assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
        assert response.json()["error"]["details"][0]["field"] == "body.username"

    async def test_returns_tokens_that_authenticate(self, client: AsyncClient, user: User) -> None:
        tokens = await _tokens(client, user)

        assert tokens["token_type"] == "bearer"
        me = await client.get(f"{API_PREFIX}/users/me", headers=_bearer(tokens["access_token"]))
        assert me.status_code == HTTPStatus.OK
        assert me.json()["id"] == user.id

    async def test_unknown_email_and_wrong_password_get_the_same_answer(
        self, client: AsyncClient, user: User
    ) -> None:
        wrong_password = await _login(client, user.email, "not the password")
        unknown_email = await _login(client, "nobody@example.com")

        assert wrong_password.status_code == HTTPStatus.UNAUTHORIZED
        assert unknown_email.status_code == HTTPStatus.UNAUTHORIZED
        assert wrong_password.json() == unknown_email.json()

    async def test_a_disabled_account_cannot_sign_in(
        self, client: AsyncClient, session: AsyncSession, settings: Settings
    ) -> None:
        disabled = await create_user(session, settings, is_active=False)

        response = await _login(client, disabled.email)

        assert response.status_code == HTTPStatus.FORBIDDEN


class TestRefresh:
    async def test_rotates_the_refresh_token(self, client: AsyncClient, user: User) -> None:
        tokens = await _tokens(client, user)

        rotated = await client.post(
            f"{API_PREFIX}/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
        )

        assert rotated.status_code == HTTPStatus.OK
        new_tokens = rotated.json()
        assert new_tokens["refresh_token"] != tokens["refresh_token"]
        me = await client.get(f"{API_PREFIX}/users/me", headers=_bearer(new_tokens["access_token"]))
        assert me.status_code == HTTPStatus.OK

    async def test_reusing_a_rotated_token_revokes_the_whole_family(
        self, client: AsyncClient, user: User
    ) -> None:
        stolen = (await _tokens(client, user))["refresh_token"]
        rotated = await client.post(f"{API_PREFIX}/auth/refresh", json={"refresh_token": stolen})
        successor = rotated.json()["refresh_token"]

        reuse = await client.post(f"{API_PREFIX}/auth/refresh", json={"refresh_token": stolen})
        after_reuse = await client.post(
            f"{API_PREFIX}/auth/refresh", json={"refresh_token": successor}
        )

        assert reuse.status_code == HTTPStatus.UNAUTHORIZED
        assert after_reuse.status_code == HTTPStatus.UNAUTHORIZED

    async def test_other_sessions_survive_a_reuse(self, client: AsyncClient, user: User) -> None:
        stolen = (await _tokens(client, user))["refresh_token"]
        other_device = (await _tokens(client, user))["refresh_token"]
        rotated = await client.post(f"{API_PREFIX}/auth/refresh", json={"refresh_token": stolen})
        reused = await client.post(f"{API_PREFIX}/auth/refresh", json={"refresh_token": stolen})

        response = await client.post(
            f"{API_PREFIX}/auth/refresh", json={"refresh_token": other_device}
        )

        assert (rotated.status_code, reused.status_code) == (HTTPStatus.OK, HTTPStatus.UNAUTHORIZED)
        assert response.status_code == HTTPStatus.OK

    async def test_refuses_an_unknown_token(self, client: AsyncClient) -> None:
        response = await client.post(
            f"{API_PREFIX}/auth/refresh", json={"refresh_token": "made-up"}
        )

        assert response.status_code == HTTPStatus.UNAUTHORIZED

    async def test_refuses_an_expired_token(
        self, client: AsyncClient, session: AsyncSession, user: User
    ) -> None:
        refresh_token = (await _tokens(client, user))["refresh_token"]
        stored = await session.scalar(
            select(RefreshToken).where(RefreshToken.token_hash == hash_token(refresh_token))
        )
        assert stored is not None
        stored.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        await session.flush()

        response = await client.post(
            f"{API_PREFIX}/auth/refresh", json={"refresh_token": refresh_token}
        )

        assert response.status_code == HTTPStatus.UNAUTHORIZED

    async def test_stops_working_when_the_user_is_deleted(
        self, client: AsyncClient, user: User, admin_headers: dict[str, str]
    ) -> None:
        refresh_token = (await _tokens(client, user))["refresh_token"]
        deleted = await client.delete(f"{API_PREFIX}/users/{user.id}", headers=admin_headers)
        assert deleted.status_code == HTTPStatus.NO_CONTENT

        response = await client.post(
            f"{API_PREFIX}/auth/refresh", json={"refresh_token": refresh_token}
        )

        assert response.status_code == HTTPStatus.UNAUTHORIZED


class TestLogout:
    async def test_revokes_the_refresh_token(self, client: AsyncClient, user: User) -> None:
        refresh_token = (await _tokens(client, user))["refresh_token"]

        logout = await client.post(
            f"{API_PREFIX}/auth/logout", json={"refresh_token": refresh_token}
        )
        refresh = await client.post(
            f"{API_PREFIX}/auth/refresh", json={"refresh_token": refresh_token}
        )

        assert logout.status_code == HTTPStatus.NO_CONTENT
        assert refresh.status_code == HTTPStatus.UNAUTHORIZED

    async def test_an_unknown_token_is_already_logged_out(self, client: AsyncClient) -> None:
        response = await client.post(f"{API_PREFIX}/auth/logout", json={"refresh_token": "made-up"})

        assert response.status_code == HTTPStatus.NO_CONTENT


def _forge(settings: Settings, user: User, **changes: object) -> str:
    """An access token like ours, with some claims or the algorithm changed."""
    now = datetime.now(UTC)
    claims: dict[str, object] = {
        "sub": str(user.id),
        "type": "access",
        "iat": now,
        "exp": now + timedelta(minutes=5),
    }
    algorithm = str(changes.pop("algorithm", "HS256"))
    key = str(changes.pop("key", settings.secret_key.get_secret_value()))
    claims.update(changes)
    return jwt.encode(claims, key, algorithm=algorithm)


class TestConcurrency:
    """Real transactions, sent at once: the database, not luck, decides who wins."""

    async def test_one_of_two_simultaneous_refreshes_wins_and_the_family_dies(
        self,
        live_client: AsyncClient,
        live_sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
    ) -> None:
        async with live_sessionmaker() as session:
            user = await create_user(session, settings)
            await session.commit()
        token = (await _tokens(live_client, user))["refresh_token"]

        first, second = await asyncio.gather(
            live_client.post(f"{API_PREFIX}/auth/refresh", json={"refresh_token": token}),
            live_client.post(f"{API_PREFIX}/auth/refresh", json={"refresh_token": token}),
        )

        statuses = sorted([first.status_code, second.status_code])
        assert statuses == [HTTPStatus.OK, HTTPStatus.UNAUTHORIZED]
        winner = first if first.status_code == HTTPStatus.OK else second
        successor = winner.json()["refresh_token"]
        after = await live_client.post(
            f"{API_PREFIX}/auth/refresh", json={"refresh_token": successor}
        )
        assert after.status_code == HTTPStatus.UNAUTHORIZED  # reuse revoked the whole family

    async def test_simultaneous_registrations_of_one_email_give_one_account(
        self, live_client: AsyncClient, live_sessionmaker: async_sessionmaker[AsyncSession]
    ) -> None:
        body = {"email": "race@example.com", "password": "long enough"}

        responses = await asyncio.gather(
            *(live_client.post(f"{API_PREFIX}/auth/register", json=body) for _ in range(10))
        )

        statuses = sorted(response.status_code for response in responses)
        assert statuses == [HTTPStatus.CREATED] + [HTTPStatus.CONFLICT] * 9
        async with live_sessionmaker() as session:
            assert await session.scalar(select(func.count()).select_from(User)) == 1


class TestAccessTokens:
    async def test_missing_token_is_401_with_a_bearer_challenge(self, client: AsyncClient) -> None:
        response = await client.get(f"{API_PREFIX}/users/me")

        assert response.status_code == HTTPStatus.UNAUTHORIZED
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["error"]["code"] == "unauthorized"

    async def test_a_valid_forged_shape_is_accepted(
        self, client: AsyncClient, settings: Settings, user: User
    ) -> None:
        response = await client.get(
            f"{API_PREFIX}/users/me", headers=_bearer(_forge(settings, user))
        )

        assert response.status_code == HTTPStatus.OK

    @pytest.mark.parametrize(
        "changes",
        [
            {"exp": datetime.now(UTC) - timedelta(seconds=1)},
            {"key": "another-secret-key-of-sufficient-length"},
            {"algorithm": "HS512"},
            {"type": "refresh"},
            {"sub": "not-a-number"},
            {"sub": str(2**31)},
            {"sub": "9" * 40},
            {"sub": "0"},
            {"sub": "\u00b2"},  # a digit to str.isdigit, not to int()
            {"sub": 7},
        ],
        ids=[
            "expired",
            "wrong key",
            "wrong algorithm",
            "not an access token",
            "bad subject",
            "subject past the id column",
            "subject past 64 bits",
            "subject zero",
            "superscript digit",
            "subject not a string",
        ],
    )
    async def test_bad_tokens_are_401(
        self, client: AsyncClient, settings: Settings, user: User, changes: dict[str, object]
    ) -> None:
        token = _forge(settings, user, **changes)

        response = await client.get(f"{API_PREFIX}/users/me", headers=_bearer(token))

        assert response.status_code == HTTPStatus.UNAUTHORIZED

    async def test_a_token_accepted_once_is_checked_again_on_the_next_request(
        self, app: FastAPI, client: AsyncClient, settings: Settings, user: User
    ) -> None:
        token = _forge(settings, user, exp=datetime.now(UTC) + timedelta(minutes=1))
        accepted = await client.get(f"{API_PREFIX}/users/me", headers=_bearer(token))
        app.state.settings = settings.model_copy(
            update={"secret_key": SecretStr("another-key-" * 6)}
        )
        try:
            refused = await client.get(f"{API_PREFIX}/users/me", headers=_bearer(token))
        finally:
            app.state.settings = settings

        assert accepted.status_code == HTTPStatus.OK
        assert refused.status_code == HTTPStatus.UNAUTHORIZED

    async def test_unsigned_token_is_401(
        self, client: AsyncClient, settings: Settings, user: User
    ) -> None:
        signed = _forge(settings, user)
        header, payload, _ = signed.split(".")
        unsigned = jwt.encode({"sub": str(user.id)}, None, algorithm="none")
        tampered = f"{header}.{unsigned.split('.')[1]}."

        for token in (unsigned, tampered, f"{header}.{payload}.tampered-signature"):
            response = await client.get(f"{API_PREFIX}/users/me", headers=_bearer(token))
            assert response.status_code == HTTPStatus.UNAUTHORIZED, token

    async def test_token_of_a_deleted_user_is_401(
        self, client: AsyncClient, session: AsyncSession, user: User, user_headers: dict[str, str]
    ) -> None:
        await session.delete(user)
        await session.flush()

        response = await client.get(f"{API_PREFIX}/users/me", headers=user_headers)

        assert response.status_code == HTTPStatus.UNAUTHORIZED

    async def test_token_of_a_disabled_user_is_403(
        self, client: AsyncClient, session: AsyncSession, user: User, user_headers: dict[str, str]
    ) -> None:
        user.is_active = False
        await session.flush()

        response = await client.get(f"{API_PREFIX}/users/me", headers=user_headers)

        assert response.status_code == HTTPStatus.FORBIDDEN
