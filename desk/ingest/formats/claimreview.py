"""schema.org ClaimReview (fact-checks) from JSON-LD and the API shapes that carry it.

A fact-check is an item of its own on the desk: it carries the claim, the
rating and the reviewer, and links (`reviews`) to the posts it reviews, so a
fact-check arriving before or after the post connects to it by URL.

Read here:

- JSON-LD: one object, an array, an `@graph`, or a ClaimReview nested
  anywhere (a `DataFeedItem`'s `item`, a WordPress API's `data` list ...);
  every object whose `@type` is ClaimReview becomes one item.
- A stored page `{"url": ..., "page": "<html>..."}` (the Meedan fetch
  fixtures): the page's `<script type="application/ld+json">` blocks are
  read with lxml and then as JSON-LD.
- The Google Fact Check Tools API claim shape (`text`, `claimant`,
  `claimReview[{publisher, url, title, reviewDate, textualRating}]`).
- ClaimsKG (GESIS) SPARQL JSON bindings (`ratingName`, `text`, `link` ...).

Other helpers call `items_from_jsonld` on JSON-LD blocks they find in HTML
pages; it never raises on odd JSON-LD and returns only items.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import lxml.html
from dateutil import parser as dateparser
from lxml import etree

from desk.ingest.base import ParsedItem, Posted, Ref, Rejected, Sample, Source
from desk.ingest.clean import html_to_text
from desk.ingest.jsondocs import load_document
from desk.ingest.times import from_text
from desk.ingest.urls import canonical_url, former_spelling
from desk.ingest.values import first_dict, mapping, string
from desk.text import clean_line, clean_text

NAME = "claimreview"
PLATFORM = "factcheck"
KIND = "fact-check"

MAX_DEPTH = 64  # JSON-LD deeper than this is not walked (no recursion blow-ups)
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2]))?$")
_DATE_ONLY = re.compile(r"^\s*\d{4}-\d{2}-\d{2}\s*$")
_NO_SECONDS = re.compile(r"^\s*\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}\s*$")
_TWEET_URL = re.compile(
    r"^https?://(?:www\.|mobile\.|m\.)?(?:twitter|x)\.com/([A-Za-z0-9_]{1,15})/status(?:es)?/(\d+)",
    re.IGNORECASE,
)


# ---------------------------------------------------------------- detect


def detect(sample: Sample) -> int:
    """JSON that names ClaimReview, a stored page carrying JSON-LD, or a fact-check API shape."""
    if not sample.looks_json:
        return 0
    text = sample.text
    if "ClaimReview" in text and ("schema.org" in text or '"@type"' in text):
        return 90
    if '"claimReview"' in text and ('"textualRating"' in text or '"reviewDate"' in text):
        return 90
    if '"ratingName"' in text and ("claimskg" in text or '"truthRating"' in text):
        return 85
    if _is_stored_page_head(text) and "ld+json" in text:
        return 50  # the ClaimReview may sit beyond the sample
    return 0


def _is_stored_page_head(text: str) -> bool:
    return text.startswith("{") and '"page":"<' in text.replace(" ", "")[:4096]


# ---------------------------------------------------------------- parse


def parse(source: Source) -> Iterator[ParsedItem | Rejected]:
    """Fact-check items of one JSON document, in document order."""
    data = source.read_bytes()
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        yield Rejected(record=None, reason="empty file")
        return
    doc = load_document(data)
    if isinstance(doc, Rejected):
        yield doc
        return

    if isinstance(doc, dict) and isinstance(doc.get("page"), str):
        yield from _stored_page(doc)
        return
    items = items_from_jsonld(doc)
    if not items:
        items = _google_items(doc) or _claimskg_items(doc)
    if not items:
        yield Rejected(record=None, reason="no ClaimReview found in the document")
        return
    yield from items


def _stored_page(doc: dict[str, Any]) -> Iterator[ParsedItem | Rejected]:
    """`{"url", "page"}`: the JSON-LD blocks of the stored HTML page."""
    page_url = string(doc.get("url")) or None
    try:
        root = lxml.html.document_fromstring(doc["page"])
    except (etree.ParserError, ValueError) as exc:
        yield Rejected(record=None, reason=f"stored page is not readable HTML: {exc}")
        return
    og_title = root.xpath("//meta[@property='og:title']/@content")
    html_title = root.xpath("//title")
    page_title = clean_line(
        og_title[0] if og_title else html_title[0].text_content() if html_title else ""
    )
    found = 0
    rejected: list[Rejected] = []
    for block_no, script in enumerate(
        root.xpath("//script[translate(@type, 'LDJSON', 'ldjson')='application/ld+json']"),
        start=1,
    ):
        try:
            block = json.loads(script.text or "", strict=False)
        except json.JSONDecodeError as exc:
            rejected.append(
                Rejected(record=block_no, reason=f"JSON-LD block {block_no}: {exc.msg}")
            )
            continue
        except RecursionError:
            rejected.append(
                Rejected(record=block_no, reason=f"JSON-LD block {block_no} nested too deeply")
            )
            continue
        for item in _items_from_jsonld(
            block,
            raw_for=None,
            start_record=found + 1,
            page_url=page_url,
            page_title=page_title or None,
        ):
            found += 1
            yield item
    if not found:
        yield from rejected
        yield Rejected(record=None, reason="no ClaimReview JSON-LD in the stored page")


def items_from_jsonld(
    obj: Any,
    *,
    raw_for: Callable[[Any], bytes] | None = None,
    start_record: int = 1,
) -> list[ParsedItem]:
    """Every ClaimReview in a parsed JSON-LD value, as fact-check items.

    For other formats that find JSON-LD blocks (an HTML page helper):
    `raw_for(review)` gives the evidentiary bytes of one ClaimReview object
    (default: its canonical JSON dump); `start_record` numbers the items.
    Odd or partial JSON-LD never raises: what cannot be read is left out.
    """
    return _items_from_jsonld(
        obj, raw_for=raw_for, start_record=start_record, page_url=None, page_title=None
    )


def _items_from_jsonld(
    obj: Any,
    *,
    raw_for: Callable[[Any], bytes] | None,
    start_record: int,
    page_url: str | None,
    page_title: str | None,
) -> list[ParsedItem]:
    """`items_from_jsonld`, with the page's URL and title for reviews that give none."""
    items: list[ParsedItem] = []
    for review in _find_reviews(obj):
        try:
            raw = raw_for(review) if raw_for is not None else _dump(review)
            record = start_record + len(items)
            items.append(_review_item(review, raw, record, page_url, page_title))
        except (TypeError, ValueError, AttributeError, RecursionError):
            continue
    return items


