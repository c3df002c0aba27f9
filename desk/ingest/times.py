"""Reading the many ways sources write a time, keeping what is known about it.

Every function returns a `Posted` (UTC ISO string, precision, whether the
source gave a time zone) or None when the value is missing or unreadable;
a bad date never rejects a whole item.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

from dateutil import parser as dateparser

from desk.ingest.base import Posted
from desk.ingest.values import scrub


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_unix(value: int | float | str | None) -> Posted | None:
    """Seconds since the epoch (Telegram `date_unixtime`): second precision, UTC."""
    if value is None or value == "":
        return None
    try:
        return Posted(_iso(datetime.fromtimestamp(float(value), UTC)), "second", True)
    except (ValueError, OverflowError, OSError):
        return None


_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def from_text(value: object, *, precision: str | None = None) -> Posted | None:
    """Any ISO 8601, RFC 2822 or Twitter v1.1 (`Wed Oct 10 20:19:24 +0000 2018`) time.

    `value` is whatever a loose record holds there: anything but a non-empty
    string is no time (None).

    A time without an offset is taken as UTC and marked `tz_known=False`. A
    bare `2026-11-21` is day precision; otherwise second, unless the caller
    knows better.
    """
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    try:  # ISO 8601 is most of what arrives; dateutil costs ~20x more
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = dateparser.parse(text)
        except (ValueError, OverflowError, TypeError):  # dateutil raises, never returns None
            return None
    if precision is None:
        precision = "day" if _DATE_ONLY.match(text) else "second"
    tz_known = moment.tzinfo is not None
    if not tz_known:
        moment = moment.replace(tzinfo=UTC)
    try:
        return Posted(_iso(moment), precision, tz_known)
    except (ValueError, OverflowError):
        return None


def from_struct_time(value: time.struct_time | None) -> Posted | None:
    """feedparser's `*_parsed` fields: already normalised to UTC."""
    if value is None:
        return None
    try:
        return Posted(_iso(datetime(*value[:6], tzinfo=UTC)), "second", True)
    except (ValueError, TypeError, OverflowError):
        return None


def from_day(value: str | None) -> Posted | None:
    """A date as a byline prints it (`March 3, 2024`): day precision, no zone."""
    if not value:
        return None
    try:
        moment = dateparser.parse(value.strip(), default=datetime(1900, 1, 1))
    except (ValueError, OverflowError, TypeError):
        return None
    if moment.year == 1900:
        return None
    day = datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
    return Posted(_iso(day), "day", False)


def iso_time(value: object) -> Posted | None:
    """A posted time from an API timestamp: ISO 8601 fast, anything else via `from_text`.

    API times (Mastodon, Bluesky) are ISO 8601 (`2023-05-28T12:06:50.000Z`);
    `fromisoformat` reads them some fifty times faster than dateutil, which
    `from_text` uses and which stays the fallback (and the reference: same
    result). A time without a zone is read as UTC with `tz_known=False`.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if len(text) >= 19 and text[10:11] == "T" and text.isascii():
        try:
            moment: datetime | None = datetime.fromisoformat(text)
        except ValueError:
            moment = None
        if moment is not None:
            tz_known = moment.tzinfo is not None
            if not tz_known:
                moment = moment.replace(tzinfo=UTC)
            try:
                at = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            except (ValueError, OverflowError):
                return None
            return Posted(at, "second", tz_known)
    return from_text(scrub(text))


def complete_date(value: str) -> bool:
    """True when the string gives a whole date: dateutil would fill any gap from today.

    Parsed against two different defaults, a string that names its own
    year, month and day gives the same date both times; "Monday" or
    "March 3" does not.
    """
    try:
        one = dateparser.parse(value, default=datetime(2000, 1, 1))
        two = dateparser.parse(value, default=datetime(2001, 2, 2))
    except (ValueError, OverflowError, TypeError):
        return False
    return one is not None and two is not None and one.date() == two.date()
