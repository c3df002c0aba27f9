"""What a reading gives its callers: the date as written, its interval and how wide it is.

These are the types the verbs, the store's sort columns and the export see
(`FuzzyDate`, `Precision`, `sort_key`) and the bound on what is read at all
(`MAX_PHRASE`). They sit apart from the reading so that a caller, or a
reader of the code, finds the contract without the grammar around it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["MAX_PHRASE", "FuzzyDate", "Precision", "sort_key"]

#: Longest phrase read. A date as a reporter writes it is a few words; anything longer is
#: not one, and bounding it keeps every call quick whatever is pasted in.
MAX_PHRASE = 200


class Precision(StrEnum):
    """How wide the unit of the phrase is (an open interval has its bound's precision)."""

    DAY = "day"
    WEEK = "week"
    PART_OF_MONTH = "part-of-month"
    MONTH = "month"
    QUARTER = "quarter"
    SEASON = "season"
    PART_OF_YEAR = "part-of-year"
    YEAR = "year"
    PART_OF_DECADE = "part-of-decade"
    DECADE = "decade"


@dataclass(frozen=True)
class FuzzyDate:
    """A date as written, and the interval it means (inclusive; None is an open end).

    `readable` is False when the phrase could not be read: then `start`, `end`,
    `precision` and `edtf` are all None, and the text is all there is.
    """

    text: str
    start: dt.date | None
    end: dt.date | None
    precision: Precision | None
    edtf: str | None
    readable: bool


def sort_key(d: FuzzyDate) -> tuple[int, int, int, str]:
    """Order timeline entries by interval: by start, ties by width (narrower first).

    An interval open at the start sorts before every dated start; one open at
    the end is as wide as can be. Unreadable dates go last, by their text.
    """
    if not d.readable:
        return (1, 0, 0, d.text)
    start = d.start.toordinal() if d.start is not None else 0
    if d.start is None or d.end is None:
        width = dt.date.max.toordinal()
    else:
        width = d.end.toordinal() - d.start.toordinal()
    return (0, start, width, d.text)
