"""Input fields shared by the desk's forms."""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class NextOnEnter(Input):
    """An input whose enter moves on to the next field, and sends on the keys typed
    behind the enter.

    Textual queues a burst of keys (a fast typist, tmux, a terminal that sends
    several at once) to the widget focused when they arrive; so "last week",
    enter, "Quake" all went into the date field, focus moving only after. A
    key that reaches this field once it has lost the focus goes to the
    widget that has it now."""

    async def action_submit(self) -> None:
        self.screen.focus_next()

    async def _on_key(self, event: events.Key) -> None:
        focused = self.screen.focused
        if focused is not None and focused is not self:
            event.stop()
            event.prevent_default()
            focused.post_message(events.Key(event.key, event.character))
            return
        if event.key == "enter":  # here, not through the binding: that runs after the burst
            event.stop()
            event.prevent_default()
            self.screen.focus_next()
            return
        await super()._on_key(event)
