"""The store's reads of items: one item, pages and searches of them, tags, counts, blobs.

Separate because the item list (its filters, paging and counts) is the desk's
largest read and the one the others hang off.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from db import queries
from db.errors import NotFoundError
from db.models import (
    Counts,
    Item,
    ItemQuery,
    ItemRow,
    PageKey,
)
from db.order import first_key_at, sort_key
from db.rows import (
    ITEM_COLUMNS,
    ROW_COLUMNS,
    item_from_row,
    item_row_from_row,
)
from db.store_base import (
    PLAN_THRESHOLD,
    QUEUE_WHERE,
    StoreBase,
)
from db.writer import NewItem


class ItemReads(StoreBase):
    """Items, their tags and pages, counts and blobs."""

    # -- items --------------------------------------------------------------

    def item(self, item_id: int) -> Item:
        row = self._one(f"SELECT {ITEM_COLUMNS} FROM items WHERE id = ?", [item_id])
        if row is None:
            raise NotFoundError(f"no item {item_id}")
        return item_from_row(row, self.tags_of(item_id))

    def item_exists(self, item_id: int) -> bool:
        return self._one("SELECT 1 FROM items WHERE id = ?", [item_id]) is not None

    def item_by_uuid(self, uuid: str) -> Item | None:
        row = self._one(f"SELECT {ITEM_COLUMNS} FROM items WHERE uuid = ?", [uuid])
        return item_from_row(row, self.tags_of(row[0])) if row else None

    def find_item(
        self, platform: str | None, platform_id: str | None, url: str | None
    ) -> int | None:
        """The item a reference points at: by platform and id, then by URL."""
        with self.lock:
            return queries.existing_item(self.conn, platform, platform_id, url)

    @contextmanager
    def copy_reader(self) -> Iterator[queries.CopyReader]:
        """What `take_copy` reads, read-only and under the lock (an ingest's dry run)."""
        with self.lock:
            yield queries.CopyReader(self.conn)

    def duplicate_of(self, item: NewItem, *, raw_sha: str | None = None) -> int | None:
        """The item an insert of `item` would be merged into (same rules as the insert);
        `raw_sha` looks the item up under that digest instead of its raw bytes'."""
        if raw_sha is None and item.raw is not None:
            raw_sha = hashlib.sha256(item.raw).hexdigest()
        with self.lock:
            return queries.same_item(
                self.conn,
                platform=item.platform,
                platform_id=item.platform_id,
                url=item.url,
                raw_sha=raw_sha,
            )

    def tags_of(self, item_id: int) -> tuple[str, ...]:
        return tuple(
            r[0]
            for r in self._all("SELECT tag FROM tags WHERE item_id = ? ORDER BY tag", [item_id])
        )

    def all_tags(self) -> list[tuple[str, int]]:
        """Every tag in the desk with how many items carry it, most used first."""
        return [
            (r[0], int(r[1]))
            for r in self._all(
                "SELECT tag, count(*) FROM tags GROUP BY tag ORDER BY count(*) DESC, tag"
            )
        ]

    def _where(self, query: ItemQuery) -> tuple[list[str], list[Any], bool]:
        """Conditions for everything but words, and whether one of them is rare.

        Two plans per condition: a rare tag (or a list of ids) is fastest
        driven from its matches (look each up, sort the few); a common tag
        is fastest tested row by row while walking the list's order, which
        stops after one page. The third value says a rare driver is present.
        """
        where: list[str] = []
        params: list[Any] = []
        driven = False
        for tag in query.tags:
            if self._more_than("SELECT item_id FROM tags WHERE tag = ?", tag):
                where.append(
                    "EXISTS (SELECT 1 FROM tags t WHERE t.item_id = items.id AND t.tag = ?)"
                )
            else:
                where.append("items.id IN (SELECT item_id FROM tags WHERE tag = ?)")
                driven = True
            params.append(tag)
        for tag in query.not_tags:
            where.append(
                "NOT EXISTS (SELECT 1 FROM tags t WHERE t.item_id = items.id AND t.tag = ?)"
            )
            params.append(tag)
        for column, values in (
            ("triage", query.triage),
            ("verdict", query.verdict),
            ("platform", query.platform),
        ):
            if values:
                where.append(f"items.{column} IN ({','.join('?' * len(values))})")
                params.extend(values)
        if query.handle:
            where.append(
                f"items.author_handle COLLATE NOCASE IN ({','.join('?' * len(query.handle))})"
            )
            params.extend(query.handle)
        if query.since:
            # The key bound lets SQLite seek; the text bound keeps it exact.
            where.append("items.sort_key >= ? AND items.sort_at >= ?")
            params.extend([first_key_at(query.since), query.since])
        if query.story_id is not None:
            where.append("items.story_id = ?")
            params.append(query.story_id)
        if query.ids:
            where.append(f"items.id IN ({','.join('?' * len(query.ids))})")
            params.extend(query.ids)
            driven = True
        if query.needs_verification:
            where.append(QUEUE_WHERE)
        if not query.show_discarded and "discarded" not in query.triage:
            where.append("items.triage <> 'discarded'")
        return where, params, driven

    def _more_than(self, sql: str, param: Any) -> bool:
        """Whether a match set is larger than PLAN_THRESHOLD, counted only that far."""
        n = PLAN_THRESHOLD
        row = self._one(f"SELECT count(*) FROM ({sql} LIMIT {n + 1})", [param])
        return bool(row and row[0] > n)

    def page(
        self,
        query: ItemQuery,
        *,
        after: PageKey | None = None,
        before: PageKey | None = None,
        limit: int = 100,
        order: str = "posted",
    ) -> list[ItemRow]:
        """A page of list rows, newest first, by keyset (never OFFSET).

        `after` continues downward (older) from a row; `before` fetches the
        rows just above one (newer), returned newest first as well. `order`
        is `posted` (posted time, else arrival; see `db/order.py`) or
        `arrival` (id).

        Words in posted order are read from the full-text index, whose rowid
        is the list key: its matches come out newest first and the walk stops
        after `limit` rows, however common the word and however big the desk.
        Only when a rare tag or an id list drives the query are the word's
        matches gathered as a set instead.
        """
        where, params, driven = self._where(query)
        direction = "ASC" if before is not None else "DESC"
        if order == "arrival":
            key = "items.id"
            bounds = [
                (after, "<", after.id if after else 0),
                (before, ">", before.id if before else 0),
            ]
        else:
            key = "items.sort_key"
            bounds = [
                (after, "<", sort_key(after.sort_at, after.id) if after else 0),
                (before, ">", sort_key(before.sort_at, before.id) if before else 0),
            ]
        from_sql = "items"
        if query.text and order == "posted" and not driven:
            # The index drives; CROSS JOIN keeps SQLite from turning it around.
            from_sql = "items_text CROSS JOIN items ON items.sort_key = items_text.rowid"
            key = "items_text.rowid"
            where.insert(0, "items_text MATCH ?")
            params.insert(0, query.text)
            if query.since:
                where.append("items_text.rowid >= ?")  # the index seeks too
                params.append(first_key_at(query.since))
        elif query.text:
            match = "SELECT rowid FROM items_text WHERE items_text MATCH ?"
            # The unary `+` keeps SQLite off the key's index when the word is
            # common and the walk along the list's order is cheaper.
            common = self._more_than(match, query.text)
            where.append(f"{'+' if common else ''}items.sort_key IN ({match})")
            params.append(query.text)
        if from_sql == "items" and query.needs_verification and not driven and order == "posted":
            # SQLite's planner (no ANALYZE) prefers the triage index and walks every kept
            # item done with: 11 ms a page on 100k items, against 0.02 ms on the queue's own.
            from_sql = "items INDEXED BY items_queue"
        for given, op, value in bounds:
            if given is not None:
                where.append(f"{key} {op} ?")
                params.append(value)
        sql = f"SELECT {ROW_COLUMNS} FROM {from_sql}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY {key} {direction} LIMIT ?"
        params.append(limit)
        rows = self._all(sql, params)
        if before is not None:
            rows.reverse()
        tags = self._tags_for([r[0] for r in rows])
        return [item_row_from_row(r, tags.get(r[0], ())) for r in rows]

    def _tags_for(self, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        if not ids:
            return {}
        out: dict[int, list[str]] = {}
        for item_id, tag in self._all(
            f"SELECT item_id, tag FROM tags WHERE item_id IN ({','.join('?' * len(ids))}) "
            "ORDER BY item_id, tag",
            list(ids),
        ):
            out.setdefault(item_id, []).append(tag)
        return {k: tuple(v) for k, v in out.items()}

    def search_ids(
        self, fts_query: str, *, after: PageKey | None = None, limit: int = 50
    ) -> list[int]:
        """Item ids matching a full-text query, newest posted first.

        Ranking by bm25 over a million rows costs a second; the index's own
        order (the list key) costs well under a millisecond, and is what a
        desk wants. `after` continues below a row, as in `page`.
        """
        sql = (
            "SELECT items.id FROM items_text CROSS JOIN items "
            "ON items.sort_key = items_text.rowid WHERE items_text MATCH ?"
        )
        params: list[Any] = [fts_query]
        if after is not None:
            sql += " AND items_text.rowid < ?"
            params.append(sort_key(after.sort_at, after.id))
        sql += " ORDER BY items_text.rowid DESC LIMIT ?"
        params.append(limit)
        return [int(r[0]) for r in self._all(sql, params)]

    def counts(self, story_id: int | None = None) -> Counts:
        """Items per triage and verdict, read from counters kept by triggers."""
        total = 0
        triage: dict[str, int] = {}
        verdict: dict[str, int] = {}
        if story_id is None:
            rows = self._all("SELECT dim, value, sum(n) FROM item_counts GROUP BY dim, value")
        else:
            rows = self._all("SELECT dim, value, n FROM item_counts WHERE story_id = ?", [story_id])
        for dim, value, n in rows:
            if dim == "all":
                total = int(n)
            elif dim == "triage":
                triage[value] = int(n)
            elif dim == "verdict":
                verdict[value] = int(n)
        return Counts(total=total, triage=triage, verdict=verdict)

    def arrivals_per_hour(
        self, since_iso: str, story_id: int | None = None
    ) -> list[tuple[str, int]]:
        """Items ingested per hour since a time, for the sparkline."""
        sql = (
            "SELECT substr(ingested_at, 1, 13) AS hour, count(*) FROM items WHERE ingested_at >= ?"
        )
        params: list[Any] = [since_iso]
        if story_id is not None:
            sql += " AND story_id = ?"
            params.append(story_id)
        sql += " GROUP BY hour ORDER BY hour"
        return [(r[0], int(r[1])) for r in self._all(sql, params)]

    def blob(self, sha256: str) -> bytes:
        row = self._one("SELECT data FROM blobs WHERE sha256 = ?", [sha256])
        if row is None:
            raise NotFoundError(f"no stored bytes with sha256 {sha256}")
        return bytes(row[0])
