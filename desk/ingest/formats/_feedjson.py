"""JSON Feed (jsonfeed.org, versions 1 and 1.1) read with the standard `json` module.

The installed feedparser (6.0.x) does not read JSON Feed. It is JSON, not
markup, so it is mapped here field by field; each item keeps its own bytes
in the file as its raw copy, and its identity is a feed entry's
(`_feedkeys`), the same as an RSS or Atom entry's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from db.models import Media
from desk.ingest.base import ParsedItem, Rejected
from desk.ingest.clean import html_to_text
from desk.ingest.formats import _feedkeys
from desk.ingest.jsondocs import load_document, member_element_bytes, record_bytes
from desk.ingest.times import from_text
from desk.ingest.values import dicts, mime_kind, string, unique
from desk.text import clean_line, clean_text

JSONFEED = "https://jsonfeed.org/version/"


def parse_json_feed(data: bytes) -> Iterator[ParsedItem | Rejected]:
    doc = load_document(data, what="JSON Feed is")
    if isinstance(doc, Rejected):
        yield doc
        return
    if not isinstance(doc, dict) or not string(doc.get("version")).startswith(JSONFEED):
        yield Rejected(record=None, reason="not a JSON Feed: no jsonfeed.org version")
        return
    items = doc.get("items")
    if not isinstance(items, list):
        yield Rejected(record=None, reason="JSON Feed without an items list")
        return
    feed_key = clean_line(string(doc.get("feed_url")) or string(doc.get("home_page_url"))) or None
    feed_title = clean_line(string(doc.get("title"))) or None
    feed_authors = _json_authors(doc)
    feed_lang = clean_line(string(doc.get("language"))) or None
    # each item's own bytes in the file, the evidence (a canonical dump where they do not cut out)
    own = member_element_bytes(data, "items", len(items))
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            yield Rejected(record=index, reason="item is not an object")
            continue
        dump = record_bytes(item)
        raw = own[index - 1] if own is not None else dump
        try:
            parsed = _json_item(item, index, raw, feed_key, feed_title, feed_authors, feed_lang)
            if raw != dump and parsed.platform_id is None and parsed.url is None:
                # known by its raw copy alone, stored before as the dump: found again by it
                parsed = replace(parsed, earlier_raw=hashlib.sha256(dump).hexdigest())
            yield parsed
        except Exception as exc:
            yield Rejected(record=index, reason=f"item unreadable: {type(exc).__name__}: {exc}")


def _json_authors(obj: dict[str, Any]) -> list[dict[str, Any]]:
    authors = dicts(obj.get("authors"))
    if not authors and isinstance(obj.get("author"), dict):
        authors = [obj["author"]]
    return authors


def _json_item(
    item: dict[str, Any],
    index: int,
    raw: bytes,
    feed_key: str | None,
    feed_title: str | None,
    feed_authors: list[dict[str, Any]],
    feed_lang: str | None,
) -> ParsedItem:
    item_id = item.get("id")
    entry_id = clean_line(str(item_id)) if isinstance(item_id, (str, int, float)) else ""
    raw_link = string(item.get("url")) or string(item.get("external_url"))
    link = _feedkeys.link(raw_link)
    if string(item.get("content_html")).strip():
        text = html_to_text(item["content_html"])
    elif string(item.get("content_text")).strip():
        text = clean_text(item["content_text"])
    else:
        text = clean_text(string(item.get("summary")))
    authors = _json_authors(item) or feed_authors
    names = unique(clean_line(string(a.get("name"))) for a in authors)
    author_url = next(
        (
            clean_line(a["url"])
            for a in authors
            if string(a.get("url")).startswith(("http://", "https://"))
        ),
        None,
    )
    media: list[Media] = []
    for attachment in dicts(item.get("attachments")):
        url = clean_line(string(attachment.get("url")))
        if url:
            media.append(Media(url=url, type=mime_kind(string(attachment.get("mime_type")))))
    for key in ("image", "banner_image"):
        url = clean_line(string(item.get(key)))
        if url and all(m.url != url for m in media):
            media.append(Media(url=url, type="image"))
    extra: dict[str, Any] = {}
    if feed_title:
        extra["feed_title"] = feed_title
    if feed_key:
        extra["feed_link"] = feed_key
    tags = unique(clean_line(t) for t in item.get("tags") or [] if isinstance(t, str))
    if tags:
        extra["categories"] = tags
    posted = from_text(string(item.get("date_published"))) or from_text(
        string(item.get("date_modified"))
    )
    return ParsedItem(
        platform=_feedkeys.PLATFORM,
        kind=_feedkeys.KIND,
        text=text,
        raw=raw,
        platform_id=_feedkeys.platform_id(entry_id, link, feed_key),
        earlier_keys=_feedkeys.earlier_keys(entry_id, raw_link, link, feed_key),
        url=link if link and link.startswith(("http://", "https://")) else None,
        author_name=", ".join(names) or None,
        author_url=author_url,
        title=clean_line(string(item.get("title"))) or None,
        lang=clean_line(string(item.get("language"))) or feed_lang,
        posted=posted,
        media=tuple(media),
        extra=extra,
        record=index,
    )
