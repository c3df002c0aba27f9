"""The recap's data side: stories with a reference date, entries read, ordered, pinned, undone.

Every verb is one transaction and one event and has an undo; dates are read
against the story's reference date and never guessed; the store orders a
section by the stored interval key and holds hand-pinned slots; a stale
edit is refused naming who changed the entry; the 0003 migration upgrades a
desk written at 0002 in place.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

import db.schema
from db import Store
from db.connection import _connect
from db.errors import ConflictError, StoreError
from db.models import RecapEntry
from db.schema import migrations
from db.store import SECTION_ORDER, place_pinned
from desk import verbs
from desk.errors import BadInputError, UnknownItemError
from desk.export.collect import collect
from desk.vocab import RECAP_SECTIONS, normalise_confidence, normalise_slug

HOSTILE = "\x1b]0;pwned\x07\x1b[31mred\x1b[0m [bold]markup[/bold] \u202eevil\u202c `x` <b>"


def _story(store: Store, reference: str = "2023-10-01") -> int:
    return verbs.create_story(store, "ann", "orvena", "Orvena dam", reference)


def _add(store: Store, story: int, date: str | None, headline: str, **kw: str) -> int:
    section = kw.pop("section", "timeline")
    return verbs.add_recap_entry(
        store,
        kw.pop("actor", "ann"),
        story,
        section=section,
        headline=headline,
        date_text=date,
        **kw,
    )


def _order(store: Store, story: int, section: str = "timeline") -> list[str]:
    return [e.headline for e in store.recap(story) if e.section == section]


def _events(store: Store) -> int:
    return store.last_seq()


# -- ordering --------------------------------------------------------------------------------


def test_the_store_knows_the_template_sections_in_order() -> None:
    assert SECTION_ORDER == RECAP_SECTIONS


def test_timeline_orders_by_interval_whatever_the_order_of_adding(store: Store) -> None:
    story = _story(store, "2023-10-01")
    for date in ("September 19, 2023", "fall 2020", "April 2023", "December 2022"):
        _add(store, story, date, date)
    assert _order(store, story) == [
        "fall 2020",
        "December 2022",
        "April 2023",
        "September 19, 2023",
    ]


def test_open_and_wide_intervals_sort_by_start_then_width(store: Store) -> None:
    story = _story(store, "2023-10-01")
    _add(store, story, "since December", "open")  # 2022-12-01/..
    _add(store, story, "December 2022", "month")  # 2022-12-01..2022-12-31
    _add(store, story, "December 1, 2022", "day")
    _add(store, story, "the 1990s", "decade")
    entries = store.recap(story)
    assert [e.headline for e in entries] == ["decade", "day", "month", "open"]
    open_ = entries[-1]
    assert (open_.date_start, open_.date_end, open_.date_edtf) == ("2022-12-01", None, "2022-12/..")
    assert open_.date_precision == "month" and open_.readable


def test_unreadable_and_undated_entries_come_last_and_are_never_guessed(store: Store) -> None:
    story = _story(store)
    _add(store, story, "soon", "vague")
    _add(store, story, None, "undated")
    _add(store, story, "fall 2020", "dated")
    entries = store.recap(story)
    assert [e.headline for e in entries] == ["dated", "undated", "vague"]
    vague = entries[-1]
    assert vague.date_text == "soon" and not vague.readable
    assert (vague.date_start, vague.date_end, vague.date_edtf, vague.date_precision) == (
        None,
        None,
        None,
        None,
    )


def test_sections_come_in_the_template_order(store: Store) -> None:
    story = _story(store)
    for section in reversed(RECAP_SECTIONS):
        _add(store, story, None, section, section=section)
    assert [e.section for e in store.recap(story)] == list(RECAP_SECTIONS)


def test_place_pinned_holds_slots_and_puts_overflow_last() -> None:
    def entry(i: int, position: int = 0, pinned: bool = False) -> RecapEntry:
        return RecapEntry(
            id=i,
            uuid=str(i),
            story_id=1,
            section="timeline",
            position=position,
            date_text=None,
            date_start=None,
            date_end=None,
            headline=str(i),
            body="",
            confidence="reported",
            pinned=pinned,
        )

    free = [entry(1), entry(2), entry(3)]
    assert [e.id for e in place_pinned(free, [entry(9, 0, True)])] == [9, 1, 2, 3]
    assert [e.id for e in place_pinned(free, [entry(9, 2, True), entry(8, 1, True)])] == [
        1,
        8,
        9,
        2,
        3,
    ]
    assert [e.id for e in place_pinned(free, [entry(9, 40, True)])] == [1, 2, 3, 9]


# -- move, pin, unpin ---------------------------------------------------------------------


def test_a_moved_entry_is_pinned_and_holds_its_slot(store: Store) -> None:
    story = _story(store)
    _add(store, story, "fall 2020", "a")
    _add(store, story, "April 2023", "b")
    c = _add(store, story, "September 19, 2023", "c")
    before = _events(store)
    moved = verbs.move_recap_entry(store, "ann", c, "up")
    assert _events(store) == before + 1
    assert moved.pinned and moved.position == 1
    assert _order(store, story) == ["a", "c", "b"]
    _add(store, story, "the 1990s", "earliest")  # would push c down, but c holds slot 1
    assert _order(store, story) == ["earliest", "c", "a", "b"]
    verbs.unpin_recap_entry(store, "ann", c)
    assert _order(store, story) == ["earliest", "a", "b", "c"]
    verbs.undo(store, "ann")  # the unpin
    assert _order(store, story) == ["earliest", "c", "a", "b"]


def test_moving_past_a_pinned_neighbour_swaps_the_two(store: Store) -> None:
    story = _story(store)
    a = _add(store, story, "fall 2020", "a")
    b = _add(store, story, "April 2023", "b")
    _add(store, story, "September 19, 2023", "c")
    verbs.move_recap_entry(store, "ann", a, "down")  # b a c, a pinned at 1
    assert _order(store, story) == ["b", "a", "c"]
    verbs.move_recap_entry(store, "ann", b, "down")  # a is pinned: they swap
    assert _order(store, story) == ["a", "b", "c"]
    assert store.recap_entry(a).position == 0 and store.recap_entry(b).position == 1
    verbs.undo(store, "ann")
    assert _order(store, story) == ["b", "a", "c"]
    verbs.undo(store, "ann")
    assert _order(store, story) == ["a", "b", "c"]
    assert not store.recap_entry(a).pinned


def test_moves_past_the_ends_and_bad_moves_are_refused(store: Store) -> None:
    story = _story(store)
    a = _add(store, story, "fall 2020", "a")
    b = _add(store, story, "April 2023", "b")
    before = _events(store)
    with pytest.raises(BadInputError, match="already first"):
        verbs.move_recap_entry(store, "ann", a, "up")
    with pytest.raises(BadInputError, match="already last"):
        verbs.move_recap_entry(store, "ann", b, "down")
    with pytest.raises(BadInputError, match="already in timeline"):
        verbs.move_recap_entry(store, "ann", a, to_section="Timeline")
    with pytest.raises(BadInputError, match="bad direction"):
        verbs.move_recap_entry(store, "ann", a, "sideways")
    with pytest.raises(BadInputError, match="one of them"):
        verbs.move_recap_entry(store, "ann", a)
    with pytest.raises(BadInputError, match="not pinned"):
        verbs.unpin_recap_entry(store, "ann", a)
    with pytest.raises(UnknownItemError, match="unknown recap entry 99"):
        verbs.move_recap_entry(store, "ann", 99, "up")
    assert _events(store) == before


def test_move_to_another_section_goes_last_there_pinned_and_undoes(store: Store) -> None:
    story = _story(store)
    a = _add(store, story, "fall 2020", "a")
    _add(store, story, "the 1990s", "old", section="background")
    moved = verbs.move_recap_entry(store, "ann", a, to_section="background")
    assert (moved.section, moved.position, moved.pinned) == ("background", 1, True)
    assert _order(store, story, "background") == ["old", "a"]
    assert _order(store, story) == []
    verbs.undo(store, "ann")
    assert _order(store, story) == ["a"] and not store.recap_entry(a).pinned


def test_undo_of_a_move_refuses_when_it_was_moved_again_by_someone_else(store: Store) -> None:
    story = _story(store)
    _add(store, story, "fall 2020", "a")
    b = _add(store, story, "April 2023", "b")
    verbs.move_recap_entry(store, "ann", b, "up")
    verbs.unpin_recap_entry(store, "bob", b)
    with pytest.raises(ConflictError, match="moved again since"):
        verbs.undo(store, "ann")


# -- stories and the reference date -----------------------------------------------------


def test_a_story_defaults_its_reference_date_to_the_day_it_was_made(store: Store) -> None:
    story = verbs.create_story(store, "ann", "Orvena Dam", "Orvena dam")
    made = store.story(story)
    assert made.slug == "orvena-dam"
    assert made.reference_date == made.created_at[:10]
    assert store.events()[-1].payload == {"slug": "orvena-dam", "title": "Orvena dam"}
    dated = verbs.create_story(store, "ann", "other", "Other", "2020-02-29")
    assert store.story(dated).reference_date == "2020-02-29"
    assert store.events()[-1].payload["reference_date"] == "2020-02-29"


@pytest.mark.parametrize(
    "bad", ["2023-02-30", "next week", "05/06/2023", "2023-1-5", "", "0999-01-01"]
)
def test_a_bad_reference_date_is_refused(store: Store, bad: str) -> None:
    with pytest.raises(BadInputError, match="bad date"):
        verbs.create_story(store, "ann", "orvena", "Orvena", bad)
    assert store.stories() == []


def test_changing_the_reference_date_rereads_relative_dates_in_one_event(store: Store) -> None:
    story = _story(store, "2023-10-01")
    fall = _add(store, story, "fall 2020", "fall")
    since = _add(store, story, "since December", "since")
    ago = _add(store, story, "two days ago", "ago")
    assert store.recap_entry(since).date_start == "2022-12-01"
    before = _events(store)
    edited = verbs.edit_story(store, "bob", "orvena", reference_date="2024-03-01")
    assert _events(store) == before + 1
    assert edited.reference_date == "2024-03-01"
    event = store.events()[-1]
    assert event.kind == "story.edit" and sorted(event.payload["reread"]) == [since, ago]
    assert store.recap_entry(since).date_start == "2023-12-01"
    assert store.recap_entry(ago).date_start == "2024-02-28"
    assert store.recap_entry(fall).version == 1  # not relative: untouched
    assert store.recap_entry(since).version == 2 and store.recap_entry(since).updated_by == "bob"
    verbs.undo(store, "bob")
    assert store.story(story).reference_date == "2023-10-01"
    assert store.recap_entry(since).date_start == "2022-12-01"
    assert store.recap_entry(ago).date_start == "2023-09-29"


def test_retitling_a_story_and_its_undo(store: Store) -> None:
    _story(store)
    with pytest.raises(BadInputError, match="nothing to change"):
        verbs.edit_story(store, "ann", "orvena")
    verbs.edit_story(store, "ann", "orvena", title="  Orvena \x1b[31mdam\x1b[0m breach ")
    assert store.story_by_slug("orvena").title == "Orvena dam breach"  # type: ignore[union-attr]
    verbs.edit_story(store, "bob", "orvena", title="Bob's title")
    with pytest.raises(ConflictError, match="changed since"):
        verbs.undo(store, "ann")
    with pytest.raises(BadInputError, match="no story 'nope'"):
        verbs.edit_story(store, "ann", "nope", title="x")


@pytest.mark.parametrize(
    "bad", ["", "a" * 65, "orvena/dam", "orvéna", "-orvena", "orvena--dam", "\x1b[31m", "a.b"]
)
def test_slugs_are_lower_case_words_and_hyphens(store: Store, bad: str) -> None:
    with pytest.raises(BadInputError, match="slug"):
        verbs.create_story(store, "ann", bad, "Title")
    assert normalise_slug(" Orvena  Dam ") == "orvena-dam"
    assert normalise_slug("\x1b]0;X\x07orvena\x1b[31m") == "orvena"  # cleaned, as every name


# -- edit, delete, add and their undo ---------------------------------------------------


def test_edit_changes_fields_rereads_the_date_and_undoes(store: Store) -> None:
    story = _story(store)
    entry = _add(store, story, "fall 2020", "Cracks", body="first", confidence="reported")
    before = _events(store)
    edited = verbs.edit_recap_entry(
        store,
        "ann",
        entry,
        1,
        date_text="April 2023",
        headline="Cracks found",
        body="**second**\n\nparagraph",
        confidence="Confirmed",
    )
    assert _events(store) == before + 1
    assert (edited.date_start, edited.date_end, edited.date_edtf) == (
        "2023-04-01",
        "2023-04-30",
        "2023-04",
    )
    assert (edited.headline, edited.body, edited.confidence) == (
        "Cracks found",
        "**second**\n\nparagraph",
        "confirmed",
    )
    assert edited.version == 2 and store.events()[-1].base_version == 1
    same = verbs.edit_recap_entry(store, "ann", entry, 2, headline="Cracks found")
    assert same.version == 2 and _events(store) == before + 1  # no change, no event
    verbs.undo(store, "ann")
    back = store.recap_entry(entry)
    assert (back.date_text, back.date_start, back.headline, back.body, back.confidence) == (
        "fall 2020",
        "2020-09-01",
        "Cracks",
        "first",
        "reported",
    )
    cleared = verbs.edit_recap_entry(store, "ann", entry, back.version, date_text="")
    assert cleared.date_text is None and cleared.date_start is None and not cleared.readable


def test_a_stale_edit_is_a_conflict_naming_who_changed_it(store: Store) -> None:
    story = _story(store)
    entry = _add(store, story, "fall 2020", "Cracks")
    verbs.edit_recap_entry(store, "bob", entry, 1, headline="Bob's cracks")
    before = _events(store)
    with pytest.raises(ConflictError, match=r"changed by bob .*version 2, you saw 1"):
        verbs.edit_recap_entry(store, "ann", entry, 1, headline="Ann's cracks")
    assert _events(store) == before and store.recap_entry(entry).headline == "Bob's cracks"
    verbs.edit_recap_entry(store, "carol", entry, 2, body="carol's body")
    with pytest.raises(ConflictError, match="changed by carol"):
        verbs.undo(store, "bob")  # bob's edit was built on since


def test_only_content_fields_are_edited(store: Store) -> None:
    story = _story(store)
    entry = _add(store, story, None, "x")
    with pytest.raises(BadInputError, match="cannot edit section"):
        verbs.edit_recap_entry(store, "ann", entry, 1, section="latest")
    with pytest.raises(BadInputError, match="bad confidence"):
        verbs.edit_recap_entry(store, "ann", entry, 1, confidence="sure")


def test_delete_hides_and_undo_restores(store: Store) -> None:
    story = _story(store)
    a = _add(store, story, "fall 2020", "a")
    item = verbs.add_item(store, "ann", text="a source").id
    verbs.link(store, "ann", item, dst_entry=a, relation="source-for")
    before = _events(store)
    gone = verbs.delete_recap_entry(store, "ann", a)
    assert _events(store) == before + 1 and gone.deleted_at is not None
    assert store.recap(story) == []
    with pytest.raises(BadInputError, match="deleted"):
        verbs.edit_recap_entry(store, "ann", a, 1, headline="zombie")
    with pytest.raises(BadInputError, match="deleted"):
        verbs.delete_recap_entry(store, "ann", a)
    verbs.undo(store, "ann")
    [back] = store.recap(story)
    assert back.id == a and back.deleted_at is None and back.source_item_ids == (item,)


def test_undo_of_an_add_hides_the_entry_unless_a_colleague_worked_on_it(store: Store) -> None:
    story = _story(store)
    a = _add(store, story, "fall 2020", "a")
    before = _events(store)
    verbs.undo(store, "ann")
    assert _events(store) == before + 1 and store.recap(story) == []
    b = _add(store, story, "fall 2020", "b")
    verbs.edit_recap_entry(store, "bob", b, 1, headline="bob's b")
    verbs.annotate(store, "ann", None, "keeps ann's log busy", entry_id=a)
    verbs.set_verdict(store, "ann", [verbs.add_item(store, "zed", text="x").id], "false")
    verbs.undo(store, "ann")  # the verdict
    verbs.undo(store, "ann")  # the note
    with pytest.raises(ConflictError, match="changed since by bob"):
        verbs.undo(store, "ann")  # the add of b


def test_every_recap_verb_writes_one_event_of_its_kind(store: Store) -> None:
    story = _story(store)
    kinds = []
    a = _add(store, story, "fall 2020", "a")
    kinds.append(store.events()[-1].kind)
    b = _add(store, story, "April 2023", "b")
    verbs.edit_recap_entry(store, "ann", a, 1, headline="a2")
    kinds.append(store.events()[-1].kind)
    verbs.move_recap_entry(store, "ann", b, "up")
    kinds.append(store.events()[-1].kind)
    verbs.unpin_recap_entry(store, "ann", b)
    kinds.append(store.events()[-1].kind)
    verbs.delete_recap_entry(store, "ann", b)
    kinds.append(store.events()[-1].kind)
    verbs.edit_story(store, "ann", "orvena", title="t")
    kinds.append(store.events()[-1].kind)
    assert kinds == [
        "recap.add",
        "recap.edit",
        "recap.move",
        "recap.unpin",
        "recap.delete",
        "story.edit",
    ]
    assert all(e.target == f"entry:{a}" for e in store.events() if e.kind == "recap.edit")
    assert store.verify() is None


# -- sources -------------------------------------------------------------------------------


def test_sources_and_notes_are_read_in_one_query_each(store: Store) -> None:
    story = _story(store)
    entries = [
        _add(store, story, f"{m} 2023", m) for m in ("January", "February", "March", "April")
    ]
    items = [verbs.add_item(store, "ann", text=f"post {i}").id for i in range(6)]
    for n, item in enumerate(items):
        verbs.link(store, "ann", item, dst_entry=entries[n % 3], relation="source-for")
    verbs.set_verdict(store, "vera", [items[0]], "verified", override="fixture")
    verbs.set_triage(store, "vera", [items[3]], "discarded")
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    recap = store.recap(story)
    store.conn.set_trace_callback(None)
    # the entries, their sources, their notes: one query each, whatever the recap's size
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 3
    first = recap[0]
    assert [(s.item_id, s.verdict, s.triage) for s in first.sources] == [
        (items[0], "verified", "new"),
        (items[3], "unverified", "discarded"),
    ]
    assert first.source_item_ids == (items[0], items[3])
    assert recap[3].sources == ()
    verbs.set_verdict(store, "vera", [items[3]], "false")
    assert store.recap(story)[0].sources[1].verdict == "false"  # live


# -- hostile text --------------------------------------------------------------------------


def test_hostile_text_is_cleaned_in_every_field(store: Store) -> None:
    story = verbs.create_story(store, "ann", "orvena", HOSTILE, "2023-10-01")
    entry = _add(
        store,
        story,
        "\x1b[2Jsince \u202eDecember",
        HOSTILE,
        body=HOSTILE + "\n\n[link](javascript:alert(1)) ![img](x.png)",
    )
    got = store.recap_entry(entry)
    for text in (store.story(story).title, got.headline, got.body, got.date_text or ""):
        assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
    assert "[bold]markup[/bold]" in got.headline  # markup stays text, shown as text
    assert "[link](javascript:alert(1))" in got.body  # Markdown is kept as text
    assert got.date_text == "since December" and got.date_start == "2022-12-01"


def test_a_megabyte_body_and_overlong_fields_are_refused_clearly(store: Store) -> None:
    story = _story(store)
    before = _events(store)
    with pytest.raises(BadInputError, match=r"the body is 1000000 characters; the limit is 100000"):
        _add(store, story, None, "big", body="x" * 1_000_000)
    with pytest.raises(BadInputError, match="the headline is 301 characters"):
        _add(store, story, None, "h" * 301)
    with pytest.raises(BadInputError, match="the date is 201 characters"):
        _add(store, story, "d" * 201, "h")
    with pytest.raises(BadInputError, match="needs a headline"):
        _add(store, story, None, "\x1b[31m\x1b[0m  ")
    with pytest.raises(BadInputError, match="bad section"):
        _add(store, story, None, "h", section="gossip")
    with pytest.raises(BadInputError, match="bad confidence"):
        _add(store, story, None, "h", confidence="certain")
    entry = _add(store, story, None, "ok")
    with pytest.raises(BadInputError, match="the body is 1000000 characters"):
        verbs.edit_recap_entry(store, "ann", entry, 1, body="y" * 1_000_000)
    assert _events(store) == before + 1


def test_confidence_words() -> None:
    assert normalise_confidence(" Disputed ") == "disputed"
    with pytest.raises(
        BadInputError, match="use one of confirmed, reported, unconfirmed, disputed"
    ):
        normalise_confidence("\x1b[31msure")


# -- export sees the new fields ------------------------------------------------------------


def test_the_export_reads_reference_date_edtf_and_precision(store: Store) -> None:
    story = _story(store, "2023-10-01")
    _add(store, story, "since December", "since")
    pub = collect(store, "orvena")
    assert pub.story.reference_date == "2023-10-01"
    [entry] = pub.entries
    assert (entry.date_edtf, entry.date_precision) == ("2022-12/..", "month")
    assert entry.created_at


# -- the migration ------------------------------------------------------------------------


def _desk_at_0002(path: Path) -> None:
    """A desk as the 0002 schema left it, with a story and entries the way the old code wrote them."""
    conn = _connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    migrations.apply(Database(conn), stop_before="0003_recap")
    conn.execute(
        "INSERT INTO stories(uuid, slug, title, created_at) "
        "VALUES ('s1', 'orvena', 'Orvena', '2023-10-01T08:00:00.000000Z')"
    )
    for i, (section, position, date, headline) in enumerate(
        [
            ("timeline", 0, "September 19, 2023", "sirens"),
            ("timeline", 1, "fall 2020", "fall"),
            ("timeline", 2, "since December", "since"),
            ("timeline", 3, "one of these days", "vague"),
            ("what we know", 0, None, "known"),
        ],
        start=1,
    ):
        conn.execute(
            "INSERT INTO recap_entries(uuid, story_id, section, position, date_text, date_start, "
            "headline, created_at) VALUES (?, 1, ?, ?, ?, '1999-01-01', ?, "
            "'2023-10-01T08:00:00.000000Z')",
            [f"e{i}", section, position, date, headline],
        )
    conn.commit()
    conn.close()


def test_the_migration_upgrades_a_0002_desk_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.desk"
    _desk_at_0002(path)
    with Store(path) as store:
        story = store.stories()[0]
        assert story.reference_date == "2023-10-01"
        recap = store.recap(story.id)
        assert [e.headline for e in recap] == ["fall", "since", "sirens", "vague", "known"]
        since = recap[1]
        assert (since.date_start, since.date_end, since.date_edtf) == (
            "2022-12-01",
            None,
            "2022-12/..",
        )
        vague = recap[3]
        assert not vague.readable and vague.date_start is None  # the old hand value is not kept
        assert not any(e.pinned for e in recap)
        # the upgraded desk takes new entries and edits
        entry = verbs.add_recap_entry(
            store, "ann", story.id, section="timeline", headline="new", date_text="April 2023"
        )
        verbs.edit_recap_entry(store, "ann", since.id, since.version, headline="since, edited")
        assert [e.headline for e in store.recap(story.id)][:4] == [
            "fall",
            "since, edited",
            "new",
            "sirens",
        ]
        assert store.recap_entry(entry).date_edtf == "2023-04"
    with Store(path) as again:  # nothing applied twice
        names = [r[0] for r in again.conn.execute("SELECT name FROM _sqlite_migrations")]
        assert names == [
            "0001_core",
            "0002_sort_key",
            "0003_recap",
            "0004_recap_sections",
            "0005_verification",
            "0007_merge",
        ]


def test_the_migration_refuses_to_guess_without_the_date_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.desk"
    _desk_at_0002(path)
    monkeypatch.setattr(db.schema, "_DATE_READER", [])
    with pytest.raises(StoreError, match="reads its recap dates"):
        Store(path)
    conn = sqlite3.connect(path)  # rolled back: still a 0002 desk
    names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")]
    conn.close()
    assert names == ["0001_core", "0002_sort_key"]


@pytest.mark.parametrize(
    "verb",
    ["add", "edit", "delete", "move", "unpin", "edit_story", "create_story"],
)
def test_every_recap_verb_refuses_a_bad_actor(store: Store, verb: str) -> None:
    story = _story(store)
    entry = _add(store, story, "fall 2020", "a")
    calls = {
        "add": lambda who: _add(store, story, None, "b", actor=who),
        "edit": lambda who: verbs.edit_recap_entry(store, who, entry, 1, headline="c"),
        "delete": lambda who: verbs.delete_recap_entry(store, who, entry),
        "move": lambda who: verbs.move_recap_entry(store, who, entry, to_section="latest"),
        "unpin": lambda who: verbs.unpin_recap_entry(store, who, entry),
        "edit_story": lambda who: verbs.edit_story(store, who, "orvena", title="t"),
        "create_story": lambda who: verbs.create_story(store, who, "other", "Other"),
    }
    before = _events(store)
    for who in ("", "bob\nmallory", "\x1b]0;X\x07"):
        with pytest.raises(BadInputError, match="name"):
            calls[verb](who)
    assert _events(store) == before


# -- the events carry what a replay needs ---------------------------------------------------


def _reading(entry: RecapEntry) -> dict[str, object]:
    return {
        "date_start": entry.date_start,
        "date_end": entry.date_end,
        "precision": entry.date_precision,
        "edtf": entry.date_edtf,
        "readable": entry.readable,
    }


@pytest.mark.parametrize("date", ["since December", "fall 2020", "soon", None])
def test_recap_add_carries_the_whole_row_and_the_dates_reading(
    store: Store, date: str | None
) -> None:
    story = _story(store, "2023-10-01")
    entry = _add(store, story, date, "Sirens", body="In **Marrow Ford**.", confidence="confirmed")
    event = store.events()[-1]
    row = store.recap_entry(entry)
    p = event.payload
    assert (p["story"], p["section"], p["headline"]) == (story, "timeline", "Sirens")
    assert (p["uuid"], p["created_at"]) == (row.uuid, row.created_at)
    assert (p["date_text"], p["body"], p["confidence"]) == (date, row.body, "confirmed")
    assert {k: p[k] for k in _reading(row)} == _reading(row)
    # the order key follows from the recorded interval alone (no reader needed on replay)
    stored = store.conn.execute(
        "SELECT sort_start, sort_width FROM recap_entries WHERE id = ?", [entry]
    ).fetchone()
    if p["readable"]:
        start = dt.date.fromisoformat(p["date_start"]).toordinal() if p["date_start"] else 0
        width = (
            dt.date.fromisoformat(p["date_end"]).toordinal() - start
            if p["date_start"] and p["date_end"]
            else dt.date.max.toordinal()
        )
        assert tuple(stored) == (start, width)
    else:
        assert tuple(stored) == (None, None)


def test_recap_edit_carries_the_new_dates_reading_and_its_undo_the_old(store: Store) -> None:
    story = _story(store, "2023-10-01")
    entry = _add(store, story, "fall 2020", "a")
    verbs.edit_recap_entry(store, "ann", entry, 1, headline="b")
    assert "reading" not in store.events()[-1].payload  # no date change, no reading
    verbs.edit_recap_entry(store, "ann", entry, 2, date_text="since December")
    edit = store.events()[-1].payload
    assert edit["to"] == {"date_text": "since December"}
    assert edit["reading"] == _reading(store.recap_entry(entry))
    undo = verbs.undo(store, "ann").event.payload["inverse"]
    assert undo["restored"] == {"date_text": "fall 2020"}
    assert undo["reading"] == _reading(store.recap_entry(entry))
    assert undo["reading"]["edtf"] == "2020-23"


def test_an_old_recap_add_event_still_reads_and_undoes(store: Store) -> None:
    from desk.verbs.payloads import required_keys

    required, optional = required_keys("recap.add")
    assert required == {"story", "section", "headline"}  # what the first editor wrote
    assert {"uuid", "date_text", "date_start", "edtf", "readable"} <= optional
    story = _story(store)
    with store.transaction() as w:  # an entry and its event as the old code wrote them
        entry = w.add_recap_entry(story_id=story, section="timeline", headline="old", actor="ann")
        w.append_event(
            actor="ann",
            kind="recap.add",
            target=f"entry:{entry}",
            payload={"story": story, "section": "timeline", "headline": "old"},
        )
    assert verbs.undo(store, "ann").undone.kind == "recap.add"
    assert store.recap(story) == []
