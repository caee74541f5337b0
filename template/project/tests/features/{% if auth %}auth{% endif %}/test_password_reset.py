"""Password reset by mail, delivered to the tests' SMTP server and followed from there.

A request answers 202 after the same work whether or not the account exists; the mailed token
is stored only as its hash, works once, expires, and confirming it ends every session.
"""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any

import pytest
from httpx import AsyncClient, Response
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core import security
from app.core.config import API_PREFIX, Settings
from app.core.security import hash_token
from app.features.auth.models import AccountToken
from app.features.users.models import User
from tests.factories import DEFAULT_PASSWORD, create_user
from tests.support.mailbox import Mailbox, body, token

RESET = f"{API_PREFIX}/auth/password-reset"
CONFIRM = f"{RESET}/confirm"
NEW_PASSWORD = "a new long password"


async def _login(client: AsyncClient, email: str, password: str) -> Response:
    return await client.post(
        f"{API_PREFIX}/auth/login", data={"username": email, "password": password}
    )


async def _reset_token(client: AsyncClient, mailbox: Mailbox, email: str) -> str:
    requested = await client.post(RESET, json={"email": email})
    assert requested.status_code == HTTPStatus.ACCEPTED
    return token(mailbox.to(email)[-1])


async def _confirm(client: AsyncClient, reset_token: str) -> Response:
    return await client.post(CONFIRM, json={"token": reset_token, "new_password": NEW_PASSWORD})


class TestRequest:
    async def test_mails_a_link_whose_token_sets_a_new_password(
        self, client: AsyncClient, user: User, mailbox: Mailbox, settings: Settings
    ) -> None:
        requested = await client.post(RESET, json={"email": user.email.upper()})

        assert requested.status_code == HTTPStatus.ACCEPTED
        message = mailbox.only(user.email)
        assert message["From"] == settings.mail_sender
        assert "Reset your" in message["Subject"]
        link = f"{settings.frontend_url}/reset-password?token={token(message)}"
        assert link in body(message)
        assert f'href="{link}"' in body(message, "html")
        confirmed = await _confirm(client, token(message))
        assert confirmed.status_code == HTTPStatus.NO_CONTENT
        assert (await _login(client, user.email, DEFAULT_PASSWORD)).status_code == 401
        assert (await _login(client, user.email, NEW_PASSWORD)).status_code == HTTPStatus.OK

    async def test_an_unknown_address_gets_the_same_answer_and_no_mail(
        self, client: AsyncClient, user: User, mailbox: Mailbox
    ) -> None:
        known = await client.post(RESET, json={"email": user.email})
        unknown = await client.post(RESET, json={"email": "nobody@example.com"})

        assert known.status_code == unknown.status_code == HTTPStatus.ACCEPTED
        assert known.content == unknown.content
        ignored = {"x-request-id", "date"}
        assert {k: v for k, v in known.headers.items() if k not in ignored} == {
            k: v for k, v in unknown.headers.items() if k not in ignored
        }
        assert len(mailbox.messages) == 1
        assert mailbox.to("nobody@example.com") == []

    async def test_a_disabled_account_gets_no_mail(
        self, client: AsyncClient, session: AsyncSession, settings: Settings, mailbox: Mailbox
    ) -> None:
        disabled = await create_user(session, settings, is_active=False)

        response = await client.post(RESET, json={"email": disabled.email})

        assert response.status_code == HTTPStatus.ACCEPTED
        assert mailbox.messages == []

    async def test_the_token_is_stored_only_as_its_hash(
        self, client: AsyncClient, session: AsyncSession, user: User, mailbox: Mailbox
    ) -> None:
        reset_token = await _reset_token(client, mailbox, user.email)

        stored = (await session.scalars(select(AccountToken))).all()

        assert [row.token_hash for row in stored] == [hash_token(reset_token)]
        assert all(reset_token not in str(vars(row).values()) for row in stored)

    @pytest.mark.parametrize("exists", [True, False], ids=["known", "unknown"])
    async def test_a_request_costs_the_password_hashes_of_a_login(
        self,
        client: AsyncClient,
        user: User,
        mailbox: Mailbox,
        monkeypatch: pytest.MonkeyPatch,
        exists: bool,
    ) -> None:
        email = user.email if exists else "nobody@example.com"
        count = _count_hashes(monkeypatch)

        login = await count(lambda: _login(client, email, "a wrong password"))
        request = await count(lambda: client.post(RESET, json={"email": email}))

        assert (login, request) == (1, 1)


