from http import HTTPStatus
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Path, Request, Response

from app.core.config import API_PREFIX
from app.core.dependencies import KnownQuery, SessionDep, SettingsDep
from app.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    Unauthorized,
    error_responses,
)
from app.core.rate_limit import client_address
from app.features.auth import service
from app.features.auth.dependencies import (
    AUTH_ERRORS,
    CurrentSessionId,
    CurrentUser,
    rate_limited,
)
from app.features.auth.schemas import (
    Client,
    LoginForm,
    PasswordResetConfirm,
    PasswordResetRequest,
    RefreshRequest,
    SessionRead,
    TokenConfirm,
    TokenPair,
)
from app.features.users import service as users_service
from app.features.users.schemas import UserCreate, UserRead

router = APIRouter(prefix=f"{API_PREFIX}/auth", tags=["auth"], dependencies=[Depends(KnownQuery())])
# Responses that carry tokens must not be kept by browsers or proxies.
NO_STORE = {"Cache-Control": "no-store"}


@router.post(
    "/register",
    status_code=HTTPStatus.CREATED,
    responses=error_responses(Conflict),
    dependencies=[rate_limited("rate_limit_register")],
)
async def register(
    data: UserCreate, session: SessionDep, settings: SettingsDep, background: BackgroundTasks
) -> UserRead:
    """Create an account; a link to verify its address is mailed to it."""
    user = await service.register(session, background, settings=settings, data=data)
    return UserRead.model_validate(user)


@router.post(
    "/login",
    responses=error_responses(Unauthorized, Forbidden),
    dependencies=[rate_limited("rate_limit_login")],
)
async def login(
    form: Annotated[LoginForm, Form()],
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
) -> TokenPair:
    """Sign in with the OAuth2 password form (the email goes in `username`).

    Besides the limit per client address, failed logins are refused per (address, account) and
    slow the account's next attempts from anywhere: see the threat model in the README.
    """
    response.headers.update(NO_STORE)
    return await service.login(
        session,
        settings=settings,
        limiter=request.app.state.rate_limiter,
        email=form.username,
        password=form.password,
        client=_client(request),
    )


@router.post(
    "/refresh",
    responses=error_responses(Unauthorized),
    dependencies=[rate_limited("rate_limit_refresh")],
)
async def refresh(
    data: RefreshRequest,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
) -> TokenPair:
    """Trade a refresh token for a new pair; the old refresh token stops working."""
    response.headers.update(NO_STORE)
    return await service.refresh(
        session, settings=settings, refresh_token=data.refresh_token, client=_client(request)
    )


def _client(request: Request) -> Client:
    return Client(
        address=client_address(request.scope, request.app.state.trusted_proxies),
        user_agent=request.headers.get("user-agent"),
    )


@router.post("/logout", status_code=HTTPStatus.NO_CONTENT)
async def logout(data: RefreshRequest, session: SessionDep) -> None:
    """Sign out here: the session the refresh token belongs to ends."""
    await service.logout(session, refresh_token=data.refresh_token)


@router.get("/sessions", name="list-sessions", responses=AUTH_ERRORS)
async def list_sessions(
    session: SessionDep, settings: SettingsDep, user: CurrentUser, current: CurrentSessionId
) -> list[SessionRead]:
    """The caller's signed-in devices, the most recently used first."""
    return await service.list_sessions(session, settings=settings, user_id=user.id, current=current)


@router.post(
    "/sessions/end-others",
    name="end-other-sessions",
    status_code=HTTPStatus.NO_CONTENT,
    responses=AUTH_ERRORS,
)
async def end_other_sessions(
    session: SessionDep, user: CurrentUser, current: CurrentSessionId
) -> None:
    """Sign out every session of the account but the caller's."""
    await service.end_other_sessions(session, user_id=user.id, current=current)


@router.delete(
    "/sessions/{session_id}",
    name="end-session",
    status_code=HTTPStatus.NO_CONTENT,
    responses={**AUTH_ERRORS, **error_responses(NotFound)},
)
async def end_session(
    session_id: Annotated[str, Path(max_length=32)], session: SessionDep, user: CurrentUser
) -> None:
    """Sign one session out: its refresh token stops working, its access token runs out."""
    await service.end_session(session, user_id=user.id, session_id=session_id)


@router.post(
    "/password-reset",
    name="request-password-reset",
    status_code=HTTPStatus.ACCEPTED,
    dependencies=[rate_limited("rate_limit_password_reset")],
)
async def request_password_reset(
    data: PasswordResetRequest, request: Request, background: BackgroundTasks, settings: SettingsDep
) -> None:
    """Mail a link to reset the password, if the address is an account's.

    Always 202, after the same work either way: the answer never tells whether the account exists.
    """
    await service.request_password_reset(
        background,
        database=request.app.state.database,
        settings=settings,
        limiter=request.app.state.rate_limiter,
        email=data.email,
    )


@router.post(
    "/password-reset/confirm",
    name="confirm-password-reset",
    status_code=HTTPStatus.NO_CONTENT,
    dependencies=[rate_limited("rate_limit_password_reset")],
)
async def confirm_password_reset(
    data: PasswordResetConfirm, request: Request, session: SessionDep, settings: SettingsDep
) -> None:
    """Set a new password with the mailed token; every session of the account is signed out."""
    await service.confirm_password_reset(
        session, settings=settings, limiter=request.app.state.rate_limiter, data=data
    )


@router.post(
    "/verify-email",
    name="resend-verification",
    status_code=HTTPStatus.ACCEPTED,
    responses={**AUTH_ERRORS, **error_responses(Conflict)},
    dependencies=[rate_limited("rate_limit_email_verification")],
)
async def resend_verification(
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    settings: SettingsDep,
    caller: CurrentUser,
) -> None:
    """Mail another link to verify the caller's address; 409 once it is verified."""
    user = await users_service.get(session, user_id=caller.id)
    await service.resend_verification(
        session,
        background,
        settings=settings,
        limiter=request.app.state.rate_limiter,
        user=user,
    )


@router.post(
    "/verify-email/confirm",
    name="confirm-email",
    responses=error_responses(Conflict),
    dependencies=[rate_limited("rate_limit_email_verification")],
)
async def confirm_email(data: TokenConfirm, session: SessionDep) -> UserRead:
    """Verify the address the token was mailed to; a new address becomes the account's now."""
    return UserRead.model_validate(await service.confirm_email(session, token=data.token))
