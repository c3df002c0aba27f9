"""The incoming list: a virtual list over a desk of any size.

A desk can hold a million items, so this widget never holds them all and
never makes a widget per item. It keeps a *window*: a contiguous slice of
the list (newest first) of at most `MAX_ROWS` rows, plus whether more rows
exist above and below it. It draws only the lines on screen through the
Line API (`ScrollView.render_line`), caching each drawn row as a `Strip`.

It never reads the store. When the cursor nears an edge of the window it
posts `NeedRows` with the keyset key of the edge row; the screen fetches a
page in a thread worker and hands the rows back with `add_rows`. Every
reset bumps a generation number so that a late page from an old filter is
dropped instead of mixed in.

Live refresh hands it the rows that new events touched (`apply_changes`):
each leaves the window and goes back where it sorts now, when it still
shows and falls inside the window's keyset bounds (a row beyond them is
the pages' to bring). The cursor is re-anchored by item id, on the same
screen line. The window is the list's only cache of rows, so nothing else
goes stale: the strips are cached by row value.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar, Literal

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from db.models import ItemRow, PageKey
from db.order import sort_key
from desk.text import safe_line
from desk.verdicts import BUILTIN, VerdictScheme
from desk.vocab import PLATFORM_SHORT, TRIAGE_LETTER
from widgets.keys import bindings
from widgets.text import fit, short_time

Direction = Literal["above", "below"]

MAX_ROWS = 3000
"""Rows kept in memory; beyond this the far end of the window is dropped (and refetched later)."""
PREFETCH = 80
"""Ask for the next page when the cursor or the view comes this close to an edge."""
ARRIVAL_MARK = "?"
"""After the time of a row whose posted time is unknown: the time shown is when it arrived.
Not `~`: the list already uses it for a cut-off column and the in-progress verdict."""
LATE_CHANGES = 1000
"""Changed rows remembered (by id) for pages still being read when the change came."""


_PLATFORM_SHORT: dict[str, str] = {str(k): v for k, v in PLATFORM_SHORT.items()}
_TRIAGE_LETTER: dict[str, str] = {str(k): v for k, v in TRIAGE_LETTER.items()}
"""The vocabulary's letters keyed by plain `str`: a row holds whatever string the desk
file has (an older desk, a hand edit), and an unknown one shows as `?`. The verdict
column's letters are the desk's (`ItemList.show_verdicts`)."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


def row_key(row: ItemRow) -> PageKey:
    """The keyset key of a row, as the store's `page()` wants it."""
    return PageKey(sort_at=row.sort_at, id=row.id)


def order_key(row: ItemRow, order: str) -> int:
    """Where a row sorts, as the store's keyset pages sort it (larger: nearer the top)."""
    return row.id if order == "arrival" else sort_key(row.sort_at, row.id)


