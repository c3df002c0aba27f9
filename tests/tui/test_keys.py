"""Every desk key, pressed as a user would, checked on the desk and on the screen.

Each test drives the app with Pilot, then reads the desk through a second
connection (`store`), as a colleague would: tags written, links made,
notes added, events logged under the user's name.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, TextArea

from db import Store
from desk.tui.app import DeskApp
from desk.tui.help import HelpScreen
from tests.tui.conftest import notices, screen_text, settle, type_text
from widgets.add_item import AddItemPrompt
from widgets.checklist import ChecklistPane
from widgets.item_detail import ItemDetail
from widgets.item_list import ItemList
from widgets.link_picker import LinkPicker
from widgets.note_editor import NoteEditor
from widgets.prompts import FilterPrompt, SearchPrompt, TagPrompt, TriageChooser, VerdictChooser
from widgets.recap import RecapPane

SMALL = (80, 24)
WIDE = (160, 48)


def kinds(store: Store, actor: str = "alice") -> list[str]:
    return [event.kind for event in store.events(actor=actor)]


# -- moving ---------------------------------------------------------------------


async def test_move_keys(app: DeskApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        items = app.main.query_one(ItemList)
        assert items.cursor_id == 40
        await pilot.press("j", "j", "j")
        assert items.cursor_id == 37
        await pilot.press("k")
        assert items.cursor_id == 38
        await pilot.press("G")
        assert items.cursor_id == 1  # the oldest post is at the bottom
        await pilot.press("g")
        assert items.cursor_id == 40
        await pilot.press("ctrl+d")
        half = items.cursor
        assert half >= 5
        await pilot.press("ctrl+u")
        assert items.cursor == 0
        await pilot.press("down", "down")
        await settle(pilot)
        text = screen_text(app)
        cursor_line = next(line for line in text.splitlines() if "> " in line and "Post" in line)
        assert "Post 38" in cursor_line
        # The open item followed the cursor.
        assert "Post 38" in app.main.query_one(ItemDetail).text


async def test_enter_opens_item_in_its_pane(app: DeskApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        detail = app.main.query_one(ItemDetail)
        assert app.focused is detail
        text = screen_text(app)
        assert "[2 Item]" in text  # the tab line says where we are
        assert "Post 39: shelter opened at the school" in text
        assert "corroborates" in text  # its link
        assert "@k.mills" in text
        await pilot.press("escape")
        assert app.focused is app.main.query_one(ItemList)


async def test_panes_1_to_4_and_tab_at_80x24(app: DeskApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        main = app.main
        for key, pane in (("2", ItemDetail), ("3", RecapPane), ("4", ChecklistPane)):
            await pilot.press(key)
            assert isinstance(app.focused, pane)
            assert app.focused.display
            assert not main.query_one(ItemList).display  # one pane at a time at 80x24
        assert "Checklist of #40" in screen_text(app)
        await pilot.press("tab")
        assert isinstance(app.focused, ItemList)
        await pilot.press("tab")
        assert isinstance(app.focused, ItemDetail)
        await pilot.press("shift+tab", "1")
        assert isinstance(app.focused, ItemList)


async def test_wide_layout_shows_every_pane(app: DeskApp) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        main = app.main
        for selector in ("#items", "#detail", "#recap", "#checklist"):
            assert main.query_one(selector).display
        assert not main.query_one("#tabs").display
        await pilot.press("3")
        assert main.query_one("#items").display  # nothing hides when all fit
        text = screen_text(app)
        assert "Warehouse district" in text
        assert "Checklist of #40" in text


# -- search and filter ---------------------------------------------------------------


async def test_search_next_and_previous(app: DeskApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        items = app.main.query_one(ItemList)
        await pilot.press("slash")
        assert isinstance(app.screen, SearchPrompt)
        await type_text(pilot, "ferry")
        await pilot.press("enter")
        await settle(pilot)
        assert items.cursor_id == 38  # newest match below the cursor
        await pilot.press("n")
        await settle(pilot)
        assert items.cursor_id == 32
        await pilot.press("N")
        await settle(pilot)
        assert items.cursor_id == 38
        assert "search ferry" in screen_text(app)
        await pilot.press("G")
        await settle(pilot)
        await pilot.press("n")  # past the oldest match: wraps to the top
        await settle(pilot)
        assert items.cursor_id == 38
        assert any("wrapped" in n for n in notices(app))


async def test_search_not_found(app: DeskApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "zeppelin")
        await pilot.press("enter")
        await settle(pilot)
        assert any("Not found: zeppelin" in n for n in notices(app))
        assert app.main.query_one(ItemList).cursor_id == 40


async def test_filter_save_and_recall(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        items = app.main.query_one(ItemList)
        await pilot.press("backslash")
        assert isinstance(app.screen, FilterPrompt)
        await type_text(pilot, "platform:mastodon airport")
        await pilot.press("tab")
        await type_text(pilot, "mast-airport")
        await pilot.press("enter")
        await settle(pilot)
        assert [row.platform for row in items.rows] == ["mastodon"] * len(items.rows)
        assert all("airport" in row.first_line for row in items.rows)
        assert ("mast-airport", "platform:mastodon airport") in store.saved_filters()
        assert "filter.save" in kinds(store)
        assert "filter platform:mastodon airport" in screen_text(app)
        # Clear, then recall the saved "fires" filter from the list.
        await pilot.press("backslash")
        field = app.screen.query_one("#filter-input", Input)
        field.value = ""
        await pilot.press("enter")
        await settle(pilot)
        assert len(items.rows) == 40  # 41 minus the discarded one
        await pilot.press("backslash")
        saved = app.screen.query_one("#filter-saved", OptionList)
        saved.focus()
        await pilot.pause()
        index = next(
            i for i in range(saved.option_count) if saved.get_option_at_index(i).id == "fires"
        )
        saved.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        assert {row.id for row in items.rows} == {40, 39, 38, 35}


async def test_filter_every_key(app: DeskApp) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        main = app.main
        items = main.query_one(ItemList)
        cases = {
            "tag:casualties": {37},
            "triage:flagged": {36},
            "verdict:false": {32},
            "from:@harbor_fd platform:bluesky": {n for n in range(1, 41) if n % 6 == 2},
            "since:2h": {n for n in range(1, 41) if 17 * (40 - n) + 5 <= 120} - {34},
            "shelter": {n for n in range(1, 41) if n % 6 == 3},
            "triage:discarded": {34},
        }
        for expr, expected in cases.items():
            main.apply_filter(expr)
            await settle(pilot)
            assert {row.id for row in items.rows} == expected, expr


async def test_bad_filter_is_a_notification(app: DeskApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("backslash")
        await type_text(pilot, "triage:maybe")
        await pilot.press("enter")
        await settle(pilot)
        assert any("bad triage:maybe" in n for n in notices(app))
        assert len(app.main.query_one(ItemList).rows) == 40


# -- marks ----------------------------------------------------------------------------


async def test_marks_v_V_and_clear(app: DeskApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        items = app.main.query_one(ItemList)
        await pilot.press("v")  # marks 40, moves to 39
        assert items.marks == {40}
        await pilot.press("j", "j", "V")  # range from 40 to 37
        assert items.marks == {40, 39, 38, 37}
        await settle(pilot)
        text = screen_text(app)
        assert "4 marked" in text
        assert sum(1 for line in text.splitlines() if "*11-27" in line) == 4
        await pilot.press("escape")
        assert items.marks == set()
        await settle(pilot)
        assert "marked" not in screen_text(app)


# -- tag, triage, verdict ----------------------------------------------------------


async def test_tag_one_item_with_completion(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j")  # item 37
        await pilot.press("t")
        await settle(pilot)  # the prompt opens once the desk's tags are read
        assert isinstance(app.screen, TagPrompt)
        await type_text(pilot, "+urgent -casu")
        await pilot.press("tab")  # completes to -casualties
        await settle(pilot)
        assert app.screen.query_one("#tag-input", Input).value == "+urgent -casualties"
        await pilot.press("enter")
        await settle(pilot)
        assert store.tags_of(37) == ("needs-translation", "urgent")
        assert kinds(store) == ["item.tag"]
        row = app.main.query_one(ItemList).cursor_row
        assert row is not None and row.tags == ("needs-translation", "urgent")
        assert "(needs-" in screen_text(app)


async def test_tag_marked_items(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("v", "v", "v", "t")
        await settle(pilot)  # the prompt opens once the desk's tags are read
        await type_text(pilot, "!fire")
        await pilot.press("enter")
        await settle(pilot)
        for item_id in (40, 39, 38):
            assert "fire" not in store.tags_of(item_id)
        assert "fire" in store.tags_of(35)  # not marked, not touched
        event = store.events(actor="alice")[-1]
        assert event.kind == "item.tag"
        assert set(event.payload["changes"]) == {"40", "39", "38"}


async def test_bad_tag_is_an_error_notification(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)  # the prompt opens once the desk's tags are read
        await type_text(pilot, "+[bold]x")
        await pilot.press("enter")
        await settle(pilot)
        assert any("bad tag" in n for n in notices(app))
        assert kinds(store) == []


@pytest.mark.parametrize(("key", "state"), [("k", "kept"), ("f", "flagged"), ("d", "discarded")])
async def test_triage_keys(app: DeskApp, store: Store, key: str, state: str) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("j", "s")
        assert isinstance(app.screen, TriageChooser)
        await pilot.press(key)
        await settle(pilot)
        assert store.item(39).triage == state
        assert kinds(store) == ["item.triage"]
        items = app.main.query_one(ItemList)
        if state == "discarded":  # discarding hides (S shows it again)
            assert 39 not in {row.id for row in items.rows}
            assert items.cursor_id == 38  # the cursor goes on to the next row
        else:
            row = items.rows[1]
            assert row.id == 39 and row.triage == state  # the row on screen was re-read


async def test_show_discarded_toggle(app: DeskApp) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        items = app.main.query_one(ItemList)
        assert 34 not in {row.id for row in items.rows}
        await pilot.press("S")
        await settle(pilot)
        assert 34 in {row.id for row in items.rows}
        assert "+discarded" in screen_text(app)
        await pilot.press("S")
        await settle(pilot)
        assert 34 not in {row.id for row in items.rows}


async def test_verdict(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("r")
        assert isinstance(app.screen, VerdictChooser)
        # The list opens on its first choice whatever the item's verdict, so the same
        # presses mean the same verdict on every item: unverified, in progress,
        # verified, false.
        await pilot.press("down", "down", "down")
        await pilot.press("tab")
        await type_text(pilot, "old photo from 2019")
        await pilot.press("enter")
        await settle(pilot)
        item = store.item(40)
        assert item.verdict == "false"
        assert item.verdict_reason == "old photo from 2019"
        assert kinds(store) == ["item.verdict"]


# -- link, annotate, checklist -------------------------------------------------------


async def test_link_to_marked_items(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("j", "v", "v")  # mark 39 and 38, cursor on 37
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LinkPicker)
        targets = app.screen.query_one("#link-targets", OptionList)
        assert "2 marked items" in str(targets.get_option_at_index(0).prompt)
        targets.focus()
        await pilot.press("enter")  # the marked items
        relations = app.screen.query_one("#link-relations", OptionList)
        assert relations.display
        index = next(
            i
            for i in range(relations.option_count)
            if relations.get_option_at_index(i).id == "same-event"
        )
        relations.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        made = [(k.src_id, k.relation, k.dst_item_id) for k in store.links_of(37)]
        assert sorted(made) == [(37, "same-event", 38), (37, "same-event", 39)]
        assert kinds(store) == ["link.add", "link.add"]


async def test_link_by_id_and_to_recap_entry(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j", "l")  # item 37
        await settle(pilot)
        await type_text(pilot, "#12")
        await pilot.pause(0.3)
        await settle(pilot)
        targets = app.screen.query_one("#link-targets", OptionList)
        assert "#12" in str(targets.get_option_at_index(0).prompt)
        await pilot.press("enter", "enter")  # to the list, choose #12
        await pilot.press("down", "enter")  # duplicate-of -> corroborates
        await settle(pilot)
        assert [(k.relation, k.dst_item_id) for k in store.links_of(37)] == [("corroborates", 12)]
        # Now to a recap entry, found by words.
        await pilot.press("l")
        await settle(pilot)
        await type_text(pilot, "ferry terminal")
        await pilot.pause(0.3)
        await settle(pilot)
        targets = app.screen.query_one("#link-targets", OptionList)
        assert "Fire reaches the ferry terminal" in str(targets.get_option_at_index(0).prompt)
        await pilot.press("enter", "enter")
        relations = app.screen.query_one("#link-relations", OptionList)
        assert relations.option_count == 1  # only source-for fits an entry
        await pilot.press("enter")
        await settle(pilot)
        entry_links = [k for k in store.links_of(37) if k.dst_entry_id is not None]
        assert [k.relation for k in entry_links] == ["source-for"]
        assert "Fire reaches the ferry terminal" in app.main.query_one(ItemDetail).text


async def test_link_picker_escape_goes_back_then_cancels(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        app.screen.query_one("#link-targets", OptionList).focus()
        await pilot.press("enter")
        assert app.screen.query_one("#link-relations", OptionList).display
        await pilot.press("escape")
        assert isinstance(app.screen, LinkPicker)
        await pilot.press("escape")
        assert not isinstance(app.screen, LinkPicker)
        assert kinds(store) == []


async def test_annotate_in_app(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("j", "a")
        assert isinstance(app.screen, NoteEditor)
        await type_text(pilot, "Seen from the ferry too.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [n.text for n in store.notes_of(39)] == ["Seen from the ferry too."]
        assert kinds(store) == ["note.add"]
        assert "Seen from the ferry too." in app.main.query_one(ItemDetail).text


async def test_edit_note_in_editor(
    app: DeskApp, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = tmp_path / "fake-editor"
    editor.write_text("#!/bin/sh\nprintf 'Written in the editor\\n' > \"$1\"\n")
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    from contextlib import nullcontext

    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app, "suspend", nullcontext)  # headless cannot hand over the tty
        await pilot.press("e")
        await settle(pilot)
        assert [n.text for n in store.notes_of(40)][-1] == "Written in the editor"


async def test_edit_note_falls_back_when_suspend_is_not_possible(
    app: DeskApp, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", "true")
    async with app.run_test(size=SMALL) as pilot:  # the headless driver cannot suspend
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, NoteEditor)
        assert "cannot hand over" in screen_text(app)
        app.screen.query_one(TextArea).insert("typed instead")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert store.notes_of(40)[-1].text == "typed instead"


async def test_checklist_key(app: DeskApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.focused, ChecklistPane)
        text = screen_text(app)
        assert "Checklist of #40 · Five pillars" in text
        assert "1 passed · 4 open" in text  # never "1/5 done": open is not checked
        assert "[passed ] Provenance" in text
        assert "original upload" in text


# -- undo, URL, add -------------------------------------------------------------------


async def test_undo_my_last_action(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)  # the prompt opens once the desk's tags are read
        await type_text(pilot, "+oops")
        await pilot.press("enter")
        await settle(pilot)
        assert "oops" in store.tags_of(40)
        await pilot.press("u")
        await settle(pilot)
        assert "oops" not in store.tags_of(40)
        assert kinds(store) == ["item.tag", "undo"]
        assert any("Undid item.tag" in n for n in notices(app))
        await pilot.press("u")  # bob's work is not mine to undo
        await settle(pilot)
        assert any("nothing to undo for alice" in n for n in notices(app))
        assert store.tags_of(40) == ("fire",)


async def test_copy_url_and_show_url(app: DeskApp) -> None:
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await settle(pilot)
        written: list[str] = []
        assert app._driver is not None
        monkey = app._driver.write
        app._driver.write = lambda data: (written.append(data), monkey(data))[1]  # type: ignore[method-assign]
        await pilot.press("y")
        await settle(pilot)
        assert app.clipboard == "https://example.social/citydesk/40"
        assert any("\x1b]52;c;" in data for data in written)
        assert "https://example.social/citydesk/40" in screen_text(app)
        await pilot.press("j", "o")
        await settle(pilot)
        assert "URL of #39" in screen_text(app)


async def test_add_typed_item(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("i")
        assert isinstance(app.screen, AddItemPrompt)
        app.screen.query_one("#add-text", TextArea).insert(
            "Ferry captain says all passengers are off"
        )
        app.screen.query_one("#add-url", Input).value = "https://example.social/captain/1"
        await pilot.press("ctrl+s")
        await settle(pilot)
        items = app.main.query_one(ItemList)
        new = store.find_item(None, None, "https://example.social/captain/1")
        assert new is not None
        assert "item.add" in kinds(store)
        assert items.rows[0].id == new  # newest, on top
        assert "Ferry captain says" in screen_text(app)


async def test_add_pasted_post_goes_through_ingest(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("i")
        app.screen.query_one("#add-text", TextArea).insert("Smoke seen from the north pier")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert any("1 new" in n for n in notices(app))
        assert "Smoke seen from the north pier" in screen_text(app)


async def test_add_file_is_ingested(app: DeskApp, store: Store, tmp_path: Path) -> None:
    paste = tmp_path / "notes.txt"
    paste.write_text("Water main burst on Dock Road, firefighters short of pressure\n")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("i")
        app.screen.query_one("#add-path", Input).value = str(paste)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert any("notes.txt: 1 new" in n for n in notices(app))
        assert "Water main burst" in screen_text(app)
        assert any(e.kind.startswith("ingest") for e in store.events(actor="alice"))


async def test_add_missing_file_is_an_error(app: DeskApp, tmp_path: Path) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("i")
        app.screen.query_one("#add-path", Input).value = str(tmp_path / "nope.json")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert any("no such file" in n for n in notices(app))


# -- palette, help, quit --------------------------------------------------------------


async def test_palette_lists_and_runs_desk_actions(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "Triage: Flag")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert store.item(40).triage == "flagged"
        await pilot.press("ctrl+p")
        await type_text(pilot, "Filter: fires")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert {row.id for row in app.main.query_one(ItemList).rows} == {40, 39, 38, 35}


async def test_palette_offers_every_bound_action(app: DeskApp) -> None:
    from textual.binding import Binding

    from desk.tui.commands import DeskCommands
    from desk.tui.main import MainScreen
    from widgets.keys import BY_ID

    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        provider = DeskCommands(app.screen)
        titles = [title for title, _, _ in provider._commands()]
        for binding in MainScreen.BINDINGS + ItemList.BINDINGS:
            assert isinstance(binding, Binding) and binding.id is not None
            if BY_ID[binding.id].palette:  # keys that make sense only as keys are not offered
                assert binding.description in titles


async def test_help_lists_every_key(app: DeskApp) -> None:
    from desk.tui.app import known_binding_ids

    async with app.run_test(size=(100, 60)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        body = app.screen.query_one("#help-body")
        text = "\n".join(
            "".join(s.text for s in strip) for strip in app.screen._compositor.render_strips()
        )
        from desk.tui.help import help_text

        full = help_text(app.keymap).plain
        for binding_id in known_binding_ids():
            assert binding_id in full, binding_id
        assert "Keys of the desk" in text
        assert body is not None
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_q_quits(app: DeskApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


# -- keymap, live refresh, errors ------------------------------------------------------


async def test_keymap_from_settings_remaps(desk_path: Path) -> None:
    from desk.settings import Settings
    from desk.tui.app import make_app
    from tests.tui.conftest import ENV, NOW

    settings = Settings(actor="alice", keymap={"desk.tag": "T", "desk.down": "ctrl+n"})
    app = make_app(desk_path, settings, clock=lambda: NOW, env=ENV)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        assert app.main.items.cursor_id == 39
        await pilot.press("t")
        await settle(pilot)  # the prompt opens once the desk's tags are read
        assert not isinstance(app.screen, TagPrompt)
        await pilot.press("T")
        await settle(pilot)  # the prompt opens once the desk's tags are read
        assert isinstance(app.screen, TagPrompt)


async def test_live_refresh_keeps_the_cursor_row(app: DeskApp, store: Store) -> None:
    from desk import verbs

    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        items = app.main.query_one(ItemList)
        await pilot.press("j", "j")
        assert items.cursor_id == 38
        line_before = items.cursor - int(items.scroll_offset.y)
        # A colleague, in another process, adds two posts and tags one of ours.
        added = verbs.add_item(store, "bob", text="Second alarm called at the warehouse")
        verbs.add_item(store, "bob", text="Third alarm now")
        verbs.tag(store, "bob", [38], ["+seen-by-bob"])
        await pilot.pause(0.6)
        await settle(pilot)
        assert items.rows[0].id == added.id + 1 and items.rows[1].id == added.id
        assert items.cursor_id == 38  # same row under the cursor
        assert items.cursor - int(items.scroll_offset.y) == line_before  # and the same screen line
        assert "seen-by-bob" in items.cursor_row.tags  # type: ignore[union-attr]
        text = screen_text(app)
        assert "2 new above" in text
        assert "43 items" in text


async def test_paging_beyond_the_first_page(tmp_path: Path) -> None:
    from tests.tui.conftest import rss_desk

    app = rss_desk(tmp_path / "big.desk", 1000)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        items = app.main.query_one(ItemList)
        # a screenful first, then pages as the cursor nears the edge: never the desk
        assert 64 <= len(items.rows) <= 400 and items.more_below
        seen = []
        for step in range(450):
            items.action_cursor_down()  # what j does, without Pilot's idle wait per key
            seen.append(items.cursor_id)
            if step % 50 == 0:
                await settle(pilot, rounds=1)
        assert len(set(seen)) == 450  # no row twice, none skipped
        assert seen == list(range(999, 549, -1))
        await pilot.press("ctrl+d", "ctrl+d", "j")
        assert items.cursor > 450
        await pilot.press("G")
        await settle(pilot)
        assert items.cursor_row is not None and items.cursor_row.first_line == "entry 1"
        assert not items.more_below and items.more_above
        await pilot.press("k")
        await pilot.press("g")
        await settle(pilot)
        assert items.cursor_row is not None and items.cursor_row.first_line == "entry 1000"


# -- the key table: footer, palette, help, keymap checks ----------------------------


def footer_keys(app: DeskApp) -> list[tuple[str, str]]:
    from widgets.footer import DeskFooter

    footer = app.screen.query_one(DeskFooter)
    return [(str(w.key_display), str(w.description)) for w in footer.children]  # type: ignore[attr-defined]


async def test_remapped_key_keeps_its_place_in_the_footer(desk_path: Path) -> None:
    from desk.settings import Settings
    from desk.tui.app import make_app
    from tests.tui.conftest import ENV, NOW

    app = make_app(desk_path, Settings(actor="alice", keymap={"desk.tag": "T"}), env=ENV)
    app.clock = lambda: NOW
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        shown = footer_keys(app)
        assert ("T", "tag") in shown  # at 80 columns, under its new key
        assert ("t", "tag") not in shown
        tag_at = shown.index(("T", "tag"))
        assert [d for _, d in shown[: tag_at + 1]] == ["open", "mark", "help", "tag"]
        await pilot.press("question_mark")
        await settle(pilot)
        assert "  T " in screen_text(app) or any(
            line.strip().startswith("T ") and "tag" in line
            for line in screen_text(app).splitlines()
        )


async def test_keymap_with_one_key_for_two_actions_is_reported(desk_path: Path) -> None:
    from desk.settings import Settings
    from desk.tui.app import make_app
    from tests.tui.conftest import ENV

    app = make_app(desk_path, Settings(actor="alice", keymap={"desk.tag": "s"}), env=ENV)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        problems = [n for n in notices(app) if "bound to both" in n]
        assert len(problems) == 1
        assert problems[0].startswith("[keymap]: 's' is bound to both desk.")
        assert "desk.tag" in problems[0] and "desk.triage" in problems[0]
        assert "anywhere on the desk" in problems[0]


async def test_palette_shows_keys_as_typed(app: DeskApp) -> None:
    from textual.command import CommandPalette
    from textual.content import Content

    from desk.tui.commands import DeskCommands, markup_safe

    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        provider = DeskCommands(app.screen)
        helps = {title: help_text for title, help_text, _ in provider._commands()}
        assert helps["filter"] == "key \\"
        assert helps["find"] == "key /"
        assert helps["half page down"] == "key ctrl+d pgdn"
        assert Content.from_markup(markup_safe("key \\")).plain == "key \\"
        assert Content.from_markup(markup_safe("[b]x[/b] \\")).plain == "[b]x[/b] \\"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "filter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, CommandPalette)
        text = screen_text(app)
        assert "key \\" in text and "key \\\\" not in text


async def test_palette_follows_the_table(app: DeskApp) -> None:
    from desk.tui.commands import DeskCommands
    from widgets.keys import KEYS

    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        titles = [title for title, _, _ in DeskCommands(app.screen)._commands()]
        offered = [k for k in KEYS if k.palette and k.context in ("list", "desk", "app")]
        assert [k.description for k in offered] == titles[: len(offered)]
        for row in KEYS:
            if not row.palette:
                assert row.description not in titles or any(
                    k.palette and k.description == row.description for k in KEYS
                ), row.id


async def test_help_at_80_columns_keeps_its_columns_apart(app: DeskApp) -> None:
    from desk.tui.help import help_text

    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        body = app.screen.query_one("#help-body")
        width = body.content_region.width
        for line in help_text(app.keymap, width).plain.splitlines():
            assert len(line) <= width, line
        # each id stands alone, two spaces at least from the words before it
        text = help_text(app.keymap, width).plain
        assert re.search(r"half page down {2,}desk\.half_down\n", text)
        assert re.search(r"scroll down {2,}item\.down\n", text)
        assert "desk.half_down" in screen_text(app) or "desk.open" in screen_text(app)


async def test_help_G_and_g(app: DeskApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        body = app.screen.query_one("#help-body")
        assert body.scroll_y == 0
        await pilot.press("G")
        await settle(pilot)
        assert body.scroll_y > 0 and body.scroll_y == body.max_scroll_y
        assert "Filter words" in screen_text(app)
        await pilot.press("g")
        await settle(pilot)
        assert body.scroll_y == 0
        await pilot.press("j", "j")
        await settle(pilot)
        assert body.scroll_y == 2


# -- defects: header, counts, hidden discarded items, notifications, $EDITOR ------------


def header_text(app: DeskApp) -> str:
    return screen_text(app).splitlines()[0]


async def test_header_at_80_columns_keeps_filter_count_and_marks(app: DeskApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert "40 listed" in header_text(app)  # exact: from the store's counters
        app.main.apply_filter("platform:mastodon fire trucks")
        await settle(pilot)
        await pilot.press("v", "v")
        await settle(pilot)
        header = header_text(app)
        assert "filter platform:mastodon fire trucks" in header
        assert "7 listed" in header  # the whole list is loaded: an exact count
        assert "2 marked" in header
        assert "user alice" in header


async def test_count_of_a_long_filtered_list_is_a_lower_bound(tmp_path: Path) -> None:
    from tests.tui.conftest import rss_desk

    app = rss_desk(tmp_path / "big.desk", 300)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert "300 listed" in header_text(app)
        app.main.apply_filter("entry")
        await settle(pilot)
        items = app.main.query_one(ItemList)
        listed = f"{len(items.rows)}+ listed"
        assert items.more_below and listed in header_text(app)  # no count(*) over the filter
        for step in range(300):
            items.action_cursor_down()  # what j does, without Pilot's idle wait per key
            if step % 50 == 0:
                await settle(pilot, rounds=1)
        await settle(pilot)
        assert not items.more_below and not items.more_above
        assert "300 listed" in header_text(app)  # the list is exhausted: exact


async def test_filter_matching_only_discarded_items_says_so(app: DeskApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.main.apply_filter("id:34")
        await settle(pilot)
        text = screen_text(app)
        assert "No items match the filter" in text
        assert "S shows them" in text
        assert "0 listed" in header_text(app)
        await pilot.press("S")
        await settle(pilot)
        assert [row.id for row in app.main.query_one(ItemList).rows] == [34]
        app.main.apply_filter("id:33")
        await pilot.press("S")  # hide discarded again: 33 is kept, so it still shows
        await settle(pilot)
        app.main.apply_filter("zeppelin")
        await settle(pilot)
        text = screen_text(app)
        assert "No items match the filter" in text and "S shows" not in text


async def test_discarding_hides_and_S_brings_back(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        items = app.main.query_one(ItemList)
        await pilot.press("v", "v", "s", "d")  # 40 and 39
        await settle(pilot)
        assert store.item(40).triage == store.item(39).triage == "discarded"
        ids = {row.id for row in items.rows}
        assert not ids & {40, 39}
        assert "D" not in {row.triage[:1].upper() for row in items.rows if row.triage != "new"}
        await pilot.press("S")  # once: they show again
        await settle(pilot)
        assert {40, 39} <= {row.id for row in items.rows}
        await pilot.press("S")
        await settle(pilot)
        assert not {row.id for row in items.rows} & {40, 39, 34}


async def test_notifications_leave_the_list_frame_whole(app: DeskApp) -> None:
    from textual.widgets._toast import Toast

    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("y", "o")
        await settle(pilot)
        items = app.main.query_one(ItemList)
        toasts = list(app.screen.query(Toast))
        assert toasts
        for toast in toasts:
            assert toast.region.right <= items.region.right - 1  # the right border shows
            assert toast.region.bottom <= items.region.bottom - 1  # and the bottom one
        lines = screen_text(app).splitlines()
        frame = [line for line in lines[4:-2]]
        assert all(line.rstrip().endswith("║") for line in frame)


async def test_editor_file_has_the_item_on_top_stripped_on_save(
    app: DeskApp, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = tmp_path / "seen.txt"
    editor = tmp_path / "fake-editor"
    editor.write_text(f'#!/bin/sh\ncp "$1" {seen}\nprintf \'Confirmed by phone\\n\' >> "$1"\n')
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    from contextlib import nullcontext

    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app, "suspend", nullcontext)  # headless cannot hand over the tty
        await pilot.press("j", "enter", "1")  # item 39, open
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        header = seen.read_text()
        assert header.startswith("# Note on #39 by @k.mills")
        assert "# > Post 39: shelter opened at the school" in header
        assert "# > second line of the post" in header
        assert [n.text for n in store.notes_of(39)] == ["Confirmed by phone"]


def test_editor_header_is_stripped_exactly() -> None:
    from desk.tui.editor import note_header, strip_header

    header = note_header(7, "@ana", "first\nsecond\nthird\nfourth")
    assert "fourth" not in header
    assert strip_header(header + "#hashtag first\nmore\n", header) == "#hashtag first\nmore"
    assert strip_header("no header at all\n", header) == "no header at all"
    assert strip_header(header, header) == ""


async def test_footer_keeps_the_list_keys_after_a_filter(app: DeskApp) -> None:
    """The list's keys stay in the footer through a reload (the list once set Textual's
    own `loading`, which took its bindings out of the footer until the next refresh)."""
    from textual.widgets import LoadingIndicator

    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("backslash")
        await type_text(pilot, "fire")
        await pilot.press("enter")
        await settle(pilot)
        assert not app.main.query(LoadingIndicator)
        assert [d for _, d in footer_keys(app)][:3] == ["open", "mark", "help"]
