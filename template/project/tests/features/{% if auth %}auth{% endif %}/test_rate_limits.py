"""Login, registration and refresh are limited per client address; failed logins per (address,
account), and an account's failures from everywhere slow its attempts without refusing them.
Responses that carry tokens are never stored; password hashes run a bounded number at once."""

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient, Response
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.core import security
from app.core.config import API_PREFIX, Settings
from app.core.db import Database
from app.core.security import hash_token
from app.features.auth.models import AccountToken, TokenPurpose
from app.features.users.models import User
from app.main import create_app
from tests.factories import DEFAULT_PASSWORD, auth_headers, create_user
from tests.support.http import http_client
from tests.support.mailbox import Mailbox

LOGIN = f"{API_PREFIX}/auth/login"
RESET = f"{API_PREFIX}/auth/password-reset"
CONFIRM = f"{RESET}/confirm"
FROM_ONE = {"X-Forwarded-For": "198.51.100.1"}
SLOWDOWN = 0.2  # seconds: the longest wait of `limited_app`, short enough for a test


@pytest.fixture(scope="module")
def limited_app(settings: Settings, engine: AsyncEngine) -> FastAPI:
    """One app with tight limits for the module: building an app prepares every route."""
    changes = {
        "rate_limit_enabled": True,
        "rate_limit_login": "4/minute",
        "rate_limit_login_failures": "2/minute",
        "login_slowdown_per_account": "3/minute",
        "login_slowdown_max_seconds": SLOWDOWN,
        "rate_limit_register": "1/minute",
        "rate_limit_refresh": "1/minute",
        "rate_limit_password_reset": "3/minute",
        "rate_limit_password_reset_per_account": "1/minute",
        "rate_limit_verification_mail": "1/minute",
        "trusted_proxies": ["127.0.0.1"],
    }
    return create_app(settings.model_copy(update=changes), Database(engine))