def _count_hashes(
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[[Callable[[], Awaitable[Response]]], Awaitable[int]]:
    """A counter of the Argon2 hashes and checks one request runs."""
    calls = 0
    run_hash = security._run_hash

    async def counted(*args: Any) -> Any:
        nonlocal calls
        calls += 1
        return await run_hash(*args)

    monkeypatch.setattr(security, "_run_hash", counted)

    async def count(send: Callable[[], Awaitable[Response]]) -> int:
        nonlocal calls
        calls = 0
        await send()
        return calls

    return count


class TestConfirm:
    async def test_a_token_works_once(
        self, client: AsyncClient, user: User, mailbox: Mailbox
    ) -> None:
        reset_token = await _reset_token(client, mailbox, user.email)

        first = await _confirm(client, reset_token)
        second = await _confirm(client, reset_token)

        assert first.status_code == HTTPStatus.NO_CONTENT
        assert second.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
        assert second.json()["error"]["code"] == "unprocessable"

    async def test_an_expired_token_is_refused(
        self, client: AsyncClient, session: AsyncSession, user: User, mailbox: Mailbox
    ) -> None:
        reset_token = await _reset_token(client, mailbox, user.email)
        await session.execute(
            update(AccountToken).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )

        response = await _confirm(client, reset_token)

        assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
        assert (await _login(client, user.email, DEFAULT_PASSWORD)).status_code == HTTPStatus.OK

    async def test_it_expires_after_the_configured_minutes(
        self, client: AsyncClient, session: AsyncSession, user: User, mailbox: Mailbox
    ) -> None:
        before = datetime.now(UTC)
        await _reset_token(client, mailbox, user.email)

        expires_at = await session.scalar(select(AccountToken.expires_at))

        assert expires_at is not None
        lifetime = expires_at - before
        assert timedelta(minutes=14) < lifetime <= timedelta(minutes=15, seconds=5)

    @pytest.mark.parametrize("made_up", ["made-up", "x" * 128, ""])
    async def test_an_unknown_token_is_refused(self, client: AsyncClient, made_up: str) -> None:
        response = await _confirm(client, made_up)

        assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
        assert response.json()["error"]["message"] == "Invalid or expired token"

    async def test_it_signs_out_every_session(
        self, client: AsyncClient, user: User, mailbox: Mailbox
    ) -> None:
        logins = [await _login(client, user.email, DEFAULT_PASSWORD) for _ in "ab"]
        reset_token = await _reset_token(client, mailbox, user.email)

        await _confirm(client, reset_token)

        for login in logins:
            refresh_token = login.json()["refresh_token"]
            refreshed = await client.post(
                f"{API_PREFIX}/auth/refresh", json={"refresh_token": refresh_token}
            )
            assert refreshed.status_code == HTTPStatus.UNAUTHORIZED

    async def test_it_voids_the_other_mailed_links(
        self, client: AsyncClient, user: User, mailbox: Mailbox
    ) -> None:
        first = await _reset_token(client, mailbox, user.email)
        second = await _reset_token(client, mailbox, user.email)

        used = await _confirm(client, second)
        older = await _confirm(client, first)

        assert (used.status_code, older.status_code) == (204, HTTPStatus.UNPROCESSABLE_ENTITY)

    async def test_a_short_password_is_refused_and_the_token_kept(
        self, client: AsyncClient, user: User, mailbox: Mailbox
    ) -> None:
        reset_token = await _reset_token(client, mailbox, user.email)

        short = await client.post(CONFIRM, json={"token": reset_token, "new_password": "short"})
        confirmed = await _confirm(client, reset_token)

        assert short.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
        assert confirmed.status_code == HTTPStatus.NO_CONTENT


async def test_of_two_simultaneous_confirmations_one_wins(
    live_client: AsyncClient,
    live_sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    mailbox: Mailbox,
) -> None:
    async with live_sessionmaker() as session:
        user = await create_user(session, settings)
        await session.commit()
    reset_token = await _reset_token(live_client, mailbox, user.email)

    first, second = await asyncio.gather(
        _confirm(live_client, reset_token), _confirm(live_client, reset_token)
    )

    statuses = sorted([first.status_code, second.status_code])
    assert statuses == [HTTPStatus.NO_CONTENT, HTTPStatus.UNPROCESSABLE_ENTITY]
