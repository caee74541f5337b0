"""Keyset pages: every row once, in order, whatever the sort; a cursor only for its own list.

No feature is needed: the tests map a small table of their own (on a metadata of its own, so
that neither the app's tables nor Alembic see it), made in the test's transaction.
"""

import pytest
from pydantic import BaseModel
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from starlette.datastructures import URL

from app.core.pagination import (
    CursorParams,
    InvalidCursor,
    Keys,
    Keyset,
    cursor_links,
    cursor_params,
    paginate_keyset,
)

SECRET = "a cursor key for the tests, long enough to sign with"


class TestBase(DeclarativeBase):
    __test__ = False  # not a test class, though its name says Test


class Score(TestBase):
    __tablename__ = "cursor_pages_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    points: Mapped[int]
    bonus: Mapped[int | None]


class ScoreQuery(BaseModel):
    sort: str = "points"


ROWS = [(1, 30, None), (2, 10, 5), (3, 20, None), (4, 10, 1), (5, 20, 5)]


@pytest.fixture
async def scores(connection: AsyncConnection, session: AsyncSession) -> None:
    await connection.run_sync(TestBase.metadata.create_all)
    rows = [{"id": i, "points": points, "bonus": bonus} for i, points, bonus in ROWS]
    await session.execute(insert(Score), rows)


async def _page(
    session: AsyncSession,
    keys: Keys,
    params: CursorParams,
    query: ScoreQuery | None = None,
    secret: str = SECRET,
) -> Keyset[Score]:
    return await paginate_keyset(
        session, select(Score), keys, params, query=query or ScoreQuery(), secret=secret
    )


async def _walk(session: AsyncSession, keys: Keys, limit: int = 2) -> list[int]:
    """The ids of every page, from the first, following each page's next cursor."""
    seen: list[int] = []
    cursor: str | None = None
    while True:
        page = await _page(session, keys, CursorParams(limit=limit, cursor=cursor))
        seen += [score.id for score in page.items]
        assert page.has_next == (page.next_cursor is not None)
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


@pytest.mark.usefixtures("scores")
@pytest.mark.parametrize("descending", [False, True])
async def test_pages_hold_every_row_once_in_order(session: AsyncSession, descending: bool) -> None:
    by_points = sorted(ROWS, key=lambda row: (row[1], row[0]), reverse=descending)
    assert await _walk(session, Keys(Score.points, descending, Score.id)) == [
        row[0] for row in by_points
    ]


@pytest.mark.usefixtures("scores")
@pytest.mark.parametrize("descending", [False, True])
async def test_a_column_with_nulls_puts_them_last(session: AsyncSession, descending: bool) -> None:
    present = sorted(
        (row for row in ROWS if row[2] is not None),
        key=lambda row: (row[2], row[0]),
        reverse=descending,
    )
    missing = sorted((row[0] for row in ROWS if row[2] is None), reverse=descending)
    ids = await _walk(session, Keys(Score.bonus, descending, Score.id))
    assert ids == [row[0] for row in present] + missing


@pytest.mark.usefixtures("scores")
async def test_a_cursor_works_only_for_the_list_that_gave_it(session: AsyncSession) -> None:
    keys = Keys(Score.points, False, Score.id)
    first = await _page(session, keys, CursorParams(limit=2, cursor=None))
    assert first.next_cursor is not None
    other_list = ScoreQuery(sort="-points")
    tampered = first.next_cursor[:-2] + ("AA" if first.next_cursor[-2:] != "AA" else "BB")
    for cursor, query, secret in [
        (first.next_cursor, other_list, SECRET),
        (tampered, ScoreQuery(), SECRET),
        (first.next_cursor, ScoreQuery(), "another key"),
        ("not a cursor at all", ScoreQuery(), SECRET),
    ]:
        with pytest.raises(InvalidCursor):
            await _page(session, keys, CursorParams(limit=2, cursor=cursor), query, secret)


@pytest.mark.usefixtures("scores")
async def test_links_name_the_first_page_and_the_next(session: AsyncSession) -> None:
    keys = Keys(Score.points, False, Score.id)
    page = await _page(session, keys, await cursor_params(limit=2))
    url = URL("http://test/scores?sort=points&cursor=old")
    links = cursor_links(url, page)

    assert '<http://test/scores?sort=points&limit=2>; rel="first"' in links
    assert f"cursor={page.next_cursor}" in links
    assert 'rel="next"' in links
    last = await _page(session, keys, CursorParams(limit=10, cursor=None))
    assert 'rel="next"' not in cursor_links(url, last)
