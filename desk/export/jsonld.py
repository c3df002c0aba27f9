"""schema.org JSON-LD: the story as a `LiveBlogPosting`, each finding as a `ClaimReview`.

`liveblog(pub)` is a `LiveBlogPosting` (headline, `coverageStartTime`: when
the desk opened the story, `dateModified`: the time of the desk's chain
head, i.e. of the last change the page shows) with one `liveBlogUpdate`
`BlogPosting` per recap entry and per kept post.

`claim_reviews(pub)` is one `ClaimReview` per kept post whose verdict is a
finding (verified, false, misleading, unverifiable; not unverified or in
progress), with `claimReviewed` (the post's words), `itemReviewed` (a
`Claim` with its `author`, `datePublished` and `appearance`: the post's
URL), `reviewRating` (`alternateName` is the verdict as readers see it,
`ratingValue` its place on the 1 to 5 truthfulness scale fact-checkers use,
with `bestRating` 5 and `worstRating` 1), `author` (the publisher),
`datePublished` (the export: when the review is published) and `url` (the
review's place on the page: `PAGE#item-UUID`, a relative `#item-UUID` when
no page URL was given, which a page embedding it resolves).

The chain head is in `identifier`: three `PropertyValue`s named
`desk-head-seq`, `desk-head-hash` and `desk-head-at` (on the
LiveBlogPosting and on every ClaimReview), since schema.org has no property
for it and `identifier` is how a CreativeWork names such ids.

`to_json` writes JSON that can sit inside an HTML `<script>`: `<`, `>` and
`&` are `\\u` escapes, so no `</script>` or `<!--` in a post can end or
change the element.
"""

from __future__ import annotations

import json
from typing import Any

from desk.export.collect import ChainHead, PubEntry, PubItem, Publication
from desk.export.common import (
    REVIEWED_VERDICTS,
    display_name,
    headline_of,
    one_line,
    safe_url,
    schema_date,
)

CONTEXT = "https://schema.org"

RATING_VALUES: dict[str, int] = {"false": 1, "misleading": 2, "unverifiable": 3, "verified": 5}
"""A verdict's place on the 1 (false) to 5 (true) scale ClaimReview ratings use.

Misleading is "mostly false" (2); unverifiable sits at the midpoint (3),
neither shown true nor false. Readers see `alternateName`, never the number.
"""
BEST_RATING = 5
WORST_RATING = 1

JsonObject = dict[str, Any]


def anchor(item_or_entry: PubItem | PubEntry) -> str:
    """The page's anchor for a post (`item-UUID`) or a recap entry (`entry-UUID`)."""
    kind = "item" if isinstance(item_or_entry, PubItem) else "entry"
    return f"{kind}-{item_or_entry.uuid}"


def page_ref(pub: Publication, fragment: str) -> str:
    """`PAGE#fragment`, or `#fragment` when the page's address is not known."""
    base = safe_url(pub.page_url) or ""
    return f"{base.split('#')[0]}#{fragment}"


def chain_identifier(head: ChainHead) -> list[JsonObject]:
    """The desk's chain head as `identifier` values."""
    return [
        {"@type": "PropertyValue", "propertyID": "desk-head-seq", "value": head.seq},
        {"@type": "PropertyValue", "propertyID": "desk-head-hash", "value": head.hash},
        {"@type": "PropertyValue", "propertyID": "desk-head-at", "value": head.at or ""},
    ]


def person(item: PubItem) -> JsonObject:
    """Who posted it: a `Person` with the name, the handle as `alternateName`, the profile."""
    out: JsonObject = {"@type": "Person", "name": display_name(item)}
    if item.author_handle:
        out["alternateName"] = "@" + item.author_handle
    profile = safe_url(item.author_url)
    if profile:
        out["url"] = profile
    return out


def publisher(pub: Publication) -> JsonObject:
    return {"@type": "Organization", "name": pub.publisher}


def item_update(pub: Publication, item: PubItem) -> JsonObject:
    """A kept post as a `BlogPosting` update, sharing the post itself."""
    out: JsonObject = {
        "@type": "BlogPosting",
        "@id": page_ref(pub, anchor(item)),
        "headline": headline_of(item),
        "articleBody": item.text,
        "author": person(item),
    }
    published = schema_date(item.posted_at, item.posted_precision)
    if published:
        out["datePublished"] = published
    url = safe_url(item.url)
    if url:
        out["url"] = url
        out["sharedContent"] = {"@type": "SocialMediaPosting", "url": url}
    if item.lang:
        out["inLanguage"] = item.lang
    return out


