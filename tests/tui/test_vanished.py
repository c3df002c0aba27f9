"""What the user types is never lost: not to a desk file that vanished, a lock, a size limit,
nor a desk that is read-only.

The desk file deleted or moved under the open app (with its -wal and
-shm): the watcher notices within a poll and says so until the app
closes, the header says it, every later write is refused with the reason
(none reports success), and an open note editor keeps its text. A note
over the size limit, or saved while another connection holds the write
lock past the (here shortened) busy timeout, opens its editor again at
once with the text and why.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from textual.widgets import TextArea

from db import Store
from desk.tui.app import DeskApp
from desk.verbs.notes import MAX_NOTE_CHARS
from tests.tui.conftest import ENV, NOW, notices, settle, top, type_text
from widgets.note_editor import NoteEditor
from widgets.prompts import TagPrompt

SMALL = (100, 30)


def header(app: DeskApp) -> str:
    return str(app.main.query_one("#header").render().plain)  # type: ignore[attr-defined]


def editor_text(app: DeskApp) -> str:
    screen = top(app)
    assert isinstance(screen, NoteEditor), screen
    return screen.query_one(TextArea).text


def remove_desk(path: Path, *, move_to: Path | None = None) -> None:
    for suffix in ("", "-wal", "-shm"):
        side = Path(f"{path}{suffix}")
        if not side.exists():
            continue
        if move_to is None:
            side.unlink()
        else:
            side.rename(f"{move_to}{suffix}")


async def test_deleted_desk_is_noticed_and_writes_refused(app: DeskApp, desk_path: Path) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        before = app.store.last_seq()
        remove_desk(desk_path)
        await pilot.pause(0.6)  # two polls of the watcher
        await settle(pilot)
        assert "DESK FILE GONE" in header(app)
        gone = [n for n in notices(app) if "was deleted or moved while it was open" in n]
        assert gone and str(desk_path) in gone[0]
        assert "Nothing more can be saved" in gone[0]
        await pilot.press("t")  # a write key says why and opens no prompt
        await settle(pilot)
        assert not isinstance(top(app), TagPrompt)
        assert any(
            n.startswith("the desk file") and "nothing more is written" in n for n in notices(app)
        )
        await pilot.press("u")
        await settle(pilot)
        assert not any(n.startswith(("Undone", "Tagged", "Note added")) for n in notices(app))
        assert app.store.last_seq() == before


async def test_moved_desk_keeps_the_open_editor_and_its_text(
    app: DeskApp, desk_path: Path, tmp_path: Path
) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await type_text(pilot, "Seen from the ferry")
        remove_desk(desk_path, move_to=tmp_path / "moved.desk")
        await pilot.pause(0.6)
        await settle(pilot)
        assert editor_text(app) == "Seen from the ferry"  # still open, still there
        assert any("was deleted or moved" in n for n in notices(app))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert editor_text(app) == "Seen from the ferry"  # given back with the reason
        reason = str(top(app).query_one("#note-reason").render())  # type: ignore[attr-defined]
        assert "Not saved:" in reason and "was deleted or moved" in reason
    with Store(tmp_path / "moved.desk") as moved:  # nothing landed in the moved file either
        assert not any(e.kind == "note.add" and e.actor == "alice" for e in moved.events())


async def test_a_replaced_desk_file_is_another_desk(app: DeskApp, desk_path: Path) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        remove_desk(desk_path)
        Store(desk_path, create=True).close()  # a new, empty desk at the same path
        await pilot.pause(0.6)
        await settle(pilot)
        assert any("was replaced by another file" in n for n in notices(app))
        assert "DESK FILE GONE" in header(app)


async def test_a_note_over_the_limit_keeps_its_text(app: DeskApp, store: Store) -> None:
    long = "x" * (MAX_NOTE_CHARS + 1)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("a")
        top(app).query_one(TextArea).load_text(long)  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert editor_text(app) == long
        reason = str(top(app).query_one("#note-reason").render())  # type: ignore[attr-defined]
        assert f"the limit is {MAX_NOTE_CHARS}" in reason
        # Cut it down and save: the same editor, now saved.
        top(app).query_one(TextArea).load_text("short now")  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(top(app), NoteEditor)
    assert store.notes_of(40)[-1].text == "short now"


async def test_a_note_saved_while_the_desk_is_locked_keeps_its_text(
    app: DeskApp, desk_path: Path, store: Store
) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.store.conn.execute("PRAGMA busy_timeout = 100")  # short, for the test
        holder = sqlite3.connect(desk_path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        try:
            await pilot.press("a")
            await type_text(pilot, "Written while locked")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert editor_text(app) == "Written while locked"
            reason = str(top(app).query_one("#note-reason").render())  # type: ignore[attr-defined]
            assert "the desk is busy" in reason and "0.1 s" in reason
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        await pilot.press("ctrl+s")  # the lock is gone: the same text saves
        await settle(pilot)
        assert not isinstance(top(app), NoteEditor)
    assert store.notes_of(40)[-1].text == "Written while locked"


async def test_a_read_only_desk_in_the_app(desk_path: Path, settings: object) -> None:
    """Forced read-only (SQLite `mode=ro`, as any user): marked, told, write keys refuse."""
    from desk.settings import Settings

    assert isinstance(settings, Settings)
    store = Store(desk_path, read_only=True)
    app = DeskApp(store, desk_path=desk_path, settings=settings, clock=lambda: NOW, env=ENV)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert "READ-ONLY" in header(app)
        assert any(n.startswith("This desk is read-only: opened read-only") for n in notices(app))
        for key in ("t", "a", "s", "u"):
            await pilot.press(key)
            await settle(pilot)
            assert type(top(app)).__name__ == "MainScreen", key
        refused = [n for n in notices(app) if n == "this desk is read-only: opened read-only"]
        assert len(refused) == 4
        await pilot.press("j", "enter")  # reading still works
        await settle(pilot)
    assert os.path.exists(desk_path)
