"""The base of `db.store.Store`: the attributes and row helpers every read mixin uses,
and the constants they share (the queue's condition, the recap's default sections).

Separate so that each record's reads (`db.store_*`) build on it without importing
`db.store`, which assembles them.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from typing import Any

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


class StoreBase:
    """What every read mixin shares: the connection, its lock, `_all` and `_one`."""

    conn: sqlite3.Connection
    lock: threading.RLock

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.lock:
            return self.conn.execute(sql, params).fetchall()

    def _one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        with self.lock:
            row: tuple[Any, ...] | None = self.conn.execute(sql, params).fetchone()
            return row
