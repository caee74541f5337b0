"""What happens to the rows that refer to a row when it goes, read from the foreign keys.

A reference's rule is its foreign key's ON DELETE, which the database applies when a row is
deleted. A soft delete follows the same rules here, so a client sees no difference between
the two: CASCADE deletes the referring rows too (soft-deletes them if they can be), RESTRICT
refuses while live rows refer, SET NULL clears the reference. Link tables (a `refs` field)
are left alone: a link to a soft-deleted row is hidden from reads and comes back with it.
"""

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import Column, Table, delete, exists, select, text, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import Base
from app.core.errors import Conflict


class StillReferenced(Conflict):
    def __init__(self, table: str, referrers: str) -> None:
        super().__init__(f"Live {referrers} rows still refer to this row of {table}")


def _referrers(table: Table) -> Iterator[tuple[Table, Column[int], str]]:
    """(referring table, its column, the rule) of every feature column that refers to `table`."""
    for other in Base.metadata.sorted_tables:
        if "id" not in other.c:  # a link table: see the module's docstring
            continue
        for key in other.foreign_keys:
            if key.column.table is table:
                yield other, key.parent, (key.ondelete or "NO ACTION").upper()


async def soft_delete_referrers(
    session: AsyncSession, table: Table, row_id: int, now: datetime
) -> None:
    """Apply every reference's rule to the live rows that refer to `row_id`, which is being
    soft-deleted at `now`."""
    for other, column, rule in _referrers(table):
        soft = "deleted_at" in other.c
        live = other.c.deleted_at.is_(None) if soft else true()
        referring = select(other.c.id).where(column == row_id, live)
        if rule == "SET NULL":
            await session.execute(
                update(other).where(column == row_id, live).values({column.name: None})
            )
        elif rule == "CASCADE" and soft:
            referrer_ids = list(await session.scalars(referring.order_by(other.c.id)))
            if referrer_ids:  # marked first: a row met again further down is no longer live
                await session.execute(
                    update(other)
                    .where(other.c.id.in_(referrer_ids))
                    .values(deleted_at=now, updated_at=now)
                )
            for referrer_id in referrer_ids:
                await soft_delete_referrers(session, other, referrer_id, now)
        elif rule == "CASCADE":  # rows that cannot be soft-deleted go as a delete takes them
            await purge(session, other, list(await session.scalars(referring)))
        elif await session.scalar(select(exists(referring))):
            raise StillReferenced(table.name, other.name)


async def clear_deleted_referrers(session: AsyncSession, table: Table, row_id: int) -> None:
    """Before `row_id` is deleted: purge the soft-deleted rows whose restricting reference
    would block it, since nothing a client sees refers to it through them."""
    for other, column, rule in _referrers(table):
        if "deleted_at" not in other.c or rule in {"CASCADE", "SET NULL"}:
            continue  # the database applies these rules itself
        deleted = select(other.c.id).where(column == row_id, other.c.deleted_at.is_not(None))
        await purge(session, other, list(await session.scalars(deleted)))


async def purge(session: AsyncSession, table: Table, row_ids: list[int]) -> None:
    """Delete rows for good; the database applies each reference's rule to their referrers."""
    for row_id in row_ids:
        await clear_deleted_referrers(session, table, row_id)
    if row_ids:
        await session.execute(delete(table).where(table.c.id.in_(row_ids)))


async def lock_tree(session: AsyncSession, table: Table) -> None:
    """Make changes of a tree's parents one at a time, until this transaction ends.

    Two updates that each check their own new parent can together close a cycle (1 under 2,
    2 under 1), so each waits here for the other to commit before it walks the ancestors.
    SQLite runs one writing transaction at a time already. SHARE ROW EXCLUSIVE conflicts with
    itself and with writes, never with reads; it is taken before this transaction writes.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text(f'LOCK TABLE "{table.name}" IN SHARE ROW EXCLUSIVE MODE'))
