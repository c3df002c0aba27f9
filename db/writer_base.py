"""The base of `db.writer.Writer`: its connection, one-statement helper, and the
module-level helpers the record mixins share (ids, JSON, `NewItem`).

Separate so that each record's mixin (`db.writer_*`) can build on it without
importing `db.writer`, which assembles them.

The writer's seams live here, and the mixins read them through this module
(`writer_base.new_uuid()`, `writer_base.iso_micro()`, `writer_base.BLOB_CHUNK`):
a test that freezes ids, the clock or the chunk size patches them here, once.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from db.clock import iso_micro
from db.errors import ConflictError
from db.models import Media

__all__ = ["iso_micro"]  # a seam (above); the rest are this module's own

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


class WriterBase:
    """What every writer mixin shares: the open connection and `_x`."""

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
