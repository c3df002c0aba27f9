"""Opening a desk file: pragmas, schema checks and migrations.

Every connection gets the same settings (WAL, foreign keys, a busy timeout,
`synchronous=NORMAL`), because SQLite applies most of them per connection
and a forgotten one shows up only under load.
"""

from __future__ import annotations

import sqlite3
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from db.access import side_file, why_read_only
from db.errors import NewerSchemaError, NoDeskError, NotADeskError, ReadOnlyError
from db.schema import KNOWN_MIGRATIONS, MIGRATION_SET, migrations

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


def _connect(path: Path, mode: str | None = None) -> sqlite3.Connection:
    """A connection usable from any thread (callers serialise with a lock).

    `isolation_level=None` leaves transaction control to us: every write
    starts with `BEGIN IMMEDIATE`, never the deferred `BEGIN` that fails
    with "database is locked" when two writers upgrade at once.

    `mode`: None for read-write; `ro` for SQLite's read-only open (it still
    uses the `-wal` and `-shm` files, so it sees what others have committed);
    `immutable` where even that cannot work (no `-shm` and a folder this
    user cannot write): SQLite then reads the file as it is, without locks.
    """
    target = str(path)
    if mode is not None:
        query = "immutable=1" if mode == "immutable" else "mode=ro"
        target = f"file:{urllib.parse.quote(str(Path(path).absolute()))}?{query}"
    conn = sqlite3.connect(
        target,
        check_same_thread=False,
        isolation_level=None,
        timeout=BUSY_TIMEOUT_MS / 1000,
        uri=mode is not None,
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


CACHE_KIB = 16 * 1024


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


@dataclass(frozen=True)
class OpenDesk:
    """An open desk file: the database, and why it is read-only (None: it is not)."""

    db: Database
    read_only: str | None = None


def _open_read_only(path: Path, why: str) -> tuple[sqlite3.Connection, str]:
    """A read-only connection that can read `path`, and the reason to show for it.

    `mode=ro` first: it still reads the `-wal`, so what others committed is
    seen. It cannot work where there is no `-shm` and the folder cannot be
    written (SQLite must make one); then `immutable=1`, which reads the desk
    file alone, and says so if a `-wal` it cannot read holds more.
    """
    conn = _connect(path, "ro")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn, why
    except sqlite3.OperationalError:
        conn.close()
    conn = _connect(path, "immutable")
    wal = side_file(path, "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        why += (
            f" (and {wal.name} holds changes not yet in the desk file, which cannot be read "
            "without write access: what is shown may be behind)"
        )
    return conn, why


def open_database(
    path: Path,
    *,
    create: bool = False,
    on_upgrade: Callable[[Path, list[str]], None] | None = None,
) -> Database:
    """`open_desk(...).db`: for callers that only ever write a desk of their own."""
    return open_desk(path, create=create, on_upgrade=on_upgrade).db


def open_desk(
    path: Path,
    *,
    create: bool = False,
    on_upgrade: Callable[[Path, list[str]], None] | None = None,
    read_only: bool = False,
) -> OpenDesk:
    """Open (and with `create`, make) a desk file and bring its schema up to date.

    `on_upgrade` hears about migrations about to run on an existing desk
    (a big one takes a while: about 30 s per million items for 0002), so a
    person is not left looking at a silent terminal.

    A desk this process cannot write (`db.access.why_read_only`) is opened
    read-only, and so is any desk with `read_only` (`desk checkout` reads
    its source so): reads work, and `OpenDesk.read_only` says why writes
    will not.

    Raises `NoDeskError`, `NotADeskError`, `NewerSchemaError` or
    `ReadOnlyError` (`create` or a needed upgrade on a read-only desk) with
    a message that names the file.
    """
    path = Path(path)
    why: str | None = None
    if not path.exists():
        if not create:
            raise NoDeskError(f"{path}: no desk here (run `desk init {path}` to make one)")
        path.parent.mkdir(parents=True, exist_ok=True)
    else:
        _check_magic(path, create=create)
        why = why_read_only(path)
        if why is None and read_only:
            why = "opened read-only"
        if why is not None and create:
            raise ReadOnlyError(f"{path}: this desk is read-only: {why}")
    try:
        if why is None:
            conn = _connect(path)
        else:
            conn, why = _open_read_only(path, why)
        db = Database(conn)
        tables = set(db.table_names())
    except sqlite3.DatabaseError as exc:
        if "readonly" in str(exc) and why is None:
            # A refusal the checks did not foresee (a root-owned bind mount, an ACL).
            return _retry_read_only(path, create, on_upgrade, str(exc))
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
    pending = [name for name in KNOWN_MIGRATIONS if name not in applied]
    if why is not None:
        if pending:
            conn.close()
            raise ReadOnlyError(
                f"{path}: this desk needs an upgrade ({', '.join(pending)}) that cannot be "
                f"written: it is read-only: {why}; open it once where it can be written"
            )
        return OpenDesk(db, why)
    _ensure_wal(conn, path)
    conn.execute("PRAGMA synchronous = NORMAL")
    # 16 MB of page cache, not SQLite's 2 MB: an ingest into a desk of 100k
    # items re-read index pages from the OS 4 times an item (strace: 192k
    # pread calls for 50k items, 74k with this); the list and search of a
    # large desk keep more of their pages too. Memory is taken as pages are read.
    conn.execute(f"PRAGMA cache_size = {-CACHE_KIB}")
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
    return OpenDesk(db)


def _retry_read_only(
    path: Path,
    create: bool,
    on_upgrade: Callable[[Path, list[str]], None] | None,
    error: str,
) -> OpenDesk:
    """SQLite refused to write where the checks saw no reason: open read-only, say what it said."""
    if create:
        raise ReadOnlyError(f"{path}: this desk is read-only: SQLite says {error}")
    opened = open_desk(path, on_upgrade=on_upgrade, read_only=True)
    return OpenDesk(opened.db, f"SQLite refuses to write {path} ({error})")
