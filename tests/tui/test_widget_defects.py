"""The widget-level defects of issue 8, each as a user meets it.

Pilot drives the app over the fixed desk of `conftest.py` (clock frozen at
2026-11-27 08:00 UTC); each test presses the keys a user would and reads the
screen or the widget's state.
"""

from __future__ import annotations

from textual.pilot import Pilot

from desk.tui.app import DeskApp
from tests.tui.conftest import screen_text, settle
from widgets.item_list import ItemList

SMALL = (80, 24)
WIDE = (160, 48)


def notices(app: DeskApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def type_text(pilot: Pilot[None], text: str) -> None:
    for char in text:
        await pilot.press(char)


# -- 10: a huge number in the filter --------------------------------------------------


async def test_a_huge_since_in_the_filter_is_an_error_and_the_app_runs_on(app: DeskApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("backslash")
        await type_text(pilot, "since:800000d")
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
        assert any("bad since:800000d" in n for n in notices(app))
        assert len(app.main.query_one(ItemList).rows) == 40  # the list is as it was
        await pilot.press("j")
        assert app.main.query_one(ItemList).cursor_id == 39


# -- 9: an unknown filter key -------------------------------------------------------


async def test_an_unknown_filter_key_is_named_on_screen(app: DeskApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("backslash")
        await type_text(pilot, "foo:bar")
        await pilot.press("enter")
        await settle(pilot)
        assert any("unknown filter key 'foo:'" in n and "triage:" in n for n in notices(app))
        assert len(app.main.query_one(ItemList).rows) == 40
