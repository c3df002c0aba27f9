"""The gated fast path for feeds: `feedparser-rs` where it provably agrees with feedparser.

feedparser-rs (a Rust parser with feedparser's field names) is fast
(measured here on the bench's 100,000 RSS entries: 18,800 entries per
CPU-second through this module, gate included, against feedparser's 2,900),
but it disagrees with feedparser on real files. The gate (`_feedgate.py`,
whose docstring lists each disagreement) declines such a document, so that
feedparser reads it as before (`parse` then returns None).

Its result is mapped to plain dicts with feedparser's key names, holding
exactly the keys `feeds.py` reads, so the mapping code there runs unchanged
on either result. The package is optional: without its wheel every feed is
read by feedparser.

Which path runs is chosen by `DESK_FEED_PARSER` (read at each call):
`auto` (default) takes the gated fast path when the wheel is installed,
`feedparser` never does, `fast` is `auto` that refuses to run without the
wheel (for the bench and CI, so a figure is never feedparser's by accident).
Declined documents go to feedparser in every mode.
"""

from __future__ import annotations

import datetime
import html
import importlib
import os
import re
import time
from dataclasses import dataclass
from typing import Any

from feedparser.datetimes import _parse_date  # its one date reader; no public name

from desk.ingest.formats import _feedgate
from desk.ingest.formats._feedgate import (
    _attribute_values_of_feed,
    _encoding_problem,
    _entry_problem,
    _has_ampersand,
    _looks_marked_up,
    _survey,
)

# feeds.py reads `_feedfast.rss_author_name`: the gate's, which must know that form exactly
from desk.ingest.formats._feedgate import rss_author_name as rss_author_name

ENV = "DESK_FEED_PARSER"
MODES = ("auto", "feedparser", "fast")

_MONTH_NAMES = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec"
# A date exactly as RSS 2.0 writes it (RFC 822, four-digit year, GMT or a
# numeric zone), read here the way feedparser reads it (`_date`): characters
# matched, no parse of markup
_RFC822 = re.compile(
    "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), ([0-9]{2}) (" + _MONTH_NAMES.replace(" ", "|") + ")"
    " ([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) (GMT|[+-][0-9]{4})"
)


class FastPathUnavailable(RuntimeError):
    """`DESK_FEED_PARSER=fast` was asked for but the feedparser-rs wheel is not installed."""


@dataclass(frozen=True)
class Verdict:
    """What the gate decided about one document: the mapped result, or why not."""

    result: dict[str, Any] | None
    reason: str | None  # "code: detail" when declined; the code is the part before ":"

    @property
    def code(self) -> str | None:
        return self.reason.partition(":")[0] if self.reason else None


def mode() -> str:
    """The path asked for by `DESK_FEED_PARSER` (unknown values mean `auto`)."""
    value = os.environ.get(ENV, "auto").strip().lower()
    return value if value in MODES else "auto"


def backend() -> Any:
    """The feedparser_rs module, or None when its wheel is not installed."""
    try:
        return importlib.import_module("feedparser_rs")
    except ImportError:
        return None


def parse(data: bytes) -> dict[str, Any] | None:
    """The fast path's feedparser-shaped result, or None: then feedparser reads the bytes."""
    chosen = mode()
    if chosen == "feedparser":
        return None
    if chosen == "fast" and backend() is None:
        raise FastPathUnavailable(f"{ENV}=fast but feedparser-rs is not installed")
    return attempt(data).result


def attempt(data: bytes) -> Verdict:
    """Run the gate and, when it passes, feedparser-rs; say why when it does not."""
    if not isinstance(data, bytes):
        raise TypeError(f"the fast feed path takes bytes, not {type(data).__name__}")
    rs = backend()
    if rs is None:
        return _no("no-wheel: feedparser-rs is not installed")
    reason = _encoding_problem(data)
    if reason:
        return _no(reason)
    survey = _survey(data)
    if isinstance(survey, str):
        return _no(survey)
    count, title = survey
    limits = rs.ParserLimits(
        max_feed_size_bytes=len(data) + 1,
        max_entries=count + 1,  # one more than counted, so an extra entry would show
        **dict.fromkeys(_feedgate._LIST_LIMITS, _feedgate._LIST_LIMIT),
    )
    try:
        parsed = rs.parse_with_limits(data, limits=limits)
    except Exception as exc:  # its own refusal; feedparser will explain
        return _no(f"raised: {type(exc).__name__}: {exc}")
    if parsed.bozo:
        return _no(f"bozo: {parsed.bozo_exception}")
    if parsed.version not in ("rss20", "atom10"):
        return _no(f"version: feedparser-rs read it as {parsed.version!r}")
    entries = list(parsed.entries)
    if len(entries) != count:
        return _no(f"count: {len(entries)} entries read, {count} in the document")
    atom = parsed.version == "atom10"
    feed = _feed(parsed.feed)
    feed_title = feed.get("title")
    if isinstance(feed_title, str) and ("<" in feed_title or _looks_marked_up(title or "")):
        return _no("feed-title: markup in the feed's title (the sanitizers differ)")
    if _has_ampersand([feed_title]):
        # feedparser-rs keeps `&` escaped in a plain title: take lxml's reading when
        # the two agree once unescaped (feedparser's, measured), else decline
        unescaped = html.unescape(feed["title"]).strip()
        if title is None or unescaped != title.strip():
            return _no("feed-title: '&' in the feed's title (feedparser-rs keeps it escaped)")
        feed["title"] = unescaped
    if atom and _has_ampersand(_attribute_values_of_feed(feed)):
        return _no("attr-reference: '&' in a feed attribute (left undecoded in Atom)")
    del parsed  # its entries are freed one by one as they are mapped (peak: one copy, not two)
    entries.reverse()
    mapped: list[dict[str, Any]] = []
    while entries:
        item = _entry(entries.pop())
        problem = _entry_problem(item, atom=atom)
        if problem:
            return _no(f"{problem} (entry {len(mapped) + 1})")
        mapped.append(item)
    return Verdict(
        result={"bozo": 0, "entries": mapped, "feed": feed, "encoding": "utf-8"}, reason=None
    )


