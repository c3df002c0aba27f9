"""Spans: the calendar's units as intervals of days, each with its EDTF, and the calendar checks.

A span is what every reading builds: a day, a week, a month, a season, a
quarter, a year, a decade, the early/mid/late part of one, an interval from
one to another, or one open at either end. Each unit's days and its EDTF are
decided together here, by the conventions in the package docstring (northern
meteorological seasons, the thirds of a month, a year and a decade, Monday
weeks, EDTF levels 0 and 1 only), so this is the one module that writes EDTF;
the grammar only chooses which span a phrase means.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from desk.recap_dates.model import Precision

# Four-digit years only, and not the last one: a winter or "after" may step one year past.
_MIN_YEAR, _MAX_YEAR = 1000, 9998
_PRECISION_ORDER = list(Precision)


@dataclass(frozen=True)
class Span:
    start: dt.date | None
    end: dt.date | None
    precision: Precision
    edtf: str
    lower: str  # this span's EDTF as the start of an interval
    upper: str  # ... and as its end
    has_year: bool = True  # False: the year came from the reference, not from the text


def _simple(start: dt.date, end: dt.date, precision: Precision, edtf: str) -> Span:
    return Span(start, end, precision, edtf, edtf, edtf)


def _ranged(start: dt.date, end: dt.date, precision: Precision, lower: str, upper: str) -> Span:
    return Span(start, end, precision, f"{lower}/{upper}", lower, upper)


def check_year(year: int) -> int:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise ValueError(f"year {year} out of range")
    return year


def valid(year: int, month: int, day: int) -> bool:
    """Is this a day of the calendar, in a year a span may have?"""
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return _MIN_YEAR <= year <= _MAX_YEAR


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _ym(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


# ---------------------------------------------------------------------------------------------
# The units.


def day(d: dt.date) -> Span:
    check_year(d.year)
    return _simple(d, d, Precision.DAY, d.isoformat())


def valid_day(y: int, m: int, d: int) -> Span | None:
    return day(dt.date(y, m, d)) if valid(y, m, d) else None


def week(d: dt.date) -> Span:
    monday = d - dt.timedelta(days=d.weekday())
    sunday = monday + dt.timedelta(days=6)
    check_year(monday.year)
    check_year(sunday.year)
    return _ranged(monday, sunday, Precision.WEEK, monday.isoformat(), sunday.isoformat())


def month(y: int, m: int) -> Span:
    check_year(y)
    return _simple(dt.date(y, m, 1), _month_end(y, m), Precision.MONTH, _ym(y, m))


def year(y: int) -> Span:
    check_year(y)
    return _simple(dt.date(y, 1, 1), dt.date(y, 12, 31), Precision.YEAR, f"{y:04d}")


# Meteorological seasons, northern hemisphere: (first month, EDTF level 1 code).
_SEASONS = {21: 3, 22: 6, 23: 9, 24: 12}


def season(y: int, code: int) -> Span:
    check_year(y)
    first = _SEASONS[code]
    start = dt.date(y, first, 1)
    last_year, last_month = (y + 1, 2) if code == 24 else (y, first + 2)
    return _simple(start, _month_end(last_year, last_month), Precision.SEASON, f"{y:04d}-{code}")


def quarter(y: int, q: int) -> Span:
    check_year(y)
    first, last = 3 * q - 2, 3 * q
    return _ranged(
        dt.date(y, first, 1), _month_end(y, last), Precision.QUARTER, _ym(y, first), _ym(y, last)
    )


def decade(first_year: int) -> Span:
    check_year(first_year)
    return Span(
        dt.date(first_year, 1, 1),
        dt.date(first_year + 9, 12, 31),
        Precision.DECADE,
        f"{first_year // 10:03d}X",
        f"{first_year:04d}",
        f"{first_year + 9:04d}",
    )


EARLY, MID, LATE = 1, 2, 3


def part(span: Span, edge: int) -> Span | None:
    """Early, mid or late part of a month, a year or a decade (None for other spans)."""
    assert span.start is not None and span.end is not None
    y, m = span.start.year, span.start.month
    if span.precision is Precision.MONTH:
        first, last = {EARLY: (1, 10), MID: (11, 20), LATE: (21, span.end.day)}[edge]
        start, end = dt.date(y, m, first), dt.date(y, m, last)
        return _ranged(start, end, Precision.PART_OF_MONTH, start.isoformat(), end.isoformat())
    if span.precision is Precision.YEAR:
        first, last = {EARLY: (1, 4), MID: (5, 8), LATE: (9, 12)}[edge]
        return _ranged(
            dt.date(y, first, 1),
            _month_end(y, last),
            Precision.PART_OF_YEAR,
            _ym(y, first),
            _ym(y, last),
        )
    if span.precision is Precision.DECADE:
        first, last = {EARLY: (0, 3), MID: (4, 6), LATE: (7, 9)}[edge]
        return _ranged(
            dt.date(y + first, 1, 1),
            dt.date(y + last, 12, 31),
            Precision.PART_OF_DECADE,
            f"{y + first:04d}",
            f"{y + last:04d}",
        )
    return None


# ---------------------------------------------------------------------------------------------
# Intervals built from other spans: one to another, or open at one end.


def between(first: Span, last: Span) -> Span:
    """From the start of `first` to the end of `last`, as wide as the coarser of the two."""
    assert first.start is not None and last.end is not None
    precision = max(first.precision, last.precision, key=_PRECISION_ORDER.index)
    return _ranged(first.start, last.end, precision, first.lower, last.upper)


def since(inner: Span) -> Span | None:
    """From the start of `inner` on (None when `inner` has no start)."""
    if inner.start is None:
        return None
    return Span(inner.start, None, inner.precision, f"{inner.lower}/..", inner.lower, "..")


def by(inner: Span) -> Span | None:
    """Up to the end of `inner` (None when `inner` has no end)."""
    if inner.end is None:
        return None
    return Span(None, inner.end, inner.precision, f"../{inner.upper}", "..", inner.upper)


def before(inner: Span) -> Span | None:
    """Up to the day before `inner` starts (None when `inner` has no start)."""
    if inner.start is None:
        return None
    end = inner.start - dt.timedelta(days=1)
    return Span(None, end, inner.precision, f"../{end.isoformat()}", "..", end.isoformat())


def after(inner: Span) -> Span | None:
    """From the day after `inner` ends on (None when `inner` has no end)."""
    if inner.end is None:
        return None
    start = inner.end + dt.timedelta(days=1)
    edtf = f"{start.isoformat()}/.."
    return Span(start, None, inner.precision, edtf, start.isoformat(), "..")
