"""What the checklist pane's keys and the verdict chooser do: the verbs, the prompts.

The pane (`widgets.checklist.ChecklistPane`) writes nothing; each key posts
`ChecklistPane.Requested` with the step under the cursor and the screen
hands it here. Every verb runs in a write worker (`writes.step`,
`writes.verdict`); the refresh that follows redraws the pane from the store.
A refused evidence path reopens its prompt with what was typed; a refused
`verified` (required steps open) offers the override, whose reason the
event records.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from desk.checklist_records import StepView
from desk.errors import USER_ERRORS
from desk.tui import writes
from desk.tui.jobs import Job
from desk.tui.messages import Notice, VerdictRefused
from widgets.checklist import ChecklistPane, StepHistory
from widgets.evidence_prompt import EvidencePrompt, EvidenceRequest
from widgets.note_editor import NoteEditor
from widgets.prompts import OverridePrompt, OverrideRequest

if TYPE_CHECKING:
    from db import Store
    from desk.tui.main import MainScreen


def _evidence(store: Store, actor: str, request: EvidenceRequest, state: str) -> Job:
    """`writes.step` with the evidence; a refusal reopens the prompt with the path."""
    try:
        yield from writes.step(
            store, actor, request.item_id, request.step, state, evidence=request.value
        )
    except USER_ERRORS as exc:
        yield Notice(str(exc), "error", "Error")
        yield EvidencePrompt.Failed(request, str(exc))


class ChecklistKeys:
    """The checklist pane's keys and the verdict override, run against the main screen."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    def handle(self, message: ChecklistPane.Requested) -> None:
        step = message.step
        if message.action == "state":
            state = message.argument or "open"
            if state == step.state:
                self.screen.notify(f"{step.id} is {state} already.")
                return
            self._step(message.item_id, step, state)
        elif message.action == "note":
            self.note(message.item_id, step)
        elif message.action == "evidence":
            self.evidence(EvidenceRequest(message.item_id, step.id, ""))
        elif message.action == "history":
            self.screen.app.push_screen(StepHistory(message.item_id, step))

    def _step(self, item_id: int, step: StepView, state: str, note: str | None = None) -> None:
        screen = self.screen
        screen.run_write(
            writes.step(screen.store, screen.actor, item_id, step.id, state, note=note)
        )

    def note(self, item_id: int, step: StepView) -> None:
        title = f"Note on {step.id} of #{item_id} (it replaces the step's note)"

        def written(text: str | None) -> None:
            if text is not None and text.strip() != (step.note or "").strip():
                screen = self.screen
                job = writes.step(
                    screen.store, screen.actor, item_id, step.id, step.state, note=text
                )
                screen.write_note(job, title, text, written)

        self.screen.app.push_screen(NoteEditor(title, step.note or ""), written)

    def evidence(self, request: EvidenceRequest, error: str | None = None) -> None:
        def entered(typed: EvidenceRequest | None) -> None:
            if typed is None:
                return
            view = self.screen.query_one(ChecklistPane).view
            state = next(
                (s.state for s in (view.steps if view else ()) if s.id == typed.step), "open"
            )
            screen = self.screen
            screen.run_write(_evidence(screen.store, screen.actor, typed, state))

        self.screen.app.push_screen(EvidencePrompt(request, error), entered)

    def evidence_failed(self, message: EvidencePrompt.Failed) -> None:
        self.evidence(message.request, message.error)

    # -- the verdict -------------------------------------------------------------------

    def verdict(
        self, ids: list[int], verdict: str, reason: str | None, seen: dict[int, str]
    ) -> None:
        screen = self.screen
        job = writes.verdict(screen.store, screen.actor, ids, verdict, reason, seen=seen)
        screen.run_write(job)

    def refused(self, message: VerdictRefused) -> None:
        """`verified` refused: say what is open, and offer to set it with a reason."""
        ids = list(message.ids)

        def decided(request: OverrideRequest | None) -> None:
            if request is not None:
                screen = self.screen
                job = writes.verdict(
                    screen.store,
                    screen.actor,
                    ids,
                    request.verdict,
                    request.reason,
                    override=request.override,
                    seen=message.seen,
                )
                screen.run_write(job)

        label = self.screen.verdicts.label(message.verdict)
        prompt = OverridePrompt(message.verdict, message.reason, message.missing, label)
        self.screen.app.push_screen(prompt, partial(decided))
