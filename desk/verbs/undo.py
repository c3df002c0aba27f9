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

from db import ConflictError, Store, Writer
from db.models import Event
from desk.errors import NothingToUndoError, UndoConflictError
from desk.verbs.payloads import InversePayload, RefusalPayload, UndoPayload
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
not_undoable("undo.refused", "it records that an undo was refused, so the next one goes on")
# The pipeline (desk/ingest/) writes this kind; its rule sits here, with the others.
not_undoable("ingest", "an import is many items: discard the ones not wanted (s d)")

ANSWERS = ("undo", "undo.refused")
"""Kinds that answer an earlier event (`payload["undoes"]`): undone, or refused once."""


@dataclass(frozen=True, slots=True)
class UndoResult:
    """The event undone, the undo event written, and what was left alone (a colleague's)."""

    undone: Event
    event: Event
    skipped: tuple[str, ...]


def undo(store: Store, actor: str) -> UndoResult:
    """Undo the actor's last undoable action, as a new event (nothing is deleted).

    Repeated undos walk further back, through every action of the actor's
    back to the first (the log is read newest first through the
    `(actor, seq)` index, a page at a time; no cap, no whole-log read).
    Changes that a colleague made since to the same thing are left alone
    and reported (who, when), never clobbered.

    When nothing of the last action can be reversed (a colleague changed
    all of it, or its kind has no undo), the undo is refused, naming why,
    and the refusal is recorded (an `undo.refused` event). The next undo
    tries that action again: if the obstacle has gone (the colleague undid
    theirs) it is undone; if not, it is passed over (it was said once) and
    the undo goes on to the action before it, saying so in `skipped`.
    """
    actor = normalise_actor(actor)
    refusal: Exception | None = None
    passed: list[str] = []
    with store.transaction() as w:
        undone: set[str] = set()
        refused: set[str] = set()
        for candidate in w.actor_events(actor):
            if candidate.kind == "undo":
                undone.add(str(candidate.payload.get("undoes")))
                continue
            if candidate.kind == "undo.refused":
                refused.add(str(candidate.payload.get("undoes")))
                continue
            if candidate.id in undone:
                undone.discard(candidate.id)  # each event is undone once: keep the set small
                continue
            inverse = INVERSES.get(candidate.kind)
            try:
                if inverse is None:
                    raise NothingToUndoError(_refusal(candidate))
                with w.savepoint():  # an inverse that fails half-way leaves nothing behind
                    done = inverse(w, candidate)
            except (ConflictError, NothingToUndoError) as exc:
                if candidate.id in refused:  # said once already: go on past it
                    refused.discard(candidate.id)
                    passed.append(
                        f"your {candidate.kind} (event {candidate.seq}) stays as it is: {exc}"
                    )
                    continue
                refusal = _refuse(w, actor, candidate, exc)
                break
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
            return UndoResult(undone=candidate, event=event, skipped=(*passed, *done.skipped))
    if refusal is not None:  # raised after the commit: the refusal is kept
        raise refusal
    raise NothingToUndoError(f"nothing to undo for {actor}" + "".join(f"; {p}" for p in passed))


def _refuse(w: Writer, actor: str, candidate: Event, exc: Exception) -> Exception:
    """Record that `candidate` was not undone, and why; the error to raise after the commit."""
    why = str(exc)
    if isinstance(exc, ConflictError):
        why = f"cannot undo your {candidate.kind} (event {candidate.seq}): {why}; left as it is"
    payload: RefusalPayload = {
        "undoes": candidate.id,
        "undoes_seq": candidate.seq,
        "undoes_kind": candidate.kind,
        "refused": why,
    }
    w.append_event(actor=actor, kind="undo.refused", target=candidate.target, payload=payload)
    told = f"{why} (undo again to go on to your action before it)"
    return UndoConflictError(told) if isinstance(exc, ConflictError) else NothingToUndoError(told)


def _refusal(event: Event) -> str:
    what = f"your last action ({event.kind}, event {event.seq}) cannot be undone"
    why = NOT_UNDOABLE.get(event.kind)
    if why is None:
        return f"{what}: this desk knows no undo for {event.kind!r} (a newer desk wrote it?)"
    return f"{what}: {why}"
