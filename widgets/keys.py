"""The key table: every key of the desk, once.

One row per action: its binding id, the context it works in, its default
keys, the action it runs, what it does. The screens, panes and modals build
their `BINDINGS` from this table (`bindings(context)`); the `?` help, the
command palette, the footer (through Textual's bindings) and the check of a
user's `[keymap]` all read it too, so none of them can drift from what the
keys really do. harlequin's `actions.py` is the model; unlike it we apply a
keymap with Textual's own `App.set_keymap` (binding ids), not private APIs.

Textual-only (no store, no verbs), so every widget may import it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True, slots=True)
class KeyAction:
    """One bindable action."""

    id: str
    """The binding id a user remaps in `[keymap]` (`desk.tag`)."""
    context: str
    """Where it works: a key of `CONTEXTS`."""
    keys: str
    """Default keys, comma-separated, in Textual's names (`ctrl+d,pagedown`)."""
    action: str
    """The action string run on the context's owner (`half_page(1)`)."""
    description: str
    show: bool = False
    """Shown in the footer (the most needed keys only: 80 columns cut the tail)."""
    priority: bool = False
    palette: bool = True
    """Offered in the command palette (keys that only make sense as keys are not)."""


CONTEXTS: dict[str, str] = {
    "list": "Incoming list (pane 1)",
    "desk": "Anywhere on the desk",
    "app": "Anywhere",
    "triage": "Triage, after s",
    "item": "Item pane (2)",
    "recap": "Recap pane (3)",
    "checklist": "Checklist pane (4)",
    "prompt": "In prompts and dialogs",
    "tag": "Tag prompt (t)",
    "filter": "Filter prompt (\\)",
    "note": "Note editor (a, e)",
    "entry": "Recap entry editor (a, e in the recap)",
    "add": "Add an item (i)",
    "link": "Link picker (l)",
    "evidence": "Evidence prompt (E in the checklist)",
    "export": "Export preview (Story: export…)",
    "conflicts": "Merge conflicts (C)",
    "help": "This help",
}
"""Contexts in help order, with their titles."""

ACTIVE_TOGETHER: tuple[frozenset[str], ...] = (
    frozenset({"app", "desk", "list"}),
    frozenset({"app", "desk", "item"}),
    frozenset({"app", "desk", "recap"}),
    frozenset({"app", "desk", "checklist"}),
    frozenset({"app", "prompt", "triage"}),
    frozenset({"app", "prompt", "tag"}),
    frozenset({"app", "prompt", "filter"}),
    frozenset({"app", "prompt", "note"}),
    frozenset({"app", "prompt", "entry"}),
    frozenset({"app", "prompt", "add"}),
    frozenset({"app", "prompt", "link"}),
    frozenset({"app", "prompt", "evidence"}),
    frozenset({"app", "prompt", "conflicts"}),
    frozenset({"app", "export"}),
    frozenset({"app", "help"}),
)
"""Contexts whose keys are live at the same moment: one key must not mean two things in one."""


def _scroll(context: str) -> tuple[KeyAction, ...]:
    """j/k/g/G in a scrolling pane, with ids of their own so they can be remapped."""
    return (
        KeyAction(
            f"{context}.down", context, "j,down", "scroll_down", "scroll down", palette=False
        ),
        KeyAction(f"{context}.up", context, "k,up", "scroll_up", "scroll up", palette=False),
        KeyAction(f"{context}.top", context, "g,home", "scroll_home", "top", palette=False),
        KeyAction(f"{context}.bottom", context, "G,end", "scroll_end", "bottom", palette=False),
    )


RELATION_KEYS: dict[str, str] = {
    "duplicate-of": "d",
    "corroborates": "c",
    "contradicts": "x",
    "same-event": "s",
    "reply-to": "r",
    "quotes": "q",
    "repost-of": "p",
    "embedded-in": "e",
    "reviews": "v",
    "source-for": "f",
}
"""The letter that picks each relation in the link picker, shown before it in its list."""


