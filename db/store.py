"""The desk store: every read the upper layers make, and the door to writes.

Reads return frozen dataclasses from `db.models`, made from rows by the
converters of `db.rows`. Writes happen only inside
`Store.transaction()`, which starts with `BEGIN IMMEDIATE` (the one kind of
transaction that never fails with "database is locked" when several
processes write at once) and hands out a `Writer` whose every change ends
up in the same commit as its event.

One `Store` holds one connection shared by the threads of a process and
guarded by a re-entrant lock; SQLite in WAL mode lets other processes read
while this one writes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from db import queries, whoami
from db.access import why_read_only
from db.changes import DeskChanges, read_changes
from db.connection import open_desk
from db.errors import BusyError, DeskGoneError, NotFoundError, ReadOnlyError
from db.integrity import verify_snapshot
from db.models import (
    CheckStep,
    Counts,
    Event,
    EvidenceRow,
    Item,
    ItemCopy,
    ItemQuery,
    ItemRow,
    Link,
    Note,
    PageKey,
    QueueRow,
    RecapEntry,
    RecapSource,
    StepHistoryRow,
    Story,
    TemplateRecord,
    VerdictRow,
    VerifyProblem,
)
from db.order import first_key_at, sort_key
from db.rows import (
    CHECK_COLUMNS,
    ENTRY_COLUMNS,
    EVENT_COLUMNS,
    EVIDENCE_COLUMNS,
    HISTORY_COLUMNS,
    ITEM_COLUMNS,
    LINK_COLUMNS,
    NOTE_COLUMNS,
    NOTE_COLUMNS_N,
    ROW_COLUMNS,
    SOURCE_COLUMNS,
    STORY_COLUMNS,
    check_step_from_row,
    event_from_row,
    evidence_from_row,
    history_from_row,
    item_from_row,
    item_row_from_row,
    link_from_row,
    note_from_row,
    place_pinned,
    recap_entry_from_row,
)
from db.writer import NewItem, Writer

# `place_pinned` lived here; the recap tests and the verbs' docs still name it
# `db.store.place_pinned`, so it stays importable from this module.
__all__ = ["BUILTIN_FILTERS", "PLAN_THRESHOLD", "SECTION_ORDER", "Store", "place_pinned"]

BUILTIN_FILTERS: tuple[tuple[str, str], ...] = (("needs-verification", "needs:verification"),)
"""Saved filters every desk has, listed by `Store.saved_filters()` and never deleted."""

QUEUE_WHERE = "items.triage = 'kept' AND items.checks_done = 0"
"""The verification queue: kept items with a required step not passed or n/a (the
`items_queue` partial index has this very condition, so SQLite uses it)."""

PLAN_THRESHOLD = 2000
"""Matches above which a filter walks the sort index instead of its match list."""


SECTION_ORDER = (
    "background",
    "timeline",
    "latest",
    "what we know",
    "what we don't know",
    "reactions",
)
"""The default recap template, in order: what migration 0004 seeds every desk with (the
vocabulary's `RECAP_SECTIONS`, which `db` cannot import; `tests/test_recap.py` holds the
two equal). A desk's own template is `Store.recap_sections()`."""

_SECTION_RANK = (
    "coalesce((SELECT s.position FROM recap_sections s WHERE s.name = recap_entries.section), "
    "1 << 40)"
)
"""An entry's section's place in the desk's template; a section not in it sorts after all."""


