"""The recap: a story's structured summary, entry by entry; and the undo of each change.

An entry's date is kept as the reporter wrote it and read with
`desk.recap_dates.read_date` against the story's reference date; what the
reading means (interval, precision, EDTF) and the order key
(`recap_dates.sort_key`, stored as `sort_start`/`sort_width`) are written
with it, so the store orders a section with SQL and never imports the
reader. A phrase that cannot be read keeps its text, `readable` False and
no interval: it is never guessed, and sorts last.

Placement is separate from content: editing an entry's text bumps its
version (an edit from a stale copy is refused, naming who changed it),
moving or pinning it does not, so a colleague reordering the recap never
makes my text edit stale. Deleting hides an entry; its undo shows it again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from db import Store, Writer
from db.errors import ConflictError, NotFoundError
from db.models import Event, RecapEntry
from db.schema import DateReading, register_date_reader
from desk.errors import BadInputError, UnknownItemError
from desk.recap_dates import MAX_PHRASE, read_date, sort_key
from desk.text import clean_line, clean_text
from desk.verbs.payloads import (
    DateReadingFields,
    EntryMove,
    EntryUndone,
    Placement,
    RecapAddPayload,
    RecapDeletePayload,
    RecapEditPayload,
    RecapEditUndone,
    RecapMovePayload,
    RecapMoveUndone,
)
from desk.verbs.undo import Undone, inverse_of
from desk.vocab import normalise_actor, normalise_confidence, normalise_section

MAX_HEADLINE_CHARS = 300
"""A headline (and a story title) is one line of a page; longer is a paste gone wrong."""
MAX_BODY_CHARS = 100_000
"""An entry's body is a few paragraphs of Markdown; the limit keeps a pasted file out."""
MAX_DATE_CHARS = MAX_PHRASE
"""A date as written is a few words; `read_date` reads no longer phrase."""

EDITABLE = ("date_text", "headline", "body", "confidence")
"""What `edit_recap_entry` changes; the section is changed by a move."""


def read_entry_date(date_text: str | None, reference: str) -> DateReading | None:
    """What a date means against a story's reference day (`YYYY-MM-DD`); None: no date.

    `(start, end, precision, edtf, readable, sort_start, sort_width)`:
    inclusive ISO days (None: an open end), and the interval's order key
    (`recap_dates.sort_key`: its start's ordinal, 0 when open at the start,
    and its width in days, widest when open); both None when unreadable.
    """
    if not date_text:
        return None
    reading = read_date(date_text, dt.date.fromisoformat(reference))
    if not reading.readable:
        return (None, None, None, None, False, None, None)
    _, start, width, _ = sort_key(reading)
    return (
        reading.start.isoformat() if reading.start else None,
        reading.end.isoformat() if reading.end else None,
        str(reading.precision) if reading.precision else None,
        reading.edtf,
        True,
        start,
        width,
    )


_NO_DATE: DateReading = (None, None, None, None, False, None, None)


def reading_fields(reading: DateReading | None) -> DateReadingFields:
    """A date's reading as the events record it (no date: every field None, not readable)."""
    start, end, precision, edtf, readable, _, _ = reading or _NO_DATE
    return {
        "date_start": start,
        "date_end": end,
        "precision": precision,
        "edtf": edtf,
        "readable": bool(readable),
    }


def _migration_reader(date_text: str, reference: str) -> DateReading:
    reading = read_entry_date(date_text, reference)
    return reading if reading is not None else (None, None, None, None, False, None, None)


register_date_reader(_migration_reader)


def _headline(raw: str) -> str:
    clean = clean_line(raw)
    if not clean:
        raise BadInputError("a recap entry needs a headline")
    if len(clean) > MAX_HEADLINE_CHARS:
        raise BadInputError(
            f"the headline is {len(clean)} characters; the limit is {MAX_HEADLINE_CHARS}"
        )
    return clean


def _body(raw: str | None) -> str:
    clean = clean_text(raw)
    if len(clean) > MAX_BODY_CHARS:
        raise BadInputError(
            f"the body is {len(clean)} characters; the limit is {MAX_BODY_CHARS}"
            " (keep long documents as items and link them)"
        )
    return clean


