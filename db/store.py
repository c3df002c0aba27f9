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

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from db import whoami
from db.access import why_read_only
from db.changes import DeskChanges, read_changes
from db.connection import open_desk
from db.errors import BusyError, DeskGoneError, ReadOnlyError
from db.rows import (
    place_pinned,
)
from db.store_base import (
    BUILTIN_FILTERS,
    PLAN_THRESHOLD,
    SECTION_ORDER,
)
from db.store_checks import CheckReads
from db.store_events import EventReads
from db.store_items import ItemReads
from db.store_links import LinkReads
from db.store_recap import RecapReads
from db.writer import Writer

# `place_pinned` lived here; the recap tests and the verbs' docs still name it
# `db.store.place_pinned`, so it stays importable from this module.
__all__ = ["BUILTIN_FILTERS", "PLAN_THRESHOLD", "SECTION_ORDER", "Store", "place_pinned"]


def _file_identity(path: Path) -> tuple[int, int] | None:
    """`(device, inode)` of the file at `path`, None when there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


CHECKPOINT_PAGES = 1000  # SQLite's default
BULK_CHECKPOINT_PAGES = 10_000


class Store(ItemReads, LinkReads, RecapReads, CheckReads, EventReads):
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