KEYS: tuple[KeyAction, ...] = (
    # The incoming list.
    KeyAction("desk.open", "list", "enter", "open", "open", show=True),
    KeyAction("desk.mark", "list", "v", "toggle_mark", "mark", show=True),
    KeyAction("desk.clear_marks", "list", "escape", "clear_marks", "clear marks", show=True),
    KeyAction("desk.mark_range", "list", "V", "mark_range", "mark a range"),
    KeyAction("desk.down", "list", "j,down", "cursor_down", "down", palette=False),
    KeyAction("desk.up", "list", "k,up", "cursor_up", "up", palette=False),
    KeyAction("desk.top", "list", "g,home", "cursor_top", "top"),
    KeyAction("desk.bottom", "list", "G,end", "cursor_bottom", "bottom"),
    KeyAction("desk.half_down", "list", "ctrl+d,pagedown", "half_page(1)", "half page down"),
    KeyAction("desk.half_up", "list", "ctrl+u,pageup", "half_page(-1)", "half page up"),
    # The desk screen, whatever pane has focus (footer order: most needed first).
    KeyAction("desk.help", "desk", "question_mark", "help", "help", show=True),
    KeyAction("desk.tag", "desk", "t", "tag", "tag", show=True),
    KeyAction("desk.triage", "desk", "s", "triage", "triage", show=True),
    KeyAction("desk.verdict", "desk", "r", "verdict", "rate", show=True),
    KeyAction("desk.link", "desk", "l", "link", "link", show=True),
    KeyAction("desk.annotate", "desk", "a", "annotate", "note", show=True),
    KeyAction("desk.search", "desk", "slash", "search", "find", show=True),
    KeyAction("desk.search_next", "desk", "n", "search_next(1)", "next", show=True),
    KeyAction("desk.filter", "desk", "backslash", "filter", "filter", show=True),
    KeyAction("desk.undo", "desk", "u", "undo", "undo", show=True),
    KeyAction("desk.quit", "desk", "q", "quit", "quit", show=True),
    KeyAction("desk.search_prev", "desk", "N", "search_next(-1)", "previous match"),
    KeyAction("desk.edit_note", "desk", "e", "edit_note", "note in $EDITOR"),
    KeyAction("desk.show_discarded", "desk", "S", "toggle_discarded", "show/hide discarded"),
    KeyAction("desk.checklist", "desk", "c", "checklist", "checklist"),
    KeyAction("desk.queue", "desk", "Q", "queue", "needs verification (oldest first)"),
    KeyAction("desk.conflicts", "desk", "C", "conflicts", "merge conflicts"),
    KeyAction("desk.copy_url", "desk", "y", "copy_url", "copy URL"),
    KeyAction("desk.copy_citation", "desk", "Y", "copy_citation", "copy a citation"),
    KeyAction("desk.show_url", "desk", "o", "show_url", "show URL"),
    KeyAction("desk.add", "desk", "i", "add_item", "add an item"),
    KeyAction("desk.pane_list", "desk", "1", "focus_pane('list')", "list pane"),
    KeyAction("desk.pane_item", "desk", "2", "focus_pane('detail')", "item pane"),
    KeyAction("desk.pane_recap", "desk", "3", "focus_pane('recap')", "recap pane"),
    KeyAction("desk.pane_checklist", "desk", "4", "focus_pane('checklist')", "checklist pane"),
    KeyAction("desk.next_pane", "desk", "tab", "cycle_pane(1)", "next pane"),
    KeyAction("desk.prev_pane", "desk", "shift+tab", "cycle_pane(-1)", "previous pane"),
    KeyAction(
        "desk.back", "desk", "escape", "focus_pane('list')", "back to the list", palette=False
    ),
    # The app, on every screen.
    KeyAction(
        "desk.palette", "app", "ctrl+p", "command_palette", "palette", priority=True, palette=False
    ),
    KeyAction("desk.force_quit", "app", "ctrl+q", "quit", "quit at once", priority=True),
    # Triage chooser (`s` then a letter).
    KeyAction("triage.keep", "triage", "k", "choose('kept')", "keep", palette=False),
    KeyAction("triage.flag", "triage", "f", "choose('flagged')", "flag", palette=False),
    KeyAction("triage.discard", "triage", "d", "choose('discarded')", "discard", palette=False),
    KeyAction("triage.new", "triage", "n", "choose('new')", "back to new", palette=False),
    # The item, recap and checklist panes.
    *_scroll("item"),
    KeyAction("item.more_links", "item", "m", "more_links", "more links", show=True),
    KeyAction("item.to_recap", "item", "enter", "to_recap", "to the recap entry it sources"),
    # The recap pane: a cursor over its sections, entries and their sources.
    KeyAction("recap.down", "recap", "j,down", "cursor_down", "next line", palette=False),
    KeyAction("recap.up", "recap", "k,up", "cursor_up", "previous line", palette=False),
    KeyAction("recap.top", "recap", "g,home", "first", "top", palette=False),
    KeyAction("recap.bottom", "recap", "G,end", "last", "bottom", palette=False),
    KeyAction("recap.add", "recap", "a", "add_entry", "add an entry", show=True),
    KeyAction("recap.edit", "recap", "e", "edit_entry", "edit the entry", show=True),
    KeyAction("recap.edit_external", "recap", "E", "edit_entry_external", "entry in $EDITOR"),
    KeyAction("recap.delete", "recap", "d", "delete_entry", "delete the entry (u undoes)"),
    KeyAction("recap.move_up", "recap", "K", "move_entry('up')", "move up (pins it)", show=True),
    KeyAction("recap.move_down", "recap", "J", "move_entry('down')", "move down (pins it)"),
    KeyAction("recap.unpin", "recap", "p", "unpin_entry", "unpin: back to date order"),
    KeyAction("recap.section", "recap", "m", "move_section", "move to another section"),
    KeyAction(
        "recap.attach", "recap", "l", "attach_sources", "attach marked items as sources", show=True
    ),
    KeyAction("recap.note", "recap", "A", "note_entry", "note on the entry"),
    KeyAction("recap.jump", "recap", "enter", "jump", "go to the source's item", show=True),
    # The checklist pane: a cursor over the open item's steps.
    KeyAction("checklist.down", "checklist", "j,down", "cursor_down", "next step", palette=False),
    KeyAction("checklist.up", "checklist", "k,up", "cursor_up", "previous step", palette=False),
    KeyAction("checklist.top", "checklist", "g,home", "first", "first step", palette=False),
    KeyAction("checklist.bottom", "checklist", "G,end", "last", "last step", palette=False),
    KeyAction(
        "checklist.passed", "checklist", "p", "set_state('passed')", "step passed", show=True
    ),
    KeyAction(
        "checklist.failed", "checklist", "f", "set_state('failed')", "step failed", show=True
    ),
    KeyAction(
        "checklist.unclear", "checklist", "u", "set_state('unclear')", "step unclear", show=True
    ),
    KeyAction("checklist.na", "checklist", "n", "set_state('n/a')", "step n/a", show=True),
    KeyAction("checklist.reopen", "checklist", "o", "set_state('open')", "reopen the step"),
    KeyAction("checklist.note", "checklist", "e", "edit_step_note", "the step's note", show=True),
    KeyAction("checklist.evidence", "checklist", "E", "add_evidence", "attach evidence", show=True),
    KeyAction("checklist.history", "checklist", "enter", "history", "the step's history"),
    # The verdict chooser (`r`): a letter picks, enter sets.
    # Prompts and dialogs.
    KeyAction("prompt.cancel", "prompt", "escape", "cancel", "cancel", palette=False),
    KeyAction("prompt.complete", "tag", "tab", "complete", "complete the tag", palette=False),
    KeyAction(
        "evidence.complete", "evidence", "tab", "complete", "complete the path", palette=False
    ),
    KeyAction(
        "filter.complete", "filter", "tab", "complete", "complete a key or value", palette=False
    ),
    KeyAction("note.save", "note", "ctrl+s", "save", "save the note", priority=True, palette=False),
    KeyAction("add.save", "add", "ctrl+s", "save", "add", priority=True, palette=False),
    KeyAction(
        "entry.save", "entry", "ctrl+s", "save", "save the entry", priority=True, palette=False
    ),
    KeyAction("link.back", "link", "escape", "back", "back / cancel", palette=False),
    KeyAction(
        "link.results_down", "link", "down", "results(1)", "down in the results", palette=False
    ),
    KeyAction("link.results_up", "link", "up", "results(-1)", "up in the results", palette=False),
    *(
        KeyAction(
            f"link.{relation}", "link", key, f"relation('{relation}')", relation, palette=False
        )
        for relation, key in RELATION_KEYS.items()
    ),
    # The export preview (the palette's Story: export…).
    KeyAction(
        "export.write", "export", "ctrl+s", "write", "write the file", priority=True, palette=False
    ),
    KeyAction(
        "export.next_format", "export", "ctrl+f", "next_format", "next format", palette=False
    ),
    KeyAction("export.cancel", "export", "escape", "cancel", "close, write nothing", palette=False),
    # Help.
    KeyAction("conflicts.next", "conflicts", "j,down", "move(1)", "next conflict", palette=False),
    KeyAction("conflicts.prev", "conflicts", "k,up", "move(-1)", "previous", palette=False),
    KeyAction("conflicts.take_1", "conflicts", "1", "pick(0)", "keep value 1", palette=False),
    KeyAction("conflicts.take_2", "conflicts", "2", "pick(1)", "keep value 2", palette=False),
    KeyAction("conflicts.take_3", "conflicts", "3", "pick(2)", "keep value 3", palette=False),
    KeyAction("help.close", "help", "escape,q,question_mark", "close", "back", palette=False),
    KeyAction("help.down", "help", "j,down", "scroll('down')", "down", palette=False),
    KeyAction("help.up", "help", "k,up", "scroll('up')", "up", palette=False),
    KeyAction("help.top", "help", "g,home", "scroll('top')", "top", palette=False),
    KeyAction("help.bottom", "help", "G,end", "scroll('bottom')", "bottom", palette=False),
)

