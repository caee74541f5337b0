"""Pages of lists, shared by every list endpoint, with RFC 8288 links: limit/offset pages with
a total, and keyset pages behind an opaque cursor the server signs (`--pagination cursor`)."""

import base64
import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from starlette.datastructures import URL

from app.core.bounds import INT32_MAX
from app.core.errors import Unprocessable

MAX_LIMIT = 100
MAX_SET = 100
"""The most values one set filter (`?status=a&status=b`) takes."""

ModelT = TypeVar("ModelT")
ItemT = TypeVar("ItemT")


class PageParams(BaseModel):
    model_config = ConfigDict(frozen=True)

    limit: int
    offset: int


# async: a plain `def` dependency costs a thread-pool hop (see app/core/dependencies.py).
async def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")] = 20,
    offset: Annotated[int, Query(ge=0, le=INT32_MAX, description="Items to skip.")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


PageParamsDep = Annotated[PageParams, Depends(page_params)]


@dataclass(frozen=True, slots=True)
class Paginated(Generic[ModelT]):
    """One page of rows as a service returns it."""

    items: Sequence[ModelT]
    total: int
    limit: int
    offset: int

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total


class Page(BaseModel, Generic[ItemT]):
    """One page of results as the API returns it."""

    model_config = ConfigDict(from_attributes=True)

    items: list[ItemT]
    total: int
    limit: int
    offset: int
    has_next: bool


async def paginate(
    session: AsyncSession, statement: Select[ModelT], params: PageParams
) -> Paginated[ModelT]:
    """Run `statement` (a select of one model) for one page, and count every row it matches.

    A page with rows that is not full tells the total by itself, so only a full page (or one
    past the end) costs a count, a separate `count(*)`: a window count in the page's own
    statement would make the database read every matching row for every page.
    """
    page = statement.limit(params.limit).offset(params.offset)
    items = (await session.scalars(page)).all()
    if 0 < len(items) < params.limit or (not items and params.offset == 0):
        total = params.offset + len(items)
    else:
        count: Select[Any] = select(func.count()).select_from(statement.order_by(None).subquery())
        total = (await session.execute(count)).scalar_one()
    return Paginated(items=items, total=total, limit=params.limit, offset=params.offset)


def page_links(url: URL, page: Paginated[Any]) -> str:
    """The `Link` header of a page (RFC 8288): first, prev, next and last, each the request's own
    URL (its filters and sort kept) with another offset."""
    offsets = {"first": 0}
    if page.offset > 0:
        offsets["prev"] = max(min(page.offset, page.total) - page.limit, 0)
    if page.has_next:
        offsets["next"] = page.offset + page.limit
    offsets["last"] = max(page.total - 1, 0) // page.limit * page.limit
    return ", ".join(
        f'<{url.include_query_params(limit=page.limit, offset=offset)}>; rel="{rel}"'
        for rel, offset in offsets.items()
    )


MAX_CURSOR = 1000
"""The longest cursor a client may send: the signed position of a row, well within."""


class CursorParams(BaseModel):
    model_config = ConfigDict(frozen=True)

    limit: int
    cursor: str | None


async def cursor_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")] = 20,
    cursor: Annotated[
        str | None,
        Query(max_length=MAX_CURSOR, description="The previous page's next_cursor, as it came."),
    ] = None,
) -> CursorParams:
    return CursorParams(limit=limit, cursor=cursor)


CursorParamsDep = Annotated[CursorParams, Depends(cursor_params)]


class InvalidCursor(Unprocessable):
    def __init__(self) -> None:
        super().__init__("cursor is not one this list gave, or the filters or sort changed")


@dataclass(frozen=True, slots=True)
class Keyset(Generic[ModelT]):
    """One keyset page as a service returns it."""

    items: Sequence[ModelT]
    limit: int
    next_cursor: str | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


