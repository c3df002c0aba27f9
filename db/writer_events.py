"""The writer's events: appending one to the hash chain, the walks undo asks for, savepoints.

Separate because the event log is the desk's source of truth: its append (and the
hash chain it extends) is one concern, read on its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from db import event_walk, writer_base
from db.events import GENESIS_HASH, canonical_json, event_hash
from db.models import Event
from db.writer_base import (
    WriterBase,
)


class EventWrites(WriterBase):
    """Appending events and walking an actor's or item's events inside the transaction."""

    # -- events -------------------------------------------------------------

    def append_event(
        self,
        *,
        actor: str,
        kind: str,
        target: str | None,
        payload: Mapping[str, Any],
        base_version: int | None = None,
    ) -> Event:
        """Append one event to the hash chain, in the caller's transaction.

        `payload` is a `Mapping` so the verbs can pass their typed payloads
        (`TypedDict`s, which are not `dict[str, Any]` to mypy) as they are.
        """
        head = self._x("SELECT seq, hash FROM chain_head WHERE one = 1").fetchone()
        seq = (head[0] + 1) if head else 1
        prev = head[1] if head else GENESIS_HASH
        eid = writer_base.new_uuid()
        at = writer_base.iso_micro()
        payload_json = canonical_json(payload)
        digest = event_hash(
            id=eid,
            seq=seq,
            at=at,
            actor=actor,
            kind=kind,
            target=target,
            payload_json=payload_json,
            base_version=base_version,
            prev_hash=prev,
            os_user=self.os_user,
        )
        self._x(
            "INSERT INTO events(seq, id, at, actor, kind, target, payload, base_version, "
            "prev_hash, hash, os_user) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [
                seq,
                eid,
                at,
                actor,
                kind,
                target,
                payload_json,
                base_version,
                prev,
                digest,
                self.os_user,
            ],
        )
        self._x(
            "INSERT INTO chain_head(one, seq, hash) VALUES (1, ?, ?) "
            "ON CONFLICT(one) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
            [seq, digest],
        )
        return Event(
            seq=seq,
            id=eid,
            at=at,
            actor=actor,
            kind=kind,
            target=target,
            payload=dict(payload),
            base_version=base_version,
            prev_hash=prev,
            hash=digest,
            os_user=self.os_user,
        )

    def actor_events(self, actor: str) -> Iterator[Event]:
        """An actor's events, newest first, a page at a time (`db.event_walk`): undo's walk."""
        return event_walk.actor_events(self.conn, actor)

    def item_events_after(self, item_id: int, seq: int) -> Iterator[Event]:
        """Events on an item after `seq`, oldest first: what changed it since."""
        return event_walk.item_events_after(self.conn, item_id, seq)

    def item_events_newest_first(self, item_id: int) -> Iterator[Event]:
        """Events on an item, newest first: who set a value last."""
        return event_walk.item_events_newest_first(self.conn, item_id)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A step of the transaction that can fail alone: on an exception its writes go
        (`ROLLBACK TO`), the transaction's other writes stay, and the exception goes on."""
        self._x("SAVEPOINT step")
        try:
            yield
        except BaseException:
            self._x("ROLLBACK TO step")
            self._x("RELEASE step")
            raise
        self._x("RELEASE step")
