"""The open item: its full clean text and everything the desk knows about it.

The screen builds an `ItemView` in a worker (the item, its links described
in words, its notes) and hands it over with `show`; this pane only lays it
out. All of it is untrusted text, so it is assembled into one
`rich.text.Text` with styles applied by span, never through markup.

Links come a page at a time: an item can have thousands (5,283 on the last
item of a 100k desk, which took 2.6 s and 94 MB to lay out in full), so the
view holds the counts by relation and the first page, and `m` asks for the
next page through the view's `more` reader, run in this pane's own thread
worker (the reader reads the store; the pane only calls it). The pane's
cost follows what is on screen, not the item's links.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from db.models import Item, ItemCopy, Note
from desk.identity import who
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


LINK_PAGE = 25
"""Links per page in the item pane: about a screenful."""


@dataclass(frozen=True)
class LinkPage:
    """Some of an item's links, and the key to read on from (None: that was the last)."""

    links: tuple[LinkView, ...]
    after: int | None


LinkReader = Callable[[int, int], LinkPage]
"""`more(after, limit)`: the next page of the open item's links (blocking: a worker's)."""


COPIES_SHOWN = 5
"""Copies of the post listed in the pane; `desk show` lists them all."""


@dataclass(frozen=True)
class ItemView:
    """Everything the detail pane shows about one item.

    `links` are the links loaded so far; `link_counts` (relation, outgoing,
    count) say how many there are in all, and `links_after` where the next
    page starts (None: all are loaded). With no counts, `links` is all of them.
    """

    item: Item
    links: tuple[LinkView, ...] = ()
    notes: tuple[Note, ...] = ()
    link_counts: tuple[tuple[str, bool, int], ...] = ()
    links_after: int | None = None
    more: LinkReader | None = field(default=None, compare=False, repr=False)
    verdict_label: str | None = None
    """The verdict as the desk calls it (`desk verdicts rename`); None: its stored name."""
    copies: tuple[ItemCopy, ...] = ()
    """Every copy of the post the desk was given (issue 12), oldest first; one: no others."""

    @property
    def links_total(self) -> int:
        return sum(n for _, _, n in self.link_counts) if self.link_counts else len(self.links)


def describe_item(view: ItemView, presence: str = "") -> Text:
    """The whole pane as one Text: fields, the post's text, links, notes.

    `presence` (who else has the item open, from other apps) is a line under
    the first; it names other people, so it is cleaned like any desk text."""
    item = view.item
    out = Text()
    label = "bold"
    muted = "dim"

    def field(name: str, value: str, style: str = "") -> None:
        out.append(f"{name:<9}", muted)
        out.append(value + "\n", style)

    out.append(f"#{item.id} ", label)
    out.append(f"{item.kind} on {safe_line(item.platform)}", label)
    verdict = safe_line(view.verdict_label or item.verdict)
    out.append(f"   triage: {safe_line(item.triage)}   verdict: {verdict}\n", "bold")
    if presence:
        out.append(safe_line(presence)[:200] + "\n", "italic")
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
    if len(view.copies) > 1:
        for copy in view.copies[:COPIES_SHOWN]:
            what = safe_line(copy.source_file) or "-"
            if copy.source_format:
                what += f" ({safe_line(copy.source_format)})"
            field("copy", f"{what}  {long_time(copy.ingested_at, 'second', annotate=False)}")
        if len(view.copies) > COPIES_SHOWN:
            more = len(view.copies) - COPIES_SHOWN
            field("", f"... {more:,} more copies: desk show {item.id}", muted)
    out.append("\n")
    out.append(safe(item.text) + "\n")
    out.append("\n")
    if view.links:
        total = view.links_total
        out.append(f"Links ({total:,})\n", label)
        if total > len(view.links):
            for outgoing in (True, False):
                counts = [(r, n) for r, o, n in view.link_counts if o == outgoing]
                if counts:
                    arrow = "->" if outgoing else "<-"
                    out.append(f"  {arrow} " + ", ".join(f"{n:,} {r}" for r, n in counts) + "\n")
        for link in view.links:
            arrow = "->" if link.outgoing else "<-"
            out.append(f"  {arrow} {link.relation:<13} ", muted)
            out.append(safe_line(link.other) + "\n")
        rest = total - len(view.links)
        if rest > 0 and view.links_after is not None:
            out.append(f"  ... {rest:,} more: m shows the next {min(rest, LINK_PAGE)}\n", muted)
    else:
        out.append("No links.\n", muted)
    if view.notes:
        out.append(f"Notes ({len(view.notes)})\n", label)
        for note in view.notes:
            when = long_time(note.created_at, "minute", annotate=False)
            out.append(f"  {who(note.author, note.os_user)}, {when}\n", muted)
            for line in safe(note.text).splitlines() or [""]:
                out.append(f"    {line}\n")
    else:
        out.append("No notes.\n", muted)
    return out


