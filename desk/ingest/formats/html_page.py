"""A whole HTML page: the article itself, the tweets it embeds, its fact-checks.

Desks save the pages they cover (live blogs, fact-checks, reports). One page
yields several items: the page as a web article (title, author, publication
time, the main text with navigation and boilerplate dropped), each embedded
tweet as its own post linked to the page with `embedded-in`, and each
schema.org ClaimReview in its JSON-LD as a fact-check (read by
`formats/_factcheck.py`, as the `claimreview` format reads it, so a
fact-check is the same alone or in a page; embedded tweets are read by
`formats/_embeds.py`, as the `twitter_embed` format reads them).

Everything is read with lxml; JSON-LD with the json module. Nothing here uses
regular expressions on markup.
"""

from __future__ import annotations

import codecs
import copy
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import lxml.html
from lxml import etree

from db.models import Media
from desk.ingest import charset, times
from desk.ingest.base import ParsedItem, Posted, Ref, Rejected, Sample, Source
from desk.ingest.formats._embeds import (
    elements_text,
    embeds_in,
    is_html_document,
    parse_blockquote,
    parse_fragment,
)
from desk.ingest.formats._factcheck import items_from_jsonld
from desk.ingest.jsondocs import HUGE_NUMBER
from desk.ingest.urls import canonical_url
from desk.text import clean_line, strip_escapes

NAME = "html"

_PARSER = lxml.html.HTMLParser(huge_tree=True, remove_comments=True)  # charset sniffing only
# Boilerplate dropped from the main text.
_DROP = (
    "nav", "header", "footer", "aside", "script", "style", "noscript", "template",
    "form", "button", "select", "svg", "iframe", "object", "embed", "canvas",
)  # fmt: skip
_ARTICLE_TYPES = {
    "NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle", "BlogPosting",
    "LiveBlogPosting", "OpinionNewsArticle", "BackgroundNewsArticle", "ScholarlyArticle",
    "TechArticle", "Report",
}  # fmt: skip
# class/id words of page furniture inside an article (share bars, related links ...).
_FURNITURE = {
    "breadcrumb", "breadcrumbs", "share", "sharing", "social", "related", "sidebar", "comments",
    "comment", "newsletter", "advert", "advertisement", "ads", "subscribe", "cookie", "cookies",
}  # fmt: skip
_HTML_SPACE = re.compile(r"[ \t\n\r\f]{2,}|[\t\n\r\f]")
_SPACE_RUN = re.compile(r" {2,}")
_MAX_JSON_DEPTH = 200


# --- decoding and parsing ----------------------------------------------------