BY_ID: dict[str, KeyAction] = {k.id: k for k in KEYS}
_FOOTER_RANK: dict[str, int] = {}
for _rank, _row in enumerate(KEYS):
    if _row.show:
        # The focused pane's own keys first (the recap's `a add an entry` before the
        # desk's `t tag`), then the desk's: an 80-column footer keeps the head.
        _shared = _row.context in ("desk", "app")
        _FOOTER_RANK.setdefault(_row.action, _rank + (len(KEYS) if _shared else 0))


def actions(context: str) -> tuple[KeyAction, ...]:
    """The rows of one context, in table order."""
    return tuple(k for k in KEYS if k.context == context)


def bindings(*contexts: str) -> list[BindingType]:
    """`BINDINGS` for a screen, pane or modal: the table's rows of these contexts."""
    return [
        Binding(
            k.keys,
            k.action,
            k.description,
            show=k.show,
            priority=k.priority,
            id=k.id,
        )
        for context in contexts
        for k in actions(context)
    ]


def keys_of(action: KeyAction, keymap: Mapping[str, str]) -> str:
    """The keys an action has after the user's keymap."""
    return keymap.get(action.id, action.keys)


KEY_NAMES: dict[str, str] = {
    "slash": "/",
    "backslash": "\\",
    "question_mark": "?",
    "escape": "esc",
    "pagedown": "pgdn",
    "pageup": "pgup",
}
"""Textual's key names as a user types them; anything else is shown as named."""