def _date_text(raw: str | None) -> str | None:
    clean = clean_line(raw) if raw else ""
    if len(clean) > MAX_DATE_CHARS:
        raise BadInputError(
            f"the date is {len(clean)} characters; the limit is {MAX_DATE_CHARS}"
            " (write the date as people say it: 'since December', 'fall 2020')"
        )
    return clean or None


def _story_id(store: Store, story: int | str) -> int:
    if isinstance(story, int):
        return story
    found = store.story_by_slug(clean_line(story).lower())
    if found is None:
        raise BadInputError(f"no story {clean_line(story)[:64]!r}")
    return found.id


def _live_state(w: Writer, entry_id: int) -> dict[str, Any]:
    try:
        state = w.entry_state(entry_id)
    except NotFoundError:
        raise UnknownItemError(f"unknown recap entry {entry_id}") from None
    if state["deleted_at"] is not None:
        raise BadInputError(f"recap entry {entry_id} is deleted (undo brings it back)")
    return state


def add_recap_entry(
    store: Store,
    actor: str,
    story: int | str,
    *,
    section: str,
    headline: str,
    body: str = "",
    date_text: str | None = None,
    confidence: str = "reported",
) -> int:
    """A new entry in its section, placed by its date; its id.

    `story` is the story's id or slug; `section` one of the desk's
    (`Store.recap_sections()`). The date is read against the story's
    reference date (unreadable: kept as text, flagged, sorted last). The
    event carries the whole new row and the date's reading, so a replay
    makes the same entry without reading the date again.
    """
    actor = normalise_actor(actor)
    headline_clean = _headline(headline)
    body_clean = _body(body)
    date_clean = _date_text(date_text)
    confidence_clean = normalise_confidence(confidence)
    story_id = _story_id(store, story)
    with store.transaction() as w:
        try:
            _, _, reference = w.story_fields(story_id)
        except NotFoundError:
            raise BadInputError(f"no story {story_id}") from None
        section_clean = normalise_section(section, w.recap_sections())
        reading = read_entry_date(date_clean, reference)
        entry_id = w.add_recap_entry(
            story_id=story_id,
            section=section_clean,
            headline=headline_clean,
            body=body_clean,
            date_text=date_clean,
            reading=reading,
            confidence=confidence_clean,
            actor=actor,
        )
        made = w.entry_state(entry_id)
        payload: RecapAddPayload = {
            "story": story_id,
            "section": section_clean,
            "headline": headline_clean,
            "uuid": str(made["uuid"]),
            "created_at": str(made["created_at"]),
            "date_text": date_clean,
            "body": body_clean,
            "confidence": confidence_clean,
            **reading_fields(reading),
        }
        w.append_event(actor=actor, kind="recap.add", target=f"entry:{entry_id}", payload=payload)
    return entry_id


@inverse_of("recap.add")
def _undo_add(w: Writer, original: Event) -> Undone:
    """Hide the entry this event added, unless a colleague has worked on it since."""
    entry_id = int((original.target or "entry:0").split(":")[1])
    state = w.entry_state(entry_id)
    if state["deleted_at"] is not None:
        raise ConflictError(f"recap entry {entry_id} was already deleted")
    if state["updated_by"] not in (None, original.actor):
        raise ConflictError(
            f"recap entry {entry_id} was changed since by {state['updated_by']}: delete it instead"
        )
    w.update_recap_entry(entry_id, {"deleted_at": w.now_iso()}, actor=original.actor, bump=False)
    inverse: EntryUndone = {"entry": entry_id}
    return Undone(inverse)


