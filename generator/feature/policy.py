"""Who may read and who may write a feature's rows: `--read` owner, user or anyone; `--write`
owner, user or admin.

`owner`: rows belong to the user who created them; other users get 404 (or, when they may read
the row, 403 on a write); admins reach every row. `user`: any signed-in user. `anyone`: no token
needed. `admin`: admins only, others get 403. `--public` is the name of `--read anyone
--write user`, what it has meant from the start.
"""

from dataclasses import dataclass
from enum import StrEnum
from http import HTTPStatus
from typing import TypeVar

from generator.core.errors import InvalidInput


class Read(StrEnum):
    OWNER = "owner"
    USER = "user"
    ANYONE = "anyone"


class Write(StrEnum):
    OWNER = "owner"
    USER = "user"
    ADMIN = "admin"


CALLERS = ("anonymous", "owner", "another_user", "admin")
"""Who the generated access tests call as: no token, the user the row was made for, a second
user, an admin."""
ACTIONS = ("list", "read", "create", "update", "delete")


@dataclass(frozen=True)
class Policy:
    read: Read = Read.OWNER
    write: Write = Write.OWNER

    @property
    def owned(self) -> bool:
        """Rows record the user who created them."""
        return self.write is Write.OWNER or self.read is Read.OWNER

    @property
    def private(self) -> bool:
        """Users see only their own rows (admins see all)."""
        return self.read is Read.OWNER

    @property
    def guards_writes(self) -> bool:
        """Everyone who may read a row may not change it: its owner or an admin may."""
        return self.write is Write.OWNER and not self.private

    @property
    def signed_in_reads(self) -> bool:
        return self.read is not Read.ANYONE

    def expected(self, caller: str, action: str) -> tuple[HTTPStatus, bool]:
        """The status `caller` gets for `action` on a row made for `owner`, and (for list and
        read) whether the row is in what they get back."""
        anonymous, admin = caller == "anonymous", caller == "admin"
        if action in {"list", "read"}:
            if anonymous and self.signed_in_reads:
                return HTTPStatus.UNAUTHORIZED, False
            sees = admin or caller == "owner" or not self.private
            if action == "read" and not sees:
                return HTTPStatus.NOT_FOUND, False
            return HTTPStatus.OK, sees
        done = {
            "create": HTTPStatus.CREATED,
            "update": HTTPStatus.OK,
            "delete": HTTPStatus.NO_CONTENT,
        }[action]
        if anonymous:
            return HTTPStatus.UNAUTHORIZED, False
        if admin or self.write is Write.USER:
            return done, False
        if self.write is Write.ADMIN:
            return HTTPStatus.FORBIDDEN, False
        if action == "create" or caller == "owner":
            return done, False
        return (HTTPStatus.NOT_FOUND if self.private else HTTPStatus.FORBIDDEN), False

    def matrix(self) -> list[tuple[str, str, int, bool]]:
        found = []
        for action in ACTIONS:
            for caller in CALLERS:
                status, sees = self.expected(caller, action)
                found.append((caller, action, int(status), sees))
        return found


PUBLIC = Policy(Read.ANYONE, Write.USER)
_Choice = TypeVar("_Choice", Read, Write)


def resolve_policy(
    read: str | None, write: str | None, *, public: bool, auth: bool
) -> Policy | None:
    """The policy the flags ask for, or None in a project without users; refuses what makes
    no sense, with the reason."""
    given = [flag for flag, value in (("--read", read), ("--write", write)) if value is not None]
    if public:
        given.append("--public")
    if not auth:
        if given:
            raise InvalidInput(
                f"{' and '.join(given)} {'needs' if len(given) == 1 else 'need'} users, and "
                "this project has none (--no-auth): "
                "anyone reads and writes every row."
            )
        return None
    if public:
        if read is not None or write is not None:
            raise InvalidInput(
                "--public means --read anyone --write user; give either --public or --read/--write."
            )
        return PUBLIC
    policy = Policy(
        _choice(Read, "--read", read, Read.OWNER), _choice(Write, "--write", write, Write.OWNER)
    )
    if policy.read is Read.OWNER and policy.write is Write.USER:
        raise InvalidInput(
            "--read owner --write user would let users change rows they cannot see; "
            "use --write owner, or --read user so that writers can see what they change."
        )
    if policy.read is Read.OWNER and policy.write is Write.ADMIN:
        raise InvalidInput(
            "--read owner --write admin: only admins would create rows, so no user would own "
            "one to read; use --read user or --read anyone for rows that admins keep."
        )
    return policy


def _choice(kind: type[_Choice], flag: str, value: str | None, default: _Choice) -> _Choice:
    if value is None:
        return default
    try:
        return kind(value.strip().lower())
    except ValueError:
        choices = "|".join(member.value for member in kind)
        raise InvalidInput(f"{flag} is one of {choices}, not '{value}'.") from None