@pytest.fixture
async def limited(
    limited_app: FastAPI, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[AsyncClient]:
    """A client of `limited_app` in this test's transaction, every counter back at zero."""
    limited_app.state.database = Database(engine, sessionmaker)
    await limited_app.state.rate_limiter.reset()
    async with http_client(limited_app) as client:
        yield client


async def _login(client: AsyncClient, email: str, password: str, source: str) -> Response:
    return await client.post(
        LOGIN,
        data={"username": email, "password": password},
        headers={"X-Forwarded-For": source},
    )


def _assert_refused(response: Response) -> None:
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS, response.text
    assert response.json()["error"]["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) >= 1


async def test_failed_logins_refuse_the_address_that_made_them_not_the_owner(
    limited: AsyncClient, user: User
) -> None:
    failures = [await _login(limited, user.email, "wrong", "203.0.113.1") for _ in "ab"]
    stranger = await _login(limited, user.email, DEFAULT_PASSWORD, "203.0.113.1")
    owner = await _login(limited, user.email, DEFAULT_PASSWORD, "198.51.100.7")
    other_account = await _login(limited, "someone@example.com", "wrong", "203.0.113.1")

    assert [r.status_code for r in failures] == [HTTPStatus.UNAUTHORIZED, HTTPStatus.UNAUTHORIZED]
    _assert_refused(stranger)
    assert owner.status_code == HTTPStatus.OK
    assert other_account.status_code == HTTPStatus.UNAUTHORIZED


async def test_failures_from_many_addresses_slow_the_account_but_never_lock_it(
    limited: AsyncClient, user: User
) -> None:
    failures = [await _login(limited, user.email, "wrong", f"203.0.113.{n}") for n in range(6)]
    started = time.monotonic()
    owner = await _login(limited, user.email, DEFAULT_PASSWORD, "198.51.100.7")
    waited = time.monotonic() - started
    started = time.monotonic()
    other = await _login(limited, "someone@example.com", DEFAULT_PASSWORD, "198.51.100.7")
    other_waited = time.monotonic() - started

    assert {r.status_code for r in failures} == {HTTPStatus.UNAUTHORIZED}
    assert owner.status_code == HTTPStatus.OK
    assert waited >= SLOWDOWN
    assert other.status_code == HTTPStatus.UNAUTHORIZED
    assert other_waited < SLOWDOWN  # the slowdown is the guessed account's alone


async def test_successful_logins_do_not_count_against_the_account(
    limited: AsyncClient, user: User
) -> None:
    responses = [await _login(limited, user.email, DEFAULT_PASSWORD, "203.0.113.1")] * 1
    responses += [
        await _login(limited, user.email, DEFAULT_PASSWORD, f"203.0.113.{n}") for n in (2, 3)
    ]

    assert [r.status_code for r in responses] == [HTTPStatus.OK] * 3


async def test_logins_are_limited_per_address(limited: AsyncClient, user: User) -> None:
    responses = [
        await _login(limited, f"nobody{n}@example.com", "x", "198.51.100.1") for n in range(4)
    ]
    refused = await _login(limited, user.email, DEFAULT_PASSWORD, "198.51.100.1")
    elsewhere = await _login(limited, user.email, DEFAULT_PASSWORD, "198.51.100.2")

    assert {r.status_code for r in responses} == {HTTPStatus.UNAUTHORIZED}
    _assert_refused(refused)
    assert elsewhere.status_code == HTTPStatus.OK


async def test_registrations_and_refreshes_are_limited_per_address(limited: AsyncClient) -> None:
    body = {"email": "new@example.com", "password": "long enough"}
    url = f"{API_PREFIX}/auth"
    first = await limited.post(f"{url}/register", json=body)
    second = await limited.post(f"{url}/register", json={**body, "email": "new2@example.com"})
    refreshes = [await limited.post(f"{url}/refresh", json={"refresh_token": "x"}) for _ in "ab"]

    assert first.status_code == HTTPStatus.CREATED
    _assert_refused(second)
    assert refreshes[0].status_code == HTTPStatus.UNAUTHORIZED
    _assert_refused(refreshes[1])


async def test_reset_requests_are_limited_per_address(limited: AsyncClient) -> None:
    responses = [
        await limited.post(RESET, json={"email": f"n{n}@example.com"}, headers=FROM_ONE)
        for n in range(4)
    ]
    elsewhere = await limited.post(RESET, json={"email": "n9@example.com"})

    assert [r.status_code for r in responses[:3]] == [HTTPStatus.ACCEPTED] * 3
    _assert_refused(responses[3])
    assert elsewhere.status_code == HTTPStatus.ACCEPTED


async def test_reset_mail_per_account_stops_without_a_different_answer(
    limited: AsyncClient, user: User, mailbox: Mailbox
) -> None:
    responses = [
        await limited.post(RESET, json={"email": user.email}, headers={"X-Forwarded-For": source})
        for source in ("203.0.113.1", "203.0.113.2")
    ]

    assert [r.status_code for r in responses] == [HTTPStatus.ACCEPTED] * 2
    assert len(mailbox.to(user.email)) == 1


async def test_reset_confirmations_are_limited_per_address(limited: AsyncClient) -> None:
    guesses = [
        await limited.post(
            CONFIRM, json={"token": f"guess-{n}", "new_password": "long enough"}, headers=FROM_ONE
        )
        for n in range(4)
    ]

    assert [r.status_code for r in guesses[:3]] == [HTTPStatus.UNPROCESSABLE_ENTITY] * 3
    _assert_refused(guesses[3])


async def test_reset_confirmations_are_limited_per_account(
    limited: AsyncClient, session: AsyncSession, user: User
) -> None:
    confirmations = []
    for n in range(2):  # each confirmation voids the other tokens: mail the next one after it
        mailed = f"mailed-token-{n}"
        expires_at = datetime.now(UTC) + timedelta(minutes=5)
        purpose = TokenPurpose.PASSWORD_RESET
        session.add(
            AccountToken(
                user_id=user.id,
                purpose=purpose,
                email=user.email,
                token_hash=hash_token(mailed),
                expires_at=expires_at,
            )
        )
        await session.flush()
        confirmations.append(
            await limited.post(
                CONFIRM,
                json={"token": mailed, "new_password": "long enough"},
                headers={"X-Forwarded-For": f"203.0.113.{n}"},
            )
        )

    assert confirmations[0].status_code == HTTPStatus.NO_CONTENT
    _assert_refused(confirmations[1])


async def test_verification_mail_is_limited_per_account(
    limited: AsyncClient, session: AsyncSession, settings: Settings, mailbox: Mailbox
) -> None:
    unverified = await create_user(session, settings, verified=False)
    headers = auth_headers(unverified, settings)

    first = await limited.post(f"{API_PREFIX}/auth/verify-email", headers=headers)
    second = await limited.post(f"{API_PREFIX}/auth/verify-email", headers=headers)

    assert first.status_code == HTTPStatus.ACCEPTED
    _assert_refused(second)
    assert len(mailbox.to(unverified.email)) == 1


async def test_token_responses_are_never_stored(client: AsyncClient, user: User) -> None:
    login = await client.post(LOGIN, data={"username": user.email, "password": DEFAULT_PASSWORD})
    refresh = await client.post(
        f"{API_PREFIX}/auth/refresh", json={"refresh_token": login.json()["refresh_token"]}
    )

    assert login.status_code == refresh.status_code == HTTPStatus.OK
    assert login.headers["Cache-Control"] == refresh.headers["Cache-Control"] == "no-store"


async def test_password_hashes_run_a_bounded_number_at_once(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = peak = 0

    class SlowHasher:
        def hash(self, password: str) -> str:
            nonlocal running, peak
            running += 1
            peak = max(peak, running)
            asyncio.run(asyncio.sleep(0.02))  # in a worker thread: its own loop
            running -= 1
            return password

    monkeypatch.setattr(security, "_hasher_for", lambda _: SlowHasher())
    bounded = settings.model_copy(update={"password_hash_concurrency": 2})

    results: list[Any] = await asyncio.gather(
        *(security.hash_password(str(n), bounded) for n in range(8))
    )

    assert results == [str(n) for n in range(8)]
    assert peak == 2
