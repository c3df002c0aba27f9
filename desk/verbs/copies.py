"""Another copy of a known post: keep it, improve the item from it; and the undo.

The ingest verb (`desk.ingest.pipeline`) calls `take_copy` inside its batch's
transaction for each copy of a post the desk already holds whose raw bytes
differ from every copy it has (a byte-identical copy is a duplicate and
never gets here). The copy is kept in `item_copies`; when the item's first
copy has no row yet it gets one then. The item's fields are then chosen
again over all its copies (`desk.ingest.copies.best_fields`), fields a
person set left alone (`item_holds`, and what was typed in by hand), and
what changed is written with ONE `item.improve` event naming each field's
before and after. A copy that changes nothing goes in the batch's `ingest`
event instead (its `copies`), so a replay and a merge keep it too.

The undo of an improvement puts the old values back where nobody changed
them since, and holds them: a later copy will not improve them again (the
person said they wanted the item as it was). Merged into another desk, the
undo runs the same rule (`still_standing`) on that desk's values
(`undo_merged_improve`): what that desk has from elsewhere stays.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from db import Writer
from db.errors import ConflictError
from db.models import Event
from db.queries import CopyReader
from desk.ingest.copies import POSTED, merged_changes
from desk.verbs._common import item_target
from desk.verbs.payloads import ItemImprovePayload, ItemImproveUndone
from desk.verbs.undo import Undone, inverse_of


def take_copy(
    w: Writer, item_id: int, copy: Mapping[str, Any]
) -> tuple[ItemImprovePayload | None, list[dict[str, Any]]]:
    """Keep `copy` of item `item_id` and improve the item from it.

    `copy` is an `item_copies` row (its bytes already in `blobs`). Returns
    `(the improvement's payload, rows kept that no event carries)`: the
    caller writes the payload as an `item.improve` event (`record_improvement`)
    after its batch's `ingest` event, which made any item the batch made,
    so a replay finds the item before it improves it.
    """
    kept = w.item_copy_rows(item_id)
    new_rows: list[dict[str, Any]] = []
    if not kept:
        origin = w.item_copy_origin(item_id)
        if origin["raw_sha256"] is not None:
            w.add_item_copy(origin)
            new_rows.append(origin)
        kept = [origin]
    row = dict(copy)
    if not w.add_item_copy(row):
        return None, new_rows
    new_rows.append(row)
    changed = _improve(w, item_id, [*kept, row])
    if not changed:
        return None, new_rows
    payload: ItemImprovePayload = {"item": item_id, "copies": new_rows, "changes": changed}
    return payload, []


class CopyPreview:
    """What `take_copy` would do with each copy of an ingest, read and never written.

    A dry run's count of the known items the real run would improve: the
    same rule (`merged_changes`) over the same copies, each item's copies
    and fields carried from one copy of the input to the next as the real
    run would leave them (two copies of one post in a file are taken in
    turn, as in the real run).
    """

    def __init__(self) -> None:
        self._items: dict[int, tuple[list[Mapping[str, Any]], dict[str, Any], set[str]]] = {}

    def begin(self, item_id: int, copy: Mapping[str, Any]) -> None:
        """An item the dry run counts as new, made from `copy`: its state is that copy's."""
        self._items[item_id] = ([copy], dict(copy["fields"]), set())

    def improves(self, r: CopyReader, item_id: int, copy: Mapping[str, Any]) -> bool:
        """Whether taking `copy` (an `item_copies` row) would improve item `item_id`;
        `r` reads the desk (`Store.copy_reader`)."""
        state = self._items.get(item_id)
        if state is None:
            kept: list[Mapping[str, Any]] = list(r.item_copy_rows(item_id)) or [
                r.item_copy_origin(item_id)
            ]
            state = (kept, r.item_copy_fields(item_id), r.item_holds(item_id))
        kept, fields, held = state
        if any(one["raw_sha256"] == copy["raw_sha256"] for one in kept):
            return False  # a byte-identical copy: a duplicate, kept already
        every = [*kept, copy]
        changed = merged_changes(fields, every, held)
        fields = {**fields, **{name: change["to"] for name, change in changed.items()}}
        self._items[item_id] = (every, fields, held)
        return bool(changed)


