"""The verbs: one function per user action, the only writers of a desk.

Each verb validates its input, opens one `BEGIN IMMEDIATE` transaction,
changes the state and appends one event describing the change (with what
is needed to undo it), then commits. The CLI, the TUI, the importers and
the tests all call these functions, so whatever the TUI can do can be done
and tested from the command line.

Verbs that act on several items (marked items in the TUI) are still one
transaction and one event, so `undo` reverses the whole action.

One module per concern (`items`, `links`, `notes`, `checks`, `templates`, `recap`,
`sections`, `stories`, `filters`, `verdicts`), each holding its verbs, the undo of each (registered
in `undo.INVERSES` by event kind) and, for what is not undoable, the reason;
`payloads` holds the type of every event kind's payload. This package
re-exports the public names, so `from desk import verbs; verbs.tag(...)`
is how everyone calls them; importing it imports every module, which is
what fills the undo table.
"""

from __future__ import annotations

from desk.verbs.checks import MAX_EVIDENCE_BYTES, add_evidence, log_check
from desk.verbs.conflicts import resolve_conflict
from desk.verbs.copies import take_copy
from desk.verbs.filters import save_filter
from desk.verbs.items import (
    MAX_ITEM_CHARS,
    VerdictGateError,
    add_item,
    set_triage,
    set_verdict,
    store_raw_sha,
    tag,
)
from desk.verbs.links import LinkResult, link, unlink
from desk.verbs.notes import MAX_NOTE_CHARS, annotate
from desk.verbs.recap import (
    MAX_BODY_CHARS,
    add_recap_entry,
    delete_recap_entry,
    edit_recap_entry,
    move_recap_entry,
    unpin_recap_entry,
)
from desk.verbs.sections import SectionRename, rename_recap_section, set_recap_sections
from desk.verbs.stories import create_story, edit_story
from desk.verbs.templates import add_template, set_item_template, set_story_template
from desk.verbs.undo import INVERSES, NOT_UNDOABLE, UndoResult, undo
from desk.verbs.verdicts import add_verdict, remove_verdict, rename_verdict

__all__ = [
    "INVERSES",
    "MAX_BODY_CHARS",
    "MAX_EVIDENCE_BYTES",
    "MAX_ITEM_CHARS",
    "MAX_NOTE_CHARS",
    "NOT_UNDOABLE",
    "LinkResult",
    "SectionRename",
    "UndoResult",
    "VerdictGateError",
    "add_evidence",
    "add_item",
    "add_recap_entry",
    "add_template",
    "add_verdict",
    "annotate",
    "create_story",
    "delete_recap_entry",
    "edit_recap_entry",
    "edit_story",
    "link",
    "log_check",
    "move_recap_entry",
    "remove_verdict",
    "rename_recap_section",
    "rename_verdict",
    "resolve_conflict",
    "save_filter",
    "set_item_template",
    "set_recap_sections",
    "set_story_template",
    "set_triage",
    "set_verdict",
    "store_raw_sha",
    "tag",
    "take_copy",
    "undo",
    "unlink",
    "unpin_recap_entry",
]
