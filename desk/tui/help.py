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
from widgets.item_detail import ItemDetail
from widgets.item_list import ItemList
from widgets.prompts import TRIAGE_LEGEND, VERDICT_LEGEND, TagPrompt, TriageChooser

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
    """(title, [(keys, what it does, binding id)]) for every group of keys."""
    from desk.tui.app import DeskApp
    from desk.tui.main import MainScreen

    def rows(bindings: Sequence[BindingType]) -> list[tuple[str, str, str]]:
        out = []
        for binding in _bindings(bindings):
            keys = keymap.get(binding.id or "", binding.key)
            out.append((key_label(keys), binding.description or binding.action, binding.id or ""))
        return out

    return [
        ("Incoming list (pane 1)", rows(ItemList.BINDINGS)),
        ("Anywhere on the desk", rows(MainScreen.BINDINGS) + rows(DeskApp.BINDINGS)),
        ("Triage, after s", rows(TriageChooser.BINDINGS)),
        ("Item, recap and checklist panes (2-4)", rows(ItemDetail.BINDINGS)),
        (
            "In prompts",
            [
                ("enter", "Accept", ""),
                ("esc", "Cancel (in the link picker: back one step)", "prompt.cancel"),
                *rows(TagPrompt.BINDINGS),
                ("ctrl+s", "Save the note / add the item", "note.save add.save"),
                ("tab", "Next field", ""),
            ],
        ),
        ("This help", rows(HelpScreen.BINDINGS)),
    ]


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

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Back", id="help.close"),
        Binding("j", "scroll('down')", "Down", show=False),
        Binding("k", "scroll('up')", "Up", show=False),
    ]

    def compose(self) -> ComposeResult:
        keymap = getattr(self.app, "keymap", {})
        with VerticalScroll(id="help-body"):
            yield Static(help_text(keymap))
        yield DeskFooter(compact=True)

    def action_scroll(self, where: str) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        if where == "down":
            body.scroll_down(animate=False)
        else:
            body.scroll_up(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