def edit_recap_entry(
    store: Store, actor: str, entry_id: int, base_version: int, **fields: str | None
) -> RecapEntry:
    """Change an entry's date, headline, body or confidence, from the version the editor saw.

    A `base_version` other than the entry's current one means someone
    changed it since: `ConflictError` names who and when, and nothing is
    saved (the editor reads it again and redoes the edit). A new date is
    read against the story's reference date. Fields equal to the stored
    ones are no change; with no change, no event.
    """
    actor = normalise_actor(actor)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise BadInputError(
            f"cannot edit {', '.join(sorted(unknown))}: edit {', '.join(EDITABLE)}"
            " (move an entry to change its section)"
        )
    clean: dict[str, str | None] = {}
    for key, value in fields.items():
        if key == "headline":
            clean[key] = _headline(value or "")
        elif key == "body":
            clean[key] = _body(value)
        elif key == "date_text":
            clean[key] = _date_text(value)
        elif key == "confidence":
            clean[key] = normalise_confidence(value or "")
    with store.transaction() as w:
        state = _live_state(w, entry_id)
        w.check_entry_version(entry_id, base_version)
        before = {k: state[k] for k in clean if state[k] != clean[k]}
        after = {k: clean[k] for k in before}
        if not after:
            return store.recap_entry(entry_id)
        reading = None
        if "date_text" in after:
            _, _, reference = w.story_fields(state["story_id"])
            reading = read_entry_date(after["date_text"], reference) or _NO_DATE
        w.update_recap_entry(entry_id, after, actor=actor, reading=reading)
        payload: RecapEditPayload = {"entry": entry_id, "from": before, "to": after}
        if reading is not None:
            payload["reading"] = reading_fields(reading)
        w.append_event(
            actor=actor,
            kind="recap.edit",
            target=f"entry:{entry_id}",
            payload=payload,
            base_version=base_version,
        )
    return store.recap_entry(entry_id)


@inverse_of("recap.edit")
def _undo_edit(w: Writer, original: Event) -> Undone:
    """Put the fields back, unless the entry was changed again since (then: who did)."""
    p = cast(RecapEditPayload, original.payload)
    entry_id = p["entry"]
    w.check_entry_version(entry_id, (original.base_version or 0) + 1)
    state = w.entry_state(entry_id)
    reading = None
    if "date_text" in p["from"]:
        _, _, reference = w.story_fields(state["story_id"])
        reading = read_entry_date(p["from"]["date_text"], reference) or _NO_DATE
    w.update_recap_entry(entry_id, p["from"], actor=original.actor, reading=reading)
    inverse: RecapEditUndone = {"entry": entry_id, "restored": p["from"]}
    if reading is not None:
        inverse["reading"] = reading_fields(reading)
    return Undone(inverse)


def delete_recap_entry(
    store: Store, actor: str, entry_id: int, base_version: int | None = None
) -> RecapEntry:
    """Hide an entry from the recap; undo shows it again (the file keeps it, and its links).

    With `base_version`, refuse when the entry changed since the caller saw it.
    """
    actor = normalise_actor(actor)
    with store.transaction() as w:
        state = _live_state(w, entry_id)
        if base_version is not None:
            w.check_entry_version(entry_id, base_version)
        at = w.now_iso()
        w.update_recap_entry(entry_id, {"deleted_at": at}, actor=actor, bump=False)
        payload: RecapDeletePayload = {
            "entry": entry_id,
            "story": state["story_id"],
            "deleted_at": at,
        }
        w.append_event(
            actor=actor,
            kind="recap.delete",
            target=f"entry:{entry_id}",
            payload=payload,
            base_version=state["version"],
        )
    return store.recap_entry(entry_id)


@inverse_of("recap.delete")
def _undo_delete(w: Writer, original: Event) -> Undone:
    """Show the entry again, where its date (or its pin) puts it."""
    p = cast(RecapDeletePayload, original.payload)
    state = w.entry_state(p["entry"])
    if state["deleted_at"] is None:
        raise ConflictError(f"recap entry {p['entry']} is not deleted any more")
    w.update_recap_entry(p["entry"], {"deleted_at": None}, actor=original.actor, bump=False)
    inverse: EntryUndone = {"entry": p["entry"]}
    return Undone(inverse)


def _placement(state: dict[str, Any]) -> Placement:
    return {
        "section": str(state["section"]),
        "position": int(state["position"]),
        "pinned": bool(state["pinned"]),
    }


def _place(w: Writer, entry_id: int, to: Placement, actor: str) -> None:
    w.update_recap_entry(entry_id, dict(to), actor=actor, bump=False)


