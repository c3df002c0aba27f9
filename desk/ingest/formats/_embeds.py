"""The `<blockquote class="twitter-tweet">` embed, read the same wherever it stands.

An embed file (`twitter_embed`), a whole page that quotes tweets
(`html_page`) and a pasted article all meet the markup publish.twitter.com
hands out; each embedded tweet must come out as the same item from any of
them, so the reading lives here, beside the formats. HTML is read with lxml
only; regular expressions are used on plain strings (URLs, the byline text),
never on markup. The markup shapes are described in `twitter_embed`.
"""

from __future__ import annotations

import copy
import re
import secrets
from typing import Any

import lxml.html
from lxml import etree

from desk.ingest import times
from desk.ingest.base import ParsedItem, Posted, Sample
from desk.ingest.clean import html_to_text
from desk.ingest.formats._twitter import (
    media_from_text,
    profile_url,
    snowflake_time,
    status_from_url,
    status_url,
)
from desk.ingest.values import no_surrogates
from desk.text import clean_line, clean_text

EMBED_CLASSES = ("twitter-tweet", "twitter-video")
# What lxml parses into a tree but refuses when the tree is edited (a tail
# set by `drop_tree`): C0 controls but tab, newline and CR. CSI sequences go
# whole, so no "[31m" is left behind; the text is cleaned again later.
_LXML_REFUSES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# XPath for the embed blockquotes: class is a space-separated token list
# (`twitter-tweet tw-align-center`, `twitter-tweet hidden` ...).
EMBED_XPATH = " | ".join(
    f"//blockquote[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"
    for name in EMBED_CLASSES
)


_HANDLE_IN_PARENS = re.compile(r"\(@(?P<handle>[A-Za-z0-9_]{1,15})\)")


# libxml2 drops text nodes over 10,000,000 bytes unless parsed with huge_tree;
# `elements_text` shields nodes over 1 MB from that (well under the limit).
_HUGE_TEXT = 1_000_000


_HTML_PARSER = lxml.html.HTMLParser(huge_tree=True, remove_comments=True)


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
        url=status_url(handle, tweet_id) if tweet_id else None,
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
    """An HTML fragment or page as an lxml tree; None when there is nothing to parse.

    Lone surrogates become U+FFFD first: lxml silently cuts a text at the first one.
    Control characters go: lxml keeps them in the tree, then raises ValueError
    when the page's furniture is dropped (found by bench/fuzz.py).
    """
    text = _LXML_REFUSES.sub("", no_surrogates(text)).lstrip("\ufeff \t\r\n")
    if text.startswith("<?xml"):
        # The text is already decoded: an `encoding=` declaration would make lxml
        # refuse the str, and could only mislead it.
        end = text.find("?>")
        text = text[end + 2 :] if end >= 0 else ""
    if not text.strip():
        return None
    try:
        root = lxml.html.document_fromstring(text, parser=_HTML_PARSER)
    except (etree.ParserError, ValueError):
        return None
    # Character references (`&#7;`) decode to what lxml then refuses when the
    # tree is edited: cleaned in the tree too (found by bench/fuzz.py).
    for node in root.iter():
        if node.text and _LXML_REFUSES.search(node.text):
            node.text = _LXML_REFUSES.sub("", node.text)
        if node.tail and _LXML_REFUSES.search(node.tail):
            node.tail = _LXML_REFUSES.sub("", node.tail)
    return root


def head_lower(sample: Sample, size: int = 4096) -> str:
    return sample.text[:size].lower()


def is_html_document(sample: Sample) -> bool:
    """A whole HTML document (doctype or `<html>` first), not a fragment."""
    head = head_lower(sample)
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
