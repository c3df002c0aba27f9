"""An item's checklist as the panes and the CLI show it: frozen records, nothing else.

`desk.checklist_view.read_checklist` fills them from the store and the
item's template; the checklist pane (`widgets.checklist`) draws them. They
live apart from the reading so that widgets, which never reach the store,
can name them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EvidenceView:
    kind: str  # "url" | "note" | "file"
    value: str  # the URL, the note's text, or the file's original name
    sha256: str | None  # files only
    size: int | None
    media_type: str | None
    added_by: str
    added_at: str


@dataclass(frozen=True, slots=True)
class StepChange:
    at: str
    actor: str
    before: str  # state before
    after: str  # state after
    note: str | None
    evidence_added: int
    os_user: str | None = None
    """The OS account that made the change (shown beside `actor` when it differs)."""


@dataclass(frozen=True, slots=True)
class StepView:
    id: str
    title: str
    guidance: str
    required: bool
    state: str
    note: str | None
    evidence: tuple[EvidenceView, ...]
    updated_at: str | None
    updated_by: str | None
    extra: bool  # logged under another template, not in this one
    history: tuple[StepChange, ...]


@dataclass(frozen=True, slots=True)
class ChecklistView:
    item_id: int
    template: str  # template name
    template_title: str
    steps: tuple[StepView, ...]
    summary: str  # "3 passed · 1 unclear · 1 open"
    missing_for_verified: tuple[str, ...]
