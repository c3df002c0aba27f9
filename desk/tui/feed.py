"""The incoming list as the desk feeds it: `ItemList` plus the reads behind it.

`widgets/item_list.py` shows rows and asks for more by message, and never
touches the store. This subclass lives in the TUI layer, where reads are
allowed: it answers those messages itself, running the jobs of `loads.py`
in thread workers of its own, whose results (`WindowLoaded`, `RowsFetched`
...) are posted back to it. So the list's data flow is in one place, and a
page lands through the list's own short message queue rather than behind
whatever the screen is busy with.

It tells the screen what the header should say with `Listed`, and leaves
the rest (cursor moves, marks, enter) to bubble up as `ItemList` messages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from textual import on
from textual.message import Message
from textual.worker import Worker, WorkerState

from db import Store
from db.models import Counts, ItemQuery, PageKey
from desk.tui import loads
from desk.tui.jobs import Job, run_job, worker_error
from desk.tui.messages import (
    FirstPageShown,
    RowsChanged,
    RowsFetched,
    SearchFound,
    WindowLoaded,
)
from desk.vocab import TRIAGE_STATES
from widgets.item_list import ItemList, row_key

_ENDED = (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED)


class DeskList(ItemList):
    """Pane 1, fed from the store: keyset pages, reloads, live refresh, search."""

    @dataclass
    class Listed(Message):
        """For the header: how many items the list holds, and how many arrived above."""

        listed: str | None
        new_above: int

    @dataclass
    class Changed(Message):
        """Live refresh applied events `since` .. `seq` (none new when equal): the screen
        reloads what else they may touch (counts, recap, the open item)."""

        since: int
        seq: int
        touched: frozenset[int]

    def __init__(
        self,
        store: Store,
        *,
        order: str,
        clock: Callable[[], datetime],
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(clock=clock, id=id, classes=classes)
        self.store = store
        self.order = order
        self.seen_seq = 0
        """The last event the list has applied (or read its window after)."""
        self.select_after: int | None = None
        """An item this user just added: the cursor goes to it once it shows."""
        self._refreshing = False
        self._refresh_again = False
        self.item_query = ItemQuery()
        """The filter, parsed (the screen sets it)."""
        self.filtered = False
        self.counts: tuple[int | None, Counts] | None = None
        """The store's counters for a story (the screen sets them): exact counts for free."""

    def source(self) -> loads.ListSource:
        """The list as it stands: what the workers read pages of."""
        return loads.ListSource(self.store, self.item_query, self.order, self.filtered)

    def _run(self, job: Job, group: str, *, exclusive: bool = True) -> None:
        run_job(self, job, group=group, exclusive=exclusive)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "refresh" and event.state in _ENDED:
            self._refreshing = False
            if self._refresh_again:
                self._refresh_again = False
                self.live_refresh()
        text = worker_error(event)
        if text:
            self.notify(text, title="Error", severity="error", markup=False, timeout=10)

    # -- windows ----------------------------------------------------------------

    def start(self) -> None:
        """The first screenful; then the screen may start watching for changes."""
        generation = self.new_generation()
        first = loads.window(self.source(), generation, None, None)
        self._run(loads.then(first, FirstPageShown()), "window")

    def reload(self, *, keep_cursor: bool = True, bottom: bool = False) -> None:
        """Refill for the current query, keeping the cursor's row when it still shows."""
        row = self.cursor_row if keep_cursor else None
        self.reload_at(row_key(row) if row else None, row.id if row else None, bottom=bottom)

    def reload_at(
        self,
        anchor: PageKey | None,
        cursor_id: int | None,
        *,
        bottom: bool,
        keep_line: int | None = None,
    ) -> None:
        generation = self.new_generation()
        job = loads.window(
            self.source(), generation, anchor, cursor_id, bottom=bottom, keep_line=keep_line
        )
        self._run(job, "window")

    def on_window_loaded(self, message: WindowLoaded) -> None:
        message.stop()
        self.reset(
            message.rows,
            generation=message.generation,
            cursor_id=message.cursor_id,
            cursor_index=message.cursor_index,
            more_above=message.more_above,
            more_below=message.more_below,
            empty_text=message.empty_text,
            keep_line=message.keep_line,
        )
        if message.generation == self.generation:
            # Commits between reading the sequence and the rows are applied again
            # (harmless); any after them, whose refresh this window overtook, now.
            self.seen_seq = message.seq
            self.live_refresh()
        self.show_listed()

    def on_item_list_need_rows(self, event: ItemList.NeedRows) -> None:
        event.stop()
        job = loads.more_rows(self.source(), event.generation, event.direction, event.key)
        self._run(job, "rows", exclusive=False)

    def on_rows_fetched(self, message: RowsFetched) -> None:
        message.stop()
        self.add_rows(
            message.direction,
            message.rows,
            generation=message.generation,
            exhausted=message.exhausted,
            seq=message.seq,
        )
        self.show_listed()

    def on_item_list_jump(self, event: ItemList.Jump) -> None:
        """`g`/`G` past the loaded window: reload at the top or the bottom."""
        event.stop()
        self.reload(keep_cursor=False, bottom=event.where == "bottom")

    # -- live refresh: after a write, ours or another process's ---------------------

    def live_refresh(self, select: int | None = None) -> None:
        """Read the events after the last one applied, and the rows they touched.

        `select`: an item this user just added, to put the cursor on once it shows."""
        if select is not None:
            self.select_after = select
        if self._refreshing:
            # One at a time, and once more when it ends (from the sequence it reached):
            # a burst of commits is one or two reads, and no worker is cancelled.
            self._refresh_again = True
            return
        self._refreshing = True
        job = loads.changes(self.source(), self.generation, self.seen_seq)
        self._run(job, "refresh", exclusive=False)

    def on_rows_changed(self, message: RowsChanged) -> None:
        """Touched rows move to where they sort now, or leave; the cursor keeps its row.

        A message from before a refill, from a job a later one overtook, or landing
        while a window is being read is dropped: the refill reads on from its own
        sequence number, and the later job covers the same events."""
        message.stop()
        if message.generation != self.generation or self.fetching or message.seq < self.seen_seq:
            return
        self.seen_seq = message.seq
        if message.broad:
            row = self.cursor_row
            line = self.cursor - int(self.scroll_offset.y)
            self.reload_at(
                row_key(row) if row else None,
                row.id if row else None,
                bottom=False,
                keep_line=line if row else None,
            )
        else:
            self.apply_changes(message.touched, message.rows, message.seq)
            if self.select_after is not None:
                index = self.index_of(self.select_after)
                self.select_after = None  # once: an item the filter hides is not waited for
                if index is not None:
                    self.move_to(index)
            self.show_listed()
        self.post_message(self.Changed(message.since, message.seq, message.touched))

    # -- search -----------------------------------------------------------------

    def search(self, text: str, step: int) -> None:
        """`/`, `n`, `N`: the next match from the cursor (`Notice` when none)."""
        row = self.cursor_row
        job = loads.search(self.source(), text, step, row_key(row) if row else None)
        self._run(job, "search")

    def on_search_found(self, message: SearchFound) -> None:
        message.stop()
        if message.wrapped:
            self.notify("Search wrapped around.", markup=False)
        index = self.index_of(message.row.id)
        if index is not None:
            self.move_to(index)
        else:
            self.reload_at(row_key(message.row), message.row.id, bottom=False)

    # -- the count --------------------------------------------------------------

    def show_listed(self) -> None:
        """How many items the list holds, for the header (posted as `Listed`).

        Exact, from the store's counters, when the list narrows by story and
        triage only. Otherwise the rows in the loaded window, with `+` while
        more lie beyond it (`64+`): counting a filtered list would scan it (40
        ms at a million rows), so the count firms up as the user pages, and is
        exact once the whole list is loaded."""
        if self.fetching:
            return
        query = self.item_query
        plain = replace(query, story_id=None, show_discarded=False, triage=()) == ItemQuery()
        if plain and self.counts is not None and self.counts[0] == query.story_id:
            counts = self.counts[1]
            states = set(query.triage or TRIAGE_STATES)
            if not query.show_discarded and "discarded" not in query.triage:
                states.discard("discarded")
            listed = str(sum(counts.triage.get(state, 0) for state in states))
        else:
            more = self.more_above or self.more_below
            listed = f"{len(self.rows)}+" if more else str(len(self.rows))
        self.post_message(self.Listed(listed, self.new_above))
