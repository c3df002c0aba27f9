"""The main screen: the panes, every desk key, and the workers behind them.

This is the one place where the TUI touches the desk. Every store read and
every verb runs in a thread worker (`@work(thread=True)`), so the event
loop only ever moves a cursor or paints lines; results come back through
`_ui`, which hands a callback to the event loop from any thread, to run in
order and ahead of the screen's queued messages.

Layout by width: 150 columns and more show all four panes side by side
(list | item | recap over checklist); from 110 the list sits beside one
other pane; below that one pane fills the screen and `1`-`4`/`tab` switch
between them (a tab line shows which).

Live refresh: a watcher thread reads `PRAGMA data_version` every 250 ms
(it changes when another process commits); on a
change new rows are fetched above the top row and prepended without moving
the row under the cursor, the rows on screen are re-read, and the counts,
the open item and the recap are reloaded.
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import shlex
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import Worker, WorkerState, get_current_worker

from db import Store
from db.models import ItemQuery, ItemRow, PageKey, RecapEntry, Story
from desk import verbs
from desk.errors import USER_ERRORS
from desk.filter_expr import fts_query, parse_filter
from desk.text import safe_line
from desk.tui import reads
from desk.tui.watch import DeskWatcher
from desk.vocab import DEFAULT_CHECKLIST
from widgets.add_item import AddItemPrompt, AddRequest
from widgets.checklist import ChecklistPane
from widgets.footer import DeskFooter
from widgets.header import DeskHeader, HeaderInfo, PaneTabs
from widgets.item_detail import ItemDetail, ItemView
from widgets.item_list import ItemList, row_key
from widgets.keys import bindings
from widgets.link_picker import LinkPicker, LinkRequest
from widgets.note_editor import NoteEditor
from widgets.prompts import (
    FilterPrompt,
    FilterRequest,
    SearchPrompt,
    TagPrompt,
    TriageChooser,
    VerdictChooser,
    VerdictRequest,
    plural,
)
from widgets.recap import RecapPane
from widgets.stats import StatsBar

PAGE = 200
FIRST_PAGE = 64
"""Rows per keyset page: a few screens, fetched in about a millisecond at any depth."""
POLL_SECONDS = 0.25
DETAIL_DELAY = 0.12
"""The open item follows the cursor after this pause, so holding `j` costs no reads."""
PANES: tuple[str, ...] = ("list", "detail", "recap", "checklist")
WIDE = 150
MEDIUM = 110
BOTTOM = PageKey(sort_at="", id=0)
"""`before=BOTTOM` asks for the oldest rows: every key sorts after it."""


@dataclass
class _DeskChanged(Message):
    """Another process committed; coalesced so a burst of commits is one refresh."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, _DeskChanged)


