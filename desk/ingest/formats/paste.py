"""Pasted text: a note, or an article that quotes posts the way news pages print them.

A reporter pastes what they have: a line typed from the field, or a whole
live page copied out of a browser. Live pages print each quoted post as its
text followed by a byline:

    Water is over the Mill Street bridge now. Stay off the east road. pic.twitter.com/AbC123
    — Valley Watch (@valley_watch) March 3, 2024

(an em dash `—`, `&mdash;` when copied from source, or `--`; a display name;
the handle in parentheses; a day-precision date, sometimes with the time;
sometimes the text cut with `…`). Such a paste becomes:

- one web article (platform "web", kind "article", platform_id
  `sha256:<hex of the pasted bytes>`) whose text is the whole paste, so the
  "quick recap" paragraphs and the reporter's prose stay searchable;
- one post per byline, linked to the article with `embedded-in`. Its text is
  the short run of lines just above the byline: up to a blank line, the
  previous byline, or a line ending with a link (how a post closes). When
  the lines run on longer than the platform allows (280 characters on X,
  500 on Mastodon, 300 on Bluesky, links counted as 23) with no such clue,
  as in a page copied without blank lines between paragraphs, the post is
  the line just above its byline, marked `extra["may_be_partial"]`: prose
  stays the article's, never given to the post's author.

The article's title is the paste's first line (its headline), never a
quoted post's first line or a byline: a paste that opens with a post has
no title.

Platform of a quoted post, in order: a status URL in the post or byline
decides (twitter.com / x.com: "twitter", with the tweet id); a handle shaped
`user@instance` is "mastodon"; a dotted handle (`name.bsky.social`) is
"bluesky"; otherwise "twitter", because `— Name (@handle) Month D, YYYY` is
the byline X/Twitter embeds print and the one news pages copy. Without a
status URL the post has no platform_id: a desk must not invent ids.

A paste with no byline is one item: kind "post", platform "manual",
platform_id `sha256:<hex>` (so pasting it twice adds nothing), no author.

This is plain text, so regular expressions are the right tool here; HTML
entities are decoded with `html.unescape` on entity-shaped runs only, never
by parsing the text as HTML.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import html
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any

from dateutil import parser as dateparser

from desk.ingest import charset, times
from desk.ingest.base import ParsedItem, Posted, Ref, Rejected, Sample, Source
from desk.ingest.formats._twitter import (
    media_from_text,
    profile_url,
    snowflake_time,
    status_from_url,
    status_url,
)
from desk.text import clean_line, clean_text

NAME = "text"

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_HANDLE = r"""(?P<handle>
      [A-Za-z0-9_.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+   # Mastodon user@instance
    | [A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+                     # Bluesky name.bsky.social
    | [A-Za-z0-9_]{1,15}                                   # X/Twitter
    )"""
# A byline on its own line: dash, name, (@handle), then a date and/or links.
_BYLINE = re.compile(
    r"^\s*(?:>\s*)?(?:\u2014|\u2015|\u2013|--|-)\s*(?P<name>[^\n]{0,100}?)\s*\(\s*@"
    + _HANDLE
    + r"\s*\)(?P<rest>.*)$",
    re.VERBOSE,
)
# A byline at the end of a line of post text (em dash only, to be safe).
_INLINE_BYLINE = re.compile(
    r"^(?P<before>.*\S)\s*(?:\u2014|\u2015)\s*(?P<name>[^\n\u2014]{0,100}?)\s*\(\s*@"
    + _HANDLE
    + r"\s*\)(?P<rest>.*)$",
    re.VERBOSE,
)
_URL = re.compile(
    r"(?:https?://|(?<![\w.])(?:pic\.twitter\.com|pic\.x\.com|twitter\.com|x\.com)/)\S+",
    re.IGNORECASE,
)
_TRUNCATED = re.compile(r"(?:\u2026|\.\.\.)\s*(?:(?:https?://)?\S+\.\S+/\S*\s*)*$")
_MASTODON_STATUS = re.compile(r"^https?://(?P<host>[^/\s]+)/@(?P<user>[A-Za-z0-9_.]+)/(?P<id>\d+)$")
_BLUESKY_POST = re.compile(
    r"^https?://bsky\.app/profile/(?P<actor>[^/\s]+)/post/(?P<rkey>[A-Za-z0-9]+)$"
)
_MAX_BYLINE_LINE = 1000
_MIN_PRINTABLE = 0.95
_YAML_KEY = re.compile(r"^\s*(?:-\s+)?[A-Za-z_][\w.-]*:(?:\s|$)")


# --- decoding ------------------------------------------------------------------


def decode(data: bytes, *, partial: bool = False) -> tuple[str, str] | None:
    """`(text, encoding)` of pasted bytes, or None when they are not text.

    UTF-8 first (with or without BOM), then UTF-16 with a BOM, then what
    charset-normalizer finds. `partial` accepts a multi-byte character cut
    at the end (a detect sample stops at 64 KiB, mid-character or not).
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace"), encoding
    if charset.binary(data):
        return None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        if partial and err.start >= len(data) - 3 and err.reason == "unexpected end of data":
            return data[: err.start].decode("utf-8"), "utf-8"
    return charset.guess(data)


def _printable_ratio(text: str) -> float:
    if not text:
        return 0.0
    good = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t")
    return good / len(text)


def unescape_entities(text: str) -> str:
    """Decode `&mdash;`, `&#8212;` ... where they stand; nothing else is touched."""
    if "&" not in text:
        return text
    return _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)


# --- detect ------------------------------------------------------------------


def _is_structured(text: str) -> bool:
    """JSON, markup (XML, HTML, feeds), YAML or CSV: data for a format, not a paste.

    A file no format recognises must be reported as such, not stored as a
    note full of JSON or XML. Pasted prose does not open with a tag, a
    bracket followed by JSON, a YAML mapping or rows of equal comma counts.
    """
    head = text.lstrip("\ufeff \t\r\n")
    if head[:1] in ("{", "[") and (
        head[1:].lstrip()[:1] in ('"', "{", "[", "]", "}") or _is_json(head)
    ):
        return True
    if head[:1] == "<" and head[1:2].isascii() and (head[1:2].isalpha() or head[1:2] in "!?"):
        return True
    lines = [line for line in head[:8192].splitlines() if line.strip()][:8]
    if len(lines) >= 3 and (lines[0].strip() == "---" or lines[0].rstrip().endswith(":")):
        mapping = sum(1 for line in lines if _YAML_KEY.match(line))
        if mapping * 2 >= len(lines):
            return True
    return _looks_csv(head[:65536])


def _looks_csv(head: str) -> bool:
    """The first rows read as a table: the same number (3+) of fields each."""
    body = head.rsplit("\n", 1)[0] if "\n" in head else head
    for delimiter in (",", "\t", ";", "|"):
        try:
            rows = list(islice(csv.reader(io.StringIO(body), delimiter=delimiter), 5))
        except csv.Error:
            continue
        widths = {len(row) for row in rows if row}
        if len(rows) >= 3 and len(widths) == 1 and widths.pop() >= 3:
            return True
    return False


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def detect(sample: Sample) -> int:
    """5 (the last resort) for anything that reads as text; 0 for binary or structured data."""
    decoded = decode(sample.head, partial=True)
    if decoded is None:
        return 0
    text = decoded[0]
    if not text.strip():
        return 0
    if _is_structured(text):
        return 0
    if _printable_ratio(text) < _MIN_PRINTABLE:
        return 0
    return 5


# --- bylines -----------------------------------------------------------------


@dataclass(slots=True)
class _Byline:
    line: int  # index of the byline line
    last_line: int  # index of the last line it uses (a date on the next line)
    name: str | None
    handle: str
    rest: str
    before: str  # post text on the byline's own line, before the dash


def _rest_is_dateish(rest: str) -> bool:
    """What follows `(@handle)` is a date, a link or nothing; never prose."""
    words = _URL.sub(" ", rest).replace("\u00b7", " ").strip(" \t.,;|")
    if not words:
        return True
    if len(words) > 60:
        return False
    try:
        dateparser.parse(words, default=datetime(1900, 1, 1), tzinfos=times.zone_info)
    except (ValueError, OverflowError, TypeError):
        return False
    return True


def _match_byline(line: str) -> tuple[str | None, str, str, str] | None:
    """`(name, handle, rest, text before)` when the (clean) line is or ends with a byline."""
    if len(line) > _MAX_BYLINE_LINE or "(" not in line or "@" not in line:
        return None
    match = _BYLINE.match(line)
    before = ""
    if match is None:
        match = _INLINE_BYLINE.match(line)
        if match is None:
            return None
        before = match.group("before")
    rest = match.group("rest").strip()
    if not _rest_is_dateish(rest):
        return None
    return clean_line(match.group("name")) or None, match.group("handle"), rest, before


def _posted(rest: str) -> Posted | None:
    """A byline's date: day precision, or minute when it prints a time; zone unknown."""
    words = _URL.sub(" ", rest).replace("\u00b7", " ").strip(" \t.,;|")
    if not words:
        return None
    if ":" in words:
        posted = times.from_text(words, precision="minute")
        if posted is not None and not posted.at.startswith("1900") and _has_year(words):
            return posted
    return times.from_day(words)


def _has_year(words: str) -> bool:
    return any(
        len(token.strip(",.")) == 4 and token.strip(",.").isdigit() for token in words.split()
    )


# --- items -------------------------------------------------------------------


def _post_identity(handle: str, urls: list[str]) -> dict[str, Any]:
    """Platform, id, URL and author URL of a quoted post (see the module docstring)."""
    for url in urls:
        status = status_from_url(url if "://" in url else "https://" + url)
        if status is not None:
            url_handle, tweet_id = status
            author = url_handle or (handle if "@" not in handle and "." not in handle else None)
            return {
                "platform": "twitter",
                "platform_id": tweet_id,
                "url": status_url(author, tweet_id),
                "author_handle": author,
                "author_url": profile_url(author) if author else None,
            }
    if "@" in handle:
        user, _, host = handle.partition("@")
        post_url = next((u for u in urls if _MASTODON_STATUS.match(u)), None)
        return {
            "platform": "mastodon",
            "platform_id": None,
            "url": post_url,
            "author_handle": handle,
            "author_url": f"https://{host}/@{user}",
        }
    if "." in handle:
        post_url = next((u for u in urls if _BLUESKY_POST.match(u)), None)
        return {
            "platform": "bluesky",
            "platform_id": None,
            "url": post_url,
            "author_handle": handle.lower(),
            "author_url": f"https://bsky.app/profile/{handle.lower()}",
        }
    return {
        "platform": "twitter",
        "platform_id": None,
        "url": None,
        "author_handle": handle,
        "author_url": profile_url(handle),
    }


def _find_bylines(clean_lines: list[str]) -> list[_Byline]:
    found: list[_Byline] = []
    index = 0
    while index < len(clean_lines):
        matched = _match_byline(clean_lines[index])
        if matched is None:
            index += 1
            continue
        name, handle, rest, before = matched
        last = index
        # `— Name (@handle)` with the date alone on the next line.
        if not _URL.sub("", rest).strip() and index + 1 < len(clean_lines):
            following = clean_lines[index + 1]
            if following and len(following) <= 40 and times.from_day(following) is not None:
                rest = (rest + " " + following).strip()
                last = index + 1
        found.append(_Byline(index, last, name, handle, rest, before))
        index = last + 1
    return found


def _urls(text: str) -> list[str]:
    """Links printed in a post (the membership test spares re a 10 MB scan)."""
    lowered = text.lower()
    if "://" not in text and "twitter.com/" not in lowered and "x.com/" not in lowered:
        return []
    return [u.rstrip(").,;\u2026") for u in _URL.findall(text)]


# The most a post holds on each platform (X and Bluesky count a link as
# about 23 characters; an attached picture's pic.twitter.com link as none).
_POST_LIMITS = {"twitter": 280, "mastodon": 500, "bluesky": 300}
_LINK_WEIGHT = 23
_MAX_POST_LINES = 40
# A line that ends with a link: how a quoted post's text closes (its picture
# or its link), so such a line above a post is the end of something else.
_CLOSING_LINK = re.compile(
    r"(?:^|[\s(])(?:https?://\S+|(?:pic\.twitter\.com|pic\.x\.com)/\S+)\s*$", re.IGNORECASE
)


def _platform_of_byline(byline: _Byline) -> str:
    """The platform whose length limit bounds the post (as `_post_identity` would say)."""
    for url in _urls(byline.rest):
        if status_from_url(url if "://" in url else "https://" + url) is not None:
            return "twitter"
    if "@" in byline.handle:
        return "mastodon"
    return "bluesky" if "." in byline.handle else "twitter"


def _weight(line: str) -> int:
    """A line's length as the platform counts it: links at their fixed weight."""
    if "://" not in line and ".com/" not in line.lower():
        return len(line)
    links = _URL.findall(line)
    rest = len(_URL.sub("", line))
    return rest + sum(0 if "pic." in link.lower()[:12] else _LINK_WEIGHT for link in links)


def _post_lines(
    clean_lines: list[str], pieces: list[str], byline: _Byline, stop: int
) -> tuple[int, int, bool]:
    """`(first, last, unsure)` line indices of the post text above a byline; first > last if none.

    A quoted post is the short run of lines just above its byline. Blank
    lines right above are skipped, then lines are taken upward until one
    of the clues that a post starts there: a blank line, the previous
    byline (`stop`) or the paste's start, a line ending with a link (a
    pic.twitter.com picture or a URL closes a post, so that line ends
    something else), or, for a post quoted with `>`, the first unquoted
    line. When the lines run on past the platform's length
    (`_POST_LIMITS`) with none of these, the page was copied without blank
    lines between paragraphs and nothing tells the post's first line from
    the prose: the post is then only the line just above its byline, and
    `unsure` is set. Words of the article are never given to the post's
    author. The line just above the byline is always the post's, however
    long.
    """
    end = byline.line - 1
    if byline.before:
        end = byline.line
    while end > stop and not clean_lines[end] and end != byline.line:
        end -= 1
    if end <= stop:
        return byline.line, byline.line - 1, False
    limit = _POST_LIMITS[_platform_of_byline(byline)]
    quoted = pieces[end].lstrip().startswith(">")
    used = _line_weight(clean_lines, pieces, byline, end)
    start = end
    while start - 1 > stop and clean_lines[start - 1]:
        above = start - 1
        if quoted and not pieces[above].lstrip().startswith(">"):
            break
        if "/" in clean_lines[above] and _CLOSING_LINK.search(clean_lines[above]):
            break
        used += 1 + _line_weight(clean_lines, pieces, byline, above)
        if used > limit or end - above + 1 > _MAX_POST_LINES:
            return end, end, True
        start = above
    return start, end, False


def _line_weight(clean_lines: list[str], pieces: list[str], byline: _Byline, index: int) -> int:
    if index == byline.line and byline.before:
        return _weight(byline.before)
    if len(pieces[index]) > _MAX_BYLINE_LINE:  # stood in for by "…" in clean_lines
        return len(pieces[index])
    return _weight(_strip_quote_mark(clean_lines[index]))


def _strip_quote_mark(line: str) -> str:
    stripped = line.lstrip()
    return stripped[1:].lstrip() if stripped.startswith(">") else line


def _article(
    data: bytes,
    whole: str,
    clean_lines: list[str],
    bylines: list[_Byline],
    spans: list[tuple[int, int]],
    paste_id: str,
    extra: dict[str, Any],
) -> ParsedItem:
    """The whole paste as a web article, titled by its first line unless that line is a post's."""
    first_index = next((n for n, line in enumerate(clean_lines) if line), None)
    title: str | None = None
    if first_index is not None:
        first = clean_lines[first_index]
        in_post = any(start <= first_index <= end for start, end in spans) or any(
            b.line <= first_index <= b.last_line for b in bylines
        )
        if not in_post and len(first) <= 200 and first != whole:
            title = first
    return ParsedItem(
        platform="web",
        kind="article",
        text=whole,
        raw=data,
        platform_id=paste_id,
        title=title,
        extra=dict(extra, quoted_posts=len(bylines)),
        record=1,
    )


def parse(source: Source) -> Iterator[ParsedItem | Rejected]:
    """The paste as an article plus its quoted posts, or as one plain post.

    The whole paste is one record; each quoted post's raw bytes are its lines
    (text and byline) cut from the paste, in the paste's own encoding.
    """
    data = source.read_bytes()
    decoded = decode(data)
    if decoded is None:
        yield Rejected(record=1, reason="not text: binary data or an unknown encoding")
        return
    text, encoding = decoded
    if not text.strip():
        yield Rejected(record=1, reason="empty input")
        return
    paste_id = "sha256:" + hashlib.sha256(data).hexdigest()
    whole = clean_text(unescape_entities(text))
    if not whole:
        yield Rejected(record=1, reason="no readable text (only control characters)")
        return

    pieces = text.splitlines(keepends=True)
    # Only short lines can be bylines; a long line only needs to be known non-blank.
    clean_lines = [
        clean_line(unescape_entities(piece)) if len(piece) <= _MAX_BYLINE_LINE else "\u2026"
        for piece in pieces
    ]
    bylines = _find_bylines(clean_lines)
    extra: dict[str, Any] = {}
    if encoding not in ("utf-8", "utf-8-sig"):
        extra["encoding"] = encoding

    if not bylines:
        yield ParsedItem(
            platform="manual",
            kind="post",
            text=whole,
            raw=data,
            platform_id=paste_id,
            extra=extra,
            record=1,
        )
        return

    spans: list[tuple[int, int]] = []
    unsure: list[bool] = []
    stop = -1
    for byline in bylines:
        first_line, last_line, guessed = _post_lines(clean_lines, pieces, byline, stop)
        spans.append((first_line, last_line))
        unsure.append(guessed)
        stop = byline.last_line
    yield _article(data, whole, clean_lines, bylines, spans, paste_id, extra)
    page_ref = Ref("embedded-in", platform="web", platform_id=paste_id)
    raw_encoding = "utf-8" if encoding == "utf-8-sig" else encoding
    for record, (byline, (start, end), guessed) in enumerate(
        zip(bylines, spans, unsure, strict=True), start=2
    ):
        body_lines = [_strip_quote_mark(unescape_entities(p)) for p in pieces[start : end + 1]]
        if byline.before and body_lines and end == byline.line:
            body_lines[-1] = _strip_quote_mark(byline.before)
        post_text = clean_text("".join(body_lines))
        if not post_text:
            yield Rejected(
                record=record, reason=f"byline for @{byline.handle} with no post text above it"
            )
            continue
        urls = _urls(post_text + " " + byline.rest)
        identity = _post_identity(byline.handle, urls)
        raw_from = min(start, byline.line)
        raw = "".join(pieces[raw_from : byline.last_line + 1]).encode(
            raw_encoding, errors="replace"
        )
        post_extra: dict[str, Any] = {"byline": clean_line(byline.rest) or None}
        if _TRUNCATED.search(post_text[-500:]):
            post_extra["truncated"] = True
        if guessed:  # earlier lines of the post may be in the article only
            post_extra["may_be_partial"] = True
        if not post_extra["byline"]:
            del post_extra["byline"]
        posted = _posted(byline.rest)
        from_id = (
            snowflake_time(identity["platform_id"]) if identity["platform"] == "twitter" else None
        )
        if from_id is not None:
            post_extra["snowflake_time"] = from_id.at
            if posted is None:
                posted = from_id
                post_extra["posted_from"] = "snowflake id"
        yield ParsedItem(
            platform=identity["platform"],
            kind="post",
            text=post_text,
            raw=raw,
            platform_id=identity["platform_id"],
            url=identity["url"],
            author_name=byline.name,
            author_handle=identity["author_handle"],
            author_url=identity["author_url"],
            posted=posted,
            media=media_from_text(post_text + " " + byline.rest),
            refs=(page_ref,),
            extra=post_extra,
            record=record,
        )
