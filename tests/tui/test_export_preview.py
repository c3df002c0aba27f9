"""The palette's "Story: export…": a preview of each format, then the file `desk export` writes.

Driven with Pilot as a user would: the palette opens the preview, `ctrl+f`
switches format, the path is typed, `ctrl+s` writes. The file is compared
byte for byte with what `desk export -o` writes for the same format, with
the CLI given the app's fixed clock (the pages carry their export time).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import TextIO

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Markdown, Static, TextArea

from db import NewItem, Store
from db.clock import iso_micro, iso_second
from desk import verbs
from desk.export import publish as publish_module
from desk.export.publish import FORMATS, Options
from desk.settings import Settings
from desk.tui import exports
from desk.tui.app import DeskApp, make_app
from tests.clirun import run_cli
from tests.tui.conftest import ENV, HOSTILE, NOW, notices, screen_text, settle, top
from widgets.export_preview import ExportPreview

SMALL = (80, 24)
TALL = (120, 70)
NASTY = "Nasty [red]x[/] \x1b[31mred\x1b[0m </blockquote><script>alert(1)</script> end"


def preview_of(app: DeskApp) -> ExportPreview:
    screen = app.screen
    assert isinstance(screen, ExportPreview), screen
    return screen


async def open_preview(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("ctrl+p")
    await pilot.pause()
    for char in "export":
        await pilot.press(char)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await settle(pilot)


async def write_to(pilot: Pilot[None], path: Path | str) -> None:
    """Type `path` over the one shown, then ctrl+s."""
    field = preview_of(pilot.app).query_one("#export-path", Input)  # type: ignore[arg-type]
    field.value = str(path)
    await pilot.press("ctrl+s")
    await settle(pilot)


@pytest.fixture
def cli_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """`desk export` with the app's fixed clock, so its pages carry the same export time."""
    monkeypatch.setattr("desk.cli.export.Options", partial(Options, clock=lambda: NOW))


@pytest.fixture
def nasty_desk(desk_path: Path) -> Iterator[Path]:
    """The fixture desk with two hostile posts kept: #41 (escapes, markup, bidi, stored raw)
    and #42 (markup, an escape, closing HTML tags)."""
    with Store(desk_path) as store:
        with store.transaction() as w:
            w.insert_item(
                NewItem(
                    platform="manual",
                    text=NASTY,
                    author_name="Nasty [b]Name[/b]",
                    posted_at=iso_second(NOW - timedelta(minutes=1)),
                    story_id=1,
                ),
                ingested_at=iso_micro(NOW),
            )
        verbs.set_triage(store, "bob", [41, 42], "kept")
    yield desk_path


# -- opening and looking ----------------------------------------------------------


async def test_palette_opens_the_markdown_page(app: DeskApp) -> None:
    async with app.run_test(size=TALL) as pilot:
        await open_preview(pilot)
        screen = preview_of(app)
        page = screen.query_one(Markdown)
        assert page.display and not screen.query_one(TextArea).display
        assert page.source.startswith("# Harbor fire\n")  # the front matter is not shown
        assert "> Post 33: shelter opened at the school" in page.source
        text = screen_text(app)
        assert "Export Harbor fire" in text
        assert "Harbor fire" in text.split("Export Harbor fire", 1)[1]  # the page's title
        assert "Warehouse district had two fires last year" in text  # the recap
        assert "Post 33: shelter opened at the school" in text  # the kept post, quoted
        assert "— Author 33 (@k.mills)" in text
        assert "./harbor-fire.md" in text
        assert screen.query_one("#export-path", Input).value == "./harbor-fire.md"
        assert "md: all " in text  # a small story: every line shown


