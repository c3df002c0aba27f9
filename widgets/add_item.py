"""`i`: add an item by typing or pasting a post, or by naming a file to ingest.

The modal only collects what the user gave; the app decides what to do:
a file path goes through the ingest pipeline (any format it knows), typed
text becomes a `manual` item through the `add_item` verb.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static, TextArea

from widgets.keys import bindings


@dataclass(frozen=True)
class AddRequest:
    """Either `path` (ingest that file) or `text` (with an optional URL and handle)."""

    text: str = ""
    url: str | None = None
    handle: str | None = None
    path: str | None = None


class AddItemPrompt(ModalScreen[AddRequest | None]):
    """Text area for a post, URL and handle fields, or a file path; ctrl+s adds."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("add", "prompt")

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt tall"):
            yield Label("Add an item: type or paste a post, or give a file", classes="title")
            yield Input(placeholder="file to ingest (leave empty to type a post)", id="add-path")
            yield TextArea("", id="add-text", soft_wrap=True)
            yield Input(placeholder="URL (optional)", id="add-url")
            yield Input(placeholder="author handle (optional)", id="add-handle")
            yield Static(
                Text("tab: next field   ctrl+s add   escape cancel", "dim"), classes="hint"
            )

    def on_mount(self) -> None:
        self.query_one("#add-text", TextArea).focus()

    def on_input_submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        path = self.query_one("#add-path", Input).value.strip()
        text = self.query_one("#add-text", TextArea).text
        if not path and not text.strip():
            self.notify("Type or paste the post, or give a file to ingest.", severity="warning")
            return
        url = self.query_one("#add-url", Input).value.strip() or None
        handle = self.query_one("#add-handle", Input).value.strip() or None
        self.dismiss(AddRequest(text=text, url=url, handle=handle, path=path or None))

    def action_cancel(self) -> None:
        self.dismiss(None)
