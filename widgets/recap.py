"""The story's recap, read-only for now (editing comes in a later issue).

Shows the sections in their fixed order, each entry with its date as
people write it, its headline, confidence and source items; entries that
the open item sources are marked with `*` so the link is visible without
colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from db.models import RecapEntry, Story
from desk.text import safe, safe_line
from widgets.keys import bindings


def describe_recap(
    story: Story | None, entries: Sequence[RecapEntry], open_item: int | None = None
) -> Text:
    """The recap as one Text, section by section."""
    out = Text()
    if story is None:
        out.append("No story on this desk yet.\n", "dim")
        return out
    out.append(safe_line(story.title) + "\n", "bold")
    out.append(f"story {safe_line(story.slug)}, {len(entries)} entries\n", "dim")
    section = None
    for entry in entries:
        if entry.section != section:
            section = entry.section
            out.append(f"\n{section.upper()}\n", "bold underline")
        sourced = open_item is not None and open_item in entry.source_item_ids
        out.append("* " if sourced else "  ", "bold")
        if entry.date_text:
            out.append(safe_line(entry.date_text) + ": ", "italic")
        out.append(safe_line(entry.headline), "bold" if sourced else "")
        out.append(f" [{safe_line(entry.confidence)}]", "dim")
        if entry.source_item_ids:
            out.append(" src " + " ".join(f"#{i}" for i in entry.source_item_ids), "dim")
        out.append(f"  (entry {entry.id})\n", "dim")
        if entry.body:
            for line in safe(entry.body).splitlines():
                out.append(f"    {line}\n")
    if not entries:
        out.append("\nThe recap is empty.\n", "dim")
    return out


class RecapPane(VerticalScroll, can_focus=True):
    """Pane 3: the recap of the current story."""

    BINDING_GROUP_TITLE = "Recap"
    BINDINGS: ClassVar[list[BindingType]] = bindings("recap")

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.story: Story | None = None
        self.entries: tuple[RecapEntry, ...] = ()
        self.open_item: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("Loading the recap...", "dim"), id="recap-body")

    def show(
        self, story: Story | None, entries: Sequence[RecapEntry], open_item: int | None = None
    ) -> None:
        self.story, self.entries, self.open_item = story, tuple(entries), open_item
        self.query_one("#recap-body", Static).update(describe_recap(story, entries, open_item))

    def mark_item(self, open_item: int | None) -> None:
        """Re-mark the entries the open item sources, without refetching."""
        if open_item != self.open_item:
            self.show(self.story, self.entries, open_item)

    @property
    def text(self) -> str:
        return describe_recap(self.story, self.entries, self.open_item).plain
