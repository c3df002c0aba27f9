"""The SQL of working offline: the desk's identity, merged events, aliases, the conflict queue.

Kept out of `db.writer` (which every verb uses) because only `desk.merge`
and the conflict verb need it. Functions take the connection of the caller's
transaction (a `Writer`'s `conn`, or a read snapshot) and never commit.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from db.events import event_hash
from db.models import VerifyProblem


@dataclass(frozen=True, slots=True)
class Identity:
    """Which desk this is, and (a checkout) which desk and event it was copied from."""

    uuid: str
    origin_uuid: str | None
    origin_seq: int | None
    origin_hash: str | None
    origin_story: str | None
    checked_out_at: str | None


@dataclass(frozen=True, slots=True)
class Conflict:
    """One value changed on both sides, waiting for an editor (`candidates`: each side's)."""

    id: int
    thing: str
    field: str
    candidates: tuple[dict[str, Any], ...]
    opened_seq: int
    closed_seq: int | None
    resolution: str | None


def identity(conn: sqlite3.Connection) -> Identity:
    row = conn.execute(
        "SELECT uuid, origin_uuid, origin_seq, origin_hash, origin_story, checked_out_at "
        "FROM desk_identity WHERE one = 1"
    ).fetchone()
    return Identity(*row)


def mark_checkout(
    conn: sqlite3.Connection,
    *,
    new_uuid: str,
    origin_uuid: str,
    seq: int,
    digest: str,
    story: str | None,
    at: str,
) -> None:
    """A copy is a desk of its own (its own uuid) that remembers where it came from."""
    conn.execute(
        "UPDATE desk_identity SET uuid = ?, created_at = ?, origin_uuid = ?, origin_seq = ?, "
        "origin_hash = ?, origin_story = ?, checked_out_at = ? WHERE one = 1",
        [new_uuid, at, origin_uuid, seq, digest, story, at],
    )


def chain_head(conn: sqlite3.Connection) -> tuple[int, str]:
    row = conn.execute("SELECT seq, hash FROM chain_head WHERE one = 1").fetchone()
    return (int(row[0]), str(row[1])) if row else (0, "0" * 64)


# -- events, every column --------------------------------------------------------


def event_rows(conn: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    """The log in order, each row as `{column: value}` (every column, whatever the schema)."""
    cursor = conn.execute("SELECT * FROM events ORDER BY seq")
    names = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(names, row, strict=True))


def imported_under(conn: sqlite3.Connection, merge_seq: int) -> list[dict[str, Any]]:
    """The events a merge brought in, in order, with what travels with them."""
    return [
        {
            "id": r[0],
            "event": json.loads(r[1]),
            "refs": json.loads(r[2]),
            "base": json.loads(r[3]),
            "decisions": json.loads(r[4]),
        }
        for r in conn.execute(
            "SELECT id, event, refs, base, decisions FROM imported_events "
            "WHERE merge_seq = ? ORDER BY position",
            [merge_seq],
        )
    ]


def imported_event(conn: sqlite3.Connection, event_id: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT event FROM imported_events WHERE id = ?", [event_id]).fetchone()
    if row is None:
        return None
    body: dict[str, Any] = json.loads(row[0])
    return body


def known_event_ids(conn: sqlite3.Connection) -> set[str]:
    """Every event this desk holds: its own (merges aside) and every one merged in."""
    ids = {str(r[0]) for r in conn.execute("SELECT id FROM events WHERE kind <> 'merge'")}
    ids.update(str(r[0]) for r in conn.execute("SELECT id FROM imported_events"))
    return ids


def insert_imported(
    conn: sqlite3.Connection,
    *,
    event: dict[str, Any],
    merge_seq: int,
    position: int,
    source: str,
    refs: dict[str, Any],
    base: list[list[str]],
    decisions: list[Any],
) -> None:
    conn.execute(
        "INSERT INTO imported_events(id, merge_seq, position, source, event, refs, base, "
        "decisions) VALUES (?,?,?,?,?,?,?,?)",
        [
            event["id"],
            merge_seq,
            position,
            source,
            json.dumps(event, sort_keys=True, ensure_ascii=False),
            json.dumps(refs, sort_keys=True, ensure_ascii=False),
            json.dumps(base, ensure_ascii=False),
            json.dumps(decisions, ensure_ascii=False),
        ],
    )


def recomputed_hash(event: dict[str, Any]) -> str:
    """An events row's hash computed again from its columns (`db.events.event_hash`)."""
    return event_hash(
        id=str(event["id"]),
        seq=int(event["seq"]),
        at=str(event["at"]),
        actor=str(event["actor"]),
        kind=str(event["kind"]),
        target=event.get("target"),
        payload_json=str(event["payload"]),
        base_version=event.get("base_version"),
        prev_hash=str(event["prev_hash"]),
        os_user=event.get("os_user"),
    )


def digest_of(pairs: list[tuple[str, str]]) -> str:
    """What a merge event commits to: its imported events' ids and hashes, in order."""
    h = hashlib.sha256()
    for eid, digest in pairs:
        h.update(f"{eid} {digest}\n".encode())
    return h.hexdigest()


def check_imported(conn: sqlite3.Connection) -> VerifyProblem | None:
    """Every merged-in event still hashes to its hash, and each merge's set is as recorded."""
    merges = conn.execute(
        "SELECT seq, payload FROM events WHERE kind = 'merge' ORDER BY seq"
    ).fetchall()
    for seq, payload in merges:
        body = json.loads(payload)
        pairs: list[tuple[str, str]] = []
        for r in conn.execute(
            "SELECT id, event FROM imported_events WHERE merge_seq = ? ORDER BY position", [seq]
        ):
            event = json.loads(r[1])
            if str(event.get("id")) != str(r[0]) or recomputed_hash(event) != event.get("hash"):
                return VerifyProblem(
                    "merged events",
                    f"event {r[0]} (merged by event seq {seq})",
                    "contents do not match its hash",
                )
            pairs.append((str(r[0]), str(event["hash"])))
        if len(pairs) != body.get("count") or digest_of(pairs) != body.get("digest"):
            return VerifyProblem(
                "merged events",
                f"merge event seq {seq}",
                "the events it merged are not the ones it recorded (deleted or added?)",
            )
    return None


# -- ids across desks ------------------------------------------------------------


def item_by_uuid(conn: sqlite3.Connection, uuid: str) -> int | None:
    row = conn.execute("SELECT id FROM items WHERE uuid = ?", [uuid]).fetchone()
    if row is None:
        row = conn.execute("SELECT item_id FROM item_aliases WHERE uuid = ?", [uuid]).fetchone()
    return int(row[0]) if row else None


def entry_by_uuid(conn: sqlite3.Connection, uuid: str) -> int | None:
    row = conn.execute("SELECT id FROM recap_entries WHERE uuid = ?", [uuid]).fetchone()
    return int(row[0]) if row else None


def story_by_slug(conn: sqlite3.Connection, slug: str) -> int | None:
    row = conn.execute("SELECT id FROM stories WHERE slug = ?", [slug]).fetchone()
    return int(row[0]) if row else None


def ref_of(conn: sqlite3.Connection, thing: str, ident: int) -> str | None:
    """The uuid (a story: its slug) of a local id; None when there is no such row."""
    sql = {
        "item": "SELECT uuid FROM items WHERE id = ?",
        "entry": "SELECT uuid FROM recap_entries WHERE id = ?",
        "story": "SELECT slug FROM stories WHERE id = ?",
    }[thing]
    row = conn.execute(sql, [ident]).fetchone()
    return str(row[0]) if row else None


def next_id(conn: sqlite3.Connection, thing: str) -> int:
    table = {"item": "items", "entry": "recap_entries", "story": "stories"}[thing]
    row = conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()
    return int(row[0])


def add_alias(conn: sqlite3.Connection, uuid: str, item_id: int) -> None:
    conn.execute(
        "INSERT INTO item_aliases(uuid, item_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [uuid, item_id],
    )


def set_entry_uuid(conn: sqlite3.Connection, entry_id: int, uuid: str) -> None:
    conn.execute("UPDATE recap_entries SET uuid = ? WHERE id = ?", [uuid, entry_id])


def set_story_uuid(conn: sqlite3.Connection, story_id: int, uuid: str) -> None:
    conn.execute("UPDATE stories SET uuid = ? WHERE id = ?", [uuid, story_id])


def blob_row(conn: sqlite3.Connection, sha: str) -> tuple[int, bytes] | None:
    row = conn.execute("SELECT size, data FROM blobs WHERE sha256 = ?", [sha]).fetchone()
    return (int(row[0]), bytes(row[1])) if row else None


def has_blob(conn: sqlite3.Connection, sha: str) -> bool:
    return conn.execute("SELECT 1 FROM blobs WHERE sha256 = ?", [sha]).fetchone() is not None


# -- the conflict queue ----------------------------------------------------------

_CONFLICT_COLUMNS = "id, thing, field, candidates, opened_seq, closed_seq, resolution"


def _conflict(row: tuple[Any, ...]) -> Conflict:
    return Conflict(
        id=int(row[0]),
        thing=str(row[1]),
        field=str(row[2]),
        candidates=tuple(json.loads(row[3])),
        opened_seq=int(row[4]),
        closed_seq=None if row[5] is None else int(row[5]),
        resolution=row[6],
    )


def open_conflict(conn: sqlite3.Connection, thing: str, field: str) -> Conflict | None:
    row = conn.execute(
        f"SELECT {_CONFLICT_COLUMNS} FROM merge_conflicts "
        "WHERE thing = ? AND field = ? AND closed_seq IS NULL",
        [thing, field],
    ).fetchone()
    return _conflict(row) if row else None


def conflict(conn: sqlite3.Connection, conflict_id: int) -> Conflict | None:
    row = conn.execute(
        f"SELECT {_CONFLICT_COLUMNS} FROM merge_conflicts WHERE id = ?", [conflict_id]
    ).fetchone()
    return _conflict(row) if row else None


def conflicts(conn: sqlite3.Connection, *, closed: bool = False) -> list[Conflict]:
    where = "" if closed else "WHERE closed_seq IS NULL"
    return [
        _conflict(r)
        for r in conn.execute(
            f"SELECT {_CONFLICT_COLUMNS} FROM merge_conflicts {where} ORDER BY id"
        ).fetchall()
    ]


def open_conflict_count(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT count(*) FROM merge_conflicts WHERE closed_seq IS NULL").fetchone()
    return int(row[0])


def put_conflict(
    conn: sqlite3.Connection, thing: str, field: str, candidates: list[dict[str, Any]], seq: int
) -> None:
    """Open the value's conflict, or give the open one its new candidates."""
    text = json.dumps(candidates, sort_keys=True, ensure_ascii=False)
    cursor = conn.execute(
        "UPDATE merge_conflicts SET candidates = ? "
        "WHERE thing = ? AND field = ? AND closed_seq IS NULL",
        [text, thing, field],
    )
    if cursor.rowcount == 0:
        conn.execute(
            "INSERT INTO merge_conflicts(thing, field, candidates, opened_seq) VALUES (?,?,?,?)",
            [thing, field, text, seq],
        )


def close_conflict(
    conn: sqlite3.Connection, thing: str, field: str, seq: int, resolution: str
) -> int | None:
    """Close the value's open conflict (if any); its id."""
    row = conn.execute(
        "UPDATE merge_conflicts SET closed_seq = ?, resolution = ? "
        "WHERE thing = ? AND field = ? AND closed_seq IS NULL RETURNING id",
        [seq, resolution, thing, field],
    ).fetchone()
    return int(row[0]) if row else None


def reopen_conflict(conn: sqlite3.Connection, conflict_id: int) -> None:
    conn.execute(
        "UPDATE merge_conflicts SET closed_seq = NULL, resolution = NULL WHERE id = ?",
        [conflict_id],
    )
