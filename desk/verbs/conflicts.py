"""Resolving a merge conflict: one value changed on both sides, set to one of them (or another).

The queue itself is filled by `desk merge` (`desk/merge/`); resolving is a
verb like any other: one event (`conflict.resolve`), undoable. Its base is
the whole conflict, so merged into another desk it settles the value there
too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from db import Store, Writer, merge_rows
from db.errors import ConflictError
from db.merge_rows import Conflict
from db.models import Event
from desk.errors import BadInputError
from desk.merge.core import set_value
from desk.text import clean_text
from desk.verbs.payloads import ConflictResolvePayload, ConflictResolveUndone, InversePayload
from desk.verbs.undo import Undone, inverse_of, not_undoable
from desk.vocab import normalise_actor, normalise_confidence, normalise_triage, normalise_verdict

not_undoable("merge", "a merge keeps another desk's work: undo the changes one by one instead")


def split_thing(thing: str) -> tuple[str, int]:
    kind, _, number = thing.partition(":")
    return kind, int(number)


def current_value(w: Writer, thing: str, ident: int, field: str) -> Any:
    if thing == "item":
        if field == "verdict":
            return [w.item_field(ident, "verdict"), w.item_field(ident, "verdict_reason")]
        return w.item_field(ident, field)
    return w.entry_state(ident)[field]


def _typed(field: str, raw: str) -> Any:
    """A value typed by the editor, read as the field reads it."""
    if field == "triage":
        return normalise_triage(raw)
    if field == "verdict":
        return [normalise_verdict(raw)]
    if field == "confidence":
        return normalise_confidence(raw)
    text = clean_text(raw)
    if field == "headline" and not text.strip():
        raise BadInputError("a headline cannot be empty")
    return text if text or field != "date_text" else None


def _native(w: Writer, event_id: str) -> bool:
    return merge_rows.imported_event(w.conn, event_id) is None


def choose(w: Writer, conflict: Conflict, take: str, side: int | None = None) -> Any:
    """The value `take` names: `mine` (this desk's side), `theirs`, or a value as typed;
    with `side`, that candidate's (0 the oldest)."""
    members = list(conflict.candidates)
    if side is not None:
        if not 0 <= side < len(members):
            raise BadInputError(f"conflict {conflict.id} has {len(members)} sides, not {side + 1}")
        return members[side]["value"]
    if take in ("mine", "theirs"):
        wanted = take == "mine"
        ours = [m for m in members if _native(w, str(m["event"])) == wanted]
        if not ours:
            raise BadInputError(
                f"conflict {conflict.id} has no value from "
                f"{'this desk' if wanted else 'another desk'}: give the value to keep"
            )
        return ours[-1]["value"]
    return _typed(conflict.field, take)


@dataclass(frozen=True, slots=True)
class Resolved:
    conflict: Conflict
    value: Any
    event: Event


def resolve_conflict(
    store: Store, actor: str, conflict_id: int, take: str, *, side: int | None = None
) -> Resolved:
    """Settle a conflict with one value (an event; `u` reopens it)."""
    actor = normalise_actor(actor)
    with store.transaction() as w:
        found = merge_rows.conflict(w.conn, conflict_id)
        if found is None:
            raise BadInputError(f"no conflict {conflict_id} on this desk (see `desk conflicts`)")
        if found.closed_seq is not None:
            raise BadInputError(f"conflict {conflict_id} is already resolved")
        thing, ident = split_thing(found.thing)
        value = choose(w, found, take, side)
        before = current_value(w, thing, ident, found.field)
        set_value(w, thing, ident, found.field, value, actor)
        payload: ConflictResolvePayload = {
            "conflict": found.id,
            "field": found.field,
            "from": before,
            "to": value,
            "candidates": [str(m["event"]) for m in found.candidates],
        }
        payload[thing] = ident  # type: ignore[literal-required]
        event = w.append_event(
            actor=actor, kind="conflict.resolve", target=found.thing, payload=payload
        )
        merge_rows.close_conflict(
            w.conn, found.thing, found.field, event.seq, f"resolved by {actor}"
        )
    return Resolved(found, value, event)


def _same(now: Any, set_to: Any) -> bool:
    """Whether the value is still what the resolution set (a verdict: its word)."""
    if isinstance(now, list) and isinstance(set_to, list):
        return bool(now[: len(set_to)] == set_to or now[:1] == set_to[:1])
    return bool(now == set_to)


@inverse_of("conflict.resolve")
def _undo_resolve(w: Writer, original: Event) -> Undone:
    """Put the value back as it was and reopen the conflict."""
    p = cast(ConflictResolvePayload, original.payload)
    thing = "item" if p.get("item") is not None else "entry"
    ident = int(cast(dict[str, Any], p)[thing])
    if not _same(current_value(w, thing, ident, p["field"]), p["to"]):
        raise ConflictError(f"{thing} {ident} {p['field']} was changed since: left as it is")
    set_value(w, thing, ident, p["field"], p["from"], original.actor)
    if merge_rows.open_conflict(w.conn, f"{thing}:{ident}", p["field"]) is None:
        merge_rows.reopen_conflict(w.conn, int(p["conflict"]))
    inverse: ConflictResolveUndone = {
        "conflict": p["conflict"],
        "field": p["field"],
        "restored": p["from"],
    }
    inverse[thing] = ident  # type: ignore[literal-required]
    return Undone(cast(InversePayload, inverse))
