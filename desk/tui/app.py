"""The desk's Textual app, and `make_app`, the one way to build it.

`make_app(desk_path, settings)` is what the CLI (`desk`, `desk demo
--open`), the tests and the bench all call, so they run the same app.
The app owns the open `Store` and the user's settings; the main screen
(`desk/tui/main.py`) routes the work.

Clipboard: `y` copies with OSC 52, which terminals honour over SSH. Inside
tmux the sequence reaches the outer terminal only with `set -g
set-clipboard on` (tmux then sets the clipboard itself) or, wrapped in a
DCS passthrough, with `set -g allow-passthrough on`; the app sends both
forms. GNU screen passes it on inside DCS strings, which screen cuts at
about 768 bytes, so the sequence is sent in short DCS chunks. The URL is
always shown in a notification too, for terminals that drop OSC 52.
"""

from __future__ import annotations

import base64
import gc
import os
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from textual import events
from textual.actions import ActionParseResult
from textual.app import App
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.theme import BUILTIN_THEMES

from db import Store
from db.clock import now
from desk.settings import Settings
from desk.tui import writes_off
from desk.tui.commands import DeskCommands
from desk.tui.main import MainScreen
from widgets.keys import BY_ID, bindings, keymap_problems

ANSI_THEMES = ("ansi-dark", "ansi-light")
"""Themes in the terminal's own 16 colours, for terminals without true colour."""
ASCII_KEYS: dict[str, str] = {
    "enter": "enter",
    "up": "up",
    "down": "down",
    "left": "left",
    "right": "right",
    "backspace": "bksp",
    "escape": "esc",
}
IDLE_COLLECT_EVERY = 20.0
"""Seconds between full garbage collections, run only when no key came for a while."""
SCREEN_CHUNK = 76
"""Bytes of an OSC 52 sequence per DCS string when passing through GNU screen."""


def osc52(text: str, env: Mapping[str, str]) -> str:
    """The escape sequence(s) that put `text` on the clipboard, through tmux or screen."""
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    plain = f"\x1b]52;c;{payload}\x07"
    if env.get("TMUX"):
        wrapped = "\x1bPtmux;" + plain.replace("\x1b", "\x1b\x1b") + "\x1b\\"
        return plain + wrapped
    if env.get("STY") or env.get("TERM", "").startswith("screen"):
        chunks = [plain[i : i + SCREEN_CHUNK] for i in range(0, len(plain), SCREEN_CHUNK)]
        return "".join(f"\x1bP{chunk}\x1b\\" for chunk in chunks)
    return plain


class AsciiScrollBarRender(ScrollBarRender):
    """Scrollbars without the 1/8-block glyphs that a basic console font lacks."""

    VERTICAL_BARS: ClassVar[list[str]] = [" "] * 8
    HORIZONTAL_BARS: ClassVar[list[str]] = [" "] * 8


def known_binding_ids() -> set[str]:
    """Every binding id a user may remap in `[keymap]`: the key table's."""
    return set(BY_ID)


