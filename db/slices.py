"""Reads for the chain of custody: the chain head, one event, and the slice of the log
that concerns some items, a story and its recap entries.

What `desk bundle` and `desk verify --head` read, kept out of `store.py`
(one module per concern, and these reads belong to no pane). Like
`db/queries.py`, the functions take a connection and neither lock nor open
a transaction: the caller reads them inside `snapshot`, so the head, the
items and the event slice it hands on all describe one state of the desk.

Events come back as `EventRecord`s, with the payload as the exact text that
was hashed (`Event` holds it parsed, and a parsed payload cannot be hashed
again byte for byte by someone who holds only the record).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from db.events import event_hash
from db.rows import EVENT_COLUMNS


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The last event of the desk's hash chain (seq 0, hash "": a desk with no events)."""

    seq: int
    hash: str
    at: str | None


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One event exactly as stored: `payload_json` is the text its hash covers."""

    seq: int
    id: str
    at: str
    actor: str
    kind: str
    target: str | None
    payload_json: str
    base_version: int | None
    prev_hash: str
    hash: str
    os_user: str | None = None
    """The OS account that wrote it (hashed when set; None before migration 0008)."""

    def recomputed_hash(self) -> str:
        """The hash the desk would give these fields (`db.events.event_hash`)."""
        return event_hash(
            id=self.id,
            seq=self.seq,
            at=self.at,
            actor=self.actor,
            kind=self.kind,
            target=self.target,
            payload_json=self.payload_json,
            base_version=self.base_version,
            prev_hash=self.prev_hash,
            os_user=self.os_user,
        )


@dataclass(frozen=True, slots=True)
class StoryMembers:
    """What a story's bundle holds: its items and every recap entry it ever had.

    `item_ids`: the items filed in the story and the items that source one of
    its recap entries (filed elsewhere or nowhere), in id order.
    `entry_ids`: its recap entries, deleted ones too (their events stay in the log).
    """

    item_ids: tuple[int, ...]
    entry_ids: tuple[int, ...]


@contextmanager
def snapshot(conn: sqlite3.Connection, lock: threading.RLock) -> Iterator[None]:
    """Every read inside shares one read transaction, under the owner's lock.

    Inside an open transaction (a caller already holds a snapshot or a write)
    it joins it. The connection must be in autocommit mode (`isolation_level=None`),
    as the desk opens every connection.
    """
    with lock:
        if conn.in_transaction:
            yield
            return
        conn.execute("BEGIN")
        try:
            yield
        finally:
            conn.execute("COMMIT")


def _record(row: tuple[Any, ...]) -> EventRecord:
    return EventRecord(
        seq=int(row[0]),
        id=str(row[1]),
        at=str(row[2]),
        actor=str(row[3]),
        kind=str(row[4]),
        target=None if row[5] is None else str(row[5]),
        payload_json=str(row[6]),
        base_version=None if row[7] is None else int(row[7]),
        prev_hash=str(row[8]),
        hash=str(row[9]),
        os_user=None if row[10] is None else str(row[10]),
    )


def chain_head(conn: sqlite3.Connection) -> ChainHead:
    """The desk's last event: its sequence, hash and time, read from the log itself."""
    row = conn.execute("SELECT seq, hash, at FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    if row is None:
        return ChainHead(0, "", None)
    return ChainHead(int(row[0]), str(row[1]), str(row[2]))


def event_count(conn: sqlite3.Connection) -> int:
    """How many events the log holds (by its rows, not by the chain_head row)."""
    row = conn.execute("SELECT count(*) FROM events").fetchone()
    return int(row[0]) if row else 0


def event_at(conn: sqlite3.Connection, seq: int) -> EventRecord | None:
    """The event with sequence number `seq`, or None."""
    row = conn.execute(f"SELECT {EVENT_COLUMNS} FROM events WHERE seq = ?", [seq]).fetchone()
    return _record(row) if row else None


def story_members(conn: sqlite3.Connection, story_id: int) -> StoryMembers:
    """A story's items (filed in it, or sourcing its recap) and all its recap entries."""
    entry_ids = tuple(
        int(r[0])
        for r in conn.execute(
            "SELECT id FROM recap_entries WHERE story_id = ? ORDER BY id", [story_id]
        )
    )
    item_ids = sorted(
        {
            int(r[0])
            for r in conn.execute(
                "SELECT id FROM items WHERE story_id = ? "
                "UNION SELECT l.src_id FROM links l JOIN recap_entries e ON e.id = l.dst_entry_id "
                "WHERE e.story_id = ? AND l.relation = 'source-for'",
                [story_id, story_id],
            )
        }
    )
    return StoryMembers(tuple(item_ids), entry_ids)


def _target_ids(target: str, prefix: str) -> set[int]:
    """`item:3,5` with prefix `item:` -> {3, 5}; anything unreadable names nothing."""
    out: set[int] = set()
    for part in target[len(prefix) :].split(","):
        if part.strip().isdecimal():
            out.add(int(part))
    return out


def _payload_items(kind: str, payload_json: str) -> set[int]:
    """Items an event's payload names that its target does not.

    An ingest's target is its file (`file:posts.jsonl`) and its payload lists
    the `[item, raw sha256]` of each item it brought in: the arrival of those
    items. A link's target is the item it goes from; the item it goes to is
    in the payload (`link.dst_item`, and `inverse.link.dst_item` in the undo
    of a link).
    """
    if '"raw"' not in payload_json and '"dst_item"' not in payload_json:
        return set()
    try:
        body = json.loads(payload_json)
    except ValueError:  # a damaged row: `desk verify` names it; it concerns nothing here
        return set()
    if not isinstance(body, dict):
        return set()
    found: set[int] = set()
    if kind == "ingest":
        for pair in body.get("raw") or ():
            if isinstance(pair, list) and pair and isinstance(pair[0], int):
                found.add(pair[0])
    inverse = body.get("inverse")
    for holder in (body, inverse if isinstance(inverse, dict) else {}):
        link = holder.get("link")
        if isinstance(link, dict) and isinstance(link.get("dst_item"), int):
            found.add(link["dst_item"])
    return found


def items_of(kind: str, target: str | None, payload_json: str) -> set[int]:
    """The items an event concerns: named by its target, brought in or linked to by it."""
    named = _target_ids(target, "item:") if target and target.startswith("item:") else set()
    return named | _payload_items(kind, payload_json)


def event_slice(
    conn: sqlite3.Connection,
    *,
    item_ids: Iterable[int] = (),
    story_ids: Iterable[int] = (),
    entry_ids: Iterable[int] = (),
) -> Iterator[EventRecord]:
    """Every event that concerns the given items, stories or recap entries, in log order.

    An event concerns an item when its target names it (`item:42`,
    `item:3,42`), when it brought the item in (an ingest lists it among its
    raw captures) or when it links another item to it. It concerns a story
    or an entry when its target names it (`story:2`, `entry:7`). One pass
    over the log: the membership test is on sets, so the cost is the log's
    length, and only the matching events are held at a time by the caller.
    """
    items = set(item_ids)
    stories = {f"story:{s}" for s in story_ids}
    entries = set(entry_ids)
    cursor = conn.execute(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY seq")
    for row in cursor:
        target = row[5] or ""
        if target.startswith("entry:"):
            hit = not entries.isdisjoint(_target_ids(target, "entry:"))
        else:
            hit = target in stories
        if not hit and items:
            hit = not items.isdisjoint(items_of(str(row[4]), target, str(row[6])))
        if hit:
            yield _record(row)
