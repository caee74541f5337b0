"""Auth: logins, sessions, refresh token rotation with reuse detection, logout, password changes
and resets.

A login starts a session: a token family. Every refresh revokes the presented token and issues
its successor in the same family; presenting an already revoked token means it was copied, so
the whole family is revoked and the legitimate holder must sign in again. Ending a session
revokes its family; its access tokens, short-lived, run out on their own.
"""

import logging
import uuid
from datetime import UTC, datetime, timedelta

import anyio
from fastapi import BackgroundTasks
from sqlalchemy import select, true, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.db import Database
from app.core.errors import TooManyRequests
from app.core.rate_limit import RateLimiter
from app.core.security import (
    create_access_token,
    hash_password,
    hash_token,
    new_token,
    verify_password,
)
from app.features.auth import mail
from app.features.auth.exceptions import (
    AlreadyVerified,
    InactiveUser,
    InvalidAccountToken,
    InvalidCredentials,
    InvalidRefreshToken,
    RefreshTokenReused,
    SessionNotFound,
    WrongPassword,
)
from app.features.auth.models import AccountToken, RefreshToken, TokenPurpose, UserSession
from app.features.auth.schemas import Client, PasswordResetConfirm, SessionRead, TokenPair
from app.features.users import service as users_service
from app.features.users.models import User
from app.features.users.schemas import PasswordChange, UserCreate

logger = logging.getLogger(__name__)


async def register(
    session: AsyncSession, background: BackgroundTasks, *, settings: Settings, data: UserCreate
) -> User:
    """Create the account, unverified, and mail a link to verify its address."""
    user = await users_service.create(
        session,
        email=data.email,
        password_hash=await hash_password(data.password, settings),
        full_name=data.full_name,
    )
    await _mail_verification(session, background, settings=settings, user=user, email=user.email)
    return user


async def resend_verification(
    session: AsyncSession,
    background: BackgroundTasks,
    *,
    settings: Settings,
    limiter: RateLimiter,
    user: User,
) -> None:
    if user.email_verified_at is not None:
        raise AlreadyVerified
    await _count_verification_mail(settings, limiter, user)
    await _mail_verification(session, background, settings=settings, user=user, email=user.email)


async def request_email_change(
    session: AsyncSession,
    background: BackgroundTasks,
    *,
    settings: Settings,
    limiter: RateLimiter,
    user: User,
    email: str,
) -> None:
    """Mail a link to the new address; the account keeps its address until the link is followed."""
    await users_service.ensure_email_free(session, email=email)
    await _count_verification_mail(settings, limiter, user)
    await _mail_verification(session, background, settings=settings, user=user, email=email)


async def confirm_email(session: AsyncSession, *, token: str) -> User:
    """Mark the address the token was mailed to as verified, making it the account's address."""
    user, email = await _use_account_token(session, token=token, purpose=TokenPurpose.VERIFY_EMAIL)
    if email != user.email:
        await users_service.ensure_email_free(session, email=email)  # taken since it was asked
        user.email = email
    now = datetime.now(UTC)
    user.email_verified_at = now
    # Links to other addresses (an earlier change asked for) must not undo this one.
    await _void_account_tokens(session, user_id=user.id, purpose=TokenPurpose.VERIFY_EMAIL, now=now)
    await session.flush()
    return user


async def _count_verification_mail(settings: Settings, limiter: RateLimiter, user: User) -> None:
    """Verification mail per account is limited: the account's owner asks for it, so a 429 is
    theirs to see, and nobody can use the account to flood an inbox."""
    await limiter.hit(settings.rate_limit_verification_mail, "verification_mail", str(user.id))


async def _mail_verification(
    session: AsyncSession,
    background: BackgroundTasks,
    *,
    settings: Settings,
    user: User,
    email: str,
) -> None:
    token = await _issue_account_token(
        session,
        user=user,
        purpose=TokenPurpose.VERIFY_EMAIL,
        lifetime=timedelta(hours=settings.email_verification_expire_hours),
        email=email,
    )
    message = mail.compose(
        "verify_email",
        to=email,
        subject=f"Confirm your address for {settings.app_name}",
        app_name=settings.app_name,
        link=f"{settings.frontend_url}/verify-email?token={token}",
        hours=str(settings.email_verification_expire_hours),
    )
    mail.send_later(background, message, settings)


