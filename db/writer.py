"""Every write statement of the desk, usable only inside a transaction.

A `Writer` is handed out by `Store.transaction()` after `BEGIN IMMEDIATE`;
it never commits. The verbs in `desk/` call its methods and finish with
`append_event`, so a change and its record land together or not at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import orjson

from db import event_walk, queries
from db.clock import iso_micro
from db.errors import ConflictError, NotFoundError
from db.events import GENESIS_HASH, canonical_json, event_hash
from db.models import Event, EvidenceRow, Link, Media, Note, VerdictRow
from db.order import sort_key
from db.queries import COPY_COLUMNS
from db.rows import (
    EVIDENCE_COLUMNS,
    LINK_COLUMNS,
    REFERENCE_DATE,
    evidence_from_row,
    link_from_row,
)

BLOB_CHUNK = 1 << 20
"""Bytes read, hashed and written at a time when a file is kept: memory stays at this."""


class FileChangedError(ConflictError):
    """A file changed while it was being stored (its hash differed on the second read)."""


def new_uuid() -> str:
    """Time-ordered UUID v7 (RFC 9562): unique across desks that are merged later.

    48 bits of Unix milliseconds, the version and variant bits, and 74
    random bits from the OS. Written out because Python 3.11 has no
    `uuid.uuid7` and the package we tried cost 15 us an id on bulk ingest;
    spelled from the hex digits directly (what `str(uuid.UUID(int=...))`
    gives, tested), with the random bytes drawn 256 ids at a time: about
    1.5 us an id, against 5 through `uuid.UUID`.
    """
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(_random_bytes(), "big")
    value = (ms & 0xFFFF_FFFF_FFFF) << 80
    value |= 0x7 << 76  # version 7
    value |= ((rand >> 62) & 0xFFF) << 64  # rand_a: 12 bits
    value |= 0b10 << 62  # RFC 4122 variant
    value |= rand & ((1 << 62) - 1)  # rand_b: 62 bits
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_RANDOM_BATCH = 256
_random_pool: list[bytes] = []


def _random_bytes() -> bytes:
    """Ten bytes from the OS for one id, fetched in batches (one syscall per 256 ids).

    A forked child must not reuse its parent's bytes: the pool is emptied
    in the child at the fork (`os.register_at_fork` below).
    """
    if not _random_pool:
        block = os.urandom(10 * _RANDOM_BATCH)
        _random_pool[:] = [block[k : k + 10] for k in range(0, len(block), 10)]
    return _random_pool.pop()


os.register_at_fork(after_in_child=_random_pool.clear)


def _json_text(value: Any) -> str:
    """JSON for the media and extra columns (orjson; stdlib for what it refuses)."""
    try:
        return orjson.dumps(value, default=str).decode("utf-8")
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(value, ensure_ascii=False, default=str)


def media_text(media: Sequence[Media]) -> str:
    """The `media` column's JSON for a list of media (`[]` for none)."""
    if not media:
        return "[]"
    return _json_text([{"url": m.url, "type": m.type, "alt": m.alt} for m in media])


def extra_text(extra: Mapping[str, Any] | None) -> str:
    """The `extra` column's JSON (`{}` for none)."""
    return _json_text(dict(extra)) if extra else "{}"


def copy_columns(item: NewItem) -> dict[str, Any]:
    """A new item's `COPY_COLUMNS` as the items row would store them."""
    return {
        "text": item.text,
        "title": item.title,
        "lang": item.lang,
        "author_name": item.author_name,
        "author_handle": item.author_handle,
        "author_url": item.author_url,
        "posted_at": item.posted_at,
        "posted_precision": item.posted_precision,
        "posted_tz_known": int(item.posted_tz_known),
        "media": media_text(item.media),
        "extra": extra_text(item.extra),
    }


@dataclass(frozen=True, slots=True)
class NewItem:
    """The fields of an item to insert; the store fills ids and times."""

    platform: str
    text: str
    kind: str = "post"
    platform_id: str | None = None
    url: str | None = None
    author_name: str | None = None
    author_handle: str | None = None
    author_url: str | None = None
    title: str | None = None
    lang: str | None = None
    posted_at: str | None = None
    posted_precision: str | None = None
    posted_tz_known: bool = False
    captured_at: str | None = None
    source_file: str | None = None
    source_format: str | None = None
    source_record: int | None = None
    raw: bytes | None = None
    media: tuple[Media, ...] = ()
    extra: dict[str, Any] | None = None
    story_id: int | None = None
    raw_sha256: str | None = None  # sha256 of `raw` when the caller has it already


