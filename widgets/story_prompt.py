"""The palette's "Story: new…" and "Story: rename…": a slug and a title, or a title.

The modal only collects what the user typed; the screen creates or renames
the story in a write worker once it has closed. When the verb refuses (a
bad slug, a slug taken, an empty title) the worker posts `Failed`, and the
screen opens the prompt again with what was typed and the error above it,
so nothing typed is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from desk.text import safe_line
from widgets.fields import NextOnEnter
from widgets.keys import bindings


@dataclass(frozen=True)
class StoryRequest:
    """A new story (`rename` None: `slug` and `title`), or a new title for `rename`'s story."""

    slug: str = ""
    title: str = ""
    rename: str | None = None
    """The slug of the story to retitle; None: make a new story."""


class StoryPrompt(ModalScreen[StoryRequest | None]):
    """Slug then title (enter goes on, enter on the title saves); rename shows the title only."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("prompt")

    @dataclass
    class Failed(Message):
        """The verb refused after the prompt closed: open it again with `request`, `error`."""

        request: StoryRequest
        error: str

    DEFAULT_CSS = """
    StoryPrompt #story-error { color: $error; }
    """

    def __init__(self, request: StoryRequest | None = None, error: str | None = None) -> None:
        super().__init__()
        self.request = request or StoryRequest()
        self.error = error

    def compose(self) -> ComposeResult:
        request = self.request
        if request.rename is None:
            title = "New story: a slug (lower-case words and hyphens) and a title"
        else:
            title = f"Rename the story {safe_line(request.rename)}"
        with Vertical(classes="prompt"):
            yield Label(Text(title), classes="title")
            yield Static(Text(safe_line(self.error or "")), id="story-error")
            if request.rename is None:
                yield NextOnEnter(
                    value=request.slug, placeholder="slug: harbor-fire", id="story-slug"
                )
            yield Input(value=request.title, placeholder="title: Harbor fire", id="story-title")
            yield Static(Text("enter: next / save   escape cancel", "dim"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#story-error").display = bool(self.error)
        if self.request.rename is None and (not self.request.slug or self.error):
            self.query_one("#story-slug", Input).focus()
        else:
            self.query_one("#story-title", Input).focus()

    @on(Input.Submitted, "#story-title")
    def submitted(self) -> None:
        """Enter on the title saves (enter on the slug moves on: `NextOnEnter`)."""
        title = self.query_one("#story-title", Input)
        slug = "" if self.request.rename is not None else self.query_one("#story-slug", Input).value
        self.dismiss(StoryRequest(slug=slug.strip(), title=title.value, rename=self.request.rename))

    def action_cancel(self) -> None:
        self.dismiss(None)
