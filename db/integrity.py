"""The integrity check behind `desk verify`: the event chain and every stored hash
(raw captures and evidence files).

Kept apart from the store's reads because it is not one: it walks the whole
log and every blob, recomputes each hash and cross-checks the items against
the events that brought them in, to say where a desk was tampered with or
damaged. `Store.verify` holds the lock and the one read snapshot this needs.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3

from db.events import GENESIS_HASH, event_hash
from db.merge_rows import check_imported
from db.models import VerifyProblem
from db.rows import EVENT_COLUMNS

_CHUNK = 1 << 20


def _hash_blob(conn: sqlite3.Connection, rowid: int, length: int) -> tuple[str, int]:
    """The sha256 and length of a stored blob, read a chunk at a time."""
    digest = hashlib.sha256()
    n = 0
    with conn.blobopen("blobs", "data", rowid, readonly=True) as blob:
        while n < length:
            chunk = blob.read(min(_CHUNK, length - n))
            if not chunk:
                break
            digest.update(chunk)
            n += len(chunk)
    return digest.hexdigest(), n


def _blob_owner(conn: sqlite3.Connection, sha: str) -> tuple[str, str]:
    """`(area, thing)` naming a blob by what uses it: an item's raw bytes or evidence files."""
    users = [
        str(r[0])
        for r in conn.execute(
            "SELECT id FROM items WHERE raw_sha256 = ? ORDER BY id LIMIT 5", [sha]
        )
    ]
    if users:
        return "raw bytes", f"blob {sha} (raw bytes of item {', '.join(users)})"
    evidence = conn.execute(
        "SELECT item_id, step, value FROM evidence WHERE sha256 = ? ORDER BY id LIMIT 5", [sha]
    ).fetchall()
    if evidence:
        named = "; ".join(f"item {r[0]}, step {r[1]}, {r[2]!r}" for r in evidence)
        return "evidence", f"evidence file {sha} ({named})"
    return "raw bytes", f"blob {sha}"


def verify_snapshot(conn: sqlite3.Connection) -> VerifyProblem | None:
    """The first problem of the desk, or None, read in the caller's one snapshot."""
    # Which raw bytes each item arrived with, as its arrival event recorded
    # them: swapping an item's raw_sha256 for other (valid) bytes shows. Kept in
    # a temporary table, not a dict: at a million items a dict held 260 MB,
    # while SQLite's temp store pages to disk and keeps the memory flat.
    arrivals = _Arrivals(conn)
    try:
        return _verify(conn, arrivals)
    finally:
        arrivals.drop()


