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
from textual.worker import Worker

from db import Store
from db.models import Counts, ItemQuery, PageKey
from desk.tui import loads
from desk.tui.jobs import Job, run_job, worker_error
from desk.tui.messages import (
    FirstPageShown,
    NewRows,
    RowsFetched,
    RowsReread,
    SearchFound,
    SelectRow,
    WindowLoaded,
)
from desk.vocab import TRIAGE_STATES
from widgets.item_list import ItemList, row_key


class DeskList(ItemList):
    """Pane 1, fed from the store: keyset pages, reloads, live refresh, search."""

    @dataclass
    class Listed(Message):
        """For the header: how many items the list holds, and how many arrived above."""

        listed: str | None
        new_above: int

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

    def reload_at(self, anchor: PageKey | None, cursor_id: int | None, *, bottom: bool) -> None:
        generation = self.new_generation()
        job = loads.window(self.source(), generation, anchor, cursor_id, bottom=bottom)
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
        )
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
        )
        self.show_listed()

    def on_item_list_jump(self, event: ItemList.Jump) -> None:
        """`g`/`G` past the loaded window: reload at the top or the bottom."""
        event.stop()
        self.reload(keep_cursor=False, bottom=event.where == "bottom")

    # -- after a write ------------------------------------------------------------

    def refresh_rows(self, select: int | None = None) -> None:
        """Re-read the rows near the view and fetch new ones above; `select` one just added."""
        self.trim_to_view()
        top = row_key(self.rows[0]) if self.rows and self.at_top else None
        job = loads.refresh(
            self.source(),
            self.generation,
            top=top,
            empty=not self.rows,
            ids=self.ids_near_view(),
            select=select,
        )
        self._run(job, "refresh")

    def on_rows_reread(self, message: RowsReread) -> None:
        """Changed rows in place; rows that now hide (just discarded) leave the list."""
        message.stop()
        if message.generation != self.generation:
            return
        self.update_rows(message.rows)
        if message.hidden:
            self.reload()  # around the cursor's row; if it went, the next one below

    def on_new_rows(self, message: NewRows) -> None:
        message.stop()
        if message.generation != self.generation:
            return
        self.prepend_new(message.rows)
        if message.more:
            self.more_above = True
        self.show_listed()

    def on_select_row(self, message: SelectRow) -> None:
        message.stop()
        if message.generation == self.generation:
            index = self.index_of(message.item_id)
            if index is not None:
                self.move_to(index)

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
