"""Checks: one step of an item's checklist with its note and evidence; evidence files; undo.

A step is logged again and again as the work goes on: each time is an
event and a row of the step's history (who, when, from what state to
what, the note, how much evidence came with it), and evidence only ever
accumulates: a URL, a note, or a file kept inside the desk by its sha256
(stored once however often it is added, never altered; `desk verify`
recomputes its hash). The first check of an `unverified` item makes it
`in progress`, in the same event, so an undo puts both back.
"""

from __future__ import annotations

import mimetypes
import os
import re
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import cast

from db import Store, Writer
from db.models import Event, EvidenceRow
from desk.checklist_view import EvidenceView, evidence_view
from desk.checklists import MAX_ID_CHARS, Template, normalise_state
from desk.errors import BadInputError
from desk.text import clean_line, clean_text, truncate
from desk.verbs._checklist import item_template, update_done
from desk.verbs._common import check_items, item_target
from desk.verbs.payloads import (
    AutoVerdict,
    CheckLogPayload,
    CheckStep,
    CheckUndone,
    EvidenceAddPayload,
    EvidenceFields,
    EvidenceUndone,
)
from desk.verbs.undo import Undone, inverse_of
from desk.vocab import normalise_actor

MAX_EVIDENCE_BYTES = 512 * 1024 * 1024
"""The largest evidence file a desk keeps: 512 MiB. Its bytes go into the desk file (SQLite
holds at most 1 GB in one value), and every colleague's copy and bundle carries them; a
longer video is kept outside the desk and given as a URL or a note with its hash."""
MAX_EVIDENCE_TEXT = 4000
"""A URL or a note given as evidence, in characters."""
MAX_CHECK_NOTE = 20_000
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
_STEP_SHAPE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


def _shown(text: str, limit: int = 60) -> str:
    return repr(truncate(text, limit))


def is_url(text: str) -> bool:
    """`http://` or `https://` and no spaces: what evidence counts as a URL."""
    return bool(_URL.match(text.strip()))


def _step_id(raw: str) -> str:
    value = raw.strip().lower()
    if len(value) > MAX_ID_CHARS or not _STEP_SHAPE.match(value):
        raise BadInputError(f"bad step {_shown(raw)}: a step is a word like provenance or date")
    return value


def _text_evidence(raw: str) -> tuple[str, str]:
    """`(kind, value)` of a URL or a note given as evidence, cleaned; refused when empty/long."""
    if is_url(raw):
        value = clean_line(raw)
        kind = "url"
    else:
        value = clean_text(raw)
        kind = "note"
    if not value:
        raise BadInputError("empty evidence: give a URL, a note or a file")
    if len(value) > MAX_EVIDENCE_TEXT:
        raise BadInputError(
            f"evidence {_shown(value)} is {len(value)} characters; the limit is"
            f" {MAX_EVIDENCE_TEXT} (keep a long text as a file)"
        )
    return kind, value


