"""`a`: write a note on an item, in the app.

The main way to write a long note is `e`, which opens `$EDITOR`; this
editor is what `a` opens, and what `e` falls back to where the app cannot
hand the terminal over (under textual-serve, or with no editor set).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, Static, TextArea

from desk.text import safe_line
from widgets.keys import bindings


class NoteEditor(ModalScreen[str | None]):
    """A TextArea; ctrl+s saves, escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("note", "prompt")

    @dataclass
    class Failed(Message):
        """The note was not saved (too long, the desk locked, read-only, gone): the screen
        opens the editor again at once with `text` and `error` on top, and `then` as its
        callback, so nothing typed is lost."""

        title: str
        text: str
        error: str
        then: Callable[[str | None], None]

    def __init__(self, title: str, text: str = "", *, reason: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.initial = text
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt tall"):
            yield Label(Text(safe_line(self.title_text)[:200]), classes="title")
            if self.reason:
                yield Static(Text(safe_line(self.reason), "dim"), classes="hint", id="note-reason")
            yield TextArea(self.initial, id="note-text", soft_wrap=True, show_line_numbers=False)
            yield Static(Text("ctrl+s save   escape cancel", "dim"), classes="hint")

    def on_mount(self) -> None:
        area = self.query_one("#note-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        text = self.query_one("#note-text", TextArea).text
        self.dismiss(text if text.strip() else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