class DeskApp(App[None]):
    """The desk: one store, one user, one main screen."""

    CSS_PATH = "desk.tcss"
    TITLE = "desk"
    COMMANDS = App.COMMANDS | {DeskCommands}
    BINDINGS: ClassVar[list[BindingType]] = bindings("app")

    def __init__(
        self,
        store: Store,
        *,
        desk_path: Path,
        settings: Settings,
        clock: Callable[[], datetime] = now,
        env: Mapping[str, str] | None = None,
    ) -> None:
        # An ANSI theme must be known before Textual builds its colour filters: with
        # NO_COLOR set and the theme switched later, text came out black on black.
        super().__init__(ansi_color=settings.theme in ANSI_THEMES)
        self.store = store
        self.desk_path = desk_path
        self.settings = settings
        self.clock = clock
        self.env = env if env is not None else os.environ
        self.keymap: dict[str, str] = dict(settings.keymap)
        self._scrollbar_renderer: type[ScrollBarRender] = ScrollBar.renderer
        self._gc_threshold: tuple[int, int, int] | None = None
        self._last_key = time.monotonic()

    def on_mount(self) -> None:
        problems = list(self.settings.problems)
        if self.settings.theme in BUILTIN_THEMES or self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        else:
            problems.append(
                f"unknown theme {self.settings.theme!r}; try ansi-dark, ansi-light or textual-dark"
            )
        problems.extend(keymap_problems(self.keymap))
        self.set_keymap(self.keymap)
        self._scrollbar_renderer = ScrollBar.renderer
        if not self.settings.unicode_glyphs(self.env):
            ScrollBar.renderer = AsciiScrollBarRender
        self.push_screen(
            MainScreen(
                self.store,
                desk_path=self.desk_path,
                actor=self.settings.actor,
                order=self.settings.order,
                story_slug=self.settings.story,
                editor=self.settings.editor,
                unicode=self.settings.unicode_glyphs(self.env),
                clock=self.clock,
            )
        )
        for problem in problems:
            self.notify(problem, title="Settings", severity="warning", markup=False, timeout=10)

    @property
    def main(self) -> MainScreen:
        """The desk screen (under any modal on top of it)."""
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        raise LookupError("the main screen is not up yet")

    def on_main_screen_ready(self, event: MainScreen.Ready) -> None:
        """Keep full garbage collections out of the way of keys.

        A Textual app holds a few hundred thousand long-lived objects; CPython's full
        (generation 2) collection walks them all, and measured here it stalled the app
        75-135 ms every few seconds while scrolling. So: freeze what start-up made, turn
        automatic full collections off, and run one ourselves when the user is idle.
        """
        gc.freeze()
        self._gc_threshold = gc.get_threshold()
        gen0, gen1, _ = self._gc_threshold
        gc.set_threshold(gen0, gen1, 1_000_000)
        self.set_interval(IDLE_COLLECT_EVERY, self._collect_when_idle)

    def _collect_when_idle(self) -> None:
        if time.monotonic() - self._last_key > 2.0:
            gc.collect()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self._last_key = time.monotonic()
        await super().on_event(event)

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """A key (or a palette command) that writes, on a desk that takes no writes,
        says why in one line instead of opening its prompt (`writes_off`)."""
        if isinstance(action, str):
            refused = writes_off.refusal(self.store, action)
            if refused is not None:
                self.notify(refused, title="Read-only", severity="warning", markup=False)
                return True
        return await super().run_action(action, default_namespace, namespaces)

    def get_key_display(self, binding: Binding) -> str:
        """Keys as words a basic font can draw (`enter`, not an arrow glyph)."""
        if binding.key_display:
            return binding.key_display
        modifiers, key = binding.parse_key()
        key = ASCII_KEYS.get(key) or super().get_key_display(Binding(key, binding.action))
        return "+".join([*modifiers, key]) if modifiers else key

    def copy_to_clipboard(self, text: str) -> None:
        """OSC 52, wrapped for tmux or screen when running inside them (see the module doc)."""
        self._clipboard = text
        if self._driver is not None:
            self._driver.write(osc52(text, self.env))

    def on_unmount(self) -> None:
        if self._gc_threshold is not None:
            gc.set_threshold(*self._gc_threshold)
            gc.unfreeze()
        ScrollBar.renderer = self._scrollbar_renderer
        self.store.close()


def make_app(
    desk_path: Path,
    settings: Settings,
    *,
    clock: Callable[[], datetime] = now,
    env: Mapping[str, str] | None = None,
) -> DeskApp:
    """Open the desk file and build the app on it (the CLI, tests and bench all come here)."""
    store = Store(desk_path)
    return DeskApp(store, desk_path=Path(desk_path), settings=settings, clock=clock, env=env)
