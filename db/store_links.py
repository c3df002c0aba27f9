"""The store's reads of links, copies of a known post and notes of an item.

Separate because these are the records that hang off one item (the item pane's
links, copies and notes).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from db.models import (
    ItemCopy,
    Link,
    Note,
)
from db.rows import (
    LINK_COLUMNS,
    NOTE_COLUMNS,
    link_from_row,
    note_from_row,
)
from db.store_base import (
    StoreBase,
)


class LinkReads(StoreBase):
    """Links, copies and notes of an item."""

    # -- links and notes ----------------------------------------------------

    def links_of(self, item_id: int) -> list[Link]:
        """Links from and to an item."""
        return [
            link_from_row(r)
            for r in self._all(
                f"SELECT {LINK_COLUMNS} FROM links WHERE src_id = ? OR dst_item_id = ? "
                "ORDER BY created_at",
                [item_id, item_id],
            )
        ]

    _LINK_KEYS = (
        # One per index: the item and entry indexes are partial (`dst_... IS NOT NULL`),
        # so each branch names its own condition, and none scans the table.
        "SELECT rowid AS k FROM links WHERE src_id = ? AND dst_item_id IS NOT NULL",
        "SELECT rowid AS k FROM links WHERE src_id = ? AND dst_entry_id IS NOT NULL",
        "SELECT rowid AS k FROM links WHERE dst_item_id = ? AND src_id != ?",
    )

    def link_counts(self, item_id: int) -> list[tuple[str, bool, int]]:
        """`(relation, outgoing, count)` of an item's links, outgoing first.

        What the item pane heads its links with: an item of a big desk can
        have thousands (5,283 on the last item of a 100k desk), and the pane
        shows counts and one page instead of all of them. Read from the
        links' indexes (about 2 ms for 5,000 links), never a table scan.
        """
        rows = self._all(
            "SELECT relation, 1, count(*) FROM links WHERE src_id = ? "
            "AND dst_item_id IS NOT NULL GROUP BY relation "
            "UNION ALL SELECT relation, 1, count(*) FROM links WHERE src_id = ? "
            "AND dst_entry_id IS NOT NULL GROUP BY relation "
            "UNION ALL SELECT relation, 0, count(*) FROM links WHERE dst_item_id = ? "
            "AND src_id != ? GROUP BY relation",
            [item_id] * 4,
        )
        merged: dict[tuple[str, bool], int] = {}
        for relation, outgoing, n in rows:
            key = (str(relation), bool(outgoing))
            merged[key] = merged.get(key, 0) + int(n)
        return sorted(((r, o, n) for (r, o), n in merged.items()), key=lambda t: (not t[1], t[0]))

    def links_page(
        self, item_id: int, *, after: int = 0, limit: int = 50
    ) -> list[tuple[int, Link]]:
        """A keyset page of an item's links (from and to it), oldest first: `(key, link)`.

        `after` is the key of the last link of the previous page (0: from the
        start). Keys are the links' rowids, so a page costs the same at any
        depth (no OFFSET), and the order is the order the links were made.
        """
        keys = " UNION ALL ".join(sql + " AND rowid > ?" for sql in self._LINK_KEYS)
        rows = self._all(
            f"SELECT rowid, {LINK_COLUMNS} FROM links WHERE rowid IN (SELECT k FROM ({keys}) "
            "ORDER BY k LIMIT ?) ORDER BY rowid",
            [item_id, after, item_id, after, item_id, item_id, after, limit],
        )
        return [(int(r[0]), link_from_row(r[1:])) for r in rows]

    def find_link(
        self, src_id: int, relation: str | None, dst_item_id: int | None, dst_entry_id: int | None
    ) -> Link | None:
        sql = (
            f"SELECT {LINK_COLUMNS} FROM links "
            "WHERE src_id = ? AND dst_item_id IS ? AND dst_entry_id IS ?"
        )
        params: list[Any] = [src_id, dst_item_id, dst_entry_id]
        if relation:
            sql += " AND relation = ?"
            params.append(relation)
        row = self._one(sql + " LIMIT 1", params)
        if row is None:
            return None
        return link_from_row(row)

    def copies_of(self, item_id: int) -> list[ItemCopy]:
        """Every copy of the item's post the desk keeps, oldest first (migration 0011).

        An item given once has one copy, its own (`raw_sha256`, `source_*`);
        from its second distinct copy on, `item_copies` holds them all.
        """
        try:
            rows = self._all(
                "SELECT raw_sha256, source_file, source_format, source_record, ingested_at "
                "FROM item_copies WHERE item_id = ? ORDER BY ingested_at, raw_sha256",
                [item_id],
            )
        except sqlite3.OperationalError:  # a desk opened read-only before its upgrade
            rows = []
        if not rows:
            rows = self._all(
                "SELECT raw_sha256, source_file, source_format, source_record, ingested_at "
                "FROM items WHERE id = ? AND raw_sha256 IS NOT NULL",
                [item_id],
            )
        return [ItemCopy(str(r[0]), r[1], r[2], r[3], str(r[4])) for r in rows]

    def notes_of(self, item_id: int, *, include_retracted: bool = False) -> list[Note]:
        sql = f"SELECT {NOTE_COLUMNS} FROM notes WHERE item_id = ?"
        if not include_retracted:
            sql += " AND retracted = 0"
        return [note_from_row(r) for r in self._all(sql + " ORDER BY id", [item_id])]
