"""Undo: the inverse of an actor's last action, recorded as a new event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from db import Store, Writer
from db.errors import ConflictError
from db.models import Event
from desk.errors import NothingToUndoError
from desk.vocab import DEFAULT_QUESTIONS, PILLARS

UNDOABLE = {
    "item.add",
    "item.tag",
    "item.triage",
    "item.verdict",
    "link.add",
    "link.remove",
    "note.add",
    "check.log",
}


@dataclass(frozen=True, slots=True)
class UndoResult:
    undone: Event
    event: Event
    skipped: tuple[str, ...]


def _undo_in(w: Writer, original: Event) -> tuple[dict[str, Any], list[str]]:
    """Apply the inverse of `original`; (payload for the undo event, skipped notes)."""
    p = original.payload
    skipped: list[str] = []
    inverse: dict[str, Any] = {}
    if original.kind == "item.tag":
        for key, change in p["changes"].items():
            item_id = int(key)
            for name in change["added"]:
                w.remove_tag(item_id, name)
            for name in change["removed"]:
                w.add_tag(item_id, name)
            w.bump_version(item_id)
        inverse = {"changes": p["changes"]}
    elif original.kind in ("item.triage", "item.verdict"):
        column = "triage" if original.kind == "item.triage" else "verdict"
        done: dict[str, Any] = {}
        for key, change in p["changes"].items():
            item_id = int(key)
            current = w.item_field(item_id, column)
            if current != change["to"]:
                skipped.append(f"item {item_id} is now {current!r} (changed since)")
                continue
            fields: dict[str, Any] = {column: change["from"]}
            if column == "verdict":
                fields["verdict_reason"] = change.get("reason_from")
            w.update_item(item_id, fields)
            done[key] = change
        if not done:
            raise ConflictError("; ".join(skipped) or "nothing left to undo")
        inverse = {"changes": done}
    elif original.kind == "link.add":
        link_p = p["link"]
        if not w.remove_link(link_p["uuid"]):
            raise ConflictError("that link was already removed")
        w.bump_version(link_p["src"])
        inverse = {"link": link_p}
    elif original.kind == "link.remove":
        link_p = p["link"]
        made = w.add_link(
            src_id=link_p["src"],
            relation=link_p["relation"],
            dst_item_id=link_p["dst_item"],
            dst_entry_id=link_p["dst_entry"],
            actor=p.get("created_by", original.actor),
            uuid=link_p["uuid"],
        )
        if made is None:
            raise ConflictError("that link exists again already")
        w.bump_version(link_p["src"])
        inverse = {"link": link_p}
    elif original.kind == "note.add":
        w.set_note_retracted(p["note"], True)
        if p.get("item") is not None:
            w.bump_version(p["item"])
        inverse = {"note": p["note"]}
    elif original.kind == "check.log":
        before = p.get("before") or {"status": "open", "note": None, "evidence": []}
        w.set_check_step(
            item_id=p["item"],
            pillar=p["pillar"],
            position=PILLARS.index(p["pillar"]),
            question=DEFAULT_QUESTIONS[p["pillar"]],
            status=before["status"],
            note=before["note"],
            evidence=before["evidence"],
            actor=original.actor,
        )
        w.bump_version(p["item"])
        inverse = {"item": p["item"], "pillar": p["pillar"], "restored": before}
    elif original.kind == "item.add":
        item_id = int(p["item"])
        before = w.item_field(item_id, "triage")
        if before != "discarded":
            w.update_item(item_id, {"triage": "discarded"})
        inverse = {"item": item_id, "triage_from": before}
    return inverse, skipped


def undo(store: Store, actor: str) -> UndoResult:
    """Undo the actor's last undoable action, as a new event (nothing is deleted).

    Repeated undos walk further back. Changes that a colleague has since
    overwritten are left alone and reported, never clobbered.
    """
    with store.transaction() as w:
        undone_ids = store.undone_event_ids(actor)
        for candidate in store.latest_events_of(actor):
            if candidate.kind == "undo" or candidate.id in undone_ids:
                continue
            if candidate.kind not in UNDOABLE:
                raise NothingToUndoError(
                    f"your last action ({candidate.kind}, event {candidate.seq}) cannot be undone"
                )
            inverse, skipped = _undo_in(w, candidate)
            event = w.append_event(
                actor=actor,
                kind="undo",
                target=candidate.target,
                payload={
                    "undoes": candidate.id,
                    "undoes_seq": candidate.seq,
                    "undoes_kind": candidate.kind,
                    "inverse": inverse,
                    "skipped": skipped,
                },
            )
            return UndoResult(undone=candidate, event=event, skipped=tuple(skipped))
    raise NothingToUndoError(f"nothing to undo for {actor}")