class MainScreen(Screen[None]):
    """The desk: incoming list, open item, recap, checklist."""

    AUTO_FOCUS = "#items"
    BINDINGS: ClassVar[list[BindingType]] = bindings("desk")

    def __init__(
        self,
        store: Store,
        *,
        desk_path: Path,
        actor: str,
        order: str = "posted",
        story_slug: str | None = None,
        editor: str | None = None,
        unicode: bool = True,
        clock: Callable[[], datetime],
    ) -> None:
        super().__init__()
        self.store = store
        self.desk_path = desk_path
        self.actor = actor
        self.order = order
        self.story_slug = story_slug
        self.editor = editor
        self.unicode = unicode
        self.clock = clock
        self.item_query = ItemQuery()
        self.filter_text = ""
        self.search_text = ""
        self.active_pane = "list"
        self.side_pane = "detail"
        self.story: Story | None = None
        self.stories: list[Story] = []
        self.entries: list[RecapEntry] = []
        self.saved_filters: list[tuple[str, str]] = []
        self.open_view: ItemView | None = None
        self._detail_timer: Timer | None = None
        self._watcher: DeskWatcher | None = None

    # -- layout -------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield DeskHeader(HeaderInfo(desk=self.desk_path.name, user=self.actor), id="header")
        yield PaneTabs(id="tabs")
        yield StatsBar(unicode=self.unicode, id="stats")
        with Horizontal(id="panes"):
            yield ItemList(clock=self.clock, id="items", classes="pane")
            yield ItemDetail(id="detail", classes="pane")
            with Vertical(id="side"):
                yield RecapPane(id="recap", classes="pane")
                yield ChecklistPane(id="checklist", classes="pane")
        yield DeskFooter(compact=True)

    @property
    def items(self) -> ItemList:
        return self.query_one("#items", ItemList)

    def pane(self, name: str) -> Widget:
        return self.query_one("#items" if name == "list" else f"#{name}")

    def on_mount(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._loop_context = contextvars.copy_context()
        titles = {
            "list": "1 Incoming",
            "detail": "2 Item",
            "recap": "3 Recap",
            "checklist": "4 Checklist",
        }
        for name, title in titles.items():
            self.pane(name).border_title = title
        self._layout()
        self._start(self.items.generation)

    def on_resize(self) -> None:
        self._layout()

    def _mode(self) -> str:
        width = self.size.width
        return "wide" if width >= WIDE else "medium" if width >= MEDIUM else "narrow"

    def _layout(self) -> None:
        """Show the panes that fit: all, the list and one other, or the active one."""
        mode = self._mode()
        for cls in ("-wide", "-medium", "-narrow"):
            self.set_class(cls == f"-{mode}", cls)
        if mode == "wide":
            shown = set(PANES)
        elif mode == "medium":
            shown = {"list", self.side_pane}
        else:
            shown = {self.active_pane}
        for name in PANES:
            self.pane(name).display = name in shown
        self.query_one("#side").display = bool(shown & {"recap", "checklist"})
        self.query_one("#tabs", PaneTabs).display = mode != "wide"
        self.query_one("#tabs", PaneTabs).show(self.active_pane)

    def action_focus_pane(self, name: str) -> None:
        """`1`-`4`: show (if hidden) and focus a pane."""
        self.active_pane = name
        if name != "list":
            self.side_pane = name
        self._layout()
        self.pane(name).focus()

    def action_cycle_pane(self, step: int) -> None:
        index = PANES.index(self.active_pane) if self.active_pane in PANES else 0
        self.action_focus_pane(PANES[(index + step) % len(PANES)])

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        widget = event.widget
        for name in PANES:
            pane = self.pane(name)
            if widget is pane or pane in widget.ancestors:
                if name != self.active_pane:
                    self.active_pane = name
                    if name != "list":
                        self.side_pane = name
                    self.query_one("#tabs", PaneTabs).show(name)
                break

    def _header(self, **changes: object) -> None:
        header = self.query_one("#header", DeskHeader)
        header.show(header.info.but(**changes))

    # -- plumbing -------------------------------------------------------------------

    def _ui(self, callback: Callable[..., None], *args: Any, **kwargs: Any) -> None:
        """From a worker thread: run `callback(*args)` on the event loop, next.

        Straight onto the loop, in the screen's own context: posted as a
        message it would queue behind the screen's other messages (a modal
        closing, a layout), which measured 30 ms between a filter's rows
        being read and being shown.
        """
        self._loop.call_soon_threadsafe(
            partial(callback, *args, **kwargs), context=self._loop_context
        )

    def _error(self, text: str) -> None:
        """A one-line error as a notification (from any thread); never markup."""
        self._ui(self.notify, text, title="Error", severity="error", markup=False, timeout=8)

    def _info(self, text: str) -> None:
        self._ui(self.notify, text, markup=False)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """A bug or a database error in a worker: say so in one line, keep the desk open."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            text = (
                str(error) if isinstance(error, USER_ERRORS) else f"{type(error).__name__}: {error}"
            )
            self.notify(
                safe_line(text)[:300], title="Error", severity="error", markup=False, timeout=10
            )

    # -- start-up -------------------------------------------------------------------

    @work(thread=True, group="start", exit_on_error=False)
    def _start(self, generation: int) -> None:
        """The first page is the first full screen; the side panes come after it."""
        stories = self.store.stories()
        story = None
        if self.story_slug:
            story = next((s for s in stories if s.slug == self.story_slug), None)
            if story is None:
                self._error(f"no story {self.story_slug!r} on this desk; showing the biggest")
        if story is None and stories:
            story = max(stories, key=lambda s: (self.store.counts(s.id).total, s.id))
        self._ui(self._header, story=story.title if story else None)
        self._load_window(generation, None, None)
        self._ui(self._mark_ready)
        self._read_side(None, story)

    class Ready(Message):
        """The first page is on screen (the app tunes the garbage collector then)."""

    def _mark_ready(self) -> None:
        """The first page is up: from now on, commits by others refresh the desk."""
        self.post_message(self.Ready())
        self._watcher = DeskWatcher(
            self.store, lambda: self.post_message(_DeskChanged()), interval=POLL_SECONDS
        )
        self._watcher.start()

    # -- the list -------------------------------------------------------------------

    def _page(
        self,
        query: ItemQuery,
        *,
        after: PageKey | None = None,
        before: PageKey | None = None,
        limit: int = PAGE,
    ) -> list[ItemRow]:
        return self.store.page(query, after=after, before=before, limit=limit, order=self.order)

    def _load_window(
        self,
        generation: int,
        anchor: PageKey | None,
        cursor_id: int | None,
        *,
        bottom: bool = False,
    ) -> None:
        """Blocking: fill the list at the top, around `anchor`, or at the bottom."""
        query = self.item_query
        empty = "No items match the filter." if self.filter_text else "No items on this desk yet."
        if bottom:
            rows = self._page(query, before=BOTTOM)
            self._ui(
                self.items.reset,
                rows,
                generation=generation,
                cursor_index=len(rows) - 1,
                more_above=len(rows) == PAGE,
                empty_text=empty,
            )
            return
        if anchor is None:
            # A screenful first (what the user waits for); the list asks for
            # the next page itself as the cursor nears the end.
            rows = self._page(query, limit=FIRST_PAGE)
            self._ui(
                self.items.reset,
                rows,
                generation=generation,
                cursor_id=cursor_id,
                more_below=len(rows) == FIRST_PAGE,
                empty_text=empty,
            )
            return
        below = self._page(query, after=PageKey(anchor.sort_at, anchor.id + 1))
        above = self._page(query, before=anchor, limit=PAGE // 2)
        self._ui(
            self.items.reset,
            above + below,
            generation=generation,
            cursor_id=cursor_id if cursor_id is not None else anchor.id,
            cursor_index=len(above),
            more_above=len(above) == PAGE // 2,
            more_below=len(below) == PAGE,
            empty_text=empty,
        )

    def reload(self, *, keep_cursor: bool = True, bottom: bool = False) -> None:
        """Refill the list for the current query, keeping the cursor's row when it still shows."""
        row = self.items.cursor_row if keep_cursor else None
        generation = self.items.new_generation()
        self._reload(generation, row_key(row) if row else None, row.id if row else None, bottom)

    @work(thread=True, group="window", exclusive=True, exit_on_error=False)
    def _reload(
        self, generation: int, anchor: PageKey | None, cursor_id: int | None, bottom: bool
    ) -> None:
        self._load_window(generation, anchor, cursor_id, bottom=bottom)

    @on(ItemList.NeedRows)
    def _need_rows(self, event: ItemList.NeedRows) -> None:
        self._fetch_rows(event.direction, event.key, event.generation)

    @work(thread=True, group="rows", exit_on_error=False)
    def _fetch_rows(self, direction: str, key: PageKey, generation: int) -> None:
        if direction == "below":
            rows = self._page(self.item_query, after=key)
        else:
            rows = self._page(self.item_query, before=key)
        self._ui(
            self.items.add_rows,
            direction,
            rows,
            generation=generation,
            exhausted=len(rows) < PAGE,
        )

    @on(ItemList.Jump)
    def _jump(self, event: ItemList.Jump) -> None:
        """`g`/`G` past the loaded window: reload at the top or the bottom."""
        self.reload(keep_cursor=False, bottom=event.where == "bottom")

    @on(ItemList.CursorMoved)
    def _cursor_moved(self, event: ItemList.CursorMoved) -> None:
        self._header(new_above=self.items.new_above)
        if self._detail_timer is not None:
            self._detail_timer.stop()
        if event.item_id is None:
            self._show_detail(None, [])
            return
        if self.open_view is not None and self.open_view.item.id == event.item_id:
            return
        self._detail_timer = self.set_timer(DETAIL_DELAY, partial(self._load_detail, event.item_id))

    @on(ItemList.Opened)
    def _opened(self, event: ItemList.Opened) -> None:
        """`enter`: open the item now (no pause) and go to its pane."""
        if self._detail_timer is not None:
            self._detail_timer.stop()
        self._load_detail(event.item_id)
        self.action_focus_pane("detail")

    @on(ItemList.MarksChanged)
    def _marks_changed(self, event: ItemList.MarksChanged) -> None:
        had_marks = self.query_one(DeskHeader).info.marked > 0
        self._header(marked=event.count)
        if had_marks != (event.count > 0):
            # `esc clear marks` comes or goes; the footer is laid out again (some 20 ms),
            # so only when it changes, not on every `v`.
            self.refresh_bindings()

    # -- the other panes ------------------------------------------------------------

    @work(thread=True, group="detail", exclusive=True, exit_on_error=False)
    def _load_detail(self, item_id: int) -> None:
        try:
            view = reads.item_view(self.store, item_id)
        except USER_ERRORS as exc:
            self._error(str(exc))
            return
        steps = self.store.checklist(item_id, DEFAULT_CHECKLIST)
        if get_current_worker().is_cancelled:
            return
        self._ui(self._show_detail, view, steps)

    def _show_detail(self, view: ItemView | None, steps: Sequence[Any]) -> None:
        self.open_view = view
        item_id = view.item.id if view else None
        self.query_one(ItemDetail).show(view)
        self.query_one(ChecklistPane).show(item_id, steps)
        self.query_one(RecapPane).mark_item(item_id)

    def _load_side(self) -> None:
        """Counts, sparkline, recap, saved filters: what changes when the desk does."""
        self._side_worker(self.item_query.story_id, self.story)

    @work(thread=True, group="side", exclusive=True, exit_on_error=False)
    def _side_worker(self, story_id: int | None, story: Story | None) -> None:
        self._read_side(story_id, story)

    def _read_side(self, story_id: int | None, story: Story | None) -> None:
        """Blocking: the side panes for the list's story (or the whole desk)."""
        counts = self.store.counts(story_id)
        hours = reads.hourly_arrivals(self.store, self.clock(), story_id)
        stories = self.store.stories()
        if story_id is not None:
            story = next((s for s in stories if s.id == story_id), story)
        entries = self.store.recap(story.id) if story else []
        saved = self.store.saved_filters()
        self._ui(self._show_side, counts, hours, stories, story, entries, saved)

    def _show_side(
        self,
        counts: Any,
        hours: list[int],
        stories: list[Story],
        story: Story | None,
        entries: list[RecapEntry],
        saved: list[tuple[str, str]],
    ) -> None:
        self.stories, self.story, self.entries = stories, story, entries
        self.saved_filters = saved
        self.query_one(StatsBar).show(counts, hours)
        open_id = self.open_view.item.id if self.open_view else None
        self.query_one(RecapPane).show(story, entries, open_id)
        self._header(story=story.title if story else None)

    # -- live refresh ---------------------------------------------------------------

    def on__desk_changed(self, message: _DeskChanged) -> None:
        self.refresh_desk()

    def refresh_desk(self, select: int | None = None) -> None:
        """After any write (ours or another process's): new rows, changed rows, side panes.

        `select`: an item this user just added, to put the cursor on once it shows.
        """
        items = self.items
        items.trim_to_view()
        top = row_key(items.rows[0]) if items.rows and items.at_top else None
        self._refresh_rows(items.generation, top, not items.rows, items.ids_near_view(), select)
        if self.open_view is not None:
            self._load_detail(self.open_view.item.id)
        self._load_side()

    @work(thread=True, group="refresh", exclusive=True, exit_on_error=False)
    def _refresh_rows(
        self,
        generation: int,
        top: PageKey | None,
        empty: bool,
        ids: list[int],
        select: int | None,
    ) -> None:
        if empty:
            self._load_window(generation, None, select)
            return
        if ids:
            fresh = self._page(ItemQuery(ids=tuple(ids), show_discarded=True), limit=len(ids))
            self._ui(self._update_rows, generation, fresh)
        if top is not None:
            rows = self._page(self.item_query, before=top)
            if rows:
                self._ui(self._prepend, generation, rows, len(rows) == PAGE)
        if select is not None:
            self._ui(self._select, generation, select)

    def _select(self, generation: int, item_id: int) -> None:
        if generation == self.items.generation:
            index = self.items.index_of(item_id)
            if index is not None:
                self.items.move_to(index)

    def _update_rows(self, generation: int, rows: list[ItemRow]) -> None:
        if generation == self.items.generation:
            self.items.update_rows(rows)

    def _prepend(self, generation: int, rows: list[ItemRow], more: bool) -> None:
        if generation != self.items.generation:
            return
        self.items.prepend_new(rows)
        if more:
            self.items.more_above = True
        self._header(new_above=self.items.new_above)

    # -- search and filter ----------------------------------------------------------

    def action_search(self) -> None:
        """`/`: find words (full text), from the cursor down; `n`/`N` go on."""
        self.app.push_screen(SearchPrompt(self.search_text), self._search_entered)

    def _search_entered(self, text: str | None) -> None:
        if not text:
            return
        if fts_query(text.split()) is None:
            self.notify("Nothing to search for.", severity="warning")
            return
        first = not self.search_text
        self.search_text = text
        self._header(search=text)
        if first:
            self.refresh_bindings()  # `n next` shows in the footer from now on
        self.action_search_next(1)

    def action_search_next(self, step: int) -> None:
        if not self.search_text:
            self.notify("No search yet: press / first.", severity="warning")
            return
        row = self.items.cursor_row
        self._search(self.search_text, step, row_key(row) if row else None)

    @work(thread=True, group="search", exclusive=True, exit_on_error=False)
    def _search(self, text: str, step: int, start: PageKey | None) -> None:
        words = fts_query(text.split())
        combined = f"{self.item_query.text} {words}" if self.item_query.text else words
        query = replace(self.item_query, text=combined)
        wrapped = False
        if step > 0:
            rows = self._page(query, after=start, limit=1)
            if not rows and start is not None:
                rows, wrapped = self._page(query, limit=1), True
        else:
            rows = self._page(query, before=start or BOTTOM, limit=1)
            if not rows and start is not None:
                rows, wrapped = self._page(query, before=BOTTOM, limit=1), True
        if not rows:
            self._ui(self.notify, f"Not found: {text}", severity="warning", markup=False)
            return
        self._ui(self._found, rows[0], wrapped)

    def _found(self, row: ItemRow, wrapped: bool) -> None:
        if wrapped:
            self.notify("Search wrapped around.", markup=False)
        index = self.items.index_of(row.id)
        if index is not None:
            self.items.move_to(index)
        else:
            generation = self.items.new_generation()
            self._reload(generation, row_key(row), row.id, False)

    def action_filter(self) -> None:
        """`\\`: filter by tag, triage, platform, verdict, handle, time, story, words."""
        prompt = FilterPrompt(
            self.filter_text,
            self.saved_filters,
            stories=[story.slug for story in self.stories],
            read_tags=self.store.all_tags,  # run in the prompt's worker: tab completes tags
        )
        self.app.push_screen(prompt, self._filter_entered)

    def _filter_entered(self, request: FilterRequest | None) -> None:
        if request is None:
            return
        self.apply_filter(request.expr, save_as=request.save_as)

    def apply_filter(self, expr: str, *, save_as: str | None = None) -> None:
        """Parse (on the loop: it is pure), then reload the list in a worker."""
        by_slug = {s.slug: s.id for s in self.stories}
        try:
            query = parse_filter(expr, story_lookup=by_slug.get) if expr else ItemQuery()
        except USER_ERRORS as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        story_changed = query.story_id != self.item_query.story_id
        self.item_query = replace(
            query, show_discarded=query.show_discarded or self.item_query.show_discarded
        )
        self.filter_text = expr
        self._header(filter=expr or None)
        self.items.action_clear_marks()  # marks on rows that may no longer show would surprise
        self.reload(keep_cursor=False)
        if story_changed:
            self._load_side()  # counts, sparkline and recap follow the story
        if save_as:
            self._write(f"Saved filter {save_as}", verbs.save_filter, save_as, expr)

    def action_toggle_discarded(self) -> None:
        """`S`: show or hide discarded items (they are hidden, never deleted)."""
        show = not self.item_query.show_discarded
        self.item_query = replace(self.item_query, show_discarded=show)
        self._header(show_discarded=show)
        self.notify("Showing discarded items." if show else "Hiding discarded items.")
        self.reload()

    def set_story(self, story: Story | None) -> None:
        """From the palette: work on one story (list, counts and recap), or on all items."""
        if story is None:
            self.apply_filter("")
            return
        self.story = story
        self.apply_filter(f"story:{story.slug}")

    # -- actions on items -----------------------------------------------------------

    def _targets(self) -> list[int]:
        ids = self.items.target_ids
        if not ids:
            self.notify("No item here.", severity="warning")
        return ids

    def _cursor_item(self) -> int | None:
        item_id = self.items.cursor_id
        if item_id is None:
            self.notify("No item here.", severity="warning")
        return item_id

    @work(thread=True, group="write", exit_on_error=False)
    def _write(
        self, done: str | Callable[[Any], str], verb: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> Any:
        """Run one verb; say what happened (`done`, or `done(result)`); refresh what it touched."""
        try:
            result = verb(self.store, self.actor, *args, **kwargs)
        except USER_ERRORS as exc:
            self._error(str(exc))
            return None
        self._info(done if isinstance(done, str) else done(result))
        self._ui(self.refresh_desk)
        return result

    def action_tag(self) -> None:
        """`t`: `+add -remove !toggle` on the marked items or the one under the cursor."""
        ids = self._targets()
        if ids:
            self._open_tag_prompt(ids)

    @work(thread=True, group="picker", exclusive=True, exit_on_error=False)
    def _open_tag_prompt(self, ids: list[int]) -> None:
        """The desk's tags, for completion, read when asked for: on a big desk counting
        them takes tens of milliseconds, too much to redo on every refresh."""
        tags = self.store.all_tags()
        self._ui(self.app.push_screen, TagPrompt(len(ids), tags), partial(self._tag_entered, ids))

    def _tag_entered(self, ids: list[int], ops: str | None) -> None:
        if ops:
            self._write(partial(_tag_summary, ops, len(ids)), verbs.tag, ids, [ops])

    def action_triage(self) -> None:
        """`s` then `k` keep, `f` flag, `d` discard."""
        ids = self._targets()
        if ids:
            self.app.push_screen(TriageChooser(len(ids)), partial(self.triage_to, ids))

    def action_set_triage(self, state: str) -> None:
        """Triage without the chooser (the palette's keep/flag/discard commands)."""
        self.triage_to(None, state)

    def triage_to(self, ids: list[int] | None, state: str | None) -> None:
        if not state:
            return
        ids = ids if ids is not None else self._targets()
        if ids:
            self._write(f"{plural(len(ids), 'item')} {state}.", verbs.set_triage, ids, state)

    def action_verdict(self) -> None:
        """`r`: rate: unverified, in progress, verified, false, misleading, unverifiable."""
        ids = self._targets()
        if ids:
            current = self.open_view.item.verdict if self.open_view else None
            self.app.push_screen(
                VerdictChooser(len(ids), current), partial(self._verdict_entered, ids)
            )

    def _verdict_entered(self, ids: list[int], request: VerdictRequest | None) -> None:
        if request:
            self._write(
                f"{plural(len(ids), 'item')} rated {request.verdict}.",
                verbs.set_verdict,
                ids,
                request.verdict,
                request.reason,
            )

    def action_annotate(self) -> None:
        """`a`: write a note on the item under the cursor, in the app."""
        item_id = self._cursor_item()
        if item_id is not None:
            self.app.push_screen(
                NoteEditor(f"Note on #{item_id}"), partial(self._note_entered, item_id)
            )

    def _note_entered(self, item_id: int, text: str | None) -> None:
        if text:
            self._write(f"Note added to #{item_id}.", verbs.annotate, item_id, text)

    def _editor_command(self) -> list[str] | None:
        command = self.editor or os.environ.get("VISUAL") or os.environ.get("EDITOR")
        return shlex.split(command) if command else None

    def action_edit_note(self) -> None:
        """`e`: write the note in `$EDITOR`; the in-app editor where that cannot work."""
        item_id = self._cursor_item()
        if item_id is None:
            return
        command = self._editor_command()
        if not command:
            self.app.push_screen(
                NoteEditor(f"Note on #{item_id}", reason="No $EDITOR set: write the note here."),
                partial(self._note_entered, item_id),
            )
            return
        handle, name = tempfile.mkstemp(prefix="desk-note-", suffix=".txt")
        os.close(handle)
        path = Path(name)
        try:
            try:
                with self.app.suspend():
                    code = subprocess.call([*command, str(path)])
            except SuspendNotSupported:
                self.app.push_screen(
                    NoteEditor(
                        f"Note on #{item_id}",
                        reason="This terminal cannot hand over to $EDITOR: write the note here.",
                    ),
                    partial(self._note_entered, item_id),
                )
                return
            except OSError as exc:
                self.notify(
                    f"Cannot run {command[0]}: {exc.strerror}", severity="error", markup=False
                )
                return
            text = path.read_text(encoding="utf-8", errors="replace")
        finally:
            path.unlink(missing_ok=True)
        if code != 0:
            self.notify(
                f"{command[0]} exited with {code}; note not saved.",
                severity="warning",
                markup=False,
            )
        elif text.strip():
            self._note_entered(item_id, text)
        else:
            self.notify("Empty note; nothing saved.", markup=False)

    def action_link(self) -> None:
        """`l`: link the cursor's item to the marked items, an item, or a recap entry."""
        row = self.items.cursor_row
        if row is None:
            self.notify("No item here.", severity="warning")
            return
        marked = [i for i in self.items.target_ids if i != row.id] if self.items.marks else []
        self._open_link_picker(row.id, safe_line(row.first_line)[:60], marked, list(self.entries))

    @work(thread=True, group="picker", exclusive=True, exit_on_error=False)
    def _open_link_picker(
        self, source: int, label: str, marked: list[int], entries: list[RecapEntry]
    ) -> None:
        candidates = reads.link_candidates(
            self.store, "", source=source, marked=marked, entries=entries
        )
        self._ui(
            self.app.push_screen,
            LinkPicker(source, label, candidates),
            self._link_entered,
        )

    def lookup_link_targets(self, event: LinkPicker.Lookup) -> None:
        """The link picker wants candidates for what was typed (forwarded by the app)."""
        self._lookup(event.picker, event.text, list(self.entries))

    @work(thread=True, group="lookup", exclusive=True, exit_on_error=False)
    def _lookup(self, picker: LinkPicker, text: str, entries: list[RecapEntry]) -> None:
        found = reads.link_candidates(
            self.store, text, source=picker.source, marked=[], entries=entries
        )
        if not get_current_worker().is_cancelled:
            self._ui(picker.show_candidates, found)

    def _link_entered(self, request: LinkRequest | None) -> None:
        if request is not None:
            self._link(request)

    @work(thread=True, group="write", exit_on_error=False)
    def _link(self, request: LinkRequest) -> None:
        made = 0
        for target in request.targets:
            try:
                if request.kind == "entry":
                    result = verbs.link(
                        self.store,
                        self.actor,
                        request.source,
                        dst_entry=target,
                        relation=request.relation,
                    )
                else:
                    result = verbs.link(
                        self.store,
                        self.actor,
                        request.source,
                        dst_item=target,
                        relation=request.relation,
                    )
            except USER_ERRORS as exc:
                self._error(str(exc))
                continue
            made += result.link is not None
            for warning in result.warnings:
                self._ui(self.notify, warning, title="Warning", severity="warning", markup=False)
        what = "recap entry" if request.kind == "entry" else "item"
        if made:
            self._info(f"#{request.source} {request.relation} {plural(made, what)}.")
        elif request.targets:
            self._info("Already linked; nothing changed.")
        self._ui(self.refresh_desk)

    def action_checklist(self) -> None:
        """`c`: the open item's verification checklist (editing comes in a later issue)."""
        item_id = self.items.cursor_id
        if item_id is not None and (self.open_view is None or self.open_view.item.id != item_id):
            self._load_detail(item_id)
        self.action_focus_pane("checklist")

    def action_undo(self) -> None:
        """`u`: undo my last action (through the event log; colleagues' work is left alone)."""
        self._write(_undo_summary, verbs.undo)

    def action_copy_url(self) -> None:
        """`y`: copy the URL with OSC 52 (reaches the clipboard over SSH) and show it."""
        item_id = self._cursor_item()
        if item_id is not None:
            self._with_url(item_id, copy=True)

    def action_show_url(self) -> None:
        """`o`: show the URL (to select, or to open by hand)."""
        item_id = self._cursor_item()
        if item_id is not None:
            self._with_url(item_id, copy=False)

    @work(thread=True, group="url", exclusive=True, exit_on_error=False)
    def _with_url(self, item_id: int, *, copy: bool) -> None:
        try:
            url = self.store.item(item_id).url
        except USER_ERRORS as exc:
            self._error(str(exc))
            return
        self._ui(self._url_ready, item_id, url, copy)

    def _url_ready(self, item_id: int, url: str | None, copy: bool) -> None:
        if not url:
            self.notify(f"#{item_id} has no URL.", severity="warning")
            return
        url = safe_line(url)
        if copy:
            self.app.copy_to_clipboard(url)
            self.notify(url, title="Copied to the clipboard", markup=False, timeout=10)
        else:
            self.notify(url, title=f"URL of #{item_id}", markup=False, timeout=15)

    def action_add_item(self) -> None:
        """`i`: type or paste a post, or give a file to ingest."""
        self.app.push_screen(AddItemPrompt(), self._add_entered)

    def _add_entered(self, request: AddRequest | None) -> None:
        if request is not None:
            self._add(request)

    @work(thread=True, group="write", exit_on_error=False)
    def _add(self, request: AddRequest) -> None:
        story_id = self.item_query.story_id or (self.story.id if self.story else None)
        added: list[int] = []
        try:
            if request.path:
                from desk.ingest.pipeline import ingest_paths

                path = Path(request.path).expanduser()
                for report in ingest_paths(self.store, [path], actor=self.actor, story_id=story_id):
                    self._report(report)
                    added.extend(report.item_ids)
            elif request.url or request.handle:
                item = verbs.add_item(
                    self.store,
                    self.actor,
                    text=request.text,
                    url=request.url,
                    handle=request.handle,
                    story_id=story_id,
                )
                self._info(f"Added #{item.id}.")
                added.append(item.id)
            else:
                from desk.ingest.pipeline import ingest_bytes

                data = request.text.encode("utf-8", errors="surrogatepass")
                report = ingest_bytes(
                    self.store, data, "typed in the desk", actor=self.actor, story_id=story_id
                )
                self._report(report)
                added.extend(report.item_ids)
        except USER_ERRORS as exc:
            self._error(str(exc))
        self._ui(self.refresh_desk, max(added) if added else None)

    def _report(self, report: Any) -> None:
        if report.error:
            self._error(report.error)
            return
        text = f"{report.source}: {report.new} new, {report.duplicates} already here"
        if report.links:
            text += f", {report.links} links"
        if report.rejected:
            text += f", {len(report.rejected)} rejected (first: {report.rejected[0]})"
        self._info(text)

    # -- the rest -------------------------------------------------------------------

    def action_help(self) -> None:
        from desk.tui.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_quit(self) -> None:
        self.app.exit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer shows `n next match` only while there is a search."""
        if action == "search_next":
            return bool(self.search_text)
        return True

    def on_unmount(self) -> None:
        if self._detail_timer is not None:
            self._detail_timer.stop()
        if self._watcher is not None:
            self._watcher.stop()


def _tag_summary(ops: str, count: int, changes: dict[int, Any]) -> str:
    if not changes:
        return f"Tags already so on {plural(count, 'item')}; nothing changed."
    return f"{ops} on {plural(len(changes), 'item')}."


def _undo_summary(result: verbs.UndoResult) -> str:
    text = f"Undid {result.undone.kind} (event {result.undone.seq})."
    if result.skipped:
        text += " Left alone: " + "; ".join(result.skipped)
    return text
