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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from textual.message import Message
from textual.notifications import SeverityLevel

from db.models import Counts, ItemRow, RecapEntry, Story
from desk.checklist_records import ChecklistView
from desk.errors import Clash
from desk.verdicts import VerdictScheme
from widgets.item_detail import ItemView
from widgets.link_picker import Candidate
from widgets.recap_editor import EntryRequest

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
    seq: int = 0
    """The last event before the rows were read: live refresh goes on from there."""
    keep_line: int | None = None
    """The screen line the cursor's row stays on (a refill under live refresh)."""


@dataclass
class RowsFetched(Message):
    """The page the list asked for with `NeedRows`."""

    generation: int
    direction: Direction
    rows: Sequence[ItemRow]
    exhausted: bool
    seq: int = 0
    """The last event before the page was read: changes after it are applied over it."""


@dataclass
class RowsChanged(Message):
    """Live refresh: the events after `since` up to `seq` touched `touched`; `rows` are
    those of them the list's filter shows now (the others leave it). `broad`: the events
    reach further than rows (or were too many): the list refills around its cursor."""

    generation: int
    since: int
    seq: int
    touched: frozenset[int]
    rows: Sequence[ItemRow]
    broad: bool = False


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
    verdicts: VerdictScheme | None = None
    """The desk's verdicts: labels, letters, keys (`desk verdicts`), read with the rest."""


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
    seen: Mapping[int, str] = field(default_factory=dict)
    """The verdicts the user saw: the override is still checked against them."""


@dataclass
class EntryConflicted(Message):
    """The recap editor's save found the entry changed by a colleague since it opened:
    nothing was saved. The screen asks: keep theirs, use mine, or (escape) edit again."""

    request: EntryRequest
    story_id: int
    section_was: str | None
    theirs: RecapEntry
    error: str


@dataclass
class ValueConflicted(Message):
    """A colleague set the triage or verdict after the user saw it: nothing was written.

    The screen asks (`widgets.conflict_choice`) whether to keep theirs or use
    mine, then writes the answer (`writes.after_conflict`).
    """

    column: str
    """`triage` or `verdict`."""
    ids: Sequence[int]
    value: str
    reason: str | None
    override: str | None
    seen: Mapping[int, str]
    clashes: Sequence[Clash]


@dataclass
class DeskGone(Message):
    """The desk file was deleted, moved or replaced under the app (`Store.file_problem`)."""

    reason: str
