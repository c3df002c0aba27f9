"""A desk's events as they travel: its own and those merged in, in the order it applied them.

`records` walks the log once (one cursor) and yields, for each event the
desk holds, the travelling record: the events row as written (every column),
its `refs` (for the desk's own events: read from its tables now; for merged
ones: as they arrived) and its `base` (what the desk had seen of each value
the event sets when it was written or merged; as it arrived for merged ones).
The `Frontier` it keeps along the way is what a merge into this desk starts
from. `merge` events themselves do not travel: each desk records its own.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

from db import merge_rows
from desk.merge import refs as refmod
from desk.merge.core import Frontier, Record
from desk.merge.pieces import pieces


def _local(conn: sqlite3.Connection, thing: str, ref: Any) -> int | None:
    if not isinstance(ref, str):
        return None
    if thing == "item":
        return merge_rows.item_by_uuid(conn, ref)
    if thing == "entry":
        return merge_rows.entry_by_uuid(conn, ref)
    return merge_rows.story_by_slug(conn, ref)


def records(
    conn: sqlite3.Connection, frontier: Frontier, *, since: int = 0, refs: bool = True
) -> Iterator[tuple[int, Record]]:
    """`(local seq, record)` for every event the desk holds, in its order.

    Events at or before `since` (a local seq) update the frontier but are
    not yielded: `export-events --since`.
    """
    for row in merge_rows.event_rows(conn):
        seq = int(row["seq"])
        if row["kind"] == "merge":
            for imp in merge_rows.imported_under(conn, seq):
                record: Record = {"event": imp["event"], "refs": imp["refs"], "base": imp["base"]}
                event = imp["event"]
                try:
                    body = json.loads(str(event["payload"]))
                except ValueError:
                    continue
                for i, piece in enumerate(pieces(str(event["kind"]), body)):
                    ident = _local(
                        conn, piece.thing, imp["refs"].get(refmod.ref_key(piece.thing, piece.ident))
                    )
                    if ident is None:
                        continue
                    base = imp["base"][i] if i < len(imp["base"]) else []
                    frontier.take((piece.thing, ident, piece.field), event, piece.value, base)
                if seq > since:
                    yield seq, record
            continue
        body = json.loads(str(row["payload"]))
        names: dict[str, str] = {}
        wanted = refs and seq > since
        for thing, ident in sorted(refmod.collect(body, row.get("target")) if wanted else ()):
            ref = merge_rows.ref_of(conn, thing, ident)
            if ref is not None:
                names[refmod.ref_key(thing, ident)] = ref
        bases: list[list[str]] = []
        for piece in pieces(str(row["kind"]), body):
            key = (piece.thing, piece.ident, piece.field)
            bases.append(frontier.ids(key))
            frontier.native(key, row, piece.value)
        if seq > since:
            yield seq, {"event": row, "refs": names, "base": bases}


def frontier_of(conn: sqlite3.Connection) -> Frontier:
    """Where every value of the desk stands now (one pass over its log)."""
    frontier = Frontier()
    for _ in records(conn, frontier, since=1 << 62, refs=False):
        pass
    return frontier
