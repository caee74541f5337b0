"""Who is calling: `CurrentUser` for any signed-in user, `AdminUser` for admins only."""

from typing import Annotated

from fastapi import Depends, Request, params
from fastapi.security import OAuth2PasswordBearer

from app.core.config import API_PREFIX
from app.core.db import READ_ONLY_METHODS
from app.core.dependencies import SessionDep, SettingsDep
from app.core.errors import Forbidden, Unauthorized, error_responses
from app.core.logging import REQUEST
from app.core.rate_limit import RateLimiter, client_address
from app.core.security import InvalidTokenError, decode_access_token
from app.features.auth.exceptions import (
    AdminRequired,
    EmailNotVerified,
    InactiveUser,
    InvalidAccessToken,
    NotAuthenticated,
)
from app.features.users import service as users_service
from app.features.users.models import Role
from app.features.users.schemas import UserRead

# auto_error=False: a missing token goes through our error shape instead of FastAPI's.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl=f"{API_PREFIX}/auth/login", auto_error=False)

AUTH_ERRORS = error_responses(Unauthorized, Forbidden)
# What an unverified account may always change: its own account (its address, password, sessions).
OWN_ACCOUNT_PATHS = (f"{API_PREFIX}/auth/", f"{API_PREFIX}/users/me")


async def current_user(
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> UserRead:
    if token is None:
        raise NotAuthenticated
    try:
        user_id = decode_access_token(token, settings).user_id
    except InvalidTokenError as error:
        raise InvalidAccessToken from error
    user = await users_service.find(session, user_id=user_id)
    if user is None:  # deleted since the token was issued
        raise InvalidAccessToken
    if not user.is_active:
        raise InactiveUser
    context = REQUEST.get()
    if context is not None:  # the access record names who asked
        context.user_id = user.id
    return user


async def verified_for_writes(
    request: Request, settings: SettingsDep, user: Annotated[UserRead, Depends(current_user)]
) -> UserRead:
    """The signed-in user, whose writes need a verified address under UNVERIFIED_ACCOUNTS=read_only.

    Writes to the caller's own account stay open, so that a mistyped address can be fixed.
    """
    if (
        user.email_verified_at is None
        and settings.unverified_accounts == "read_only"
        and request.method not in READ_ONLY_METHODS
        and not request.url.path.startswith(OWN_ACCOUNT_PATHS)
    ):
        raise EmailNotVerified
    return user


CurrentUser = Annotated[UserRead, Depends(verified_for_writes)]


async def current_session_id(
    _: CurrentUser,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> str | None:
    """The session the caller's access token was issued in (None for a token without one)."""
    assert token is not None  # noqa: S101 (CurrentUser has refused a request without one)
    return decode_access_token(token, settings).session_id


CurrentSessionId = Annotated[str | None, Depends(current_session_id)]


async def admin_user(user: CurrentUser) -> UserRead:
    if user.role != Role.ADMIN:
        raise AdminRequired
    return user


AdminUser = Annotated[UserRead, Depends(admin_user)]


def rate_limited(setting: str) -> params.Depends:
    """A dependency counting each request against the rate named by `setting`, per client."""

    async def hit(request: Request, settings: SettingsDep) -> None:
        limiter: RateLimiter = request.app.state.rate_limiter
        address = client_address(request.scope, request.app.state.trusted_proxies)
        await limiter.hit(getattr(settings, setting), setting, address)

    dependency: params.Depends = Depends(hit)
    return dependency
