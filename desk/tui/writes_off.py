"""When the desk takes no writes: read-only, or its file gone under the app.

A desk opened read-only (no write permission, read-only media) or whose
file was deleted or moved under the app keeps working for reading; the
keys that write say why they do nothing, in one line, before any prompt
opens (`DeskApp.run_action` asks `refusal`). A write already under way is
refused by the store itself with the same words, and a note being typed
is given back to its editor (`main._keep_typed`).
"""

from __future__ import annotations

from db import Store
from widgets.keys import BY_ID

WRITE_KEYS: frozenset[str] = frozenset(
    {
        "desk.tag",
        "desk.triage",
        "desk.verdict",
        "desk.link",
        "desk.annotate",
        "desk.undo",
        "desk.edit_note",
        "desk.add",
        "recap.add",
        "recap.edit",
        "recap.edit_external",
        "recap.delete",
        "recap.move_up",
        "recap.move_down",
        "recap.unpin",
        "recap.section",
        "recap.attach",
        "recap.note",
        "checklist.passed",
        "checklist.failed",
        "checklist.unclear",
        "checklist.na",
        "checklist.reopen",
        "checklist.note",
        "checklist.evidence",
    }
)
"""Binding ids of the keys that write (every other key only reads or moves)."""


def action_name(action: str) -> str:
    """`set_state('passed')` -> `set_state`; `screen.tag` -> `tag`."""
    return action.split("(", 1)[0].rsplit(".", 1)[-1]


WRITE_ACTIONS: frozenset[str] = frozenset(action_name(BY_ID[key].action) for key in WRITE_KEYS)
"""The action names behind `WRITE_KEYS` (a key remapped in `[keymap]` keeps its action)."""


def why_off(store: Store) -> str | None:
    """Why the desk takes no writes now (None: it does)."""
    gone = store.file_problem()
    if gone is not None:
        return f"{gone}: nothing more is written"
    if store.read_only is not None:
        return f"this desk is read-only: {store.read_only}"
    return None


def refusal(store: Store, action: str) -> str | None:
    """The line to show instead of running `action` (None: run it)."""
    if action_name(action) not in WRITE_ACTIONS:
        return None
    return why_off(store)  # shown under the title "Read-only"
