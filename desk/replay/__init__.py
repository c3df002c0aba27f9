"""`desk verify --replay`: rebuild the state from the event log and compare it with the desk.

The event log is the desk's source of truth (DESIGN.md): every event carries
what is needed to apply it. A replay applies the log, in order, into a
scratch desk (a fresh file in a temporary folder, written through
`db.Writer` directly: the verbs would write new events), then compares the
state tables of the live desk and the scratch desk row by row and names
every row that differs. An edit behind the verbs (an item's text, a tag, a
verdict, a step) shows, and so does an event deleted from the end of the log
with the chain head set back: its effect is still in the desk, not in the log.

Bounded memory: the events are read as a stream from one cursor, the scratch
desk commits every `_COMMIT_EVERY` events, and the tables are compared in
keyset pages, both sides ordered by the same key.

What is compared is what the events record: content and state columns, not
the times a row was last touched nor derived columns (list keys, FTS, counts,
`checks_done`, versions, a recap date's interval), which follow from the rest.
Events written before items travelled in the log (`item.add` without `row`,
`ingest` without `items`) are named in the report, and the items they made
are left out of the items comparison rather than reported one by one.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from db import Store
from db.errors import NotFoundError
from db.rows import EVENT_COLUMNS, event_from_row
from desk.replay.apply import APPLY, UNDO_APPLY, Context, Event, UnknownKind
from desk.replay.compare import TABLES, VALUE_CHARS, ReplayDifference, compare, show_value
from desk.text import safe_line, truncate

__all__ = [
    "APPLY",
    "TABLES",
    "UNDO_APPLY",
    "ReplayDifference",
    "ReplayReport",
    "replay",
    "show_value",
]

_COMMIT_EVERY = 1000
MAX_DIFFERENCES = 10_000
"""Differences kept in a report (the rest are counted): a desk rewritten whole stays printable."""


@dataclass(frozen=True, slots=True)
class ReplayReport:
    """What a replay found: the differences, and what it could not check."""

    events: int
    differences: tuple[ReplayDifference, ...]
    more_differences: int
    older_events: tuple[tuple[int, int], ...]
    """Ranges of event seqs written by an older desk that carry no items."""
    unknown_kinds: tuple[tuple[str, int], ...]
    """Kinds with no apply function here, and how many events of each."""
    failures: tuple[str, ...]
    """Events that could not be applied (each named once)."""

    @property
    def ok(self) -> bool:
        return not self.differences and not self.more_differences

    def notices(self) -> list[str]:
        """Plain lines on what the replay could not check (never silently skipped)."""
        lines: list[str] = []
        if self.older_events:
            spans = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in self.older_events)
            first = self.older_events[0]
            word = "events" if len(self.older_events) > 1 or first[0] != first[1] else "event"
            lines.append(
                f"{word} {spans} were written by an older desk and carry no items: "
                "replay cannot check the items they made"
            )
        for kind, n in self.unknown_kinds:
            lines.append(
                f"{n} event(s) of kind {kind!r} have no replay here (a newer desk wrote them?): "
                "not applied"
            )
        lines.extend(self.failures)
        return [safe_line(line) for line in lines]


def _events(conn: sqlite3.Connection) -> Iterator[Event]:
    """The log in order, streamed (one cursor, never the whole log in memory)."""
    for row in conn.execute(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY seq"):
        event = event_from_row(row)
        yield {
            "seq": event.seq,
            "at": event.at,
            "actor": event.actor,
            "kind": event.kind,
            "target": event.target,
            "payload": dict(event.payload),
        }


def replay(live: sqlite3.Connection, *, scratch_dir: str | Path | None = None) -> ReplayReport:
    """Apply the live desk's log into a scratch desk and name every row that differs.

    `live` is read as it is: the caller holds one read snapshot over it
    (`db.slices.snapshot`), so the log and the state are of one moment.
    """
    with (
        tempfile.TemporaryDirectory(dir=scratch_dir, prefix="desk-replay-") as tmp,
        Store(Path(tmp) / "replay.desk", create=True) as scratch,
    ):
        # The scratch desk has no blobs (raw bytes and evidence files are checked by
        # `desk verify` itself) and may lack items older events do not carry.
        scratch.conn.execute("PRAGMA foreign_keys=OFF")
        ctx = Context(live)
        unknown: dict[str, int] = {}
        failures: list[str] = []
        count = 0
        stream = _events(live)
        done = False
        while not done:
            with scratch.transaction() as w:
                ctx.w = w
                for _ in range(_COMMIT_EVERY):
                    event = next(stream, None)
                    if event is None:
                        done = True
                        break
                    count += 1
                    _apply_one(ctx, event, unknown, failures)
        ctx.w = None
        differences: list[ReplayDifference] = []
        more = 0
        for table in TABLES:
            for diff in compare(table, live, scratch.conn, ctx.is_legacy_item):
                if len(differences) < MAX_DIFFERENCES:
                    differences.append(diff)
                else:
                    more += 1
    return ReplayReport(
        events=count,
        differences=tuple(differences),
        more_differences=more,
        older_events=tuple(ctx.older),
        unknown_kinds=tuple(sorted(unknown.items())),
        failures=tuple(failures),
    )


MAX_FAILURES = 50


def _apply_one(ctx: Context, event: Event, unknown: dict[str, int], failures: list[str]) -> None:
    kind = str(event["kind"])
    apply = APPLY.get(kind)
    if apply is None:
        unknown[kind] = unknown.get(kind, 0) + 1
        return
    try:
        apply(ctx, event)
    except UnknownKind as exc:
        unknown[str(exc)] = unknown.get(str(exc), 0) + 1
    except (KeyError, TypeError, ValueError, sqlite3.Error, NotFoundError) as exc:
        if len(failures) < MAX_FAILURES:
            failures.append(
                f"event {event['seq']} ({kind}) could not be applied: "
                f"{truncate(str(exc), VALUE_CHARS)}"
            )


# Working offline's kinds (`merge`, `conflict.resolve`) replay through `desk.merge`,
# which adds them to the tables when it is imported (it imports this package first).
import desk.merge  # noqa: E402, F401
