"""Items: add one by hand, tag, triage and rate them; and the undo of each.

Verbs that act on several items (marked items in the TUI) are still one
transaction and one event, so `undo` reverses the whole action.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from db import NewItem, Store, Writer
from db.errors import ConflictError
from db.models import Event, Item
from desk.errors import BadInputError, Clash, SetConflictError
from desk.text import clean_line, clean_text
from desk.verbs._checklist import missing
from desk.verbs._common import check_items, item_target
from desk.verbs._since import colleague_changes, describe, last_setter
from desk.verbs.payloads import (
    FieldChange,
    FieldChangePayload,
    FieldUndone,
    ItemAddPayload,
    ItemAddUndone,
    ItemTagPayload,
    TagChange,
    TagUndone,
)
from desk.verbs.undo import Undone, inverse_of
from desk.verdicts import scheme_from
from desk.vocab import (
    PLATFORMS,
    TRIAGE_STATES,
    Platform,
    normalise_actor,
    normalise_platform,
    parse_tag_ops,
)

MAX_ITEM_CHARS = 1_000_000


class VerdictGateError(BadInputError):
    """`verified` refused: required checklist steps are not passed or n/a.

    `missing` names them per item (`{3: ["date (unclear)", "location (open)"]}`);
    the message lists them, and says how to override with a recorded reason.
    """

    def __init__(self, missing: dict[int, list[str]]) -> None:
        self.missing = missing
        parts = [f"item {item_id}: {', '.join(steps)}" for item_id, steps in missing.items()]
        super().__init__(
            "cannot set verified: required steps not passed or n/a: "
            + "; ".join(parts)
            + ' (check them, or give --override "reason")'
        )


def store_raw_sha(raw: bytes | None) -> str | None:
    """The sha256 the store files raw bytes under, recorded in the arrival event."""
    return hashlib.sha256(raw).hexdigest() if raw is not None else None


def _platform(raw: str) -> Platform:
    """A platform of the vocabulary; one with escapes is named as typed (`repr` escapes them).

    `normalise_platform` names the cleaned word, which for `$'\\e]0;X\\a'`
    is empty: "bad platform ''" would not tell the user what was wrong.
    """
    if clean_line(raw) != raw.strip():
        raise BadInputError(f"bad platform {raw!r}: use one of {', '.join(PLATFORMS)}")
    return normalise_platform(raw)


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
    """An item typed or pasted in by hand; the same URL twice is one item.

    Every name is cleaned here, as the text is, because the CLI and the
    TUI show them on one line of a terminal: the platform must be a word
    of the vocabulary (`X` is `twitter`; an escape sequence is refused),
    and the author, handle and URL lose escapes, controls and line breaks.
    """
    actor = normalise_actor(actor)
    platform = _platform(platform)
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
            payload: ItemAddPayload = {
                "item": item_id,
                "platform": platform,
                "url": new.url,
                "raw_sha256": store_raw_sha(new.raw),
                "row": w.item_log_row(item_id),
            }
            w.append_event(
                actor=actor,
                kind="item.add",
                target=item_target([item_id]),
                payload=payload,
                base_version=None,
            )
    return store.item(item_id)


@inverse_of("item.add")
def _undo_add(w: Writer, original: Event) -> Undone:
    """An item added by mistake is discarded (hidden), never deleted: others may cite it."""
    p = cast(ItemAddPayload, original.payload)
    item_id = int(p["item"])
    before = w.item_field(item_id, "triage")
    if before != "discarded":
        w.update_item(item_id, {"triage": "discarded"})
    inverse: ItemAddUndone = {"item": item_id, "triage_from": before}
    return Undone(inverse)


def tag(store: Store, actor: str, ids: Sequence[int], ops: Iterable[str]) -> dict[int, TagChange]:
    """Apply `+add -remove !toggle` to every item; per item what changed."""
    actor = normalise_actor(actor)
    parsed = parse_tag_ops(ops)
    with store.transaction() as w:
        items = check_items(w, ids)
        changes: dict[int, TagChange] = {}
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
            payload: ItemTagPayload = {
                "changes": {str(k): v for k, v in changes.items()},
                "versions": versions,
            }
            w.append_event(
                actor=actor,
                kind="item.tag",
                target=item_target(list(changes)),
                payload=payload,
                base_version=versions.get(str(items[0])) if len(items) == 1 else None,
            )
    return changes


@inverse_of("item.tag")
def _undo_tag(w: Writer, original: Event) -> Undone:
    """Take off what was added and put back what was removed; only those tags, and only
    where no colleague has changed the same tag on the same item since (theirs stands,
    and is named in `skipped`; when all of it is theirs, `ConflictError`)."""
    p = cast(ItemTagPayload, original.payload)
    skipped: list[str] = []
    done: dict[str, TagChange] = {}
    for key, change in p["changes"].items():
        item_id = int(key)
        theirs = colleague_changes(w, original, item_id)
        kept: TagChange = {"added": [], "removed": []}
        for side in ("added", "removed"):
            for name in change[side]:
                later = theirs.get(f"tag:{name}")
                if later is not None:
                    skipped.append(describe(later, item_id, f"tag:{name}"))
                else:
                    kept[side].append(name)
        if not (kept["added"] or kept["removed"]):
            continue
        for name in kept["added"]:
            w.remove_tag(item_id, name)
        for name in kept["removed"]:
            w.add_tag(item_id, name)
        w.bump_version(item_id)
        done[key] = kept
    if not done:
        raise ConflictError("; ".join(skipped) or "nothing left to undo")
    inverse: TagUndone = {"changes": done}
    return Undone(inverse, skipped)


def _set_field(
    store: Store,
    actor: str,
    ids: Sequence[int],
    *,
    kind: str,
    column: str,
    value: str,
    extra: dict[str, Any] | None = None,
    override: str | None = None,
    gate: bool = False,
    seen: Mapping[int, str | None] | None = None,
) -> dict[int, FieldChange]:
    """Set `column` on every item; one event for the items that really changed.

    `seen` is the value the user saw on each item (the base of the change):
    an item whose value differs now, and is not already what the user
    chose, was set by a colleague meanwhile. Then nothing is written and
    `SetConflictError` names, per item, who set what and when (the TUI asks
    which to keep; to use mine, set again with `seen` = their value). An
    item not in `seen` is set from the value read in this transaction: no
    change can slip in between, but a stale screen is not detected.

    Setting `verified` (`gate`: any verdict the desk means as verified) is
    gated in the same transaction (so a colleague's reopened step cannot
    slip past): every required step of each item's template passed or n/a,
    else `VerdictGateError`, unless `override` gives the reason, which the
    event records.
    """
    with store.transaction() as w:
        items = check_items(w, ids)
        _check_seen(w, items, column, value, (extra or {}).get("reason"), seen or {})
        if gate and override is None:
            open_steps = {i: found for i in items if (found := missing(w, i))}
            if open_steps:
                raise VerdictGateError(open_steps)
        changes: dict[int, FieldChange] = {}
        versions: dict[str, int] = {}
        for item_id in items:
            before = w.item_field(item_id, column)
            fields: dict[str, Any] = {column: value}
            change: FieldChange = {"from": before, "to": value}
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
            payload: FieldChangePayload = {
                "changes": {str(k): v for k, v in changes.items()},
                "versions": versions,
            }
            if override is not None:
                payload["override"] = override
            w.append_event(
                actor=actor,
                kind=kind,
                target=item_target(list(changes)),
                payload=payload,
                base_version=versions.get(str(items[0])) if len(items) == 1 else None,
            )
    return changes


def _check_seen(
    w: Writer,
    items: Sequence[int],
    column: str,
    value: str,
    reason: str | None,
    seen: Mapping[int, str | None],
) -> None:
    """Refuse, naming each colleague, when an item's value moved since the user saw it."""
    clashes: list[Clash] = []
    for item_id in items:
        if item_id not in seen:
            continue
        current = w.item_field(item_id, column)
        if current == seen[item_id]:
            continue
        if current == value and (
            column != "verdict" or w.item_field(item_id, "verdict_reason") == reason
        ):
            continue  # already what I chose: nothing of theirs would be lost
        setter = last_setter(w, item_id, column)
        clashes.append(
            Clash(
                item_id=item_id,
                field=column,
                seen=seen[item_id],
                theirs=current,
                mine=value,
                who=setter.actor if setter else "someone",
                at=setter.at if setter else "",
            )
        )
    if clashes:
        raise SetConflictError(clashes)


