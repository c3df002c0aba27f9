"""The main screen: the panes, the desk's keys, and the routing between them.

The screen composes the panes, lays them out by width, turns a key into a
modal or a worker, and routes each worker's result message to the pane that
shows it. The work itself lives elsewhere: the list's pages, reloads and
refreshes in `feed.py` (the list runs its own reads), the reads in
`loads.py`, the verbs in `writes.py`, the wording in `summaries.py`, the
`$EDITOR` hand-over in `editor.py`, the messages in `messages.py`, the
worker plumbing in `jobs.py`. Every store read and every verb runs in a
thread worker, so the event loop only ever moves a cursor or paints lines.

Layout by width (`HORIZONTAL_BREAKPOINTS`): 150 columns and more show all
four panes side by side (list | item | recap over checklist); from 110 the
list sits beside one other pane; below that one pane fills the screen and
`1`-`4`/`tab` switch between them (a tab line shows which). Which panes show
follows the reactive `active_pane` and `side_pane`.

Live refresh: a watcher thread reads `PRAGMA data_version` every 100 ms (it
changes when another process commits); on a change the list reads the
events after the last one it applied and the rows they touched, and puts
each where it sorts now (or takes it out), the row under the cursor staying
on its screen line (`DeskList.live_refresh`); then the counts, the open item
and the recap are reloaded. The same path follows this user's own writes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import Worker

from db import Store
from db.models import ItemQuery, RecapEntry, Story
from desk import verbs
from desk.errors import USER_ERRORS
from desk.filter_expr import fts_query, parse_filter
from desk.text import safe_line
from desk.tui import editor, loads, reads, summaries, writes
from desk.tui.checklist_keys import ChecklistKeys
from desk.tui.conflicts import ConflictKeys, ConflictsCounted, ConflictsRead
from desk.tui.feed import DeskList
from desk.tui.help import HelpScreen
from desk.tui.jobs import Job, error_line, run_job, worker_error
from desk.tui.messages import (
    CitationRead,
    DeskChanged,
    DeskGone,
    DetailLoaded,
    EntryConflicted,
    EntrySaved,
    FirstPageShown,
    LinkTargetsRead,
    Notice,
    SideLoaded,
    StoryChosen,
    StoryWritten,
    TagsRead,
    UrlRead,
    ValueConflicted,
    VerdictRefused,
    Written,
)
from desk.tui.presence import PresenceKeeper, PresenceRead
from desk.tui.recap_keys import RecapKeys
from desk.tui.watch import DeskWatcher
from desk.verdicts import BUILTIN, VerdictScheme
from desk.vocab import RECAP_SECTIONS
from widgets.add_item import AddItemPrompt, AddRequest
from widgets.checklist import ChecklistPane
from widgets.conflict_choice import ConflictChoice
from widgets.evidence_prompt import EvidencePrompt
from widgets.footer import DeskFooter
from widgets.header import DeskHeader, HeaderInfo, PaneTabs
from widgets.item_detail import ItemDetail, ItemView
from widgets.item_list import ItemList
from widgets.keys import bindings
from widgets.link_picker import Candidate, LinkPicker, LinkRequest
from widgets.note_editor import NoteEditor
from widgets.prompts import (
    FilterPrompt,
    FilterRequest,
    SearchPrompt,
    TagPrompt,
    TriageChooser,
    VerdictChooser,
    VerdictRequest,
)
from widgets.recap import RecapPane
from widgets.recap_editor import RecapEntryEditor
from widgets.stats import StatsBar
from widgets.story_prompt import StoryPrompt, StoryRequest

POLL_SECONDS = 0.1
"""`PRAGMA data_version` costs microseconds: a tenth of a second keeps p95 well inside 250 ms."""
GONE_NOTICE_SECONDS = 24 * 3600.0
"""The vanished-desk notice stays up (a day: Textual notifications have a timeout)."""
DETAIL_DELAY = 0.12
"""The open item follows the cursor after this pause, so holding `j` costs no reads."""
PANES: tuple[str, ...] = ("list", "detail", "recap", "checklist")
WIDE = 150
MEDIUM = 110
TITLES = {"list": "1 Incoming", "detail": "2 Item", "recap": "3 Recap", "checklist": "4 Checklist"}


class MainScreen(Screen[None]):
    """The desk: incoming list, open item, recap, checklist."""

    AUTO_FOCUS = "#items"
    BINDINGS: ClassVar[list[BindingType]] = bindings("desk")
    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"),
        (MEDIUM, "-medium"),
        (WIDE, "-wide"),
    ]

    active_pane: reactive[str] = reactive("list", init=False)
    """The pane with the focus (the one shown alone on a narrow screen)."""
    side_pane: reactive[str] = reactive("detail", init=False)
    """The pane shown beside the list on a medium screen: the last one chosen."""
    search_text: reactive[str] = reactive("", bindings=True)
    """The last `/` search; `n next` shows in the footer once there is one."""
    has_marks: reactive[bool] = reactive(False, bindings=True)
    """Whether anything is marked: `esc clear marks` shows in the footer only then. The
    footer is laid out again when it changes (some 20 ms): so on the first `v`, not on each."""

    class Ready(Message):
        """The first page is on screen (the app tunes the garbage collector then)."""

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
        self.filter_text = ""
        self.story: Story | None = None
        self.stories: list[Story] = []
        self.entries: list[RecapEntry] = []
        self.sections: tuple[str, ...] = RECAP_SECTIONS
        self.verdicts: VerdictScheme = BUILTIN
        """The desk's verdicts (`desk verdicts`), read with the side panes: live."""
        self.recap_keys = RecapKeys(self)
        self.checklist_keys = ChecklistKeys(self)
        self.conflict_keys = ConflictKeys(self)
        self.saved_filters: list[tuple[str, str]] = []
        self.open_view: ItemView | None = None
        self._detail_timer: Timer | None = None
        self._watcher: DeskWatcher | None = None
        self.presence = PresenceKeeper(self)

    # -- layout -------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield DeskHeader(HeaderInfo(desk=self.desk_path.name, user=self.actor), id="header")
        yield PaneTabs(id="tabs").data_bind(active=MainScreen.active_pane)
        yield StatsBar(unicode=self.unicode, id="stats")
        with Horizontal(id="panes"):
            yield DeskList(
                self.store, order=self.order, clock=self.clock, id="items", classes="pane"
            )
            yield ItemDetail(id="detail", classes="pane")
            with Vertical(id="side"):
                yield RecapPane(id="recap", classes="pane")
                yield ChecklistPane(id="checklist", classes="pane")
        yield DeskFooter(compact=True)

    @property
    def items(self) -> DeskList:
        return self.query_one("#items", DeskList)

    @property
    def item_query(self) -> ItemQuery:
        """The list's filter, parsed (the list holds it: it reads the pages)."""
        return self.items.item_query

    def pane(self, name: str) -> Widget:
        return self.query_one("#items" if name == "list" else f"#{name}")

    def on_mount(self) -> None:
        for name, title in TITLES.items():
            self.pane(name).border_title = title
        self._layout()
        if self.store.read_only is not None:
            self._header(writes_off="read-only")
            self.notify(
                f"This desk is read-only: {self.store.read_only}. Reading, searching and "
                "export work; keys that write say so.",
                title="Read-only",
                severity="warning",
                markup=False,
                timeout=30,
            )
        self.items.start()  # the first screenful first: the story and side panes after it

    def on_resize(self) -> None:
        self._layout()

    def watch_active_pane(self) -> None:
        self._layout()
        self.presence.moved()  # the checklist focused (or left): others see "editing"

    def watch_side_pane(self) -> None:
        self._layout()

    def _layout(self) -> None:
        """Show the panes that fit: all, the list and one other, or the active one."""
        width = self.size.width
        if width >= WIDE:
            shown = set(PANES)
        elif width >= MEDIUM:
            shown = {"list", self.side_pane}
        else:
            shown = {self.active_pane}
        for name in PANES:
            self.pane(name).display = name in shown
        self.query_one("#side").display = bool(shown & {"recap", "checklist"})

    def action_focus_pane(self, name: str) -> None:
        """`1`-`4`: show (if hidden) and focus a pane."""
        self.active_pane = name
        if name != "list":
            self.side_pane = name
        # At once, not `focus()` (which waits for the next idle): the keys of a burst
        # behind `1`-`4` (a paste, a slow SSH link) then go to the pane they were meant for.
        self.set_focus(self.pane(name))

    def action_cycle_pane(self, step: int) -> None:
        index = PANES.index(self.active_pane) if self.active_pane in PANES else 0
        self.action_focus_pane(PANES[(index + step) % len(PANES)])

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        for name in PANES:
            pane = self.pane(name)
            if event.widget is pane or pane in event.widget.ancestors:
                self.active_pane = name
                if name != "list":
                    self.side_pane = name
                break

    def _header(self, **changes: object) -> None:
        header = self.query_one("#header", DeskHeader)
        header.show(header.info.but(**changes))

    # -- workers --------------------------------------------------------------------

    def _run(self, job: Job, *, group: str, exclusive: bool = True) -> None:
        """A job of `loads` or `writes` in a thread worker; its messages come here."""
        run_job(self, job, group=group, exclusive=exclusive)

    def write(self, done: str | Callable[[Any], str], verb: Callable[..., Any], *args: Any) -> None:
        """One verb in a worker; writes never cancel each other."""
        self.run_write(writes.verb(self.store, self.actor, done, verb, *args))

    def run_job_of(self, group: str, job: Job) -> None:
        """A read job of a helper (`ConflictKeys`) in its own worker group."""
        self._run(job, group=group)

    def run_write(self, job: Job) -> None:
        """A job of `writes` in a worker of the write group (never cancelled by another)."""
        self._run(job, group="write", exclusive=False)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """A refusal, a bug or a database error in a worker: one line; the desk stays open."""
        text = worker_error(event)
        if text:
            self.notify(text, title="Error", severity="error", markup=False, timeout=10)

    def on_notice(self, message: Notice) -> None:
        self.notify(
            message.text,
            title=message.title,
            severity=message.severity,
            markup=False,
            timeout=message.timeout,
        )

    # -- start-up -------------------------------------------------------------------

    def on_story_chosen(self, message: StoryChosen) -> None:
        self._header(story=message.story.title if message.story else None)

    def on_first_page_shown(self, message: FirstPageShown) -> None:
        """The first page is up: now the story and the side panes, and from now on
        commits by others refresh the desk. (Read alongside the first page, they
        slowed it: both want the store.)"""
        self.post_message(self.Ready())
        self._run(loads.start(self.store, self.story_slug, self.clock()), group="start")
        self.conflict_keys.refresh()

        def changed() -> None:  # on the watcher's thread; post_message is thread-safe
            self.post_message(DeskChanged())

        def gone(reason: str) -> None:  # on the watcher's thread too
            self.post_message(DeskGone(reason))

        self._watcher = DeskWatcher(self.store, changed, interval=POLL_SECONDS, on_gone=gone)
        self._watcher.start()
        self.presence.start()

    def on_desk_gone(self, message: DeskGone) -> None:
        """The desk file was deleted or moved: say so until the app closes; writes are off."""
        self._header(writes_off="desk file gone")
        self.notify(
            f"{message.reason}. Nothing more can be saved to it: writes are off. An open "
            "editor keeps its text (copy it out); restore the file and open the desk again.",
            title="Desk file gone",
            severity="error",
            markup=False,
            timeout=GONE_NOTICE_SECONDS,
        )

    # -- the list -------------------------------------------------------------------

    def reload(self, *, keep_cursor: bool = True, bottom: bool = False) -> None:
        """Refill the list for the current query, keeping the cursor's row when it still shows."""
        self.items.reload(keep_cursor=keep_cursor, bottom=bottom)

    def on_desk_list_listed(self, message: DeskList.Listed) -> None:
        self._header(listed=message.listed, new_above=message.new_above)

    @on(ItemList.CursorMoved)
    def _cursor_moved(self, event: ItemList.CursorMoved) -> None:
        self._header(new_above=self.items.new_above)
        if self._detail_timer is not None:
            self._detail_timer.stop()
        if event.item_id is None:
            self.on_detail_loaded(DetailLoaded(None))
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
        self._header(marked=event.count)
        self.has_marks = event.count > 0

    # -- the other panes ------------------------------------------------------------

    def _load_detail(self, item_id: int) -> None:
        self._run(loads.detail(self.store, item_id), group="detail")

    def on_detail_loaded(self, message: DetailLoaded) -> None:
        view = message.view
        self.open_view = view
        item_id = view.item.id if view else None
        self.query_one(ItemDetail).show(view)
        self.query_one(ChecklistPane).show(message.checklist if view else None)
        self.query_one(RecapPane).mark_item(item_id)
        self.presence.moved()

    def _load_side(self) -> None:
        """Counts, sparkline, recap, saved filters: what changes when the desk does."""
        job = loads.side(self.store, self.clock(), self.item_query.story_id, self.story)
        self._run(job, group="side")
        self.conflict_keys.refresh()

    def show_conflicts(self, count: int) -> None:
        self._header(conflicts=count)

    def on_conflicts_counted(self, message: ConflictsCounted) -> None:
        self.conflict_keys.counted(message)

    def on_conflicts_read(self, message: ConflictsRead) -> None:
        self.conflict_keys.opened(message)

    def action_conflicts(self) -> None:
        """`C`: the merge conflicts, each value with its sides; a number keeps one."""
        self.conflict_keys.open()

    def on_side_loaded(self, message: SideLoaded) -> None:
        self.stories, self.story = list(message.stories), message.story
        self.entries, self.saved_filters = list(message.entries), list(message.saved)
        self.sections = tuple(message.sections) or self.sections
        self.verdicts = message.verdicts or self.verdicts
        self.items.counts = (message.story_id, message.counts)
        self.items.show_verdicts(self.verdicts)
        self.query_one(StatsBar).show(message.counts, message.hours, message.queue, self.verdicts)
        open_id = self.open_view.item.id if self.open_view else None
        self.query_one(RecapPane).show(
            message.story, message.entries, open_id, self.sections, self.verdicts
        )
        self._header(story=message.story.title if message.story else None)
        self.items.show_listed()

    def open_item(self, item_id: int) -> None:
        """Open an item in the item pane (from the recap's `enter`), the list's cursor on
        it when the list holds it."""
        index = self.items.index_of(item_id)
        if index is not None:
            self.items.move_to(index)
        if self._detail_timer is not None:
            self._detail_timer.stop()
        self._load_detail(item_id)
        self.action_focus_pane("detail")

    # -- the recap ------------------------------------------------------------------

    def on_recap_pane_requested(self, message: RecapPane.Requested) -> None:
        self.recap_keys.handle(message)

    def on_recap_entry_editor_failed(self, message: RecapEntryEditor.Failed) -> None:
        self.recap_keys.failed(message)

    def on_entry_conflicted(self, message: EntryConflicted) -> None:
        self.recap_keys.conflicted(message)

    def on_entry_saved(self, message: EntrySaved) -> None:
        self.recap_keys.saved(message.entry_id)

    def on_item_detail_to_recap(self, message: ItemDetail.ToRecap) -> None:
        self.recap_keys.back(message.item_id)

    # -- live refresh ---------------------------------------------------------------

    def on_desk_changed(self, message: DeskChanged) -> None:
        self.refresh_desk()

    def on_written(self, message: Written) -> None:
        self.refresh_desk(message.select)

    def refresh_desk(self, select: int | None = None) -> None:
        """After any write (ours or another process's): the list reads the new events and
        the rows they touched (`DeskList.live_refresh`); then `DeskList.Changed`.

        `select`: an item this user just added, to put the cursor on once it shows.
        """
        self.items.live_refresh(select)

    def on_desk_list_changed(self, message: DeskList.Changed) -> None:
        """New events applied to the list: the counts, the recap and the open item follow.
        A commit with no event (a colleague's presence beat) reloads none of them."""
        if message.seq > message.since:
            if self.open_view is not None:
                self._load_detail(self.open_view.item.id)
            self._load_side()
        self.presence.read()  # another app's beat is a commit with no event

    # -- presence (`desk/tui/presence.py`) ----------------------------------------

    @property
    def open_item_id(self) -> int | None:
        return self.open_view.item.id if self.open_view else None

    def run_presence(self, job: Job) -> None:
        self._run(job, group="presence", exclusive=False)  # a beat is never cancelled

    def on_presence_read(self, message: PresenceRead) -> None:
        self.query_one(ItemDetail).show_presence(message.item_id, message.text)

    def on_screen_suspend(self) -> None:
        self.presence.moved()  # a recap entry's editor opened over the desk

    def on_screen_resume(self) -> None:
        self.presence.moved()

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
        self.search_text = text
        self._header(search=text)
        self.action_search_next(1)

    def action_search_next(self, step: int) -> None:
        if not self.search_text:
            self.notify("No search yet: press / first.", severity="warning")
            return
        self.items.search(self.search_text, step)

    def action_filter(self) -> None:
        """`\\`: filter by tag, triage, platform, verdict, handle, time, story, words."""
        prompt = FilterPrompt(
            self.filter_text,
            self.saved_filters,
            stories=[story.slug for story in self.stories],
            read_tags=self.store.all_tags,  # run in the prompt's worker: tab completes tags
            verdicts=self.verdicts,
        )
        self.app.push_screen(prompt, self._filter_entered)

    def _filter_entered(self, request: FilterRequest | None) -> None:
        if request is not None:
            self.apply_filter(request.expr, save_as=request.save_as)

    def apply_filter(self, expr: str, *, save_as: str | None = None, bottom: bool = False) -> None:
        """Parse (on the loop: it is pure), then reload the list in a worker."""
        by_slug = {s.slug: s.id for s in self.stories}
        try:
            query = (
                parse_filter(expr, story_lookup=by_slug.get, verdicts=self.verdicts)
                if expr
                else ItemQuery()
            )
        except USER_ERRORS as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        story_changed = query.story_id != self.item_query.story_id
        self.items.item_query = replace(
            query, show_discarded=query.show_discarded or self.item_query.show_discarded
        )
        self.filter_text = expr
        self.items.filtered = bool(expr)
        self._header(filter=expr or None, listed=None)
        self.items.action_clear_marks()  # marks on rows that may no longer show would surprise
        self.reload(keep_cursor=False, bottom=bottom)
        if story_changed:
            self._load_side()  # counts, sparkline and recap follow the story
        if save_as:
            self.write(f"Saved filter {save_as}", verbs.save_filter, save_as, expr)

    def action_queue(self) -> None:
        """`Q`: the verification queue, kept items with a required step open, from the
        oldest (the cursor starts at the bottom of the list, where the oldest is)."""
        self.apply_filter("needs:verification", bottom=True)

    def action_toggle_discarded(self) -> None:
        """`S`: show or hide discarded items (they are hidden, never deleted)."""
        show = not self.item_query.show_discarded
        self.items.item_query = replace(self.item_query, show_discarded=show)
        self._header(show_discarded=show, listed=None)
        self.notify("Showing discarded items." if show else "Hiding discarded items.")
        self.reload()

    def set_story(self, story: Story | None) -> None:
        """From the palette: work on one story (list, counts and recap), or on all items."""
        if story is None:
            self.apply_filter("")
            return
        self.story = story
        self.apply_filter(f"story:{story.slug}")

    def new_story(self) -> None:
        """The palette's "Story: new…": a slug and a title, made in a write worker."""
        self.app.push_screen(StoryPrompt(), self._story_entered)

    def rename_story(self) -> None:
        """The palette's "Story: rename…": the current story's title."""
        if self.story is None:
            self.notify("No story to rename: make one with Story: new….", severity="warning")
            return
        request = StoryRequest(title=self.story.title, rename=self.story.slug)
        self.app.push_screen(StoryPrompt(request), self._story_entered)

    def _story_entered(self, request: StoryRequest | None) -> None:
        if request is not None:
            self._run(writes.story(self.store, self.actor, request), group="write", exclusive=False)

    def on_story_prompt_failed(self, message: StoryPrompt.Failed) -> None:
        """The verb refused: the prompt again, with what was typed and the error."""
        self.app.push_screen(StoryPrompt(message.request, message.error), self._story_entered)

    def on_story_written(self, message: StoryWritten) -> None:
        story = message.story
        self.stories = [s for s in self.stories if s.id != story.id] + [story]
        if message.created:
            self.set_story(story)
        elif self.story is not None and self.story.id == story.id:
            self.story = story
            self._header(story=story.title)

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

    def action_tag(self) -> None:
        """`t`: `+add -remove !toggle` on the marked items or the one under the cursor."""
        ids = self._targets()
        if ids:
            self._run(loads.tags(self.store, ids), group="picker")

    def on_tags_read(self, message: TagsRead) -> None:
        ids = list(message.ids)
        self.app.push_screen(TagPrompt(len(ids), message.tags), partial(self._tag_entered, ids))

    def _tag_entered(self, ids: list[int], ops: str | None) -> None:
        if ops:
            self.write(partial(summaries.tagged, ops, len(ids)), verbs.tag, ids, [ops])

    def action_triage(self) -> None:
        """`s` then `k` keep, `f` flag, `d` discard."""
        ids = self._targets()
        if ids:
            seen = self._seen(ids)  # what the user decides on, read as the chooser opens
            self.app.push_screen(TriageChooser(len(ids)), partial(self.triage_to, ids, seen))

    def action_set_triage(self, state: str) -> None:
        """Triage without the chooser (the palette's keep/flag/discard commands)."""
        self.triage_to(None, None, state)

    def triage_to(
        self, ids: list[int] | None, seen: dict[int, str] | None, state: str | None
    ) -> None:
        if not state:
            return
        ids = ids if ids is not None else self._targets()
        if ids:
            seen = seen if seen is not None else self._seen(ids)
            self.run_write(writes.triage(self.store, self.actor, ids, state, seen))

    def action_verdict(self) -> None:
        """`r`: rate: unverified, in progress, verified, false, misleading, unverifiable."""
        ids = self._targets()
        if ids:
            current = self.open_view.item.verdict if self.open_view else None
            seen = self._seen(ids, "verdict")  # what the user decides on, as the chooser opens
            self.app.push_screen(
                VerdictChooser(len(ids), current, self.verdicts),
                partial(self._verdict_entered, ids, seen),
            )

    def _verdict_entered(
        self, ids: list[int], seen: dict[int, str], request: VerdictRequest | None
    ) -> None:
        if request:
            self.checklist_keys.verdict(ids, request.verdict, request.reason, seen)

    def _seen(self, ids: list[int], column: str = "triage") -> dict[int, str]:
        """The triage or verdict on screen for each item: the base a set is checked against
        (a colleague's change since is a conflict, not silently overwritten). Items not on
        screen (marked, then scrolled far away) are set from the value the write reads."""
        seen: dict[int, str] = {}
        for item_id in ids:
            index = self.items.index_of(item_id)
            if index is not None:
                seen[item_id] = str(getattr(self.items.rows[index], column))
        if self.open_view is not None and self.open_view.item.id in ids:
            seen[self.open_view.item.id] = str(getattr(self.open_view.item, column))
        return seen

    def on_value_conflicted(self, message: ValueConflicted) -> None:
        """A colleague set it meanwhile: ask, naming them, whether to keep theirs or use mine."""

        def chosen(choice: str | None) -> None:
            job = writes.after_conflict(self.store, self.actor, message, choice)
            if job is not None:
                self.run_write(job)
            else:
                whose = ", ".join(sorted({c.who for c in message.clashes}))
                self.notify(f"Kept {whose}'s {message.column}; nothing changed.", markup=False)

        self.app.push_screen(ConflictChoice(writes.conflict_question(message)), chosen)

    def on_verdict_refused(self, message: VerdictRefused) -> None:
        self.checklist_keys.refused(message)

    def on_checklist_pane_requested(self, message: ChecklistPane.Requested) -> None:
        self.checklist_keys.handle(message)

    def on_evidence_prompt_failed(self, message: EvidencePrompt.Failed) -> None:
        self.checklist_keys.evidence_failed(message)

    def action_annotate(self, reason: str | None = None) -> None:
        """`a`: write a note on the item under the cursor, in the app."""
        item_id = self._cursor_item()
        if item_id is not None:
            self.app.push_screen(
                NoteEditor(f"Note on #{item_id}", reason=reason),
                partial(self._note_entered, item_id),
            )

    def _note_entered(self, item_id: int, text: str | None) -> None:
        if text:
            self.write_note(
                writes.verb(
                    self.store,
                    self.actor,
                    f"Note added to #{item_id}.",
                    verbs.annotate,
                    item_id,
                    text,
                ),
                f"Note on #{item_id}",
                text,
                partial(self._note_entered, item_id),
            )

    def write_note(
        self, job: Job, title: str, text: str, then: Callable[[str | None], None]
    ) -> None:
        """A write of typed text: if it fails, the editor opens again with the text and why."""
        self.run_write(_keep_typed(job, title, text, then))

    def on_note_editor_failed(self, message: NoteEditor.Failed) -> None:
        self.app.push_screen(
            NoteEditor(message.title, message.text, reason=message.error), message.then
        )

    def action_edit_note(self) -> None:
        """`e`: write the note in `$EDITOR`; the in-app editor where that cannot work."""
        row = self.items.cursor_row
        if row is None:
            self.notify("No item here.", severity="warning")
            return
        command = editor.editor_command(self.editor, os.environ)
        if not command:
            self.action_annotate("No $EDITOR set: write the note here.")
            return
        view = self.open_view if self.open_view and self.open_view.item.id == row.id else None
        author = f"@{row.author_handle}" if row.author_handle else (row.author_name or "")
        header = editor.note_header(row.id, author, view.item.text if view else row.first_line)
        result = editor.edit_note(self.app, command, header)
        if result.fallback:
            self.action_annotate(result.fallback)
        elif result.problem:
            self.notify(result.problem, severity="warning", markup=False)
        elif result.text:
            self._note_entered(row.id, result.text)
        else:
            self.notify("Empty note; nothing saved.", markup=False)

    def action_link(self) -> None:
        """`l`: link the cursor's item to the marked items, an item, or a recap entry."""
        row = self.items.cursor_row
        if row is None:
            self.notify("No item here.", severity="warning")
            return
        marked = [i for i in self.items.target_ids if i != row.id] if self.items.marks else []
        label = safe_line(row.first_line)[:60]
        self._run(
            loads.link_targets(self.store, row.id, label, marked, self.entries), group="picker"
        )

    def on_link_targets_read(self, message: LinkTargetsRead) -> None:
        entries = list(self.entries)

        def lookup(text: str) -> list[Candidate]:
            """Run by the picker in its own thread worker: the store stays out of widgets."""
            return reads.link_candidates(
                self.store, text, source=message.source, marked=[], entries=entries
            )

        picker = LinkPicker(message.source, message.label, message.candidates, lookup)
        self.app.push_screen(picker, self._link_entered)

    def _link_entered(self, request: LinkRequest | None) -> None:
        if request is not None:
            self._run(writes.link(self.store, self.actor, request), group="write", exclusive=False)

    def action_checklist(self) -> None:
        """`c`: the open item's verification checklist, to work through from its keys."""
        item_id = self.items.cursor_id
        if item_id is not None and (self.open_view is None or self.open_view.item.id != item_id):
            self._load_detail(item_id)
        self.action_focus_pane("checklist")

    def action_undo(self) -> None:
        """`u`: undo my last action (through the event log; colleagues' work is left alone)."""
        self.write(summaries.undone, verbs.undo)

    def action_copy_url(self) -> None:
        """`y`: copy the URL with OSC 52 (reaches the clipboard over SSH) and show it."""
        item_id = self._cursor_item()
        if item_id is not None:
            self._run(loads.url(self.store, item_id, copy=True), group="url")

    def action_copy_citation(self) -> None:
        """`Y`: copy `Display Name (@handle), Month D, YYYY, URL` with OSC 52, as `y` does."""
        item_id = self._cursor_item()
        if item_id is not None:
            self._run(loads.cite(self.store, item_id), group="url")

    def on_citation_read(self, message: CitationRead) -> None:
        text = safe_line(message.text)
        if not text:
            self.notify(f"#{message.item_id} has nothing to cite.", severity="warning")
            return
        self.app.copy_to_clipboard(text)
        self.notify(text, title="Citation copied", markup=False, timeout=10)

    def action_show_url(self) -> None:
        """`o`: show the URL (to select, or to open by hand)."""
        item_id = self._cursor_item()
        if item_id is not None:
            self._run(loads.url(self.store, item_id, copy=False), group="url")

    def on_url_read(self, message: UrlRead) -> None:
        if not message.url:
            self.notify(f"#{message.item_id} has no URL.", severity="warning")
            return
        url = safe_line(message.url)
        if message.copy:
            self.app.copy_to_clipboard(url)
            self.notify(url, title="Copied to the clipboard", markup=False, timeout=10)
        else:
            self.notify(url, title=f"URL of #{message.item_id}", markup=False, timeout=15)

    def action_add_item(self) -> None:
        """`i`: type or paste a post, or give a file to ingest."""
        self.app.push_screen(AddItemPrompt(), self._add_entered)

    def _add_entered(self, request: AddRequest | None) -> None:
        if request is not None:
            story_id = self.item_query.story_id or (self.story.id if self.story else None)
            job = writes.add(self.store, self.actor, request, story_id)
            self._run(_reopen_add_on_error(job, request), group="write", exclusive=False)

    def on_add_item_prompt_failed(self, message: AddItemPrompt.Failed) -> None:
        """The add failed after its prompt closed: open it again with what the user gave
        and the error, so nothing typed is lost."""
        self.app.push_screen(AddItemPrompt(message.request, message.error), self._add_entered)

    # -- the rest -------------------------------------------------------------------

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.verdicts))

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
        self.presence.stop()


def _keep_typed(job: Job, title: str, text: str, then: Callable[[str | None], None]) -> Job:
    """The job, passed through; if it raised (a refusal, a locked or vanished desk, a bug),
    `NoteEditor.Failed` with the text, so the screen reopens the editor on it."""
    try:
        yield from job
    except Exception as exc:  # whatever failed, what was typed must come back
        yield NoteEditor.Failed(title, text, f"Not saved: {error_line(exc)}", then)


def _reopen_add_on_error(job: Job, request: AddRequest) -> Job:
    """`writes.add`, passed through; if it reported an error, then `AddItemPrompt.Failed`."""
    errors: list[str] = []
    for message in job:
        if isinstance(message, Notice) and message.severity == "error":
            errors.append(message.text)
        yield message
    if errors:
        yield AddItemPrompt.Failed(request, "; ".join(errors))