class CursorPage(BaseModel, Generic[ItemT]):
    """One keyset page as the API returns it: pass `next_cursor` as `cursor` for the next."""

    model_config = ConfigDict(from_attributes=True)

    items: list[ItemT]
    limit: int
    next_cursor: str | None
    has_next: bool


@dataclass(frozen=True, slots=True)
class Keys:
    """What a keyset page is ordered by: a column, its direction, and the id that breaks ties."""

    column: InstrumentedAttribute[Any]
    descending: bool
    id: InstrumentedAttribute[int]


@cache
def _values_of(python_type: type) -> TypeAdapter[Any]:
    return TypeAdapter(python_type)


def _sign(secret: str, payload: bytes) -> bytes:
    return hmac.new(secret.encode(), payload, hashlib.sha256).digest()


def _query_key(query: BaseModel) -> str:
    """The filters and the sort a cursor was given for: another list's cursor is refused."""
    return hashlib.sha256(query.model_dump_json().encode()).hexdigest()[:16]


def _encode(secret: str, query: BaseModel, keys: Keys, row: Any) -> str:
    value = getattr(row, keys.column.key)
    values = _values_of(keys.column.type.python_type)
    payload = json.dumps(
        [_query_key(query), values.dump_python(value, mode="json"), getattr(row, keys.id.key)]
    ).encode()
    token = base64.urlsafe_b64encode(_sign(secret, payload) + payload)
    return token.decode().rstrip("=")


def _decode(secret: str, query: BaseModel, keys: Keys, cursor: str) -> tuple[Any, int]:
    """The sort value and the id of the last row of the page before, if the server signed them
    for this very list; else InvalidCursor (a 422)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        signature, payload = raw[:32], raw[32:]
        if not hmac.compare_digest(signature, _sign(secret, payload)):
            raise InvalidCursor
        key, value, last_id = json.loads(payload)
        if key != _query_key(query) or not isinstance(last_id, int):
            raise InvalidCursor
        values = _values_of(keys.column.type.python_type)
        return (None if value is None else values.validate_python(value)), last_id
    except (ValueError, TypeError, ValidationError):
        raise InvalidCursor from None


def _after(keys: Keys, value: Any, last_id: int) -> ColumnElement[bool]:
    """Rows after (value, id) in the page order: the column's direction, nulls last, then ids
    ascending. Concurrent inserts and deletes move no row across this line."""
    column, later_id = keys.column, keys.id > last_id
    if value is None:
        return and_(column.is_(None), later_id)
    beyond = column < value if keys.descending else column > value
    return or_(beyond, and_(column == value, later_id), column.is_(None))


async def paginate_keyset(
    session: AsyncSession,
    statement: Select[ModelT],
    keys: Keys,
    params: CursorParams,
    *,
    query: BaseModel,
    secret: str,
) -> Keyset[ModelT]:
    """Run `statement` for the page after `params.cursor`: one indexed range scan, as cheap
    deep in the list as on its first page (no offset to skip, no count)."""
    if params.cursor is not None:
        value, last_id = _decode(secret, query, keys, params.cursor)
        statement = statement.where(_after(keys, value, last_id))
    direction = keys.column.desc() if keys.descending else keys.column.asc()
    ordered = statement.order_by(direction.nulls_last(), keys.id.asc())
    rows = (await session.scalars(ordered.limit(params.limit + 1))).all()
    items = rows[: params.limit]
    more = len(rows) > params.limit
    next_cursor = _encode(secret, query, keys, items[-1]) if more else None
    return Keyset(items=items, limit=params.limit, next_cursor=next_cursor)


def cursor_links(url: URL, page: Keyset[Any]) -> str:
    """The `Link` header of a keyset page: the first page and, when there is one, the next."""
    first = url.remove_query_params("cursor").include_query_params(limit=page.limit)
    links = [f'<{first}>; rel="first"']
    if page.next_cursor is not None:
        following = url.include_query_params(limit=page.limit, cursor=page.next_cursor)
        links.append(f'<{following}>; rel="next"')
    return ", ".join(links)
