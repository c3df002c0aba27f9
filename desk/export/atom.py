"""The story's updates as an Atom 1.0 feed (RFC 4287), so readers and other desks can follow it.

One `<entry>` per recap entry and per kept post, newest post first after
the recap: `id` is the thing's uuid as a `urn:uuid:` (stable across exports,
so a reader shows an update once), `title`, `updated` (a post's posted time,
a day-precision one as its midnight UTC; a recap entry's time, else the
chain head's), `content type="text"` (never HTML: a reader shows the words
as words), the post's link as `rel="alternate"`, its author, and its
verdict and the recap section as `<category>`s (scheme
`urn:desk:verdict` / `urn:desk:section`).

The chain head is an extension element in its own namespace (RFC 4287
section 6 allows them; readers ignore them):
`<desk:chain-head xmlns:desk="urn:desk:export" seq="…" hash="…" at="…"/>`
as a child of `<feed>`.

Written with `xml.etree.ElementTree`, never by pasting strings, so no text
can open or close an element; characters XML 1.0 cannot carry at all
(U+FFFE, U+FFFF, controls a desk file written by hand might hold) are
dropped first.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from desk.export.collect import PubEntry, PubItem, Publication
from desk.export.common import (
    display_name,
    feed_time,
    headline_of,
    safe_url,
)

ATOM = "http://www.w3.org/2005/Atom"
DESK = "urn:desk:export"
ET.register_namespace("", ATOM)
ET.register_namespace("desk", DESK)

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """Text XML 1.0 can hold: characters outside its `Char` production removed."""
    return _NOT_XML.sub("", text)


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = xml_text(text)
    return el


def _author(parent: ET.Element, name: str, uri: str | None = None) -> None:
    author = _el(parent, "author")
    _el(author, "name", name)
    if uri:
        _el(author, "uri", uri)


def _post(feed: ET.Element, pub: Publication, item: PubItem) -> None:
    entry = _el(feed, "entry")
    _el(entry, "id", f"urn:uuid:{item.uuid}")
    _el(entry, "title", headline_of(item), type="text")
    _el(entry, "updated", feed_time(item.posted_at, item.ingested_at))
    _author(entry, display_name(item), safe_url(item.author_url))
    url = safe_url(item.url)
    if url:
        _el(entry, "link", rel="alternate", href=url)
    _el(entry, "category", term=item.verdict, scheme="urn:desk:verdict",
        label=item.verdict_label)  # fmt: skip
    for tag in item.tags:
        _el(entry, "category", term=tag, scheme="urn:desk:tag")
    text = item.text
    if item.verdict_reason:
        text += f"\n\n{item.verdict_label}: {item.verdict_reason}"
    _el(entry, "content", text, type="text")


def _recap(feed: ET.Element, pub: Publication, e: PubEntry, updated: str) -> None:
    entry = _el(feed, "entry")
    _el(entry, "id", f"urn:uuid:{e.uuid}")
    title = f"{e.date_text}: {e.headline}" if e.date_text else e.headline
    _el(entry, "title", title, type="text")
    _el(entry, "updated", feed_time(e.created_at, updated))
    _el(entry, "category", term=e.section, scheme="urn:desk:section")
    if e.confidence:
        _el(entry, "category", term=e.confidence, scheme="urn:desk:confidence")
    body = e.body
    sources = [
        f"{display_name(s)} ({s.verdict_label.lower()}) {s.url or ''}".strip() for s in e.sources
    ]
    if sources:
        body += ("\n\n" if body else "") + "Sources: " + "; ".join(sources)
    _el(entry, "content", body or e.headline, type="text")


def feed(pub: Publication) -> ET.Element:
    """The `<feed>` element."""
    updated = feed_time(pub.head.at, pub.exported_at)
    root = ET.Element(f"{{{ATOM}}}feed")
    _el(root, "id", f"urn:uuid:{pub.story.uuid}")
    _el(root, "title", pub.story.title, type="text")
    _el(root, "updated", updated)
    _author(root, pub.publisher)
    _el(root, "generator", "desk")
    page = safe_url(pub.page_url)
    if page:
        _el(root, "link", rel="alternate", href=page)
    ET.SubElement(
        root,
        f"{{{DESK}}}chain-head",
        {
            "seq": str(pub.head.seq),
            "hash": xml_text(pub.head.hash),
            "at": xml_text(pub.head.at or ""),
        },
    )
    for e in pub.entries:
        _recap(root, pub, e, updated)
    for item in reversed(pub.items):
        _post(root, pub, item)
    return root


def render(pub: Publication) -> str:
    """The feed as an XML document (UTF-8 declared)."""
    root = feed(pub)
    ET.indent(root)
    body: str = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n"