def _file_identity(path: Path) -> tuple[int, int] | None:
    """`(device, inode)` of the file at `path`, None when there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


CHECKPOINT_PAGES = 1000  # SQLite's default
BULK_CHECKPOINT_PAGES = 10_000


class Store:
    """One open desk file."""

    def __init__(
        self,
        path: str | Path,
        *,
        create: bool = False,
        on_upgrade: Callable[[Path, list[str]], None] | None = None,
        read_only: bool = False,
    ) -> None:
        self.path = Path(path)
        opened = open_desk(self.path, create=create, on_upgrade=on_upgrade, read_only=read_only)
        self.db: Database = opened.db
        self.conn = self.db.conn
        self.lock = threading.RLock()
        self.read_only: str | None = opened.read_only
        """Why writes are refused (None: they are not): `db.access.why_read_only`."""
        self.os_user: str | None = whoami.os_user()
        """The OS account recorded on every event this store writes (`db.whoami`)."""
        self._identity = _file_identity(self.path)
        self._gone: str | None = None

    def file_problem(self) -> str | None:
        """Why the desk file at `path` is no longer the file this store has open (None: it is).

        A desk deleted or moved under an open app (with its `-wal` and
        `-shm`) still takes writes through the open connection, which land
        in a file no one will see again: every write checks this first (a
        `stat`, a couple of microseconds), and the app's watcher polls it.
        Once gone, always gone: a new file at the path is another desk.
        """
        if self._gone is None:
            now = _file_identity(self.path)
            if now is None:
                self._gone = f"the desk file {self.path} was deleted or moved while it was open"
            elif now != self._identity:
                self._gone = f"the desk file {self.path} was replaced by another file while open"
        return self._gone

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions -------------------------------------------------------

    @contextmanager
    def transaction(self, *, bulk: bool = False) -> Iterator[Writer]:
        """One write transaction: `BEGIN IMMEDIATE` … `COMMIT`, or rollback on error.

        Refused with one line before anything is written: on a read-only
        desk (`ReadOnlyError`), on a desk file deleted or moved since it
        was opened (`DeskGoneError`), and when another process holds the
        write lock past the busy timeout (`BusyError`).

        `bulk`: many small statements (an ingest batch). Each insert of an
        item may abort half way (its unique keys, triggers and foreign
        keys), so SQLite keeps a statement journal of the pages it changes;
        on disk (the default temp store) that is some 25 `pwrite`s an item
        once the journal has spilled, measured 14% of a feed's store time.
        In memory it is a page or two per statement, freed at its end, so a
        bulk transaction keeps its temp store in memory and gives the
        setting back after, when a long statement (a migration's, a sort)
        may want the disk again. A bulk commit also checkpoints the WAL
        only past `BULK_CHECKPOINT_PAGES` (40 MB, not SQLite's 4 MB): the
        index pages every batch rewrites are copied into the desk file
        once per ten checkpoints' worth of batches, not each time (strace:
        a third fewer reads and writes). The next ordinary commit, from
        any process, checkpoints what is left.
        """
        if not bulk:
            with self._transaction() as w:
                yield w
            return
        with self.lock:
            self.conn.execute("PRAGMA temp_store = MEMORY")
            self.conn.execute(f"PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT_PAGES}")
            try:
                with self._transaction() as w:
                    yield w
            finally:
                self.conn.execute("PRAGMA temp_store = DEFAULT")
                self.conn.execute(f"PRAGMA wal_autocheckpoint = {CHECKPOINT_PAGES}")

    @contextmanager
    def _transaction(self) -> Iterator[Writer]:
        with self.lock:
            if self.read_only is not None:
                raise ReadOnlyError(f"this desk is read-only: {self.read_only}")
            gone = self.file_problem()
            if gone is not None:
                raise DeskGoneError(f"{gone}: nothing more is written to it")
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                refusal = self._refusal(exc)
                if refusal is exc:
                    raise
                raise refusal from None
            try:
                yield Writer(self.conn, self.os_user)
                self.conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                refusal = self._refusal(exc)
                if refusal is exc:
                    raise
                raise refusal from None
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise

    def _refusal(self, exc: sqlite3.OperationalError) -> Exception:
        """SQLite's "locked" or "readonly", as the one line that says what to do."""
        text = str(exc)
        if "locked" in text or "busy" in text:
            row = self.conn.execute("PRAGMA busy_timeout").fetchone()
            waited = int(row[0]) / 1000 if row else 0
            return BusyError(
                f"the desk is busy: another process held its write lock for more than "
                f"{waited:g} s; nothing was written, try again"
            )
        if "readonly" in text:
            why = why_read_only(self.path) or f"SQLite refuses to write it ({text})"
            self.read_only = why
            return ReadOnlyError(f"this desk is read-only: {why}")
        return exc

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.lock:
            return self.conn.execute(sql, params).fetchall()

    def _one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        with self.lock:
            row: tuple[Any, ...] | None = self.conn.execute(sql, params).fetchone()
            return row

    # -- change detection ---------------------------------------------------

    def data_version(self) -> int:
        """Changes when another connection commits: poll it for live refresh."""
        row = self._one("PRAGMA data_version")
        return int(row[0]) if row else 0

    def changes_since(self, seq: int) -> DeskChanges:
        """The events after `seq` as the items they touched (`db.changes`): live refresh."""
        with self.lock:
            return read_changes(self.conn, seq)

    def last_seq(self) -> int:
        row = self._one("SELECT max(seq) FROM events")
        return int(row[0] or 0) if row else 0

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

    # -- stories, recap, checklist -----------------------------------------

    def stories(self) -> list[Story]:
        return [Story(*r) for r in self._all(f"SELECT {STORY_COLUMNS} FROM stories ORDER BY id")]

    def story_by_slug(self, slug: str) -> Story | None:
        r = self._one(f"SELECT {STORY_COLUMNS} FROM stories WHERE slug = ?", [slug])
        return Story(*r) if r else None

    def story(self, story_id: int) -> Story:
        r = self._one(f"SELECT {STORY_COLUMNS} FROM stories WHERE id = ?", [story_id])
        if r is None:
            raise NotFoundError(f"no story {story_id}")
        return Story(*r)

    def recap_sections(self) -> tuple[str, ...]:
        """The desk's recap template: every section a recap shows, in order, empty ones too.

        What a pane lists (so an empty recap can offer "add to Background")
        and what the verbs check a section against. A recap may still hold
        entries filed under a section not in it (a desk edited by hand):
        `recap` puts those after the template's, by name.
        """
        with self.lock:
            return queries.recap_sections(self.conn)

    def verdicts(self) -> tuple[VerdictRow, ...]:
        """The desk's verdicts in chooser order: names, labels, letters, meanings."""
        with self.lock:
            return queries.verdict_rows(self.conn)

    def recap_section_counts(self) -> dict[str, int]:
        """Live recap entries per section, over every story (what removing one would orphan)."""
        with self.lock:
            return queries.section_entry_counts(self.conn)

    def recap(self, story_id: int, *, section: str | None = None) -> list[RecapEntry]:
        """A story's live (not deleted) recap entries, in the order a page shows them.

        Sections in the desk's template order (`recap_sections`; others after,
        by name). Within a section, by the entry's date interval as the verbs
        keyed it (`desk.recap_dates.sort_key`): by start (an interval open at
        the start first), ties by width (narrower first, an open end widest),
        then by the date as written and by id; entries with no date or an
        unreadable one last, in the order they were added. Entries moved by
        hand are pinned: `place_pinned` puts each back at its slot.

        Each entry carries its sources (items linked `source-for`) with their
        live verdict and triage, and its live notes, oldest first: one query
        each for the whole recap.
        """
        conds = ["story_id = ?", "deleted_at IS NULL"]
        params: list[Any] = [story_id]
        if section is not None:
            conds.append("section = ?")
            params.append(section)
        where = " AND ".join(conds)
        where_e = " AND ".join("e." + c for c in conds)
        rows = self._all(
            f"SELECT {ENTRY_COLUMNS} FROM recap_entries WHERE {where} "
            f"ORDER BY {_SECTION_RANK}, section, sort_start IS NULL, sort_start, sort_width, "
            "date_text, id",
            params,
        )
        sources: dict[int, list[RecapSource]] = {}
        for r in self._all(
            f"SELECT l.dst_entry_id, {SOURCE_COLUMNS} FROM recap_entries e "
            "JOIN links l ON l.dst_entry_id = e.id AND l.relation = 'source-for' "
            f"JOIN items i ON i.id = l.src_id WHERE {where_e} "
            "ORDER BY l.dst_entry_id, l.rowid",
            params,
        ):
            sources.setdefault(r[0], []).append(RecapSource(*r[1:]))
        notes: dict[int, list[Note]] = {}
        for r in self._all(
            f"SELECT {NOTE_COLUMNS_N} FROM recap_entries e "
            f"JOIN notes n ON n.entry_id = e.id AND n.retracted = 0 WHERE {where_e} "
            "ORDER BY n.entry_id, n.id",
            params,
        ):
            notes.setdefault(r[3], []).append(note_from_row(r))
        out: list[RecapEntry] = []
        index = 0
        while index < len(rows):
            name = rows[index][3]
            unpinned: list[RecapEntry] = []
            pinned: list[RecapEntry] = []
            while index < len(rows) and rows[index][3] == name:
                entry_id = rows[index][0]
                entry = recap_entry_from_row(
                    rows[index],
                    tuple(sources.get(entry_id, ())),
                    tuple(notes.get(entry_id, ())),
                )
                (pinned if entry.pinned else unpinned).append(entry)
                index += 1
            out.extend(place_pinned(unpinned, pinned))
        return out

    def recap_entry(self, entry_id: int) -> RecapEntry:
        """One entry, deleted or not (`deleted_at` says), with its sources and live notes."""
        r = self._one(f"SELECT {ENTRY_COLUMNS} FROM recap_entries WHERE id = ?", [entry_id])
        if r is None:
            raise NotFoundError(f"no recap entry {entry_id}")
        sources = tuple(
            RecapSource(*s)
            for s in self._all(
                f"SELECT {SOURCE_COLUMNS} FROM links l JOIN items i ON i.id = l.src_id "
                "WHERE l.dst_entry_id = ? AND l.relation = 'source-for' ORDER BY l.rowid",
                [entry_id],
            )
        )
        return recap_entry_from_row(r, sources, tuple(self.entry_notes(entry_id)))

    def entry_notes(self, entry_id: int, *, include_retracted: bool = False) -> list[Note]:
        """The notes on a recap entry, oldest first (retracted ones only when asked)."""
        sql = f"SELECT {NOTE_COLUMNS} FROM notes WHERE entry_id = ?"
        if not include_retracted:
            sql += " AND retracted = 0"
        return [note_from_row(r) for r in self._all(sql + " ORDER BY id", [entry_id])]

    def checklist(
        self,
        item_id: int,
        template: Sequence[tuple[str, str]] = (),
        *,
        with_evidence: bool = True,
    ) -> list[CheckStep]:
        """An item's logged steps, with the `(step, question)`s of `template` not yet
        logged filled in as open, in the template's order, then any others.

        Each step's `evidence` is what early desks kept on the step (text), then,
        `with_evidence`, what the `evidence` table holds for it, oldest first: a URL
        or a note as it is, a file as `name (sha256 HEX)`.
        """
        rows = self._all(
            f"SELECT {CHECK_COLUMNS} FROM check_steps WHERE item_id = ? ORDER BY position",
            [item_id],
        )
        steps = [check_step_from_row(r) for r in rows]
        if with_evidence:
            extra: dict[str, list[str]] = {}
            for row in self.evidence_of(item_id):
                text = f"{row.value} (sha256 {row.sha256})" if row.sha256 else row.value
                extra.setdefault(row.step, []).append(text)
            steps = [
                dataclasses.replace(step, evidence=step.evidence + tuple(extra[step.pillar]))
                if step.pillar in extra
                else step
                for step in steps
            ]
        by_pillar = {step.pillar: step for step in steps}
        out: list[CheckStep] = []
        for position, (pillar, question) in enumerate(template):
            logged = by_pillar.pop(pillar, None)
            out.append(
                logged
                or CheckStep(
                    item_id=item_id,
                    pillar=pillar,
                    position=position,
                    question=question,
                    status="open",
                    note=None,
                    evidence=(),
                    updated_at=None,
                    updated_by=None,
                )
            )
        out.extend(sorted(by_pillar.values(), key=lambda s: s.position))
        return out

    def saved_filters(self) -> list[tuple[str, str]]:
        """The desk's saved filters by name, the built-in ones (`BUILTIN_FILTERS`) included."""
        builtin = dict(BUILTIN_FILTERS)
        saved = [
            (r[0], r[1])
            for r in self._all("SELECT name, expr FROM saved_filters ORDER BY name")
            if r[0] not in builtin
        ]
        return sorted([*BUILTIN_FILTERS, *saved])

    # -- verification: templates, step history, evidence, the queue ---------

    def templates(self) -> list[TemplateRecord]:
        """The desk's own checklist templates (the built-ins live in `desk.checklists`)."""
        return [
            TemplateRecord(*r)
            for r in self._all(
                "SELECT name, toml, created_by, created_at FROM checklist_templates ORDER BY name"
            )
        ]

    def template_record(self, name: str) -> TemplateRecord | None:
        r = self._one(
            "SELECT name, toml, created_by, created_at FROM checklist_templates WHERE name = ?",
            [name],
        )
        return TemplateRecord(*r) if r else None

    def item_template_names(self, item_id: int) -> tuple[str | None, str | None]:
        """`(the item's own template, its story's)`; None where none was picked."""
        r = self._one(
            "SELECT i.template, s.template FROM items i LEFT JOIN stories s ON s.id = i.story_id "
            "WHERE i.id = ?",
            [item_id],
        )
        if r is None:
            raise NotFoundError(f"no item {item_id}")
        return r[0], r[1]

    def story_template(self, story_id: int) -> str | None:
        r = self._one("SELECT template FROM stories WHERE id = ?", [story_id])
        if r is None:
            raise NotFoundError(f"no story {story_id}")
        return None if r[0] is None else str(r[0])

    def step_history(self, item_id: int) -> list[StepHistoryRow]:
        """Every change of an item's steps, oldest first."""
        return [
            history_from_row(r)
            for r in self._all(
                f"SELECT {HISTORY_COLUMNS} FROM check_history WHERE item_id = ? ORDER BY id",
                [item_id],
            )
        ]

    def evidence_of(self, item_id: int) -> list[EvidenceRow]:
        """An item's evidence (retracted by an undo left out), oldest first."""
        return [
            evidence_from_row(r)
            for r in self._all(
                f"SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE item_id = ? AND retracted = 0 "
                "ORDER BY id",
                [item_id],
            )
        ]

    def evidence_by_sha(self, sha256: str) -> list[EvidenceRow]:
        return [
            evidence_from_row(r)
            for r in self._all(
                f"SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE sha256 = ? ORDER BY id", [sha256]
            )
        ]

    def queue(self, *, after: int | None = None, limit: int = 100) -> list[QueueRow]:
        """Kept items with a required step open, oldest first (by the list's key), a page.

        `after` is the sort key of the last row of the previous page; the
        partial index `items_queue` makes every page cost the same.
        """
        sql = (
            "SELECT items.id, items.sort_at, items.triage, items.verdict, items.template, "
            "coalesce(nullif(trim(items.title), ''), substr(items.text, 1, 240)), items.sort_key "
            # The planner alone picks the triage index and skips every kept item that is done.
            f"FROM items INDEXED BY items_queue WHERE {QUEUE_WHERE}"
        )
        params: list[Any] = []
        if after is not None:
            sql += " AND items.sort_key > ?"
            params.append(after)
        sql += " ORDER BY items.sort_key LIMIT ?"
        params.append(limit)
        return [QueueRow(*r[:6]) for r in self._all(sql, params)]

    def queue_key(self, item_id: int) -> int:
        """An item's place in the queue's order (for `queue(after=...)`)."""
        r = self._one("SELECT sort_key FROM items WHERE id = ?", [item_id])
        if r is None:
            raise NotFoundError(f"no item {item_id}")
        return int(r[0])

    def queue_count(self, story_id: int | None = None) -> int:
        """How many items the queue holds: read from a counter kept by triggers (one row per
        story), so it costs the same on any desk; a header may ask on every refresh."""
        if story_id is None:
            r = self._one("SELECT sum(n) FROM item_counts WHERE dim = 'queue'")
        else:
            r = self._one(
                "SELECT n FROM item_counts WHERE dim = 'queue' AND story_id = ?", [story_id]
            )
        return int(r[0] or 0) if r else 0

    def blob_size(self, sha256: str) -> int | None:
        r = self._one("SELECT size FROM blobs WHERE sha256 = ?", [sha256])
        return int(r[0]) if r else None

    def blob_chunks(self, sha256: str, chunk: int = 1 << 20) -> Iterator[bytes]:
        """A stored blob's bytes a chunk at a time (evidence may be large: never whole)."""
        r = self._one("SELECT rowid, length(data) FROM blobs WHERE sha256 = ?", [sha256])
        if r is None:
            raise NotFoundError(f"no stored bytes with sha256 {sha256}")
        rowid, length = int(r[0]), int(r[1] or 0)
        done = 0
        while done < length:
            with self.lock, self.conn.blobopen("blobs", "data", rowid, readonly=True) as blob:
                blob.seek(done)
                data = blob.read(min(chunk, length - done))
            if not data:
                break
            done += len(data)
            yield data

    # -- events -------------------------------------------------------------

    def events(
        self, *, since_seq: int = 0, limit: int | None = None, actor: str | None = None
    ) -> list[Event]:
        sql = f"SELECT {EVENT_COLUMNS} FROM events WHERE seq > ?"
        params: list[Any] = [since_seq]
        if actor is not None:
            sql += " AND actor = ?"
            params.append(actor)
        sql += " ORDER BY seq"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [event_from_row(r) for r in self._all(sql, params)]

    def event(self, event_id: str) -> Event | None:
        r = self._one(f"SELECT {EVENT_COLUMNS} FROM events WHERE id = ?", [event_id])
        return event_from_row(r) if r else None

    def latest_events_of(self, actor: str, limit: int = 200) -> list[Event]:
        """An actor's events, newest first: what undo walks back through."""
        return [
            event_from_row(r)
            for r in self._all(
                f"SELECT {EVENT_COLUMNS} FROM events WHERE actor = ? ORDER BY seq DESC LIMIT ?",
                [actor, limit],
            )
        ]

    def undone_event_ids(self, actor: str) -> set[str]:
        return {
            json.loads(r[0]).get("undoes")
            for r in self._all(
                "SELECT payload FROM events WHERE actor = ? AND kind = 'undo'", [actor]
            )
        }

    # -- integrity ----------------------------------------------------------

    def verify(self) -> VerifyProblem | None:
        """Recompute the event chain and every stored hash; the first problem, or None.

        All reads share one snapshot (one read transaction): read statement
        by statement, a commit by another process between the event scan
        and the chain-head read looked exactly like deleted events.
        """
        with self.lock:
            if self.conn.in_transaction:  # called inside a write: already one snapshot
                return verify_snapshot(self.conn)
            self.conn.execute("BEGIN")
            try:
                return verify_snapshot(self.conn)
            finally:
                self.conn.execute("COMMIT")
