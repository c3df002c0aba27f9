"""The writer's copies of a known post (migration 0011): item_copies and item_holds.

Separate because a copy is its own record: another capture of a post the desk has,
with the fields an editor holds against improvement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from db import queries
from db.errors import NotFoundError
from db.events import canonical_json
from db.order import sort_key
from db.queries import COPY_COLUMNS
from db.writer_base import (
    WriterBase,
)


class CopyWrites(WriterBase):
    """Copies of a known post and the fields held against them."""

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
