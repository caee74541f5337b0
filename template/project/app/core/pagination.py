"""Limit/offset pagination with a total and RFC 8288 links, shared by every list endpoint."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import URL

from app.core.bounds import INT32_MAX

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
