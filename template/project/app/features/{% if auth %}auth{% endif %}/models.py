from datetime import datetime
from enum import StrEnum

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Model


class UserSession(Model):
    """A signed-in device: one refresh token family, from its login to its latest refresh."""

    __tablename__ = "user_sessions"

    family_id: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # As last seen: the client address and User-Agent of the latest login or refresh.
    client_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    last_used_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class RefreshToken(Model):
    """One refresh token, stored hashed. Tokens rotated from one login share a family."""

    __tablename__ = "refresh_tokens"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    family_id: Mapped[str] = mapped_column(String(32), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class TokenPurpose(StrEnum):
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a purpose, not a password)
    VERIFY_EMAIL = "verify_email"


class AccountToken(Model):
    """A single-use token mailed to a user, stored only as its hash, working until `expires_at`."""

    __tablename__ = "account_tokens"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(
        Enum(
            TokenPurpose,
            native_enum=False,
            length=32,
            values_callable=lambda purposes: [p.value for p in purposes],
        )
    )
    # The address it was mailed to: the one a verification proves (a change of address).
    email: Mapped[str] = mapped_column(String(320))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
