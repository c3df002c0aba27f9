"""The verbs: one function per user action, the only writers of a desk.

Each verb validates its input, opens one `BEGIN IMMEDIATE` transaction,
changes the state and appends one event describing the change (with what
is needed to undo it), then commits. The CLI, the TUI, the importers and
the tests all call these functions, so whatever the TUI can do can be done
and tested from the command line.

Verbs that act on several items (marked items in the TUI) are still one
transaction and one event, so `undo` reverses the whole action.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from db import NewItem, Store, Writer
from db.errors import ConflictError
from db.models import Event, Item, Link, Note
from desk.errors import BadInputError, NothingToUndoError, UnknownItemError
from desk.text import clean_line, clean_text
from desk.vocab import (
    DEFAULT_QUESTIONS,
    ENTRY_RELATIONS,
    ITEM_RELATIONS,
    PILLARS,
    RECAP_SECTIONS,
    STEP_STATES,
    TRIAGE_STATES,
    normalise_tag,
    normalise_verdict,
    parse_tag_ops,
)

MAX_NOTE_CHARS = 100_000
MAX_ITEM_CHARS = 1_000_000


# -- validation ---------------------------------------------------------------


def _check_items(w: Writer, ids: Sequence[int]) -> list[int]:
    if not ids:
        raise BadInputError("no item given")
    unique = list(dict.fromkeys(int(i) for i in ids))
    for item_id in unique:
        try:
            w.item_version(item_id)
        except Exception:
            raise UnknownItemError(f"unknown item {item_id}") from None
    return unique


def _target(ids: Sequence[int]) -> str:
    return "item:" + ",".join(str(i) for i in ids)


# -- items --------------------------------------------------------------------


def store_raw_sha(raw: bytes | None) -> str | None:
    """The sha256 the store files raw bytes under, recorded in the arrival event."""
    return hashlib.sha256(raw).hexdigest() if raw is not None else None


def add_item(
    store: Store,
    actor: str,
    *,
    text: str,
    url: str | None = None,
    author: str | None = None,
    handle: str | None = None,
    platform: str = "manual",
    story_id: int | None = None,
) -> Item:
    """An item typed or pasted in by hand; the same URL twice is one item."""
    clean = clean_text(text)
    if not clean:
        raise BadInputError("an item needs some text")
    if len(clean) > MAX_ITEM_CHARS:
        raise BadInputError(f"item text is {len(clean)} characters; the limit is {MAX_ITEM_CHARS}")
    handle_clean = clean_line(handle).lstrip("@") if handle else None
    new = NewItem(
        platform=platform,
        text=clean,
        kind="note" if platform == "manual" else "post",
        url=clean_line(url) or None if url else None,
        author_name=clean_line(author) or None if author else None,
        author_handle=handle_clean or None,
        raw=text.encode("utf-8", errors="surrogatepass"),
        source_format="typed",
        story_id=story_id,
    )
    with store.transaction() as w:
        item_id, created = w.insert_item(new)
        if created:
            w.append_event(
                actor=actor,
                kind="item.add",
                target=_target([item_id]),
                payload={
                    "item": item_id,
                    "platform": platform,
                    "url": new.url,
                    "raw_sha256": store_raw_sha(new.raw),
                },
                base_version=None,
            )
    return store.item(item_id)


def tag(
    store: Store, actor: str, ids: Sequence[int], ops: Iterable[str]
) -> dict[int, dict[str, list[str]]]:
    """Apply `+add -remove !toggle` to every item; per item what changed."""
    parsed = parse_tag_ops(ops)
    with store.transaction() as w:
        items = _check_items(w, ids)
        changes: dict[int, dict[str, list[str]]] = {}
        versions: dict[str, int] = {}
        for item_id in items:
            added: list[str] = []
            removed: list[str] = []
            for op, name in parsed:
                if op == "!":
                    op = "-" if w.has_tag(item_id, name) else "+"
                if op == "+" and w.add_tag(item_id, name):
                    added.append(name)
                elif op == "-" and w.remove_tag(item_id, name):
                    removed.append(name)
            if added or removed:
                versions[str(item_id)] = w.bump_version(item_id) - 1
                changes[item_id] = {"added": added, "removed": removed}
        if changes:
            w.append_event(
                actor=actor,
                kind="item.tag",
                target=_target(list(changes)),
                payload={"changes": {str(k): v for k, v in changes.items()}, "versions": versions},
                base_version=versions.get(str(items[0])) if len(items) == 1 else None,
            )
    return changes


def _set_field(
    store: Store,
    actor: str,
    ids: Sequence[int],
    *,
    kind: str,
    column: str,
    value: str,
    extra: dict[str, Any] | None = None,
) -> dict[int, dict[str, Any]]:
    with store.transaction() as w:
        items = _check_items(w, ids)
        changes: dict[int, dict[str, Any]] = {}
        versions: dict[str, int] = {}
        for item_id in items:
            before = w.item_field(item_id, column)
            fields: dict[str, Any] = {column: value}
            change: dict[str, Any] = {"from": before, "to": value}
            if column == "verdict":
                change["reason_from"] = w.item_field(item_id, "verdict_reason")
                change["reason_to"] = (extra or {}).get("reason")
                fields["verdict_reason"] = change["reason_to"]
                if before == value and change["reason_from"] == change["reason_to"]:
                    continue
            elif before == value:
                continue
            new_version = w.update_item(item_id, fields)
            versions[str(item_id)] = new_version - 1
            changes[item_id] = change
        if changes:
            w.append_event(
                actor=actor,
                kind=kind,
                target=_target(list(changes)),
                payload={"changes": {str(k): v for k, v in changes.items()}, "versions": versions},
                base_version=versions.get(str(items[0])) if len(items) == 1 else None,
            )
    return changes


def set_triage(
    store: Store, actor: str, ids: Sequence[int], state: str
) -> dict[int, dict[str, Any]]:
    """Keep, flag, discard (hide, never delete) or reset items to new."""
    if state not in TRIAGE_STATES:
        raise BadInputError(f"bad triage {state!r}: use one of {', '.join(TRIAGE_STATES)}")
    return _set_field(store, actor, ids, kind="item.triage", column="triage", value=state)


def set_verdict(
    store: Store, actor: str, ids: Sequence[int], verdict: str, reason: str | None = None
) -> dict[int, dict[str, Any]]:
    """Rate items: unverified, in progress, verified, false, misleading, unverifiable."""
    value = normalise_verdict(verdict)
    clean_reason = clean_text(reason) or None if reason else None
    return _set_field(
        store,
        actor,
        ids,
        kind="item.verdict",
        column="verdict",
        value=value,
        extra={"reason": clean_reason},
    )


# -- links --------------------------------------------------------------------


def _link_payload(link: Link) -> dict[str, Any]:
    return {
        "uuid": link.uuid,
        "src": link.src_id,
        "relation": link.relation,
        "dst_item": link.dst_item_id,
        "dst_entry": link.dst_entry_id,
    }


def link(
    store: Store,
    actor: str,
    src: int,
    *,
    dst_item: int | None = None,
    dst_entry: int | None = None,
    relation: str,
) -> Link | None:
    """Link an item to another item, or (`source-for`) to a recap entry.

    Returns None when the same link already exists (nothing is written).
    """
    relation = relation.strip().lower()
    if (dst_item is None) == (dst_entry is None):
        raise BadInputError("link to exactly one item or one recap entry")
    if dst_item is not None and relation not in ITEM_RELATIONS:
        raise BadInputError(
            f"bad relation {relation!r}: between items use one of {', '.join(ITEM_RELATIONS)}"
        )
    if dst_entry is not None and relation not in ENTRY_RELATIONS:
        raise BadInputError(
            f"bad relation {relation!r}: to a recap entry use {', '.join(ENTRY_RELATIONS)}"
        )
    if dst_item is not None and int(dst_item) == int(src):
        raise BadInputError(f"cannot link item {src} to itself")
    with store.transaction() as w:
        _check_items(w, [src] + ([dst_item] if dst_item is not None else []))
        if dst_entry is not None and not w.entry_exists(dst_entry):
            raise UnknownItemError(f"unknown recap entry {dst_entry}")
        made = w.add_link(
            src_id=src, relation=relation, dst_item_id=dst_item, dst_entry_id=dst_entry, actor=actor
        )
        if made is None:
            return None
        base = w.bump_version(src) - 1
        w.append_event(
            actor=actor,
            kind="link.add",
            target=_target([src]),
            payload={"link": _link_payload(made)},
            base_version=base,
        )
    return made


def unlink(
    store: Store,
    actor: str,
    src: int,
    *,
    dst_item: int | None = None,
    dst_entry: int | None = None,
    relation: str | None = None,
) -> Link:
    """Remove a link (the event keeps it, so undo can bring it back)."""
    found = store.find_link(src, relation, dst_item, dst_entry)
    if found is None and dst_item is not None:
        found = store.find_link(dst_item, relation, src, None)
    if found is None:
        what = f"item {dst_item}" if dst_item is not None else f"entry {dst_entry}"
        raise BadInputError(f"no link between item {src} and {what}")
    with store.transaction() as w:
        if not w.remove_link(found.uuid):
            raise BadInputError("that link was just removed by someone else")
        base = w.bump_version(found.src_id) - 1
        w.append_event(
            actor=actor,
            kind="link.remove",
            target=_target([found.src_id]),
            payload={"link": _link_payload(found), "created_by": found.created_by},
            base_version=base,
        )
    return found


# -- notes and checks ---------------------------------------------------------


def annotate(
    store: Store, actor: str, item_id: int | None, text: str, *, entry_id: int | None = None
) -> Note:
    """A note on an item (or a recap entry): who, when, text."""
    clean = clean_text(text)
    if not clean:
        raise BadInputError("the note is empty")
    if len(clean) > MAX_NOTE_CHARS:
        raise BadInputError(f"the note is {len(clean)} characters; the limit is {MAX_NOTE_CHARS}")
    with store.transaction() as w:
        base = None
        if item_id is not None:
            _check_items(w, [item_id])
            base = w.bump_version(item_id) - 1
        elif entry_id is None or not w.entry_exists(entry_id):
            raise UnknownItemError(f"unknown recap entry {entry_id}")
        note = w.add_note(item_id=item_id, entry_id=entry_id, author=actor, text=clean)
        w.append_event(
            actor=actor,
            kind="note.add",
            target=_target([item_id]) if item_id is not None else f"entry:{entry_id}",
            payload={"note": note.uuid, "item": item_id, "entry": entry_id, "text": clean},
            base_version=base,
        )
    return note


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
    pillar = pillar.strip().lower()
    if pillar not in PILLARS:
        raise BadInputError(f"bad step {pillar!r}: use one of {', '.join(PILLARS)}")
    if status not in STEP_STATES:
        raise BadInputError(f"bad status {status!r}: use one of {', '.join(STEP_STATES)}")
    clean_note = clean_text(note) or None if note else None
    clean_evidence = [clean_line(e) for e in evidence if clean_line(e)]
    with store.transaction() as w:
        _check_items(w, [item_id])
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
        return w.append_event(
            actor=actor,
            kind="check.log",
            target=_target([item_id]),
            payload={
                "item": item_id,
                "pillar": pillar,
                "before": before,
                "after": {"status": status, "note": clean_note, "evidence": clean_evidence},
            },
            base_version=base,
        )


# -- stories, recap, filters --------------------------------------------------


def create_story(store: Store, actor: str, slug: str, title: str) -> int:
    slug_clean = normalise_tag(slug)
    title_clean = clean_line(title)
    if not title_clean:
        raise BadInputError("a story needs a title")
    existing = store.story_by_slug(slug_clean)
    if existing is not None:
        return existing.id
    with store.transaction() as w:
        story_id = w.create_story(slug_clean, title_clean)
        w.append_event(
            actor=actor,
            kind="story.add",
            target=f"story:{story_id}",
            payload={"slug": slug_clean, "title": title_clean},
        )
    return story_id


def add_recap_entry(
    store: Store,
    actor: str,
    story_id: int,
    *,
    section: str,
    headline: str,
    body: str = "",
    date_text: str | None = None,
    date_start: str | None = None,
    date_end: str | None = None,
    confidence: str = "reported",
) -> int:
    if section not in RECAP_SECTIONS:
        raise BadInputError(f"bad section {section!r}: use one of {', '.join(RECAP_SECTIONS)}")
    headline_clean = clean_line(headline)
    if not headline_clean:
        raise BadInputError("a recap entry needs a headline")
    with store.transaction() as w:
        entry_id = w.add_recap_entry(
            story_id=story_id,
            section=section,
            headline=headline_clean,
            body=clean_text(body),
            date_text=clean_line(date_text) or None if date_text else None,
            date_start=date_start,
            date_end=date_end,
            confidence=confidence,
        )
        w.append_event(
            actor=actor,
            kind="recap.add",
            target=f"entry:{entry_id}",
            payload={"story": story_id, "section": section, "headline": headline_clean},
        )
    return entry_id


def save_filter(store: Store, actor: str, name: str, expr: str) -> None:
    """Keep a filter under a name so anyone on the desk can recall it."""
    name_clean = normalise_tag(name)
    with store.transaction() as w:
        w.save_filter(name_clean, clean_line(expr), actor)
        w.append_event(
            actor=actor, kind="filter.save", target=f"filter:{name_clean}", payload={"expr": expr}
        )


# -- undo ---------------------------------------------------------------------

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