class ItemDetail(VerticalScroll, can_focus=True):
    """Pane 2: the open item, scrollable with j/k when focused."""

    BINDING_GROUP_TITLE = "Item"
    BINDINGS: ClassVar[list[BindingType]] = bindings("item")

    @dataclass
    class LinksRead(Message):
        """A page of links read by the pane's worker, for the item it was asked for."""

        item_id: int
        after: int
        page: LinkPage

    @dataclass
    class ToRecap(Message):
        """`enter`: back to the recap entry the open item sources (the screen finds it)."""

        item_id: int | None

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.view: ItemView | None = None
        self.presence: tuple[int, str] | None = None
        """Who else has an item open (item id, the words): shown while that item is."""

    def compose(self) -> ComposeResult:
        yield Static(
            Text("No item open. Move in the list; enter opens one.", "dim"), id="detail-body"
        )

    def show(self, view: ItemView | None) -> None:
        """Show an item (None: nothing is open), keeping the scroll position for the same item.

        The same item shown again (a refresh after a write) keeps the links the
        user paged to: as many are read again, in the pane's worker.
        """
        same = view is not None and self.view is not None and view.item.id == self.view.item.id
        had = len(self.view.links) if same and self.view is not None else 0
        self.view = view
        self._draw()
        if not same:
            self.scroll_home(animate=False)
        elif view is not None and had > len(view.links) and view.links_after is not None:
            self._read_links(view, view.links_after, had - len(view.links))

    def show_presence(self, item_id: int, text: str) -> None:
        """`also open: bob (editing checklist)` for `item_id` ('' : nobody else)."""
        if self.presence == (item_id, text):
            return
        self.presence = (item_id, text)
        if self.view is not None and self.view.item.id == item_id:
            self._draw()

    @property
    def presence_text(self) -> str:
        """Who else has the shown item open, as the header line says it ('' : nobody)."""
        if self.view is None or self.presence is None or self.presence[0] != self.view.item.id:
            return ""
        return self.presence[1]

    def _draw(self) -> None:
        body = self.query_one("#detail-body", Static)
        if self.view is None:
            body.update(Text("No item open.", "dim"))
        else:
            body.update(describe_item(self.view, self.presence_text))

    def action_more_links(self) -> None:
        """`m`: the next page of the open item's links."""
        view = self.view
        if view is None or view.links_after is None or view.more is None:
            return
        self._read_links(view, view.links_after, LINK_PAGE)

    def action_to_recap(self) -> None:
        self.post_message(self.ToRecap(self.view.item.id if self.view else None))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`m more links` shows in the footer only while there are more to read."""
        if action == "more_links":
            return self.view is not None and self.view.links_after is not None
        return True

    def _read_links(self, view: ItemView, after: int, limit: int) -> None:
        if view.more is not None:
            self._links_worker(view.item.id, view.more, after, limit)

    @work(thread=True, group="more-links", exclusive=True, exit_on_error=False)
    def _links_worker(self, item_id: int, more: LinkReader, after: int, limit: int) -> None:
        """Off the event loop: the reader puts each link's other end into words."""
        self.post_message(self.LinksRead(item_id, after, more(after, limit)))

    def on_item_detail_links_read(self, message: LinksRead) -> None:
        view = self.view
        if view is None or view.item.id != message.item_id or view.links_after != message.after:
            return  # another item, or a page already added
        self.view = replace(
            view, links=view.links + message.page.links, links_after=message.page.after
        )
        self._draw()
        self.refresh_bindings()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A page that could not be read says so in one line; the pane keeps what it has."""
        event.stop()  # ours: the screen's error handler would say it twice
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            text = safe_line(str(event.worker.error))[:300]
            self.notify(text, title="Error", severity="error", markup=False)

    @property
    def text(self) -> str:
        """What the pane shows, as plain text (for tests and the screen reader of a test)."""
        return describe_item(self.view, self.presence_text).plain if self.view else ""
