"""Email verification, by the link mailed to the tests' SMTP server.

Registration mails a link; an unverified account signs in and reads but may not write (with
UNVERIFIED_ACCOUNTS=read_only, the default) until it follows the link; a new address takes
effect only once the link mailed to it is followed; resending is limited per account.
"""

from collections.abc import AsyncIterator
from http import HTTPStatus

import pytest
from fastapi import APIRouter, FastAPI
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.core.config import API_PREFIX, Settings
from app.core.db import Database
from app.features.auth.dependencies import CurrentUser
from app.features.users.models import User
from app.main import create_app
from tests.factories import DEFAULT_PASSWORD, auth_headers, create_user
from tests.support.http import http_client
from tests.support.mailbox import Mailbox, body, token

CONFIRM = f"{API_PREFIX}/auth/verify-email/confirm"
RESEND = f"{API_PREFIX}/auth/verify-email"
ME = f"{API_PREFIX}/users/me"
NOTES = "/notes"  # a write route of no account's own, added by `app_with_a_write`


async def _register(client: AsyncClient, email: str) -> dict[str, object]:
    response = await client.post(
        f"{API_PREFIX}/auth/register", json={"email": email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == HTTPStatus.CREATED
    registered: dict[str, object] = response.json()
    return registered


async def _sign_in(client: AsyncClient, email: str) -> dict[str, str]:
    response = await client.post(
        f"{API_PREFIX}/auth/login", data={"username": email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == HTTPStatus.OK
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def test_registration_mails_a_link_that_verifies_the_address(
    client: AsyncClient, mailbox: Mailbox, settings: Settings
) -> None:
    registered = await _register(client, "ada@example.com")
    message = mailbox.only("ada@example.com")
    link = f"{settings.frontend_url}/verify-email?token={token(message)}"

    confirmed = await client.post(CONFIRM, json={"token": token(message)})
    again = await client.post(CONFIRM, json={"token": token(message)})

    assert registered["email_verified_at"] is None
    assert link in body(message)
    assert f'href="{link}"' in body(message, "html")
    assert confirmed.status_code == HTTPStatus.OK
    assert confirmed.json()["email_verified_at"] is not None
    assert again.status_code == HTTPStatus.UNPROCESSABLE_ENTITY


@pytest.fixture
def app_with_a_write(
    settings: Settings, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> FastAPI:
    """The app with one more route that writes, as a feature's would: POST /notes."""
    app = create_app(settings, Database(engine, sessionmaker))
    notes = APIRouter()

    @notes.post("/notes", status_code=HTTPStatus.CREATED)
    async def write(user: CurrentUser) -> None:
        pass

    app.include_router(notes)
    return app


@pytest.fixture
async def writer(app_with_a_write: FastAPI) -> AsyncIterator[AsyncClient]:
    async with http_client(app_with_a_write) as client:
        yield client


async def test_an_unverified_account_signs_in_and_reads_but_may_not_write(
    writer: AsyncClient, mailbox: Mailbox
) -> None:
    await _register(writer, "ada@example.com")
    headers = await _sign_in(writer, "ada@example.com")

    read = await writer.get(ME, headers=headers)
    refused = await writer.post(NOTES, headers=headers)
    own_account = await writer.patch(ME, json={"full_name": "Ada"}, headers=headers)
    await writer.post(CONFIRM, json={"token": token(mailbox.only("ada@example.com"))})
    verified = await writer.post(NOTES, headers=headers)

    assert read.status_code == HTTPStatus.OK
    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert "Verify your email address" in refused.json()["error"]["message"]
    assert own_account.status_code == HTTPStatus.OK
    assert verified.status_code == HTTPStatus.CREATED


async def test_full_access_lets_unverified_accounts_write(
    app_with_a_write: FastAPI, writer: AsyncClient, settings: Settings, mailbox: Mailbox
) -> None:
    app_with_a_write.state.settings = settings.model_copy(
        update={"unverified_accounts": "full_access"}
    )
    await _register(writer, "ada@example.com")

    response = await writer.post(NOTES, headers=await _sign_in(writer, "ada@example.com"))

    assert response.status_code == HTTPStatus.CREATED


async def test_a_new_address_takes_effect_once_verified(
    client: AsyncClient, user: User, user_headers: dict[str, str], mailbox: Mailbox
) -> None:
    old_email = user.email
    asked = await client.patch(ME, json={"email": "new@example.com"}, headers=user_headers)
    before = (await client.get(ME, headers=user_headers)).json()

    confirmed = await client.post(CONFIRM, json={"token": token(mailbox.only("new@example.com"))})
    after = (await client.get(ME, headers=user_headers)).json()

    assert asked.status_code == HTTPStatus.OK
    assert before["email"] == old_email
    assert confirmed.status_code == HTTPStatus.OK
    assert after["email"] == "new@example.com"
    assert (await _sign_in(client, "new@example.com"))["Authorization"]
    old_login = await client.post(
        f"{API_PREFIX}/auth/login", data={"username": old_email, "password": DEFAULT_PASSWORD}
    )
    assert old_login.status_code == HTTPStatus.UNAUTHORIZED


async def test_an_address_taken_meanwhile_is_a_conflict_and_nothing_changes(
    client: AsyncClient,
    session: AsyncSession,
    settings: Settings,
    user: User,
    user_headers: dict[str, str],
    mailbox: Mailbox,
) -> None:
    await client.patch(ME, json={"email": "wanted@example.com"}, headers=user_headers)
    await create_user(session, settings, email="wanted@example.com")

    response = await client.post(CONFIRM, json={"token": token(mailbox.only("wanted@example.com"))})

    assert response.status_code == HTTPStatus.CONFLICT
    assert (await client.get(ME, headers=user_headers)).json()["email"] == user.email


async def test_asking_for_a_taken_address_is_a_conflict_and_mails_nothing(
    client: AsyncClient, admin: User, user_headers: dict[str, str], mailbox: Mailbox
) -> None:
    response = await client.patch(ME, json={"email": admin.email}, headers=user_headers)

    assert response.status_code == HTTPStatus.CONFLICT
    assert mailbox.messages == []


async def test_resending_mails_a_new_link_and_a_verified_address_is_a_conflict(
    client: AsyncClient, session: AsyncSession, settings: Settings, mailbox: Mailbox
) -> None:
    unverified = await create_user(session, settings, verified=False)
    verified = await create_user(session, settings)

    resent = await client.post(RESEND, headers=auth_headers(unverified, settings))
    refused = await client.post(RESEND, headers=auth_headers(verified, settings))

    assert resent.status_code == HTTPStatus.ACCEPTED
    assert len(mailbox.to(unverified.email)) == 1
    assert refused.status_code == HTTPStatus.CONFLICT
    assert mailbox.to(verified.email) == []


async def test_a_later_address_change_voids_earlier_links(
    client: AsyncClient, user: User, user_headers: dict[str, str], mailbox: Mailbox
) -> None:
    await client.patch(ME, json={"email": "first@example.com"}, headers=user_headers)
    await client.patch(ME, json={"email": "second@example.com"}, headers=user_headers)
    first = token(mailbox.only("first@example.com"))
    second = token(mailbox.only("second@example.com"))

    confirmed = await client.post(CONFIRM, json={"token": second})
    stale = await client.post(CONFIRM, json={"token": first})

    assert confirmed.status_code == HTTPStatus.OK
    assert stale.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert (await client.get(ME, headers=user_headers)).json()["email"] == "second@example.com"