def _no(reason: str) -> Verdict:
    return Verdict(result=None, reason=reason)


# ---------------------------------------------------------------- mapping


def _feed(feed: Any) -> dict[str, Any]:
    """The feed-level keys feeds.py reads: id, link, title, language."""
    return _present({key: feed.get(key) for key in ("id", "link", "title", "language")})


def _entry(entry: Any) -> dict[str, Any]:
    """One entry as the feedparser-shaped dict feeds.py reads (only the keys it reads).

    Each field is read once, as an attribute (measured: `entry.get(name)` is
    the same value, checked on every entry of the corpus and feedparser's
    suite, at twice the cost); feedparser-rs builds its objects on each read.
    """
    item: dict[str, Any] = {
        "id": entry.id,
        "link": entry.link,
        "title": entry.title,
        "title_detail": _detail(entry.title_detail),
        "summary": entry.summary,
        "summary_detail": _detail(entry.summary_detail),
        "comments": entry.comments,
        "language": entry.language,
        "author": entry.author,
        "author_detail": _person(entry.author_detail),
        "authors": [_person(p) for p in entry.authors or []],
        "links": [_pick(x, ("href", "rel", "type")) for x in entry.links or []],
        "tags": [_pick(x, ("term", "label", "scheme")) for x in entry.tags or []],
        "content": [_pick(x, ("value", "type", "language")) for x in entry.content or []],
        "enclosures": [_pick(x, ("href", "type")) for x in entry.enclosures or []],
        "media_content": [_pick(x, ("url", "medium", "type")) for x in entry.media_content or []],
        "media_thumbnail": [_pick(x, ("url",)) for x in entry.media_thumbnail or []],
    }
    published, updated = entry.published, entry.updated
    item["published"], item["published_parsed"] = published, _date(published)
    item["updated"] = updated
    item["updated_parsed"] = item["published_parsed"] if updated == published else _date(updated)
    return item  # None where the document gave nothing: feeds.py reads that as absent


_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES.split(), start=1)}


def _date(raw: Any) -> time.struct_time | None:
    """feedparser's own reading of the date string feedparser-rs found.

    feedparser-rs reads some dates differently (it drops the offset of
    `2018-09-24T19:42:40+0300`, reads `7:42:40 PM` as 19:42, ignores
    military zones, gives nothing for `+2400`), so its `*_parsed` is never
    used: feedparser's date parser on the same string (about 10 us) gives
    exactly what the feedparser path gives.
    """
    if not isinstance(raw, str) or not raw.strip():
        return None
    fast = _rss_date(raw)
    if fast is not None:
        return fast
    parsed = _parse_date(raw)
    return parsed if isinstance(parsed, time.struct_time) else None


def _rss_date(raw: str) -> time.struct_time | None:
    """feedparser's reading of a date in the exact RSS 2.0 form, without its search; else None.

    For `Mon, 01 Jan 2024 00:00:00 GMT` (or `+0200`) feedparser's first
    reader (W3C-DTF) gives None and its second (RFC 822) this same
    arithmetic; about 1 us where the search took 3. A date that is no date
    (31 February, hour 24, out of range) is None here: feedparser's other
    readers then try it, as before.
    """
    match = _RFC822.fullmatch(raw)
    if match is None:
        return None
    day, month, year, hour, minute, second, zone = match.groups()
    try:
        stamp = datetime.datetime(
            int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second)
        )
        if zone == "GMT":
            return stamp.utctimetuple()
        minutes = int(zone[1:3]) * 60 + int(zone[3:])
        return (
            stamp - datetime.timedelta(minutes=-minutes if zone[0] == "-" else minutes)
        ).utctimetuple()
    except (ValueError, OverflowError):
        return None


def _detail(value: Any) -> dict[str, Any] | None:
    return None if value is None else _pick(value, ("value", "type", "language"))


def _person(value: Any) -> dict[str, Any] | None:
    return None if value is None else _pick(value, ("name", "email", "href"))


def _pick(value: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {field: getattr(value, field, None) for field in fields}


def _present(values: dict[str, Any]) -> dict[str, Any]:
    """Leave out what the document did not give, as feedparser's dicts do."""
    return {key: value for key, value in values.items() if value is not None and value != []}
