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

A ClaimReview object is read in `formats/_factcheck.py` (`items_from_jsonld`),
which `html_page` also calls on the JSON-LD blocks of a page: a fact-check
is the same item alone or in its page.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import lxml.html
from lxml import etree

from desk.ingest.base import ParsedItem, Rejected, Sample, Source
from desk.ingest.clean import html_to_text
from desk.ingest.formats._factcheck import (
    KIND,
    PLATFORM,
    dump,
    earlier_keys,
    http_url,
    items_from_jsonld,
    items_in_page,
    review_date,
    review_posted,
    summary,
)
from desk.ingest.jsondocs import HUGE_NUMBER, load_document
from desk.ingest.values import mapping, string
from desk.text import clean_line

NAME = "claimreview"


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
        except ValueError:  # an integer past 4300 digits (found by bench/fuzz.py)
            rejected.append(
                Rejected(record=block_no, reason=f"JSON-LD block {block_no}: {HUGE_NUMBER}")
            )
            continue
        except RecursionError:
            rejected.append(
                Rejected(record=block_no, reason=f"JSON-LD block {block_no} nested too deeply")
            )
            continue
        for item in items_in_page(
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
            url = http_url(review.get("url"))
            publisher = mapping(review.get("publisher"))
            reviewer = clean_line(string(publisher.get("name")) or string(publisher.get("site")))
            rating = clean_line(string(review.get("textualRating")))
            extra = {
                "claim": claim_text or None,
                "rating": rating or None,
                "reviewer": reviewer or None,
                "claimant": claimant,
                "claim_date": review_date(string(claim.get("claimDate"))),
            }
            items.append(
                ParsedItem(
                    platform=PLATFORM,
                    kind=KIND,
                    text=summary(claim_text, rating, reviewer or None, ""),
                    raw=dump(
                        {
                            **{k: v for k, v in claim.items() if k != "claimReview"},
                            "claimReview": [review],
                        }
                    ),
                    platform_id=url,
                    earlier_keys=earlier_keys(review.get("url")),
                    url=url,
                    author_name=reviewer or None,
                    title=clean_line(string(review.get("title"))) or None,
                    lang=clean_line(string(review.get("languageCode"))) or None,
                    posted=review_posted(string(review.get("reviewDate"))),
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

        url = http_url(value("link"))
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
                text=summary(claim, rating, reviewer, ""),
                raw=dump(binding),
                platform_id=url or clean_line(value("id")) or None,
                earlier_keys=earlier_keys(value("link")),
                url=url,
                author_name=reviewer,
                author_url=http_url(value("sourceURL")),
                posted=review_posted(value("date")),
                extra={k: v for k, v in extra.items() if v not in (None, "", [])},
                record=len(items) + 1,
            )
        )
    return items
