"""The open item's verification checklist, read-only for now.

The five pillars (provenance, source, date, location, motivation) and any
extra steps, each with its status in brackets (so it reads without
colour), its question, note, evidence and who logged it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from db.models import CheckStep
from desk.text import safe, safe_line
from widgets.keys import bindings
from widgets.text import long_time

STATUS_STYLE: dict[str, str] = {
    "open": "dim",
    "passed": "bold green",
    "failed": "bold red",
    "unclear": "bold yellow",
    "n/a": "dim",
}


def describe_checklist(item_id: int | None, steps: Sequence[CheckStep]) -> Text:
    out = Text()
    if item_id is None:
        out.append("No item open.\n", "dim")
        return out
    done = sum(1 for step in steps if step.status != "open")
    out.append(f"Checklist of #{item_id}: {done}/{len(steps)} done\n", "bold")
    for step in steps:
        out.append(f"[{step.status:^7}] ", STATUS_STYLE.get(step.status, ""))
        out.append(safe_line(step.pillar), "bold")
        out.append("  " + safe_line(step.question) + "\n", "dim")
        if step.note:
            for line in safe(step.note).splitlines():
                out.append(f"          {line}\n")
        for evidence in step.evidence:
            out.append(f"          evidence: {safe_line(evidence)}\n", "italic")
        if step.updated_by:
            out.append(
                f"          by {safe_line(step.updated_by)}, "
                f"{long_time(step.updated_at, 'minute', annotate=False)}\n",
                "dim",
            )
    return out


class ChecklistPane(VerticalScroll, can_focus=True):
    """Pane 4: the open item's checklist."""

    BINDING_GROUP_TITLE = "Checklist"
    BINDINGS: ClassVar[list[BindingType]] = bindings("checklist")

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.item_id: int | None = None
        self.steps: tuple[CheckStep, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static(Text("No item open.", "dim"), id="checklist-body")

    def show(self, item_id: int | None, steps: Sequence[CheckStep]) -> None:
        self.item_id, self.steps = item_id, tuple(steps)
        self.query_one("#checklist-body", Static).update(describe_checklist(item_id, steps))

    @property
    def text(self) -> str:
        return describe_checklist(self.item_id, self.steps).plain
