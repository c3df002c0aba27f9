"""The TUI acts as the person the config file names: the header and every event it writes.

`actor = "carol"` in config.toml was ignored (the header and the log said
the OS user) because the CLI resolved `$DESK_USER`/the OS user first and
handed that to the settings as if `--as` had said it. These tests build
the settings the way `desk` does (`load_settings`, with a controlled
environment) and drive the app with Pilot.
"""

from __future__ import annotations

from pathlib import Path

from db import Store
from desk.settings import load_settings
from desk.tui.app import make_app
from tests.tui.conftest import ENV, NOW, screen_text, settle
from widgets.prompts import TriageChooser

SMALL = (80, 24)


def _config(tmp_path: Path, actor: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'actor = "{actor}"\n', encoding="utf-8")
    return path


async def test_header_and_events_carry_the_config_actor(
    desk_path: Path, store: Store, tmp_path: Path
) -> None:
    settings = load_settings(_config(tmp_path, "carol"), env={})
    assert settings.actor == "carol"
    before = store.last_seq()
    app = make_app(desk_path, settings, clock=lambda: NOW, env=ENV)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert "carol" in screen_text(app).splitlines()[0]
        await pilot.press("j", "s")
        assert isinstance(app.screen, TriageChooser)
        await pilot.press("k")
        await settle(pilot)
    written = [e for e in store.events() if e.seq > before]
    assert [(e.actor, e.kind) for e in written] == [("carol", "item.triage")]


async def test_desk_user_outranks_the_config_in_the_tui(
    desk_path: Path, store: Store, tmp_path: Path
) -> None:
    settings = load_settings(_config(tmp_path, "carol"), env={"DESK_USER": "dan"})
    before = store.last_seq()
    app = make_app(desk_path, settings, clock=lambda: NOW, env=ENV)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        header = screen_text(app).splitlines()[0]
        assert "dan" in header and "carol" not in header
        await pilot.press("j", "s")
        await pilot.press("f")
        await settle(pilot)
    assert [e.actor for e in store.events() if e.seq > before] == ["dan"]
