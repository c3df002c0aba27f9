"""The top lines: which desk, story and user; and, on narrow screens, the pane tabs.

Textual's own `Header` draws an icon glyph and a clock; ours is plain text
(so it draws in any font and snapshots are stable) and says what a person
on a shared desk needs to know: whose name their changes go under.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from desk.text import safe_line


@dataclass(frozen=True)
class HeaderInfo:
    """What the header shows; the screen replaces it whenever one part changes."""

    desk: str
    user: str
    story: str | None = None
    filter: str | None = None
    search: str | None = None
    marked: int = 0
    new_above: int = 0
    show_discarded: bool = False
    listed: str | None = None
    """How many items the list holds (`40`, or `64+` while more are unread)."""
    writes_off: str | None = None
    """`read-only` or `desk file gone`: the desk takes no writes (shown first, always)."""
    conflicts: int = 0
    """Open merge conflicts (`desk conflicts`; `C` shows them)."""

    def but(self, **changes: object) -> HeaderInfo:
        return replace(self, **changes)  # type: ignore[arg-type]


class DeskHeader(Widget):
    """`desk demo.desk | story Stepanakert | user alice | filter tag:x | 3 marked`."""

    DEFAULT_CSS = """
    DeskHeader { height: 1; background: $primary; color: $text; }
    """

    def __init__(self, info: HeaderInfo, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.info = info

    def show(self, info: HeaderInfo) -> None:
        if info != self.info:
            self.info = info
            self.refresh()

    def render(self) -> Text:
        """What narrows the list first (filter, count, marks), then desk, story and user.

        At 80 columns something must give: the story title goes first, then the
        desk's name, and only then is the filter cut; it used to be the filter
        that fell off the end."""
        info = self.info
        width = self.size.width or 200
        rest = Text(no_wrap=True)
        if info.writes_off:
            rest.append(f"  {safe_line(info.writes_off).upper()}", "bold reverse")
        if info.search:
            rest.append("  search ", "bold")
            rest.append(_cut(safe_line(info.search), max(8, width // 4)))
        if info.show_discarded:
            rest.append("  +discarded", "bold")
        if info.listed is not None:
            rest.append(f"  {info.listed} listed", "bold")
        if info.marked:
            rest.append(f"  {info.marked} marked", "bold reverse")
        if info.conflicts:
            word = "conflict" if info.conflicts == 1 else "conflicts"
            rest.append(f"  {info.conflicts} {word}", "bold reverse")
        if info.new_above:
            rest.append(f"  {info.new_above} new above", "bold reverse")
        user = Text(no_wrap=True)
        user.append("  user ", "bold")
        user.append(safe_line(info.user))
        room = width - 1 - user.cell_len - rest.cell_len
        filtered = Text(no_wrap=True)
        if info.filter:
            filtered.append("  filter ", "bold")
            filtered.append(_cut(safe_line(info.filter), max(8, room - len("  filter "))))
        room -= filtered.cell_len
        desk = safe_line(info.desk)
        story = safe_line(info.story) if info.story else "-"
        out = Text(no_wrap=True, overflow="ellipsis")
        labels = len(" desk ") + len("  story ")
        if room >= labels + len(desk) + min(len(story), 12):
            out.append(" desk ", "bold")
            out.append(desk)
            out.append("  story ", "bold")
            out.append(_cut(story, room - labels - len(desk)))
        elif room >= 7:
            out.append(" ")
            out.append(_cut(desk, room - 1), "bold")
        out.append_text(user)
        out.append_text(filtered)
        out.append_text(rest)
        return out

    @property
    def text(self) -> str:
        return self.render().plain


PANE_TITLES: tuple[tuple[str, str], ...] = (
    ("list", "List"),
    ("detail", "Item"),
    ("recap", "Recap"),
    ("checklist", "Checklist"),
)


class PaneTabs(Widget):
    """`[1 List]  2 Item  3 Recap  4 Checklist`: shown when panes do not fit side by side.

    `active` is bound to the screen's `active_pane` (`data_bind`), so the tab
    line follows the focus without the screen telling it."""

    DEFAULT_CSS = """
    PaneTabs { height: 1; }
    """

    active: reactive[str] = reactive("list")

    def render(self) -> Text:
        out = Text(no_wrap=True, overflow="ellipsis")
        for number, (key, title) in enumerate(PANE_TITLES, 1):
            if key == self.active:
                out.append(f"[{number} {title}]", "bold reverse")
            else:
                out.append(f" {number} {title} ", "dim")
            out.append(" ")
        out.append(" tab: next pane", "dim")
        return out


def _cut(text: str, width: int) -> str:
    """`text` in at most `width` cells, a `~` where it was cut."""
    if len(text) <= width:
        return text
    return text[: max(0, width - 1)] + "~"
