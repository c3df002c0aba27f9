"""Pane 4: the open item's verification checklist, worked from the keyboard.

A cursor runs over the steps of the item's template (five pillars by
default), then any step logged under another template. Each step shows its
state in brackets, so it reads without colour (`[passed ]`, `[unclear]`,
`[ open  ]`: "not checked" and "checked, unclear" never look alike), whether
`verified` needs it, its guidance, its note, every piece of evidence it has
gathered (a URL, a note, a file kept in the desk by its sha256) and who
changed it last. The head line counts `3 passed · 1 unclear · 1 open` and
says what `verified` still waits for.

The pane writes nothing: its keys post `Requested` with the step under the
cursor, and the screen runs the verb in a worker. `enter` shows the step's
history (`StepHistory`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from desk.checklist_records import ChecklistView, EvidenceView, StepView
from desk.identity import who
from desk.text import safe, safe_line, truncate
from widgets.keys import bindings
from widgets.text import long_time

STATUS_STYLE: dict[str, str] = {
    "open": "dim",
    "passed": "bold green",
    "failed": "bold red",
    "unclear": "bold yellow",
    "n/a": "dim",
}


def _size(size: int | None) -> str:
    if size is None:
        return ""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


def evidence_line(evidence: EvidenceView) -> str:
    """`file frame.png (1.2 MB, image/png, sha256 ab12cd34…)`, `url https://…`, `note …`."""
    if evidence.kind == "file":
        facts = ", ".join(
            part
            for part in (
                _size(evidence.size),
                safe_line(evidence.media_type or ""),
                f"sha256 {safe_line(evidence.sha256 or '')[:12]}…" if evidence.sha256 else "",
            )
            if part
        )
        return f"file {truncate(safe_line(evidence.value), 60)} ({facts})"
    return f"{safe_line(evidence.kind)} {truncate(safe_line(evidence.value), 200)}"


def _head(view: ChecklistView) -> Text:
    out = Text()
    out.append(f"Checklist of #{view.item_id}", "bold")
    out.append(f" · {safe_line(view.template_title or view.template)}", "dim")
    out.append(f"\n{safe_line(view.summary)}", "bold")
    if view.missing_for_verified:
        waits = ", ".join(safe_line(m) for m in view.missing_for_verified)
        out.append(f"\nverified waits for: {waits}", "dim")
    else:
        out.append("\nevery required step is passed or n/a: verified may be set", "dim")
    return out


def _step_prompt(step: StepView) -> Text:
    out = Text()  # styles on the parts: a Text's own style would colour the whole step
    out.append(f"[{step.state:^7}] ", STATUS_STYLE.get(step.state, ""))
    out.append(safe_line(step.title or step.id), "bold")
    if step.extra:
        out.append("  (logged under another template)", "dim")
    elif not step.required:
        out.append("  (optional)", "dim")
    if step.guidance:
        out.append(f"\n          {safe_line(step.guidance.splitlines()[0])}", "dim")
    if step.note:
        for line in safe(step.note).strip("\n").splitlines()[:4]:
            out.append(f"\n          {line}")
    for evidence in step.evidence:
        out.append(f"\n          + {evidence_line(evidence)}", "italic")
    if step.updated_by:
        when = long_time(step.updated_at, "minute", annotate=False)
        out.append(f"\n          by {safe_line(step.updated_by)}, {when}", "dim")
    return out


class ChecklistPane(OptionList, can_focus=True, inherit_bindings=False):
    """Pane 4: the open item's checklist, a line per step."""

    BINDING_GROUP_TITLE = "Checklist"
    BINDINGS: ClassVar[list[BindingType]] = bindings("checklist")

    @dataclass
    class Requested(Message):
        """A checklist key: the screen runs it (`action`: the key table's action name)."""

        action: str
        item_id: int
        step: StepView
        argument: str | None = None

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.view: ChecklistView | None = None
        self._prompts: list[Text] = []

    def on_mount(self) -> None:
        self._set([Text("No item open.", "dim")], [])

    def _set(self, prompts: list[Text], keys: Sequence[str]) -> None:
        self._prompts = prompts
        titles = len(prompts) - len(keys)
        self.set_options(
            Option(prompt, id=None if i < titles else keys[i - titles], disabled=i < titles)
            for i, prompt in enumerate(prompts)
        )

    def show(self, view: ChecklistView | None) -> None:
        """Lay the checklist out, the cursor staying on its step (on the same item)."""
        same = view is not None and self.view is not None and view.item_id == self.view.item_id
        current = self.current.id if same and self.current else None
        self.view = view
        if view is None:
            self._set([Text("No item open.", "dim")], [])
            return
        self._set(
            [_head(view), *(_step_prompt(step) for step in view.steps)],
            [f"step:{step.id}" for step in view.steps],
        )
        ids = [step.id for step in view.steps]
        if current in ids:
            self.highlighted = ids.index(current) + 1
        elif ids:
            self.highlighted = 1

    @property
    def current(self) -> StepView | None:
        index = self.highlighted
        if self.view is None or index is None or not 1 <= index <= len(self.view.steps):
            return None
        return self.view.steps[index - 1]

    @property
    def text(self) -> str:
        return "\n".join(prompt.plain for prompt in self._prompts)

    def _request(self, action: str, argument: str | None = None) -> None:
        step = self.current
        if self.view is None or step is None:
            self.notify("No step here: open an item first (enter in the list).", severity="warning")
            return
        self.post_message(self.Requested(action, self.view.item_id, step, argument))

    def action_set_state(self, state: str) -> None:
        self._request("state", state)

    def action_edit_step_note(self) -> None:
        self._request("note")

    def action_add_evidence(self) -> None:
        self._request("evidence")

    def action_history(self) -> None:
        self._request("history")

    def action_select(self) -> None:
        """A click puts the cursor on a step and no more: `enter` shows its history."""


class StepHistory(ModalScreen[None]):
    """`enter` on a step: every change to it, oldest first (who, when, from what to what)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("prompt")

    def __init__(self, item_id: int, step: StepView) -> None:
        super().__init__()
        self.item_id = item_id
        self.step = step

    def compose(self) -> ComposeResult:
        step = self.step
        with Vertical(classes="prompt tall"):
            yield Label(
                Text(f"History of {safe_line(step.title or step.id)} on #{self.item_id}"),
                classes="title",
            )
            with VerticalScroll():
                yield Static(self.describe(), id="history-text")
            yield Static(Text("escape: back", "dim"), classes="hint")

    def describe(self) -> Text:
        out = Text()
        if not self.step.history:
            out.append("Never checked: the step is open.\n", "dim")
        for change in self.step.history:
            out.append(f"{long_time(change.at, 'minute', annotate=False)}  ", "dim")
            out.append(f"{who(change.actor, change.os_user)}: ", "bold")
            out.append(f"{safe_line(change.before)} -> {safe_line(change.after)}")
            if change.evidence_added:
                added = change.evidence_added
                out.append(f", {added} piece{'s' if added != 1 else ''} of evidence added", "dim")
            out.append("\n")
            if change.note:
                out.append(f"    {truncate(safe_line(change.note), 300)}\n", "italic")
        if self.step.evidence:
            out.append("\nEvidence\n", "bold underline")
            for evidence in self.step.evidence:
                by = f"{safe_line(evidence.added_by)}, "
                when = long_time(evidence.added_at, "minute", annotate=False)
                out.append(f"  {evidence_line(evidence)}\n    {by}{when}\n")
        return out

    @property
    def text(self) -> str:
        return self.describe().plain

    def action_cancel(self) -> None:
        self.dismiss(None)
