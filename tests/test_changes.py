"""`db.changes`: the new events read into the items they touched, for live refresh."""

from __future__ import annotations

import pytest

import db.changes
from db import Store
from desk import verbs
from desk.ingest.pipeline import ingest_bytes

FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>'
    b"<link>https://w.example/</link><description>d</description>"
    b"<item><title>one</title><link>https://w.example/1</link></item>"
    b"<item><title>two</title><link>https://w.example/2</link></item>"
    b"<item><title>three</title><link>https://w.example/3</link></item>"
    b"</channel></rss>"
)


def test_items_of_targets_and_ingest_batches(store: Store) -> None:
    first = verbs.add_item(store, "ann", text="typed in")
    since = store.last_seq()
    ingest_bytes(store, FEED, "wire.xml", actor="ann")
    verbs.tag(store, "ann", [first.id], ["+x"])
    found = store.changes_since(since)
    assert found.item_ids == frozenset({first.id, first.id + 1, first.id + 2, first.id + 3})
    assert not found.broad and found.any and found.last_seq == since + 2
    again = store.changes_since(found.last_seq)
    assert not again.any and again.item_ids == frozenset()
    ingest_bytes(store, FEED, "wire.xml", actor="ann")  # all duplicates: no new rows
    assert store.changes_since(found.last_seq).item_ids == frozenset()


def test_recap_events_touch_no_row_and_wider_ones_are_broad(store: Store) -> None:
    story = verbs.create_story(store, "ann", "flood", "Flood")
    since = store.last_seq()
    entry = verbs.add_recap_entry(store, "ann", story, section="latest", headline="h")
    verbs.annotate(store, "ann", None, "a note on the entry", entry_id=entry)
    verbs.undo(store, "ann")  # the note on the entry, undone: still no row
    found = store.changes_since(since)
    assert found.any and not found.broad and found.item_ids == frozenset()
    verbs.set_story_template(store, "ann", "flood", "berkeley-protocol")
    wide = store.changes_since(found.last_seq)
    assert wide.broad  # every item of the story re-reads its checklist


def test_more_events_than_a_page_is_broad(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db.changes, "MAX_EVENTS", 3)
    item = verbs.add_item(store, "ann", text="typed in")
    since = store.last_seq()
    for n in range(4):
        verbs.tag(store, "ann", [item.id], [f"+t{n}"])
    found = store.changes_since(since)
    assert found.broad and found.last_seq == since + 3  # read on from there next time
    assert not store.changes_since(since + 1).broad
