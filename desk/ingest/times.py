"""Reading the many ways sources write a time, keeping what is known about it.

Every function returns a `Posted` (UTC ISO string, precision, whether the
source gave a time zone) or None when the value is missing or unreadable;
a bad date never rejects a whole item.

A time is never guessed. dateutil, left alone, fills whatever a string does
not say from today: `Monday` becomes next Monday at second precision,
`March 3` gets this year. `from_text` is the one reader every format goes
through, and it keeps only what the text gives: a string with no year is no
time at all (None: the item sorts by arrival), `March 2024` is month
precision, `2024-03-03 10:00` minute precision. It also reads day and month
names in Portuguese, Spanish, French and German (`Seg, 24 Set 2018
19:42:40 -0300`), and the usual zone abbreviations (`PST`) as offsets, so
dateutil never warns about them and never reads one as this machine's zone.
"""

from __future__ import annotations

import re
import time
import unicodedata
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from dateutil import parser as dateparser

from desk.ingest.base import Posted
from desk.ingest.values import scrub

# Coarsest first: a time gives a prefix of these fields, or it is no time.
PRECISIONS = ("year", "month", "day", "hour", "minute", "second")
_DATE_PRECISIONS = frozenset(PRECISIONS[:3])


def iso_utc(moment: datetime) -> str:
    """`YYYY-MM-DDTHH:MM:SSZ` in UTC; the year always four digits.

    Not `strftime("%Y")`: glibc prints year 202 as `202`, not `0202`, and the
    item's time then neither sorts nor reads back (found by bench/fuzz.py).
    """
    m = moment.astimezone(UTC)
    return f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}Z"


def coarser(one: str, two: str) -> str:
    """The coarser of two precisions (`day` of `day` and `second`)."""
    ranks = {name: rank for rank, name in enumerate(PRECISIONS)}
    return one if ranks.get(one, 0) <= ranks.get(two, 0) else two


def from_unix(value: int | float | str | None) -> Posted | None:
    """Seconds since the epoch (Telegram `date_unixtime`): second precision, UTC."""
    if value is None or value == "":
        return None
    try:
        return Posted(iso_utc(datetime.fromtimestamp(float(value), UTC)), "second", True)
    except (ValueError, OverflowError, OSError, TypeError):  # TypeError: a list, an object
        return None


# ---------------------------------------------------------------- zones

# Offsets of the zone abbreviations feeds, CSV dashboards and mail-style dates
# print (RFC 822 names the US ones). Ambiguous abbreviations (IST, CST for
# China) are left out: a zone we cannot name for sure is an unknown zone.
ZONE_OFFSETS: dict[str, int] = {
    name: hours * 3600
    for name, hours in {
        "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0,
        "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
        "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
        "AKST": -9, "AKDT": -8, "HST": -10,
        "WEST": 1, "BST": 1, "CET": 1, "CEST": 2, "MEZ": 1, "MESZ": 2,
        "EET": 2, "EEST": 3, "MSK": 3, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11,
    }.items()
}  # fmt: skip


def zone_offset(name: str) -> str | None:
    """A zone abbreviation we know as its `+HHMM` offset (`EDT` -> `-0400`), else None."""
    seconds = ZONE_OFFSETS.get(name.upper())
    if seconds is None:
        return None
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    return f"{sign}{hours:02d}{rest // 60:02d}"


def zone_info(name: str | None, offset: int | None) -> tzinfo | None:
    """dateutil's `tzinfos` hook: a written offset, a zone we know, else no zone.

    Without it dateutil reads a zone name that happens to be this machine's
    as local time, and warns (two lines on stderr) about any other.
    """
    if offset is not None:
        return timezone(timedelta(seconds=offset))
    if name is None:
        return None
    seconds = ZONE_OFFSETS.get(name.upper())
    return None if seconds is None else timezone(timedelta(seconds=seconds))


# ---------------------------------------------------------------- day and month names


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).rstrip(".")


