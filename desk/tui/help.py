"""`?`: every key of the desk, grouped by where it works, as remapped by the user.

The list is made from the `BINDINGS` of the screens and widgets themselves
(with the keymap from the config file applied), so it cannot drift from
what the keys really do. Binding ids are shown so a user can remap a key
in `config.toml` without reading the source.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from widgets.footer import DeskFooter
from widgets.keys import CONTEXTS, actions, bindings, keys_of
from widgets.prompts import TRIAGE_LEGEND, VERDICT_LEGEND

KEY_NAMES: dict[str, str] = {
    "slash": "/",
    "backslash": "\\",
    "question_mark": "?",
    "escape": "esc",
    "shift+tab": "shift+tab",
    "pagedown": "pgdn",
    "pageup": "pgup",
}


def key_label(keys: str) -> str:
    """`ctrl+d,pagedown` -> `ctrl+d pgdn`; single letters keep their case (`G` is shift+g)."""
    return " ".join(KEY_NAMES.get(k.strip(), k.strip()) for k in keys.split(","))


def _bindings(source: Sequence[BindingType]) -> list[Binding]:
    return [b for b in source if isinstance(b, Binding)]


def help_sections(keymap: Mapping[str, str]) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """(title, [(keys, what it does, binding id)]) for every context of the key table."""
    sections = []
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


def help_text(keymap: Mapping[str, str]) -> Text:
    out = Text()
    out.append("Keys of the desk\n", "bold")
    out.append(
        "Actions work on the marked items (v, V) if any, else on the item under the cursor.\n"
        "Remap any key in config.toml under [keymap], by the id in the last column.\n",
        "dim",
    )
    for title, entries in help_sections(keymap):
        out.append(f"\n{title}\n", "bold underline")
        for keys, what, binding_id in entries:
            out.append(f"  {keys:<18}", "bold")
            out.append(f"{what:<34}")
            out.append(f"{binding_id}\n", "dim")
    out.append("\nList columns\n", "bold underline")
    out.append("  > cursor   * marked   time (UTC)   platform   author   triage   verdict\n")
    out.append(f"  triage:  {TRIAGE_LEGEND}\n")
    out.append(f"  verdict: {VERDICT_LEGEND}\n")
    out.append("\nFilter words\n", "bold underline")
    out.append(
        "  tag:x -tag:x triage:new platform:mastodon verdict:false from:@handle\n"
        "  since:2h since:2026-11-01 story:slug id:12,13 and free words (word* = prefix)\n"
    )
    return out


class HelpScreen(Screen[None]):
    """A full screen of keys; escape, q or ? goes back."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("help")

    def compose(self) -> ComposeResult:
        keymap = getattr(self.app, "keymap", {})
        with VerticalScroll(id="help-body"):
            yield Static(help_text(keymap))
        yield DeskFooter(compact=True)

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
