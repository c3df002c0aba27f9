"""What changed since an event: the new events read into the items they touched.

Live refresh reads only the events after the last one it applied (the
event sequence is the log's own clock), never the tables: an `item:3,5`
target names its items, an `ingest` batch its new items' id range (one
transaction, so the ids are contiguous), and a recap, story-title, saved
filter or template-file event touches no list row. Anything else (a
story's template switched, which re-reads every item's checklist; an undo
of an ingest; a kind this release does not know, from a merge) is
`broad`: the reader refills what it shows instead of guessing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

MAX_EVENTS = 500
"""New events read at once; more than that (a big merge or import) is `broad`."""
MAX_ITEMS = 2000
"""Items touched at once; more than that is `broad` (refill rather than look each up)."""

_NO_ROW_KINDS = ("recap.", "story.add", "story.edit", "filter.", "template.add")
"""Event kinds (by prefix) that change no list row: the recap, stories' titles,
saved filters, the desk's own template files."""


@dataclass(frozen=True)
class DeskChanges:
    """The events after `since`: up to `last_seq`, touching `item_ids`."""

    since: int
    last_seq: int
    item_ids: frozenset[int]
    broad: bool
    """Too many, or of a kind whose reach is not one row: refill instead."""

    @property
    def any(self) -> bool:
        return self.last_seq > self.since


def _item_ids(target: str) -> list[int] | None:
    """`item:3,5` -> [3, 5]; None when the target is not items."""
    if not target.startswith("item:"):
        return None
    out = []
    for part in target[5:].split(","):
        if not part.isdigit():
            return None
        out.append(int(part))
    return out


def read_changes(conn: sqlite3.Connection, since: int) -> DeskChanges:
    """The events after `since`, read by their primary key (one page, never the log)."""
    rows = conn.execute(
        "SELECT seq, kind, coalesce(target, ''), "
        "CASE WHEN kind = 'ingest' THEN json_extract(payload, '$.first_id') END, "
        "CASE WHEN kind = 'ingest' THEN json_extract(payload, '$.last_id') END "
        "FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
        [since, MAX_EVENTS + 1],
    ).fetchall()
    broad = len(rows) > MAX_EVENTS
    ids: set[int] = set()
    last = since
    for seq, kind, target, first_id, last_id in rows[:MAX_EVENTS]:
        last = int(seq)
        if kind == "ingest":
            if first_id is not None and last_id is not None:
                ids.update(range(int(first_id), int(last_id) + 1))
            continue
        targets = _item_ids(str(target))
        if str(target).startswith("entry:"):
            continue  # a recap entry (added, edited, noted, or its undo): no list row
        if targets is not None:
            ids.update(targets)
        elif not str(kind).startswith(_NO_ROW_KINDS):
            broad = True
        if len(ids) > MAX_ITEMS:
            broad = True
    if broad:
        ids = set()
    return DeskChanges(since, last, frozenset(ids), broad)
