"""An item's checklist as a pane or `desk checklist` shows it, read through the store.

The desk layer between the store's rows (`db.models`: logged steps, their
history, evidence) and the templates (`desk.checklists`): which template the
item follows, every step with its state, note, evidence and history, the
extras logged under another template (after the template's steps), the
tally (`3 passed · 1 unclear · 1 open`) and what `verified` still waits for.
The records live in `desk.checklist_records` (widgets draw them, and
widgets never import what reaches the store) and are re-exported here; the
TUI's checklist pane and the CLI build on the same `read_checklist`.
"""

from __future__ import annotations

from db import Store
from db.models import EvidenceRow
from desk.checklist_files import resolve
from desk.checklist_records import ChecklistView, EvidenceView, StepChange, StepView
from desk.checklists import (
    BUILTINS,
    Row,
    Template,
    checklist,
    missing_for_verified,
    tally,
)

__all__ = [
    "ChecklistView",
    "EvidenceView",
    "StepChange",
    "StepView",
    "evidence_view",
    "item_template",
    "read_checklist",
    "template_named",
    "template_names",
]


def evidence_view(row: EvidenceRow) -> EvidenceView:
    return EvidenceView(
        kind=row.kind,
        value=row.value,
        sha256=row.sha256,
        size=row.size,
        media_type=row.media_type,
        added_by=row.added_by,
        added_at=row.added_at,
    )


def template_named(store: Store, name: str | None) -> Template:
    """A built-in or one of the desk's (None: the default); refused, naming it, if unknown."""
    if name is None or name in BUILTINS:
        return resolve(name)
    record = store.template_record(name)
    return resolve(name, record.toml if record else None)


def item_template(store: Store, item_id: int) -> Template:
    """The template an item follows: its own, else its story's, else the default."""
    own, story = store.item_template_names(item_id)
    return template_named(store, own or story)


def template_names(store: Store) -> tuple[str, ...]:
    """Every template a desk can pick: the built-ins, then the desk's own, by name."""
    return (*BUILTINS, *(record.name for record in store.templates()))


def read_checklist(store: Store, item_id: int) -> ChecklistView:
    """An item's checklist under its template, with every logged step kept (extras last)."""
    template = item_template(store, item_id)
    logged = {step.pillar: step for step in store.checklist(item_id, with_evidence=False)}
    states = {step_id: step.status for step_id, step in logged.items()}
    evidence: dict[str, list[EvidenceView]] = {}
    for row in store.evidence_of(item_id):
        evidence.setdefault(row.step, []).append(evidence_view(row))
    history: dict[str, list[StepChange]] = {}
    for change in store.step_history(item_id):
        history.setdefault(change.step, []).append(
            StepChange(
                at=change.at,
                actor=change.actor,
                before=change.before,
                after=change.after,
                note=change.note,
                evidence_added=change.evidence_added,
                os_user=change.os_user,
            )
        )
    steps: list[StepView] = []
    others: list[Template] | None = None
    for line in checklist(states, template):
        done = logged.get(line.step.id)
        if line.extra:
            # Titled as the template it was logged under names it (a built-in's first).
            if others is None:
                others = [template_named(store, name) for name in template_names(store)]
            found = next((t.step(line.step.id) for t in others if t.step(line.step.id)), None)
            if found is not None:
                line = Row(found, line.state, extra=True)
        # Early desks kept a step's evidence as text on the step, replaced on each log.
        legacy = (
            tuple(
                EvidenceView(
                    kind="url" if text.startswith(("http://", "https://")) else "note",
                    value=text,
                    sha256=None,
                    size=None,
                    media_type=None,
                    added_by=done.updated_by or "",
                    added_at=done.updated_at or "",
                )
                for text in done.evidence
            )
            if done
            else ()
        )
        steps.append(
            StepView(
                id=line.step.id,
                title=line.step.title,
                guidance=line.step.guidance,
                required=line.step.required and not line.extra,
                state=line.state,
                note=done.note if done else None,
                evidence=legacy + tuple(evidence.get(line.step.id, ())),
                updated_at=done.updated_at if done else None,
                updated_by=done.updated_by if done else None,
                extra=line.extra,
                history=tuple(history.get(line.step.id, ())),
            )
        )
    return ChecklistView(
        item_id=item_id,
        template=template.name,
        template_title=template.title,
        steps=tuple(steps),
        summary=tally(states, template).summary(),
        missing_for_verified=tuple(missing_for_verified(states, template)),
    )
