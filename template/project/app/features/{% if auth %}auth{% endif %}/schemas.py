from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.bounds import NulFreeStr
from app.features.users.schemas import Email, Password


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    expires_in: int  # seconds until the access token expires


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is a 422, never dropped

    refresh_token: str


class LoginForm(BaseModel):
    """The OAuth2 password grant's form (so "Authorize" in /docs works): the email is `username`."""

    username: Annotated[NulFreeStr, Field(max_length=320)]
    password: Annotated[str, Field(max_length=128)]


class PasswordResetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email


class PasswordResetConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: Annotated[str, Field(max_length=128)]
    new_password: Password


class SessionRead(BaseModel):
    """A signed-in device. `current`: the session the caller's access token belongs to."""

    id: str
    created_at: datetime
    last_used_at: datetime
    client_address: str | None
    user_agent: str | None
    current: bool


class Client(BaseModel):
    """Who is signing in or refreshing, as the session list shows them."""

    address: str
    user_agent: str | None


class TokenConfirm(BaseModel):
    """A token mailed to the user, as the link to the front end carried it."""

    model_config = ConfigDict(extra="forbid")

    token: Annotated[str, Field(max_length=128)]