_MONTH_WORDS = {
    "Jan": "jan janeiro ene enero janv janvier januar jaen jaenner janner",
    "Feb": "fev fevereiro feb febrero fevr fevrier februar",
    "Mar": "marco mar marzo mars maer marz mrz",
    "Apr": "abr abril avr avril april",
    "May": "mai maio may mayo",
    "Jun": "jun junho junio juin juni",
    "Jul": "jul julho julio juil juillet juli",
    "Aug": "ago agosto aout aug august",
    "Sep": "set setembro sep sept septiembre setiembre septembre september",
    "Oct": "out outubro oct octubre octobre okt oktober",
    "Nov": "nov novembro noviembre novembre november",
    "Dec": "dez dezembro dic diciembre dec decembre dezember",
}
_MONTHS = {word: english for english, words in _MONTH_WORDS.items() for word in words.split()}
_DAY_WORDS = {  # abbreviations and full names, folded
    "pt": "seg segunda ter terca qua quarta qui quinta sex sexta sab sabado dom domingo",
    "es": "lun lunes mar martes mie miercoles jue jueves vie viernes sab sabado dom domingo",
    "fr": "lun lundi mar mardi mer mercredi jeu jeudi ven vendredi sam samedi dim dimanche",
    "de": "mo mon montag di die dienstag mi mit mittwoch do don donnerstag fr fre freitag "
    "sa sam samstag sonnabend so son sonntag",
    "en": "mon monday tue tues tuesday wed wednesday thu thur thurs thursday fri friday "
    "sat saturday sun sunday",
}
_DAYS = frozenset(word for words in _DAY_WORDS.values() for word in words.split())
_NAME = re.compile(r"[^\W\d_]+\.?")
_LEADING_DAY = re.compile(r"^\s*([^\W\d_]+)\.?(\s*,\s*|\s+)")
_CLOCK = re.compile(r"\d:\d\d")
_DATE_OFFSET = re.compile(r"(?<=[\w.])\s+(?:[+-]\d{4}|[A-Z]{1,5})\s*$")
_NOISE = re.compile(r"(?<=\d)\s+(?:de|del)\s+(?=[^\W\d_])|(?<=[^\W\d_])\s+(?:de|del)\s+(?=\d)")


def english_names(text: str) -> str:
    """`Seg, 24 Set 2018` -> `24 Sep 2018`: foreign month names in English, the weekday gone.

    A leading weekday is dropped (with its comma): a date that has its day
    does not need it, and one that does not must not be completed from it
    (Spanish `Mar` is Tuesday, English `Mar` is March: without a comma a
    leading `Mar` stays a month). `24 de setembro de 2018` loses its `de`s, `10:42 AM · Mar 3, 2024`
    its dot.
    An offset or zone after a date with no time is dropped (dateutil reads
    `24 Sep 2018 -0300` as three o'clock and refuses `10 Jun 2003 PST`).
    """
    lead = _LEADING_DAY.match(text)
    day = _fold(lead.group(1)) if lead else ""
    if lead and day in _DAYS and ("," in lead.group(2) or day not in _MONTHS):
        text = text[lead.end() :]
    text = _NOISE.sub(" ", text.replace("\u00b7", " "))
    if _CLOCK.search(text) is None:
        zone = _DATE_OFFSET.search(text)
        if zone and (zone.group(0).strip()[0] in "+-" or zone.group(0).strip() in ZONE_OFFSETS):
            text = text[: zone.start()]
    return _NAME.sub(lambda m: _MONTHS.get(_fold(m.group(0)), m.group(0)), text)


# ---------------------------------------------------------------- the one reader

_ISO = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ](\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?)?)?"
    r"\s*(?:Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?$",
    re.IGNORECASE,
)
_LONG_FRACTION = re.compile(r"([.,]\d{6})\d+")
# Two defaults that differ in every field: what dateutil takes from them the
# text did not give.
# A written time is short; anything longer is prose, not a time (and dateutil
# is slow on it).
_LONGEST = 120
_DEFAULTS = (datetime(2000, 1, 1, 0, 0, 0), datetime(2001, 2, 2, 1, 1, 1))


