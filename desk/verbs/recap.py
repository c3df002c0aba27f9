"""The recap: a story's structured summary, entry by entry."""

from __future__ import annotations

from db import Store
from desk.errors import BadInputError
from desk.text import clean_line, clean_text
from desk.verbs.payloads import RecapAddPayload
from desk.verbs.undo import not_undoable
from desk.vocab import RECAP_SECTIONS, normalise_actor

# Until the recap editor lands (it brings edit and remove, and their undo).
not_undoable("recap.add", "a recap entry is edited or removed in the recap, not undone")


def add_recap_entry(
    store: Store,
    actor: str,
    story_id: int,
    *,
    section: str,
    headline: str,
    body: str = "",
    date_text: str | None = None,
    date_start: str | None = None,
    date_end: str | None = None,
    confidence: str = "reported",
) -> int:
    """A new entry at the end of its section; its id."""
    actor = normalise_actor(actor)
    if section not in RECAP_SECTIONS:
        raise BadInputError(f"bad section {section!r}: use one of {', '.join(RECAP_SECTIONS)}")
    headline_clean = clean_line(headline)
    if not headline_clean:
        raise BadInputError("a recap entry needs a headline")
    with store.transaction() as w:
        entry_id = w.add_recap_entry(
            story_id=story_id,
            section=section,
            headline=headline_clean,
            body=clean_text(body),
            date_text=clean_line(date_text) or None if date_text else None,
            date_start=date_start,
            date_end=date_end,
            confidence=confidence,
        )
        payload: RecapAddPayload = {
            "story": story_id,
            "section": section,
            "headline": headline_clean,
        }
        w.append_event(actor=actor, kind="recap.add", target=f"entry:{entry_id}", payload=payload)
    return entry_id
