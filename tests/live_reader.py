"""The readers of the stress run: `python -m tests.live_reader reader|app CONFIG.json`.

`reader` does what live refresh does, as fast as it can: poll `PRAGMA data_version`,
and on a change read only the new events (`seq > last`) and the counts. It records every
sequence number it saw, so the run can prove that no event was lost to a reader (every
seq from 1 to the end, once, in order) and that no read surfaced "database is locked".

`app` is one open desk: the real app, headless (`App.run_test`), for the whole run; it
records every error notice it showed (a lock error that reached the user would be one)
and how many changes its watcher reported.

Both wait for the start file, run until the stop file appears, then read once more and
write what they saw to the config's `out` file; an exception is written there too.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from db import Store

POLL_S = 0.05


def _wait(path: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path.name} never appeared")
        time.sleep(0.002)


def read(config: dict[str, Any]) -> dict[str, Any]:
    """Poll, read what is new, until told to stop; every seq seen and every error."""
    store = Store(Path(config["desk"]))
    Path(config["ready"]).write_text("ready")
    _wait(Path(config["start"]))
    stop = Path(config["stop"])
    last = 0
    gaps: list[str] = []
    errors: list[str] = []
    polls = reads = 0
    version = -1
    final = False
    while True:
        if stop.exists():
            final = True  # one more read after the writers are done
        polls += 1
        try:
            now = store.data_version()
            if now != version or final:
                version = now
                reads += 1
                for event in store.events(since_seq=last, limit=500):
                    if event.seq != last + 1:
                        gaps.append(f"after {last} came {event.seq}")
                    last = event.seq
                store.counts()
        except Exception as exc:  # recorded: a lock error must be seen, not crash the reader
            errors.append(f"{type(exc).__name__}: {exc}")
        if final and store.last_seq() == last:
            break
        time.sleep(POLL_S)
    store.close()
    return {"last": last, "gaps": gaps, "errors": errors, "polls": polls, "reads": reads}


async def _app(config: dict[str, Any]) -> dict[str, Any]:
    from desk.settings import Settings
    from desk.tui.app import make_app
    from desk.tui.messages import DeskChanged

    app = make_app(Path(config["desk"]), Settings(actor="watcher"), env={"TERM": "xterm"})
    changes = 0

    def hook(message: object) -> None:
        nonlocal changes
        if isinstance(message, DeskChanged):
            changes += 1

    async with app.run_test(size=(100, 30), message_hook=hook) as pilot:
        await pilot.pause(0.2)
        Path(config["ready"]).write_text("ready")
        _wait(Path(config["start"]))
        stop = Path(config["stop"])
        keys = ("j", "k", "G", "g")
        n = 0
        while not stop.exists():
            await pilot.press(keys[n % len(keys)])  # someone reading the list meanwhile
            n += 1
            await pilot.pause(0.1)
        await pilot.pause(0.6)  # the watcher's last tick
        await app.workers.wait_for_complete()
        shown = [
            str(note.message)
            for note in app._notifications
            if note.severity == "error" or "locked" in str(note.message).lower()
        ]
    return {"errors": shown, "changes": changes, "keys": n}


def main(argv: list[str]) -> int:
    """Run as a reader or as the open app; write what was seen (or the crash) to `out`."""
    mode, config_path = argv[1], argv[2]
    config = json.loads(Path(config_path).read_text())
    try:
        result = read(config) if mode == "reader" else asyncio.run(_app(config))
    except Exception:
        result = {"errors": [f"{mode} crashed: {traceback.format_exc()}"]}
    Path(config["out"]).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
