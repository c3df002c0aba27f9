"""The verbs: one function per user action, the only writers of a desk.

Each verb validates its input, opens one `BEGIN IMMEDIATE` transaction,
changes the state and appends one event describing the change (with what
is needed to undo it), then commits. The CLI, the TUI, the importers and
the tests all call these functions, so whatever the TUI can do can be done
and tested from the command line.

Verbs that act on several items (marked items in the TUI) are still one
transaction and one event, so `undo` reverses the whole action.
"""

from __future__ import annotations

from desk.verbs.checks import log_check
from desk.verbs.filters import save_filter
from desk.verbs.items import MAX_ITEM_CHARS, add_item, set_triage, set_verdict, store_raw_sha, tag
from desk.verbs.links import link, unlink
from desk.verbs.notes import MAX_NOTE_CHARS, annotate
from desk.verbs.recap import add_recap_entry
from desk.verbs.stories import create_story
from desk.verbs.undo import UNDOABLE, UndoResult, undo

__all__ = [
    "MAX_ITEM_CHARS",
    "MAX_NOTE_CHARS",
    "UNDOABLE",
    "UndoResult",
    "add_item",
    "add_recap_entry",
    "annotate",
    "create_story",
    "link",
    "log_check",
    "save_filter",
    "set_triage",
    "set_verdict",
    "store_raw_sha",
    "tag",
    "undo",
    "unlink",
]