def _find_reviews(obj: Any) -> Iterator[dict[str, Any]]:
    """ClaimReview objects anywhere in the value, outermost first, bounded depth."""
    stack: list[tuple[Any, int]] = [(obj, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            continue
        if isinstance(value, dict):
            if _is_review(value):
                yield value
                continue
            stack.extend((v, depth + 1) for v in reversed(list(value.values())))
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in reversed(value))


def _is_review(value: dict[str, Any]) -> bool:
    types = value.get("@type")
    names = types if isinstance(types, list) else [types]
    for name in names:
        if isinstance(name, str) and name.rsplit("/", 1)[-1].rsplit(":", 1)[-1] == "ClaimReview":
            return True
    return False


def _review_item(
    review: dict[str, Any],
    raw: bytes,
    record: int,
    page_url: str | None,
    page_title: str | None,
) -> ParsedItem:
    url = _http_url(review.get("url")) or _http_url(review.get("@id")) or _http_url(page_url)
    # A JSON-LD `@id` names the review node, not a page: it is kept as given
    # (`https://check.example/#review1` and `#review2` are two fact-checks).
    node = clean_line(string(review.get("@id")))
    web_node = node if node.lower().startswith(("http://", "https://")) else None
    platform_id = _http_url(review.get("url")) or web_node or _http_url(page_url) or node or None
    claim = html_to_text(string(review.get("claimReviewed")))
    rating = first_dict(review.get("reviewRating"))
    rating_name = clean_line(string(rating.get("alternateName")) or string(rating.get("name")))
    reviewer, reviewer_url = _party(review.get("author"))
    if not reviewer:
        reviewer, reviewer_url = _party(review.get("publisher"))
    title = clean_line(
        string(review.get("headline")) or string(review.get("name")) or string(review.get("title"))
    )
    description = html_to_text(
        string(review.get("description"))
        or string(review.get("reviewBody"))
        or string(review.get("subtitle"))
    )
    item_reviewed = first_dict(review.get("itemReviewed"))
    claimant, _ = _party(item_reviewed.get("author"))
    appearances = _appearances(item_reviewed)

    extra: dict[str, Any] = {
        "claim": claim or None,
        "rating": rating_name or None,
        "rating_value": _scalar(rating.get("ratingValue")),
        "best_rating": _scalar(rating.get("bestRating")),
        "worst_rating": _scalar(rating.get("worstRating")),
        "reviewer": reviewer,
        "claimant": claimant,
        "claim_date": _date(string(item_reviewed.get("datePublished"))),
        "appearances": appearances,
    }
    return ParsedItem(
        platform=PLATFORM,
        kind=KIND,
        text=_summary(claim, rating_name, reviewer, description),
        raw=raw,
        platform_id=platform_id,
        earlier_keys=_earlier_keys(review.get("url"), review.get("@id"), page_url),
        url=url,
        author_name=reviewer,
        author_url=reviewer_url,
        title=title or page_title,
        lang=_language(review.get("inLanguage")),
        posted=_posted(string(review.get("datePublished"))),
        refs=tuple(_review_refs(appearances)),
        extra={k: v for k, v in extra.items() if v not in (None, "", [])},
        record=record,
    )


def _summary(claim: str, rating: str, reviewer: str | None, description: str) -> str:
    """`Claim: …\\nRating: …\\nBy: …` then the description: readable in a list row."""
    lines = []
    if claim:
        lines.append(f"Claim: {claim}")
    if rating:
        lines.append(f"Rating: {rating}")
    if reviewer:
        lines.append(f"By: {reviewer}")
    text = "\n".join(lines)
    if description and description != claim:
        text = f"{text}\n\n{description}" if text else description
    return clean_text(text)


def _appearances(item_reviewed: dict[str, Any]) -> list[str]:
    """URLs where the reviewed claim was seen: appearance, firstAppearance, url, sameAs."""
    urls: list[str] = []
    for key in ("appearance", "firstAppearance", "url", "sameAs"):
        values = item_reviewed.get(key)
        for value in values if isinstance(values, list) else [values]:
            url = _http_url(value.get("url") if isinstance(value, dict) else value)
            if url and url not in urls:
                urls.append(url)
    return urls


def _review_refs(appearances: list[str]) -> Iterator[Ref]:
    """A `reviews` link per appearance; tweets also by id, so any tweet URL form matches."""
    for url in appearances:
        tweet = _TWEET_URL.match(url)
        if tweet:
            handle, tweet_id = tweet.groups()
            yield Ref(
                "reviews",
                platform="twitter",
                platform_id=tweet_id,
                url=f"https://twitter.com/{handle}/status/{tweet_id}",
            )
        else:
            yield Ref("reviews", url=url)


def _party(value: Any) -> tuple[str | None, str | None]:
    """Name and URL of an author/publisher (object, list of them, or a bare string)."""
    names: list[str] = []
    url: str | None = None
    for party in value if isinstance(value, list) else [value]:
        if isinstance(party, str):
            name = clean_line(party)
            if name and name not in names:
                names.append(name)
            continue
        if not isinstance(party, dict):
            continue
        raw_name = party.get("name")
        for name in raw_name if isinstance(raw_name, list) else [raw_name]:
            name = clean_line(string(name))
            if name and name not in names:
                names.append(name)
        url = url or _http_url(party.get("url"))
    return (", ".join(names) or None), url


def _posted(value: str) -> Posted | None:
    """datePublished: a bare date is day precision; `2020-06-24 00:03` has no zone."""
    value = value.strip()
    if not value:
        return None
    partial = _PARTIAL_DATE.match(value)
    if partial:  # "2020" or "2020-06": say so rather than invent a day
        year, month = partial.groups()
        precision = "month" if month else "year"
        return Posted(f"{year}-{month or '01'}-01T00:00:00Z", precision, False)
    if not _complete_date(value):
        return None
    if _DATE_ONLY.match(value):
        day = from_text(value, precision="day")
        return Posted(day.at, "day", False) if day else None
    precision = "minute" if _NO_SECONDS.match(value) else "second"
    return from_text(value, precision=precision)


def _complete_date(value: str) -> bool:
    """True when the string gives a whole date: dateutil would fill any gap from today."""
    try:
        one = dateparser.parse(value, default=datetime(2000, 1, 1))
        two = dateparser.parse(value, default=datetime(2001, 2, 2))
    except (ValueError, OverflowError, TypeError):
        return False
    return one is not None and two is not None and one.date() == two.date()


def _date(value: str) -> str | None:
    posted = _posted(value)
    return posted.at if posted else None


def _language(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    return clean_line(string(value)) or None


def _http_url(value: Any) -> str | None:
    """The canonical http(s) URL of a value (`urls.canonical_url`), else None."""
    return canonical_url(string(value))


def _earlier_keys(*values: Any) -> tuple[tuple[str | None, str | None], ...]:
    """The (platform id, url) a fact-check had before issue 12, keyed by its first URL.

    Its platform id is its URL, so a stored fact-check whose URL was spelled
    the former way (`urls.former_spelling`) is found under that spelling.
    """
    for value in values:
        url = _http_url(value)
        if url is not None:
            former = former_spelling(string(value), reader="claimreview")
            return ((former, former),) if former and former != url else ()
    return ()


def _scalar(value: Any) -> str | int | float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return value
    return clean_line(string(value)) or None


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True).encode()


# ---------------------------------------------------------------- other shapes


def _google_items(doc: Any) -> list[ParsedItem]:
    """Google Fact Check Tools `claims:search` claims (or a response holding `claims`)."""
    claims = doc.get("claims") if isinstance(doc, dict) and "claims" in doc else doc
    claims = claims if isinstance(claims, list) else [claims]
    items: list[ParsedItem] = []
    for claim in claims:
        if not isinstance(claim, dict) or not isinstance(claim.get("claimReview"), list):
            continue
        claim_text = html_to_text(string(claim.get("text")))
        claimant = clean_line(string(claim.get("claimant"))) or None
        for review in claim["claimReview"]:
            if not isinstance(review, dict):
                continue
            url = _http_url(review.get("url"))
            publisher = mapping(review.get("publisher"))
            reviewer = clean_line(string(publisher.get("name")) or string(publisher.get("site")))
            rating = clean_line(string(review.get("textualRating")))
            extra = {
                "claim": claim_text or None,
                "rating": rating or None,
                "reviewer": reviewer or None,
                "claimant": claimant,
                "claim_date": _date(string(claim.get("claimDate"))),
            }
            items.append(
                ParsedItem(
                    platform=PLATFORM,
                    kind=KIND,
                    text=_summary(claim_text, rating, reviewer or None, ""),
                    raw=_dump(
                        {
                            **{k: v for k, v in claim.items() if k != "claimReview"},
                            "claimReview": [review],
                        }
                    ),
                    platform_id=url,
                    earlier_keys=_earlier_keys(review.get("url")),
                    url=url,
                    author_name=reviewer or None,
                    title=clean_line(string(review.get("title"))) or None,
                    lang=clean_line(string(review.get("languageCode"))) or None,
                    posted=_posted(string(review.get("reviewDate"))),
                    extra={k: v for k, v in extra.items() if v not in (None, "", [])},
                    record=len(items) + 1,
                )
            )
    return items


def _claimskg_items(doc: Any) -> list[ParsedItem]:
    """ClaimsKG (GESIS) SPARQL JSON: `{"content": binding}` or `results.bindings`."""
    if isinstance(doc, dict) and isinstance(doc.get("content"), dict):
        bindings = [doc["content"]]
    elif isinstance(doc, dict) and isinstance(doc.get("results"), dict):
        found = doc["results"].get("bindings")
        bindings = found if isinstance(found, list) else []
    else:
        return []
    items: list[ParsedItem] = []
    for binding in bindings:
        if not isinstance(binding, dict) or "ratingName" not in binding:
            continue

        def value(key: str, binding: dict[str, Any] = binding) -> str:
            cell = binding.get(key)
            return string(cell.get("value")) if isinstance(cell, dict) else string(cell)

        url = _http_url(value("link"))
        claim = html_to_text(value("text"))
        rating = clean_line(value("ratingName"))
        reviewer = clean_line(value("source")) or None
        keywords = [clean_line(k) for k in value("keywords").split(",") if clean_line(k)]
        extra = {
            "claim": claim or None,
            "rating": rating or None,
            "rating_value": clean_line(value("truthRating")) or None,
            "reviewer": reviewer,
            "claimant": clean_line(value("author")) or None,
            "language": clean_line(value("language")) or None,
            "keywords": keywords,
            "claimskg_id": clean_line(value("id")) or None,
        }
        items.append(
            ParsedItem(
                platform=PLATFORM,
                kind=KIND,
                text=_summary(claim, rating, reviewer, ""),
                raw=_dump(binding),
                platform_id=url or clean_line(value("id")) or None,
                earlier_keys=_earlier_keys(value("link")),
                url=url,
                author_name=reviewer,
                author_url=_http_url(value("sourceURL")),
                posted=_posted(value("date")),
                extra={k: v for k, v in extra.items() if v not in (None, "", [])},
                record=len(items) + 1,
            )
        )
    return items
