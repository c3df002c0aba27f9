"""The conflict queue in the TUI: its count for the header, the modal, a pick as a verb.

The reads and the write run in thread workers (`run_job`); the screen
(`MainScreen`) holds one `ConflictKeys` and hands it the messages here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.message import Message

from db import Store, merge_rows
from desk import verbs
from desk.tui.jobs import Job
from desk.tui.messages import Notice, Written
from widgets.conflicts import ConflictChoice, ConflictRow, ConflictSide, ConflictsScreen

if TYPE_CHECKING:
    from desk.tui.main import MainScreen


class ConflictsCounted(Message):
    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count


class ConflictsRead(Message):
    def __init__(self, rows: list[ConflictRow]) -> None:
        super().__init__()
        self.rows = rows


def shown(value: Any) -> str:
    """A candidate's value as one line: a verdict with its reason, `nothing` for none."""
    if isinstance(value, list):
        if len(value) > 1 and value[1]:
            return f"{value[0]} ({value[1]})"
        value = value[0] if value else None
    return "nothing" if value is None else str(value)


def count(store: Store) -> Job:
    with store.lock:
        n = merge_rows.open_conflict_count(store.conn)
    yield ConflictsCounted(n)


def read(store: Store) -> Job:
    with store.lock:
        found = merge_rows.conflicts(store.conn)
    rows = [
        ConflictRow(
            c.id,
            f"{c.thing.replace(':', ' ')} {c.field}",
            tuple(
                ConflictSide(
                    shown(m["value"]), str(m["actor"]), str(m["at"])[:16].replace("T", " ")
                )
                for m in c.candidates
            ),
        )
        for c in found
    ]
    yield ConflictsRead(rows)


def resolve(store: Store, actor: str, choice: ConflictChoice) -> Job:
    done = verbs.resolve_conflict(store, actor, choice.conflict_id, "", side=choice.side)
    yield Notice(f"Conflict #{done.conflict.id} resolved: {shown(done.value)}")
    yield Written()


class ConflictKeys:
    """`C` and the header count, run against the main screen."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    def refresh(self) -> None:
        self.screen.run_job_of("conflicts", count(self.screen.store))

    def counted(self, message: ConflictsCounted) -> None:
        self.screen.show_conflicts(message.count)

    def open(self) -> None:
        self.screen.run_job_of("conflicts-read", read(self.screen.store))

    def opened(self, message: ConflictsRead) -> None:
        self.screen.app.push_screen(ConflictsScreen(message.rows), self._chosen)

    def _chosen(self, choice: ConflictChoice | None) -> None:
        if choice is not None:
            self.screen.run_write(resolve(self.screen.store, self.screen.actor, choice))
