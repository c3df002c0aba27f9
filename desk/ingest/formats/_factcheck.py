"""schema.org ClaimReview JSON-LD as fact-check items, wherever the JSON-LD stands.

A fact-check arrives as a JSON-LD file (`claimreview`) or inside the page
that publishes it (`html_page` finds the page's JSON-LD blocks); either way
it must be the same item, so the reading of a ClaimReview object lives here,
beside the formats. `items_from_jsonld` never raises on odd JSON-LD and
returns only items.

A fact-check links (`reviews`) to the posts it reviews by URL, so it
connects to them whichever arrives first; a tweet's appearance is linked by
its id too, so any spelling of a tweet's URL finds it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from desk.ingest.base import ParsedItem, Posted, Ref
from desk.ingest.clean import html_to_text
from desk.ingest.formats._twitter import PLATFORM as TWITTER
from desk.ingest.formats._twitter import status_from_url, status_url
from desk.ingest.jsondocs import record_bytes
from desk.ingest.times import from_text
from desk.ingest.urls import canonical_url, former_spelling
from desk.ingest.values import first_dict, string
from desk.text import clean_line, clean_text

PLATFORM = "factcheck"

KIND = "fact-check"


MAX_DEPTH = 64  # JSON-LD deeper than this is not walked (no recursion blow-ups)


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
    return items_in_page(
        obj, raw_for=raw_for, start_record=start_record, page_url=None, page_title=None
    )


def items_in_page(
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
            raw = raw_for(review) if raw_for is not None else dump(review)
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
    url = http_url(review.get("url")) or http_url(review.get("@id")) or http_url(page_url)
    # A JSON-LD `@id` names the review node, not a page: it is kept as given
    # (`https://check.example/#review1` and `#review2` are two fact-checks).
    node = clean_line(string(review.get("@id")))
    web_node = node if node.lower().startswith(("http://", "https://")) else None
    platform_id = http_url(review.get("url")) or web_node or http_url(page_url) or node or None
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
        "claim_date": review_date(string(item_reviewed.get("datePublished"))),
        "appearances": appearances,
    }
    return ParsedItem(
        platform=PLATFORM,
        kind=KIND,
        text=summary(claim, rating_name, reviewer, description),
        raw=raw,
        platform_id=platform_id,
        earlier_keys=earlier_keys(review.get("url"), review.get("@id"), page_url),
        url=url,
        author_name=reviewer,
        author_url=reviewer_url,
        title=title or page_title,
        lang=_language(review.get("inLanguage")),
        posted=review_posted(string(review.get("datePublished"))),
        refs=tuple(_review_refs(appearances)),
        extra={k: v for k, v in extra.items() if v not in (None, "", [])},
        record=record,
    )


def summary(claim: str, rating: str, reviewer: str | None, description: str) -> str:
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
            url = http_url(value.get("url") if isinstance(value, dict) else value)
            if url and url not in urls:
                urls.append(url)
    return urls


def _review_refs(appearances: list[str]) -> Iterator[Ref]:
    """A `reviews` link per appearance; tweets also by id, so any tweet URL form matches."""
    for url in appearances:
        tweet = status_from_url(url)
        if tweet is not None and tweet[0]:
            handle, tweet_id = tweet
            yield Ref(
                "reviews",
                platform=TWITTER,
                platform_id=tweet_id,
                url=status_url(handle, tweet_id),
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
        for given in raw_name if isinstance(raw_name, list) else [raw_name]:
            name = clean_line(string(given))
            if name and name not in names:
                names.append(name)
        url = url or http_url(party.get("url"))
    return (", ".join(names) or None), url


def review_posted(value: str) -> Posted | None:
    """datePublished at the precision it is written: `2020` a year, `2020-06` a
    month, a bare date a day, `2020-06-24 00:03` a minute with no zone
    (`times.from_text`, which never completes a date from the clock)."""
    return from_text(value)


def review_date(value: str) -> str | None:
    posted = review_posted(value)
    return posted.at if posted else None


def _language(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    return clean_line(string(value)) or None


def http_url(value: Any) -> str | None:
    """The canonical http(s) URL of a value (`urls.canonical_url`), else None."""
    return canonical_url(string(value))


def earlier_keys(*values: Any) -> tuple[tuple[str | None, str | None], ...]:
    """The (platform id, url) a fact-check had before issue 12, keyed by its first URL.

    Its platform id is its URL, so a stored fact-check whose URL was spelled
    the former way (`urls.former_spelling`) is found under that spelling.
    """
    for value in values:
        url = http_url(value)
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


def dump(value: Any) -> bytes:
    return record_bytes(value)
