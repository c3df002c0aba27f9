"""The app on a desk, headless, as whoever runs this: `python tests/tui_as_user.py DESK KEYS...`.

The permission tests run it as another OS user (`tests/osusers.py`), so the
app opens the desk with that user's rights. It presses the keys given (each
a Textual key name), waits for the app to settle, and prints one JSON
object: the header line, every notification, the screen on top, and the
events in the desk (read through the app's own store).
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from desk.settings import Settings
from desk.tui.app import make_app


async def main(path: str, keys: list[str]) -> None:
    app = make_app(Path(path), Settings(actor="outsider", theme="textual-dark"))
    async with app.run_test(size=(120, 30)) as pilot:
        for _ in range(6):
            await pilot.pause(0.05)
            await app.workers.wait_for_complete()
        for key in keys:
            await pilot.press(key)
            for _ in range(3):
                await pilot.pause(0.05)
                await app.workers.wait_for_complete()
        header = app.main.query_one("#header")
        result = {
            "header": header.render().plain,  # type: ignore[attr-defined]
            "notices": [str(n.message) for n in app._notifications],
            "screen": type(app.screen).__name__,
            "events": app.store.last_seq(),
        }
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2:]))
