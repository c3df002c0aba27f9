"""The ids an event's payload names, and the same payload renumbered for another desk.

Items, recap entries and stories have integer ids that are local to a desk:
two laptops checked out at the same event both give their next item the
same id. Events name things by those ids, so an event travels with `refs`,
the uuid of every item and entry it names (a story: its slug, the key the
desk already refuses twice), and the receiving desk renumbers the payload
into its own ids before applying it.

Where ids sit is read by key name, the same for every kind: the payloads
(`desk/verbs/payloads.py`) use one spelling per kind of id (`item`, `src`,
`dst_item`, `first_id`, `last_id`, `changes`/`versions` keys, item rows'
`id`; `entry`, `dst_entry`, `reread`, `entries`; `story`, rows' `story_id`;
`raw` and `pending` pairs start with an item id; a target `item:3,5`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Ref = tuple[str, int]
"""`("item", 12)`, `("entry", 3)`, `("story", 1)`: one id as its desk numbers it."""

Map = Callable[[str, int], int]
"""Renumber one id: `(kind of thing, id) -> id` on the receiving desk."""

_ITEM_KEYS = frozenset({"item", "src", "dst_item", "first_id", "last_id"})
_ENTRY_KEYS = frozenset({"entry", "dst_entry"})
_ENTRY_LISTS = frozenset({"reread", "entries"})
_ITEM_KEYED = frozenset({"changes", "versions"})
_ITEM_PAIRS = frozenset({"raw", "pending"})
_ROWS = frozenset({"items"})


def ref_key(kind: str, ident: int) -> str:
    return f"{kind}:{ident}"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _row(row: dict[str, Any], f: Map) -> dict[str, Any]:
    out = dict(row)
    if _is_int(row.get("id")):
        out["id"] = f("item", int(row["id"]))
    if _is_int(row.get("story_id")):
        out["story_id"] = f("story", int(row["story_id"]))
    return out


def _walk(value: Any, f: Map, key: str | None) -> Any:
    if isinstance(value, dict):
        if key in _ITEM_KEYED:
            return {
                (str(f("item", int(k))) if str(k).lstrip("-").isdecimal() else k): _walk(v, f, None)
                for k, v in value.items()
            }
        if key == "row":
            return _row(value, f)
        return {k: _field(k, v, f) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, f, None) for v in value]
    return value


def _field(key: str, value: Any, f: Map) -> Any:
    if _is_int(value):
        if key in _ITEM_KEYS:
            return f("item", value)
        if key in _ENTRY_KEYS:
            return f("entry", value)
        if key == "story":
            return f("story", value)
        return value
    if isinstance(value, list):
        if key in _ENTRY_LISTS:
            return [f("entry", v) if _is_int(v) else v for v in value]
        if key in _ITEM_PAIRS:
            return [
                [f("item", pair[0]), *pair[1:]]
                if isinstance(pair, list) and pair and _is_int(pair[0])
                else pair
                for pair in value
            ]
        if key in _ROWS:
            return [_row(v, f) if isinstance(v, dict) else v for v in value]
    if key == "target" and isinstance(value, str):
        return target(value, f)
    return _walk(value, f, key)


def payload(body: dict[str, Any], f: Map) -> dict[str, Any]:
    """The payload with every id passed through `f` (a new dict; `body` is left alone)."""
    out = _walk(body, f, None)
    assert isinstance(out, dict)
    return out


def target(text: str | None, f: Map) -> str | None:
    """`item:3,5` / `entry:2` / `story:1` renumbered; any other target as it is."""
    if text is None:
        return None
    kind, sep, rest = text.partition(":")
    if not sep or kind not in ("item", "entry", "story"):
        return text
    parts = rest.split(",")
    if not all(p.isdecimal() for p in parts):
        return text
    return f"{kind}:" + ",".join(str(f(kind, int(p))) for p in parts)


def collect(body: dict[str, Any], target_text: str | None) -> set[Ref]:
    """Every id the payload and target name."""
    found: set[Ref] = set()

    def note(kind: str, ident: int) -> int:
        found.add((kind, ident))
        return ident

    payload(body, note)
    target(target_text, note)
    return found
