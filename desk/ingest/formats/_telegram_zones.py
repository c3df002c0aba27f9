"""The time of a message in Telegram Desktop's HTML export, from the `title` of its `.date`.

The HTML title's offset is not the message's own: Telegram Desktop prints
the exporting computer's zone under its *standard* time
(`QTimeZone::displayName(StandardTime, OffsetName)`) next to a wall-clock
time that includes daylight saving. A summer message from Berlin reads
`14:03:11 UTC+01:00` while it was posted at 12:03:11Z, not 13:03:11Z. When
no zone of that standard offset keeps daylight saving at that moment (or
all do), the UTC time is exact; when some do and some do not (Berlin and
Lagos in July), it is the printed offset's reading with `tz_known=False`
and the other reading in `extra["posted_if_daylight_saving"]`.

Kept apart from the page reader (`_telegram_html.py`): the IANA zone tables
it walks are a question of their own, and cached (`lru_cache`) on the year
and offset.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from desk.ingest.base import Posted
from desk.ingest.times import iso_utc
from desk.text import clean_line

# "23.08.2023 13:11:23 UTC-08:00" (newer exports) or "23.08.2023 13:11:23".
_HTML_DATE = re.compile(
    r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?"
    r"(?:\s*(UTC|GMT)\s*(?:([+-])(\d{1,2}):?(\d{2})?)?)?\s*$"
)


def _html_date(title: str) -> tuple[Posted | None, str | None]:
    """`23.08.2023 13:11:23 UTC-08:00`: day first, then the zone's *standard* offset.

    Returns the time and, when daylight saving may have applied there and
    then, the UTC time it would give (see the module docstring).
    """
    match = _HTML_DATE.match(clean_line(title))
    if match is None:
        return None, None
    day, month, year, hour, minute, second, zone, sign, off_h, off_m = match.groups()
    try:
        wall = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    except ValueError:
        return None, None
    precision = "second" if second is not None else "minute"
    if zone is None:  # older exports: wall-clock time, zone unknown
        return Posted(_utc(wall, timedelta(0)), precision, False), None
    standard = timedelta(hours=int(off_h or 0), minutes=int(off_m or 0))
    if sign == "-":
        standard = -standard
    if abs(standard) > timedelta(hours=14):
        return None, None
    savings = _daylight_saving(wall.replace(minute=0, second=0), standard)
    if not savings or savings == {timedelta(0)}:
        return Posted(_utc(wall, standard), precision, True), None
    if len(savings) == 1:  # every zone with that standard offset is on summer time
        return Posted(_utc(wall, standard + next(iter(savings))), precision, True), None
    other = next(s for s in sorted(savings) if s)
    return Posted(_utc(wall, standard), precision, False), _utc(wall, standard + other)


def _utc(wall: datetime, offset: timedelta) -> str:
    return iso_utc((wall - offset).replace(tzinfo=UTC))  # not strftime: year 202 is "0202"


@lru_cache(maxsize=512)
def _standard_zones(year: int, standard: timedelta) -> tuple[ZoneInfo, ...]:
    """The IANA zones whose standard offset in `year` is `standard` (none without tzdata).

    Standard time is the lower of a zone's January and July offsets, as
    Qt names it (tzdata's negative summer time for Dublin aside).
    """
    zones: list[ZoneInfo] = []
    for name in sorted(available_timezones()):
        if "/" not in name or name.startswith(("Etc/", "SystemV/", "posix/", "right/")):
            continue
        try:
            zone = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            continue
        offsets = [datetime(year, month, 1, 12, tzinfo=zone).utcoffset() for month in (1, 7)]
        known = [offset for offset in offsets if offset is not None]
        if known and min(known) == standard:
            zones.append(zone)
    return tuple(zones)


def _daylight_saving(wall_hour: datetime, standard: timedelta) -> frozenset[timedelta]:
    """How far ahead of standard time those zones' clocks were at that wall-clock hour."""
    whole_day = _day_saving(wall_hour.date(), standard)
    return whole_day if whole_day is not None else _hour_saving(wall_hour, standard)


@lru_cache(maxsize=8192)
def _day_saving(day: date, standard: timedelta) -> frozenset[timedelta] | None:
    """The same for a whole wall-clock day; None when a zone changes its clocks that day."""
    found: set[timedelta] = set()
    for zone in _standard_zones(day.year, standard):
        morning = datetime(day.year, day.month, day.day, 0, 0, tzinfo=zone).utcoffset()
        night = datetime(day.year, day.month, day.day, 23, 59, tzinfo=zone).utcoffset()
        if morning != night:
            return None
        if morning is not None:
            found.add(morning - standard)
    return frozenset(found)


@lru_cache(maxsize=4096)
def _hour_saving(wall_hour: datetime, standard: timedelta) -> frozenset[timedelta]:
    found: set[timedelta] = set()
    for zone in _standard_zones(wall_hour.year, standard):
        offset = wall_hour.replace(tzinfo=zone).utcoffset()
        if offset is not None:
            found.add(offset - standard)
    return frozenset(found)
