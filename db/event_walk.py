"""Walks over the event log that undo and the conflict checks make, a page at a time.

Undo reads one actor's events newest first (the `events_actor (actor, seq)`
index) and a colleague check reads the events on one item after a given
one (a range of the primary key): both go page by page with a keyset on
`seq`, so memory stays at one page whatever the size of the log; the log
is never loaded whole.

These functions take no lock and open no transaction: the caller is the
`Writer` of the open transaction (so what they read cannot change under it).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from db.models import Event
from db.rows import EVENT_COLUMNS, event_from_row

PAGE = 200
"""Events read per statement; a page of events is a few tens of kilobytes."""

_ON_ITEM = "target LIKE 'item:%' AND instr(',' || substr(target, 6) || ',', ?) > 0"
"""An event whose target (`item:3` or `item:3,5`) names the item given as `,3,`."""


def _walk(
    conn: sqlite3.Connection,
    where: str,
    params: list[object],
    *,
    newest_first: bool,
    start: int | None = None,
) -> Iterator[Event]:
    """Events matching `where`, by seq, a keyset page at a time; from `start` (excluded) on."""
    order, beyond = ("DESC", "<") if newest_first else ("ASC", ">")
    bound = start
    while True:
        clause, args = (
            (where, params)
            if bound is None
            else (
                f"seq {beyond} ? AND ({where})",
                [bound, *params],
            )
        )
        rows = conn.execute(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE {clause} ORDER BY seq {order} LIMIT ?",
            [*args, PAGE],
        ).fetchall()
        if not rows:
            return
        for row in rows:
            yield event_from_row(row)
        bound = int(rows[-1][0])


def actor_events(conn: sqlite3.Connection, actor: str) -> Iterator[Event]:
    """An actor's events, newest first, read through the `(actor, seq)` index a page at a time."""
    return _walk(conn, "actor = ?", [actor], newest_first=True)


def item_events_after(conn: sqlite3.Connection, item_id: int, seq: int) -> Iterator[Event]:
    """Events on an item (its id in their target) after `seq`, oldest first."""
    return _walk(conn, _ON_ITEM, [f",{int(item_id)},"], newest_first=False, start=seq)


def item_events_newest_first(conn: sqlite3.Connection, item_id: int) -> Iterator[Event]:
    """Events on an item, newest first (who set a value last is near the end of the log)."""
    return _walk(conn, _ON_ITEM, [f",{int(item_id)},"], newest_first=True)
