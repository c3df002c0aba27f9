"""The merge conflict queue in the TUI: the count in the header, `C`, a number keeps a side."""

from __future__ import annotations

from pathlib import Path

from db import Store, merge_rows
from desk import verbs
from desk.merge.desks import checkout, merge_desk
from desk.settings import Settings
from desk.tui.app import make_app
from tests.tui.conftest import ENV, HOSTILE, NOW, settle
from widgets.conflicts import ConflictsScreen
from widgets.header import DeskHeader

SIZE = (100, 30)


def _conflict(desk: Path, tmp_path: Path, reason: str = "fake") -> None:
    laptop = tmp_path / "laptop.desk"
    with Store(desk) as server:
        checkout(server, laptop, story=None, force=False)
        verbs.set_verdict(server, "ed", [40], "misleading")
    with Store(laptop) as away:
        verbs.set_verdict(away, "al", [40], "false", reason=reason)
    with Store(desk) as server:
        merge_desk(server, laptop, "ed")


async def test_header_counts_conflicts_and_c_resolves_one(
    desk_path: Path, settings: Settings, tmp_path: Path
) -> None:
    _conflict(desk_path, tmp_path)
    app = make_app(desk_path, settings, clock=lambda: NOW, env=ENV)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "1 conflict" in app.screen.query_one(DeskHeader).text
        await pilot.press("C")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ConflictsScreen)
        assert "item 40 verdict" in screen.text and "false (fake)" in screen.text
        first = screen.rows[0].sides[0].value
        await pilot.press("1")
        await settle(pilot)
        assert not isinstance(app.screen, ConflictsScreen)
        assert "conflict" not in app.screen.query_one(DeskHeader).text
    with Store(desk_path) as store:
        assert merge_rows.open_conflict_count(store.conn) == 0
        assert store.item(40).verdict == first.split(" ")[0]
        assert store.events()[-1].kind == "conflict.resolve"


async def test_conflict_values_from_another_desk_are_drawn_as_text(
    desk_path: Path, settings: Settings, tmp_path: Path
) -> None:
    _conflict(desk_path, tmp_path, reason=HOSTILE)
    app = make_app(desk_path, settings, clock=lambda: NOW, env=ENV)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        text = app.screen.text  # type: ignore[attr-defined]
        assert "\x1b" not in text and "\u202e" not in text and "[bold red]markup[/]" in text
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ConflictsScreen)
        assert "1 conflict" in app.screen.query_one(DeskHeader).text
