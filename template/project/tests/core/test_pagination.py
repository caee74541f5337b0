from http import HTTPStatus
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import Select, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import URL

from app.core.bounds import INT32_MAX
from app.core.errors import register_error_handlers
from app.core.pagination import (
    MAX_LIMIT,
    PageParams,
    PageParamsDep,
    Paginated,
    page_links,
    paginate,
)


def _numbers(count: int) -> Select[Any]:
    """1..count as rows of one column `n`, without a table."""
    if count == 0:
        return select(literal(1).label("n")).where(literal(False))
    rows = union_all(*(select(literal(n).label("n")) for n in range(1, count + 1))).subquery()
    return select(rows.c.n).order_by(rows.c.n)


@pytest.mark.parametrize(
    ("limit", "offset", "numbers"),
    [(2, 2, [3, 4]), (2, 4, [5]), (5, 0, [1, 2, 3, 4, 5]), (10, 0, [1, 2, 3, 4, 5])],
)
async def test_a_page_holds_its_slice_and_the_total(
    session: AsyncSession, limit: int, offset: int, numbers: list[int]
) -> None:
    page = await paginate(session, _numbers(5), PageParams(limit=limit, offset=offset))

    assert list(page.items) == numbers
    assert page.total == 5
    assert (page.limit, page.offset) == (limit, offset)


@pytest.mark.parametrize(("count", "offset"), [(5, 5), (5, 40), (0, 0), (0, 3)])
async def test_a_page_past_the_last_row_still_counts_every_row(
    session: AsyncSession, count: int, offset: int
) -> None:
    page = await paginate(session, _numbers(count), PageParams(limit=2, offset=offset))

    assert list(page.items) == []
    assert page.total == count


@pytest.mark.parametrize(
    ("total", "offset", "links"),
    [
        (5, 0, {"first": 0, "next": 2, "last": 4}),
        (5, 2, {"first": 0, "prev": 0, "next": 4, "last": 4}),
        (5, 4, {"first": 0, "prev": 2, "last": 4}),
        (4, 3, {"first": 0, "prev": 1, "last": 2}),
        (5, 40, {"first": 0, "prev": 3, "last": 4}),
        (0, 0, {"first": 0, "last": 0}),
    ],
)
def test_links_keep_the_query_and_move_the_offset(
    total: int, offset: int, links: dict[str, int]
) -> None:
    items = list(range(max(min(2, total - offset), 0)))
    page = Paginated(items=items, total=total, limit=2, offset=offset)
    url = URL("http://test/things?status=a&status=b&sort=-id&offset=7")

    header = page_links(url, page)

    expected = ", ".join(
        f'<http://test/things?status=a&status=b&sort=-id&limit=2&offset={at}>; rel="{rel}"'
        for rel, at in links.items()
    )
    assert header == expected
    assert page.has_next is ("next" in links)


@pytest.fixture(scope="module")
def paged_app() -> FastAPI:
    app = FastAPI()
    register_error_handlers(app)

    @app.get("/items")
    async def items(params: PageParamsDep) -> dict[str, int]:
        return {"limit": params.limit, "offset": params.offset}

    return app


async def _get(app: FastAPI, query: dict[str, int]) -> tuple[int, object]:
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        response = await client.get("/items", params=query)
    return response.status_code, response.json()


async def test_defaults(paged_app: FastAPI) -> None:
    assert await _get(paged_app, {}) == (HTTPStatus.OK, {"limit": 20, "offset": 0})


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": MAX_LIMIT + 1}, "limit"),
        ({"offset": -1}, "offset"),
        # past what an OFFSET can take on PostgreSQL and SQLite: refused, not a driver error
        ({"offset": INT32_MAX + 1}, "offset"),
        ({"offset": 2**63}, "offset"),
    ],
)
async def test_limits_are_bounded(paged_app: FastAPI, query: dict[str, int], field: str) -> None:
    status, body = await _get(paged_app, query)

    assert status == HTTPStatus.UNPROCESSABLE_ENTITY
    assert isinstance(body, dict)
    assert [detail["field"] for detail in body["error"]["details"]] == [f"query.{field}"]
