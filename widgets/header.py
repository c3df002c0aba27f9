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
        """Desk, story, user; then what narrows the list; the story title gives way first."""
        info = self.info
        tail = Text(no_wrap=True)
        if info.filter:
            tail.append("  filter ", "bold")
            tail.append(safe_line(info.filter))
        if info.search:
            tail.append("  search ", "bold")
            tail.append(safe_line(info.search))
        if info.show_discarded:
            tail.append("  +discarded", "bold")
        if info.marked:
            tail.append(f"  {info.marked} marked", "bold reverse")
        if info.new_above:
            tail.append(f"  {info.new_above} new above", "bold reverse")
        head = Text(no_wrap=True)
        head.append(" desk ", "bold")
        head.append(safe_line(info.desk))
        user = Text(no_wrap=True)
        user.append("  user ", "bold")
        user.append(safe_line(info.user))
        story = safe_line(info.story) if info.story else "-"
        room = self.size.width - head.cell_len - user.cell_len - tail.cell_len - 8
        if self.size.width and len(story) > max(room, 12):
            story = story[: max(room, 12) - 1] + "~"
        out = Text(no_wrap=True, overflow="ellipsis")
        out.append_text(head)
        out.append("  story ", "bold")
        out.append(story)
        out.append_text(user)
        out.append_text(tail)
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
