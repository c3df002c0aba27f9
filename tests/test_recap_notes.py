"""Notes on recap entries: read with the recap, shown by `desk recap show`, undone by `u`.

A note on an entry is the same `note.add` as a note on an item (who, when,
text), so its undo retracts it; the store hands every entry its live notes
(`RecapEntry.notes`, one query for a whole recap) and `Store.entry_notes`.
"""

from __future__ import annotations

import pytest

from db import Store
from desk import verbs
from desk.errors import BadInputError, UnknownItemError

HOSTILE = "\x1b]0;pwned\x07\x1b[31mred\x1b[0m [bold]b[/bold] \u202eevil"


def _entry(store: Store) -> tuple[int, int]:
    story = verbs.create_story(store, "ann", "orvena", "Orvena", "2023-10-01")
    entry = verbs.add_recap_entry(
        store, "ann", story, section="timeline", headline="Sirens", date_text="since December"
    )
    return story, entry


def test_notes_come_with_the_recap_oldest_first(store: Store) -> None:
    story, entry = _entry(store)
    other = verbs.add_recap_entry(store, "ann", story, section="latest", headline="quiet")
    first = verbs.annotate(store, "bob", None, "Call the mayor", entry_id=entry)
    second = verbs.annotate(store, "cat", None, "Mayor called back\nsays 40 homes", entry_id=entry)
    verbs.annotate(store, "bob", verbs.add_item(store, "bob", text="x").id, "on an item")
    by_id = {e.id: e for e in store.recap(story)}
    assert [n.uuid for n in by_id[entry].notes] == [first.uuid, second.uuid]
    assert [(n.author, n.text) for n in by_id[entry].notes] == [
        ("bob", "Call the mayor"),
        ("cat", "Mayor called back\nsays 40 homes"),
    ]
    assert by_id[other].notes == ()
    assert store.recap_entry(entry).notes == by_id[entry].notes
    assert store.entry_notes(entry) == list(by_id[entry].notes)
    assert all(n.entry_id == entry and n.item_id is None for n in store.entry_notes(entry))


def test_undo_of_an_entry_note_retracts_it(store: Store) -> None:
    story, entry = _entry(store)
    note = verbs.annotate(store, "bob", None, "to take back", entry_id=entry)
    result = verbs.undo(store, "bob")
    assert result.undone.kind == "note.add" and result.undone.target == f"entry:{entry}"
    assert store.recap(story)[0].notes == ()
    assert store.entry_notes(entry) == []
    [kept] = store.entry_notes(entry, include_retracted=True)
    assert kept.uuid == note.uuid and kept.retracted  # nothing is deleted
    assert store.verify() is None


def test_bad_entry_notes_are_refused(store: Store) -> None:
    _, entry = _entry(store)
    before = store.last_seq()
    with pytest.raises(BadInputError, match="the note is empty"):
        verbs.annotate(store, "bob", None, "\x1b[31m\x1b[0m \n", entry_id=entry)
    with pytest.raises(UnknownItemError, match="unknown recap entry 99"):
        verbs.annotate(store, "bob", None, "x", entry_id=99)
    with pytest.raises(BadInputError, match="the note is 100001 characters"):
        verbs.annotate(store, "bob", None, "n" * 100_001, entry_id=entry)
    assert store.last_seq() == before


def test_hostile_note_text_is_cleaned(store: Store) -> None:
    _, entry = _entry(store)
    verbs.annotate(store, "bob", None, HOSTILE, entry_id=entry)
    [note] = store.entry_notes(entry)
    assert "\x1b" not in note.text and "\u202e" not in note.text
    assert "[bold]b[/bold]" in note.text