def _file_facts(path: str | os.PathLike[str]) -> tuple[Path, int, str, str]:
    """`(path, size, original name, media type)` of an evidence file, or refused, naming it."""
    where = clean_line(os.fspath(path)) or "(no name)"
    target = Path(path)
    try:
        info = target.stat()
    except FileNotFoundError:
        raise BadInputError(f"{where}: no such file") from None
    except OSError as exc:
        raise BadInputError(f"{where}: cannot read it ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise BadInputError(f"{where}: a directory, not a file: give one file")
    if not stat.S_ISREG(info.st_mode):
        raise BadInputError(f"{where}: not a regular file (a device or a pipe?)")
    if info.st_size > MAX_EVIDENCE_BYTES:
        raise BadInputError(
            f"{where}: {info.st_size / 2**20:.0f} MiB; the desk keeps evidence files up to"
            f" {MAX_EVIDENCE_BYTES // 2**20} MiB: give a URL or a note for a larger one"
        )
    if not os.access(target, os.R_OK):
        raise BadInputError(f"{where}: cannot read it (permission denied)")
    name = clean_line(target.name) or "file"
    media = mimetypes.guess_type(target.name, strict=False)[0] or "application/octet-stream"
    return target, int(info.st_size), truncate(name, 255), media


def _fields(
    row_uuid: str,
    kind: str,
    value: str,
    sha: str | None = None,
    size: int | None = None,
    media: str | None = None,
) -> EvidenceFields:
    return {
        "uuid": row_uuid,
        "kind": kind,
        "value": value,
        "sha256": sha,
        "size": size,
        "media_type": media,
    }


def _place(
    w: Writer, item_id: int, step_id: str
) -> tuple[Template, int, str, tuple[str, str | None] | None]:
    """The item's template, the step's position and question, and its logged state; a step
    neither in the template nor logged before is refused, naming the template's steps."""
    template = item_template(w, item_id)
    before = w.step_state(item_id, step_id)
    step = template.step(step_id)
    if step is None and before is None:
        raise BadInputError(
            f"bad step {step_id!r}: item {item_id} follows the template {template.name!r}:"
            f" use one of {', '.join(template.ids)}"
        )
    position = template.ids.index(step_id) if step else len(template.ids)
    question = (step.guidance.split("\n", 1)[0] or step.title) if step else step_id
    return template, position, question, before


def _store_file(
    w: Writer, actor: str, item_id: int, step_id: str, facts: tuple[Path, int, str, str]
) -> tuple[EvidenceFields, EvidenceRow]:
    path, size, name, media = facts
    try:
        sha, _ = w.put_blob_file(path, size)
    except OSError as exc:
        where = clean_line(os.fspath(path))
        raise BadInputError(f"{where}: cannot read it ({exc.strerror or exc})") from None
    row = w.add_evidence(
        item_id=item_id,
        step=step_id,
        form="file",
        value=name,
        actor=actor,
        sha256=sha,
        size=size,
        media_type=media,
    )
    return _fields(row.uuid, "file", name, sha, size, media), row


def log_check(
    store: Store,
    actor: str,
    item_id: int,
    step: str,
    status: str,
    *,
    note: str | None = None,
    evidence: Sequence[str] = (),
    files: Sequence[str | os.PathLike[str]] = (),
) -> Event:
    """Set one step of an item's checklist, adding evidence (URLs or notes; `files` kept by
    sha256) to what it has; one event. A step's note is replaced only when one is given."""
    actor = normalise_actor(actor)
    state = normalise_state(status)
    step_id = _step_id(step)
    clean_note = (clean_text(note) or None) if note else None
    if clean_note and len(clean_note) > MAX_CHECK_NOTE:
        raise BadInputError(
            f"the note is {len(clean_note)} characters; the limit is {MAX_CHECK_NOTE}"
        )
    texts = [_text_evidence(e) for e in evidence]
    facts = [_file_facts(p) for p in files]
    with store.transaction() as w:
        check_items(w, [item_id])
        template, position, question, before = _place(w, item_id, step_id)
        kept_note = clean_note if clean_note is not None else (before[1] if before else None)
        w.set_step(
            item_id=item_id,
            step=step_id,
            position=position,
            question=question,
            status=state,
            note=kept_note,
            actor=actor,
        )
        added: list[EvidenceFields] = []
        for kind, value in texts:
            row = w.add_evidence(item_id=item_id, step=step_id, form=kind, value=value, actor=actor)
            added.append(_fields(row.uuid, kind, value))
        for one in facts:
            added.append(_store_file(w, actor, item_id, step_id, one)[0])
        base = w.item_version(item_id)
        moved: AutoVerdict | None = None
        if state != "open" and w.item_field(item_id, "verdict") == "unverified":
            w.update_item(item_id, {"verdict": "in progress"})
            moved = {"from": "unverified", "to": "in progress"}
        else:
            w.bump_version(item_id)
        update_done(w, item_id, template)
        w.add_step_history(
            item_id=item_id,
            step=step_id,
            actor=actor,
            before=before[0] if before else "open",
            after=state,
            note=clean_note,
            evidence_added=len(added),
        )
        payload: CheckLogPayload = {
            "item": item_id,
            "pillar": step_id,
            "template": template.name,
            "before": {"status": before[0], "note": before[1]} if before else None,
            "after": {"status": state, "note": kept_note},
            "evidence": added,
        }
        if moved is not None:
            payload["verdict"] = moved
        return w.append_event(
            actor=actor,
            kind="check.log",
            target=item_target([item_id]),
            payload=payload,
            base_version=base,
        )


@inverse_of("check.log")
def _undo_check(w: Writer, original: Event) -> Undone:
    """Put the step back as it was (unlogged: `open` again), hide the evidence it added (the
    rows and bytes stay), and put the verdict back if the check moved it and it is unchanged."""
    p = cast(CheckLogPayload, original.payload)
    item_id, step_id = int(p["item"]), p["pillar"]
    before = p.get("before")
    current = w.step_state(item_id, step_id)
    restored: CheckStep
    if before is None:
        w.delete_step(item_id, step_id)
        restored = {"status": "open", "note": None}
    else:
        restored = {"status": before["status"], "note": before["note"]}
        _, position, question, _ = _place(w, item_id, step_id)
        w.set_step(
            item_id=item_id,
            step=step_id,
            position=position,
            question=question,
            status=before["status"],
            note=before["note"],
            actor=original.actor,
        )
    retracted = [e["uuid"] for e in p.get("evidence", [])]
    w.retract_evidence(retracted)
    inverse: CheckUndone = {"item": item_id, "pillar": step_id, "restored": restored}
    if retracted:
        inverse["retracted"] = retracted
    moved = p.get("verdict")
    if moved is not None and w.item_field(item_id, "verdict") == moved["to"]:
        w.update_item(item_id, {"verdict": moved["from"]})
        inverse["verdict"] = {"from": moved["to"], "to": moved["from"]}
    else:
        w.bump_version(item_id)
    update_done(w, item_id)
    w.add_step_history(
        item_id=item_id,
        step=step_id,
        actor=original.actor,
        before=current[0] if current else "open",
        after=restored["status"],
        note="undo",
        evidence_added=0,
    )
    return Undone(inverse)


def add_evidence(
    store: Store, actor: str, item_id: int, step: str, path: str | os.PathLike[str]
) -> EvidenceView:
    """Keep a file as evidence for a step (by sha256, stored once), its state unchanged."""
    actor = normalise_actor(actor)
    step_id = _step_id(step)
    facts = _file_facts(path)
    with store.transaction() as w:
        check_items(w, [item_id])
        _, position, question, before = _place(w, item_id, step_id)
        state = before[0] if before else "open"
        if before is None:
            w.set_step(
                item_id=item_id,
                step=step_id,
                position=position,
                question=question,
                status="open",
                note=None,
                actor=actor,
            )
        fields, row = _store_file(w, actor, item_id, step_id, facts)
        base = w.bump_version(item_id) - 1
        w.add_step_history(
            item_id=item_id,
            step=step_id,
            actor=actor,
            before=state,
            after=state,
            note=None,
            evidence_added=1,
        )
        payload: EvidenceAddPayload = {
            "item": item_id,
            "pillar": step_id,
            "state": state,
            "evidence": fields,
        }
        w.append_event(
            actor=actor,
            kind="evidence.add",
            target=item_target([item_id]),
            payload=payload,
            base_version=base,
        )
    return evidence_view(row)


@inverse_of("evidence.add")
def _undo_evidence(w: Writer, original: Event) -> Undone:
    """Hide the evidence added (its row and bytes stay in the desk, as every capture does)."""
    p = cast(EvidenceAddPayload, original.payload)
    item_id = int(p["item"])
    uuids = [p["evidence"]["uuid"]]
    w.retract_evidence(uuids)
    w.bump_version(item_id)
    state = (w.step_state(item_id, p["pillar"]) or ("open", None))[0]
    w.add_step_history(
        item_id=item_id,
        step=p["pillar"],
        actor=original.actor,
        before=state,
        after=state,
        note="undo",
        evidence_added=0,
    )
    inverse: EvidenceUndone = {"item": item_id, "pillar": p["pillar"], "retracted": uuids}
    return Undone(inverse)
