"""Presence in the app: this app's heartbeat, and who else has the open item.

The screen beats every `HEARTBEAT` seconds, and at once when the open item
or what the user does with it changes (the checklist pane focused, a recap
entry's editor open); each beat also reads who else is on the open item,
and so does every commit of another app (their beats are commits too), so
a colleague opening the item shows within the watcher's poll. The writing
and reading are `db/presence.py`'s (the one write that is not a verb:
presence is not desk state, see there); here they are jobs for a thread
worker, and the words the item pane shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message
from textual.timer import Timer

from db import Store, presence
from desk.text import safe_line
from desk.tui.jobs import Job
from widgets.recap_editor import EntryRequest

if TYPE_CHECKING:
    from desk.tui.main import MainScreen

HEARTBEAT = 2.0
"""Seconds between beats: well inside `presence.STALE_SECONDS`, so a live app never expires."""
NAMES_SHOWN = 6
"""Sessions named on the item's header line; more are counted."""


@dataclass
class PresenceRead(Message):
    """Who else is on `item_id`, in words for the item pane's header ('' : nobody)."""

    item_id: int
    text: str


def describe(here: Sequence[presence.Here]) -> str:
    """`also open: bob (editing checklist), carol (editing recap entry 3)`; '' for nobody.

    Names come from another process's row: cleaned of escapes, controls and
    line breaks, and cut, like any text from the desk file."""
    words: dict[str, None] = {}  # one line per name and activity, in order
    for one in here:
        name = safe_line(one.actor)[:32] or "someone"
        if one.activity == "checklist":
            what = f"{name} (editing checklist)"
        elif one.activity == "entry":
            entry = f" {one.entry_id}" if one.entry_id is not None else ""
            what = f"{name} (editing recap entry{entry})"
        else:
            what = name
        words[what] = None
    if not words:
        return ""
    names = list(words)
    shown = ", ".join(names[:NAMES_SHOWN])
    if len(names) > NAMES_SHOWN:
        shown += f" and {len(names) - NAMES_SHOWN} more"
    return f"also open: {shown}"


def beat(
    store: Store,
    session: str,
    actor: str,
    item_id: int | None,
    activity: str,
    entry_id: int | None,
) -> Job:
    """This app's heartbeat, then who else is on the open item."""
    presence.beat(store, session, actor, item_id, activity, entry_id)
    if item_id is not None:
        yield PresenceRead(item_id, describe(presence.others(store, item_id, session)))


def read(store: Store, session: str, item_id: int) -> Job:
    """Who else is on the open item (after another app's commit)."""
    yield PresenceRead(item_id, describe(presence.others(store, item_id, session)))


class PresenceKeeper:
    """The screen's presence: beats on a timer and on every change of what is open.

    Kept beside the screen (like `RecapKeys`) so `main.py` only calls it: `start`
    once the desk shows, `moved` when the open item or the user's activity may have
    changed, `read` after another app's commit, `stop` at unmount."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.session = presence.new_session()
        self._last: tuple[int | None, str, int | None] | None = None
        self._timer: Timer | None = None

    def start(self) -> None:
        self._timer = self.screen.set_interval(HEARTBEAT, self.tick)
        self.moved()

    def doing(self) -> tuple[int | None, str, int | None]:
        """The open item, and what the user does with it (the activity and the entry)."""
        item_id = self.screen.open_item_id
        for screen in self.screen.app.screen_stack:
            request = getattr(screen, "request", None)
            if isinstance(request, EntryRequest):
                return item_id, "entry", request.entry_id
        if self.screen.active_pane == "checklist":
            return item_id, "checklist", None
        return item_id, "open", None

    def tick(self) -> None:
        self._beat(self.doing())

    def moved(self) -> None:
        """Beat now if what this user has open changed (others see it at their next poll)."""
        if self._timer is None:
            return
        now = self.doing()
        if now != self._last:
            self._beat(now)

    def _beat(self, now: tuple[int | None, str, int | None]) -> None:
        self._last = now
        item_id, activity, entry_id = now
        job = beat(self.screen.store, self.session, self.screen.actor, item_id, activity, entry_id)
        self.screen.run_presence(job)

    def read(self) -> None:
        item_id = self.screen.open_item_id
        if item_id is not None and self._timer is not None:
            self.screen.run_presence(read(self.screen.store, self.session, item_id))

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
            presence.leave(self.screen.store, self.session)
