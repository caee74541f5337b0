from app.core.errors import Conflict, NotFound


class UserNotFound(NotFound):
    def __init__(self, user_id: int) -> None:
        super().__init__(f"User {user_id} not found")


class EmailTaken(Conflict):
    def __init__(self) -> None:
        super().__init__("A user with this email already exists")


class CannotDeleteSelf(Conflict):
    def __init__(self) -> None:
        super().__init__("Admins cannot delete their own account")


class UserOwnsRows(Conflict):
    def __init__(self, user_id: int, features: list[str]) -> None:
        super().__init__(
            f"User {user_id} still owns rows in {', '.join(features)}: deactivate the account "
            "instead (is_active: false), or delete those rows first"
        )


class LastAdmin(Conflict):
    def __init__(self) -> None:
        super().__init__("The last active admin cannot give up the admin role or be deactivated")
