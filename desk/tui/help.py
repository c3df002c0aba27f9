"""`?`: every key of the desk, grouped by where it works, as remapped by the user.

The list is made from the key table (`widgets/keys.py`) that the screens
and widgets build their `BINDINGS` from, with the keymap from the config
file applied, so it cannot drift from what the keys really do. Binding ids
are shown so a user can remap a key in `config.toml` without reading the
source. The columns are sized to the terminal (see `help_text`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from desk.verdicts import BUILTIN, VerdictScheme
from widgets.footer import DeskFooter
from widgets.keys import CONTEXTS, actions, bindings, key_label, keys_of
from widgets.prompts import TRIAGE_LEGEND

HELP_PADDING = 6
"""Columns the help body's padding and scrollbar take from the terminal's width."""
GAP = 2


Section = tuple[str, list[tuple[str, str, str]]]


def help_sections(keymap: Mapping[str, str]) -> list[Section]:
    """(title, [(keys, what it does, binding id)]) for every context of the key table."""
    sections: list[Section] = []
    for context, title in CONTEXTS.items():
        rows = [
            (key_label(keys_of(action, keymap)), action.description, action.id)
            for action in actions(context)
        ]
        if context == "prompt":
            rows.insert(0, ("enter", "accept", ""))
        if rows:
            sections.append((title, rows))
    return sections


def help_text(
    keymap: Mapping[str, str], width: int = 100, verdicts: VerdictScheme = BUILTIN
) -> Text:
    """The help, laid out for `width` columns.

    Three aligned columns (keys, what, binding id) sized to what they hold
    when they fit; below that the id goes under its line, so that at 80
    columns nothing runs into its neighbour (fixed widths of 18 and 34 did)."""
    sections = help_sections(keymap)
    rows = [row for _, entries in sections for row in entries]
    keys_w = max(len(keys) for keys, _, _ in rows)
    what_w = max(len(what) for _, what, _ in rows)
    ids_w = max(len(binding_id) for _, _, binding_id in rows)
    columns = 2 + keys_w + GAP + what_w + GAP + ids_w <= width
    out = Text()
    out.append("Keys of the desk\n", "bold")
    out.append(
        "Actions work on the marked items (v, V) if any,\n"
        "else on the item under the cursor.\n"
        "Remap any key in config.toml under [keymap] by its id "
        + ("in the last column.\n" if columns else "(the dim line under it).\n"),
        "dim",
    )
    for title, entries in sections:
        out.append(f"\n{title}\n", "bold underline")
        for keys, what, binding_id in entries:
            out.append(f"  {keys:<{keys_w}}", "bold")
            if columns:
                out.append(" " * GAP + f"{what:<{what_w}}" + " " * GAP)
                out.append(f"{binding_id}\n", "dim")
            else:
                out.append(" " * GAP + f"{what}\n")
                if binding_id:
                    out.append(" " * (2 + keys_w + GAP) + f"{binding_id}\n", "dim")
    out.append("\nList columns\n", "bold underline")
    out.append("  > cursor   * marked   time (UTC)   platform   author   triage   verdict\n")
    out.append(
        "  time: the year shows when it is not this year; ? after it means the\n"
        "        desk knows only when the item arrived, not when it was posted\n"
    )
    legends = (
        ("triage:  ", TRIAGE_LEGEND),
        ("verdict: ", verdicts.legend()),
        ("r then:  ", "  ".join(f"{v.key} {v.label}" for v in verdicts.verdicts)),
    )
    for name, legend in legends:
        lines = textwrap.wrap(legend, max(20, width - 2 - len(name)), break_on_hyphens=False)
        for number, line in enumerate(lines):
            out.append(f"  {name if number == 0 else ' ' * len(name)}{line}\n")
    out.append("\nFilter words\n", "bold underline")
    out.append(
        "  tag:x -tag:x triage:new platform:mastodon verdict:false from:@handle\n"
        "  since:2h since:2026-11-01 story:slug id:12,13\n"
        "  and free words (word* = prefix)\n"
    )
    return out


class HelpScreen(Screen[None]):
    """A full screen of keys; escape, q or ? goes back."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("help")

    def __init__(self, verdicts: VerdictScheme = BUILTIN) -> None:
        super().__init__()
        self.verdicts = verdicts

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(self._text(self.app.size.width), id="help-text")
        yield DeskFooter(compact=True)

    def _text(self, width: int) -> Text:
        keymap: dict[str, str] = getattr(self.app, "keymap", {})
        return help_text(keymap, width - HELP_PADDING, self.verdicts)

    def on_resize(self, event: events.Resize) -> None:
        self.query_one("#help-text", Static).update(self._text(event.size.width))

    def action_scroll(self, where: str) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        if where == "down":
            body.scroll_down(animate=False)
        elif where == "up":
            body.scroll_up(animate=False)
        elif where == "top":
            body.scroll_home(animate=False)
        else:
            body.scroll_end(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
