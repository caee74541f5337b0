"""Deleting a row applies each referring foreign key's ON DELETE rule, soft deletes included.

No feature is needed: the tests make their own tables, on the app's metadata because that is
where the references are read from, inside the test's transaction, so the rollback drops them.
"""

from collections.abc import AsyncIterator
from typing import NamedTuple

import pytest
from sqlalchemy import Column, ForeignKey, Integer, Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.core.db import Base, UTCDateTime, utcnow
from app.core.references import (
    StillReferenced,
    clear_deleted_referrers,
    lock_tree,
    purge,
    soft_delete_referrers,
)


class Tables(NamedTuple):
    parent: Table
    soft: Table  # soft-deletable, ON DELETE CASCADE
    grandchild: Table  # soft-deletable, refers to `soft`, ON DELETE CASCADE
    hard: Table  # not soft-deletable, ON DELETE CASCADE
    nulled: Table  # ON DELETE SET NULL
    restricted: Table  # soft-deletable, ON DELETE RESTRICT
    link: Table  # no id: a link table, left alone


def _table(name: str, *columns: Column[int], soft: bool = False) -> Table:
    times = [Column(n, UTCDateTime) for n in ("deleted_at", "updated_at")] if soft else []
    return Table(f"references_{name}", Base.metadata, *columns, *times)


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True)


def _ref(target: str, rule: str, *, primary_key: bool = False) -> Column[int]:
    key = ForeignKey(f"references_{target}.id", ondelete=rule)
    return Column(f"{target}_id", Integer, key, primary_key=primary_key)


@pytest.fixture
async def tables(connection: AsyncConnection) -> AsyncIterator[Tables]:
    """The tables, created in the test's transaction and taken off the metadata afterwards."""
    made = Tables(
        parent=_table("parent", _id(), soft=True),
        soft=_table("soft", _id(), _ref("parent", "CASCADE"), soft=True),
        grandchild=_table("grandchild", _id(), _ref("soft", "CASCADE"), soft=True),
        hard=_table("hard", _id(), _ref("parent", "CASCADE")),
        nulled=_table("nulled", _id(), _ref("parent", "SET NULL")),
        restricted=_table("restricted", _id(), _ref("parent", "RESTRICT"), soft=True),
        link=_table("link", _ref("parent", "CASCADE", primary_key=True)),
    )
    try:
        await connection.run_sync(Base.metadata.create_all, tables=list(made))
        yield made
    finally:
        for table in made:
            Base.metadata.remove(table)


async def _add(session: AsyncSession, table: Table, **values: object) -> None:
    await session.execute(insert(table).values(values))


async def _deleted(session: AsyncSession, table: Table, row_id: int) -> bool:
    return await session.scalar(select(table.c.deleted_at).where(table.c.id == row_id)) is not None


async def test_cascade_soft_deletes_what_it_can_and_deletes_the_rest(
    session: AsyncSession, tables: Tables
) -> None:
    """Soft-deletable referrers are marked, down the tree; others go; links stay."""
    await _add(session, tables.parent, id=1)
    await _add(session, tables.soft, id=1, parent_id=1)
    await _add(session, tables.grandchild, id=1, soft_id=1)
    await _add(session, tables.hard, id=1, parent_id=1)
    await _add(session, tables.nulled, id=1, parent_id=1)
    await _add(session, tables.link, parent_id=1)

    await soft_delete_referrers(session, tables.parent, 1, utcnow())

    assert await _deleted(session, tables.soft, 1)
    assert await _deleted(session, tables.grandchild, 1)
    assert list(await session.scalars(select(tables.hard.c.id))) == []
    assert await session.scalar(select(tables.nulled.c.parent_id)) is None
    assert list(await session.scalars(select(tables.link.c.parent_id))) == [1]


async def test_restrict_refuses_only_while_live_rows_refer(
    session: AsyncSession, tables: Tables
) -> None:
    """A soft-deleted referrer is invisible to clients, so it must not block the delete."""
    await _add(session, tables.parent, id=1)
    await _add(session, tables.restricted, id=1, parent_id=1)

    with pytest.raises(StillReferenced):
        await soft_delete_referrers(session, tables.parent, 1, utcnow())

    now = utcnow()
    await session.execute(update(tables.restricted).values(deleted_at=now, updated_at=now))
    await soft_delete_referrers(session, tables.parent, 1, now)


async def test_purge_removes_soft_deleted_restricting_referrers_first(
    session: AsyncSession, tables: Tables
) -> None:
    """Without that, the database's RESTRICT would refuse to delete the row for good."""
    now = utcnow()
    await _add(session, tables.parent, id=1)
    await _add(session, tables.parent, id=2)
    await _add(session, tables.restricted, id=1, parent_id=1, deleted_at=now, updated_at=now)
    await _add(session, tables.restricted, id=2, parent_id=2, deleted_at=now, updated_at=now)

    await clear_deleted_referrers(session, tables.parent, 1)
    assert list(await session.scalars(select(tables.restricted.c.id))) == [2]

    await purge(session, tables.parent, [1, 2])
    assert list(await session.scalars(select(tables.parent.c.id))) == []
    assert list(await session.scalars(select(tables.restricted.c.id))) == []


async def test_lock_tree_is_taken_on_every_database(session: AsyncSession, tables: Tables) -> None:
    """A lock on PostgreSQL, nothing on SQLite: either way the transaction goes on."""
    await lock_tree(session, tables.parent)
    await _add(session, tables.parent, id=1)
    assert list(await session.scalars(select(tables.parent.c.id))) == [1]
