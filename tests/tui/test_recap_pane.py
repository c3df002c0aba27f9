"""The recap pane worked from the keyboard: every key, the editor, live verdicts.

The fixture desk's recap: Background holds entry 1 ("last spring", sourced
by #40, unverified), Latest holds entry 2 ("this morning", which the desk
cannot read, no source); the other four sections are empty.
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from db import Store
from desk import verbs
from desk.identity import who
from desk.settings import Settings
from desk.tui.app import DeskApp, make_app
from tests.tui.conftest import ENV, HOSTILE, NOW, notices, screen_text, settle, top, type_text
from widgets.conflict_choice import ConflictChoice
from widgets.header import DeskHeader
from widgets.item_detail import ItemDetail
from widgets.note_editor import NoteEditor
from widgets.recap import RecapPane
from widgets.recap_editor import EntryRequest, RecapEntryEditor, SectionChooser, parse_entry_text

SMALL = (80, 24)
WIDE = (160, 48)


def pane(app: DeskApp) -> RecapPane:
    return app.main.query_one(RecapPane)


async def cursor_to(pilot: Pilot[None], app: DeskApp, key: str) -> None:
    """Press j (from the top: g) until the cursor is on the line `key`, as a user would."""
    await pilot.press("g")
    for _ in range(40):
        line = pane(app).current
        if line is not None and line.key == key:
            return
        await pilot.press("j")
    raise AssertionError(f"no line {key} in the recap: {pane(app).text}")


async def open_recap(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)


def live(store: Store) -> list[tuple[int, str, str]]:
    story = store.story_by_slug("harbor-fire")
    assert story is not None
    return [(e.id, e.section, e.headline) for e in store.recap(story.id)]


# -- what the pane shows ----------------------------------------------------------


async def test_pane_shows_sections_dates_sources_and_what_is_not_ready(
    app: DeskApp, store: Store
) -> None:
    verbs.set_verdict(store, "carol", [40], "in progress")  # checking begun: not a finding
    async with app.run_test(size=WIDE) as pilot:
        await open_recap(pilot)
        text = pane(app).text
        for heading in ("BACKGROUND", "TIMELINE", "LATEST", "WHAT WE KNOW", "REACTIONS"):
            assert heading in text
        assert "TIMELINE  empty" in text
        assert "last spring: Warehouse district had two fires last year\n" in text
        assert "reported · 2026-03-01..2026-05-31 · EDTF 2026-21 · entry 1" in text
        assert "src #40 in progress @citydesk (rss)" in text  # the source's live verdict
        assert "every source is unverified, in progress, false, misleading or discarded" in text
        assert "! date not read: kept as written" in text  # "this morning": flagged
        assert "Not ready to publish: no source" in text  # entry 2
        assert isinstance(app.focused, RecapPane)


async def test_verdict_change_elsewhere_updates_the_pane_at_once(
    app: DeskApp, store: Store
) -> None:
    verbs.set_verdict(store, "carol", [40], "misleading")
    async with app.run_test(size=WIDE) as pilot:
        await open_recap(pilot)
        assert "src #40 misleading" in pane(app).text
        verbs.set_verdict(store, "carol", [40], "unverifiable")  # another process's commit
        for _ in range(40):
            await pilot.pause(0.05)
            if "src #40 unverifiable" in pane(app).text:
                break
        await settle(pilot)
        text = pane(app).text
        assert "src #40 unverifiable" in text
        assert "every source is unverified" not in text  # entry 1 is now backed
        assert "Not ready to publish: no source" in text  # entry 2 still is not


async def test_hostile_headline_shows_as_text(app: DeskApp, store: Store) -> None:
    story = store.story_by_slug("harbor-fire")
    assert story is not None
    verbs.add_recap_entry(store, "bob", story.id, section="reactions", headline=HOSTILE)
    async with app.run_test(size=WIDE) as pilot:
        await open_recap(pilot)
        text = screen_text(app)
        assert "\x1b" not in text and "\u202e" not in text
        assert "[bold red]markup[/]" in pane(app).text  # markup shown, not applied


# -- a: add -----------------------------------------------------------------------


async def test_add_an_entry_with_a_fuzzy_date(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await open_recap(pilot)
        await cursor_to(pilot, app, "section:timeline")
        await pilot.press("a")
        await settle(pilot)
        editor = top(app)
        assert isinstance(editor, RecapEntryEditor)
        await type_text(pilot, "in the fall of 2020")
        await pilot.pause(0.3)
        await settle(pilot)
        assert "reads as 2020-09-01..2020-11-30" in screen_text(app)
        await pilot.press("enter")  # on to the headline
        await type_text(pilot, "Spillway cracks first reported")
        await pilot.press("ctrl+s")
        await settle(pilot)
        story = store.story_by_slug("harbor-fire")
        assert story is not None
        added = [e for e in store.recap(story.id) if e.headline == "Spillway cracks first reported"]
        assert len(added) == 1
        entry = added[0]
        assert (entry.section, entry.date_start, entry.date_end, entry.date_edtf) == (
            "timeline",
            "2020-09-01",
            "2020-11-30",
            "2020-23",
        )
        line = pane(app).current
        assert line is not None and line.key == f"entry:{entry.id}"  # the cursor is on it


async def test_unreadable_date_is_said_in_the_editor(app: DeskApp) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await open_recap(pilot)
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "a while back")
        await pilot.pause(0.3)
        await settle(pilot)
        assert "cannot read this date" in screen_text(app)


async def test_a_refused_add_reopens_the_editor_with_what_was_typed(
    app: DeskApp, store: Store
) -> None:
    before = live(store)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await open_recap(pilot)
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "since December")
        await pilot.press("ctrl+s")  # no headline
        await settle(pilot)
        editor = top(app)
        assert isinstance(editor, RecapEntryEditor)
        assert editor.query_one("#entry-date", Input).value == "since December"
        assert "headline" in screen_text(app).lower()
        assert live(store) == before


# -- e, E: edit -------------------------------------------------------------------


async def test_edit_an_entry(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await open_recap(pilot)
        await cursor_to(pilot, app, "entry:1")
        await pilot.press("e")
        await settle(pilot)
        editor = top(app)
        assert isinstance(editor, RecapEntryEditor)
        headline = editor.query_one("#entry-headline", Input)
        assert headline.value == "Warehouse district had two fires last year"
        headline.value = "Two warehouse fires last spring"
        editor.query_one("#entry-body", TextArea).insert("Both were ruled accidental.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        entry = store.recap_entry(1)
        assert entry.headline == "Two warehouse fires last spring"
        assert entry.body == "Both were ruled accidental."
        assert "Both were ruled accidental." in pane(app).text


async def test_edit_after_a_colleagues_change_is_refused_and_keeps_the_typing(
    app: DeskApp, store: Store
) -> None:
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await open_recap(pilot)
        await cursor_to(pilot, app, "entry:1")
        await pilot.press("e")
        await settle(pilot)
        entry = store.recap_entry(1)
        verbs.edit_recap_entry(store, "carol", 1, entry.version, headline="Carol's headline")
        editor = top(app)
        assert isinstance(editor, RecapEntryEditor)
        editor.query_one("#entry-headline", Input).value = "Alice's headline"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(top(app), ConflictChoice)  # keep theirs / use mine (test_conflicts)
        await pilot.press("escape")  # neither: back to my edit
        await settle(pilot)
        again = top(app)
        assert isinstance(again, RecapEntryEditor)
        assert again.query_one("#entry-headline", Input).value == "Alice's headline"
        assert "carol" in screen_text(app)
        assert store.recap_entry(1).headline == "Carol's headline"


async def test_edit_in_the_editor(
    app: DeskApp, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "fake-editor"
    script.write_text(
        "#!/bin/sh\n"
        "sed -i 's/^headline: .*/headline: Rewritten in vi/' \"$1\"\n"
        "printf 'A body from the editor.\\n' >> \"$1\"\n"
    )
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    monkeypatch.delenv("VISUAL", raising=False)
    async with app.run_test(size=WIDE) as pilot:
        await open_recap(pilot)
        monkeypatch.setattr(app, "suspend", nullcontext)  # headless cannot hand over the tty
        await cursor_to(pilot, app, "entry:1")
        await pilot.press("E")
        await settle(pilot)
        entry = store.recap_entry(1)
        assert entry.headline == "Rewritten in vi"
        assert entry.body == "A body from the editor."
        assert entry.date_text == "last spring"


def test_the_editor_form_reads_back_and_names_a_bad_line() -> None:
    base = EntryRequest(section="timeline", headline="Old", date_text="May 2021", entry_id=3)
    form = "section: latest\ndate: since December\nconfidence: confirmed\nheadline: New\n\nBody"
    got = parse_entry_text(form, base)
    assert (got.section, got.date_text, got.confidence, got.headline, got.body) == (
        "latest",
        "since December",
        "confirmed",
        "New",
        "Body",
    )
    with pytest.raises(ValueError, match="line 2"):
        parse_entry_text("headline: x\nnot a field\n\nbody", base)


# -- d, u: delete and bring back -----------------------------------------------------


async def test_delete_and_undo(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await open_recap(pilot)
        await cursor_to(pilot, app, "entry:2")
        await pilot.press("d")
        await settle(pilot)
        assert [e[0] for e in live(store)] == [1]
        assert "Fire reaches the ferry terminal" not in pane(app).text
        assert any("u brings it back" in n for n in notices(app))
        await pilot.press("u")
        await settle(pilot)
        assert [e[0] for e in live(store)] == [1, 2]
        assert "Fire reaches the ferry terminal" in pane(app).text


# -- K, J, p: move by hand, and back to date order --------------------------------------


async def test_move_pins_the_entry_and_says_so(app: DeskApp, store: Store) -> None:
    story = store.story_by_slug("harbor-fire")
    assert story is not None
    early = verbs.add_recap_entry(
        store, "bob", story.id, section="timeline", headline="Early", date_text="May 2021"
    )
    late = verbs.add_recap_entry(
        store, "bob", story.id, section="timeline", headline="Late", date_text="June 2024"
    )
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await open_recap(pilot)
        await cursor_to(pilot, app, f"entry:{late}")
        await pilot.press("K")
        await settle(pilot)
        order = [e.id for e in store.recap(story.id, section="timeline")]
        assert order == [late, early]
        assert store.recap_entry(late).pinned
        assert any("pinned" in n for n in notices(app))
        assert f"entry {late} · pinned" in pane(app).text
        line = pane(app).current
        assert line is not None and line.key == f"entry:{late}"  # the cursor went with it
        await pilot.press("J")
        await settle(pilot)
        assert [e.id for e in store.recap(story.id, section="timeline")] == [early, late]
        await pilot.press("p")
        await settle(pilot)
        assert not store.recap_entry(late).pinned
        assert f"entry {late} · pinned" not in pane(app).text


# -- m: another section -----------------------------------------------------------------


async def test_move_to_another_section(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await open_recap(pilot)
        await cursor_to(pilot, app, "entry:2")
        await pilot.press("m")
        await settle(pilot)
        chooser = top(app)
        assert isinstance(chooser, SectionChooser)
        assert "latest" not in chooser.sections
        await pilot.press("down")  # background, timeline, what we know...
        await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert store.recap_entry(2).section == "what we know"


# -- l: sources ---------------------------------------------------------------------------


async def test_attach_the_marked_items_as_sources(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("j", "v", "v")  # marks #39 and #38 (v marks and moves down)
        await settle(pilot)
        await pilot.press("3")
        await cursor_to(pilot, app, "entry:2")
        await pilot.press("l")
        await settle(pilot)
        assert set(store.recap_entry(2).source_item_ids) == {38, 39}
        text = pane(app).text
        assert "src #39 unverified" in text and "src #38 unverified" in text


# -- enter: to the source's item and back ------------------------------------------------------


async def test_jump_to_a_source_and_back(app: DeskApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("j")  # the list's cursor on #39
        await pilot.press("3")
        await settle(pilot)
        await cursor_to(pilot, app, "source:1:40")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.focused, ItemDetail)
        assert app.main.query_one(ItemDetail).text.startswith("#40")
        assert app.main.items.cursor_id == 40
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.focused, RecapPane)
        line = pane(app).current
        assert line is not None and line.key == "entry:1"


async def test_enter_on_an_entry_without_source_says_so(app: DeskApp) -> None:
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await open_recap(pilot)
        await cursor_to(pilot, app, "entry:2")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.focused, RecapPane)
        assert any("has no source yet" in n for n in notices(app))


# -- A: a note on the entry --------------------------------------------------------------------


async def test_note_on_an_entry(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await open_recap(pilot)
        await cursor_to(pilot, app, "entry:1")
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(top(app), NoteEditor)
        await type_text(pilot, "Fire marshal report pending")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [n.text for n in store.entry_notes(1)] == ["Fire marshal report pending"]
        # alice, and the OS account of this test's process when that is another name
        author = who("alice", store.os_user)
        assert f"note by {author}: Fire marshal report pending" in pane(app).text
        await pilot.press("u")  # the note is retracted; the pane follows
        await settle(pilot)
        assert store.entry_notes(1) == []
        assert "Fire marshal report pending" not in pane(app).text


async def test_the_desks_own_section_template(app: DeskApp, store: Store) -> None:
    verbs.set_recap_sections(
        store, "bob", ["background", "timeline", "latest", "what we know", "reactions", "next"]
    )
    verbs.rename_recap_section(store, "bob", "what we know", "confirmed so far")
    async with app.run_test(size=WIDE) as pilot:
        await open_recap(pilot)
        headings = [line.section for line in pane(app).lines if line.entry is None]
        assert headings == [
            "background",
            "timeline",
            "latest",
            "confirmed so far",
            "reactions",
            "next",
        ]
        await cursor_to(pilot, app, "section:next")
        await pilot.press("a")
        await settle(pilot)
        editor = top(app)
        assert isinstance(editor, RecapEntryEditor)
        await pilot.press("enter")  # no date
        await type_text(pilot, "Council meets on Monday")
        await pilot.press("ctrl+s")
        await settle(pilot)
        story = store.story_by_slug("harbor-fire")
        assert story is not None
        assert [e.headline for e in store.recap(story.id, section="next")] == [
            "Council meets on Monday"
        ]


# -- the palette and help ------------------------------------------------------------------------


async def test_recap_keys_run_from_the_palette(app: DeskApp) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await open_recap(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "add an entry")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(top(app), RecapEntryEditor)


async def test_a_section_line_says_what_to_do(app: DeskApp) -> None:
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await open_recap(pilot)
        await cursor_to(pilot, app, "section:timeline")
        await pilot.press("e")
        await settle(pilot)
        assert any("a adds one here" in n for n in notices(app))


# -- the story a desk opens on ------------------------------------------------------------------


async def test_a_desk_opens_on_its_newest_story(desk_path: Path, store: Store) -> None:
    verbs.create_story(store, "bob", "dam-breach", "Dam breach")  # made after harbor-fire
    app = make_app(desk_path, Settings(actor="alice"), clock=lambda: NOW, env=ENV)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.main.query_one(DeskHeader).info.story == "Dam breach"
        assert "Dam breach" in pane(app).text


async def test_a_new_desk_names_its_story_from_the_first_ingest(tmp_path: Path) -> None:
    path = tmp_path / "new.desk"
    Store(path, create=True).close()
    app = make_app(path, Settings(actor="alice"), clock=lambda: NOW, env=ENV)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert app.main.query_one(DeskHeader).info.story is None
        assert "No story on this desk yet" in pane(app).text
        with Store(path) as other:  # a colleague's `desk ingest --story flood`
            story = verbs.create_story(other, "bob", "flood", "River flood")
            verbs.add_item(other, "bob", text="Water over the bridge", story_id=story)
        for _ in range(40):
            await pilot.pause(0.05)
            if app.main.query_one(DeskHeader).info.story:
                break
        await settle(pilot)
        assert app.main.query_one(DeskHeader).info.story == "River flood"
        assert "River flood" in pane(app).text


async def test_help_lists_every_recap_key_with_its_id(app: DeskApp) -> None:
    from desk.tui.help import HelpScreen, help_text
    from widgets.keys import actions

    async with app.run_test(size=WIDE) as pilot:
        await open_recap(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(top(app), HelpScreen)
        text = help_text({}, 156).plain  # what the screen shows at this width
        rows = actions("recap")
        assert {row.id for row in rows} >= {
            "recap.add",
            "recap.edit",
            "recap.edit_external",
            "recap.delete",
            "recap.move_up",
            "recap.move_down",
            "recap.section",
            "recap.attach",
            "recap.jump",
        }
        for row in rows:
            assert row.id in text and row.description in text


async def test_a_burst_of_keys_after_enter_goes_to_the_next_field(app: DeskApp) -> None:
    """A terminal (tmux, a paste, a fast typist) delivers keys in one burst: they are all
    queued to the field focused when they arrive; those behind an enter must still
    land in the next field."""
    from textual import events

    async with app.run_test(size=WIDE) as pilot:
        await open_recap(pilot)
        await pilot.press("a")
        await settle(pilot)
        editor = top(app)
        assert isinstance(editor, RecapEntryEditor)
        date = editor.query_one("#entry-date", Input)
        for key in [*"May", "space", *"2021", "enter", *"Quake", "enter", *"Body"]:
            char = " " if key == "space" else key if len(key) == 1 else None
            date.post_message(events.Key(key, char))
        await settle(pilot)
        assert date.value == "May 2021"
        assert editor.query_one("#entry-headline", Input).value == "Quake"
        assert editor.query_one("#entry-body", TextArea).text == "Body"


async def test_a_burst_that_switches_panes_lands_in_the_new_pane(app: DeskApp) -> None:
    """`1 j v v 3` delivered at once (tmux, a slow SSH link): the marks go to the list."""
    from textual import events

    async with app.run_test(size=WIDE) as pilot:
        await open_recap(pilot)
        for key in ("1", "j", "v", "v", "3"):
            app.post_message(events.Key(key, key))
        await settle(pilot)
        assert app.main.items.marks == {39, 38}
        assert isinstance(app.focused, RecapPane)
