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

import sqlite3
from collections.abc import Iterable

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
