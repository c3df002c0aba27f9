"""SVG snapshots of the desk: main screen at 80x24 and 160x48, an open item, help, the recap,
the checklist.

Deterministic by construction: the fixture desk has fixed times, the app
gets a fixed clock, every worker is finished before the picture is taken,
and no input with a blinking cursor is on screen. Update with
`pytest tests/tui --snapshot-update` and look at the SVGs before committing.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from desk.settings import Settings
from desk.tui.app import make_app
from tests.tui.conftest import ENV, NOW, settle


def _app(desk_path: Path):  # type: ignore[no-untyped-def]
    return make_app(desk_path, Settings(actor="alice"), clock=lambda: NOW, env=ENV)


async def _ready(pilot: Pilot[None]) -> None:
    await settle(pilot)


def test_main_80x24(snap_compare, desk_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_app(desk_path), terminal_size=(80, 24), run_before=_ready)


def test_main_160x48(snap_compare, desk_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("j", "v", "v", "k")  # two marked rows, cursor on a marked one
        await settle(pilot)

    assert snap_compare(_app(desk_path), terminal_size=(160, 48), run_before=run_before)


def test_detail_80x24(snap_compare, desk_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(_app(desk_path), terminal_size=(80, 24), run_before=run_before)


def test_help_80x24(snap_compare, desk_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(_app(desk_path), terminal_size=(80, 24), run_before=run_before)


def test_recap_80x24(snap_compare, desk_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("3", "j")  # the recap alone, the cursor on its first entry
        await settle(pilot)

    assert snap_compare(_app(desk_path), terminal_size=(80, 24), run_before=run_before)


def test_recap_160x48(snap_compare, desk_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("3", "j", "j")  # the cursor on entry 1's source, #40
        await settle(pilot)

    assert snap_compare(_app(desk_path), terminal_size=(160, 48), run_before=run_before)


def test_checklist_80x24(snap_compare, desk_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("4", "j")  # the checklist alone, the cursor on its second step
        await settle(pilot)

    assert snap_compare(_app(desk_path), terminal_size=(80, 24), run_before=run_before)
