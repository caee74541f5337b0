"""Users: the rules about accounts. Services flush; the request commits."""

from datetime import datetime

from sqlalchemy import Table, bindparam, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import Base, table_of
from app.core.pagination import PageParams, Paginated, paginate
from app.features.users.exceptions import (
    CannotDeleteSelf,
    EmailTaken,
    LastAdmin,
    UserNotFound,
    UserOwnsRows,
)
from app.features.users.models import Role, User
from app.features.users.schemas import UserAdminUpdate, UserRead, UserUpdate

# What the API shows of a user, selected as Core rows (see UserRead).
USERS = table_of(User)
SHOWN_COLUMNS = [USERS.c[name] for name in UserRead.model_fields]
SHOWN_BY_ID = select(*SHOWN_COLUMNS).where(USERS.c.id == bindparam("user_id"))


async def find(session: AsyncSession, *, user_id: int) -> UserRead | None:
    """The user as the API shows it, or None once deleted: one Core row, no ORM instance."""
    row = (await session.execute(SHOWN_BY_ID, {"user_id": user_id})).first()
    return None if row is None else UserRead.model_validate(row)


async def find_by_email(session: AsyncSession, *, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == email.lower()))


async def ensure_email_free(session: AsyncSession, *, email: str) -> None:
    if await find_by_email(session, email=email) is not None:
        raise EmailTaken


async def create(
    session: AsyncSession,
    *,
    email: str,
    password_hash: str,
    full_name: str | None = None,
    role: Role = Role.USER,
    email_verified_at: datetime | None = None,
) -> User:
    await ensure_email_free(session, email=email)
    user = User(
        email=email.lower(),
        password_hash=password_hash,
        full_name=full_name,
        role=role,
        email_verified_at=email_verified_at,
    )
    session.add(user)
    await session.flush()
    return user


async def get(session: AsyncSession, *, user_id: int) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise UserNotFound(user_id)
    return user


async def list_page(session: AsyncSession, *, params: PageParams) -> Paginated[User]:
    return await paginate(session, select(User).order_by(User.id), params)


async def update(session: AsyncSession, *, user: User, data: UserUpdate) -> User:
    changes = data.changes()
    new_email = changes.get("email")
    if isinstance(new_email, str) and new_email != user.email:
        await ensure_email_free(session, email=new_email)
    for field, value in changes.items():
        setattr(user, field, value)
    await session.flush()
    return user


async def update_as_admin(session: AsyncSession, *, user: User, data: UserAdminUpdate) -> User:
    """An admin's change to any account; it may not leave the app without an active admin."""
    changes = data.changes()
    demoted = changes.get("role", user.role) != Role.ADMIN or not changes.get("is_active", True)
    if user.role == Role.ADMIN and user.is_active and demoted:
        await _ensure_another_active_admin(session, user=user)
    return await update(session, user=user, data=data)


async def _ensure_another_active_admin(session: AsyncSession, *, user: User) -> None:
    # Lock every active admin, in id order (on PostgreSQL; SQLite serializes writers anyway),
    # so that two admins demoting each other at the same moment cannot both count on the other.
    admins = select(User.id).where(User.role == Role.ADMIN, User.is_active.is_(True))
    locked = await session.scalars(admins.order_by(User.id).with_for_update())
    if not set(locked) - {user.id}:
        raise LastAdmin


async def set_password_hash(session: AsyncSession, *, user: User, password_hash: str) -> None:
    user.password_hash = password_hash
    await session.flush()


def owned_tables() -> list[Table]:
    """The tables whose rows belong to a user: every feature's with an `owner_id`."""
    return [
        table
        for table in Base.metadata.sorted_tables
        if "owner_id" in table.c
        and any(key.column.table is USERS for key in table.c.owner_id.foreign_keys)
    ]


async def delete(session: AsyncSession, *, user: User, acting_user: UserRead) -> None:
    """Delete an account that owns nothing; one that still owns rows is a 409 naming them.

    Deleting it would delete those rows with it (their owner keys cascade), so the everyday
    path is deactivation. The account's row is locked first: a row being written for it
    meanwhile is either committed, and seen here, or waits and then finds no owner (a 422).
    On SQLite the write lock every writing request takes at its start does the same.
    """
    if user.id == acting_user.id:
        raise CannotDeleteSelf
    await session.refresh(user, with_for_update=True)
    holding = [
        table.name
        for table in owned_tables()
        if await session.scalar(select(exists().where(table.c.owner_id == user.id)))
    ]
    if holding:
        raise UserOwnsRows(user.id, holding)
    await session.delete(user)
    await session.flush()
