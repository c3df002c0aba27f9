"""Reads that `Store` and `Writer` both make, as functions of a connection.

The same question is asked on both sides of a transaction: an ingest asks
inside its write which item a reference or a new post is (to link it, or to
merge a duplicate), and a dry run or a lookup asks the same outside any
write. One function per question keeps one answer: the two sides cannot
drift apart, and the store no longer builds a `Writer` to read.

These functions take no lock and open no transaction: the caller holds the
`Store`'s lock, or is the `Writer` of the open transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from db.errors import NotFoundError
from db.models import VerdictRow


def _item_by_platform_id(conn: sqlite3.Connection, platform: str, platform_id: str) -> int | None:
    row = conn.execute(
        "SELECT id FROM items WHERE platform = ? AND platform_id = ?",
        [platform, platform_id],
    ).fetchone()
    return int(row[0]) if row else None


def existing_item(
    conn: sqlite3.Connection, platform: str | None, platform_id: str | None, url: str | None
) -> int | None:
    """The item a reference points at: by platform and id, else by URL on any platform.

    What a link (a reply's parent, a quoted or embedded post) resolves its
    target with. Looser than `same_item`, which decides that two posts are
    one: there a URL counts only on the same platform.
    """
    if platform and platform_id:
        found = _item_by_platform_id(conn, platform, platform_id)
        if found is not None:
            return found
    if url:
        row = conn.execute(
            "SELECT id FROM items WHERE url = ? ORDER BY id LIMIT 1", [url]
        ).fetchone()
        if row:
            return int(row[0])
    return None


def same_item(
    conn: sqlite3.Connection,
    *,
    platform: str,
    platform_id: str | None,
    url: str | None,
    raw_sha: str | None,
) -> int | None:
    """The item a new one duplicates, if any: the rule by which one post is one item.

    By platform and id; else by URL on the same platform (a fact-check
    and the page it sits on share a URL but are two items); else, for
    items with neither (a quoted post in a paste), by identical raw bytes
    on the same platform.
    """
    if platform_id:
        found = _item_by_platform_id(conn, platform, platform_id)
        if found is not None:
            return found
    if url:
        row = conn.execute(
            "SELECT id FROM items WHERE url = ? AND platform = ? ORDER BY id LIMIT 1",
            [url, platform],
        ).fetchone()
        if row:
            return int(row[0])
    if not platform_id and not url and raw_sha:
        row = conn.execute(
            "SELECT id FROM items WHERE raw_sha256 = ? AND platform = ? "
            "AND platform_id IS NULL AND url IS NULL ORDER BY id LIMIT 1",
            [raw_sha, platform],
        ).fetchone()
        if row:
            return int(row[0])
    return None


KEY_CHUNK = 400
"""Keys asked per statement by `taken_keys` (two parameters each, well under SQLite's limit)."""


def taken_keys(
    conn: sqlite3.Connection, ids: Iterable[tuple[str, str]], urls: Iterable[tuple[str, str]]
) -> set[tuple[str, str, str]]:
    """Which of these keys an item already has: `("id", platform, platform_id)` and
    `("url", platform, url)`, the two keys of `same_item`, asked for a whole batch.

    An ingest asks this once per batch and looks an item up one by one only
    when one of its keys is taken (or was taken by an item earlier in the
    batch): a feed of new entries then costs one statement per 400 items
    instead of two per item. Each statement walks the partial index its
    key has (`items_platform_id`, `items_url`).
    """
    taken: set[tuple[str, str, str]] = set()
    for key, column, pairs in (("id", "platform_id", list(ids)), ("url", "url", list(urls))):
        for start in range(0, len(pairs), KEY_CHUNK):
            chunk = pairs[start : start + KEY_CHUNK]
            holes = ",".join("(?,?)" for _ in chunk)
            rows = conn.execute(
                f"WITH wanted(platform, value) AS (VALUES {holes}) "
                f"SELECT DISTINCT w.platform, w.value FROM wanted w JOIN items i "
                f"ON i.{column} = w.value AND i.platform = w.platform "
                f"WHERE i.{column} IS NOT NULL",
                [v for pair in chunk for v in pair],
            ).fetchall()
            taken.update((key, str(r[0]), str(r[1])) for r in rows)
    return taken


def recap_sections(conn: sqlite3.Connection) -> tuple[str, ...]:
    """The desk's recap template: its section names, in order (migration 0004)."""
    return tuple(
        str(r[0]) for r in conn.execute("SELECT name FROM recap_sections ORDER BY position, name")
    )


def section_entry_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Live (not deleted) recap entries per section, over every story of the desk."""
    return {
        str(r[0]): int(r[1])
        for r in conn.execute(
            "SELECT section, count(*) FROM recap_entries WHERE deleted_at IS NULL GROUP BY section"
        )
    }


def verdict_rows(conn: sqlite3.Connection) -> tuple[VerdictRow, ...]:
    """The desk's verdicts in chooser order (migration 0006), or none on an older desk."""
    try:
        rows = conn.execute(
            "SELECT name, label, letter, key, meaning, position FROM verdicts"
            " ORDER BY position, name"
        ).fetchall()
    except sqlite3.OperationalError:  # a desk opened read-only before its upgrade
        return ()
    return tuple(
        VerdictRow(str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), int(r[5])) for r in rows
    )


# -- copies of a known post (migration 0011): what `take_copy` reads, and a dry run too

COPY_COLUMNS: tuple[str, ...] = (
    "text",
    "title",
    "lang",
    "author_name",
    "author_handle",
    "author_url",
    "posted_at",
    "posted_precision",
    "posted_tz_known",
    "media",
    "extra",
)
"""An item's columns that a fuller copy of the same post may improve (`desk.ingest.copies`)."""

COPY_ROW_COLUMNS = (
    "item_id, raw_sha256, source_file, source_format, source_record, ingested_at, fields"
)


def copy_row(row: Sequence[Any]) -> dict[str, Any]:
    """An `item_copies` row as events record it (`fields` decoded)."""
    return {
        "item": int(row[0]),
        "raw_sha256": str(row[1]),
        "source_file": row[2],
        "source_format": row[3],
        "source_record": row[4],
        "ingested_at": str(row[5]),
        "fields": json.loads(row[6]),
    }


def items_raw_sha(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, str | None]:
    """The sha256 of the copy each item was made from (its first), in one statement."""
    if not ids:
        return {}
    rows = conn.execute(
        f"SELECT id, raw_sha256 FROM items WHERE id IN ({','.join('?' * len(ids))})",
        list(ids),
    ).fetchall()
    return {int(r[0]): (None if r[1] is None else str(r[1])) for r in rows}


def known_copies(
    conn: sqlite3.Connection, pairs: Sequence[tuple[int, str]]
) -> set[tuple[int, str]]:
    """Which `(item id, raw sha256)` pairs are copies the desk has already (one statement)."""
    if not pairs:
        return set()
    holes = ",".join("(?,?)" for _ in pairs)
    flat = [v for pair in pairs for v in pair]
    rows = conn.execute(
        f"WITH wanted(item_id, sha) AS (VALUES {holes}) "
        "SELECT w.item_id, w.sha FROM wanted w JOIN item_copies c "
        "ON c.item_id = w.item_id AND c.raw_sha256 = w.sha",
        flat,
    ).fetchall()
    return {(int(r[0]), str(r[1])) for r in rows}


def item_copy_rows(conn: sqlite3.Connection, item_id: int) -> list[dict[str, Any]]:
    """An item's copies (`item_copies`), oldest first; `fields` decoded."""
    rows = conn.execute(
        f"SELECT {COPY_ROW_COLUMNS} FROM item_copies WHERE item_id = ? "
        "ORDER BY ingested_at, raw_sha256",
        [item_id],
    ).fetchall()
    return [copy_row(r) for r in rows]


def item_copy_origin(conn: sqlite3.Connection, item_id: int) -> dict[str, Any]:
    """The copy an item was made from, as an `item_copies` row (before it has one)."""
    row = conn.execute(
        f"SELECT id, raw_sha256, source_file, source_format, source_record, ingested_at, "
        f"{', '.join(COPY_COLUMNS)} FROM items WHERE id = ?",
        [item_id],
    ).fetchone()
    if row is None:
        raise NotFoundError(f"no item {item_id}")
    return {
        "item": int(row[0]),
        "raw_sha256": row[1],
        "source_file": row[2],
        "source_format": row[3],
        "source_record": row[4],
        "ingested_at": row[5],
        "fields": dict(zip(COPY_COLUMNS, row[6:], strict=True)),
    }


def item_copy_fields(conn: sqlite3.Connection, item_id: int) -> dict[str, Any]:
    """An item's `COPY_COLUMNS` as they stand."""
    row = conn.execute(
        f"SELECT {', '.join(COPY_COLUMNS)} FROM items WHERE id = ?", [item_id]
    ).fetchone()
    if row is None:
        raise NotFoundError(f"no item {item_id}")
    return dict(zip(COPY_COLUMNS, row, strict=True))


def item_holds(conn: sqlite3.Connection, item_id: int) -> set[str]:
    """The fields of an item a person set, which no copy may change."""
    return {
        str(r[0]) for r in conn.execute("SELECT field FROM item_holds WHERE item_id = ?", [item_id])
    }


class CopyReader:
    """The reads of `take_copy` over a connection, outside any write: what a
    dry run asks (`Store.copy_reader`). `Writer` has the same methods."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def items_raw_sha(self, ids: Sequence[int]) -> dict[int, str | None]:
        return items_raw_sha(self.conn, ids)

    def known_copies(self, pairs: Sequence[tuple[int, str]]) -> set[tuple[int, str]]:
        return known_copies(self.conn, pairs)

    def item_copy_rows(self, item_id: int) -> list[dict[str, Any]]:
        return item_copy_rows(self.conn, item_id)

    def item_copy_origin(self, item_id: int) -> dict[str, Any]:
        return item_copy_origin(self.conn, item_id)

    def item_copy_fields(self, item_id: int) -> dict[str, Any]:
        return item_copy_fields(self.conn, item_id)

    def item_holds(self, item_id: int) -> set[str]:
        return item_holds(self.conn, item_id)
