"""Errors the verbs raise for user mistakes; the CLI prints them as one line.

Every message names the thing that was wrong (the item id, the relation,
the file), so the person at the keyboard can fix it without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.errors import ConflictError, StoreError


class DeskError(Exception):
    """A user-facing error: one clear line, non-zero exit, no traceback."""


class UnknownItemError(DeskError):
    pass


class BadInputError(DeskError):
    pass


class NothingToUndoError(DeskError):
    pass


class UndoConflictError(ConflictError):
    """My last action cannot be undone: a colleague changed the same thing since.

    The refusal is recorded (an `undo.refused` event), so the next undo does
    not repeat this error but goes on to the action before it (unless the
    obstacle has gone, say the colleague undid theirs: then it undoes this one).
    """


@dataclass(frozen=True, slots=True)
class Clash:
    """One value a colleague set after the user saw it: what the user saw, theirs, mine."""

    item_id: int
    field: str
    seen: str | None
    theirs: str | None
    mine: str
    who: str
    at: str

    def line(self) -> str:
        """`#3: bob set verdict 'false' at 14:02 UTC (you saw 'unverified', chose 'verified')`."""
        return (
            f"#{self.item_id}: {self.who} set {self.field} {self.theirs!r} {when(self.at)}"
            f" (you saw {self.seen!r}, chose {self.mine!r})"
        )


class SetConflictError(ConflictError):
    """A value was set by a colleague after the user read it: nothing was written.

    `clashes` names, per item, the colleague, when, their value and mine, so
    the TUI can ask which to keep; set again from their value to use mine.
    """

    def __init__(self, clashes: list[Clash]) -> None:
        self.clashes = clashes
        super().__init__(
            "; ".join(c.line() for c in clashes) + ": nothing changed (set it again to use yours)"
        )


def when(at: str) -> str:
    """An event's ISO UTC time as people say it: `at 14:02 UTC on 2026-12-01`."""
    if not at or len(at) < 16:
        return "at an unknown time"
    return f"at {at[11:16]} UTC on {at[:10]}"


USER_ERRORS: tuple[type[Exception], ...] = (DeskError, StoreError)
