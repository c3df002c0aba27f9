"""X/Twitter embeds: the `<blockquote class="twitter-tweet">` HTML and oEmbed JSON.

News and fact-check pages quote tweets by pasting the embed code that
publish.twitter.com (and x.com's "Embed post") hands out. Long after the
tweet is deleted or the account suspended, that HTML is often the only copy
a desk can get, so it is worth reading carefully. The markup comes in
several shapes, all handled here:

- the current one: `<p lang dir>text</p>&mdash; Name (@handle)` then
  `<a href=".../status/ID?ref_src=...">March 3, 2024</a>`, followed (or not)
  by `<script async src=".../widgets.js">`;
- the old one (2011-2014): `lang` on the blockquote, `/statuses/ID` links and
  a `data-datetime` attribute on the date link that gives the exact time;
- CMS-processed ones (WordPress wraps the byline in its own `<p>`);
- links on `twitter.com`, `x.com`, `mobile.twitter.com`, or `/i/web/status/ID`;
- oEmbed JSON (`{"url", "author_name", "author_url", "html", ...}`) whose
  `html` is one such blockquote.

HTML is read with lxml only; regular expressions are used on plain strings
(URLs, the byline text) never on markup. `parse_blockquote` is public so the
whole-page format (`html_page`) reads embeds exactly the same way.
"""

from __future__ import annotations

import copy
import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import lxml.html
from lxml import etree

from db.models import Media
from desk.ingest import charset, times
from desk.ingest.base import ParsedItem, Posted, Rejected, Sample, Source
from desk.ingest.clean import html_to_text
from desk.text import clean_line, clean_text

NAME = "twitter-embed"

EMBED_CLASSES = ("twitter-tweet", "twitter-video")

# XPath for the embed blockquotes: class is a space-separated token list
# (`twitter-tweet tw-align-center`, `twitter-tweet hidden` ...).
EMBED_XPATH = " | ".join(
    f"//blockquote[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"
    for name in EMBED_CLASSES
)

_STATUS_URL = re.compile(
    r"""^(?:https?:)?//(?:www\.|mobile\.|m\.)?(?:twitter|x)\.com/
        (?:\#!/)?
        (?:(?P<handle>[A-Za-z0-9_]{1,15})|i/web|i)
        /status(?:es)?/(?P<id>\d{1,20})(?:[/?#]|$)""",
    re.VERBOSE | re.IGNORECASE,
)
_PROFILE_URL = re.compile(
    r"^(?:https?:)?//(?:www\.|mobile\.|m\.)?(?:twitter|x)\.com/(?:#!/)?(?P<handle>[A-Za-z0-9_]{1,15})/?(?:[?#]|$)",
    re.IGNORECASE,
)
_HANDLE_IN_PARENS = re.compile(r"\(@(?P<handle>[A-Za-z0-9_]{1,15})\)")
_PIC_LINK = re.compile(
    r"(?<![\w.])(?:https?://)?(pic\.(?:twitter|x)\.com/[A-Za-z0-9]+)", re.IGNORECASE
)
# Path names on twitter.com that are not accounts.
_NOT_HANDLES = {"i", "home", "search", "hashtag", "intent", "share", "explore", "settings"}
# Snowflake ids (from November 2010) carry their creation time.
_TWITTER_EPOCH_MS = 1288834974657
_FIRST_SNOWFLAKE = 10**15

# libxml2 drops text nodes over 10,000,000 bytes unless parsed with huge_tree;
# `elements_text` shields nodes over 1 MB from that (well under the limit).
_HUGE_TEXT = 1_000_000
_HTML_PARSER = lxml.html.HTMLParser(huge_tree=True, remove_comments=True)


# --- URLs and ids: shared with html_page and paste ---------------------------


def status_from_url(url: str | None) -> tuple[str | None, str] | None:
    """`(handle or None, tweet id)` from a tweet's URL, or None if it is not one.

    The handle is None for `/i/web/status/ID` links, which name no account.
    """
    if not url:
        return None
    match = _STATUS_URL.match(url.strip())
    if match is None:
        return None
    handle = match.group("handle")
    if handle and handle.lower() in _NOT_HANDLES:
        handle = None
    return handle, match.group("id")


def handle_from_profile_url(url: str | None) -> str | None:
    """The handle in `https://twitter.com/handle` (oEmbed `author_url`)."""
    if not url:
        return None
    match = _PROFILE_URL.match(url.strip())
    if match is None or match.group("handle").lower() in _NOT_HANDLES:
        return None
    return match.group("handle")