def _improve(w: Writer, item_id: int, every: list[dict[str, Any]]) -> dict[str, Any]:
    """Set the item's fields to the best of `every` copy, held ones aside; what changed."""
    changed = merged_changes(w.item_copy_fields(item_id), every, w.item_holds(item_id))
    if changed:
        w.set_copy_columns(item_id, {name: change["to"] for name, change in changed.items()})
    return changed


def reconsider(w: Writer, item_id: int) -> None:
    """The item's fields chosen again over the copies it has (a merge brought more).

    A merged `item.improve` is not applied as its desk wrote it: this desk
    may hold other copies, or hold a field. The same rules over the union of
    both desks' copies give both desks the same item, in any merge order.
    """
    every = w.item_copy_rows(item_id)
    if every:
        _improve(w, item_id, every)


def record_improvement(w: Writer, payload: ItemImprovePayload, *, actor: str) -> None:
    """The `item.improve` event of what `take_copy` changed."""
    w.append_event(
        actor=actor, kind="item.improve", target=item_target([payload["item"]]), payload=payload
    )


@inverse_of("item.improve")
def _undo_improve(w: Writer, original: Event) -> Undone:
    """Put back each value the improvement changed, where it still stands; hold it.

    A value changed since (a later copy's improvement, by anyone) is left and
    named; the copies stay kept, as evidence.
    """
    p = cast(ItemImprovePayload, original.payload)
    item_id = int(p["item"])
    restored, changed = still_standing(w.item_copy_fields(item_id), p["changes"])
    skipped = [
        f"#{item_id} {name.replace('_', ' ')} changed since; left as it is"
        for name in changed
        if name not in POSTED or name == "posted_at"
    ]
    if not restored:
        raise ConflictError("; ".join(skipped) or "nothing left to undo")
    put_back(w, item_id, restored)
    inverse: ItemImproveUndone = {"item": item_id, "restored": restored}
    return Undone(inverse, skipped)


def undo_merged_improve(w: Writer, item_id: int, changes: Mapping[str, Any]) -> None:
    """Another desk's undo of an improvement, merged here: the same rule on this desk's values.

    `changes`: the undone `item.improve`'s changes that its desk put back. Here
    a value is put back (and held) only where this desk still shows what that
    improvement set; a value this desk has from elsewhere (its own copy, its
    own improvement, a value its user held) is left as it is. Nothing to put
    back is no error: the undo stays in the log, as written.
    """
    restored, _ = still_standing(w.item_copy_fields(item_id), changes)
    if restored:
        put_back(w, item_id, restored)


def still_standing(
    current: Mapping[str, Any], changes: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Which of an improvement's `changes` still stand in an item's `current` fields.

    Returns `(column -> the value to put back, the columns changed since)`, in
    the order of `changes`. A column stands while it still shows the
    improvement's `to`; the posted time stands only as one value (all its
    columns, `POSTED`). The one rule of a local undo and of a merged one.
    """
    restored: dict[str, Any] = {}
    changed: list[str] = []
    posted_now = all(current.get(n) == (changes.get(n) or {}).get("to") for n in POSTED)
    for name, change in changes.items():
        still = posted_now if name in POSTED else _same(name, current.get(name), change["to"])
        if still:
            restored[name] = change["from"]
        else:
            changed.append(name)
    return restored, changed


def put_back(w: Writer, item_id: int, restored: Mapping[str, Any]) -> None:
    """Set the values an undo put back, and hold them: no later copy improves them again."""
    w.set_copy_columns(item_id, dict(restored))
    w.hold_item_fields(item_id, sorted(restored))


def _same(name: str, now: Any, then: Any) -> bool:
    if name == "posted_tz_known":
        return bool(now) == bool(then)
    return bool(now == then)
