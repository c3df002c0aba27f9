"""What the desk's workers report: one typed message per kind of result.

Every store read and every verb runs in a thread worker (see `loads.py` and
`writes.py`); a worker ends by posting one of these to the main screen,
which routes it to the pane that shows it. Being messages, the data flow is
visible to tests (`run_test(message_hook=...)`) and each result is handled
in one named place. A worker that fails with an exception reaches the
screen's one worker-error handler instead; `Notice` is for what a worker
has to say besides its result (a partial failure, a summary).

harlequin's `app.py` is the model: `@work` methods that post
`QueriesExecuted`, and one `Worker.StateChanged` handler for errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from textual.message import Message
from textual.notifications import SeverityLevel

from db.models import Counts, ItemRow, RecapEntry, Story
from desk.checklist_records import ChecklistView
from widgets.item_detail import ItemView
from widgets.link_picker import Candidate

Direction = Literal["above", "below"]


@dataclass
class WindowLoaded(Message):
    """A fresh window of the list (after a filter, a jump, a reload)."""

    generation: int
    rows: Sequence[ItemRow]
    cursor_id: int | None = None
    cursor_index: int = 0
    more_above: bool = False
    more_below: bool = False
    empty_text: str = "No items."


@dataclass
class RowsFetched(Message):
    """The page the list asked for with `NeedRows`."""

    generation: int
    direction: Direction
    rows: Sequence[ItemRow]
    exhausted: bool


@dataclass
class RowsReread(Message):
    """Fresh copies of the rows on screen after a write; `hidden` now hide (discarded)."""

    generation: int
    rows: Sequence[ItemRow]
    hidden: frozenset[int] = frozenset()


@dataclass
class NewRows(Message):
    """Rows that arrived above the top row (newest first); `more`: even more above them."""

    generation: int
    rows: Sequence[ItemRow]
    more: bool


@dataclass
class SelectRow(Message):
    """Put the cursor on this item once it is in the window (an item the user added)."""

    generation: int
    item_id: int


@dataclass
class DetailLoaded(Message):
    """The open item and its checklist (`view` None: nothing to open)."""

    view: ItemView | None
    checklist: ChecklistView | None = None


@dataclass
class StoryChosen(Message):
    """At start-up: the story the desk opens on."""

    story: Story | None


@dataclass
class SideLoaded(Message):
    """Counts, arrivals per hour, stories, the recap and saved filters: what a write changes."""

    story_id: int | None
    counts: Counts
    hours: Sequence[int]
    stories: Sequence[Story]
    story: Story | None
    entries: Sequence[RecapEntry]
    saved: Sequence[tuple[str, str]]
    sections: Sequence[str] = ()
    """The desk's recap template, in order (`Store.recap_sections`)."""
    queue: int | None = None
    """Kept items with a required step open: the verification queue (`Q`)."""


@dataclass
class FirstPageShown(Message):
    """The first page of the list is read: live refresh may start."""


@dataclass
class SearchFound(Message):
    """The next match of `/`; `wrapped`: found by starting over from the other end."""

    row: ItemRow
    wrapped: bool


@dataclass
class UrlRead(Message):
    """An item's URL, to copy (`y`) or to show (`o`)."""

    item_id: int
    url: str | None
    copy: bool


@dataclass
class CitationRead(Message):
    """`Y`: an item's citation (`Display Name (@handle), Month D, YYYY, URL`), to copy."""

    item_id: int
    text: str


@dataclass
class TagsRead(Message):
    """The desk's tags with their counts, for the tag prompt on `ids`."""

    ids: Sequence[int]
    tags: Sequence[tuple[str, int]]


@dataclass
class LinkTargetsRead(Message):
    """What the link picker offers before anything is typed."""

    source: int
    label: str
    candidates: Sequence[Candidate]


@dataclass
class StoryWritten(Message):
    """A story made or retitled from the palette: work on it (`created`) or show its title."""

    story: Story
    created: bool


@dataclass
class Written(Message):
    """A write went in: refresh what it touched; `select` an item it added."""

    select: int | None = None


@dataclass
class Notice(Message):
    """One line for the user (never markup): a summary, or a part that failed."""

    text: str
    severity: SeverityLevel = "information"
    title: str = ""
    timeout: float | None = field(default=None)


@dataclass
class DeskChanged(Message):
    """Another process committed; coalesced so a burst of commits is one refresh."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, DeskChanged)


@dataclass
class EntrySaved(Message):
    """A recap entry added or changed from the editor: the recap's cursor goes to it."""

    entry_id: int


@dataclass
class VerdictRefused(Message):
    """`verified` refused for required steps still open: the screen offers the override."""

    ids: Sequence[int]
    verdict: str
    reason: str | None
    missing: Sequence[str]


@dataclass
class DeskGone(Message):
    """The desk file was deleted, moved or replaced under the app (`Store.file_problem`)."""

    reason: str
