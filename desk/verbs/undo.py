"""Undo: the inverse of an actor's last action, recorded as a new event.

The inverses live beside the verbs they invert (`items.py` holds the
inverse of `item.tag`, `links.py` that of `link.add` ...), each registered
here under its event kind with `@inverse_of(kind)`; a kind that is not
undoable on purpose says so, and why, with `not_undoable(kind, why)`.
`undo()` only looks the kind up, so a new verb brings its undo in the
same module, and `tests/test_undo.py` fails while any kind a verb writes
is in neither table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from db import Store, Writer
from db.models import Event
from desk.errors import NothingToUndoError
from desk.verbs.payloads import InversePayload, UndoPayload
from desk.vocab import normalise_actor


@dataclass(frozen=True, slots=True)
class Undone:
    """What an inverse did: the `inverse` part of the undo event, and what it left alone."""

    inverse: InversePayload
    skipped: list[str] = field(default_factory=list)


Inverse = Callable[[Writer, Event], Undone]
"""Apply the inverse of the event inside the undo's transaction.

Raises `ConflictError` when nothing can be reversed (a colleague changed
everything since); reports in `skipped` what it left alone.
"""

INVERSES: dict[str, Inverse] = {}
"""Event kind -> the function that reverses it."""
NOT_UNDOABLE: dict[str, str] = {}
"""Event kind -> why it is not undone (said to the user when it is their last action)."""


def inverse_of(*kinds: str) -> Callable[[Inverse], Inverse]:
    """Register the decorated function as the inverse of these event kinds."""

    def register(func: Inverse) -> Inverse:
        for kind in kinds:
            if kind in INVERSES or kind in NOT_UNDOABLE:
                raise ValueError(f"event kind {kind!r} already has an undo rule")
            INVERSES[kind] = func
        return func

    return register


def not_undoable(kind: str, why: str) -> None:
    """Record that `kind` is not undone, on purpose, and why."""
    if kind in INVERSES or kind in NOT_UNDOABLE:
        raise ValueError(f"event kind {kind!r} already has an undo rule")
    NOT_UNDOABLE[kind] = why


not_undoable("undo", "undo walks back past undos; to redo, do the action again")
# The pipeline (desk/ingest/) writes this kind; its rule sits here, with the others.
not_undoable("ingest", "an import is many items: discard the ones not wanted (s d)")


@dataclass(frozen=True, slots=True)
class UndoResult:
    """The event undone, the undo event written, and what was left alone (a colleague's)."""

    undone: Event
    event: Event
    skipped: tuple[str, ...]


def undo(store: Store, actor: str) -> UndoResult:
    """Undo the actor's last undoable action, as a new event (nothing is deleted).

    Repeated undos walk further back. Changes that a colleague has since
    overwritten are left alone and reported, never clobbered. A last
    action of a kind with no inverse is refused, naming it, rather than
    skipped: undoing an older action instead would surprise the user.
    """
    actor = normalise_actor(actor)
    with store.transaction() as w:
        undone_ids = store.undone_event_ids(actor)
        for candidate in store.latest_events_of(actor):
            if candidate.kind == "undo" or candidate.id in undone_ids:
                continue
            inverse = INVERSES.get(candidate.kind)
            if inverse is None:
                raise NothingToUndoError(_refusal(candidate))
            done = inverse(w, candidate)
            payload: UndoPayload = {
                "undoes": candidate.id,
                "undoes_seq": candidate.seq,
                "undoes_kind": candidate.kind,
                "inverse": done.inverse,
                "skipped": done.skipped,
            }
            event = w.append_event(
                actor=actor, kind="undo", target=candidate.target, payload=payload
            )
            return UndoResult(undone=candidate, event=event, skipped=tuple(done.skipped))
    raise NothingToUndoError(f"nothing to undo for {actor}")


def _refusal(event: Event) -> str:
    what = f"your last action ({event.kind}, event {event.seq}) cannot be undone"
    why = NOT_UNDOABLE.get(event.kind)
    if why is None:
        return f"{what}: this desk knows no undo for {event.kind!r} (a newer desk wrote it?)"
    return f"{what}: {why}"
