"""Who is calling: `CurrentUser` for any signed-in user, `AdminUser` for admins only."""

from typing import Annotated

from fastapi import Depends
from fastapi.security import OAuth2PasswordBearer

from app.core.dependencies import SessionDep, SettingsDep
from app.core.errors import Forbidden, Unauthorized, error_responses
from app.core.security import InvalidTokenError, decode_access_token
from app.features.auth.exceptions import (
    AdminRequired,
    InactiveUser,
    InvalidAccessToken,
    NotAuthenticated,
)
from app.features.users.models import Role, User

# auto_error=False: a missing token goes through our error shape instead of FastAPI's.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/login", auto_error=False)

AUTH_ERRORS = error_responses(Unauthorized, Forbidden)


async def current_user(
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> User:
    if token is None:
        raise NotAuthenticated
    try:
        user_id = decode_access_token(token, settings)
    except InvalidTokenError as error:
        raise InvalidAccessToken from error
    user = await session.get(User, user_id)
    if user is None:  # deleted since the token was issued
        raise InvalidAccessToken
    if not user.is_active:
        raise InactiveUser
    return user


CurrentUser = Annotated[User, Depends(current_user)]


async def admin_user(user: CurrentUser) -> User:
    if user.role != Role.ADMIN:
        raise AdminRequired
    return user


AdminUser = Annotated[User, Depends(admin_user)]
