"""The store's reads of the event log, and the integrity check of the desk.

Separate because the log is the source of truth: reading it and verifying the
desk against it are one concern.
"""

from __future__ import annotations

import json
from typing import Any

from db.integrity import verify_snapshot
from db.models import (
    Event,
    VerifyProblem,
)
from db.rows import (
    EVENT_COLUMNS,
    event_from_row,
)
from db.store_base import (
    StoreBase,
)


class EventReads(StoreBase):
    """Events and the desk's integrity check."""

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