class ItemList(ScrollView, can_focus=True):
    """Rows of the incoming list: time, platform, handle, triage, verdict, tags, text."""

    BINDING_GROUP_TITLE = "Incoming list"
    BINDINGS: ClassVar[list[BindingType]] = bindings("list")
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "item-list--cursor",
        "item-list--marked",
        "item-list--meta",
        "item-list--tags",
        "item-list--flagged",
        "item-list--discarded",
        "item-list--new",
        "item-list--message",
    }
    DEFAULT_CSS = """
    ItemList {
        overflow-x: hidden;
        overflow-y: auto;
        & > .item-list--cursor { background: $surface-lighten-2; text-style: bold; }
        &:focus > .item-list--cursor { background: $accent 50%; text-style: bold; }
        & > .item-list--marked { color: $warning; text-style: bold; }
        & > .item-list--meta { color: $text-muted; }
        & > .item-list--tags { color: $secondary; }
        & > .item-list--flagged { color: $error; text-style: bold; }
        & > .item-list--discarded { color: $text-disabled; text-style: strike; }
        & > .item-list--new { text-style: bold; }
        & > .item-list--message { color: $text-muted; text-style: italic; }
    }
    """

    # -- messages ---------------------------------------------------------------

    @dataclass
    class CursorMoved(Message):
        """The row under the cursor changed (None: the list is empty)."""

        item_list: ItemList
        item_id: int | None

        @property
        def control(self) -> ItemList:
            return self.item_list

    @dataclass
    class NeedRows(Message):
        """Fetch the page of rows `direction` of `key` (older below, newer above)."""

        item_list: ItemList
        direction: Direction
        key: PageKey
        generation: int

        @property
        def control(self) -> ItemList:
            return self.item_list

    @dataclass
    class Jump(Message):
        """`g`/`G` beyond the loaded window: the screen reloads at that end."""

        item_list: ItemList
        where: Literal["top", "bottom"]

        @property
        def control(self) -> ItemList:
            return self.item_list

    @dataclass
    class Opened(Message):
        """The user pressed enter on a row."""

        item_list: ItemList
        item_id: int

        @property
        def control(self) -> ItemList:
            return self.item_list

    @dataclass
    class MarksChanged(Message):
        """The set of marked rows changed."""

        item_list: ItemList
        count: int

        @property
        def control(self) -> ItemList:
            return self.item_list

    # -- state ------------------------------------------------------------------

    def __init__(
        self,
        *,
        clock: Callable[[], datetime] = _utc_now,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.verdict_letters: dict[str, str] = BUILTIN.letters()
        """The desk's verdict letters (`desk verdicts`), looked up per row."""
        self.order = "posted"
        """The list's order, `posted` or `arrival` (where a changed row is put back)."""
        self.clock = clock
        """The app's clock (injected, so tests and snapshots see a fixed year)."""
        self.year = clock().year
        """Times in this year show month and day; others show their year too.
        Read once per reset, not per row: `render_line` stays a dict lookup."""
        self.rows: list[ItemRow] = []
        self.cursor = 0
        self.more_above = False
        self.more_below = False
        self.generation = 0
        self.fetching = False
        """Waiting for a new window (not `Widget.loading`: that covers the list with an
        indicator and takes its keys out of the footer)."""
        self.empty_text = "No items."
        self.marks: set[int] = set()
        self.anchor_id: int | None = None
        self.range_marks: set[int] | None = None
        """While a `V` range is open: the marks from before it. The range (anchor to
        cursor) is shown and counted as marked as it grows; the second `V` closes it."""
        self.new_above = 0
        self._pending: set[Direction] = set()
        self._index: dict[int, int] = {}
        self._cache: LRUCache[tuple[object, ...], Strip] = LRUCache(2048)
        self._style_memo: dict[bool, dict[str, Style]] = {}
        self._last_cursor_id: int | None = None
        self._late: dict[int, tuple[int, ItemRow | None]] = {}
        """Rows changed (seq of the change, the row or None when it left) that a page
        read before the change may bring back stale: `add_rows` lays them over it."""

    # -- reading ----------------------------------------------------------------

    @property
    def cursor_row(self) -> ItemRow | None:
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    @property
    def cursor_id(self) -> int | None:
        row = self.cursor_row
        return row.id if row else None

    @property
    def target_ids(self) -> list[int]:
        """What an action works on: the marked items (in list order), else the cursor's."""
        if self.marks:
            in_window = [row.id for row in self.rows if row.id in self.marks]
            rest = sorted(self.marks - set(in_window), reverse=True)
            return in_window + rest
        return [self.cursor_id] if self.cursor_id is not None else []

    @property
    def at_top(self) -> bool:
        """Whether the window starts at the newest row (so new arrivals can be shown)."""
        return not self.more_above

    def index_of(self, item_id: int) -> int | None:
        return self._index.get(item_id)

    # -- feeding rows (called by the screen, on the event loop) -----------------

    def new_generation(self, *, loading_text: str = "Loading...") -> int:
        """Forget the window before a reload; pages of older generations are ignored after."""
        self.generation += 1
        self.fetching = True
        self.empty_text = loading_text
        self._pending.clear()
        return self.generation

    def reset(
        self,
        rows: Sequence[ItemRow],
        *,
        generation: int,
        cursor_id: int | None = None,
        cursor_index: int = 0,
        more_above: bool = False,
        more_below: bool = False,
        empty_text: str = "No items.",
        keep_line: int | None = None,
    ) -> None:
        """Replace the window; put the cursor on `cursor_id` if loaded, else at `cursor_index`,
        on screen line `keep_line` (a refill under live refresh) or a third of the way down."""
        if generation != self.generation:
            return
        self.rows = list(rows)
        self._reindex()
        self.year = self.clock().year
        self.more_above = more_above
        self.more_below = more_below
        self.fetching = False
        self.empty_text = empty_text
        self.new_above = 0
        self._pending.clear()
        self._cache.clear()
        self._late.clear()
        index = self._index.get(cursor_id) if cursor_id is not None else None
        self.cursor = max(0, min(index if index is not None else cursor_index, len(self.rows) - 1))
        self._update_virtual_size()
        height = max(1, self.scrollable_content_region.height)
        line = height // 3 if keep_line is None else keep_line
        self.scroll_to(y=max(0, self.cursor - line), animate=False, immediate=True)
        self.refresh()
        self._cursor_changed()
        self._prefetch()

    def add_rows(
        self,
        direction: Direction,
        rows: Sequence[ItemRow],
        *,
        generation: int,
        exhausted: bool,
        seq: int = 0,
    ) -> None:
        """A page fetched for `NeedRows`: append below or prepend above the window.

        `seq` is the last event before the page was read: rows changed after it
        (remembered by `apply_changes`) are laid over the page, which may hold
        them as they were, or miss them."""
        self._pending.discard(direction)
        if generation != self.generation:
            return
        fresh = [row for row in rows if row.id not in self._index]
        if direction == "below":
            self.more_below = not exhausted
            self.rows.extend(fresh)
            self._reindex()
            self._trim("above")
        else:
            self.more_above = not exhausted
            self._insert_above(fresh)
            self._trim("below")
        late = {i: row for i, (at, row) in self._late.items() if at > seq}
        if late:
            self._merge(late.keys(), [row for row in late.values() if row is not None])
        self._update_virtual_size()
        self.refresh()
        self._prefetch()

    def show_verdicts(self, verdicts: VerdictScheme) -> None:
        """The desk's verdict letters (renamed or added in its settings); redraws on a change."""
        letters = verdicts.letters()
        if letters != self.verdict_letters:
            self.verdict_letters = letters
            self.refresh()

    def apply_changes(self, touched: Collection[int], rows: Sequence[ItemRow], seq: int) -> int:
        """Live refresh: the items `touched` by new events, `rows` those the filter shows.

        Wherever they sort: a touched row leaves the window, and comes back
        where it sorts now if the filter still shows it and it falls inside
        the loaded window (beyond it, the keyset pages bring it when the user
        gets there). The row under the cursor stays under the cursor, on the
        same screen line; if it left, the row that took its place is there.
        Returns how many rows came in at the top."""
        for item_id in touched:
            self._late.pop(item_id, None)
            self._late[item_id] = (seq, None)
        for row in rows:
            self._late[row.id] = (seq, row)
        while len(self._late) > LATE_CHANGES:
            self._late.pop(next(iter(self._late)))
        return self._merge(touched, rows)

    def _merge(self, touched: Collection[int], rows: Sequence[ItemRow]) -> int:
        if not touched and not rows:
            return 0
        order = self.order
        was_empty = not self.rows
        cursor_row = self.cursor_row
        line = self.cursor - int(self.scroll_offset.y)
        cursor_key = order_key(cursor_row, order) if cursor_row else None
        top_key = order_key(self.rows[0], order) if self.rows else None
        high = top_key if self.more_above and top_key is not None else None
        low = order_key(self.rows[-1], order) if self.more_below and self.rows else None
        gone = set(touched) | {row.id for row in rows}
        if any(item_id in self._index for item_id in gone):
            self.rows = [row for row in self.rows if row.id not in gone]
        at_top = 0
        for row in rows:
            key = order_key(row, order)
            if (high is not None and key > high) or (low is not None and key < low):
                continue  # beyond the window: the pages bring it when the user gets there
            at = bisect_left(self.rows, -key, key=lambda r: -order_key(r, order))
            self.rows.insert(at, row)
            if top_key is None or key > top_key:
                at_top += 1
        self._reindex()
        if cursor_row is not None and cursor_row.id in self._index:
            cursor = self._index[cursor_row.id]
        elif cursor_key is not None:  # it left: the next row down takes its place
            cursor = bisect_left(self.rows, -cursor_key, key=lambda r: -order_key(r, order))
        else:
            cursor = 0
        self.cursor = max(0, min(cursor, len(self.rows) - 1))
        if not self.more_above:
            self.new_above = min(self.new_above + at_top, self.cursor)
        self._update_virtual_size()
        self.scroll_to(y=max(0, self.cursor - max(0, line)), animate=False, immediate=True)
        self.refresh()
        if was_empty or cursor_row is None or self.cursor_id != cursor_row.id:
            self._cursor_changed()
        self._prefetch()
        return at_top

    def _insert_above(self, fresh: list[ItemRow]) -> None:
        if not fresh:
            return
        count = len(fresh)
        self.rows[:0] = fresh
        self._reindex()
        self.cursor += count
        self._update_virtual_size()
        self.scroll_to(y=self.scroll_offset.y + count, animate=False, immediate=True)

    def _trim(self, side: Direction) -> None:
        excess = len(self.rows) - MAX_ROWS
        if excess <= 0:
            return
        if side == "above":
            excess = min(excess, self.cursor - PREFETCH)
            if excess <= 0:
                return
            del self.rows[:excess]
            self.more_above = True
            self.cursor -= excess
            self._reindex()
            self._update_virtual_size()
            self.scroll_to(y=max(0, self.scroll_offset.y - excess), animate=False, immediate=True)
        else:
            excess = min(excess, len(self.rows) - self.cursor - 1 - PREFETCH)
            if excess <= 0:
                return
            del self.rows[len(self.rows) - excess :]
            self.more_below = True
            self._reindex()

    def _reindex(self) -> None:
        self._index = {row.id: index for index, row in enumerate(self.rows)}

    def _update_virtual_size(self) -> None:
        height = len(self.rows) + (1 if self.more_below else 0)
        self.virtual_size = Size(self.scrollable_content_region.width, max(1, height))

    # -- moving -----------------------------------------------------------------

    def _prefetch(self) -> None:
        """Ask for the next page before the cursor or the view reaches an edge of the window."""
        if not self.rows or self.fetching:
            return
        view_top = int(self.scroll_offset.y)
        view_bottom = view_top + self.size.height
        near_bottom = max(self.cursor, view_bottom) + PREFETCH >= len(self.rows)
        near_top = min(self.cursor, view_top) - PREFETCH <= 0
        if self.more_below and near_bottom and "below" not in self._pending:
            self._pending.add("below")
            self.post_message(self.NeedRows(self, "below", row_key(self.rows[-1]), self.generation))
        if self.more_above and near_top and "above" not in self._pending:
            self._pending.add("above")
            self.post_message(self.NeedRows(self, "above", row_key(self.rows[0]), self.generation))

    def move_to(self, index: int) -> None:
        """Put the cursor on a loaded row and keep it in view."""
        if not self.rows:
            return
        index = max(0, min(index, len(self.rows) - 1))
        old = self.cursor
        self.cursor = index
        if index < self.new_above:
            self.new_above = index
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_offset.y)
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False, immediate=True)
        else:
            self.refresh_line(old)
            self.refresh_line(index)
        if self.range_marks is not None:
            self._grow_range(old)
        self._cursor_changed()
        self._prefetch()

    def _cursor_changed(self) -> None:
        item_id = self.cursor_id
        if item_id != self._last_cursor_id:
            self._last_cursor_id = item_id
            self.post_message(self.CursorMoved(self, item_id))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value):
            self._prefetch()

    def on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self._update_virtual_size()

    def on_focus(self, event: events.Focus) -> None:
        self._cache.clear()
        self.refresh()

    def on_blur(self, event: events.Blur) -> None:
        self._cache.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()
        self._style_memo.clear()

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        if self.cursor == 0 and self.more_above:
            self._prefetch()
        self.move_to(self.cursor - 1)

    def action_cursor_top(self) -> None:
        if self.more_above:
            self.post_message(self.Jump(self, "top"))
        else:
            self.move_to(0)

    def action_cursor_bottom(self) -> None:
        if self.more_below:
            self.post_message(self.Jump(self, "bottom"))
        else:
            self.move_to(len(self.rows) - 1)

    def action_half_page(self, direction: int) -> None:
        step = max(1, self.scrollable_content_region.height // 2)
        self.move_to(self.cursor + direction * step)

    def action_open(self) -> None:
        if self.cursor_id is not None:
            self.post_message(self.Opened(self, self.cursor_id))

    # -- marks ------------------------------------------------------------------

    def action_toggle_mark(self) -> None:
        """`v`: mark or unmark the row under the cursor, then move down (like mutt's tag)."""
        item_id = self.cursor_id
        if item_id is None:
            return
        self.range_marks = None  # an open `V` range stays marked as it is
        if item_id in self.marks:
            self.marks.discard(item_id)
        else:
            self.marks.add(item_id)
        self.anchor_id = item_id
        self.refresh_line(self.cursor)
        self.post_message(self.MarksChanged(self, len(self.marks)))
        self.move_to(self.cursor + 1)

    def action_mark_range(self) -> None:
        """`V`: mark every row from the last `v` to the cursor, or open a range here.

        With no `v` before it, `V` opens a range at the cursor: as the cursor
        moves, every row between the two is marked on screen (and counted in
        the header), like vim's visual line mode; the second `V` closes it,
        keeping the rows marked. `escape` clears the marks, range and all.
        """
        item_id = self.cursor_id
        if item_id is None:
            return
        if self.range_marks is not None:
            self.range_marks = None  # close the range: its rows stay marked
            return
        anchor = self._index.get(self.anchor_id) if self.anchor_id is not None else None
        if anchor is None:
            self.range_marks = set(self.marks)
            self.marks.add(item_id)
            self.anchor_id = item_id
        else:
            low, high = sorted((anchor, self.cursor))
            self.marks.update(row.id for row in self.rows[low : high + 1])
        self.refresh()
        self.post_message(self.MarksChanged(self, len(self.marks)))

    def _grow_range(self, old_cursor: int) -> None:
        """The cursor moved while a range is open: the marks are the range's rows plus
        those marked before it; only the rows that changed are drawn again."""
        assert self.range_marks is not None
        anchor = self._index.get(self.anchor_id) if self.anchor_id is not None else None
        if anchor is None:  # the anchor row left the window: keep what is marked
            self.range_marks = None
            return
        low, high = sorted((anchor, self.cursor))
        marks = self.range_marks | {row.id for row in self.rows[low : high + 1]}
        if marks == self.marks:
            return
        changed = marks ^ self.marks
        self.marks = marks
        for item_id in changed:
            index = self._index.get(item_id)
            if index is not None:
                self.refresh_line(index)
        self.post_message(self.MarksChanged(self, len(self.marks)))

    def action_clear_marks(self) -> None:
        if not self.marks:
            return
        self.marks.clear()
        self.anchor_id = None
        self.range_marks = None
        self.refresh()
        self.post_message(self.MarksChanged(self, 0))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show `escape clear marks` in the footer only when something is marked."""
        if action == "clear_marks":
            return bool(self.marks)
        return True

    # -- drawing ----------------------------------------------------------------

    def _styles(self) -> dict[str, Style]:
        """The row styles for the current theme and focus, worked out once, not per line.

        `rich_style` and component styles walk the CSS each time they are read; at 45
        lines a frame that was a third of the cost of scrolling the list.
        """
        key = self.has_focus
        styles = self._style_memo.get(key)
        if styles is None:
            base = self.rich_style
            styles = {"base": base}
            for name in self.COMPONENT_CLASSES:
                part = self.get_component_rich_style(name)
                short = name.removeprefix("item-list--")
                styles[short] = part if short == "cursor" else base + part
            if getattr(self.app, "no_color", False):
                # Without colour a background does not show: the cursor row is reversed.
                styles["cursor"] = styles["cursor"] + Style(reverse=True)
            self._style_memo[key] = styles
        return styles

    def render_line(self, y: int) -> Strip:
        scroll_y = int(self.scroll_offset.y)
        index = scroll_y + y
        width = self.scrollable_content_region.width
        styles = self._styles()
        if index >= len(self.rows):
            if not self.rows and y == 0:
                return self._message_strip(self.empty_text, width, styles)
            if index == len(self.rows) and self.more_below:
                return self._message_strip("  ... loading older items", width, styles)
            return Strip.blank(width, styles["base"])
        row = self.rows[index]
        is_cursor = index == self.cursor
        key = (row, width, is_cursor, row.id in self.marks, self.has_focus)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._render_row(row, width, is_cursor, row.id in self.marks, styles)
            self._cache[key] = strip
        return strip

    def _message_strip(self, text: str, width: int, styles: dict[str, Style]) -> Strip:
        return Strip([Segment(fit(text, width), styles["message"])], width)

    def _render_row(
        self, row: ItemRow, width: int, is_cursor: bool, is_marked: bool, styles: dict[str, Style]
    ) -> Strip:
        """One row: `>* 11-27 07:10 mast @handle      N. (tag,tag) first line of text`.

        The time is eleven cells whatever it holds (`11-27 07:10` this year,
        `2023-11-27` another year); the cell after it is `?` when the item has
        no posted time and the time shown is its arrival.
        """
        base = styles["base"]
        meta = styles["meta"]
        text_style = styles.get(row.triage, base) if row.triage != "kept" else base
        mark_style = styles["marked"]
        handle_width = 14 if width >= 70 else 10
        handle = safe_line(row.author_handle or row.author_name or "")
        if row.author_handle:
            handle = "@" + handle
        segments = [
            Segment(">" if is_cursor else " ", mark_style),
            Segment("*" if is_marked else " ", mark_style),
            Segment(
                short_time(row.posted_at or row.sort_at, row.posted_precision, year=self.year)
                + (" " if row.posted_at else ARRIVAL_MARK),
                meta,
            ),
            Segment(fit(_PLATFORM_SHORT.get(row.platform, row.platform[:4]), 4) + " ", meta),
            Segment(fit(handle, handle_width) + " ", base),
            Segment(_TRIAGE_LETTER.get(row.triage, "?"), text_style),
            Segment(self.verdict_letters.get(row.verdict, "?") + " ", base),
        ]
        used = sum(segment.cell_length for segment in segments)
        remaining = max(0, width - used)
        if row.tags and remaining > 12:
            tags = "(" + ",".join(safe_line(tag) for tag in row.tags) + ") "
            if cell_len(tags) > remaining // 3:
                tags = fit(tags, remaining // 3)
            segments.append(Segment(tags, styles["tags"]))
            remaining -= cell_len(tags)
        segments.append(Segment(fit(safe_line(row.first_line), remaining), text_style))
        if is_cursor:
            cursor_style = styles["cursor"]
            segments = [Segment(s.text, (s.style or base) + cursor_style) for s in segments]
        return Strip(segments, width).crop_extend(0, width, base).simplify()
