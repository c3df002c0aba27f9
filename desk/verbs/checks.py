"""Checks: one verification step of an item's checklist, with its evidence; and its undo."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from db import Store, Writer
from db.models import Event
from desk.errors import BadInputError
from desk.text import clean_line, clean_text
from desk.verbs._common import check_items, item_target
from desk.verbs.payloads import CheckLogPayload, CheckStep, CheckUndone
from desk.verbs.undo import Undone, inverse_of
from desk.vocab import DEFAULT_QUESTIONS, PILLARS, STEP_STATES, normalise_actor, normalise_pillar


def log_check(
    store: Store,
    actor: str,
    item_id: int,
    pillar: str,
    status: str,
    *,
    note: str | None = None,
    evidence: Sequence[str] = (),
) -> Event:
    """Record one verification step of an item's checklist, with its evidence."""
    actor = normalise_actor(actor)
    pillar = pillar.strip().lower()
    if pillar not in PILLARS:
        raise BadInputError(f"bad step {pillar!r}: use one of {', '.join(PILLARS)}")
    if status not in STEP_STATES:
        raise BadInputError(f"bad status {status!r}: use one of {', '.join(STEP_STATES)}")
    clean_note = clean_text(note) or None if note else None
    clean_evidence = [clean_line(e) for e in evidence if clean_line(e)]
    with store.transaction() as w:
        check_items(w, [item_id])
        before = w.set_check_step(
            item_id=item_id,
            pillar=pillar,
            position=PILLARS.index(pillar),
            question=DEFAULT_QUESTIONS[pillar],
            status=status,
            note=clean_note,
            evidence=clean_evidence,
            actor=actor,
        )
        base = w.bump_version(item_id) - 1
        payload: CheckLogPayload = {
            "item": item_id,
            "pillar": pillar,
            "before": cast(CheckStep | None, before),
            "after": {"status": status, "note": clean_note, "evidence": clean_evidence},
        }
        return w.append_event(
            actor=actor,
            kind="check.log",
            target=item_target([item_id]),
            payload=payload,
            base_version=base,
        )


@inverse_of("check.log")
def _undo_check(w: Writer, original: Event) -> Undone:
    """Put the step back as it was (`open`, no note, when it had never been set)."""
    p = cast(CheckLogPayload, original.payload)
    before: CheckStep = p.get("before") or {"status": "open", "note": None, "evidence": []}
    pillar = normalise_pillar(p["pillar"])
    w.set_check_step(
        item_id=p["item"],
        pillar=pillar,
        position=PILLARS.index(pillar),
        question=DEFAULT_QUESTIONS[pillar],
        status=before["status"],
        note=before["note"],
        evidence=before["evidence"],
        actor=original.actor,
    )
    w.bump_version(p["item"])
    inverse: CheckUndone = {"item": p["item"], "pillar": p["pillar"], "restored": before}
    return Undone(inverse)
