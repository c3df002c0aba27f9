"""The writer's items and blobs: inserting, updating and versioning items; keeping bytes.

Separate because the item row is what every other record hangs off; with it sit the
log's own record of an item's row and the rows a replay writes back.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from typing import Any

from db import queries, writer_base
from db.errors import ConflictError, NotFoundError
from db.order import sort_key
from db.writer_base import (
    FileChangedError,
    NewItem,
    WriterBase,
    _json_text,
    media_text,
)


class ItemWrites(WriterBase):
    """Items, blobs and the rows a replay writes."""

    # -- blobs and items ----------------------------------------------------

    def put_blob(self, data: bytes, sha: str | None = None) -> str:
        """Keep bytes by their sha256 (stored once however often they arrive)."""
        sha = sha or hashlib.sha256(data).hexdigest()
        self._x(
            "INSERT INTO blobs(sha256, size, data) VALUES (?,?,?) ON CONFLICT(sha256) DO NOTHING",
            [sha, len(data), data],
        )
        return sha

    def existing_item(
        self, platform: str | None, platform_id: str | None, url: str | None
    ) -> int | None:
        """The item a reference points at (`db.queries.existing_item`)."""
        return queries.existing_item(self.conn, platform, platform_id, url)

    def same_item(self, item: NewItem, raw_sha: str | None) -> int | None:
        """The item this one duplicates, if any (`db.queries.same_item`)."""
        return queries.same_item(
            self.conn,
            platform=item.platform,
            platform_id=item.platform_id,
            url=item.url,
            raw_sha=raw_sha,
        )

    def taken_keys(self, items: Sequence[NewItem]) -> set[tuple[str, str, str]]:
        """Which of these items' keys an item of the desk has (`db.queries.taken_keys`)."""
        return queries.taken_keys(
            self.conn,
            ids=[(i.platform, i.platform_id) for i in items if i.platform_id],
            urls=[(i.platform, i.url) for i in items if i.url],
        )

    def insert_item(
        self, item: NewItem, *, ingested_at: str | None = None, unseen: bool = False
    ) -> tuple[int, bool]:
        """Insert an item unless it is already here; `(id, created)`.

        The same post is one item: matched first by platform and id, then by
        canonical URL. `unseen`: the caller has just asked (`taken_keys`, in
        this transaction) and no item has this one's id or URL, so it is not
        looked up again.
        """
        raw_sha = item.raw_sha256
        if raw_sha is None and item.raw is not None:
            raw_sha = hashlib.sha256(item.raw).hexdigest()
        existing = None if unseen else self.same_item(item, raw_sha)
        if existing is not None:
            return existing, False
        sha = self.put_blob(item.raw, raw_sha) if item.raw is not None else None
        ingested = ingested_at or writer_base.iso_micro()
        sort_at = item.posted_at or (ingested[:19] + "Z")
        item_id = self._next_item_id()
        row: dict[str, Any] = {
            "id": item_id,
            "uuid": writer_base.new_uuid(),
            "kind": item.kind,
            "platform": item.platform,
            "platform_id": item.platform_id,
            "url": item.url,
            "author_name": item.author_name,
            "author_handle": item.author_handle,
            "author_url": item.author_url,
            "text": item.text,
            "title": item.title,
            "lang": item.lang,
            "posted_at": item.posted_at,
            "posted_precision": item.posted_precision,
            "posted_tz_known": int(item.posted_tz_known),
            "captured_at": item.captured_at,
            "ingested_at": ingested,
            "source_file": item.source_file,
            "source_format": item.source_format,
            "source_record": item.source_record,
            "raw_sha256": sha,
            "media": media_text(item.media),
            "extra": _json_text(item.extra) if item.extra else "{}",
            "story_id": item.story_id,
        }
        self._x(_INSERT_ITEM, [*row.values(), sort_at, sort_key(sort_at, item_id)])
        self._last_item_id = item_id
        self._inserted = row
        return item_id, True

    def _next_item_id(self) -> int:
        """The id the next item gets, chosen here because its list key holds it.

        Read once per transaction: the write lock keeps it ours until commit.
        """
        if self._last_item_id is None:
            row = self._x("SELECT max(id) FROM items").fetchone()
            self._last_item_id = int(row[0] or 0)
        return self._last_item_id + 1

    def item_version(self, item_id: int) -> int:
        row = self._x("SELECT version FROM items WHERE id = ?", [item_id]).fetchone()
        if row is None:
            raise NotFoundError(f"no item {item_id}")
        return int(row[0])

    def item_field(self, item_id: int, column: str) -> Any:
        if column not in {"triage", "verdict", "verdict_reason", "story_id", "text"}:
            raise ValueError(column)
        row = self._x(f"SELECT {column} FROM items WHERE id = ?", [item_id]).fetchone()
        if row is None:
            raise NotFoundError(f"no item {item_id}")
        return row[0]

    def update_item(
        self, item_id: int, fields: dict[str, Any], *, expected_version: int | None = None
    ) -> int:
        """Change some columns and bump the version; the new version.

        With `expected_version`, refuse when someone changed the item since.
        """
        allowed = {"triage", "verdict", "verdict_reason", "story_id"}
        if not set(fields) <= allowed:
            raise ValueError(f"cannot update {sorted(set(fields) - allowed)}")
        current = self.item_version(item_id)
        if expected_version is not None and current != expected_version:
            raise ConflictError(
                f"item {item_id} was changed by someone else (version {current}, "
                f"you saw {expected_version})"
            )
        assignments = ", ".join(f"{k} = ?" for k in fields)
        self._x(
            f"UPDATE items SET {assignments}, version = version + 1 WHERE id = ?",
            [*fields.values(), item_id],
        )
        return current + 1

    def bump_version(self, item_id: int) -> int:
        current = self.item_version(item_id)
        self._x("UPDATE items SET version = version + 1 WHERE id = ?", [item_id])
        return current + 1

    def put_blob_file(self, path: str | os.PathLike[str], size: int) -> tuple[str, bool]:
        """Keep a file's bytes by sha256, streamed (never read whole); `(sha256, stored_now)`.

        The file is hashed in chunks; bytes already in the desk are not stored
        again. Otherwise a blob of the right size is made and filled through
        SQLite's incremental blob I/O while the file is hashed a second time:
        a file that changed in between is refused rather than kept under a
        hash that is not its own.
        """
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            while chunk := fh.read(writer_base.BLOB_CHUNK):
                digest.update(chunk)
        sha = digest.hexdigest()
        if self._x("SELECT 1 FROM blobs WHERE sha256 = ?", [sha]).fetchone():
            return sha, False
        cursor = self._x(
            "INSERT INTO blobs(sha256, size, data) VALUES (?, ?, zeroblob(?))", [sha, size, size]
        )
        rowid = int(cursor.lastrowid or 0)
        again = hashlib.sha256()
        written = 0
        with open(path, "rb") as fh:
            if size:
                with self.conn.blobopen("blobs", "data", rowid) as blob:
                    while chunk := fh.read(writer_base.BLOB_CHUNK):
                        if written + len(chunk) > size:
                            raise FileChangedError(f"{path}: the file grew while it was stored")
                        blob.write(chunk)
                        again.update(chunk)
                        written += len(chunk)
            elif fh.read(1):
                raise FileChangedError(f"{path}: the file grew while it was stored")
        if written != size or again.hexdigest() != sha:
            raise FileChangedError(f"{path}: the file changed while it was stored")
        return sha, True

    # -- the log's own record of a row, and a replay's writes ----------------

    def item_log_row(self, item_id: int) -> dict[str, Any]:
        """An item's row as its arrival event records it (`ITEM_LOG_COLUMNS`, no derived ones).

        Asked right after the insert (as the ingest and `add` verbs do), the
        answer is the values the insert bound (the same values: every column
        takes them as they are, tested against the stored row in
        tests/test_item_log_row.py), once; any other ask reads the row.
        """
        inserted, self._inserted = self._inserted, None
        if inserted is not None and inserted["id"] == item_id:
            return inserted
        row = self._x(
            f"SELECT {', '.join(ITEM_LOG_COLUMNS)} FROM items WHERE id = ?", [item_id]
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no item {item_id}")
        return dict(zip(ITEM_LOG_COLUMNS, row, strict=True))

    def insert_item_row(self, row: Mapping[str, Any]) -> None:
        """Insert an item as an event recorded it (replay); the list keys are derived here."""
        values = {name: row.get(name) for name in ITEM_LOG_COLUMNS}
        values["posted_tz_known"] = int(bool(values["posted_tz_known"]))
        values["media"] = values["media"] if values["media"] is not None else "[]"
        values["extra"] = values["extra"] if values["extra"] is not None else "{}"
        ingested = str(values["ingested_at"] or "")
        sort_at = values["posted_at"] or (ingested[:19] + "Z")
        names = [*ITEM_LOG_COLUMNS, "sort_at", "sort_key"]
        self._x(
            f"INSERT INTO items({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
            "ON CONFLICT DO NOTHING",
            [*values.values(), sort_at, sort_key(sort_at, int(row["id"]))],
        )

    def set_item_columns(self, item_id: int, fields: Mapping[str, Any]) -> None:
        """Set triage, verdict, reason, story or template as an event says (replay: no checks)."""
        allowed = {"triage", "verdict", "verdict_reason", "story_id", "template"}
        if not set(fields) <= allowed:
            raise ValueError(f"cannot set {sorted(set(fields) - allowed)}")
        if fields:
            assignments = ", ".join(f"{k} = ?" for k in fields)
            self._x(f"UPDATE items SET {assignments} WHERE id = ?", [*fields.values(), item_id])

    def insert_story_row(
        self, story_id: int, slug: str, title: str, created_at: str, reference_date: str
    ) -> None:
        """A story with the id its event names (replay)."""
        self._x(
            "INSERT INTO stories(id, uuid, slug, title, created_at, reference_date) "
            "VALUES (?,?,?,?,?,?) ON CONFLICT DO NOTHING",
            [story_id, writer_base.new_uuid(), slug, title, created_at, reference_date],
        )

    def insert_note_row(
        self,
        *,
        note_uuid: str,
        item_id: int | None,
        entry_id: int | None,
        author: str,
        created_at: str,
        text: str,
    ) -> None:
        """A note with the uuid its event names (replay)."""
        self._x(
            "INSERT INTO notes(uuid, item_id, entry_id, author, created_at, text) "
            "VALUES (?,?,?,?,?,?) ON CONFLICT DO NOTHING",
            [note_uuid, item_id, entry_id, author, created_at, text],
        )

    def insert_evidence_row(
        self,
        *,
        evidence_uuid: str,
        item_id: int,
        step: str,
        form: str,
        value: str,
        sha256: str | None,
        size: int | None,
        media_type: str | None,
        actor: str,
        at: str,
    ) -> None:
        """Evidence with the uuid its event names (replay)."""
        self._x(
            "INSERT INTO evidence(uuid, item_id, step, kind, value, sha256, size, media_type, "
            "added_by, added_at) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
            [evidence_uuid, item_id, step, form, value, sha256, size, media_type, actor, at],
        )


_INSERT_ITEM = (
    "INSERT INTO items(id, uuid, kind, platform, platform_id, url, author_name, "
    "author_handle, author_url, text, title, lang, posted_at, posted_precision, "
    "posted_tz_known, captured_at, ingested_at, source_file, source_format, "
    "source_record, raw_sha256, media, extra, story_id, sort_at, sort_key) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)

ITEM_LOG_COLUMNS: tuple[str, ...] = (
    "id",
    "uuid",
    "kind",
    "platform",
    "platform_id",
    "url",
    "author_name",
    "author_handle",
    "author_url",
    "text",
    "title",
    "lang",
    "posted_at",
    "posted_precision",
    "posted_tz_known",
    "captured_at",
    "ingested_at",
    "source_file",
    "source_format",
    "source_record",
    "raw_sha256",
    "media",
    "extra",
    "story_id",
)
"""An item's columns that are not derived (list keys) nor changed later by other events:
what `item.add` and `ingest` events carry for each new item, so a replay makes the same row."""
