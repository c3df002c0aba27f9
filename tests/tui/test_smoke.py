"""First steps: the app starts on the fixture desk, and j/k/enter work."""

from __future__ import annotations

from db import Store
from desk.tui.app import DeskApp
from tests.tui.conftest import screen_text, settle
from widgets.item_detail import ItemDetail
from widgets.item_list import ItemList


async def test_start_shows_header_rows_and_counts(app: DeskApp) -> None:
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        print(text)
        assert "harbor.desk" in text
        assert "Harbor fire" in text
        assert "alice" in text
        items = app.main.items
        assert items.rows[0].id == 40
        assert "Post 40" in text
        assert "41 items" in text


async def test_j_k_enter(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        items = app.main.query_one(ItemList)
        await pilot.press("j", "j", "k")
        await settle(pilot)
        assert items.cursor == 1
        assert items.cursor_id == 39
        await pilot.press("enter")
        await settle(pilot)
        detail = app.main.query_one(ItemDetail)
        assert app.focused is detail
        assert "Post 39" in detail.text
        assert "Post 39" in screen_text(app)
