"""The chooser shown when a colleague set a value after I saw it: keep theirs, or use mine.

Two people rate the same item at once: the second one's write is refused
(`desk.errors.SetConflictError`), and instead of losing either choice the
desk asks that person, naming the colleague, their value and when
("#3: bob set verdict 'false' at 14:02 UTC ... (you saw 'unverified',
chose 'verified')"). The modal only asks; the screen writes the answer in a
worker. Escape decides nothing and writes nothing (theirs stays; mine is
not set on the action's other items either): nothing is overwritten without
a choice.

Everything shown comes in as plain text and is drawn as `Text`, never as
markup, so a colleague's name cannot style or escape the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from desk.text import safe_line
from widgets.prompts import Prompt

Choice = Literal["theirs", "mine"]


@dataclass(frozen=True)
class ConflictQuestion:
    """What the chooser says: a title, one line per clash, and the two answers' labels."""

    title: str
    lines: Sequence[str]
    theirs: str
    mine: str
    escape: str = "escape changes nothing"
    """What escape does, said under the choices."""


class ConflictChoice(Prompt[Choice]):
    """Keep theirs / use mine, with arrows and enter (escape: write nothing)."""

    DEFAULT_CSS = """
    ConflictChoice #conflict-lines { color: $warning; margin-bottom: 1; }
    ConflictChoice OptionList { height: auto; max-height: 4; }
    """

    def __init__(self, question: ConflictQuestion) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        q = self.question
        shown = [safe_line(line) for line in q.lines[:8]]
        if len(q.lines) > 8:
            shown.append(f"... and {len(q.lines) - 8} more")
        with Vertical(classes="prompt"):
            yield Label(Text(safe_line(q.title)), classes="title")
            yield Static(Text("\n".join(shown)), id="conflict-lines")
            yield OptionList(
                Option(Text(safe_line(q.theirs)), id="theirs"),
                Option(Text(safe_line(q.mine)), id="mine"),
                id="conflict-options",
            )
            hint = f"enter chooses    {safe_line(q.escape)}"
            yield Static(Text(hint, "dim"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected, "#conflict-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss("mine" if event.option.id == "mine" else "theirs")
