"""`e`: write a note in the user's `$EDITOR`, with the item it is about on top.

The temp file starts with a comment header (the item's id, author and first
lines, so the user sees what they annotate) that is stripped on save, as
git does with a commit message: only the header exactly as written is
removed, so a note that itself starts with `#` is kept. The app is
suspended while the editor runs (posting does the same); where it cannot
be (`SuspendNotSupported`, under textual-serve for instance), the caller
falls back to the in-app editor.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from textual.app import App, SuspendNotSupported

from desk.text import safe_line

HEADER_LINES = 3
"""Lines of the item's text quoted in the header."""
MARK = "# "


@dataclass(frozen=True)
class EditorResult:
    """What came back: the note (None: nothing to save), why not, or a fallback reason."""

    text: str | None = None
    problem: str | None = None
    fallback: str | None = None


def editor_command(configured: str | None, env: Mapping[str, str]) -> list[str] | None:
    """The editor to run: `editor` from config.toml, then `$VISUAL`, then `$EDITOR`."""
    command = configured or env.get("VISUAL") or env.get("EDITOR")
    return shlex.split(command) if command else None


def note_header(item_id: int, author: str, text: str) -> str:
    """The comment block the file starts with; `strip_header` removes exactly this."""
    lines = [
        f"{MARK}Note on #{item_id} by {safe_line(author) or 'unknown'}:",
        *(f"{MARK}> {safe_line(line)}" for line in text.splitlines()[:HEADER_LINES]),
        f"{MARK}Write the note below. Lines starting with '{MARK.strip()}' up here are dropped;",
        f"{MARK}an empty note saves nothing.",
        "",
    ]
    return "\n".join(lines) + "\n"


def strip_header(written: str, header: str) -> str:
    """The note without the header: the header's lines are dropped where they still stand
    at the top (a line the user changed or removed is simply no longer matched)."""
    lines = written.splitlines()
    expected = header.splitlines()
    start = 0
    for line in expected:
        if start < len(lines) and lines[start] == line:
            start += 1
    return "\n".join(lines[start:]).strip("\n")


def edit_note(app: App[object], command: list[str], header: str, text: str = "") -> EditorResult:
    """Hand the terminal to the editor on a temp file (`header`, then `text` to change);
    read back what was written, the header dropped."""
    handle, name = tempfile.mkstemp(prefix="desk-note-", suffix=".txt")
    path = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(header + text)
        try:
            with app.suspend():
                code = subprocess.call([*command, str(path)])
        except SuspendNotSupported:
            return EditorResult(
                fallback="This terminal cannot hand over to $EDITOR: write the note here."
            )
        except OSError as exc:
            return EditorResult(problem=f"Cannot run {command[0]}: {exc.strerror}")
        written = path.read_text(encoding="utf-8", errors="replace")
    finally:
        path.unlink(missing_ok=True)
    if code != 0:
        return EditorResult(problem=f"{command[0]} exited with {code}; note not saved.")
    text = strip_header(written, header)
    return EditorResult(text=text if text.strip() else None)