class _Arrivals:
    """Item id -> (raw sha256 at arrival, event seq), in `temp.verify_arrived`, batched."""

    BATCH = 5000

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.pending: list[tuple[int, str | None, int]] = []
        conn.execute("DROP TABLE IF EXISTS temp.verify_arrived")
        conn.execute(
            "CREATE TEMP TABLE verify_arrived"
            " (item_id INTEGER PRIMARY KEY, sha TEXT, seq INTEGER NOT NULL)"
        )

    def add(self, item_id: int, sha: str | None, seq: int) -> None:
        self.pending.append((item_id, sha, seq))
        if len(self.pending) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.conn.executemany(
                "INSERT OR REPLACE INTO temp.verify_arrived VALUES (?, ?, ?)", self.pending
            )
            self.pending.clear()

    def first_mismatch(self) -> tuple[int, str | None, int | None] | None:
        """The first item (by id) with no arrival, or another sha than it arrived with."""
        self.flush()
        row = self.conn.execute(
            "SELECT i.id, a.item_id IS NULL, a.seq FROM items i"
            " LEFT JOIN temp.verify_arrived a ON a.item_id = i.id"
            " WHERE a.item_id IS NULL OR a.sha IS NOT i.raw_sha256 ORDER BY i.id LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        return int(row[0]), "missing" if row[1] else "differs", row[2]

    def drop(self) -> None:
        self.conn.execute("DROP TABLE IF EXISTS temp.verify_arrived")


def _verify(conn: sqlite3.Connection, arrived: _Arrivals) -> VerifyProblem | None:
    prev = GENESIS_HASH
    # The log starts at 1 and never has holes, so a deleted first event
    # is named as missing too, not as a bad link on the second.
    expected_seq = 1
    cursor = conn.execute(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY seq")
    for row in cursor:
        seq, eid, at, actor, kind, target, payload, base_version, prev_hash, digest, os_user = row
        if seq != expected_seq:
            return VerifyProblem("event log", f"event seq {expected_seq}", "missing (deleted?)")
        if prev_hash != prev:
            return VerifyProblem(
                "event log",
                f"event seq {seq} ({eid})",
                "prev_hash does not match the event before it",
            )
        recomputed = event_hash(
            id=eid,
            seq=seq,
            at=at,
            actor=actor,
            kind=kind,
            target=target,
            payload_json=payload,
            base_version=base_version,
            prev_hash=prev_hash,
            os_user=os_user,
        )
        if recomputed != digest:
            return VerifyProblem(
                "event log", f"event seq {seq} ({eid})", "contents do not match its hash"
            )
        prev = digest
        expected_seq = seq + 1
        if kind in ("item.add", "ingest", "merge") and '"raw' in payload:
            body = json.loads(payload)
            if kind == "item.add" and "raw_sha256" in body:
                arrived.add(int(body["item"]), body["raw_sha256"], seq)
            for item_id, sha in body.get("raw", ()):
                arrived.add(int(item_id), sha, seq)
    # Small blobs (raw captures) come with the row; larger ones (evidence files, up to
    # hundreds of MB) are hashed a chunk at a time through incremental blob I/O.
    cursor = conn.execute(
        f"SELECT rowid, sha256, size, CASE WHEN length(data) <= {_CHUNK} THEN data END, "
        "length(data) FROM blobs ORDER BY rowid"
    )
    for rowid, sha, size, data, length in cursor:
        if data is not None:
            actual, n = hashlib.sha256(bytes(data)).hexdigest(), len(data)
        else:
            actual, n = _hash_blob(conn, int(rowid), int(length or 0))
        if actual != sha or n != size:
            return VerifyProblem(*_blob_owner(conn, sha), "bytes do not match their sha256")
    row = conn.execute(
        "SELECT e.item_id, e.step, e.value, e.sha256 FROM evidence e "
        "LEFT JOIN blobs b ON b.sha256 = e.sha256 "
        "WHERE e.sha256 IS NOT NULL AND b.sha256 IS NULL ORDER BY e.id LIMIT 1"
    ).fetchone()
    if row:
        return VerifyProblem(
            "evidence",
            f"evidence file {row[2]!r} ({row[3]}) of item {row[0]}, step {row[1]}",
            "its bytes are missing",
        )
    row = conn.execute(
        "SELECT i.id FROM items i LEFT JOIN blobs b ON b.sha256 = i.raw_sha256 "
        "WHERE i.raw_sha256 IS NOT NULL AND b.sha256 IS NULL LIMIT 1"
    ).fetchone()
    if row:
        return VerifyProblem("raw bytes", f"item {row[0]}", "its raw bytes are missing")
    row = conn.execute(  # the other copies of a post (migration 0011) are evidence too
        "SELECT c.item_id, c.raw_sha256 FROM item_copies c "
        "LEFT JOIN blobs b ON b.sha256 = c.raw_sha256 WHERE b.sha256 IS NULL LIMIT 1"
    ).fetchone()
    if row:
        return VerifyProblem(
            "raw bytes", f"item {row[0]}", f"the raw bytes of its copy {row[1]} are missing"
        )
    mismatch = arrived.first_mismatch()
    if mismatch is not None:
        item_id, how, arrival_seq = mismatch
        if how == "missing":
            return VerifyProblem(
                "items",
                f"item {item_id}",
                "no event records its arrival (inserted behind the log?)",
            )
        return VerifyProblem(
            "raw bytes",
            f"item {item_id}",
            f"raw sha256 differs from the one recorded at arrival (event seq {arrival_seq})",
        )
    merged = check_imported(conn)
    if merged is not None:
        return merged
    head = conn.execute("SELECT seq, hash FROM chain_head").fetchone()
    if head is None:
        if expected_seq > 1:
            return VerifyProblem(
                "event log", "chain head", "missing while the log has events (deleted?)"
            )
    elif head[1] != prev or head[0] != expected_seq - 1:
        return VerifyProblem(
            "event log",
            f"event seq {head[0]}",
            "the log ends before its recorded head (events deleted?)",
        )
    return None


HEAD_ABBREV = 12
"""Hex digits of a hash shown in a message (the whole hash is in the input and the log)."""


def _short(digest: str) -> str:
    return digest[:HEAD_ABBREV] + "\u2026" if len(digest) > HEAD_ABBREV else digest


def check_head(conn: sqlite3.Connection, seq: int, digest: str) -> VerifyProblem | None:
    """Whether the desk's chain still holds event `seq` with hash `digest`.

    A head recorded outside the desk (an export, a bundle, a note) is what
    catches the rewrites the chain alone cannot: events deleted from the end
    with `chain_head` set back, or the whole chain rewritten with every hash
    recomputed. Read in the caller's snapshot, alongside `verify_snapshot`,
    which says whether the chain from the start up to the desk's head holds.
    """
    row = conn.execute("SELECT hash FROM events WHERE seq = ?", [seq]).fetchone()
    if row is None:
        last = conn.execute("SELECT max(seq), count(*) FROM events").fetchone()
        last_seq = int(last[0] or 0) if last else 0
        total = int(last[1] or 0) if last else 0
        if seq > last_seq:
            return VerifyProblem(
                "chain head",
                f"event seq {seq}",
                f"the desk has only {total} events: event {seq} is missing (deleted?)",
            )
        return VerifyProblem(
            "chain head", f"event seq {seq}", f"the desk has no event {seq} (deleted?)"
        )
    found = str(row[0])
    if found != digest:
        return VerifyProblem(
            "chain head",
            f"event seq {seq}",
            f"the desk's chain does not contain event {seq} with hash {_short(digest)} "
            f"(it has {_short(found)} there): the log was rewritten",
        )
    return None
