"""Hostile post text reaches the screen as harmless, visible text.

The fixture's item 41 was written straight into the desk, bypassing the
cleaning the verbs do (as an old or buggy writer might): its text, author
and URL hold ANSI colour codes, an OSC 52 clipboard write, a screen clear,
Rich markup (`[bold red]`, `[link=...]`) and a bidi override. None of it
may act: no escape byte reaches the terminal, no markup becomes a style or
a link, the bidi override is gone; the markup is shown as the literal
characters the poster typed.
"""

from __future__ import annotations

from desk.tui.app import DeskApp
from tests.tui.conftest import screen_text, settle
from widgets.item_detail import ItemDetail
from widgets.item_list import ItemList

VISIBLE = "[bold red]markup[/] and [link=http://x]click[/link]"


def all_segments(app: DeskApp) -> list:  # type: ignore[type-arg]
    return [segment for strip in app.screen._compositor.render_strips() for segment in strip]


def assert_harmless(app: DeskApp) -> None:
    segments = all_segments(app)
    text = "".join(segment.text for segment in segments)
    for bad in ("\x1b", "\x07", "\x9b", "\x9d", "\u202e", "\u202c"):
        assert bad not in text, repr(bad)
    for segment in segments:
        style = segment.style
        assert style is None or not style.link, f"a link was made: {segment!r}"


async def test_hostile_item_in_list_and_detail(app: DeskApp) -> None:
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        items = app.main.query_one(ItemList)
        index = items.index_of(41)
        assert index is not None
        items.move_to(index)
        await pilot.press("enter")
        await settle(pilot)
        detail = app.main.query_one(ItemDetail)
        assert VISIBLE in detail.text
        assert "[bold]Evil[/bold]" in detail.text  # the author name, literally
        assert "evilor" in detail.text  # the handle without its bidi override
        text = screen_text(app)
        assert "Hostile RED text" in text  # the colour codes are gone, the words stay
        assert "copied [bold re" in text  # the list row, cut to its width
        assert "[link=http://x]click[/link]" in text  # the item pane, wrapped but literal
        assert_harmless(app)


async def test_hostile_url_is_cleaned_before_copy_and_show(app: DeskApp) -> None:
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        items = app.main.query_one(ItemList)
        index = items.index_of(41)
        assert index is not None
        items.move_to(index)
        await pilot.press("y")
        await settle(pilot)
        assert app.clipboard == "https://evil.example/x"
        await pilot.press("o")
        await settle(pilot)
        assert "https://evil.example/x" in screen_text(app)
        assert_harmless(app)


async def test_hostile_text_in_a_note_and_a_tag_prompt(app: DeskApp) -> None:
    from db import Store

    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        area = app.screen.query_one("#note-text")
        area.insert("note with \x1b[31mred\x1b[0m and [bold]markup[/bold]")  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        detail = app.main.query_one(ItemDetail)
        assert "note with red and [bold]markup[/bold]" in detail.text
        assert_harmless(app)
    with Store(app.desk_path) as store:
        assert store.notes_of(40)[-1].text == "note with red and [bold]markup[/bold]"


async def test_no_color_keeps_the_cursor_and_focus_visible(
    desk_path,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    """NO_COLOR: no colour at all, yet the cursor row is reversed and focus is a double line."""
    from desk.settings import Settings
    from desk.tui.app import make_app
    from tests.tui.conftest import ENV, NOW

    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(
        desk_path, Settings(actor="alice", theme="ansi-dark"), clock=lambda: NOW, env=ENV
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.no_color
        segments = all_segments(app)
        colours = {s.style.color for s in segments if s.style and s.style.color}
        assert all(c.is_default for c in colours), colours
        cursor = [s for s in segments if s.text.startswith("> ")]
        assert cursor and cursor[0].style is not None and cursor[0].style.reverse
        assert "\u2554" in screen_text(app)  # the focused pane's double-line corner


def test_a_huge_item_is_shown_cut_with_a_pointer_to_the_rest(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Megabytes of text must not be wrapped on the event loop (the UI would freeze)."""
    from db import NewItem, Store
    from desk.tui.reads import DETAIL_MAX_CHARS, item_view

    path = tmp_path / "huge.desk"
    with Store(path, create=True) as store:
        with store.transaction() as w:
            item_id, _ = w.insert_item(NewItem(platform="twitter", text="flood " * 1_000_000))
        view = item_view(store, item_id)
    assert len(view.item.text) < DETAIL_MAX_CHARS + 200
    assert "6,000,000 characters" in view.item.text
    assert f"desk show {item_id}" in view.item.text
