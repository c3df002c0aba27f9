"""A footer that drops the keys that do not fit instead of cutting one in half.

Textual's footer lets its keys run off the right edge, under the docked
palette key, so an 80-column desk showed `/ fictrl+p palette`. This one
keeps the keys in the key table's order (the table lists the most needed
first) while they fit, always keeps the palette key, and lays itself out
again when the terminal is resized. `?` lists every key anyway.

The order is the table's, not the order of the screen's bindings: Textual
moves a binding remapped in `[keymap]` to the end of those, and an
80-column footer then lost it.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer

from widgets.keys import footer_rank


class DeskFooter(Footer):
    """`enter open  v mark  ? help  t tag ...            ^p palette`, cut to the width."""

    def compose(self) -> ComposeResult:
        widgets: list[Widget] = list(super().compose())
        palette = [w for w in widgets if w.has_class("-command-palette")]
        keys = [w for w in widgets if not w.has_class("-command-palette")]
        keys.sort(key=lambda widget: footer_rank(str(getattr(widget, "action", ""))))
        budget = self.size.width or self.app.size.width
        for widget in palette:
            budget -= _width(widget) + 1
        for widget in keys:
            width = _width(widget)
            if width > budget:
                break
            budget -= width
            yield widget
        yield from palette

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self.recompose)


def _width(widget: Widget) -> int:
    """Cells a footer key takes: `key description` and a space."""
    key = getattr(widget, "key_display", "")
    description = getattr(widget, "description", "")
    return len(key) + len(description) + 2 if key else 0