def tweet_url(handle: str | None, tweet_id: str) -> str:
    """The one canonical tweet URL the desk uses, so every format dedups by URL too."""
    if handle:
        return f"https://twitter.com/{handle}/status/{tweet_id}"
    return f"https://twitter.com/i/web/status/{tweet_id}"


def profile_url(handle: str) -> str:
    return f"https://twitter.com/{handle}"


def snowflake_time(tweet_id: str | None) -> Posted | None:
    """The creation time encoded in a snowflake tweet id (second precision, UTC)."""
    if not tweet_id or not tweet_id.isdigit():
        return None
    value = int(tweet_id)
    if value < _FIRST_SNOWFLAKE:
        return None
    millis = (value >> 22) + _TWITTER_EPOCH_MS
    try:
        moment = datetime.fromtimestamp(millis / 1000, UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return Posted(moment.strftime("%Y-%m-%dT%H:%M:%SZ"), "second", True)


def media_from_text(text: str) -> tuple[Media, ...]:
    """`pic.twitter.com/...` links printed in a tweet's text, as photos."""
    found: dict[str, Media] = {}
    if "pic." not in text.lower():
        return ()
    for match in _PIC_LINK.finditer(text):
        url = "https://" + match.group(1)
        found.setdefault(url, Media(url=url, type="photo"))
    return tuple(found.values())


def elements_text(elements: list[Any]) -> str:
    """Clean text of parsed elements, through `clean.html_to_text`.

    `html_to_text` re-parses the HTML without lxml's `huge_tree`, and
    libxml2 then silently drops any text node over 10 MB. Such nodes are
    swapped for placeholders before the round trip and put back (cleaned)
    after it, so a huge post or paragraph is never lost. The root element is
    serialised as a `<div>` (a bare `<html>` without `<body>` trips lxml's
    fragment parser).
    """
    copies = [copy.deepcopy(e) for e in elements]
    huge: dict[str, str] = {}
    nonce = secrets.token_hex(4)
    for element in copies:
        if isinstance(element.tag, str) and element.tag.lower() in ("html", "body"):
            element.tag = "div"
        for node in element.iter():
            for attr in ("text", "tail"):
                value = getattr(node, attr)
                if value and len(value) > _HUGE_TEXT and (attr == "text" or node is not element):
                    key = f"\ue000{nonce}{len(huge)}\ue001"
                    huge[key] = value
                    setattr(node, attr, key)
    html = "".join(lxml.html.tostring(e, encoding="unicode", with_tail=False) for e in copies)
    try:
        text = html_to_text(html)
    except AssertionError:  # lxml's fragment parser on odd input
        text = clean_text("\n\n".join(e.text_content() for e in copies))
    for key, value in huge.items():
        text = text.replace(key, clean_text(value))
    return text


def _is_tag(node: Any, name: str) -> bool:
    return isinstance(node.tag, str) and node.tag.lower() == name


def _text_excluding(node: Any, skip: Any) -> str:
    """A subtree's text without one element (the date link), tails kept."""
    parts: list[str] = []
    if (
        isinstance(node.tag, str)
        and node is not skip
        and node.tag.lower() not in ("script", "style")
    ):
        parts.append(node.text or "")
        for child in node:
            parts.append(_text_excluding(child, skip))
            parts.append(child.tail or "")
    return "".join(parts)


def _split_byline(rest: str) -> tuple[str, str | None, str | None]:
    """`(leading text, display name, handle)` from what is left around the byline.

    `rest` is the blockquote's text outside the tweet paragraphs and the date
    link: `— Name (@handle) ` (sometimes with the tweet text before it when
    the CMS dropped the `<p>`). Plain-text work, not HTML parsing.
    """
    rest = rest.strip()
    matches = list(_HANDLE_IN_PARENS.finditer(rest))
    if not matches:
        return rest, None, None
    last = matches[-1]
    prefix = rest[: last.start()]
    cut = -1
    for dash in ("\u2014", "\u2015", "\u2013", " -- ", "--", " - "):
        cut = prefix.rfind(dash)
        if cut >= 0:
            name = prefix[cut + len(dash) :]
            lead = prefix[:cut]
            break
    else:
        name, lead = prefix, ""
    return lead, clean_line(name) or None, last.group("handle")


def parse_blockquote(element: Any) -> ParsedItem | None:
    """One embed blockquote (an lxml element) as an item; None if it holds nothing.

    The status link is the last `<a>` whose href is a tweet URL (the date
    link). The tweet text is the blockquote's `<p>` children except the one
    holding that link (WordPress puts the byline in its own `<p>`). The
    byline gives the display name and handle; the URL gives the id and,
    preferably, the handle. `raw` is the blockquote as lxml serialises it;
    callers that can cut the exact bytes replace it.
    """
    status_link = None
    status: tuple[str | None, str] | None = None
    for anchor in reversed(element.xpath(".//a[@href]")):
        status = status_from_url(anchor.get("href"))
        if status is not None:
            status_link = anchor
            break

    def holds_link(node: Any) -> bool:
        return status_link is not None and any(d is status_link for d in node.iter())

    paragraphs = [c for c in element if _is_tag(c, "p") and not holds_link(c)]
    rest_parts: list[str] = [element.text or ""]
    for child in element:
        if not any(child is p for p in paragraphs):
            rest_parts.append(_text_excluding(child, status_link))
        rest_parts.append(child.tail or "")
    lead, name, byline_handle = _split_byline(clean_text(" ".join(rest_parts)))

    text = elements_text(paragraphs) if paragraphs else clean_text(lead)
    if not text and status is None:
        return None

    handle = byline_handle
    tweet_id: str | None = None
    if status is not None:
        url_handle, tweet_id = status
        handle = url_handle or byline_handle
    handle = clean_line(handle) or None

    lang = None
    for p in paragraphs:
        if p.get("lang"):
            lang = clean_line(p.get("lang")) or None
            break

    extra: dict[str, Any] = {"embed": "blockquote"}
    posted: Posted | None = None
    if status_link is not None:
        date_text = clean_line(status_link.text_content())
        if date_text:
            extra["byline_date"] = date_text
        posted = (
            times.from_text(status_link.get("data-datetime"))
            if status_link.get("data-datetime")
            else None
        )
        if posted is None:
            posted = times.from_day(date_text)
    from_id = snowflake_time(tweet_id)
    if from_id is not None:
        extra["snowflake_time"] = from_id.at
        if posted is None:
            posted = from_id
            extra["posted_from"] = "snowflake id"

    return ParsedItem(
        platform="twitter",
        kind="post",
        text=text,
        raw=lxml.html.tostring(element, encoding="utf-8", with_tail=False),
        platform_id=tweet_id,
        url=tweet_url(handle, tweet_id) if tweet_id else None,
        author_name=name,
        author_handle=handle,
        author_url=profile_url(handle) if handle else None,
        lang=lang,
        posted=posted,
        media=media_from_text(text),
        extra=extra,
    )


def embeds_in(root: Any) -> list[Any]:
    """Every embed blockquote under an lxml tree, in document order."""
    return list(root.xpath(EMBED_XPATH))


def parse_fragment(text: str) -> Any | None:
    """An HTML fragment or page as an lxml tree; None when there is nothing to parse."""
    text = text.lstrip("\ufeff \t\r\n")
    if text.startswith("<?xml"):
        # The text is already decoded: an `encoding=` declaration would make lxml
        # refuse the str, and could only mislead it.
        end = text.find("?>")
        text = text[end + 2 :] if end >= 0 else ""
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text, parser=_HTML_PARSER)
    except (etree.ParserError, ValueError):
        return None


