"""Settings from config.toml, and the clipboard sequence through tmux and screen."""

from __future__ import annotations

import base64
from pathlib import Path

from desk.settings import load_settings
from desk.tui.app import osc52


def test_missing_config_gives_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "none.toml", actor="alice")
    assert settings.actor == "alice"
    assert settings.theme == "textual-dark"
    assert settings.order == "posted"
    assert settings.problems == ()


def test_config_is_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'actor = "bob"\ntheme = "ansi-dark"\norder = "arrival"\nglyphs = "ascii"\n'
        '[keymap]\n"desk.tag" = "T, t"\n'
    )
    settings = load_settings(path)
    assert settings.actor == "bob"
    assert settings.theme == "ansi-dark"
    assert settings.order == "arrival"
    assert settings.keymap == {"desk.tag": "T,t"}
    assert not settings.unicode_glyphs()


def test_broken_config_names_the_file_and_keeps_defaults(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "ansi-dark\n')
    settings = load_settings(path, actor="alice")
    assert settings.theme == "textual-dark"
    assert len(settings.problems) == 1
    assert str(path) in settings.problems[0] and "not valid TOML" in settings.problems[0]


def test_bad_values_become_problems(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('order = "random"\nkeymap = 3\ncolour = "red"\n')
    settings = load_settings(path, actor="alice")
    assert settings.order == "posted"
    assert len(settings.problems) == 3


def test_glyphs_auto_follows_the_terminal() -> None:
    settings = load_settings(Path("/nonexistent/config.toml"), actor="a")
    assert settings.unicode_glyphs({"TERM": "xterm-256color"})
    assert not settings.unicode_glyphs({"TERM": "linux"})


def test_osc52_plain_tmux_and_screen() -> None:
    url = "https://example.social/x/1"
    payload = base64.b64encode(url.encode()).decode()
    plain = f"\x1b]52;c;{payload}\x07"
    assert osc52(url, {"TERM": "xterm-256color"}) == plain
    tmux = osc52(url, {"TMUX": "/tmp/tmux-0/default,1,0", "TERM": "screen-256color"})
    assert tmux.startswith(plain)  # for `set-clipboard on`
    assert "\x1bPtmux;\x1b\x1b]52;c;" in tmux  # for `allow-passthrough on`
    screen = osc52(url, {"STY": "123.pts-0", "TERM": "screen"})
    assert screen.startswith("\x1bP") and screen.endswith("\x1b\\")
    chunks = screen.split("\x1b\\")[:-1]
    assert all(len(chunk) <= 2 + 76 for chunk in chunks)
    assert "".join(chunk[2:] for chunk in chunks) == plain
