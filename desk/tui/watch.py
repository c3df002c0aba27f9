"""Watching the desk file for commits by other processes.

`PRAGMA data_version` changes when another connection commits, and costs a
few microseconds to read. A plain daemon thread reads it every `interval`
(the screen asks for 100 ms) and calls back only when it changed; what
changed is then read from the event log (`db/changes.py`), never the
tables. It is a thread of its own rather than a
Textual worker started on every tick: each worker start and finish is a
message to the screen, and while a modal prompt is open every such
message repaints the prompt and the desk under it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from db import Store


class DeskWatcher(threading.Thread):
    """Calls `on_change()` (from this thread) when the desk's data version moves."""

    def __init__(
        self,
        store: Store,
        on_change: Callable[[], None],
        *,
        interval: float = 0.25,
        on_gone: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(name="desk-watcher", daemon=True)
        self.store = store
        self.on_change = on_change
        self.interval = interval
        # Told once, with the reason, when the desk file is deleted, moved or replaced
        # under the app (`Store.file_problem`: one stat per poll).
        self.on_gone = on_gone
        self._stop_event = threading.Event()

    def run(self) -> None:
        try:
            last = self.store.data_version()
        except Exception:  # the desk is already closing
            return
        while not self._stop_event.wait(self.interval):
            if self.on_gone is not None:
                gone = self.store.file_problem()
                if gone is not None:
                    self.on_gone(gone)
                    self.on_gone = None
            try:
                version = self.store.data_version()
            except Exception:  # closed under us at shutdown, or a transient lock
                if self._stop_event.is_set():
                    return
                continue
            if version != last:
                last = version
                self.on_change()

    def stop(self) -> None:
        self._stop_event.set()
