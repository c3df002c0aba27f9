"""`Y` copies a citation; the palette makes, renames and switches stories."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import Input

from db import Store
from desk.tui import loads
from desk.tui.app import DeskApp
from desk.tui.help import HelpScreen
from desk.tui.messages import CitationRead
from tests.tui.conftest import notices, screen_text, settle, top, type_text
from widgets.story_prompt import StoryPrompt

SMALL = (80, 24)
WIDE = (160, 48)
CITED_40 = "Author 40 (@citydesk), November 27, 2026, https://example.social/citydesk/40"


async def palette(pilot, title: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+p")
    await pilot.pause()
    await type_text(pilot, title)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await settle(pilot)


# -- Y: a citation --------------------------------------------------------------


async def test_copy_citation(app: DeskApp) -> None:
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await settle(pilot)
        written: list[str] = []
        assert app._driver is not None
        monkey = app._driver.write

        def spy(data: str) -> None:
            written.append(data)
            monkey(data)

        app._driver.write = spy  # type: ignore[method-assign]
        await pilot.press("Y")
        await settle(pilot)
        assert app.clipboard == CITED_40
        assert any("\x1b]52;c;" in data for data in written)  # the OSC 52 path of `y`
        assert CITED_40 in notices(app)
        assert "Citation copied" in screen_text(app)


def test_citation_of_a_hostile_item_is_clean(store: Store) -> None:
    (message,) = list(loads.cite(store, 41))
    assert isinstance(message, CitationRead)
    assert not any(ch in message.text for ch in "\x1b\x07\u202e")
    assert message.text.startswith("[bold]Evil[/bold] (@evilor), November 26, 2026")
    (day,) = list(loads.cite(store, 10))  # a day-precision post: the day, no time
    assert isinstance(day, CitationRead)
    assert (
        day.text == "Author 10 (@citydesk), November 26, 2026, https://example.social/citydesk/10"
    )


async def test_hostile_citation_is_shown_as_text(app: DeskApp) -> None:
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        app.main.on_citation_read(CitationRead(41, "[bold red]Evil[/] (@e), https://e.example/"))
        await settle(pilot)
        assert app.clipboard == "[bold red]Evil[/] (@e), https://e.example/"
        assert "[bold red]Evil[/]" in screen_text(app)  # not read as markup


async def test_help_lists_copy_citation(app: DeskApp) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        from desk.tui.help import help_text

        text = help_text(app.keymap, 150).plain
        assert "copy a citation" in text and "desk.copy_citation" in text


# -- the palette's stories ----------------------------------------------------------


async def test_palette_new_story(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        await palette(pilot, "Story: new")
        assert isinstance(app.screen, StoryPrompt)
        await type_text(pilot, "ferry-strike")
        await pilot.press("enter")
        await type_text(pilot, "Ferry strike")
        await pilot.press("enter")
        await settle(pilot)
        made = store.story_by_slug("ferry-strike")
        assert made is not None and made.title == "Ferry strike"
        assert [e.kind for e in store.events(actor="alice")] == ["story.add"]
        assert app.main.story is not None and app.main.story.slug == "ferry-strike"
        assert app.main.filter_text == "story:ferry-strike"
        assert "Ferry strike" in screen_text(app)  # the header names it


async def test_palette_bad_slug_keeps_what_was_typed(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        await palette(pilot, "Story: new")
        await type_text(pilot, "Bad_Slug!")
        await pilot.press("enter")
        await type_text(pilot, "A title kept")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StoryPrompt)  # open again, with the error
        assert app.screen.query_one("#story-slug", Input).value == "Bad_Slug!"
        assert app.screen.query_one("#story-title", Input).value == "A title kept"
        assert "bad story slug" in screen_text(app)
        assert any("bad story slug" in n for n in notices(app))
        assert store.events(actor="alice") == []
        # a slug already taken is refused too, not silently reused
        field = app.screen.query_one("#story-slug", Input)
        field.value = "harbor-fire"
        field.focus()
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, StoryPrompt)
        assert "exists already" in screen_text(app)
        # fixed: it goes in
        field = app.screen.query_one("#story-slug", Input)
        field.value = "good-slug"
        field.focus()
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert not isinstance(top(app), StoryPrompt)
        made = store.story_by_slug("good-slug")
        assert made is not None and made.title == "A title kept"


async def test_palette_rename_and_switch_story(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        await palette(pilot, "Story: rename")
        assert isinstance(app.screen, StoryPrompt)
        field = app.screen.query_one("#story-title", Input)
        assert field.value == "Harbor fire"
        field.value = ""
        await pilot.press("enter")  # an empty title: the verb refuses, the prompt stays
        await settle(pilot)
        assert isinstance(app.screen, StoryPrompt)
        assert "a story needs a title" in screen_text(app)
        app.screen.query_one("#story-title", Input).value = "Harbor fire: day two"
        await pilot.press("enter")
        await settle(pilot)
        story = store.story_by_slug("harbor-fire")
        assert story is not None and story.title == "Harbor fire: day two"
        assert app.main.story is not None and app.main.story.title == "Harbor fire: day two"
        assert "Harbor fire: day two" in screen_text(app)
        # the switch entries follow the new title
        await palette(pilot, "Story: all stories")
        assert app.main.filter_text == ""
        await palette(pilot, "Story: Harbor fire: day two")
        assert not isinstance(top(app), CommandPalette)
        assert app.main.filter_text == "story:harbor-fire"