def _iso_reading(text: str) -> tuple[datetime, str] | None:
    match = _ISO.match(text)
    if match is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        # Python reads at most 6 fractional digits; Bluesky writes up to 9
        trimmed = _LONG_FRACTION.sub(r"\1", text)
        try:
            moment = datetime.fromisoformat(trimmed)
        except ValueError:
            return None
    hour, minute, second = match.groups()
    given = sum(1 for part in (hour, minute, second) if part is not None)
    return moment, PRECISIONS[2 + given]


def _loose_reading(text: str) -> tuple[datetime, str] | None:
    text = english_names(text)
    try:
        one = dateparser.parse(text, default=_DEFAULTS[0], tzinfos=zone_info)
        two = dateparser.parse(text, default=_DEFAULTS[1], tzinfos=zone_info)
    except (ValueError, OverflowError, TypeError, AttributeError, ArithmeticError):
        # dateutil raises on what it cannot read: AttributeError on odd tokens, and
        # decimal.InvalidOperation (an ArithmeticError) on a minute of 40 digits
        # (`02:2711…11:54`, found by bench/fuzz.py)
        return None
    given = 0
    for field in PRECISIONS:
        if getattr(one, field) != getattr(two, field):
            break
        given += 1
    if given == 0:  # no year: the rest would be completed from the clock
        return None
    # `one` took its missing fields from a default at their minimum (January
    # 1st, 00:00:00): it is already cut to the given precision.
    return one.replace(microsecond=0), PRECISIONS[given - 1]


def from_text(value: object, *, precision: str | None = None) -> Posted | None:
    """Any ISO 8601, RFC 2822 or Twitter v1.1 (`Wed Oct 10 20:19:24 +0000 2018`) time.

    `value` is whatever a loose record holds there: anything but a non-empty
    string is no time (None).

    The precision is what the text gives (`2024` year, `2024-03` month,
    `2024-03-03` day, `2024-03-03 10:00` minute, seconds second); a text
    without a year is None. A time without an offset is taken as UTC and
    marked `tz_known=False`; a bare date (day precision or coarser) is that
    calendar date, `tz_known=False`, never shifted by an offset. `precision`
    is what the caller knows better (a byline's minutes): the result is the
    coarser of it and the text's.
    """
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > _LONGEST:
        return None
    # ISO 8601 is most of what arrives; dateutil costs ~20x more
    reading = _iso_reading(text) or _loose_reading(scrub(text))
    if reading is None:
        return None
    moment, given = reading
    if precision is not None:
        given = coarser(precision, given)
    if given in _DATE_PRECISIONS:
        day = datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
        return Posted(iso_utc(day), given, False)
    tz_known = moment.tzinfo is not None
    if not tz_known:
        moment = moment.replace(tzinfo=UTC)
    try:
        return Posted(iso_utc(moment), given, tz_known)
    except (ValueError, OverflowError):
        return None


def from_struct_time(value: time.struct_time | None) -> Posted | None:
    """feedparser's `*_parsed` fields: already normalised to UTC."""
    if value is None:
        return None
    try:
        return Posted(iso_utc(datetime(*value[:6], tzinfo=UTC)), "second", True)
    except (ValueError, TypeError, OverflowError):
        return None


def from_day(value: str | None) -> Posted | None:
    """A date as a byline prints it (`March 3, 2024`): day precision, no zone.

    A byline that prints only a month or a year keeps that precision; one
    with no year is None (see `from_text`).
    """
    return from_text(value, precision="day")


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
    if len(text) >= 19 and text[10:11] == "T" and text[16:17] == ":" and text.isascii():
        try:
            moment: datetime | None = datetime.fromisoformat(text)
        except ValueError:
            moment = None
        if moment is not None:
            tz_known = moment.tzinfo is not None
            if not tz_known:
                moment = moment.replace(tzinfo=UTC)
            try:
                at = iso_utc(moment)
            except (ValueError, OverflowError):
                return None
            return Posted(at, "second", tz_known)
    return from_text(scrub(text))


def complete_date(value: str) -> bool:
    """True when the string gives a whole date (year, month and day), never
    completed from today: "Monday", "March 3" and "March 2024" are not."""
    posted = from_text(value)
    return posted is not None and posted.precision not in ("year", "month")
