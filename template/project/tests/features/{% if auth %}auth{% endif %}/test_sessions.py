"""Sessions: each login is one, listed with where and when it was used; the caller can end one,
end every other, or sign out here; a password change ends every other, a reset every one."""

from http import HTTPStatus

from httpx import AsyncClient, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import API_PREFIX, Settings
from app.features.users.models import User
from tests.factories import DEFAULT_PASSWORD, create_user

SESSIONS = f"{API_PREFIX}/auth/sessions"


async def _sign_in(client: AsyncClient, user: User, agent: str = "test") -> dict[str, str]:
    response = await client.post(
        f"{API_PREFIX}/auth/login",
        data={"username": user.email, "password": DEFAULT_PASSWORD},
        headers={"User-Agent": agent},
    )
    assert response.status_code == HTTPStatus.OK
    tokens: dict[str, str] = response.json()
    return tokens


def _as(tokens: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def _refresh(client: AsyncClient, tokens: dict[str, str]) -> Response:
    return await client.post(
        f"{API_PREFIX}/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )


async def _list(client: AsyncClient, tokens: dict[str, str]) -> list[dict[str, object]]:
    response = await client.get(SESSIONS, headers=_as(tokens))
    assert response.status_code == HTTPStatus.OK
    sessions: list[dict[str, object]] = response.json()
    return sessions


async def test_each_login_is_a_session_listed_with_its_client(
    client: AsyncClient, user: User
) -> None:
    laptop = await _sign_in(client, user, "Laptop/1.0")
    phone = await _sign_in(client, user, "Phone/2.0")

    sessions = await _list(client, phone)

    assert [s["user_agent"] for s in sessions] == ["Phone/2.0", "Laptop/1.0"]
    assert [s["current"] for s in sessions] == [True, False]
    assert {s["client_address"] for s in sessions} == {"127.0.0.1"}
    assert all(s["created_at"] and s["last_used_at"] for s in sessions)
    assert laptop["refresh_token"] != phone["refresh_token"]


async def test_a_refresh_keeps_the_session_and_marks_its_use(
    client: AsyncClient, user: User
) -> None:
    first = await _sign_in(client, user)
    before = await _list(client, first)

    refreshed = (await _refresh(client, first)).json()
    after = await _list(client, refreshed)

    assert [s["id"] for s in after] == [before[0]["id"]]
    assert after[0]["current"] is True
    assert str(after[0]["last_used_at"]) > str(before[0]["last_used_at"])


async def test_ending_one_session_stops_its_refresh_only(client: AsyncClient, user: User) -> None:
    here = await _sign_in(client, user, "here")
    there = await _sign_in(client, user, "there")
    there_id = next(s["id"] for s in await _list(client, here) if s["user_agent"] == "there")

    ended = await client.delete(f"{SESSIONS}/{there_id}", headers=_as(here))

    assert ended.status_code == HTTPStatus.NO_CONTENT
    assert (await _refresh(client, there)).status_code == HTTPStatus.UNAUTHORIZED
    assert [s["user_agent"] for s in await _list(client, here)] == ["here"]
    assert (await _refresh(client, here)).status_code == HTTPStatus.OK


async def test_another_accounts_session_is_not_found(
    client: AsyncClient, session: AsyncSession, settings: Settings, user: User
) -> None:
    other = await create_user(session, settings)
    theirs = await _sign_in(client, other)
    their_id = (await _list(client, theirs))[0]["id"]
    mine = await _sign_in(client, user)

    response = await client.delete(f"{SESSIONS}/{their_id}", headers=_as(mine))
    made_up = await client.delete(f"{SESSIONS}/made-up", headers=_as(mine))

    assert response.status_code == made_up.status_code == HTTPStatus.NOT_FOUND
    assert (await _refresh(client, theirs)).status_code == HTTPStatus.OK
    assert [s["id"] for s in await _list(client, mine)] != [their_id]


async def test_ending_every_other_session_keeps_this_one(client: AsyncClient, user: User) -> None:
    others = [await _sign_in(client, user, f"other {n}") for n in range(2)]
    here = await _sign_in(client, user, "here")

    response = await client.post(f"{SESSIONS}/end-others", headers=_as(here))

    assert response.status_code == HTTPStatus.NO_CONTENT
    assert [s["user_agent"] for s in await _list(client, here)] == ["here"]
    for other in others:
        assert (await _refresh(client, other)).status_code == HTTPStatus.UNAUTHORIZED
    assert (await _refresh(client, here)).status_code == HTTPStatus.OK


async def test_signing_out_here_ends_this_session(client: AsyncClient, user: User) -> None:
    here = await _sign_in(client, user, "here")
    there = await _sign_in(client, user, "there")

    response = await client.post(
        f"{API_PREFIX}/auth/logout", json={"refresh_token": here["refresh_token"]}
    )

    assert response.status_code == HTTPStatus.NO_CONTENT
    assert [s["user_agent"] for s in await _list(client, there)] == ["there"]


async def test_a_password_change_ends_every_other_session(client: AsyncClient, user: User) -> None:
    other = await _sign_in(client, user, "other")
    here = await _sign_in(client, user, "here")

    changed = await client.put(
        f"{API_PREFIX}/users/me/password",
        json={"current_password": DEFAULT_PASSWORD, "new_password": "another long one"},
        headers=_as(here),
    )

    assert changed.status_code == HTTPStatus.NO_CONTENT
    assert (await _refresh(client, other)).status_code == HTTPStatus.UNAUTHORIZED
    assert [s["user_agent"] for s in await _list(client, here)] == ["here"]
    assert (await _refresh(client, here)).status_code == HTTPStatus.OK


async def test_sessions_need_a_signed_in_caller(client: AsyncClient) -> None:
    listed = await client.get(SESSIONS)
    ended = await client.post(f"{SESSIONS}/end-others")

    assert listed.status_code == ended.status_code == HTTPStatus.UNAUTHORIZED