# --- detect ------------------------------------------------------------------


def _head_lower(sample: Sample, size: int = 4096) -> str:
    return sample.text[:size].lower()


def is_html_document(sample: Sample) -> bool:
    """A whole HTML document (doctype or `<html>` first), not a fragment."""
    head = _head_lower(sample)
    while True:
        head = head.lstrip()
        if head.startswith("<?xml"):
            end = head.find("?>")
            head = head[end + 2 :] if end >= 0 else ""
        elif head.startswith("<!--"):
            end = head.find("-->")
            head = head[end + 3 :] if end >= 0 else ""
        else:
            break
    return head.startswith("<!doctype html") or head.startswith("<html")


def _is_feed(sample: Sample) -> bool:
    head = _head_lower(sample)
    return any(mark in head for mark in ("<rss", "<feed", "<rdf:rdf", "<channel"))


def _looks_oembed(text: str) -> bool:
    return (
        '"html"' in text
        and "twitter-tweet" in text
        and ('"author_name"' in text or '"provider_url"' in text or '"author_url"' in text)
    )


def detect(sample: Sample) -> int:
    """oEmbed JSON 90; an HTML fragment holding embed blockquotes 80.

    A whole HTML document is left to `html_page` (which reads its embeds
    too and also keeps the page); feeds whose CDATA carries embeds are left
    to the feed format.
    """
    if b"\x00" in sample.head:
        return 0
    if sample.looks_json:
        return 90 if _looks_oembed(sample.text) else 0
    lowered = sample.text.lower()
    if "<blockquote" not in lowered or not any(name in lowered for name in EMBED_CLASSES):
        return 0
    if is_html_document(sample) or _is_feed(sample):
        return 0
    return 80


