from app.core.errors import Conflict, Forbidden, NotFound, Unauthorized, Unprocessable


class InvalidCredentials(Unauthorized):
    def __init__(self) -> None:
        super().__init__("Incorrect email or password")


class NotAuthenticated(Unauthorized):
    def __init__(self) -> None:
        super().__init__("Not authenticated")


class InvalidAccessToken(Unauthorized):
    def __init__(self) -> None:
        super().__init__("Invalid or expired access token")


class InvalidRefreshToken(Unauthorized):
    def __init__(self) -> None:
        super().__init__("Invalid or expired refresh token")


class RefreshTokenReused(InvalidRefreshToken):
    """A rotated token came back: it was stolen or leaked, so its whole family is revoked."""

    keeps_changes = True


class InactiveUser(Forbidden):
    def __init__(self) -> None:
        super().__init__("This account is disabled")


class AdminRequired(Forbidden):
    def __init__(self) -> None:
        super().__init__("Admin role required")


class WrongPassword(Forbidden):
    def __init__(self) -> None:
        super().__init__("The current password is incorrect")


class InvalidAccountToken(Unprocessable):
    """The mailed token is unknown, used already or expired: the same answer for each.

    422 as for any other value the request carries that cannot be acted on (the app documents
    422 on every route).
    """

    def __init__(self) -> None:
        super().__init__("Invalid or expired token")


class SessionNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such session of yours")


class AlreadyVerified(Conflict):
    def __init__(self) -> None:
        super().__init__("This address is verified already")


class EmailNotVerified(Forbidden):
    def __init__(self) -> None:
        super().__init__(
            "Verify your email address first (the link mailed to it, or POST "
            "/auth/verify-email to mail another): until then this account may only read"
        )
