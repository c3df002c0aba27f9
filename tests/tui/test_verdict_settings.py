"""Issue 10 in the app: the desk's own verdicts (`desk verdicts`) in the chooser, the list,
the counts, the recap and the help, live when a colleague changes them."""

from __future__ import annotations

from textual.pilot import Pilot

from db import Store
from desk import verbs
from desk.tui.app import DeskApp
from desk.tui.help import HelpScreen, help_text
from tests.tui.conftest import screen_text, settle, top, type_text
from widgets.prompts import OverridePrompt, VerdictChooser
from widgets.recap import RecapPane
from widgets.stats import StatsBar

SMALL = (80, 24)
WIDE = (160, 40)


def _own_verdicts(store: Store) -> None:
    verbs.add_verdict(store, "ed", "satire", "misleading", letter="S", key="s")
    verbs.rename_verdict(store, "ed", "misleading", "missing context")


async def _until(pilot: Pilot[None], done: object, tries: int = 60) -> None:
    for _ in range(tries):
        await pilot.pause(0.05)
        if callable(done) and done():
            return
    raise AssertionError("the app did not catch up")


def _row_of(app: DeskApp, item_id: int) -> str:
    """The list's line of an item, as the screen shows it."""
    (line,) = [ln for ln in screen_text(app).splitlines() if f"Post {item_id}:" in ln]
    return line


async def test_the_chooser_offers_the_desks_verdicts_and_their_keys_pick(
    app: DeskApp, store: Store
) -> None:
    _own_verdicts(store)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(top(app), VerdictChooser)
        shown = screen_text(app)
        assert "s  satire" in shown and "m  missing context" in shown
        await pilot.press("s")  # the added verdict's key
        await type_text(pilot, "a known parody account")
        await pilot.press("enter")
        await settle(pilot)
        item = store.item(40)
        assert (item.verdict, item.verdict_reason) == ("satire", "a known parody account")
        letters = f"{item.triage[0].upper()}S "  # triage, then the verdict's own letter
        await _until(pilot, lambda: letters in _row_of(app, 40))


async def test_a_renamed_verdict_shows_by_its_label_in_counts_recap_and_help(
    app: DeskApp, store: Store
) -> None:
    _own_verdicts(store)
    verbs.set_verdict(store, "vic", [40], "misleading")
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert "missing context 1" in app.main.query_one(StatsBar).text
        assert "misleading" not in app.main.query_one(StatsBar).text
        assert "M missing context" in help_text({}, 150, app.main.verdicts).plain
        assert "s satire" in help_text({}, 150, app.main.verdicts).plain
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(top(app), HelpScreen)
        help_screen = top(app)
        assert isinstance(help_screen, HelpScreen)
        assert help_screen.verdicts.label("misleading") == "missing context"
        recap = app.main.query_one(RecapPane)
        assert recap.verdicts.label("misleading") == "missing context"


async def test_a_verdict_a_colleague_adds_reaches_the_open_app(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert "hoax" not in app.main.verdicts.names
        verbs.add_verdict(store, "ed", "hoax", "false", key="h")  # another user, same desk
        await _until(pilot, lambda: "hoax" in app.main.verdicts.names)
        await pilot.press("r")
        await settle(pilot)
        assert "h  hoax" in screen_text(app)
        await pilot.press("h", "enter")
        await settle(pilot)
        assert store.item(40).verdict == "hoax"


async def test_an_added_verdict_like_verified_asks_for_the_override(
    app: DeskApp, store: Store
) -> None:
    verbs.add_verdict(store, "ed", "confirmed", "verified", key="c")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("c", "enter")
        await settle(pilot)
        assert isinstance(top(app), OverridePrompt)
        assert store.item(40).verdict != "confirmed"


async def test_a_verdicts_key_typed_in_the_reason_is_text(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("f")
        await type_text(pilot, "mvp")  # keys of misleading, verified, in progress: text here
        await pilot.press("enter")
        await settle(pilot)
        item = store.item(40)
        assert (item.verdict, item.verdict_reason) == ("false", "mvp")
