from http import HTTPStatus
from typing import Annotated

from fastapi import APIRouter, Form

from app.core.dependencies import SessionDep, SettingsDep
from app.core.errors import Conflict, Forbidden, Unauthorized, error_responses
from app.features.auth import service
from app.features.auth.schemas import LoginForm, RefreshRequest, TokenPair
from app.features.users.schemas import UserCreate, UserRead

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/register", status_code=HTTPStatus.CREATED, responses=error_responses(Conflict))
async def register(data: UserCreate, session: SessionDep, settings: SettingsDep) -> UserRead:
    return UserRead.model_validate(await service.register(session, settings=settings, data=data))


@router.post("/login", responses=error_responses(Unauthorized, Forbidden))
async def login(
    form: Annotated[LoginForm, Form()],
    session: SessionDep,
    settings: SettingsDep,
) -> TokenPair:
    """Sign in with the OAuth2 password form (the email goes in `username`)."""
    return await service.login(
        session, settings=settings, email=form.username, password=form.password
    )


@router.post("/refresh", responses=error_responses(Unauthorized))
async def refresh(data: RefreshRequest, session: SessionDep, settings: SettingsDep) -> TokenPair:
    """Trade a refresh token for a new pair; the old refresh token stops working."""
    return await service.refresh(session, settings=settings, refresh_token=data.refresh_token)


@router.post("/logout", status_code=HTTPStatus.NO_CONTENT)
async def logout(data: RefreshRequest, session: SessionDep) -> None:
    await service.logout(session, refresh_token=data.refresh_token)
