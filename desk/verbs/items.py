"""Items: add one by hand, tag, triage and rate them.

Verbs that act on several items (marked items in the TUI) are still one
transaction and one event, so `undo` reverses the whole action.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from db import NewItem, Store
from db.models import Item
from desk.errors import BadInputError
from desk.text import clean_line, clean_text
from desk.verbs._common import check_items, item_target
from desk.vocab import TRIAGE_STATES, normalise_verdict, parse_tag_ops

MAX_ITEM_CHARS = 1_000_000


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
                target=item_target([item_id]),
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
        items = check_items(w, ids)
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
                target=item_target(list(changes)),
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
        items = check_items(w, ids)
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
                target=item_target(list(changes)),
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
