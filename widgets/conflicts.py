"""The merge conflict queue as a modal: each value changed on two desks, its sides, a pick.

Plain data in (`ConflictRow`, built by `desk.tui.conflicts` from the store),
a `ConflictChoice` out: the widget never reads the store nor writes. `j`/`k`
move between conflicts, `1`-`3` keep that side's value, escape closes.
Values come from other desks' events, so every one is drawn as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.widgets import Label, Static

from desk.text import safe_line
from widgets.keys import bindings
from widgets.prompts import Prompt

MAX_SIDES = 3
"""Sides a key picks (`1`-`3`); a conflict with more lists them and the CLI picks any."""


@dataclass(frozen=True, slots=True)
class ConflictSide:
    value: str
    who: str
    when: str


@dataclass(frozen=True, slots=True)
class ConflictRow:
    id: int
    what: str
    """`item 12 verdict`."""
    sides: tuple[ConflictSide, ...]


@dataclass(frozen=True, slots=True)
class ConflictChoice:
    conflict_id: int
    side: int
    """Index into the row's sides."""


class ConflictsScreen(Prompt[ConflictChoice]):
    """`C`: the open conflicts; `1`-`3` keeps a side, `j`/`k` move, escape closes."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("conflicts", "prompt")

    def __init__(self, rows: Sequence[ConflictRow]) -> None:
        super().__init__()
        self.rows = list(rows)
        self.cursor = 0

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt tall"):
            yield Label(self._title(), classes="title", id="conflicts-title")
            yield Static(self._body(), id="conflicts-body")
            yield Static(
                Text("1-3 keep that value    j/k next/previous    escape close", "dim"),
                classes="hint",
            )

    def _title(self) -> str:
        n = len(self.rows)
        if not n:
            return "No merge conflicts"
        return f"Merge conflict {self.cursor + 1} of {n}"

    def _body(self) -> Text:
        out = Text()
        if not self.rows:
            out.append("Nothing waits: every merged value is settled.")
            return out
        row = self.rows[self.cursor]
        out.append(f"#{row.id} {safe_line(row.what)}\n", "bold")
        for number, side in enumerate(row.sides, 1):
            key = f"{number}" if number <= MAX_SIDES else " "
            out.append(f" {key}  ", "bold")
            out.append(safe_line(side.value))
            out.append(f"   {safe_line(side.who)}, {safe_line(side.when)}\n", "dim")
        return out

    def _redraw(self) -> None:
        self.query_one("#conflicts-title", Label).update(self._title())
        self.query_one("#conflicts-body", Static).update(self._body())

    def action_move(self, step: int) -> None:
        if self.rows:
            self.cursor = (self.cursor + step) % len(self.rows)
            self._redraw()

    def action_pick(self, side: int) -> None:
        if not self.rows:
            return
        row = self.rows[self.cursor]
        if side < len(row.sides):
            self.dismiss(ConflictChoice(row.id, side))

    @property
    def text(self) -> str:
        """What the modal shows, as plain text (tests)."""
        return self._title() + "\n" + self._body().plain