def entry_update(pub: Publication, entry: PubEntry) -> JsonObject:
    """A recap entry as a `BlogPosting` update; its date's interval as `temporalCoverage`."""
    out: JsonObject = {
        "@type": "BlogPosting",
        "@id": page_ref(pub, anchor(entry)),
        "headline": entry.headline,
        "articleSection": entry.section,
        "author": publisher(pub),
    }
    if entry.body:
        out["articleBody"] = entry.body
    if entry.created_at:
        out["datePublished"] = entry.created_at
    coverage = entry.date_edtf or _interval(entry.date_start, entry.date_end)
    if coverage:
        out["temporalCoverage"] = coverage
    if entry.date_text:
        out["alternativeHeadline"] = entry.date_text
    sources = [safe_url(s.url) for s in entry.sources]
    if any(sources):
        out["citation"] = [u for u in sources if u]
    return out


def _interval(start: str | None, end: str | None) -> str | None:
    """ISO 8601 interval (`start/end`, `..` for an open end), as schema.org's temporalCoverage."""
    if not start and not end:
        return None
    if start == end:
        return start
    return f"{start or '..'}/{end or '..'}"


def liveblog(pub: Publication) -> JsonObject:
    """The `LiveBlogPosting` of the story."""
    updates = [entry_update(pub, e) for e in pub.entries]
    updates += [item_update(pub, i) for i in reversed(pub.items)]  # newest post first
    out: JsonObject = {
        "@context": CONTEXT,
        "@type": "LiveBlogPosting",
        "@id": page_ref(pub, "story-" + pub.story.uuid),
        "headline": pub.story.title,
        "coverageStartTime": pub.story.created_at,
        "dateModified": pub.head.at or pub.exported_at,
        "publisher": publisher(pub),
        "identifier": chain_identifier(pub.head),
        "liveBlogUpdate": updates,
    }
    url = safe_url(pub.page_url)
    if url:
        out["url"] = url
    return out


def reviewed(pub: Publication) -> list[PubItem]:
    """The kept posts whose verdict is a finding: those a ClaimReview is written for."""
    return [i for i in pub.items if i.verdict_meaning in REVIEWED_VERDICTS and i.text]


def claim_review(pub: Publication, item: PubItem) -> JsonObject:
    """The `ClaimReview` of one post."""
    claim: JsonObject = {"@type": "Claim", "author": person(item)}
    published = schema_date(item.posted_at, item.posted_precision)
    if published:
        claim["datePublished"] = published
    url = safe_url(item.url)
    if url:
        claim["appearance"] = {"@type": "SocialMediaPosting", "url": url}
        claim["firstAppearance"] = {"@type": "SocialMediaPosting", "url": url}
    rating: JsonObject = {
        "@type": "Rating",
        "ratingValue": RATING_VALUES[item.verdict_meaning],
        "bestRating": BEST_RATING,
        "worstRating": WORST_RATING,
        "alternateName": item.verdict_label,
    }
    out: JsonObject = {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "@id": page_ref(pub, "review-" + item.uuid),
        "url": page_ref(pub, anchor(item)),
        "claimReviewed": one_line(item.text, 500),
        "itemReviewed": claim,
        "reviewRating": rating,
        "author": publisher(pub),
        "datePublished": pub.exported_at[:10],
        "identifier": chain_identifier(pub.head),
    }
    if item.verdict_reason:
        out["reviewBody"] = item.verdict_reason
    return out


def claim_reviews(pub: Publication) -> list[JsonObject]:
    return [claim_review(pub, i) for i in reviewed(pub)]


def to_json(value: Any, *, indent: int | None = 2) -> str:
    """JSON safe to embed in HTML: `<`, `>`, `&` escaped, so `</script>` cannot appear."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_liveblog(pub: Publication) -> str:
    return to_json(liveblog(pub)) + "\n"


def render_claimreview(pub: Publication) -> str:
    return to_json(claim_reviews(pub)) + "\n"
