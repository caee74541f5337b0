from datetime import datetime
from typing import Annotated, ClassVar

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema

from app.core.bounds import JsonBool, NulFreeStr
from app.core.schemas import PatchModel
from app.features.users.models import Role


def _email(value: str) -> str:
    """A syntactically valid address, lower-cased: addresses are compared case-insensitively.

    Deliverability is not checked: reserved domains (`.test`, `.local`) are valid addresses,
    as the `email` format in the OpenAPI document says.
    """
    try:
        checked = validate_email(value, check_deliverability=False, globally_deliverable=False)
    except EmailNotValidError as error:
        raise ValueError(f"not a valid email address: {error}") from None
    return checked.normalized.lower()


Email = Annotated[
    str, AfterValidator(_email), WithJsonSchema({"type": "string", "format": "email"})
]
Password = Annotated[str, Field(min_length=8, max_length=128)]
FullName = Annotated[NulFreeStr, Field(min_length=1, max_length=255)]


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is a 422, never dropped

    email: Email
    password: Password
    full_name: FullName | None = None


class UserRead(BaseModel):
    """A user as the API shows it, and the signed-in caller as a request sees it (CurrentUser).

    Every authenticated request reads the caller's row, so that a deleted or deactivated
    account's token stops working at once; it is read as the columns shown, not as an ORM
    instance. Frozen: a change to the account goes through the ORM `User` the route loads.
    """

    model_config = ConfigDict(from_attributes=True, frozen=True)

    id: int
    email: str
    full_name: str | None
    role: Role
    is_active: bool
    email_verified_at: datetime | None
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
    is_active: JsonBool | None = None


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is a 422, never dropped

    current_password: str
    new_password: Password
