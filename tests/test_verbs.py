"""The verbs: one transaction and one event each, undo as a new event, colleagues never clobbered."""

from __future__ import annotations

import pytest

from db import Store
from desk import verbs
from desk.errors import BadInputError, NothingToUndoError, UnknownItemError
from desk.vocab import DEFAULT_CHECKLIST


def _items(store: Store, n: int = 2) -> list[int]:
    return [verbs.add_item(store, "ann", text=f"item {i}").id for i in range(n)]


def test_each_verb_appends_exactly_one_event(store: Store) -> None:
    a, b = _items(store)
    before = store.last_seq()
    verbs.tag(store, "ann", [a, b], ["+x"])
    verbs.set_triage(store, "ann", [a, b], "kept")
    verbs.set_verdict(store, "ann", [a], "misleading", reason="cropped")
    verbs.link(store, "ann", a, dst_item=b, relation="same-event")
    verbs.annotate(store, "ann", a, "note")
    verbs.log_check(store, "ann", a, "date", "passed")
    kinds = [e.kind for e in store.events(since_seq=before)]
    assert kinds == ["item.tag", "item.triage", "item.verdict", "link.add", "note.add", "check.log"]


def test_no_op_verbs_write_nothing(store: Store) -> None:
    (a,) = _items(store, 1)
    verbs.set_triage(store, "ann", [a], "kept")
    seq = store.last_seq()
    assert verbs.set_triage(store, "ann", [a], "kept") == {}
    assert verbs.tag(store, "ann", [a], ["-absent"]) == {}
    assert store.last_seq() == seq


def test_versions_bump_and_events_record_the_base(store: Store) -> None:
    (a,) = _items(store, 1)
    v1 = store.item(a).version
    verbs.set_triage(store, "ann", [a], "flagged")
    assert store.item(a).version == v1 + 1
    assert store.events()[-1].base_version == v1


def test_undo_walks_back_my_actions_only(store: Store) -> None:
    a, b = _items(store)
    verbs.tag(store, "ann", [a], ["+mine"])
    verbs.tag(store, "bob", [b], ["+bobs"])
    verbs.set_triage(store, "ann", [a, b], "kept")
    first = verbs.undo(store, "ann")
    assert first.undone.kind == "item.triage"
    assert store.item(a).triage == "new" and store.item(b).triage == "new"
    second = verbs.undo(store, "ann")
    assert second.undone.kind == "item.tag"
    assert store.tags_of(a) == () and store.tags_of(b) == ("bobs",)
    assert [e.kind for e in store.events()][-2:] == ["undo", "undo"]
    assert store.verify() is None


def test_undo_leaves_a_colleagues_later_change_alone(store: Store) -> None:
    (a,) = _items(store, 1)
    verbs.set_triage(store, "ann", [a], "kept")
    verbs.set_triage(store, "bob", [a], "flagged")
    with pytest.raises(Exception, match="changed since"):
        verbs.undo(store, "ann")
    assert store.item(a).triage == "flagged"


def test_undo_of_link_note_check_and_add(store: Store) -> None:
    a, b = _items(store)
    verbs.link(store, "ann", a, dst_item=b, relation="corroborates")
    verbs.undo(store, "ann")
    assert store.links_of(a) == []
    verbs.link(store, "ann", a, dst_item=b, relation="corroborates")
    verbs.unlink(store, "ann", a, dst_item=b)
    verbs.undo(store, "ann")
    assert [link.relation for link in store.links_of(a)] == ["corroborates"]
    note = verbs.annotate(store, "ann", a, "wrong item")
    verbs.undo(store, "ann")
    assert store.notes_of(a) == []
    assert store.notes_of(a, include_retracted=True)[0].uuid == note.uuid  # never deleted
    verbs.log_check(store, "ann", a, "location", "failed", note="not Marrow Ford")
    verbs.undo(store, "ann")
    assert store.checklist(a, DEFAULT_CHECKLIST)[3].status == "open"
    verbs.undo(store, "ann")  # the link.add before unlink
    c = verbs.add_item(store, "cat", text="typo item").id
    verbs.undo(store, "cat")
    assert store.item(c).triage == "discarded"


def test_nothing_to_undo(store: Store) -> None:
    with pytest.raises(NothingToUndoError):
        verbs.undo(store, "nobody")


def test_validation_errors(store: Store) -> None:
    (a,) = _items(store, 1)
    with pytest.raises(UnknownItemError):
        verbs.tag(store, "ann", [999], ["+x"])
    with pytest.raises(BadInputError):
        verbs.tag(store, "ann", [a], [])
    with pytest.raises(BadInputError):
        verbs.link(store, "ann", a, dst_item=a, relation="corroborates")
    with pytest.raises(BadInputError):
        verbs.link(store, "ann", a, dst_entry=1, relation="corroborates")
    with pytest.raises(UnknownItemError):
        verbs.link(store, "ann", a, dst_entry=77, relation="source-for")
    with pytest.raises(BadInputError):
        verbs.annotate(store, "ann", a, "\x1b[31m\x07")
    with pytest.raises(BadInputError):
        verbs.add_item(store, "ann", text="   ")
    assert store.last_seq() == 1


def test_notes_and_items_are_cleaned(store: Store) -> None:
    item = verbs.add_item(store, "ann", text="a\x1b]52;c;ZXZpbA==\x07b \u202ec")
    assert item.text == "ab c"
    note = verbs.annotate(store, "ann", item.id, "[bold]keep[/bold] \x1b[2J")
    assert note.text == "[bold]keep[/bold]"


def test_link_to_recap_entry(store: Store) -> None:
    (a,) = _items(store, 1)
    story = verbs.create_story(store, "ann", "orvena", "Orvena dam")
    entry = verbs.add_recap_entry(
        store, "ann", story, section="timeline", headline="Sirens", date_text="Friday, before dawn"
    )
    verbs.link(store, "ann", a, dst_entry=entry, relation="source-for")
    recap = store.recap(story)
    assert recap[0].source_item_ids == (a,)
    assert recap[0].date_text == "Friday, before dawn"