async def login(
    session: AsyncSession,
    *,
    settings: Settings,
    limiter: RateLimiter,
    email: str,
    password: str,
    client: Client,
) -> TokenPair:
    """Check the password, within the limits that cannot be turned against the owner.

    Failures are refused (429) per (client address, account): guesses from one address use up
    that address's allowance for the account, and the owner signing in from elsewhere is not
    counted with them. Failures of the account from every address only slow its next attempts.
    Unknown emails are counted as accounts too, so that the limits do not tell which exist.
    """
    account = email.strip().lower()
    pair = f"{client.address} {account}"
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
    family_id = uuid.uuid4().hex
    now = datetime.now(UTC)
    session.add(
        UserSession(family_id=family_id, user_id=user.id, last_used_at=now, **_seen(client))
    )
    return await _issue_tokens(session, settings=settings, user=user, family_id=family_id)


async def refresh(
    session: AsyncSession, *, settings: Settings, refresh_token: str, client: Client
) -> TokenPair:
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
    await session.execute(
        update(UserSession)
        .where(UserSession.family_id == stored.family_id)
        .values(last_used_at=now, **_seen(client))
    )
    return await _issue_tokens(session, settings=settings, user=user, family_id=stored.family_id)


def _seen(client: Client) -> dict[str, str | None]:
    """The session's columns that say where it was used last, cut to their lengths."""
    return {
        "client_address": client.address[:64],
        "user_agent": (client.user_agent or "")[:255] or None,
    }


async def list_sessions(
    session: AsyncSession, *, settings: Settings, user_id: int, current: str | None
) -> list[SessionRead]:
    """The account's sessions that can still refresh, the most recently used first."""
    unused_since = datetime.now(UTC) - timedelta(days=settings.refresh_token_expire_days)
    found = await session.scalars(
        select(UserSession)
        .where(
            UserSession.user_id == user_id,
            UserSession.revoked_at.is_(None),
            UserSession.last_used_at > unused_since,
        )
        .order_by(UserSession.last_used_at.desc(), UserSession.id.desc())
    )
    return [
        SessionRead(
            id=row.family_id,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            client_address=row.client_address,
            user_agent=row.user_agent,
            current=row.family_id == current,
        )
        for row in found
    ]


async def end_session(session: AsyncSession, *, user_id: int, session_id: str) -> None:
    """Sign one of the account's sessions out; another account's is as unknown as a made-up id."""
    ended = await session.scalar(
        select(UserSession.family_id).where(
            UserSession.family_id == session_id,
            UserSession.user_id == user_id,
            UserSession.revoked_at.is_(None),
        )
    )
    if ended is None:
        raise SessionNotFound
    await _revoke_family(session, family_id=ended, now=datetime.now(UTC))


async def end_other_sessions(session: AsyncSession, *, user_id: int, current: str | None) -> None:
    await _revoke_sessions(session, user_id=user_id, now=datetime.now(UTC), keep=current)


async def logout(session: AsyncSession, *, refresh_token: str) -> None:
    """Revoke the session the token belongs to; an unknown token is already logged out."""
    stored = await _find(session, refresh_token)
    if stored is not None:
        await _revoke_family(session, family_id=stored.family_id, now=datetime.now(UTC))


async def change_password(
    session: AsyncSession,
    *,
    settings: Settings,
    user: User,
    data: PasswordChange,
    current: str | None,
) -> None:
    """Set a new password; every session but the caller's (`current`) is signed out."""
    if not await verify_password(data.current_password, user.password_hash, settings):
        raise WrongPassword
    new_hash = await hash_password(data.new_password, settings)
    await users_service.set_password_hash(session, user=user, password_hash=new_hash)
    await _revoke_sessions(session, user_id=user.id, now=datetime.now(UTC), keep=current)


async def request_password_reset(
    background: BackgroundTasks,
    *,
    database: Database,
    settings: Settings,
    limiter: RateLimiter,
    email: str,
) -> None:
    """Answer a reset request with the same work whether or not the account exists.

    The critical path is only this: a count per account, and one password hash check, so that
    the request costs what a login costs and is no cheaper oracle. Whether the address is an
    account's is looked up after the response (`mail_password_reset`).
    """
    await verify_password(email, None, settings)  # the hash check a login of this address costs
    try:
        await limiter.hit(settings.rate_limit_password_reset_per_account, "password_reset", email)
    except TooManyRequests:
        return  # enough mail to this address for now: answered as usual, nothing sent
    background.add_task(mail_password_reset, database, settings, email)


async def mail_password_reset(database: Database, settings: Settings, email: str) -> None:
    """After the response: mail a reset link, if the address is an active account's.

    Nobody waits for this any more, so a failure is logged (with the request id) and not raised.
    """
    try:
        async with database.transaction() as session:
            user = await users_service.find_by_email(session, email=email)
            if user is None or not user.is_active:
                return
            token = await _issue_account_token(
                session,
                user=user,
                purpose=TokenPurpose.PASSWORD_RESET,
                lifetime=timedelta(minutes=settings.password_reset_expire_minutes),
            )
    except SQLAlchemyError:
        logger.exception("password reset for a requested address not issued")
        return
    link = f"{settings.frontend_url}/reset-password?token={token}"
    await mail.send(
        mail.compose(
            "password_reset",
            to=user.email,
            subject=f"Reset your {settings.app_name} password",
            app_name=settings.app_name,
            link=link,
            minutes=str(settings.password_reset_expire_minutes),
        ),
        settings,
    )


