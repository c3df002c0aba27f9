"""Issue 11: a conflicting verdict between two people on one desk file, as they would meet it.

Two apps (each its own `Store`, its own connection) and a CLI writer in its
own process: the second setter is shown the first one's value and who set
it, and nothing is lost whichever they choose.
"""

from __future__ import annotations

from pathlib import Path

from db import Store
from tests.tui.conftest import screen_text, settle, top
from tests.tui.test_live import SIZE, app_for, desk_cli, until
from widgets.conflict_choice import ConflictChoice
from widgets.prompts import VerdictChooser


async def test_two_apps_setting_one_verdict_the_second_is_asked_not_overwritten(
    desk_path: Path,
) -> None:
    alice, bob = app_for(desk_path, "alice"), app_for(desk_path, "bob")
    async with alice.run_test(size=SIZE) as a, bob.run_test(size=SIZE) as b:
        await settle(a)
        await settle(b)
        assert alice.main.items.cursor_id == bob.main.items.cursor_id == 40
        await a.press("r")  # alice opens the chooser on #40: what she sees is her base
        await settle(a)
        assert isinstance(top(alice), VerdictChooser)
        await b.press("r")
        await settle(b)
        await b.press("f")  # bob: false, with a reason, and enter
        for char in "old photo":
            await b.press("space" if char == " " else char)
        await b.press("enter")
        with Store(desk_path) as look:
            await until(b, "bob's verdict written", lambda: look.item(40).verdict == "false")
        await a.press("m", "enter")  # alice chose misleading, not knowing
        await until(a, "alice is asked", lambda: isinstance(top(alice), ConflictChoice))
        shown = screen_text(alice)
        assert "#40: bob set verdict 'false'" in shown
        assert "Keep theirs: false" in shown and "Use mine: misleading" in shown
        with Store(desk_path) as look:
            assert look.item(40).verdict == "false"  # nothing overwritten while she decides
        await a.press("enter")  # keep theirs
        await settle(a)
        with Store(desk_path) as look:
            item = look.item(40)
            assert (item.verdict, item.verdict_reason) == ("false", "old photo")
            assert [e.kind for e in look.events(actor="alice")] == []
        await until(
            b, "bob still sees his verdict", lambda: bob.main.items.cursor_row.verdict == "false"
        )  # type: ignore[union-attr]


async def test_a_cli_writer_in_another_process_meets_the_same_question(desk_path: Path) -> None:
    app = app_for(desk_path, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await desk_cli(desk_path, "carol", "verdict", "40", "unverifiable", "--reason", "no EXIF")
        await pilot.press("v", "enter")  # verified (the gate asks for an override after this)
        await until(pilot, "alice is asked", lambda: isinstance(top(app), ConflictChoice))
        assert "#40: carol set verdict 'unverifiable'" in screen_text(app)
        await pilot.press("down", "enter")  # use mine: set again, based on carol's value
        await settle(pilot)
        with Store(desk_path) as look:
            # verified is still gated: mine goes on to the override prompt, nothing lost
            assert look.item(40).verdict == "unverifiable"
        assert type(top(app)).__name__ == "OverridePrompt"
