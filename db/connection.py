"""Opening a desk file: pragmas, schema checks and migrations.

Every connection gets the same settings (WAL, foreign keys, a busy timeout,
`synchronous=NORMAL`), because SQLite applies most of them per connection
and a forgotten one shows up only under load.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from db.errors import NewerSchemaError, NoDeskError, NotADeskError
from db.schema import KNOWN_MIGRATIONS, MIGRATION_SET, migrations

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


def _connect(path: Path) -> sqlite3.Connection:
    """A connection usable from any thread (callers serialise with a lock).

    `isolation_level=None` leaves transaction control to us: every write
    starts with `BEGIN IMMEDIATE`, never the deferred `BEGIN` that fails
    with "database is locked" when two writers upgrade at once.
    """
    conn = sqlite3.connect(
        str(path), check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _check_magic(path: Path, *, create: bool) -> None:
    """Refuse, before SQLite touches it, a file that is not an SQLite database.

    A zero-byte file is one SQLite would happily turn into a database on
    the first write: only `create` (`desk init`) may do that. Anything else
    on an empty file (`desk ls`, `desk verify`, the TUI) used to make it a
    desk and answer "ok: 0 events"; it must say the file is not a desk and
    leave it as it was.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except IsADirectoryError:
        raise NotADeskError(f"{path}: is a directory, not a desk file") from None
    except PermissionError:
        raise NotADeskError(f"{path}: cannot read the file (permission denied)") from None
    if not head and not create:
        raise NotADeskError(
            f"{path}: an empty file, not a desk (run `desk init {path}` to make one)"
        )
    if head and head != SQLITE_MAGIC:
        raise NotADeskError(f"{path}: not a desk file (not an SQLite database)")


def _applied(db: Database) -> set[str]:
    if not db["_sqlite_migrations"].exists():
        return set()
    return {
        row[0]
        for row in db.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]
        ).fetchall()
    }


def _ensure_wal(conn: sqlite3.Connection, path: Path) -> None:
    """Switch a new desk to WAL; tolerate another process doing it at the same moment.

    Two processes creating one desk race here: the loser's switch fails with
    "database is locked" while the winner already made it WAL, which is all
    we wanted. Retry until the busy timeout, re-reading the mode each time.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
            return
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                conn.close()
                raise NotADeskError(f"{path}: cannot switch to WAL ({exc})") from None
            time.sleep(0.02)


def open_database(
    path: Path,
    *,
    create: bool = False,
    on_upgrade: Callable[[Path, list[str]], None] | None = None,
) -> Database:
    """Open (and with `create`, make) a desk file and bring its schema up to date.

    `on_upgrade` hears about migrations about to run on an existing desk
    (a big one takes a while: about 30 s per million items for 0002), so a
    person is not left looking at a silent terminal.

    Raises `NoDeskError`, `NotADeskError` or `NewerSchemaError` with a
    message that names the file.
    """
    path = Path(path)
    if not path.exists():
        if not create:
            raise NoDeskError(f"{path}: no desk here (run `desk init {path}` to make one)")
        path.parent.mkdir(parents=True, exist_ok=True)
    else:
        _check_magic(path, create=create)
    try:
        conn = _connect(path)
        db = Database(conn)
        tables = set(db.table_names())
    except sqlite3.DatabaseError as exc:
        raise NotADeskError(f"{path}: not a desk file ({exc})") from None
    applied = _applied(db)
    if tables - {"_sqlite_migrations"} and not applied:
        conn.close()
        raise NotADeskError(f"{path}: an SQLite database, but not a desk file")
    if not applied and not create:
        # An SQLite file with no desk schema yet (empty, or only an empty
        # migrations table): making it a desk is `desk init`'s job alone.
        conn.close()
        raise NotADeskError(
            f"{path}: an empty SQLite database, not a desk (run `desk init {path}` to make one)"
        )
    unknown = applied - set(KNOWN_MIGRATIONS)
    if unknown:
        conn.close()
        raise NewerSchemaError(
            f"{path}: written by a newer desk (schema {', '.join(sorted(unknown))}); upgrade desk"
        )
    _ensure_wal(conn, path)
    conn.execute("PRAGMA synchronous = NORMAL")
    pending = [name for name in KNOWN_MIGRATIONS if name not in applied]
    if pending:
        if applied and on_upgrade is not None:
            on_upgrade(path, pending)
        # Two processes opening a new desk at once: the IMMEDIATE lock makes
        # the second wait, then find nothing left to apply.
        conn.execute("BEGIN IMMEDIATE")
        try:
            migrations.apply(db)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return db
