from datetime import datetime
from typing import Annotated, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field

from app.core.bounds import NulFreeStr
from app.core.schemas import PatchModel
from app.features.users.models import Role

# Addresses are compared case-insensitively, so they are stored lower-cased.
Email = Annotated[EmailStr, AfterValidator(str.lower)]
Password = Annotated[str, Field(min_length=8, max_length=128)]
FullName = Annotated[NulFreeStr, Field(min_length=1, max_length=255)]


class UserCreate(BaseModel):
    email: Email
    password: Password
    full_name: FullName | None = None


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    full_name: str | None
    role: Role
    is_active: bool
    created_at: datetime
    updated_at: datetime


class UserUpdate(PatchModel):
    """What users may change about themselves."""

    nullable_fields: ClassVar[frozenset[str]] = frozenset({"full_name"})

    email: Email | None = None
    full_name: FullName | None = None


class UserAdminUpdate(UserUpdate):
    """What admins may change about anyone."""

    role: Role | None = None
    is_active: bool | None = None


class PasswordChange(BaseModel):
    current_password: str
    new_password: Password
