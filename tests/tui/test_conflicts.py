"""Two people on one item at once, in the app (issue 11): a verdict or triage a colleague
set while I was choosing is shown to me, with who and when, and I choose (keep theirs /
use mine); nothing is overwritten silently. And `u` never undoes a colleague's later change.
"""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input

from db import Store
from desk import verbs
from desk.tui.app import DeskApp
from tests.tui.conftest import notices, screen_text, settle, top, type_text
from widgets.conflict_choice import ConflictChoice
from widgets.prompts import TriageChooser, VerdictChooser
from widgets.recap import RecapPane
from widgets.recap_editor import RecapEntryEditor

SMALL = (80, 24)


def kinds(store: Store, actor: str) -> list[str]:
    return [e.kind for e in store.events(actor=actor)]


async def test_a_verdict_set_meanwhile_asks_and_use_mine_sets_it(
    app: DeskApp, store: Store
) -> None:
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(top(app), VerdictChooser)
        verbs.set_verdict(store, "bob", [40], "false", reason="old photo")  # while alice chooses
        await pilot.press("m", "enter")  # misleading
        await settle(pilot)
        chooser = top(app)
        assert isinstance(chooser, ConflictChoice)
        shown = screen_text(app)
        assert "bob set the verdict of #40 meanwhile" in shown
        assert "#40: bob set verdict 'false' at 08:05 UTC" in shown
        assert "Keep theirs: false" in shown and "Use mine: misleading" in shown
        assert store.item(40).verdict == "false"  # nothing written yet
        await pilot.press("down", "enter")  # use mine
        await settle(pilot)
        assert not isinstance(top(app), ConflictChoice)
        assert store.item(40).verdict == "misleading"
        assert kinds(store, "alice") == ["item.verdict"]
        change = store.events(actor="alice")[0].payload["changes"]["40"]
        assert change["from"] == "false"  # the event records bob's value as what it replaced
        await pilot.press("u")  # undo keeps working for both
        await settle(pilot)
        assert store.item(40).verdict == "false"
        verbs.undo(store, "bob")
        assert store.item(40).verdict == "in progress"


async def test_keep_theirs_writes_nothing_and_says_so(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(top(app), TriageChooser)
        verbs.set_triage(store, "bob", [40], "kept")
        before = store.last_seq()
        await pilot.press("d")  # discard
        await settle(pilot)
        assert isinstance(top(app), ConflictChoice)
        assert "bob set triage 'kept'" in screen_text(app)
        await pilot.press("enter")  # the first choice: keep theirs
        await settle(pilot)
        assert not isinstance(top(app), ConflictChoice)
        assert store.item(40).triage == "kept" and store.last_seq() == before
        assert any("Kept bob's triage; nothing changed." in n for n in notices(app))


async def test_escape_in_the_chooser_writes_nothing(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("v", "j", "v")  # two items marked: #40 and the one below
        await pilot.press("s")
        await settle(pilot)
        verbs.set_triage(store, "bob", [40], "flagged")
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(top(app), ConflictChoice)
        assert "Keep theirs: flagged (mine on the other 1 item)" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert store.item(40).triage == "flagged" and kinds(store, "alice") == []


async def test_keep_theirs_on_marked_items_sets_mine_on_the_others(
    app: DeskApp, store: Store
) -> None:
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("v", "j", "v")
        ids = app.main.items.target_ids
        assert len(ids) == 2 and 40 in ids
        (other,) = [i for i in ids if i != 40]
        await pilot.press("r")
        await settle(pilot)
        verbs.set_verdict(store, "bob", [40], "false")
        await pilot.press("m", "enter")
        await settle(pilot)
        assert isinstance(top(app), ConflictChoice)
        await pilot.press("enter")  # keep theirs on #40
        await settle(pilot)
        assert store.item(40).verdict == "false" and store.item(other).verdict == "misleading"


async def test_a_value_already_on_screen_is_no_conflict(app: DeskApp, store: Store) -> None:
    """A colleague's change that reached my screen before I chose is what I decided on."""
    verbs.set_triage(store, "bob", [40], "flagged")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("s", "k")
        await settle(pilot)
        assert not isinstance(top(app), ConflictChoice)
        assert store.item(40).triage == "kept"


async def test_a_markup_looking_colleague_is_shown_as_text(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        verbs.set_triage(store, "[bold]bob[/bold]", [40], "flagged")
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(top(app), ConflictChoice)
        assert "[bold]bob[/bold] set triage 'flagged'" in screen_text(app)


async def test_u_leaves_a_colleagues_later_change_then_goes_on(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("s", "k")  # my earlier action: keep #40
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await type_text(pilot, "+urgent")
        await pilot.press("enter")
        await settle(pilot)
        verbs.tag(store, "bob", [40], ["-urgent"])
        verbs.tag(store, "bob", [40], ["+urgent"])
        await pilot.press("u")
        await settle(pilot)
        assert "urgent" in store.tags_of(40)  # bob's stands
        said = notices(app)[-1]
        assert "cannot undo your item.tag" in said and "bob added tag urgent" in said
        await pilot.press("u")  # not the same error again: my keep is undone
        await settle(pilot)
        assert store.item(40).triage == "new" and "urgent" in store.tags_of(40)
        assert "Undid item.triage" in notices(app)[-1]
        assert "Left alone: your item.tag" in notices(app)[-1]
        assert kinds(store, "alice") == ["item.triage", "item.tag", "undo.refused", "undo"]


# -- a recap entry edited by two people at once -------------------------------------------


async def _edit_entry_meanwhile(pilot: Pilot[None], app: DeskApp, store: Store) -> None:
    """Alice opens entry 1 in the editor; carol saves a new headline; alice saves hers."""
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)
    pane = app.main.query_one(RecapPane)
    await pilot.press("g")
    while pane.current is None or pane.current.key != "entry:1":
        await pilot.press("j")
    await pilot.press("e")
    await settle(pilot)
    entry = store.recap_entry(1)
    verbs.edit_recap_entry(store, "carol", 1, entry.version, headline="Carol's headline")
    editor = top(app)
    assert isinstance(editor, RecapEntryEditor)
    editor.query_one("#entry-headline", Input).value = "Alice's headline"
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_an_entry_edited_meanwhile_shows_both_and_use_mine_saves(
    app: DeskApp, store: Store
) -> None:
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await _edit_entry_meanwhile(pilot, app, store)
        assert isinstance(top(app), ConflictChoice)
        shown = screen_text(app)
        assert "carol edited recap entry 1 meanwhile" in shown
        assert 'headline: theirs "Carol\'s headline", yours "Alice\'s headline"' in shown
        assert store.recap_entry(1).headline == "Carol's headline"
        await pilot.press("down", "enter")  # use mine
        await settle(pilot)
        assert store.recap_entry(1).headline == "Alice's headline"
        await pilot.press("u")  # alice's undo puts carol's back
        await settle(pilot)
        assert store.recap_entry(1).headline == "Carol's headline"


async def test_an_entry_edited_meanwhile_keep_theirs_saves_nothing(
    app: DeskApp, store: Store
) -> None:
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await _edit_entry_meanwhile(pilot, app, store)
        before = store.last_seq()
        await pilot.press("enter")  # keep theirs
        await settle(pilot)
        assert store.recap_entry(1).headline == "Carol's headline"
        assert store.last_seq() == before
        assert any("Kept carol's recap entry 1" in n for n in notices(app))