# --- parse -------------------------------------------------------------------


def _decode(data: bytes) -> str:
    return charset.decode(data).text


def _from_oembed(obj: dict[str, Any], record: int, raw: bytes) -> ParsedItem | Rejected:
    html = obj.get("html")
    if not isinstance(html, str) or not html.strip():
        return Rejected(record=record, reason="oEmbed object without an html field")
    root = parse_fragment(html)
    quotes = embeds_in(root) if root is not None else []
    item = parse_blockquote(quotes[0]) if quotes else None
    if item is None:
        return Rejected(record=record, reason="oEmbed html holds no twitter-tweet blockquote")
    changes: dict[str, Any] = {"raw": raw, "record": record}
    status = status_from_url(obj.get("url") if isinstance(obj.get("url"), str) else None)
    handle = item.author_handle
    author_handle = handle_from_profile_url(
        obj.get("author_url") if isinstance(obj.get("author_url"), str) else None
    )
    if author_handle:
        handle = author_handle
    if status is not None:
        handle = status[0] or handle
        changes["platform_id"] = status[1]
    if handle:
        changes["author_handle"] = handle
        changes["author_url"] = profile_url(handle)
    tweet_id = changes.get("platform_id", item.platform_id)
    if tweet_id:
        changes["url"] = tweet_url(handle, tweet_id)
    if isinstance(obj.get("author_name"), str) and clean_line(obj["author_name"]):
        changes["author_name"] = clean_line(obj["author_name"])
    extra = dict(item.extra, embed="oembed")
    for key in ("provider_name", "type", "version"):
        if isinstance(obj.get(key), str):
            extra[f"oembed_{key}"] = clean_line(obj[key])
    changes["extra"] = extra
    return replace(item, **changes)


def _parse_oembed(data: bytes) -> Iterator[ParsedItem | Rejected]:
    try:
        doc = json.loads(_decode(data))
    except json.JSONDecodeError as err:
        yield Rejected(record=1, reason=f"invalid JSON: {err.msg}", line=err.lineno)
        return
    except RecursionError:
        yield Rejected(record=1, reason="JSON nested too deeply")
        return
    if isinstance(doc, dict):
        yield _from_oembed(doc, 1, data)
    elif isinstance(doc, list):
        for index, obj in enumerate(doc, start=1):
            if not isinstance(obj, dict):
                yield Rejected(record=index, reason="not an oEmbed object")
                continue
            raw = json.dumps(obj, ensure_ascii=False, sort_keys=True).encode()
            yield _from_oembed(obj, index, raw)
    else:
        yield Rejected(record=1, reason="JSON is neither an oEmbed object nor a list of them")


def parse(source: Source) -> Iterator[ParsedItem | Rejected]:
    """Every embed in the input, in order; oEmbed JSON when the input is JSON.

    A lone embed keeps the whole input as its raw bytes (that is the record
    as the publisher gave it, `<script>` tag included); several embeds in one
    fragment each keep their blockquote as lxml serialises it.
    """
    data = source.read_bytes()
    text = _decode(data)
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        yield Rejected(record=1, reason="empty input")
        return
    if stripped[:1] in ("{", "["):
        yield from _parse_oembed(data)
        return
    if "\x00" in text:
        yield Rejected(record=1, reason="binary data (NUL bytes), not an HTML embed")
        return
    root = parse_fragment(text)
    quotes = embeds_in(root) if root is not None else []
    if not quotes:
        yield Rejected(record=1, reason="no twitter-tweet blockquote found")
        return
    for index, element in enumerate(quotes, start=1):
        item = parse_blockquote(element)
        if item is None:
            yield Rejected(
                record=index, reason="twitter-tweet blockquote with no text and no status link"
            )
            continue
        raw = data if len(quotes) == 1 else item.raw
        yield replace(item, raw=raw, record=index)
