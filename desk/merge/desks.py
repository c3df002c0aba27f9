"""`desk checkout` and `desk merge`: a consistent copy of a desk, another desk's work merged in."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from db import Store, merge_rows
from db.clock import iso_micro
from desk.errors import BadInputError
from desk.merge.core import Frontier, MergeError, Merger, Record
from desk.merge.walk import frontier_of, records


@dataclass(frozen=True, slots=True)
class Checkout:
    path: Path
    desk: str
    origin: str
    seq: int
    hash: str
    story: str | None


def checkout(store: Store, target: Path, *, story: str | None, force: bool) -> Checkout:
    """Copy the whole desk to `target` with SQLite's online backup, and mark the copy.

    The backup API copies pages under a read transaction, so the copy is one
    consistent moment of the desk, WAL included (a file copy of a desk in use
    misses what is still in the WAL). `story` is recorded (the copy is still
    the whole desk: trimming would drop the events other stories' items need).
    """
    target = Path(target)
    if story is not None and store.story_by_slug(story) is None:
        raise BadInputError(f"no story {story!r} on this desk")
    if target.exists() or Path(f"{target}-wal").exists():
        if not force:
            raise BadInputError(f"{target}: the file exists (give --force to replace it)")
        if target.is_dir():
            raise BadInputError(f"{target}: is a directory")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
    if not target.parent.is_dir():
        raise BadInputError(f"{target.parent}: no such folder")
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        dest = sqlite3.connect(str(partial))
        try:
            with store.lock:
                store.conn.backup(dest)
            seq, digest = merge_rows.chain_head(dest)
            origin = merge_rows.identity(dest).uuid
            copy_uuid = str(uuid.uuid4())
            dest.execute("BEGIN IMMEDIATE")
            merge_rows.mark_checkout(
                dest,
                new_uuid=copy_uuid,
                origin_uuid=origin,
                seq=seq,
                digest=digest,
                story=story,
                at=iso_micro(),
            )
            dest.execute("COMMIT")
            dest.execute("PRAGMA journal_mode = WAL")
        finally:
            dest.close()
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return Checkout(target, copy_uuid, origin, seq, digest, story)


@dataclass(frozen=True, slots=True)
class MergeResult:
    """What a merge did: events applied, conflicts opened, the local `merge` event (or none)."""

    source: str
    applied: int
    skipped: int
    conflicts: int
    merge_seq: int | None


def merge_desk(store: Store, other_path: Path, actor: str) -> MergeResult:
    """Apply the other desk's events that this desk lacks, in one transaction."""
    other_path = Path(other_path)
    if other_path.exists() and store.path.exists() and other_path.samefile(store.path):
        raise BadInputError(f"{other_path}: that is this desk: nothing to merge")
    with Store(other_path) as other:
        mine = merge_rows.identity(store.conn).uuid
        theirs = merge_rows.identity(other.conn).uuid
        if mine == theirs:
            raise BadInputError(
                f"{other_path}: the same desk as this one (desk id {mine}): nothing to merge"
            )
        with other.lock:
            other.conn.execute("BEGIN")  # one snapshot of the other desk
            try:
                head = merge_rows.chain_head(other.conn)

                def blob(sha: str) -> bytes | None:
                    found = merge_rows.blob_row(other.conn, sha)
                    return found[1] if found else None

                return apply_records(
                    store, actor, theirs, head, records(other.conn, Frontier()), blob
                )
            except MergeError as exc:  # which desk it came from, as every bad input is named
                raise MergeError(f"{other_path}: {exc}") from None
            finally:
                other.conn.execute("COMMIT")


def apply_records(
    store: Store,
    actor: str,
    source: str,
    head: tuple[int, str],
    stream: Iterable[tuple[int, Record]],
    blob: Callable[[str], bytes | None],
    *,
    origin_note: dict[str, object] | None = None,
) -> MergeResult:
    """Apply a stream of travelling records in one transaction; the local `merge` event last."""
    with store.transaction() as w:
        seq, _ = merge_rows.chain_head(w.conn)
        merger = Merger(
            w,
            merge_seq=seq + 1,
            source=source,
            frontier=frontier_of(w.conn),
            known=merge_rows.known_event_ids(w.conn),
            blob=blob,
        )
        skipped = 0
        for _, record in stream:
            if "blob" in record:
                sha, data = record["blob"]
                w.put_blob(data, sha)
                continue
            if not merger.take(record):
                skipped += 1
        if not merger.pairs:
            return MergeResult(source, 0, skipped, 0, None)
        merger.finish()
        payload: dict[str, object] = {
            "source": source,
            "source_head": {"seq": head[0], "hash": head[1]},
            "count": len(merger.pairs),
            "first": merger.pairs[0][0],
            "last": merger.pairs[-1][0],
            "digest": merge_rows.digest_of(merger.pairs),
            "raw": merger.arrivals,
            "conflicts": merger.conflicts_opened,
        }
        if origin_note:
            payload.update(origin_note)
        event = w.append_event(actor=actor, kind="merge", target=f"desk:{source}", payload=payload)
        if event.seq != seq + 1:
            raise MergeError(f"merge event came out as seq {event.seq}, not {seq + 1}")
        return MergeResult(source, len(merger.pairs), skipped, merger.conflicts_opened, event.seq)
