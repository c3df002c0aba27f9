"""Presence: who else has an item open, or is editing its checklist or a recap entry.

The one write of the desk that is not a verb, and not an event. Presence
is not desk state: it says nothing about the items, the recap or the
checks, it is worthless seconds later, and it must never reach the event
log, an export, a merge or a replay (a verifier's laptop has no use for
who was looking at the server an hour ago). So it lives in its own table
(migration 0009) and is written only here, never through
`Store.transaction()`'s `Writer`, whose every change ends with an event.

Each running app keeps one row (its `session`), rewritten every few
seconds with what it has open. A row whose heartbeat is older than
`STALE_SECONDS` is ignored, and so is one whose process is gone on this
host (same host name, no such pid): a crashed app's row expires on its
own. Whoever writes next deletes rows long stale, so the table stays as
small as the number of people at the desk.

Every call is best-effort: a read-only desk, or one locked past the busy
timeout, loses a heartbeat (`False`), never the user's work.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import time
import uuid
from dataclasses import dataclass

from db.store import Store

STALE_SECONDS = 10.0
"""A heartbeat older than this is ignored: its app is gone or hung."""
FORGET_SECONDS = 60.0
"""Rows older than this are deleted by the next heartbeat (anyone's)."""
MAX_NAME = 64
"""Longest actor name stored (the verbs' names are shorter; a hostile writer's are cut)."""

ACTIVITIES = ("open", "checklist", "entry")
"""What a session does with its item: has it open, edits its checklist, edits a recap entry."""


@dataclass(frozen=True)
class Here:
    """One other session on an item."""

    actor: str
    activity: str
    entry_id: int | None
    host: str
    pid: int


def new_session() -> str:
    """An id for this app's presence row (one per running app)."""
    return uuid.uuid4().hex


def _host() -> str:
    return socket.gethostname()


def _alive(pid: int) -> bool:
    """Whether a process of this host still runs (a permission error means it does)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def beat(
    store: Store,
    session: str,
    actor: str,
    item_id: int | None,
    activity: str = "open",
    entry_id: int | None = None,
    *,
    now: float | None = None,
) -> bool:
    """This session's row, now: what it has open. False when it could not be written."""
    moment = time.time() if now is None else now
    activity = activity if activity in ACTIVITIES else "open"
    try:
        with store.lock:
            conn = store.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute(
                    "INSERT INTO presence(session, actor, host, pid, item_id, activity, "
                    "entry_id, beat_at) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(session) DO UPDATE "
                    "SET item_id = excluded.item_id, activity = excluded.activity, "
                    "entry_id = excluded.entry_id, beat_at = excluded.beat_at",
                    [
                        session,
                        actor[:MAX_NAME],
                        _host(),
                        os.getpid(),
                        item_id,
                        activity,
                        entry_id,
                        moment,
                    ],
                )
                conn.execute("DELETE FROM presence WHERE beat_at < ?", [moment - FORGET_SECONDS])
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
    except sqlite3.Error:
        return False
    return True


def leave(store: Store, session: str) -> bool:
    """This session is closing: its row goes at once (a crash leaves it to expire)."""
    try:
        with store.lock:  # one statement, in autocommit: its own transaction
            store.conn.execute("DELETE FROM presence WHERE session = ?", [session])
    except sqlite3.Error:
        return False
    return True


def others(store: Store, item_id: int, session: str, *, now: float | None = None) -> list[Here]:
    """The other live sessions on `item_id`, by name; stale rows and dead processes left out."""
    moment = time.time() if now is None else now
    try:
        with store.lock:
            rows = store.conn.execute(
                "SELECT actor, activity, entry_id, host, pid FROM presence "
                "WHERE item_id = ? AND beat_at >= ? AND session <> ? ORDER BY actor, session",
                [item_id, moment - STALE_SECONDS, session],
            ).fetchall()
    except sqlite3.Error:
        return []
    host = _host()
    out = []
    for actor, activity, entry_id, row_host, pid in rows:
        if row_host == host and not _alive(int(pid)):
            continue
        out.append(Here(str(actor), str(activity), entry_id, str(row_host), int(pid)))
    return out
