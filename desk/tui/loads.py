"""The reads behind the list and the panes, as jobs for thread workers.

Each job is a generator: it does the blocking reads and yields the
messages (`desk/tui/messages.py`) that show their results. The list
(`feed.py`) and the screen run jobs with `jobs.run_job`, in a thread worker
that posts each message as it is yielded and stops early if a newer request
cancelled it. The generator is made on the event loop (so its arguments are
the state at the time of asking) but runs entirely in the worker thread.

Nothing here knows about Textual widgets; tests and the bench may run a job
and look at what it yields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from textual.message import Message

from db import Store
from db.models import ItemQuery, ItemRow, PageKey, RecapEntry, Story
from desk.checklist_view import read_checklist
from desk.export.common import citation
from desk.filter_expr import fts_query
from desk.tui import reads
from desk.tui.jobs import Job
from desk.tui.messages import (
    CitationRead,
    DetailLoaded,
    Direction,
    LinkTargetsRead,
    Notice,
    RowsChanged,
    RowsFetched,
    SearchFound,
    SideLoaded,
    StoryChosen,
    TagsRead,
    UrlRead,
    WindowLoaded,
)
from desk.verdicts import scheme_from

PAGE = 200
FIRST_PAGE = 64
"""Rows per keyset page: a few screens, fetched in about a millisecond at any depth."""
BOTTOM = PageKey(sort_at="", id=0)
"""`before=BOTTOM` asks for the oldest rows: every key sorts after it."""


def then(job: Job, *after: Message) -> Job:
    """`job`, then these messages."""
    yield from job
    yield from after


@dataclass(frozen=True)
class ListSource:
    """The list as asked for: which desk, which filter, which order."""

    store: Store
    query: ItemQuery
    order: str
    filtered: bool

    def page(
        self,
        query: ItemQuery | None = None,
        *,
        after: PageKey | None = None,
        before: PageKey | None = None,
        limit: int = PAGE,
    ) -> list[ItemRow]:
        return self.store.page(
            query or self.query, after=after, before=before, limit=limit, order=self.order
        )

    @property
    def hides_discarded(self) -> bool:
        """Whether discarded items are left out (the store's rule: unless shown or asked for)."""
        return not self.query.show_discarded and "discarded" not in self.query.triage

    def empty_text(self, rows: list[ItemRow]) -> str:
        """What the list says when empty; a filter that only discarded items match says so.

        One more keyset read of one row, only when the list came back empty."""
        if not self.filtered:
            return "No items on this desk yet."
        if (
            not rows
            and self.hides_discarded
            and self.page(replace(self.query, show_discarded=True), limit=1)
        ):
            return "No items match the filter; discarded ones do: S shows them."
        return "No items match the filter."


def window(
    source: ListSource,
    generation: int,
    anchor: PageKey | None,
    cursor_id: int | None,
    *,
    bottom: bool = False,
    keep_line: int | None = None,
) -> Job:
    """Fill the list at the top, around `anchor`, or at the bottom.

    The event sequence is read first: live refresh applies every event after
    it, so a commit between the two reads is applied twice (harmless), never
    missed."""
    seq = source.store.last_seq()
    if bottom:
        rows = source.page(before=BOTTOM)
        yield WindowLoaded(
            generation,
            rows,
            cursor_index=len(rows) - 1,
            more_above=len(rows) == PAGE,
            empty_text=source.empty_text(rows),
            seq=seq,
        )
        return
    if anchor is None:
        # A screenful first (what the user waits for); the list asks for
        # the next page itself as the cursor nears the end.
        rows = source.page(limit=FIRST_PAGE)
        yield WindowLoaded(
            generation,
            rows,
            cursor_id=cursor_id,
            more_below=len(rows) == FIRST_PAGE,
            empty_text=source.empty_text(rows),
            seq=seq,
        )
        return
    below = source.page(after=PageKey(anchor.sort_at, anchor.id + 1))
    above = source.page(before=anchor, limit=PAGE // 2)
    rows = above + below
    yield WindowLoaded(
        generation,
        rows,
        cursor_id=cursor_id if cursor_id is not None else anchor.id,
        cursor_index=len(above),
        more_above=len(above) == PAGE // 2,
        more_below=len(below) == PAGE,
        empty_text=source.empty_text(rows),
        seq=seq,
        keep_line=keep_line,
    )


def more_rows(source: ListSource, generation: int, direction: Direction, key: PageKey) -> Job:
    """The next page older (`below`) or newer (`above`) than `key`."""
    seq = source.store.last_seq()
    rows = source.page(after=key) if direction == "below" else source.page(before=key)
    yield RowsFetched(generation, direction, rows, exhausted=len(rows) < PAGE, seq=seq)


def changes(source: ListSource, generation: int, since: int) -> Job:
    """Live refresh: the events after `since`, and the rows they touched as the list's
    filter shows them now (a touched item it does not show is left out: it leaves the
    list). Reads the new events and those rows by id, never a table, so the cost follows
    what changed, not the desk."""
    found = source.store.changes_since(since)
    rows: list[ItemRow] = []
    wanted = set(found.item_ids)
    if source.query.ids:
        wanted &= set(source.query.ids)
    if wanted and not found.broad:
        query = replace(source.query, ids=tuple(sorted(wanted)))
        rows = source.page(query, limit=len(wanted))
    yield RowsChanged(
        generation,
        since,
        found.last_seq,
        found.item_ids,
        rows,
        broad=found.broad,
    )


def search(source: ListSource, text: str, step: int, start: PageKey | None) -> Job:
    """`/`, `n`, `N`: the next match from the cursor, wrapping around once."""
    words = fts_query(text.split())
    combined = f"{source.query.text} {words}" if source.query.text else words
    query = replace(source.query, text=combined)
    wrapped = False
    if step > 0:
        rows = source.page(query, after=start, limit=1)
        if not rows and start is not None:
            rows, wrapped = source.page(query, limit=1), True
    else:
        rows = source.page(query, before=start or BOTTOM, limit=1)
        if not rows and start is not None:
            rows, wrapped = source.page(query, before=BOTTOM, limit=1), True
    if not rows:
        yield Notice(f"Not found: {text}", "warning")
        return
    yield SearchFound(rows[0], wrapped)


def detail(store: Store, item_id: int) -> Job:
    """The open item (links in words, notes) and its checklist under its template."""
    view = reads.item_view(store, item_id)
    yield DetailLoaded(view, read_checklist(store, item_id))


def side(store: Store, now: datetime, story_id: int | None, story: Story | None) -> Job:
    """The side panes for the list's story (or the whole desk)."""
    counts = store.counts(story_id)
    hours = reads.hourly_arrivals(store, now, story_id)
    stories = store.stories()
    if story_id is not None:
        story = next((s for s in stories if s.id == story_id), story)
    elif story is None and stories:
        story = newest(stories)  # the first ingest made one: the header names it from now on
    entries = store.recap(story.id) if story else []
    saved = store.saved_filters()
    sections = store.recap_sections()
    queue = store.queue_count(story_id)
    verdicts = scheme_from(store.verdicts())
    yield SideLoaded(
        story_id, counts, hours, stories, story, entries, saved, sections, queue, verdicts
    )


def newest(stories: Sequence[Story]) -> Story:
    """The story a desk opens on when none is asked for: the one made last (ids grow)."""
    return max(stories, key=lambda s: s.id)


def start(store: Store, story_slug: str | None, now: datetime) -> Job:
    """Start-up: the story the desk opens on, then the side panes (the list reads its
    first screenful in its own worker meanwhile)."""
    stories = store.stories()
    story = None
    if story_slug:
        story = next((s for s in stories if s.slug == story_slug), None)
        if story is None:
            yield Notice(f"no story {story_slug!r} on this desk; showing the newest", "error")
    if story is None and stories:
        story = newest(stories)
    yield StoryChosen(story)
    yield from side(store, now, None, story)


def tags(store: Store, ids: list[int]) -> Job:
    """The desk's tags, for completion, read when asked for: on a big desk counting
    them takes tens of milliseconds, too much to redo on every refresh."""
    yield TagsRead(ids, store.all_tags())


def link_targets(
    store: Store, source: int, label: str, marked: list[int], entries: Sequence[RecapEntry]
) -> Job:
    """What the link picker offers at first: the marked items, the recap entries."""
    found = reads.link_candidates(store, "", source=source, marked=marked, entries=entries)
    yield LinkTargetsRead(source, label, found)


def url(store: Store, item_id: int, *, copy: bool) -> Job:
    """`y` / `o`: the item's URL."""
    yield UrlRead(item_id, store.item(item_id).url, copy)


def cite(store: Store, item_id: int) -> Job:
    """`Y`: the item's citation, credited as the exported page credits it."""
    yield CitationRead(item_id, citation(store.item(item_id)))