async def confirm_password_reset(
    session: AsyncSession,
    *,
    settings: Settings,
    limiter: RateLimiter,
    data: PasswordResetConfirm,
) -> None:
    """Set the new password; the token, every other reset token and every session stop working."""
    user, mailed_to = await _use_account_token(
        session, token=data.token, purpose=TokenPurpose.PASSWORD_RESET
    )
    await limiter.hit(
        settings.rate_limit_password_reset_per_account, "password_reset_confirm", user.email
    )
    new_hash = await hash_password(data.new_password, settings)
    await users_service.set_password_hash(session, user=user, password_hash=new_hash)
    now = datetime.now(UTC)
    await _void_account_tokens(
        session, user_id=user.id, purpose=TokenPurpose.PASSWORD_RESET, now=now
    )
    await _revoke_sessions(session, user_id=user.id, now=now)
    if mailed_to == user.email:  # the link proved the address as a verification link would
        user.email_verified_at = user.email_verified_at or now


async def _issue_account_token(
    session: AsyncSession,
    *,
    user: User,
    purpose: TokenPurpose,
    lifetime: timedelta,
    email: str | None = None,
) -> str:
    """A new token to mail to `email` (the account's address unless given)."""
    token = new_token()
    session.add(
        AccountToken(
            user_id=user.id,
            purpose=purpose,
            email=email or user.email,
            token_hash=hash_token(token),
            expires_at=datetime.now(UTC) + lifetime,
        )
    )
    await session.flush()
    return token


async def _use_account_token(
    session: AsyncSession, *, token: str, purpose: TokenPurpose
) -> tuple[User, str]:
    """The user a mailed token was issued to and the address it was mailed to, once: the token
    is marked used in the same statement.

    Of two requests presenting one token at the same moment, the conditional UPDATE lets exactly
    one through; unknown, used and expired tokens all get the same answer.
    """
    now = datetime.now(UTC)
    claimed = (
        await session.execute(
            update(AccountToken)
            .where(
                AccountToken.token_hash == hash_token(token),
                AccountToken.purpose == purpose,
                AccountToken.used_at.is_(None),
                AccountToken.expires_at > now,
            )
            .values(used_at=now)
            .returning(AccountToken.user_id, AccountToken.email)
            .execution_options(synchronize_session=False)
        )
    ).first()
    user = None if claimed is None else await session.get(User, claimed.user_id)
    if claimed is None or user is None or not user.is_active:
        raise InvalidAccountToken
    return user, claimed.email


async def _void_account_tokens(
    session: AsyncSession, *, user_id: int, purpose: TokenPurpose, now: datetime
) -> None:
    """Every link of `purpose` mailed to the account stops working."""
    await session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == user_id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=now)
    )


async def _revoke_sessions(
    session: AsyncSession, *, user_id: int, now: datetime, keep: str | None = None
) -> None:
    """Sign out every session of the account, but `keep` when given."""
    for model in (UserSession, RefreshToken):
        await session.execute(
            update(model)
            .where(
                model.user_id == user_id,
                model.revoked_at.is_(None),
                model.family_id != keep if keep is not None else true(),
            )
            .values(revoked_at=now)
        )


async def _find(session: AsyncSession, refresh_token: str) -> RefreshToken | None:
    token_hash = hash_token(refresh_token)
    return await session.scalar(select(RefreshToken).where(RefreshToken.token_hash == token_hash))


async def _revoke_family(session: AsyncSession, *, family_id: str, now: datetime) -> None:
    for model in (UserSession, RefreshToken):
        await session.execute(
            update(model)
            .where(model.family_id == family_id, model.revoked_at.is_(None))
            .values(revoked_at=now)
        )


async def _issue_tokens(
    session: AsyncSession, *, settings: Settings, user: User, family_id: str
) -> TokenPair:
    refresh_token = new_token()
    session.add(
        RefreshToken(
            user_id=user.id,
            family_id=family_id,
            token_hash=hash_token(refresh_token),
            expires_at=datetime.now(UTC) + timedelta(days=settings.refresh_token_expire_days),
        )
    )
    await session.flush()
    return TokenPair(
        access_token=create_access_token(user.id, settings, session_id=family_id),
        refresh_token=refresh_token,
        expires_in=settings.access_token_expire_minutes * 60,
    )