def move_recap_entry(
    store: Store,
    actor: str,
    entry_id: int,
    direction: str | None = None,
    *,
    to_section: str | None = None,
) -> RecapEntry:
    """Move an entry one place `up` or `down` in its section, or to the end of `to_section`.

    A moved entry is pinned: it holds the slot it was moved to while
    entries are added or re-dated around it (`db.store.place_pinned`), until
    `unpin_recap_entry` gives it back to date order. Moving past a pinned
    neighbour swaps the two slots, so both stay where the user sees them.
    """
    actor = normalise_actor(actor)
    if (direction is None) == (to_section is None):
        raise BadInputError("move an entry up, down, or to a section (one of them)")
    if direction is not None and direction not in ("up", "down"):
        raise BadInputError(f"bad direction {clean_line(direction)!r}: use up or down")
    with store.transaction() as w:
        sections = w.recap_sections()
        target = normalise_section(to_section, sections) if to_section is not None else None
        state = _live_state(w, entry_id)
        before = _placement(state)
        moves: list[EntryMove] = []
        if target is not None:
            if target == state["section"]:
                raise BadInputError(f"recap entry {entry_id} is already in {target}")
            count = len(store.recap(state["story_id"], section=target))
            to: Placement = {"section": target, "position": count, "pinned": True}
            moves.append({"entry": entry_id, "from": before, "to": to})
        else:
            order = [e.id for e in store.recap(state["story_id"], section=state["section"])]
            index = order.index(entry_id)
            other_index = index - 1 if direction == "up" else index + 1
            if not 0 <= other_index < len(order):
                where = "first" if direction == "up" else "last"
                raise BadInputError(f"recap entry {entry_id} is already {where} in its section")
            to = {"section": before["section"], "position": other_index, "pinned": True}
            moves.append({"entry": entry_id, "from": before, "to": to})
            neighbour = order[other_index]
            other = _placement(w.entry_state(neighbour))
            if other["pinned"]:
                moves.append(
                    {"entry": neighbour, "from": other, "to": {**other, "position": index}}
                )
        for move in moves:
            _place(w, move["entry"], move["to"], actor)
        payload: RecapMovePayload = {"entry": entry_id, "moves": moves}
        w.append_event(actor=actor, kind="recap.move", target=f"entry:{entry_id}", payload=payload)
    return store.recap_entry(entry_id)


def unpin_recap_entry(store: Store, actor: str, entry_id: int) -> RecapEntry:
    """Give a hand-moved entry back to date order (its section stays)."""
    actor = normalise_actor(actor)
    with store.transaction() as w:
        state = _live_state(w, entry_id)
        if not state["pinned"]:
            raise BadInputError(f"recap entry {entry_id} is not pinned: it is in date order")
        before = _placement(state)
        move: EntryMove = {"entry": entry_id, "from": before, "to": {**before, "pinned": False}}
        _place(w, entry_id, move["to"], actor)
        payload: RecapMovePayload = {"entry": entry_id, "moves": [move]}
        w.append_event(actor=actor, kind="recap.unpin", target=f"entry:{entry_id}", payload=payload)
    return store.recap_entry(entry_id)


@inverse_of("recap.move", "recap.unpin")
def _undo_move(w: Writer, original: Event) -> Undone:
    """Put every entry the move placed back where it was, if none has moved since."""
    p = cast(RecapMovePayload, original.payload)
    for move in p["moves"]:
        now = _placement(w.entry_state(move["entry"]))
        if now != move["to"]:
            raise ConflictError(f"recap entry {move['entry']} was moved again since")
    for move in p["moves"]:
        _place(w, move["entry"], move["from"], original.actor)
    inverse: RecapMoveUndone = {"moves": p["moves"]}
    return Undone(inverse)


def reread_story_dates(w: Writer, story_id: int, reference: str, actor: str) -> list[int]:
    """Read every dated entry of a story again against `reference`; the ids whose reading moved.

    Only entries whose interval, precision or EDTF changed are written (and
    get a new version): "fall 2020" means the same whatever the reference,
    "since December" does not.
    """
    changed: list[int] = []
    for entry_id, date_text in w.story_entries_with_dates(story_id):
        reading = read_entry_date(date_text, reference) or _NO_DATE
        if tuple(reading) != tuple(w.entry_reading(entry_id)):
            w.update_recap_entry(entry_id, {}, actor=actor, reading=reading)
            changed.append(entry_id)
    return changed