class Writer:
    """Write access to one open transaction."""

    def __init__(self, conn: sqlite3.Connection, os_user: str | None = None) -> None:
        self.conn = conn
        # The OS account of this process (`db.whoami`, read once by the Store):
        # recorded on every event, note and step change this writer makes.
        self.os_user = os_user
        # Whether pending_links is empty, asked once per transaction (which
        # holds the write lock, so only this writer can add to it): an ingest
        # with nothing pending skips one lookup per new item.
        self._pending_empty: bool | None = None
        self._last_item_id: int | None = None
        # The row of the item inserted last, as bound: what `item_log_row` gives
        # for it without reading it back (an ingest asks for every new item).
        self._inserted: dict[str, Any] | None = None

    def _x(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    # -- events -------------------------------------------------------------

    def append_event(
        self,
        *,
        actor: str,
        kind: str,
        target: str | None,
        payload: Mapping[str, Any],
        base_version: int | None = None,
    ) -> Event:
        """Append one event to the hash chain, in the caller's transaction.

        `payload` is a `Mapping` so the verbs can pass their typed payloads
        (`TypedDict`s, which are not `dict[str, Any]` to mypy) as they are.
        """
        head = self._x("SELECT seq, hash FROM chain_head WHERE one = 1").fetchone()
        seq = (head[0] + 1) if head else 1
        prev = head[1] if head else GENESIS_HASH
        eid = new_uuid()
        at = iso_micro()
        payload_json = canonical_json(payload)
        digest = event_hash(
            id=eid,
            seq=seq,
            at=at,
            actor=actor,
            kind=kind,
            target=target,
            payload_json=payload_json,
            base_version=base_version,
            prev_hash=prev,
            os_user=self.os_user,
        )
        self._x(
            "INSERT INTO events(seq, id, at, actor, kind, target, payload, base_version, "
            "prev_hash, hash, os_user) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [
                seq,
                eid,
                at,
                actor,
                kind,
                target,
                payload_json,
                base_version,
                prev,
                digest,
                self.os_user,
            ],
        )
        self._x(
            "INSERT INTO chain_head(one, seq, hash) VALUES (1, ?, ?) "
            "ON CONFLICT(one) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
            [seq, digest],
        )
        return Event(
            seq=seq,
            id=eid,
            at=at,
            actor=actor,
            kind=kind,
            target=target,
            payload=dict(payload),
            base_version=base_version,
            prev_hash=prev,
            hash=digest,
            os_user=self.os_user,
        )

    def actor_events(self, actor: str) -> Iterator[Event]:
        """An actor's events, newest first, a page at a time (`db.event_walk`): undo's walk."""
        return event_walk.actor_events(self.conn, actor)

    def item_events_after(self, item_id: int, seq: int) -> Iterator[Event]:
        """Events on an item after `seq`, oldest first: what changed it since."""
        return event_walk.item_events_after(self.conn, item_id, seq)

    def item_events_newest_first(self, item_id: int) -> Iterator[Event]:
        """Events on an item, newest first: who set a value last."""
        return event_walk.item_events_newest_first(self.conn, item_id)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A step of the transaction that can fail alone: on an exception its writes go
        (`ROLLBACK TO`), the transaction's other writes stay, and the exception goes on."""
        self._x("SAVEPOINT step")
        try:
            yield
        except BaseException:
            self._x("ROLLBACK TO step")
            self._x("RELEASE step")
            raise
        self._x("RELEASE step")

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
        ingested = ingested_at or iso_micro()
        sort_at = item.posted_at or (ingested[:19] + "Z")
        item_id = self._next_item_id()
        row: dict[str, Any] = {
            "id": item_id,
            "uuid": new_uuid(),
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

    # -- copies of a known post (migration 0011) ---------------------------

    def items_raw_sha(self, ids: Sequence[int]) -> dict[int, str | None]:
        """The sha256 of the copy each item was made from (`db.queries.items_raw_sha`)."""
        return queries.items_raw_sha(self.conn, ids)

    def known_copies(self, pairs: Sequence[tuple[int, str]]) -> set[tuple[int, str]]:
        """Which pairs are copies the desk has already (`db.queries.known_copies`)."""
        return queries.known_copies(self.conn, pairs)

    def item_copy_rows(self, item_id: int) -> list[dict[str, Any]]:
        """An item's copies, oldest first (`db.queries.item_copy_rows`)."""
        return queries.item_copy_rows(self.conn, item_id)

    def item_copy_origin(self, item_id: int) -> dict[str, Any]:
        """The copy an item was made from (`db.queries.item_copy_origin`)."""
        return queries.item_copy_origin(self.conn, item_id)

    def item_copy_fields(self, item_id: int) -> dict[str, Any]:
        """An item's `COPY_COLUMNS` as they stand (`db.queries.item_copy_fields`)."""
        return queries.item_copy_fields(self.conn, item_id)

    def add_item_copy(self, row: Mapping[str, Any]) -> bool:
        """Keep one copy of an item (its bytes are in `blobs`); False when it was kept already.

        A copy's `fields` come from this desk's parsers or from another desk's
        events (a merge): they must be `COPY_COLUMNS` with text, number or
        null values (`ValueError` otherwise), since the item may take them.
        """
        fields = row["fields"]
        if not isinstance(fields, Mapping) or not set(fields) <= set(COPY_COLUMNS):
            raise ValueError("a copy's fields must be an object of the item's copy columns")
        for name, value in fields.items():
            if isinstance(value, bool) or not isinstance(value, str | int | None):
                raise ValueError(f"a copy's {name} must be text, a number or null")
        cursor = self._x(
            "INSERT INTO item_copies(item_id, raw_sha256, source_file, source_format, "
            "source_record, ingested_at, fields) VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
            [
                int(row["item"]),
                row["raw_sha256"],
                row.get("source_file"),
                row.get("source_format"),
                row.get("source_record"),
                row["ingested_at"],
                canonical_json(row["fields"]),
            ],
        )
        return cursor.rowcount > 0

    def item_holds(self, item_id: int) -> set[str]:
        """The fields of an item a person set (`db.queries.item_holds`)."""
        return queries.item_holds(self.conn, item_id)

    def hold_item_fields(self, item_id: int, fields: Sequence[str]) -> None:
        for name in fields:
            self._x(
                "INSERT INTO item_holds(item_id, field) VALUES (?, ?) ON CONFLICT DO NOTHING",
                [item_id, name],
            )

    def set_copy_columns(self, item_id: int, fields: Mapping[str, Any]) -> None:
        """Set some `COPY_COLUMNS` (an improvement, its undo, their replay).

        A new posted time moves the item in the list: its `sort_at` and list
        key follow (the search index's trigger re-files it under the new key).
        """
        if not set(fields) <= set(COPY_COLUMNS):
            raise ValueError(f"cannot set {sorted(set(fields) - set(COPY_COLUMNS))}")
        if not fields:
            return
        columns = dict(fields)
        if "posted_tz_known" in columns:
            columns["posted_tz_known"] = int(bool(columns["posted_tz_known"]))
        if "posted_at" in columns:
            row = self._x("SELECT ingested_at FROM items WHERE id = ?", [item_id]).fetchone()
            if row is None:
                raise NotFoundError(f"no item {item_id}")
            sort_at = columns["posted_at"] or (str(row[0])[:19] + "Z")
            columns["sort_at"] = sort_at
            columns["sort_key"] = sort_key(sort_at, item_id)
        assignments = ", ".join(f"{k} = ?" for k in columns)
        self._x(
            f"UPDATE items SET {assignments}, version = version + 1 WHERE id = ?",
            [*columns.values(), item_id],
        )

    # -- tags ---------------------------------------------------------------

    def add_tag(self, item_id: int, tag: str) -> bool:
        cursor = self._x(
            "INSERT INTO tags(item_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING", [item_id, tag]
        )
        return cursor.rowcount > 0

    def remove_tag(self, item_id: int, tag: str) -> bool:
        cursor = self._x("DELETE FROM tags WHERE item_id = ? AND tag = ?", [item_id, tag])
        return cursor.rowcount > 0

    def has_tag(self, item_id: int, tag: str) -> bool:
        return (
            self._x("SELECT 1 FROM tags WHERE item_id = ? AND tag = ?", [item_id, tag]).fetchone()
            is not None
        )

    # -- links --------------------------------------------------------------

    def add_link(
        self,
        *,
        src_id: int,
        relation: str,
        dst_item_id: int | None,
        dst_entry_id: int | None,
        actor: str,
        uuid: str | None = None,
    ) -> Link | None:
        """Make a link; None when the same link already exists."""
        link = Link(
            uuid=uuid or new_uuid(),
            src_id=src_id,
            relation=relation,
            dst_item_id=dst_item_id,
            dst_entry_id=dst_entry_id,
            created_at=iso_micro(),
            created_by=actor,
        )
        cursor = self._x(
            "INSERT INTO links(uuid, src_id, relation, dst_item_id, dst_entry_id, created_at, "
            "created_by) VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
            [
                link.uuid,
                link.src_id,
                link.relation,
                link.dst_item_id,
                link.dst_entry_id,
                link.created_at,
                link.created_by,
            ],
        )
        return link if cursor.rowcount > 0 else None

    def links_between(self, a: int, b: int) -> list[Link]:
        """The links from item a to item b and from b to a, oldest first."""
        rows = self._x(
            f"SELECT {LINK_COLUMNS} FROM links "
            "WHERE (src_id = ? AND dst_item_id = ?) OR (src_id = ? AND dst_item_id = ?) "
            "ORDER BY created_at, uuid",
            [a, b, b, a],
        ).fetchall()
        return [link_from_row(row) for row in rows]

    def remove_link(self, uuid: str) -> bool:
        return self._x("DELETE FROM links WHERE uuid = ?", [uuid]).rowcount > 0

    def add_pending_link(
        self,
        *,
        src_id: int,
        relation: str,
        platform: str | None,
        platform_id: str | None,
        url: str | None,
    ) -> None:
        """Remember a link to an item not in the desk yet; made when it arrives."""
        self._pending_empty = False
        self._x(
            "INSERT INTO pending_links(src_id, relation, platform, platform_id, url) "
            "VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING",
            [src_id, relation, platform or "", platform_id or "", url or ""],
        )

    def resolve_pending(
        self, *, item_id: int, platform: str, platform_id: str | None, url: str | None, actor: str
    ) -> list[Link]:
        """Make the links that were waiting for this item."""
        # Only the keys this item has: matching `platform_id = ''` or `url = ''`
        # would walk every pending link stored without one (quadratic ingest).
        clauses: list[str] = []
        params: list[str] = []
        if platform_id:
            clauses.append("(platform = ? AND platform_id = ?)")
            params += [platform, platform_id]
        if url:
            clauses.append("url = ?")
            params.append(url)
        if not clauses:
            return []
        if self._pending_empty is None:
            row = self._x("SELECT EXISTS (SELECT 1 FROM pending_links)").fetchone()
            self._pending_empty = not row[0]
        if self._pending_empty:
            return []
        rows = self._x(
            "SELECT src_id, relation, platform, platform_id, url FROM pending_links WHERE "
            + " OR ".join(clauses),
            params,
        ).fetchall()
        made: list[Link] = []
        for src_id, relation, p, pid, u in rows:
            if src_id != item_id:
                link = self.add_link(
                    src_id=src_id,
                    relation=relation,
                    dst_item_id=item_id,
                    dst_entry_id=None,
                    actor=actor,
                )
                if link is not None:
                    made.append(link)
            self._x(
                "DELETE FROM pending_links WHERE src_id = ? AND relation = ? AND platform = ? "
                "AND platform_id = ? AND url = ?",
                [src_id, relation, p, pid, u],
            )
        return made

    # -- notes --------------------------------------------------------------

    def add_note(
        self, *, item_id: int | None, entry_id: int | None, author: str, text: str
    ) -> Note:
        note_uuid = new_uuid()
        created = iso_micro()
        cursor = self._x(
            "INSERT INTO notes(uuid, item_id, entry_id, author, created_at, text, os_user) "
            "VALUES (?,?,?,?,?,?,?)",
            [note_uuid, item_id, entry_id, author, created, text, self.os_user],
        )
        return Note(
            id=int(cursor.lastrowid or 0),
            uuid=note_uuid,
            item_id=item_id,
            entry_id=entry_id,
            author=author,
            created_at=created,
            text=text,
            os_user=self.os_user,
        )

    def set_note_retracted(self, note_uuid: str, retracted: bool) -> bool:
        return (
            self._x(
                "UPDATE notes SET retracted = ? WHERE uuid = ?", [int(retracted), note_uuid]
            ).rowcount
            > 0
        )

    # -- stories, recap, checklist, filters ---------------------------------

    def create_story(self, slug: str, title: str, reference_date: str | None = None) -> int:
        """The story with this slug (made when new); `reference_date` defaults to today (UTC)."""
        row = self._x("SELECT id FROM stories WHERE slug = ?", [slug]).fetchone()
        if row:
            return int(row[0])
        created = iso_micro()
        cursor = self._x(
            "INSERT INTO stories(uuid, slug, title, created_at, reference_date) VALUES (?,?,?,?,?)",
            [new_uuid(), slug, title, created, reference_date or created[:10]],
        )
        return int(cursor.lastrowid or 0)

    def story_fields(self, story_id: int) -> tuple[str, str, str]:
        """`(slug, title, reference_date)` of a story, read inside the transaction."""
        row = self._x(
            f"SELECT slug, title, {REFERENCE_DATE} FROM stories WHERE id = ?",
            [story_id],
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no story {story_id}")
        return str(row[0]), str(row[1]), str(row[2])

    def update_story(self, story_id: int, *, title: str, reference_date: str) -> None:
        self._x(
            "UPDATE stories SET title = ?, reference_date = ? WHERE id = ?",
            [title, reference_date, story_id],
        )

    def add_recap_entry(
        self,
        *,
        story_id: int,
        section: str,
        headline: str,
        body: str = "",
        date_text: str | None = None,
        reading: Sequence[Any] | None = None,
        confidence: str = "reported",
        actor: str | None = None,
    ) -> int:
        """A new, unpinned entry; `reading` is `ENTRY_READING`'s seven values (None: no date)."""
        row = self._x(
            "SELECT coalesce(max(position), -1) + 1 FROM recap_entries "
            "WHERE story_id = ? AND section = ?",
            [story_id, section],
        ).fetchone()
        values = list(reading) if reading is not None else [None] * 4 + [False, None, None]
        created = iso_micro()
        cursor = self._x(
            "INSERT INTO recap_entries(uuid, story_id, section, position, date_text, headline, "
            "body, confidence, created_at, updated_at, updated_by, date_start, date_end, "
            "date_precision, date_edtf, readable, sort_start, sort_width) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                new_uuid(),
                story_id,
                section,
                int(row[0]),
                date_text,
                headline,
                body,
                confidence,
                created,
                created,
                actor,
                values[0],
                values[1],
                values[2],
                values[3],
                int(bool(values[4])),
                values[5],
                values[6],
            ],
        )
        return int(cursor.lastrowid or 0)

    def now_iso(self) -> str:
        """The time a verb records (deleted_at ...), by the one clock every write uses."""
        return iso_micro()

    def entry_exists(self, entry_id: int) -> bool:
        return (
            self._x("SELECT 1 FROM recap_entries WHERE id = ?", [entry_id]).fetchone() is not None
        )

    _ENTRY_FIELDS = (
        "story_id, section, position, pinned, date_text, headline, body, confidence, "
        "version, deleted_at, updated_by, updated_at, uuid, created_at"
    )

    def entry_state(self, entry_id: int) -> dict[str, Any]:
        """An entry's editable state, read inside the transaction (raises NotFoundError)."""
        row = self._x(
            f"SELECT {self._ENTRY_FIELDS} FROM recap_entries WHERE id = ?", [entry_id]
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no recap entry {entry_id}")
        names = [n.strip() for n in self._ENTRY_FIELDS.split(",")]
        state = dict(zip(names, row, strict=True))
        state["pinned"] = bool(state["pinned"])
        return state

    def check_entry_version(self, entry_id: int, expected: int) -> None:
        """Refuse a change made from a stale copy, naming who changed the entry since."""
        state = self.entry_state(entry_id)
        if state["version"] != expected:
            who = state["updated_by"] or "someone"
            when = (
                f" at {state['updated_at'][:19].replace('T', ' ')}" if state["updated_at"] else ""
            )
            raise ConflictError(
                f"recap entry {entry_id} was changed by {who}{when} (version {state['version']},"
                f" you saw {expected}): read it again and redo the edit"
            )

    def update_recap_entry(
        self,
        entry_id: int,
        fields: Mapping[str, Any],
        *,
        actor: str,
        reading: Sequence[Any] | None = None,
        bump: bool = True,
    ) -> int:
        """Set content fields (and the date's reading); the new version.

        `reading`: `(start, end, precision, edtf, readable, sort_start,
        sort_width)` for the entry's date, written with a `date_text` change
        or a re-reading. `bump=False` for placement changes (section, pin,
        delete), which do not make a concurrent text edit stale.
        """
        allowed = {
            "section",
            "position",
            "pinned",
            "date_text",
            "headline",
            "body",
            "confidence",
            "deleted_at",
        }
        if not set(fields) <= allowed:
            raise ValueError(f"cannot update {sorted(set(fields) - allowed)}")
        columns = dict(fields)
        if "pinned" in columns:
            columns["pinned"] = int(bool(columns["pinned"]))
        if reading is not None:
            keys = (
                "date_start",
                "date_end",
                "date_precision",
                "date_edtf",
                "readable",
                "sort_start",
                "sort_width",
            )
            columns.update(zip(keys, reading, strict=True))
            columns["readable"] = int(bool(columns["readable"]))
        assignments = [f"{k} = ?" for k in columns]
        if bump:
            assignments += ["version = version + 1", "updated_by = ?", "updated_at = ?"]
        params = [*columns.values()]
        if bump:
            params += [actor, iso_micro()]
        cursor = self._x(
            f"UPDATE recap_entries SET {', '.join(assignments)} WHERE id = ? RETURNING version",
            [*params, entry_id],
        )
        row = cursor.fetchone()
        if row is None:
            raise NotFoundError(f"no recap entry {entry_id}")
        return int(row[0])

    def story_entries_with_dates(self, story_id: int) -> list[tuple[int, str]]:
        """`(id, date_text)` of every entry of a story that has a date, deleted ones too."""
        return [
            (int(r[0]), str(r[1]))
            for r in self._x(
                "SELECT id, date_text FROM recap_entries WHERE story_id = ? "
                "AND date_text IS NOT NULL AND date_text <> '' ORDER BY id",
                [story_id],
            ).fetchall()
        ]

    def entry_reading(self, entry_id: int) -> tuple[Any, ...]:
        row = self._x(
            "SELECT date_start, date_end, date_precision, date_edtf, readable, sort_start, "
            "sort_width FROM recap_entries WHERE id = ?",
            [entry_id],
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no recap entry {entry_id}")
        return (row[0], row[1], row[2], row[3], bool(row[4]), row[5], row[6])

    def recap_sections(self) -> tuple[str, ...]:
        """The desk's recap template, read inside the transaction."""
        return queries.recap_sections(self.conn)

    def section_entry_counts(self) -> dict[str, int]:
        """Live recap entries per section, over every story."""
        return queries.section_entry_counts(self.conn)

    def set_recap_sections(self, names: Sequence[str]) -> None:
        """Make `names` the recap template, in that order (the verbs checked them)."""
        self._x("DELETE FROM recap_sections")
        for position, name in enumerate(names):
            self._x("INSERT INTO recap_sections(name, position) VALUES (?, ?)", [name, position])

    def rename_recap_section(self, old: str, new: str) -> list[int]:
        """Rename a section in the template (same place) and file its entries under the new name.

        Every entry filed under `old` moves, deleted ones too (so undoing a
        delete brings the entry back under the name its section has now);
        no entry's version changes, as with any placement. The entries moved.
        """
        self._x("UPDATE recap_sections SET name = ? WHERE name = ?", [new, old])
        moved = [
            int(r[0])
            for r in self._x(
                "UPDATE recap_entries SET section = ? WHERE section = ? RETURNING id", [new, old]
            ).fetchall()
        ]
        return sorted(moved)

    def verdicts(self) -> tuple[VerdictRow, ...]:
        """The desk's verdicts, read inside the transaction."""
        return queries.verdict_rows(self.conn)

    def verdict_use(self, name: str) -> int:
        """How many items carry this verdict now."""
        row = self._x("SELECT count(*) FROM items WHERE verdict = ?", [name]).fetchone()
        return int(row[0])

    def put_verdict(self, row: VerdictRow) -> None:
        """Add a verdict, or change the label, letter, key or place of one (verbs check)."""
        self._x(
            "INSERT INTO verdicts(name, label, letter, key, meaning, position)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET label = excluded.label,"
            " letter = excluded.letter, key = excluded.key, position = excluded.position",
            [row.name, row.label, row.letter, row.key, row.meaning, row.position],
        )

    def delete_verdict(self, name: str) -> None:
        """Drop a verdict no item carries (a trigger refuses one in use)."""
        self._x("DELETE FROM verdicts WHERE name = ?", [name])

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
            while chunk := fh.read(BLOB_CHUNK):
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
                    while chunk := fh.read(BLOB_CHUNK):
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

    def step_state(self, item_id: int, step: str) -> tuple[str, str | None] | None:
        """`(status, note)` of a logged step, or None when it was never logged."""
        row = self._x(
            "SELECT status, note FROM check_steps WHERE item_id = ? AND pillar = ?",
            [item_id, step],
        ).fetchone()
        return (str(row[0]), row[1]) if row else None

    def step_states(self, item_id: int) -> dict[str, str]:
        """Every logged step of an item and its state, in the order they were placed."""
        return {
            str(r[0]): str(r[1])
            for r in self._x(
                "SELECT pillar, status FROM check_steps WHERE item_id = ? ORDER BY position, rowid",
                [item_id],
            ).fetchall()
        }

    def set_step(
        self,
        *,
        item_id: int,
        step: str,
        position: int,
        question: str,
        status: str,
        note: str | None,
        actor: str,
    ) -> None:
        """Set a step's state and note (its evidence lives in `evidence`, added, never replaced)."""
        self._x(
            "INSERT INTO check_steps(item_id, pillar, position, question, status, note, "
            "updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?) "
            "ON CONFLICT(item_id, pillar) DO UPDATE SET status = excluded.status, "
            "note = excluded.note, updated_at = excluded.updated_at, "
            "updated_by = excluded.updated_by",
            [item_id, step, position, question, status, note, iso_micro(), actor],
        )

    def delete_step(self, item_id: int, step: str) -> None:
        """Forget a step logged once (its undo): it reads as `open` again; history stays."""
        self._x("DELETE FROM check_steps WHERE item_id = ? AND pillar = ?", [item_id, step])

    def add_step_history(
        self,
        *,
        item_id: int,
        step: str,
        actor: str,
        before: str,
        after: str,
        note: str | None,
        evidence_added: int,
    ) -> int:
        cursor = self._x(
            "INSERT INTO check_history(item_id, step, at, actor, before, after, note, "
            "evidence_added, os_user) VALUES (?,?,?,?,?,?,?,?,?)",
            [item_id, step, iso_micro(), actor, before, after, note, evidence_added, self.os_user],
        )
        return int(cursor.lastrowid or 0)

    def add_evidence(
        self,
        *,
        item_id: int,
        step: str,
        form: str,
        value: str,
        actor: str,
        sha256: str | None = None,
        size: int | None = None,
        media_type: str | None = None,
    ) -> EvidenceRow:
        """Add evidence to a step; `form` is `url`, `note` or `file` (bytes in `blobs`)."""
        cursor = self._x(
            "INSERT INTO evidence(uuid, item_id, step, kind, value, sha256, size, media_type, "
            "added_by, added_at) VALUES (?,?,?,?,?,?,?,?,?,?) "
            f"RETURNING {EVIDENCE_COLUMNS}",
            [new_uuid(), item_id, step, form, value, sha256, size, media_type, actor, iso_micro()],
        )
        return evidence_from_row(cursor.fetchone())

    def retract_evidence(self, uuids: Sequence[str]) -> int:
        """Hide evidence (an undo); the row and its bytes stay in the desk."""
        n = 0
        for one in uuids:
            n += self._x("UPDATE evidence SET retracted = 1 WHERE uuid = ?", [one]).rowcount
        return n

    def item_templates(self, item_id: int) -> tuple[str | None, str | None]:
        """`(the item's own template, its story's)`; None where none was picked."""
        row = self._x(
            "SELECT i.template, s.template FROM items i LEFT JOIN stories s ON s.id = i.story_id "
            "WHERE i.id = ?",
            [item_id],
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no item {item_id}")
        return (None if row[0] is None else str(row[0])), (None if row[1] is None else str(row[1]))

    def set_item_template(self, item_id: int, name: str | None) -> None:
        self._x("UPDATE items SET template = ? WHERE id = ?", [name, item_id])

    def story_template(self, story_id: int) -> str | None:
        row = self._x("SELECT template FROM stories WHERE id = ?", [story_id]).fetchone()
        if row is None:
            raise NotFoundError(f"no story {story_id}")
        return None if row[0] is None else str(row[0])

    def set_story_template(self, story_id: int, name: str | None) -> None:
        self._x("UPDATE stories SET template = ? WHERE id = ?", [name, story_id])

    def story_items_following(self, story_id: int) -> tuple[list[int], list[int]]:
        """Items of a story that follow its template (none of their own):
        `(ids with logged steps, ids without)`."""
        logged: list[int] = []
        bare: list[int] = []
        for item_id, has in self._x(
            "SELECT id, EXISTS (SELECT 1 FROM check_steps c WHERE c.item_id = items.id) "
            "FROM items WHERE story_id = ? AND template IS NULL",
            [story_id],
        ).fetchall():
            (logged if has else bare).append(int(item_id))
        return logged, bare

    def set_checks_done_bare(self, story_id: int, done: bool) -> None:
        """`checks_done` for a story's items that follow its template and have no step logged."""
        self._x(
            "UPDATE items SET checks_done = ? WHERE story_id = ? AND template IS NULL "
            "AND checks_done <> ? AND NOT EXISTS "
            "(SELECT 1 FROM check_steps c WHERE c.item_id = items.id)",
            [int(done), story_id, int(done)],
        )

    def set_checks_done(self, item_id: int, done: bool) -> None:
        """Whether every required step is passed or n/a (what the queue and its count read)."""
        self._x(
            "UPDATE items SET checks_done = ? WHERE id = ? AND checks_done <> ?",
            [int(done), item_id, int(done)],
        )

    def template_toml(self, name: str) -> str | None:
        row = self._x("SELECT toml FROM checklist_templates WHERE name = ?", [name]).fetchone()
        return str(row[0]) if row else None

    def add_template(self, name: str, toml: str, actor: str) -> None:
        self._x(
            "INSERT INTO checklist_templates(name, toml, created_by, created_at) VALUES (?,?,?,?)",
            [name, toml, actor, iso_micro()],
        )

    def delete_template(self, name: str) -> None:
        self._x("DELETE FROM checklist_templates WHERE name = ?", [name])

    def template_users(self, name: str) -> tuple[int, int]:
        """`(stories, items)` that picked the template."""
        stories = self._x("SELECT count(*) FROM stories WHERE template = ?", [name]).fetchone()
        items = self._x("SELECT count(*) FROM items WHERE template = ?", [name]).fetchone()
        return int(stories[0]), int(items[0])

    def save_filter(self, name: str, expr: str, actor: str) -> None:
        self._x(
            "INSERT INTO saved_filters(name, expr, created_by, created_at) VALUES (?,?,?,?) "
            "ON CONFLICT(name) DO UPDATE SET expr = excluded.expr",
            [name, expr, actor, iso_micro()],
        )

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
            [story_id, new_uuid(), slug, title, created_at, reference_date],
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