async def test_ctrl_f_switches_format_and_the_default_path_follows(app: DeskApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await open_preview(pilot)
        screen = preview_of(app)
        path = screen.query_one("#export-path", Input)
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert screen.fmt == "html"
        area = screen.query_one(TextArea)
        assert area.display and not screen.query_one("#export-md").display
        assert area.text.startswith("<!DOCTYPE html>")
        assert path.value == "./harbor-fire.html"
        assert "<!DOCTYPE html>" in screen_text(app)
        await pilot.press("ctrl+f", "ctrl+f", "ctrl+f", "ctrl+f")  # quickly: none is lost
        await settle(pilot)
        assert screen.fmt == "csv"
        assert area.text.startswith("id,uuid,platform,")
        path.value = "story.table"  # typed by the user: it stays when the format changes
        await pilot.press("ctrl+f", "ctrl+f")
        await settle(pilot)
        assert screen.fmt == "md"  # after the last format, the first
        assert screen.query_one(Markdown).display
        assert path.value == "story.table"


# -- writing --------------------------------------------------------------------


async def test_written_file_is_what_desk_export_writes(
    app: DeskApp, desk_path: Path, tmp_path: Path, cli_clock: None
) -> None:
    ours = tmp_path / "ours"
    ours.mkdir()
    app.animation_level = "none"  # the format tabs' underline slides: 0.3 s a key press
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        for step, fmt in enumerate(FORMATS):
            await open_preview(pilot)
            for _ in range(step):
                await pilot.press("ctrl+f")
            await settle(pilot)
            assert preview_of(app).fmt == fmt
            await write_to(pilot, ours / f"page.{fmt}")
            assert not isinstance(top(app), ExportPreview)
            size = (ours / f"page.{fmt}").stat().st_size
            assert f"Wrote {ours / f'page.{fmt}'} ({size:,} bytes)" in notices(app)
    for fmt in FORMATS:
        theirs = tmp_path / f"cli.{fmt}"
        ran = run_cli(desk_path, "export", "harbor-fire", "-f", fmt, "-o", str(theirs))
        assert ran.code == 0, ran.err
        assert (ours / f"page.{fmt}").read_bytes() == theirs.read_bytes(), fmt
    assert sorted(p.name for p in ours.iterdir()) == sorted(f"page.{f}" for f in FORMATS)


async def test_a_failing_write_keeps_the_screen_and_the_path(
    app: DeskApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "no-such-folder" / "page.md"
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await open_preview(pilot)
        screen = preview_of(app)
        await write_to(pilot, missing)
        assert top(app) is screen
        path = screen.query_one("#export-path", Input)
        assert path.value == str(missing)
        error = screen.query_one("#export-error", Static)
        assert error.display
        assert f"cannot write {missing}: there is no folder" in str(error.content)
        assert "there is no folder" in screen_text(app)
        assert app.focused is path

        def refused(*args: object, **kwargs: object) -> tuple[int, str]:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(publish_module.tempfile, "mkstemp", refused)
        target = tmp_path / "page.md"
        await write_to(pilot, target)
        assert top(app) is screen and path.value == str(target)
        assert f"cannot write {target}: permission denied" in str(error.content)
        assert not target.exists()
        assert not [p for p in tmp_path.iterdir() if "page.md" in p.name]  # no temp file

        monkeypatch.undo()
        await write_to(pilot, target)  # the same path, once it can be written
        assert not isinstance(top(app), ExportPreview)
        assert target.read_text().startswith('---\ntitle: "Harbor fire"\n')


async def test_escape_while_writing_cancels_the_write(
    app: DeskApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "slow.csv"
    rows: list[int] = []

    def slow(store: Store, story: str, fmt: str, out: TextIO, options: Options) -> int:
        for n in range(400):  # a big story's csv, a row every 10 ms
            time.sleep(0.01)
            out.write(f"row {n}\n")
            rows.append(n)
        return 400

    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await open_preview(pilot)
        monkeypatch.setattr(publish_module, "publish", slow)
        preview_of(app).query_one("#export-path", Input).value = str(target)
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        assert rows and isinstance(top(app), ExportPreview)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(top(app), ExportPreview)
        assert len(rows) < 400  # the writer stopped at its next row
        assert not target.exists()
        assert not [p for p in tmp_path.iterdir() if "slow.csv" in p.name]  # no temp file
        assert not any("Wrote" in n for n in notices(app))


async def test_the_desk_itself_and_a_folder_are_refused(
    app: DeskApp, desk_path: Path, tmp_path: Path
) -> None:
    before = desk_path.read_bytes()
    async with app.run_test(size=SMALL) as pilot:
        await open_preview(pilot)
        screen = preview_of(app)
        await write_to(pilot, desk_path)
        assert top(app) is screen
        assert "is the desk itself" in str(screen.query_one("#export-error", Static).content)
        await write_to(pilot, tmp_path)
        assert "is a folder" in str(screen.query_one("#export-error", Static).content)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(top(app), ExportPreview)
    assert desk_path.read_bytes()[:100] == before[:100]


async def test_no_story_says_so(tmp_path: Path) -> None:
    with Store(tmp_path / "empty.desk", create=True):
        pass
    app = make_app(tmp_path / "empty.desk", Settings(actor="alice"), clock=lambda: NOW, env=ENV)
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await open_preview(pilot)
        assert not isinstance(top(app), ExportPreview)
        assert any("No story to export" in n for n in notices(app))


# -- hostile text ------------------------------------------------------------------


async def test_hostile_posts_show_as_text(nasty_desk: Path) -> None:
    app = make_app(nasty_desk, Settings(actor="alice"), clock=lambda: NOW, env=ENV)
    async with app.run_test(size=(160, 90)) as pilot:
        await open_preview(pilot)
        text = screen_text(app)
        assert "Nasty [red]x[/] red </blockquote><script>alert(1)</script> end" in text
        assert "Nasty [b]Name[/b]" in text
        assert "[bold red]markup[/] and [link=http://x]click[/link]" in text  # #41, raw
        assert "Hostile RED text" in text
        for bad in ("\x1b", "\x07", "\u202e"):
            assert bad not in text
        source = preview_of(app).query_one(Markdown).source
        assert "\\</blockquote\\>\\<script\\>" in source  # escaped Markdown, not HTML
        await pilot.press("ctrl+f")  # html: the page's source, as plain text
        await settle(pilot)
        text = screen_text(app)
        area = preview_of(app).query_one(TextArea)
        assert "&lt;/blockquote&gt;&lt;script&gt;" in area.text
        assert "<script>alert" not in area.text
        assert "[red]x[/]" in area.text
        for bad in ("\x1b", "\x07", "\u202e"):
            assert bad not in text and bad not in area.text
        assert HOSTILE not in area.text  # its escapes were stripped


# -- the preview's reads -------------------------------------------------------------


def test_streams_are_cut_and_pages_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "big.desk"
    with Store(path, create=True) as store:
        story = verbs.create_story(store, "bob", "big", "Big story")
        with store.transaction() as w:
            for n in range(1, 121):
                w.insert_item(
                    NewItem(
                        platform="rss",
                        text=f"entry {n}",
                        posted_at=iso_second(NOW - timedelta(minutes=n)),
                        story_id=story,
                    ),
                    ingested_at=iso_micro(NOW),
                )
        verbs.set_triage(store, "bob", list(range(1, 121)), "kept")
        for fmt in ("csv", "jsonl"):
            cut = exports.preview(store, "big", fmt)
            assert (cut.shown, cut.total, cut.markdown) == (exports.STREAM_LINES, None, False)
            assert cut.text.count("\n") == exports.STREAM_LINES
        page = exports.preview(store, "big", "md")
        assert page.markdown and page.total is not None
        assert page.shown <= exports.PAGE_LINES < page.total
        assert page.text.startswith("# Big story\n") and page.text.endswith("\n\n")
        assert exports.default_path("big", "claimreview") == "./big.jsonld"


# -- how it looks ----------------------------------------------------------------------


def test_export_preview_80x24(snap_compare, desk_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(desk_path, Settings(actor="alice"), clock=lambda: NOW, env=ENV)
    assert snap_compare(app, terminal_size=SMALL, run_before=open_preview)
