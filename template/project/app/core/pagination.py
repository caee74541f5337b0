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
# The window count's column in every row of a page.
TOTAL = "total_rows"


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

    The count is a window over the same statement, so a page is one round trip, not two: each
    row carries one more column, `TOTAL`, which read schemas do not look at. Only a page past
    the last row, which has no row to carry it, costs a count of its own.
    """
    counted = statement.add_columns(func.count().over().label(TOTAL))
    rows = (await session.execute(counted.limit(params.limit).offset(params.offset))).all()
    if rows:
        total: int = rows[0][-1]
    elif params.offset == 0:
        total = 0
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
