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
(URLs, the byline text) never on markup. The blockquote is read in
`formats/_embeds.py`, so the whole-page format (`html_page`) and pastes
read embeds exactly the same way; tweet URLs and ids in `formats/_twitter.py`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from desk.ingest import charset
from desk.ingest.base import ParsedItem, Rejected, Sample, Source
from desk.ingest.formats._embeds import (
    EMBED_CLASSES,
    embeds_in,
    head_lower,
    is_html_document,
    parse_blockquote,
    parse_fragment,
)
from desk.ingest.formats._twitter import (
    handle_from_profile_url,
    profile_url,
    status_from_url,
    status_url,
)
from desk.ingest.jsondocs import HUGE_NUMBER, record_bytes
from desk.text import clean_line

NAME = "twitter-embed"


# --- detect ------------------------------------------------------------------


def _is_feed(sample: Sample) -> bool:
    head = head_lower(sample)
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
    if charset.binary(sample.head):
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
        changes["url"] = status_url(handle, tweet_id)
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
    except ValueError:  # not a JSONDecodeError: an integer past 4300 digits (bench/fuzz.py)
        yield Rejected(record=1, reason=f"invalid JSON: {HUGE_NUMBER}")
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
            raw = record_bytes(obj)
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
    if charset.binary(data):
        yield Rejected(record=1, reason="binary data (NUL bytes), not an HTML embed")
        return
    root = parse_fragment(text.replace("\x00", ""))  # a stray NUL: lxml refuses the str
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
