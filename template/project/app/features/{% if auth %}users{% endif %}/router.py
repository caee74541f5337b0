from http import HTTPStatus

from fastapi import APIRouter

from app.core.bounds import PathId
from app.core.dependencies import SessionDep, SettingsDep
from app.core.errors import Conflict, NotFound, error_responses
from app.core.pagination import Page, PageParamsDep
from app.core.routing import StrictQueryRoute
from app.features.auth import service as auth_service
from app.features.auth.dependencies import AUTH_ERRORS, AdminUser, CurrentUser
from app.features.users import service
from app.features.users.schemas import PasswordChange, UserAdminUpdate, UserRead, UserUpdate

router = APIRouter(
    prefix="/users", tags=["users"], responses=AUTH_ERRORS, route_class=StrictQueryRoute
)


@router.get("/me")
async def read_me(user: CurrentUser) -> UserRead:
    return UserRead.model_validate(user)


@router.patch("/me", responses=error_responses(Conflict))
async def update_me(data: UserUpdate, session: SessionDep, caller: CurrentUser) -> UserRead:
    user = await service.get(session, user_id=caller.id)
    return UserRead.model_validate(await service.update(session, user=user, data=data))


@router.put("/me/password", status_code=HTTPStatus.NO_CONTENT)
async def change_my_password(
    data: PasswordChange, session: SessionDep, settings: SettingsDep, caller: CurrentUser
) -> None:
    """Change the password; every refresh token of the account stops working."""
    user = await service.get(session, user_id=caller.id)
    await auth_service.change_password(session, settings=settings, user=user, data=data)


@router.get("")
async def list_users(session: SessionDep, _: AdminUser, params: PageParamsDep) -> Page[UserRead]:
    return Page[UserRead].model_validate(await service.list_page(session, params=params))


@router.get("/{user_id}", responses=error_responses(NotFound))
async def read_user(user_id: PathId, session: SessionDep, _: AdminUser) -> UserRead:
    return UserRead.model_validate(await service.get(session, user_id=user_id))


@router.patch("/{user_id}", responses=error_responses(NotFound, Conflict))
async def update_user(
    user_id: PathId, data: UserAdminUpdate, session: SessionDep, _: AdminUser
) -> UserRead:
    user = await service.get(session, user_id=user_id)
    return UserRead.model_validate(await service.update_as_admin(session, user=user, data=data))


@router.delete(
    "/{user_id}",
    status_code=HTTPStatus.NO_CONTENT,
    responses=error_responses(NotFound, Conflict),
)
async def delete_user(user_id: PathId, session: SessionDep, admin: AdminUser) -> None:
    user = await service.get(session, user_id=user_id)
    await service.delete(session, user=user, acting_user=admin)