@inverse_of("item.triage", "item.verdict")
def _undo_set_field(w: Writer, original: Event) -> Undone:
    """Put back the old value on items still at the value this event set.

    An item a colleague has changed since is left alone and reported:
    undoing my action must never clobber their later one.
    """
    p = cast(FieldChangePayload, original.payload)
    column = "triage" if original.kind == "item.triage" else "verdict"
    skipped: list[str] = []
    done: dict[str, FieldChange] = {}
    for key, change in p["changes"].items():
        item_id = int(key)
        later = colleague_changes(w, original, item_id).get(column)
        if later is not None:
            skipped.append(describe(later, item_id, column))
            continue
        current = w.item_field(item_id, column)
        if current != change["to"]:
            skipped.append(f"#{item_id} is now {current!r} (changed since)")
            continue
        fields: dict[str, Any] = {column: change["from"]}
        if column == "verdict":
            fields["verdict_reason"] = change.get("reason_from")
        w.update_item(item_id, fields)
        done[key] = change
    if not done:
        raise ConflictError("; ".join(skipped) or "nothing left to undo")
    inverse: FieldUndone = {"changes": done}
    return Undone(inverse, skipped)


def set_triage(
    store: Store,
    actor: str,
    ids: Sequence[int],
    state: str,
    *,
    seen: Mapping[int, str | None] | None = None,
) -> dict[int, FieldChange]:
    """Keep, flag, discard (hide, never delete) or reset items to new.

    `seen`: the triage the user saw per item; a colleague's change since is
    a `SetConflictError` naming them, and nothing is written.
    """
    actor = normalise_actor(actor)
    if state not in TRIAGE_STATES:
        raise BadInputError(f"bad triage {state!r}: use one of {', '.join(TRIAGE_STATES)}")
    for base in (seen or {}).values():
        if base not in TRIAGE_STATES:
            shown = clean_line(str(base))[:64]
            raise BadInputError(f"bad base triage {shown!r}: use one of {', '.join(TRIAGE_STATES)}")
    return _set_field(
        store, actor, ids, kind="item.triage", column="triage", value=state, seen=seen
    )


