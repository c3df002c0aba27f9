"""The single values an event sets, split from what it appends.

Appended work (tags, notes, links, checks, evidence, items) merges by
applying it; a *value* (an item's triage or verdict, a recap entry's
headline, body, date or confidence) can be changed on both sides, so it is
taken out of the event as `Piece`s and decided by the merge (see
`desk/merge/__init__.py`): `strip` is the rest of the event, applied as it
is; `pieces` the values, in a fixed order (the event's `base` is parallel
to it, on every desk).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ENTRY_FIELDS = ("headline", "body", "date_text", "confidence")
"""A recap entry's values that merge as values (its placement merges as it is applied).

An item's values are its triage, its verdict, each checklist step's state and note
(`step:provenance`: `[status, note]`; `["open", None]` is a step never logged) and each
tag (`tag:x`: True on, False off). A tag is never a conflict: on when any side's latest
word on it is on (a removal takes off only the additions it had seen)."""

_VALUE_KINDS = frozenset(
    {"item.tag", "item.triage", "item.verdict", "recap.edit", "conflict.resolve"}
)


@dataclass(frozen=True, slots=True)
class Piece:
    """One value an event sets: `("item", 12, "verdict")` to `value`, in the event's numbering.

    A verdict's value is `[verdict, reason]` (the reason travels with it).
    """

    thing: str
    ident: int
    field: str
    value: Any


def _changes(changes: dict[str, Any], column: str, side: str) -> list[Piece]:
    out: list[Piece] = []
    for key in sorted(changes, key=lambda k: int(k)):
        change = changes[key]
        if column == "verdict":
            value: Any = [change[side], change.get(f"reason_{side}")]
        else:
            value = change[side]
        out.append(Piece("item", int(key), column, value))
    return out


def _entry(entry: int, fields: dict[str, Any]) -> list[Piece]:
    return [Piece("entry", int(entry), f, fields[f]) for f in ENTRY_FIELDS if f in fields]


def _check(body: dict[str, Any], step: dict[str, Any], verdict: Any) -> list[Piece]:
    """A check sets its step (`step:ID`, `[status, note]`) and may move the verdict."""
    item = int(body["item"])
    out = []
    if isinstance(verdict, dict):
        out.append(Piece("item", item, "verdict", [verdict["to"]]))
    out.append(Piece("item", item, f"step:{body['pillar']}", [step["status"], step.get("note")]))
    return out


def _resolved(body: dict[str, Any], side: str) -> Piece:
    thing = "item" if body.get("item") is not None else "entry"
    return Piece(thing, int(body[thing]), str(body["field"]), body[side])


def _tags(changes: dict[str, Any], *, reverse: bool = False) -> list[Piece]:
    """Each tag an event put on (True) or took off (False) an item: `tag:x`."""
    out: list[Piece] = []
    for key in sorted(changes, key=lambda k: int(k)):
        change = changes[key]
        for name in sorted(change.get("added", ())):
            out.append(Piece("item", int(key), f"tag:{name}", not reverse))
        for name in sorted(change.get("removed", ())):
            out.append(Piece("item", int(key), f"tag:{name}", reverse))
    return out


def pieces(kind: str, body: dict[str, Any]) -> list[Piece]:
    """The values an event sets (its payload as written), in a fixed order."""
    if kind == "item.tag":
        return _tags(body["changes"])
    if kind == "item.triage":
        return _changes(body["changes"], "triage", "to")
    if kind == "item.verdict":
        return _changes(body["changes"], "verdict", "to")
    if kind == "recap.edit":
        return _entry(body["entry"], body["to"])
    if kind == "check.log":
        return _check(body, body["after"], body.get("verdict"))
    if kind == "conflict.resolve":
        return [_resolved(body, "to")]
    if kind == "undo":
        undone, inv = str(body["undoes_kind"]), body["inverse"]
        if undone == "item.tag":
            return _tags(inv["changes"], reverse=True)
        if undone == "item.add":
            return [Piece("item", int(inv["item"]), "triage", "discarded")]
        if undone == "item.triage":
            return _changes(inv["changes"], "triage", "from")
        if undone == "item.verdict":
            return _changes(inv["changes"], "verdict", "from")
        if undone == "recap.edit":
            return _entry(inv["entry"], inv["restored"])
        if undone == "check.log":
            return _check(inv, inv["restored"], inv.get("verdict"))
        if undone == "conflict.resolve":
            return [_resolved(inv, "restored")]
    return []


def strip(kind: str, body: dict[str, Any]) -> dict[str, Any] | None:
    """The event without its values: what is applied as it is (None: nothing left)."""
    if kind in _VALUE_KINDS:
        return None
    if kind == "check.log":
        return {k: v for k, v in body.items() if k != "verdict"}
    if kind == "undo":
        undone = str(body["undoes_kind"])
        if undone in _VALUE_KINDS or undone == "item.add":
            return None
        if undone == "check.log":
            inverse = {k: v for k, v in body["inverse"].items() if k != "verdict"}
            return {**body, "inverse": inverse}
    return body
