"""Limit/offset pagination with a total, shared by every list endpoint."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Row, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.bounds import INT32_MAX

MAX_LIMIT = 100

RowT = TypeVar("RowT")
EntityT = TypeVar("EntityT")
ItemT = TypeVar("ItemT")


@dataclass(frozen=True, slots=True)
class PageParams:
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
class Paginated(Generic[RowT]):
    """One page of rows as a service returns it."""

    items: Sequence[RowT]
    total: int
    limit: int
    offset: int


class Page(BaseModel, Generic[ItemT]):
    """One page of results as the API returns it."""

    model_config = ConfigDict(from_attributes=True)

    items: list[ItemT]
    total: int
    limit: int
    offset: int


async def paginate(
    session: AsyncSession, statement: Select[Any], params: PageParams
) -> Paginated[Row[Any]]:
    """Run `statement` for one page of Core rows, and count every row it would return.

    A page with rows that is not full tells the total by itself, so only a full page (or one
    past the end) costs a count, a separate `count(*)`: a window count in the page's own
    statement would make the database read every matching row for every page.
    """
    rows = (await session.execute(statement.limit(params.limit).offset(params.offset))).all()
    if 0 < len(rows) < params.limit or (not rows and params.offset == 0):
        total = params.offset + len(rows)
    else:
        count = select(func.count()).select_from(statement.order_by(None).subquery())
        total = (await session.execute(count)).scalar_one()
    return Paginated(items=rows, total=total, limit=params.limit, offset=params.offset)


async def paginate_entities(
    session: AsyncSession, statement: Select[EntityT], params: PageParams
) -> Paginated[EntityT]:
    """One page of ORM instances, for rows whose reads need the ORM (their relationships)."""
    page = await paginate(session, statement, params)
    entities = [row[0] for row in page.items]
    return Paginated(items=entities, total=page.total, limit=page.limit, offset=page.offset)