def set_verdict(
    store: Store,
    actor: str,
    ids: Sequence[int],
    verdict: str,
    reason: str | None = None,
    *,
    override: str | None = None,
    seen: Mapping[int, str | None] | None = None,
) -> dict[int, FieldChange]:
    """Rate items: unverified, in progress, verified, false, misleading, unverifiable, or one
    of the desk's own verdicts (`desk.verdicts`), named by its name or its label.

    `seen`: the verdict the user saw per item; a colleague's change since is
    a `SetConflictError` naming them, and nothing is written.

    `verified` (and any verdict the desk added like it) needs every required
    step of each item's checklist passed or n/a; otherwise `VerdictGateError`
    lists what is open, per item, unless `override` gives a reason (recorded
    in the event).
    """
    actor = normalise_actor(actor)
    scheme = scheme_from(store.verdicts())
    value = scheme.resolve(verdict)
    gate = scheme.meaning(value) == "verified"
    clean_reason = clean_text(reason) or None if reason else None
    clean_override: str | None = None
    if override is not None:
        clean_override = clean_text(override) or None
        if clean_override is None:
            raise BadInputError("--override needs a reason: say why verified stands anyway")
        if len(clean_override) > 2000:
            raise BadInputError("the override reason is over 2000 characters; keep it short")
    return _set_field(
        store,
        actor,
        ids,
        kind="item.verdict",
        column="verdict",
        value=value,
        extra={"reason": clean_reason},
        override=clean_override if gate else None,
        gate=gate,
        seen={int(k): scheme.resolve(v) if v else v for k, v in seen.items()} if seen else None,
    )
