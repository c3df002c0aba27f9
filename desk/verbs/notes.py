"""Notes: an annotation on an item or a recap entry (who, when, text); and its undo."""

from __future__ import annotations

from typing import cast

from db import Store, Writer
from db.models import Event, Note
from desk.errors import BadInputError, UnknownItemError
from desk.text import clean_text
from desk.verbs._common import check_items, item_target
from desk.verbs.payloads import NoteAddPayload, NoteUndone
from desk.verbs.undo import Undone, inverse_of
from desk.vocab import normalise_actor

MAX_NOTE_CHARS = 100_000


def annotate(
    store: Store, actor: str, item_id: int | None, text: str, *, entry_id: int | None = None
) -> Note:
    """A note on an item (or, with `item_id` None, on a recap entry): who, when, text."""
    actor = normalise_actor(actor)
    clean = clean_text(text)
    if not clean:
        raise BadInputError("the note is empty")
    if len(clean) > MAX_NOTE_CHARS:
        raise BadInputError(f"the note is {len(clean)} characters; the limit is {MAX_NOTE_CHARS}")
    with store.transaction() as w:
        base = None
        if item_id is not None:
            check_items(w, [item_id])
            base = w.bump_version(item_id) - 1
        elif entry_id is None or not w.entry_exists(entry_id):
            raise UnknownItemError(f"unknown recap entry {entry_id}")
        note = w.add_note(item_id=item_id, entry_id=entry_id, author=actor, text=clean)
        payload: NoteAddPayload = {
            "note": note.uuid,
            "item": item_id,
            "entry": entry_id,
            "text": clean,
        }
        w.append_event(
            actor=actor,
            kind="note.add",
            target=item_target([item_id]) if item_id is not None else f"entry:{entry_id}",
            payload=payload,
            base_version=base,
        )
    return note


@inverse_of("note.add")
def _undo_note(w: Writer, original: Event) -> Undone:
    """Retract the note: hidden from the desk, kept in the file (the log still quotes it)."""
    p = cast(NoteAddPayload, original.payload)
    w.set_note_retracted(p["note"], True)
    item_id = p.get("item")
    if item_id is not None:
        w.bump_version(item_id)
    inverse: NoteUndone = {"note": p["note"]}
    return Undone(inverse)
