"""Auth: logins, refresh token rotation with reuse detection, logout, password changes.

A login starts a token family. Every refresh revokes the presented token and issues its
successor in the same family; presenting an already revoked token means it was copied,
so the whole family is revoked and the legitimate holder must sign in again.
"""

import uuid
from datetime import UTC, datetime, timedelta

import anyio
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.rate_limit import RateLimiter
from app.core.security import (
    create_access_token,
    hash_password,
    hash_refresh_token,
    new_refresh_token,
    verify_password,
)
from app.features.auth.exceptions import (
    InactiveUser,
    InvalidCredentials,
    InvalidRefreshToken,
    RefreshTokenReused,
    WrongPassword,
)
from app.features.auth.models import RefreshToken
from app.features.auth.schemas import TokenPair
from app.features.users import service as users_service
from app.features.users.models import User
from app.features.users.schemas import PasswordChange, UserCreate


async def register(session: AsyncSession, *, settings: Settings, data: UserCreate) -> User:
    return await users_service.create(
        session,
        email=data.email,
        password_hash=await hash_password(data.password, settings),
        full_name=data.full_name,
    )


async def login(
    session: AsyncSession,
    *,
    settings: Settings,
    limiter: RateLimiter,
    email: str,
    password: str,
    address: str,
) -> TokenPair:
    """Check the password, within the limits that cannot be turned against the owner.

    Failures are refused (429) per (client address, account): guesses from one address use up
    that address's allowance for the account, and the owner signing in from elsewhere is not
    counted with them. Failures of the account from every address only slow its next attempts.
    Unknown emails are counted as accounts too, so that the limits do not tell which exist.
    """
    account = email.strip().lower()
    pair = f"{address} {account}"
    await limiter.check(settings.rate_limit_login_failures, "login_failures", pair)
    delay = await limiter.slowdown(
        settings.login_slowdown_per_account,
        "login_failures_of_account",
        account,
        max_seconds=settings.login_slowdown_max_seconds,
    )
    if delay:
        await anyio.sleep(delay)
    user = await users_service.find_by_email(session, email=email)
    # An unknown email costs the same hash check as a wrong password and gets the same answer.
    if not await verify_password(password, user.password_hash if user else None, settings):
        await limiter.add(settings.login_slowdown_per_account, "login_failures_of_account", account)
        await limiter.hit(settings.rate_limit_login_failures, "login_failures", pair)
        raise InvalidCredentials
    assert user is not None  # noqa: S101 (verify_password is False without a user)
    if not user.is_active:
        raise InactiveUser
    return await _issue_tokens(session, settings=settings, user=user, family_id=uuid.uuid4().hex)


async def refresh(session: AsyncSession, *, settings: Settings, refresh_token: str) -> TokenPair:
    stored = await _find(session, refresh_token)
    now = datetime.now(UTC)
    if stored is None or stored.expires_at <= now:
        raise InvalidRefreshToken
    # Claim the token in one conditional UPDATE: of two requests presenting it at the same
    # moment, exactly one revokes it; the other finds it revoked, which is reuse.
    claimed = await session.scalar(
        update(RefreshToken)
        .where(RefreshToken.id == stored.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .returning(RefreshToken.id)
        .execution_options(synchronize_session=False)
    )
    if claimed is None:
        await _revoke_family(session, family_id=stored.family_id, now=now)
        raise RefreshTokenReused
    user = await session.get(User, stored.user_id)
    if user is None or not user.is_active:
        raise InvalidRefreshToken
    return await _issue_tokens(session, settings=settings, user=user, family_id=stored.family_id)


async def logout(session: AsyncSession, *, refresh_token: str) -> None:
    """Revoke the session the token belongs to; an unknown token is already logged out."""
    stored = await _find(session, refresh_token)
    if stored is not None:
        await _revoke_family(session, family_id=stored.family_id, now=datetime.now(UTC))


async def change_password(
    session: AsyncSession, *, settings: Settings, user: User, data: PasswordChange
) -> None:
    if not await verify_password(data.current_password, user.password_hash, settings):
        raise WrongPassword
    new_hash = await hash_password(data.new_password, settings)
    await users_service.set_password_hash(session, user=user, password_hash=new_hash)
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )


async def _find(session: AsyncSession, refresh_token: str) -> RefreshToken | None:
    token_hash = hash_refresh_token(refresh_token)
    return await session.scalar(select(RefreshToken).where(RefreshToken.token_hash == token_hash))


async def _revoke_family(session: AsyncSession, *, family_id: str, now: datetime) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def _issue_tokens(
    session: AsyncSession, *, settings: Settings, user: User, family_id: str
) -> TokenPair:
    refresh_token = new_refresh_token()
    session.add(
        RefreshToken(
            user_id=user.id,
            family_id=family_id,
            token_hash=hash_refresh_token(refresh_token),
            expires_at=datetime.now(UTC) + timedelta(days=settings.refresh_token_expire_days),
        )
    )
    await session.flush()
    return TokenPair(
        access_token=create_access_token(user.id, settings),
        refresh_token=refresh_token,
        expires_in=settings.access_token_expire_minutes * 60,
    )
