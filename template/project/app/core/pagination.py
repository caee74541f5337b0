"""Limit/offset pagination with a total, shared by every list endpoint."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.bounds import INT32_MAX

MAX_LIMIT = 100

RowT = TypeVar("RowT")
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
    session: AsyncSession, statement: Select[RowT], params: PageParams
) -> Paginated[RowT]:
    """Run `statement` for one page, and count every row it would return."""
    count_statement: Select[Any] = select(func.count()).select_from(
        statement.order_by(None).subquery()
    )
    total = (await session.execute(count_statement)).scalar_one()
    rows = await session.scalars(statement.limit(params.limit).offset(params.offset))
    return Paginated(items=rows.all(), total=total, limit=params.limit, offset=params.offset)
