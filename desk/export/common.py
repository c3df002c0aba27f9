"""What several formats write the same way: bylines, dates at their precision, safe links.

Kept in one place so the Markdown page, the HTML page, the JSON-LD and the
feed cannot disagree on how a post is credited or which links are followed.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Protocol
from urllib.parse import quote, urlsplit

from desk.export.collect import VERDICT_LABELS as VERDICT_LABELS
from desk.export.collect import ChainHead, PubItem, PubSource
from desk.sourcing import UNPUBLISHABLE_VERDICTS
from desk.text import safe_line

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

REVIEWED_VERDICTS = ("verified", "false", "misleading", "unverifiable")
"""Verdict meanings that are a finding: an item whose verdict means one gets a ClaimReview."""

_NO_AUTHOR = {"manual": "Desk note", "rss": "Feed", "web": "Web page", "factcheck": "Fact-check"}
"""Who a page credits when the desk knows no author: what kind of source it was."""

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def safe_url(url: str | None) -> str | None:
    """An http(s) URL fit for a link, or None: `javascript:`, `data:` and the rest are dropped.

    Spaces, quotes, angle brackets and parentheses are percent-encoded so
    the URL cannot end a Markdown link or an attribute early.
    """
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(url, safe="/:?#[]@!$&'*+,;=%~-._")


def posted_date(posted_at: str | None, precision: str | None) -> str | None:
    """`September 19, 2023` (a day or finer), `September 2023`, `2023`; None when unknown."""
    if not posted_at:
        return None
    m = _ISO.match(posted_at)
    if m is None:
        return None
    year, month, day = m.group(1), m.group(2), m.group(3)
    if precision == "year" or month is None:
        return str(int(year))
    if not 1 <= int(month) <= 12:
        return str(int(year))
    if precision == "month" or day is None:
        return f"{MONTHS[int(month) - 1]} {int(year)}"
    return f"{MONTHS[int(month) - 1]} {int(day)}, {int(year)}"


def schema_date(posted_at: str | None, precision: str | None) -> str | None:
    """An ISO 8601 date or date-time cut to what is known, for schema.org and Atom.

    A post known to the day is `2023-09-19`, never a made-up midnight.
    """
    if not posted_at or _ISO.match(posted_at) is None:
        return None  # not ISO 8601: a schema.org reader would misread it, so say nothing
    if precision in ("second", "minute", "hour", None) and "T" in posted_at:
        return posted_at
    cut = {"day": 10, "month": 7, "year": 4}.get(precision or "day", 10)
    return posted_at[:cut]


def feed_time(posted_at: str | None, fallback: str) -> str:
    """An RFC 3339 date-time, as Atom requires: a day-precision time is its midnight UTC."""
    value = posted_at or fallback
    m = _ISO.match(value)
    if m is None:
        return fallback
    if "T" in value:
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return fallback
        return value if value.endswith("Z") or "+" in value[10:] else value + "Z"
    year, month, day = m.group(1), m.group(2) or "01", m.group(3) or "01"
    return f"{year}-{month}-{day}T00:00:00Z"


class Credited(Protocol):
    """What a byline is made of: a published item, a source, or the store's own item."""

    @property
    def author_name(self) -> str | None: ...
    @property
    def author_handle(self) -> str | None: ...
    @property
    def platform(self) -> str: ...


class Citable(Credited, Protocol):
    """What a citation is made of besides the byline: the days and the link."""

    @property
    def posted_at(self) -> str | None: ...
    @property
    def posted_precision(self) -> str | None: ...
    @property
    def ingested_at(self) -> str: ...
    @property
    def url(self) -> str | None: ...


def display_name(item: Credited) -> str:
    """Who wrote it, as a page credits them: the name, else the handle, else the platform."""
    if item.author_name:
        return item.author_name
    if item.author_handle:
        return "@" + item.author_handle
    return _NO_AUTHOR.get(item.platform, item.platform.capitalize())


def byline_parts(item: PubItem | Citable) -> tuple[str, str | None, str | None]:
    """`(name, @handle or None, date or None)`: `— Display Name (@handle) Month D, YYYY`."""
    handle = f"@{item.author_handle}" if item.author_handle and item.author_name else None
    return display_name(item), handle, posted_date(item.posted_at, item.posted_precision)


def byline(item: PubItem | Citable) -> str:
    """`— Display Name (@handle) September 19, 2023`, the way news pages credit a post."""
    name, handle, date = byline_parts(item)
    text = f"\u2014 {name}"
    if handle:
        text += f" ({handle})"
    if date:
        text += f" {date}"
    return text


def citation(item: Citable) -> str:
    """`Display Name (@handle), September 19, 2023, URL`: one post, cited on one line.

    The same credit as the page's byline (`byline_parts`), the day at the post's
    precision (`September 2023` for a month-precision post), the day it reached
    the desk when it has no posted time. Each part is cleaned of escape
    sequences, controls and bidi overrides, and a missing part is left out
    with its comma. A URL that is not http(s) is left out too.
    """
    name, handle, date = byline_parts(item)
    if date is None:
        date = posted_date(item.ingested_at, "day")
    credit = safe_line(name)
    handle = safe_line(handle)
    if handle and handle != "@":
        credit = f"{credit} ({handle})" if credit else handle
    url = safe_url(safe_line(item.url))
    parts = (credit, safe_line(date), url)
    return ", ".join(part for part in parts if part)


def one_line(text: str, limit: int) -> str:
    """The text on one line, cut at a word near `limit` characters with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "\u2026"


def headline_of(item: PubItem) -> str:
    """A one-line headline for a post: its title, else the start of its text."""
    return one_line(item.title or item.text or display_name(item), 110)


def head_fields(head: ChainHead) -> dict[str, str]:
    """The chain head as the three named values every format writes."""
    return {
        "desk_head_seq": str(head.seq),
        "desk_head_hash": head.hash,
        "desk_head_at": head.at or "",
    }


def entry_backed(sources: tuple[PubSource, ...]) -> bool:
    """Whether a source backs the entry, by the desk's one rule (`desk.sourcing.backs`)."""
    return any(
        s.triage != "discarded" and s.verdict_meaning not in UNPUBLISHABLE_VERDICTS for s in sources
    )
