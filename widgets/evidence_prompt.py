"""`E` in the checklist: attach evidence to a step, a file's path (tab completes it) or a URL.

A file is kept inside the desk by its sha256, never altered; a URL is kept
as it is written. The prompt only collects what was typed; when the verb
refuses (no such file, a folder, too big) the screen opens it again with
the path and the reason, so nothing typed is lost.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label, Static

from desk.text import safe_line
from widgets.keys import bindings

MAX_LISTED = 500
"""Entries of one folder looked at for a completion (a huge folder costs no more)."""


def complete_path(value: str) -> str | None:
    """`~/shots/fr` -> `~/shots/frame-01.png` (the first entry that starts so; a folder
    gets its `/`); None for a URL, nothing that matches, or an unreadable folder."""
    if not value or value.startswith(("http://", "https://")):
        return None
    folder, _, stem = value.rpartition("/")
    base = (
        Path(os.path.expanduser(folder or "."))
        if folder or not value.startswith("/")
        else Path("/")
    )
    try:
        with os.scandir(base) as entries:
            names = sorted(
                (
                    entry.name + ("/" if entry.is_dir() else "")
                    for _, entry in zip(range(MAX_LISTED), entries, strict=False)
                ),
            )
    except OSError:
        return None
    for name in names:
        if name.startswith(stem) and len(name) > len(stem) and not name.startswith("."):
            return f"{folder}/{name}" if folder or value.startswith("/") else name
    return None


class PathSuggester(Suggester):
    """Shows the completion of a path in grey; tab or right takes it."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return complete_path(value)


@dataclass(frozen=True)
class EvidenceRequest:
    item_id: int
    step: str
    value: str


class EvidencePrompt(ModalScreen[EvidenceRequest | None]):
    """A path or a URL; enter attaches, escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("evidence", "prompt")

    @dataclass
    class Failed(Message):
        """The verb refused: open the prompt again with `request` and `error`."""

        request: EvidenceRequest
        error: str

    DEFAULT_CSS = """
    EvidencePrompt #evidence-error { color: $error; }
    """

    def __init__(self, request: EvidenceRequest, error: str | None = None) -> None:
        super().__init__()
        self.request = request
        self.error = error

    def compose(self) -> ComposeResult:
        request = self.request
        with Vertical(classes="prompt"):
            yield Label(
                Text(f"Evidence for {safe_line(request.step)} on #{request.item_id}"),
                classes="title",
            )
            yield Static(Text(safe_line(self.error or "")), id="evidence-error")
            yield Input(
                value=request.value,
                placeholder="a file (screenshot, video, archived page) or https://…",
                suggester=PathSuggester(),
                id="evidence-value",
            )
            yield Static(
                Text("tab completes a path   enter attaches   escape cancels", "dim"),
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#evidence-error").display = bool(self.error)
        self.query_one("#evidence-value", Input).focus()

    def action_complete(self) -> None:
        field = self.query_one("#evidence-value", Input)
        completed = complete_path(field.value)
        if completed:
            field.value = completed
            field.cursor_position = len(completed)

    @on(Input.Submitted, "#evidence-value")
    def submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if value:
            self.dismiss(EvidenceRequest(self.request.item_id, self.request.step, value))

    def action_cancel(self) -> None:
        self.dismiss(None)
