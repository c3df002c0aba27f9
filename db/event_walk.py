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


def actor_events(conn: sqlite3.Connection, actor: str) -> Iterator[Event]:
    """An actor's events, newest first, read through the `(actor, seq)` index a page at a time."""
    before: int | None = None
    while True:
        if before is None:
            rows = conn.execute(
                f"SELECT {EVENT_COLUMNS} FROM events WHERE actor = ? ORDER BY seq DESC LIMIT ?",
                [actor, PAGE],
            ).fetchall()
        else:
            rows = conn.execute(
                f"SELECT {EVENT_COLUMNS} FROM events WHERE actor = ? AND seq < ? "
                "ORDER BY seq DESC LIMIT ?",
                [actor, before, PAGE],
            ).fetchall()
        if not rows:
            return
        for row in rows:
            yield event_from_row(row)
        before = int(rows[-1][0])


def item_events_after(conn: sqlite3.Connection, item_id: int, seq: int) -> Iterator[Event]:
    """Events on an item (its id in their target) after `seq`, oldest first."""
    needle = f",{int(item_id)},"
    after = seq
    while True:
        rows = conn.execute(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE seq > ? AND {_ON_ITEM} ORDER BY seq LIMIT ?",
            [after, needle, PAGE],
        ).fetchall()
        if not rows:
            return
        for row in rows:
            yield event_from_row(row)
        after = int(rows[-1][0])


def item_events_newest_first(conn: sqlite3.Connection, item_id: int) -> Iterator[Event]:
    """Events on an item, newest first (who set a value last is near the end of the log)."""
    needle = f",{int(item_id)},"
    before: int | None = None
    while True:
        if before is None:
            rows = conn.execute(
                f"SELECT {EVENT_COLUMNS} FROM events WHERE {_ON_ITEM} ORDER BY seq DESC LIMIT ?",
                [needle, PAGE],
            ).fetchall()
        else:
            rows = conn.execute(
                f"SELECT {EVENT_COLUMNS} FROM events WHERE seq < ? AND {_ON_ITEM} "
                "ORDER BY seq DESC LIMIT ?",
                [before, needle, PAGE],
            ).fetchall()
        if not rows:
            return
        for row in rows:
            yield event_from_row(row)
        before = int(rows[-1][0])