def key_label(keys: str) -> str:
    """`ctrl+d,pagedown` -> `ctrl+d pgdn`; single letters keep their case (`G` is shift+g).

    Help and the palette both show keys through this, so they read the same."""
    return " ".join(KEY_NAMES.get(key, key) for key in _split(keys))


def footer_rank(action: str) -> int:
    """Where a footer key goes: the focused pane's keys first, then the desk's, each in
    table order, whatever key they have now.

    Textual re-inserts a binding remapped by `[keymap]` at the end of the screen's
    bindings, so without this a remapped key moved to the tail of the footer, the part
    an 80-column terminal cuts off."""
    return _FOOTER_RANK.get(action, 2 * len(KEYS))


def keymap_problems(keymap: Mapping[str, str]) -> list[str]:
    """What is wrong with a `[keymap]`: unknown ids, one key bound to two actions at once."""
    problems: list[str] = []
    unknown = sorted(set(keymap) - set(BY_ID))
    if unknown:
        problems.append(f"[keymap]: unknown binding ids {', '.join(unknown)} (see ? for ids)")
    for group in ACTIVE_TOGETHER:
        seen: dict[str, KeyAction] = {}
        for action in KEYS:
            if action.context not in group:
                continue
            for key in _split(keys_of(action, keymap)):
                other = seen.get(key)
                if other is not None and other.id != action.id and _clash(other, action, keymap):
                    problem = (
                        f"[keymap]: {key!r} is bound to both {other.id} and {action.id}"
                        f" ({CONTEXTS[action.context].lower()})"
                    )
                    if problem not in problems:
                        problems.append(problem)
                seen.setdefault(key, action)
    return problems


def _clash(first: KeyAction, second: KeyAction, keymap: Mapping[str, str]) -> bool:
    """Defaults share keys on purpose across nested contexts (`escape` clears marks in
    the list and goes back to it from other panes); a clash is one the user made."""
    return first.id in keymap or second.id in keymap


def _split(keys: str) -> Iterable[str]:
    return (k.strip() for k in keys.split(",") if k.strip())
