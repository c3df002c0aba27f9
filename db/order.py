"""The list's order as one integer per item: `sort_key`.

The list shows items newest first by posted time (arrival time when a post
has none), ties broken by arrival (id). Kept as the pair `(sort_at, id)`,
that order lives only in the items table, while the full-text index keeps
its matches in its own rowid order; a filter on a common word then has to
gather every match before it can walk the list, and grows with the desk.

Folding the pair into one integer, and giving the full-text index that
integer as its rowid, makes both orders the same: a word filter walks the
word's matches newest first and stops after a page, at any desk size.

    sort_key = (whole seconds since 1970 of sort_at) << 31 | id

`sort_at` is stored to the second (`YYYY-MM-DDTHH:MM:SSZ`), so for every
time the desk writes the integer orders exactly like the pair. Times before
1970 count as 1970 and times past 2106 as 2106 (they then sort by arrival
among themselves); ids must stay below 2**31.
"""

from __future__ import annotations

from datetime import UTC, datetime

ID_BITS = 31
MAX_ID = (1 << ID_BITS) - 1
MAX_SECONDS = (1 << 32) - 1


def epoch_seconds(sort_at: str) -> int:
    """Whole UTC seconds since 1970 of an ISO time, clamped to 0 .. 2**32-1.

    An unreadable time counts as 0 (the bottom of the list) rather than
    failing: the key must exist for every row, whatever a feed said.
    """
    try:
        moment = datetime.fromisoformat(sort_at)
    except (TypeError, ValueError):
        return 0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        seconds = int(moment.timestamp() // 1)
    except (OverflowError, OSError, ValueError):
        return 0 if moment.year < 1970 else MAX_SECONDS
    return min(max(seconds, 0), MAX_SECONDS)


def sort_key(sort_at: str, item_id: int) -> int:
    """The list position of an item: later posts have larger keys."""
    if not 0 <= item_id <= MAX_ID:
        raise ValueError(f"item id {item_id} is outside 0..{MAX_ID}")
    return (epoch_seconds(sort_at) << ID_BITS) | item_id


def first_key_at(sort_at: str) -> int:
    """The smallest key an item posted at `sort_at` (or later) can have: a `since:` bound."""
    return epoch_seconds(sort_at) << ID_BITS
