"""`i`: add an item by typing or pasting a post, or by naming a file to ingest.

The modal only collects what the user gave; the app decides what to do:
a file path goes through the ingest pipeline (any format it knows), typed
text becomes a `manual` item through the `add_item` verb. A path that does
not exist is refused here, with the prompt kept open; any later failure
re-opens the prompt with what was given and the error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static, TextArea

from desk.text import safe_line
from widgets.keys import bindings


@dataclass(frozen=True)
class AddRequest:
    """Either `path` (ingest that file) or `text` (with an optional URL and handle)."""

    text: str = ""
    url: str | None = None
    handle: str | None = None
    path: str | None = None


class AddItemPrompt(ModalScreen[AddRequest | None]):
    """A file path (on top, focused first), or a post with URL and handle; ctrl+s adds.

    `request` and `error` re-open the prompt after a failed add: the ingest
    runs in a worker once the prompt has closed, so when it fails the screen
    opens the prompt again with what the user gave and the error above it;
    nothing typed is lost.
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("add", "prompt")

    @dataclass
    class Failed(Message):
        """An add that failed after the prompt closed: open it again with `request` and
        `error` (the screen's worker posts this once the ingest or the verb refused)."""

        request: AddRequest
        error: str

    DEFAULT_CSS = """
    AddItemPrompt #add-error { color: $error; }
    """

    def __init__(self, request: AddRequest | None = None, error: str | None = None) -> None:
        super().__init__()
        self.request = request or AddRequest()
        self.error = error

    def compose(self) -> ComposeResult:
        request = self.request
        with Vertical(classes="prompt tall"):
            yield Label("Add an item: type or paste a post, or give a file", classes="title")
            yield Static(Text(safe_line(self.error or "")), id="add-error")
            yield Input(
                value=request.path or "",
                placeholder="file to ingest (leave empty to type a post)",
                id="add-path",
            )
            yield TextArea(request.text, id="add-text", soft_wrap=True)
            yield Input(value=request.url or "", placeholder="URL (optional)", id="add-url")
            yield Input(
                value=request.handle or "", placeholder="author handle (optional)", id="add-handle"
            )
            yield Static(
                Text("tab: next field   ctrl+s add   escape cancel", "dim"), classes="hint"
            )

    def on_mount(self) -> None:
        self.query_one("#add-error").display = bool(self.error)
        # The field on top gets the cursor; after a failed post, the post's text.
        if self.request.text and not self.request.path:
            self.query_one("#add-text", TextArea).focus()
        else:
            self.query_one("#add-path", Input).focus()

    def on_input_submitted(self) -> None:
        self.action_save()

    def show_error(self, text: str) -> None:
        """Say what is wrong above the fields, keeping the prompt and all it holds."""
        error = self.query_one("#add-error", Static)
        error.update(Text(safe_line(text)))
        error.display = True

    def action_save(self) -> None:
        path = self.query_one("#add-path", Input).value.strip()
        text = self.query_one("#add-text", TextArea).text
        if not path and not text.strip():
            message = "Type or paste the post, or give a file to ingest."
            self.show_error(message)
            self.notify(message, severity="warning")
            return
        if path and not Path(path).expanduser().exists():
            # Caught here (one stat) rather than in the worker, so the prompt stays open.
            message = f"{safe_line(path)}: no such file"
            self.show_error(message)
            self.notify(message, severity="error", markup=False)
            self.query_one("#add-path", Input).focus()
            return
        url = self.query_one("#add-url", Input).value.strip() or None
        handle = self.query_one("#add-handle", Input).value.strip() or None
        self.dismiss(AddRequest(text=text, url=url, handle=handle, path=path or None))

    def action_cancel(self) -> None:
        self.dismiss(None)
