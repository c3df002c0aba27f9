"""The open item: its full clean text and everything the desk knows about it.

The screen builds an `ItemView` in a worker (the item, its links described
in words, its notes) and hands it over with `show`; this pane only lays it
out. All of it is untrusted text, so it is assembled into one
`rich.text.Text` with styles applied by span, never through markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from db.models import Item, Note
from desk.text import safe, safe_line
from widgets.keys import bindings
from widgets.text import long_time


@dataclass(frozen=True)
class LinkView:
    """One link as a reader sees it: which way, what kind, and the other end in words."""

    relation: str
    outgoing: bool
    other: str
    created_by: str


@dataclass(frozen=True)
class ItemView:
    """Everything the detail pane shows about one item."""

    item: Item
    links: tuple[LinkView, ...] = ()
    notes: tuple[Note, ...] = ()


def describe_item(view: ItemView) -> Text:
    """The whole pane as one Text: fields, the post's text, links, notes."""
    item = view.item
    out = Text()
    label = "bold"
    muted = "dim"

    def field(name: str, value: str, style: str = "") -> None:
        out.append(f"{name:<9}", muted)
        out.append(value + "\n", style)

    out.append(f"#{item.id} ", label)
    out.append(f"{item.kind} on {safe_line(item.platform)}", label)
    out.append(f"   triage: {item.triage}   verdict: {item.verdict}\n", "bold")
    if item.title:
        out.append(safe_line(item.title) + "\n", "bold")
    author = safe_line(item.author_name)
    if item.author_handle:
        author = (author + " " if author else "") + "@" + safe_line(item.author_handle)
    field("author", author or "unknown")
    field("posted", long_time(item.posted_at, item.posted_precision, item.posted_tz_known))
    if item.captured_at:
        field("captured", long_time(item.captured_at, "second", annotate=False))
    field("arrived", long_time(item.ingested_at, "second", annotate=False))
    field("url", safe_line(item.url) or "none", "underline" if item.url else "")
    if item.tags:
        field("tags", ", ".join(safe_line(tag) for tag in item.tags), "italic")
    if item.verdict_reason:
        field("reason", safe_line(item.verdict_reason))
    for media in item.media:
        alt = f" ({safe_line(media.alt)})" if media.alt else ""
        field("media", f"{safe_line(media.type)} {safe_line(media.url)}{alt}")
    if item.source_file:
        where = safe_line(item.source_file)
        if item.source_record is not None:
            where += f" record {item.source_record}"
        field("source", where)
    out.append("\n")
    out.append(safe(item.text) + "\n")
    out.append("\n")
    if view.links:
        out.append(f"Links ({len(view.links)})\n", label)
        for link in view.links:
            arrow = "->" if link.outgoing else "<-"
            out.append(f"  {arrow} {link.relation:<13} ", muted)
            out.append(safe_line(link.other) + "\n")
    else:
        out.append("No links.\n", muted)
    if view.notes:
        out.append(f"Notes ({len(view.notes)})\n", label)
        for note in view.notes:
            when = long_time(note.created_at, "minute", annotate=False)
            out.append(f"  {safe_line(note.author)}, {when}\n", muted)
            for line in safe(note.text).splitlines() or [""]:
                out.append(f"    {line}\n")
    else:
        out.append("No notes.\n", muted)
    return out


class ItemDetail(VerticalScroll, can_focus=True):
    """Pane 2: the open item, scrollable with j/k when focused."""

    BINDING_GROUP_TITLE = "Item"
    BINDINGS: ClassVar[list[BindingType]] = bindings("item")

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.view: ItemView | None = None

    def compose(self) -> ComposeResult:
        yield Static(
            Text("No item open. Move in the list; enter opens one.", "dim"), id="detail-body"
        )

    def show(self, view: ItemView | None) -> None:
        """Show an item (None: nothing is open), keeping the scroll position for the same item."""
        same = view is not None and self.view is not None and view.item.id == self.view.item.id
        self.view = view
        body = self.query_one("#detail-body", Static)
        if view is None:
            body.update(Text("No item open.", "dim"))
        else:
            body.update(describe_item(view))
        if not same:
            self.scroll_home(animate=False)

    @property
    def text(self) -> str:
        """What the pane shows, as plain text (for tests and the screen reader of a test)."""
        return describe_item(self.view).plain if self.view else ""
