from http import HTTPStatus

from fastapi import APIRouter, BackgroundTasks, Depends, Request, Response

from app.core.bounds import PathId
from app.core.config import API_PREFIX
from app.core.dependencies import KnownQuery, SessionDep, SettingsDep
from app.core.errors import Conflict, NotFound, error_responses
from app.core.pagination import Page, PageParams, PageParamsDep, page_links
from app.features.auth import service as auth_service
from app.features.auth.dependencies import AUTH_ERRORS, AdminUser, CurrentSessionId, CurrentUser
from app.features.users import service
from app.features.users.schemas import PasswordChange, UserAdminUpdate, UserRead, UserUpdate

router = APIRouter(
    prefix=f"{API_PREFIX}/users",
    tags=["users"],
    responses=AUTH_ERRORS,
    dependencies=[Depends(KnownQuery(PageParams))],
)


@router.get("/me", name="read-me")
async def read_me(user: CurrentUser) -> UserRead:
    return UserRead.model_validate(user)


@router.patch("/me", name="update-me", responses=error_responses(Conflict))
async def update_me(
    data: UserUpdate,
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    settings: SettingsDep,
    caller: CurrentUser,
) -> UserRead:
    """Change the caller's name at once; a new address once the link mailed to it is followed."""
    user = await service.get(session, user_id=caller.id)
    changes = data.changes()
    email = changes.pop("email", None)
    if isinstance(email, str) and email != user.email:
        await auth_service.request_email_change(
            session,
            background,
            settings=settings,
            limiter=request.app.state.rate_limiter,
            user=user,
            email=email,
        )
    updated = await service.update(session, user=user, data=UserUpdate.model_validate(changes))
    return UserRead.model_validate(updated)


@router.put("/me/password", name="change-my-password", status_code=HTTPStatus.NO_CONTENT)
async def change_my_password(
    data: PasswordChange,
    session: SessionDep,
    settings: SettingsDep,
    caller: CurrentUser,
    current: CurrentSessionId,
) -> None:
    """Change the password; every other session of the account is signed out."""
    user = await service.get(session, user_id=caller.id)
    await auth_service.change_password(
        session, settings=settings, user=user, data=data, current=current
    )


@router.get("", name="list")
async def list_users(
    session: SessionDep, _: AdminUser, params: PageParamsDep, request: Request, response: Response
) -> Page[UserRead]:
    page = await service.list_page(session, params=params)
    response.headers["Link"] = page_links(request.url, page)
    return Page[UserRead].model_validate(page)


@router.get("/{user_id}", name="read", responses=error_responses(NotFound))
async def read_user(user_id: PathId, session: SessionDep, _: AdminUser) -> UserRead:
    return UserRead.model_validate(await service.get(session, user_id=user_id))


@router.patch("/{user_id}", name="update", responses=error_responses(NotFound, Conflict))
async def update_user(
    user_id: PathId, data: UserAdminUpdate, session: SessionDep, _: AdminUser
) -> UserRead:
    user = await service.get(session, user_id=user_id)
    return UserRead.model_validate(await service.update_as_admin(session, user=user, data=data))


@router.delete(
    "/{user_id}",
    name="delete",
    status_code=HTTPStatus.NO_CONTENT,
    responses=error_responses(NotFound, Conflict),
)
async def delete_user(user_id: PathId, session: SessionDep, admin: AdminUser) -> None:
    user = await service.get(session, user_id=user_id)
    await service.delete(session, user=user, acting_user=admin)
