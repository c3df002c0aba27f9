"""What colleagues changed on an item since a given event: undo's check, and a set's.

A "thing" is one value of an item that events set: `tag:NAME` (whether the
item has that tag), `triage`, `verdict`. Undo must not override a
colleague's later change to the same thing (alice `+urgent`, bob `-urgent`,
bob `+urgent`: alice's undo leaves the tag, and says bob set it), and a set
made from a stale screen names who set the value since. Both read the
events on the item (`Writer.item_events_after`, a page at a time), never
whole tables; things of other kinds (links, notes, evidence, recap entries)
have their own checks beside their inverses.
"""

from __future__ import annotations

from typing import Any

from db import Writer
from db.models import Event
from desk.errors import when


def touches(event: Event) -> dict[int, set[str]]:
    """The things each item's event set: `{3: {"tag:urgent", "verdict"}}`.

    An undo sets what its inverse put back, so it touches the same things
    as the event it undid.
    """
    kind, payload = event.kind, event.payload
    if kind == "undo":
        kind = str(payload.get("undoes_kind"))
        payload = payload.get("inverse") or {}
    found: dict[int, set[str]] = {}
    if kind == "item.tag":
        for key, change in (payload.get("changes") or {}).items():
            names = [*change.get("added", []), *change.get("removed", [])]
            found.setdefault(int(key), set()).update(f"tag:{n}" for n in names)
    elif kind in ("item.triage", "item.verdict"):
        for key in payload.get("changes") or {}:
            found.setdefault(int(key), set()).add(kind.removeprefix("item."))
    elif kind == "item.add" and "item" in payload:  # only an undo's inverse: it discarded
        found[int(payload["item"])] = {"triage"}
    elif kind == "check.log" and payload.get("verdict"):  # a first check moves the verdict
        target = str(event.target or "")
        if target.startswith("item:") and target[5:].isdecimal():
            found[int(target[5:])] = {"verdict"}
    return found


def colleague_changes(w: Writer, original: Event, item_id: int) -> dict[str, Event]:
    """Thing -> the latest event of a colleague that set it on this item after `original`.

    A colleague's change that was undone since does not count, nor the undo
    that withdrew it (bob `-urgent` then bob `u` leaves alice's `+urgent` as
    she made it). Changes by `original`'s actor do not count either: undo
    walks back through them first.
    """
    after: set[str] = set()
    withdrawn: set[str] = set()
    candidates: list[tuple[Event, set[str]]] = []
    for event in w.item_events_after(item_id, original.seq):
        after.add(event.id)
        if event.kind == "undo":
            withdrawn.add(str(event.payload.get("undoes")))
        if event.actor == original.actor:
            continue
        things = touches(event).get(item_id)
        if things:
            candidates.append((event, things))
    latest: dict[str, Event] = {}
    for event, things in candidates:
        if event.id in withdrawn:
            continue
        if event.kind == "undo" and str(event.payload.get("undoes")) in after:
            continue
        for thing in things:
            latest[thing] = event
    return latest


def last_setter(w: Writer, item_id: int, thing: str) -> Event | None:
    """The newest event that set this thing on the item (None: none in the log)."""
    for event in w.item_events_newest_first(item_id):
        if thing in touches(event).get(item_id, set()):
            return event
    return None


def value_set(event: Event, item_id: int, thing: str) -> Any:
    """The value `event` gave the thing (a verdict, a triage; for a tag, True when added)."""
    kind, payload = event.kind, event.payload
    undo = kind == "undo"
    if undo:
        kind = str(payload.get("undoes_kind"))
        payload = payload.get("inverse") or {}
    if kind == "check.log":  # the undo's inverse says it the same way: from, to
        return (payload.get("verdict") or {}).get("to")
    if kind == "item.add":  # the undo of an item.add discarded it
        return "discarded"
    change = (payload.get("changes") or {}).get(str(item_id)) or {}
    if thing.startswith("tag:"):
        added = thing[4:] in change.get("added", [])
        return added != undo  # an undo took off what was added
    return change.get("from" if undo else "to")


def describe(event: Event, item_id: int, thing: str) -> str:
    """`#3 changed since: bob added tag urgent at 14:02 UTC on 2026-12-01 (event 57)`."""
    value = value_set(event, item_id, thing)
    if thing.startswith("tag:"):
        what = f"{'added' if value else 'removed'} tag {thing[4:]}"
    else:
        what = f"set {thing} {value!r}"
    undoing = " (by an undo)" if event.kind == "undo" else ""
    return (
        f"#{item_id} changed since: {event.actor} {what}{undoing} {when(event.at)}"
        f" (event {event.seq})"
    )