def _declared_charset(data: bytes) -> str | None:
    """The charset a page declares in `<meta>` (read by lxml from the bytes)."""
    try:
        root = lxml.html.document_fromstring(data[:65536], parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None
    for meta in root.iter("meta"):
        value = meta.get("charset")
        if not value and (meta.get("http-equiv") or "").lower() == "content-type":
            content = (meta.get("content") or "").lower()
            if "charset=" in content:
                value = content.split("charset=", 1)[1].split(";")[0]
        if value:
            return value
    return None


def decode_page(data: bytes) -> str:
    """The page as text: BOM, else UTF-8, else its declared charset, else a guess."""
    return charset.decode(data, declared=_declared_charset(data)).text


def parse_document(text: str) -> Any | None:
    """The page as an lxml tree (huge text nodes kept), or None when there is nothing to parse."""
    return parse_fragment(text)


# --- metadata ----------------------------------------------------------------


def _meta(root: Any, *keys: str) -> str | None:
    """The first non-empty `<meta property|name=key content>` among keys."""
    wanted = [k.lower() for k in keys]
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = meta.get("content")
        if key in wanted and content and content.strip() and key not in found:
            found[key] = content
    for key in wanted:
        if key in found:
            return found[key]
    return None


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    if isinstance(kind, str):
        return {kind.rsplit("/", 1)[-1]}
    if isinstance(kind, list):
        return {k.rsplit("/", 1)[-1] for k in kind if isinstance(k, str)}
    return set()


def _walk(obj: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every JSON object in a JSON-LD value (through `@graph`, lists, nesting)."""
    if depth > _MAX_JSON_DEPTH:
        return
    if isinstance(obj, dict):
        yield obj
        for value in obj.values():
            yield from _walk(value, depth + 1)
    elif isinstance(obj, list):
        for value in obj:
            yield from _walk(value, depth + 1)


def _names(value: Any) -> str | None:
    """An author value (string, Person, list of them) as one display string."""
    if isinstance(value, str):
        return clean_line(value) or None
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        names = [n for n in (_names(v) for v in value) if n]
        return ", ".join(dict.fromkeys(names)) or None
    return None


def _first_str(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        for entry in value:
            if isinstance(entry, str):
                return entry
            if isinstance(entry, dict) and isinstance(entry.get("url"), str):
                return str(entry["url"])
    if isinstance(value, dict):
        for key in ("url", "@id"):
            if isinstance(value.get(key), str):
                return str(value[key])
    return None


# --- main text ---------------------------------------------------------------


def _paragraph_weight(element: Any) -> int:
    return sum(len(p.text_content()) for p in element.iter("p"))


def main_element(root: Any) -> Any:
    """The element holding the article: the `<article>`/`<main>` with the most paragraph text.

    Pages often have many `<article>` elements (teaser cards, related
    stories); the one carrying the story is the one with the most text in
    its paragraphs. Without any, the body.
    """
    candidates = root.xpath("//article | //main | //*[@role='main'] | //*[@itemprop='articleBody']")
    best = None
    best_weight = 0
    for element in candidates:
        weight = _paragraph_weight(element)
        if weight > best_weight:
            best, best_weight = element, weight
    if best is not None:
        return best
    body = root.find("body")
    return body if body is not None else root


def _is_furniture(node: Any) -> bool:
    words = " ".join(
        (node.get("class") or "", node.get("id") or "", node.get("role") or "")
    ).lower()
    for sep in "-_":
        words = words.replace(sep, " ")
    return any(word in _FURNITURE for word in words.split()) or node.get("role") in (
        "navigation",
        "complementary",
    )


def main_text(root: Any) -> str:
    """The article's text: paragraphs kept, navigation and boilerplate dropped.

    Source indentation and line breaks are collapsed as a browser would
    (`<pre>` keeps its line breaks), so the stored text is what a reader saw,
    not how the CMS indented it.
    """
    element = copy.deepcopy(main_element(root))
    for node in list(element.iter()):
        if not isinstance(node.tag, str) or node is element or node.getparent() is None:
            continue
        if node.tag.lower() in _DROP or _is_furniture(node):
            node.drop_tree()
    for node in element.iter():
        if not isinstance(node.tag, str) or any(a.tag == "pre" for a in node.iterancestors()):
            continue
        if node.text and node.tag != "pre":
            node.text = _collapse(node.text)
        if node.tail:
            node.tail = _collapse(node.tail)
    lines: list[str] = []
    for line in elements_text([element]).split("\n"):
        line = (_SPACE_RUN.sub(" ", line) if "  " in line else line).strip(" ")
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip()


def _collapse(text: str) -> str:
    """HTML whitespace collapsing: runs of ASCII spaces, tabs and newlines become one space."""
    collapsed = text
    if "  " in text or "\t" in text or "\n" in text or "\r" in text or "\f" in text:
        collapsed = _HTML_SPACE.sub(" ", text)  # the checks above are far cheaper than re
    # lxml refuses control characters in node text; they go now rather than later.
    return collapsed if collapsed.isprintable() else strip_escapes(collapsed)


# --- JSON-LD -----------------------------------------------------------------


def _jsonld_blocks(root: Any) -> list[tuple[int, str]]:
    blocks = []
    for index, script in enumerate(root.xpath("//script[@type]"), start=1):
        if (script.get("type") or "").strip().lower().startswith("application/ld+json"):
            blocks.append((index, script.text or ""))
    return blocks


def _load_jsonld(text: str) -> Any:
    text = text.strip()
    # Some CMSs wrap the block in a CDATA or HTML comment for old browsers.
    for start, end in (("//<![CDATA[", "//]]>"), ("<![CDATA[", "]]>"), ("<!--", "-->")):
        if text.startswith(start) and text.endswith(end):
            text = text[len(start) : -len(end)].strip()
    return json.loads(text, strict=False)  # raw newlines in strings are common


def _has_claimreview(obj: Any) -> bool:
    return any("ClaimReview" in _types(o) for o in _walk(obj))


# --- detect and parse --------------------------------------------------------


def _is_telegram_export(sample: Sample) -> bool:
    head = sample.text[:8192]
    return 'class="page_wrap"' in head and 'class="history"' in head


def detect(sample: Sample) -> int:
    """30 for a whole HTML document: specific formats (Telegram exports) outrank it."""
    if charset.binary(sample.head):
        return 0
    if not is_html_document(sample):
        return 0
    head = sample.text[:4096].lower()
    if "<html" not in head and any(mark in head for mark in ("<rss", "<feed", "<rdf:rdf")):
        return 0  # a feed behind an XHTML doctype
    if _is_telegram_export(sample):
        return 10
    return 30


def _page_item(root: Any, data: bytes, jsonld: list[Any]) -> ParsedItem:
    objects = [o for block in jsonld for o in _walk(block)]
    articles = [o for o in objects if _types(o) & _ARTICLE_TYPES] or [
        o for o in objects if "WebPage" in _types(o)
    ]
    article = articles[0] if articles else {}

    canonical = None
    for link in root.xpath("//link[@href]"):
        if "canonical" in (link.get("rel") or "").lower().split():
            canonical = canonical_url(link.get("href"))
            if canonical:
                break
    og_url = canonical_url(_meta(root, "og:url"))
    url = (
        canonical
        or og_url
        or canonical_url(_first_str(article.get("url")))
        or canonical_url(_first_str(article.get("mainEntityOfPage")))
    )
    if url is None and canonical is None:
        # A relative canonical link, made absolute by og:url.
        for link in root.xpath("//link[@href]"):
            if "canonical" in (link.get("rel") or "").lower().split() and og_url:
                url = canonical_url(link.get("href"), og_url)

    title_node = root.find(".//title")
    title = (
        clean_line(
            _meta(root, "og:title", "twitter:title")
            or (article.get("headline") if isinstance(article.get("headline"), str) else None)
            or (title_node.text_content() if title_node is not None else None)
        )
        or None
    )

    author = clean_line(_meta(root, "author", "byl", "dc.creator")) or _names(article.get("author"))
    if not author:
        meta_author = _meta(root, "article:author")
        if meta_author and canonical_url(meta_author) is None:
            author = clean_line(meta_author) or None

    posted: Posted | None = None
    for value in (
        _meta(
            root,
            "article:published_time",
            "datepublished",
            "date",
            "pubdate",
            "publish-date",
            "dc.date.issued",
        ),
        article.get("datePublished") if isinstance(article.get("datePublished"), str) else None,
    ):
        posted = times.from_text(value)
        if posted is not None:
            break

    html_el = root if root.tag == "html" else root.find(".//html")
    lang = clean_line(html_el.get("lang")) if html_el is not None and html_el.get("lang") else None

    media: list[Media] = []
    image = clean_line(_meta(root, "og:image", "twitter:image"))
    if image.startswith(("https://", "http://")):
        media.append(
            Media(url=image, type="photo", alt=clean_line(_meta(root, "og:image:alt")) or None)
        )

    extra: dict[str, Any] = {}
    for key, value in (
        ("site_name", _meta(root, "og:site_name")),
        ("description", _meta(root, "og:description", "description")),
        ("modified", _meta(root, "article:modified_time", "og:updated_time")),
    ):
        if value and clean_line(value):
            extra[key] = clean_line(value)

    return ParsedItem(
        platform="web",
        kind="article",
        text=main_text(root),
        raw=data,
        platform_id=url or f"sha256:{hashlib.sha256(data).hexdigest()}",
        url=url,
        author_name=author,
        title=title,
        lang=lang or None,
        posted=posted,
        media=tuple(media),
        extra=extra,
        record=1,
    )


def parse(source: Source) -> Iterator[ParsedItem | Rejected]:
    """The page (record 1), then its embedded tweets, then its ClaimReviews.

    A bad JSON-LD block or embed is rejected on its own; the page still goes in.
    """
    data = source.read_bytes()
    if not data.strip():
        yield Rejected(record=1, reason="empty input")
        return
    if charset.binary(data[:65536]) and not data.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        yield Rejected(record=1, reason="binary data (NUL bytes), not an HTML page")
        return
    root = parse_document(decode_page(data).replace("\x00", ""))  # lxml refuses a stray NUL
    if root is None:
        yield Rejected(record=1, reason="not readable as HTML")
        return

    jsonld: list[Any] = []
    bad_blocks: list[tuple[int, str]] = []
    for index, text in _jsonld_blocks(root):
        try:
            jsonld.append(_load_jsonld(text))
        except json.JSONDecodeError as err:
            bad_blocks.append(
                (index, f"JSON-LD block {index}: invalid JSON at line {err.lineno}: {err.msg}")
            )
        except ValueError:  # an integer past 4300 digits (found by bench/fuzz.py)
            bad_blocks.append((index, f"JSON-LD block {index}: invalid JSON: {HUGE_NUMBER}"))
        except RecursionError:
            bad_blocks.append((index, f"JSON-LD block {index}: JSON nested too deeply"))

    page = _page_item(root, data, jsonld)
    yield page
    page_ref = Ref("embedded-in", platform="web", platform_id=page.platform_id, url=page.url)

    record = 1
    for element in embeds_in(root):
        record += 1
        item = parse_blockquote(element)
        if item is None:
            yield Rejected(
                record=record, reason="twitter-tweet blockquote with no text and no status link"
            )
            continue
        yield replace(item, refs=(*item.refs, page_ref), record=record)

    for _index, reason in bad_blocks:
        record += 1
        yield Rejected(record=record, reason=reason)

    reviews = [block for block in jsonld if _has_claimreview(block)]
    if not reviews:
        return
    for block in reviews:
        try:
            found = items_from_jsonld(block, start_record=record + 1)
        except Exception as err:  # one odd block must not lose the page
            record += 1
            yield Rejected(
                record=record, reason=f"ClaimReview JSON-LD unreadable: {type(err).__name__}: {err}"
            )
            continue
        for item in found:
            record = max(record + 1, item.record or 0)
            if isinstance(item, ParsedItem):
                item = replace(item, refs=(*item.refs, page_ref))
            yield item
