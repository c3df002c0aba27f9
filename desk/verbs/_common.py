"""What every verb module shares: the item check and the event target spelling.

Kept apart so the verb modules import it rather than each other: a verb
module may be read (and changed) on its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from db import Writer
from desk.errors import BadInputError, UnknownItemError


def check_items(w: Writer, ids: Sequence[int]) -> list[int]:
    """The ids, once each in the order given; refused if empty or one is unknown."""
    if not ids:
        raise BadInputError("no item given")
    unique = list(dict.fromkeys(int(i) for i in ids))
    for item_id in unique:
        try:
            w.item_version(item_id)
        except Exception:
            raise UnknownItemError(f"unknown item {item_id}") from None
    return unique


def item_target(ids: Sequence[int]) -> str:
    """An event's target for items: `item:3,5`."""
    return "item:" + ",".join(str(i) for i in ids)
