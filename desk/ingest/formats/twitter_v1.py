"""X/Twitter API v1.1 statuses: single Tweet objects, timelines and search results.

What this reads (by content, never by file name):

- one status object (`statuses/show`, `statuses/update`, `statuses/retweet` …);
- an array of statuses (home / user / mentions timelines, `statuses/retweets`);
- search results `{"statuses": [...], "search_metadata": {...}}`;
- twarc (v1) style JSON Lines, one status per line, streamed; stream notices
  (`{"delete": …}`, `{"limit": …}`) on such lines are rejected with a reason.

A whole array or search result is walked one status at a time
(`desk/ingest/jsonwalk.py`): memory stays bounded at 1M statuses, and the
items, raw bytes and messages are those of reading the file whole.

Why it is shaped this way:

- The record number is the 1-based index of the status in the array (or the
  line number in JSON Lines). The raw bytes of a status are cut out of the
  file exactly when they can be (array elements, lines, a single-object file);
  a nested `retweeted_status` / `quoted_status` gets a canonical JSON dump of
  its own object.
- A retweet yields the original too (`repost-of`), a quote yields the quoted
  status when it is present in full (`quotes`), a reply refs its parent
  (`reply-to`). Nested originals already yielded from the same file are not
  yielded again (the pipeline would only count them as duplicates).
- Text: `extended_tweet.full_text` > `full_text` > `text`; the `&amp;` `&lt;`
  `&gt;` entities Twitter puts in text are decoded, t.co links are replaced by
  the URL they stand for (media links by their `pic.twitter.com/…` form) so
  the stored plain text reads like the post. Everything goes through
  `clean_text` / `clean_line`.

The helpers every Twitter reader shares (canonical tweet URLs, t.co
expansion, ids, times) are in `formats/_twitter.py`, and the JSON / JSON
Lines reader with its byte spans and salvage in `desk/ingest/jsondocs.py`,
so the same tweet read from v1.1, v2, CSV or an embed gets the same URL,
text and ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from db.models import Media
from desk.ingest.base import SAMPLE_BYTES, ParsedItem, Ref, Rejected, Sample, Source
from desk.ingest.clean import html_to_text
from desk.ingest.formats._twitter import (
    PLATFORM,
    STATUS_PATH,
    SeenIds,
    at_line,
    best_video_url,
    canonical_raw,
    canonical_status_url,
    clean_handle,
    lang_code,
    metrics,
    profile_url,
    safe_url,
    status_ref,
    status_url,
    tweet_id,
    tweet_text,
    tweet_time,
)
from desk.ingest.jsondocs import (
    INVALID,
    NOT_PARSED,
    STREAM_FALLBACK_LIMIT,
    BrokenDocument,
    JsonValue,
    array_spans,
    is_vcr_cassette,
    member_start,
    read_json,
    salvage,
    sample_json,
    streams_as_array,
)
from desk.ingest.jsonwalk import WalkError, elements_at, open_walk
from desk.ingest.values import mapping
from desk.text import clean_line, clean_text

NAME = "twitter-v1"


# --------------------------------------------------------------------------
# v1.1 detection
# --------------------------------------------------------------------------

_V1_CREATED = re.compile(
    r'"created_at"\s*:\s*"[A-Z][a-z]{2} [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d [+-]\d{4} \d{4}"'
)


def is_status(value: Any) -> bool:
    """A v1.1 Tweet object: an id, text and a user object."""
    if not isinstance(value, dict):
        return False
    has_id = tweet_id(value.get("id_str")) is not None or tweet_id(value.get("id")) is not None
    has_text = isinstance(value.get("text"), str) or isinstance(value.get("full_text"), str)
    # `trim_user=true` answers carry only the user's id: still a status.
    user = value.get("user")
    return (
        has_id and has_text and isinstance(user, dict) and ("screen_name" in user or "id" in user)
    )


def _score(value: Any) -> int:
    if isinstance(value, dict):
        statuses = value.get("statuses")
        if isinstance(statuses, list) and (
            "search_metadata" in value or (statuses and is_status(statuses[0]))
        ):
            return 95
        if is_status(value):
            return 95
        if isinstance(value.get("delete"), dict) and "status" in value["delete"]:
            return 40
        errors = value.get("errors")
        if (
            isinstance(errors, list)
            and errors
            and isinstance(errors[0], dict)
            and "code" in errors[0]
            and "message" in errors[0]
            and "data" not in value
        ):
            return 40
        return 0
    if isinstance(value, list):
        if not value:
            return 1  # an empty array: claimed last, it holds nothing to lose
        return 95 if is_status(value[0]) else 0
    return 0


def detect(sample: Sample) -> int:
    """v1.1 statuses by shape; for samples too big to parse, by v1.1 signals."""
    if not sample.looks_json or is_vcr_cassette(sample.text):
        return 0
    value = sample_json(sample)
    if value is not NOT_PARSED:
        return _score(value)
    head = sample.text[:SAMPLE_BYTES]
    if (
        _V1_CREATED.search(head)
        and '"id_str"' in head
        and '"screen_name"' in head
        and re.search(r'"user"\s*:\s*\{', head)
    ):
        return 90
    return 0


# --------------------------------------------------------------------------
# v1.1 parsing
# --------------------------------------------------------------------------

_STATUS_COUNTS = ("retweet_count", "favorite_count", "reply_count", "quote_count")


def _media(entities: dict[str, Any], extended: dict[str, Any]) -> list[dict[str, Any]]:
    found = extended.get("media") if isinstance(extended, dict) else None
    if not isinstance(found, list) or not found:
        found = entities.get("media") if isinstance(entities, dict) else None
    return [m for m in found or [] if isinstance(m, dict)]


def _media_items(media: list[dict[str, Any]]) -> tuple[Media, ...]:
    out: list[Media] = []
    for entry in media:
        kind = clean_line(entry.get("type")) or "photo"
        url = None
        if kind in ("video", "animated_gif"):
            info = entry.get("video_info")
            url = best_video_url(info.get("variants") if isinstance(info, dict) else None)
        url = (
            safe_url(url)
            or safe_url(entry.get("media_url_https"))
            or safe_url(entry.get("media_url"))
        )
        if not url:
            continue
        alt = (
            clean_text(entry.get("ext_alt_text"))
            if isinstance(entry.get("ext_alt_text"), str)
            else ""
        )
        out.append(Media(url=url, type=kind, alt=alt or None))
    return tuple(out)


def status_item(
    status: dict[str, Any], record: int, raw: bytes, note: str | None = None
) -> ParsedItem:
    """One v1.1 status as a ParsedItem (no nested items: see `_status_items`)."""
    status_id = tweet_id(status.get("id_str")) or tweet_id(status.get("id"))
    if status_id is None:
        raise ValueError("the status has no id")
    user = mapping(status.get("user"))
    handle = clean_handle(user.get("screen_name"))
    name = clean_line(user.get("name")) or None
    extended = (
        status.get("extended_tweet") if isinstance(status.get("extended_tweet"), dict) else None
    )
    body = extended or status
    raw_text = (extended or {}).get("full_text") or status.get("full_text") or status.get("text")
    entities = mapping(body.get("entities"))
    ext_entities = body.get("extended_entities")
    ext_entities = ext_entities if isinstance(ext_entities, dict) else {}
    media = _media(entities, ext_entities)
    text = tweet_text(raw_text, entities.get("urls"), media)

    refs: list[Ref] = []
    retweeted = status.get("retweeted_status")
    if isinstance(retweeted, dict):
        rt_id = tweet_id(retweeted.get("id_str")) or tweet_id(retweeted.get("id"))
        rt_user = mapping(retweeted.get("user"))
        ref = status_ref("repost-of", rt_id, clean_handle(rt_user.get("screen_name")))
        if ref:
            refs.append(ref)
    quoted_id = tweet_id(status.get("quoted_status_id_str")) or tweet_id(
        status.get("quoted_status_id")
    )
    quoted = status.get("quoted_status")
    if isinstance(quoted, dict):
        quoted_id = quoted_id or tweet_id(quoted.get("id_str")) or tweet_id(quoted.get("id"))
    if quoted_id:
        quoted_handle = None
        if isinstance(quoted, dict) and isinstance(quoted.get("user"), dict):
            quoted_handle = clean_handle(quoted["user"].get("screen_name"))
        if quoted_handle is None:
            permalink = status.get("quoted_status_permalink")
            if isinstance(permalink, dict):
                canon = canonical_status_url(permalink.get("expanded"))
                match = STATUS_PATH.match(urlsplit(canon).path) if canon else None
                if match and match.group(1) != "i":
                    quoted_handle = match.group(1)
        ref = status_ref("quotes", quoted_id, quoted_handle)
        if ref:
            refs.append(ref)
    reply_id = tweet_id(status.get("in_reply_to_status_id_str")) or tweet_id(
        status.get("in_reply_to_status_id")
    )
    ref = status_ref("reply-to", reply_id, clean_handle(status.get("in_reply_to_screen_name")))
    if ref:
        refs.append(ref)

    extra: dict[str, Any] = {"api": "v1.1"}
    counts = metrics(status, _STATUS_COUNTS)
    if counts:
        extra["counts"] = counts
    source_html = status.get("source")
    if isinstance(source_html, str) and source_html:
        extra["source"] = clean_line(html_to_text(source_html))
    place = status.get("place")
    if isinstance(place, dict) and place.get("full_name"):
        extra["place"] = clean_line(place.get("full_name"))
        if place.get("country_code"):
            extra["place_country"] = clean_line(place.get("country_code"))
    coordinates = status.get("coordinates")
    if isinstance(coordinates, dict) and isinstance(coordinates.get("coordinates"), list):
        points = [c for c in coordinates["coordinates"] if isinstance(c, int | float)]
        if len(points) == 2:
            extra["coordinates"] = points  # GeoJSON order: longitude, latitude
    if status.get("possibly_sensitive") is True:
        extra["possibly_sensitive"] = True
    if status.get("truncated") is True and extended is None and "full_text" not in status:
        extra["truncated"] = True
    if isinstance(status.get("withheld_in_countries"), list) and status["withheld_in_countries"]:
        extra["withheld_in_countries"] = [
            clean_line(str(c)) for c in status["withheld_in_countries"]
        ]
    if user.get("verified") is True:
        extra["author_verified"] = True
    user_id = tweet_id(user.get("id_str")) or tweet_id(user.get("id"))
    if user_id:
        extra["author_id"] = user_id
    if note:
        extra["encoding"] = note

    posted = tweet_time(status.get("created_at"))
    return ParsedItem(
        platform=PLATFORM,
        text=text,
        raw=raw,
        kind="post",
        platform_id=status_id,
        url=status_url(handle, status_id),
        author_name=name,
        author_handle=handle,
        author_url=profile_url(handle),
        lang=lang_code(status.get("lang")),
        posted=posted,
        media=_media_items(media),
        refs=tuple(refs),
        extra=extra,
        record=record,
    )


def _status_items(
    status: Any, record: int, raw: bytes, seen: SeenIds, note: str | None
) -> Iterator[ParsedItem | Rejected]:
    """A status and the nested statuses it carries in full (originals first)."""
    if not isinstance(status, dict):
        yield Rejected(record, f"not a status object ({type(status).__name__})")
        return
    if not is_status(status):
        notice = _stream_notice(status)
        yield Rejected(record, notice or "not a v1.1 status (no id, text or user)")
        return
    try:
        nested: list[dict[str, Any]] = []
        for key in ("retweeted_status", "quoted_status"):
            inner = status.get(key)
            if isinstance(inner, dict) and is_status(inner):
                nested.append(inner)
                deeper = inner.get("quoted_status")  # a retweet of a quote
                if isinstance(deeper, dict) and is_status(deeper):
                    nested.append(deeper)
        for inner in nested:
            inner_id = tweet_id(inner.get("id_str")) or tweet_id(inner.get("id"))
            if inner_id is None or inner_id in seen:
                continue
            seen.add(inner_id)
            yield status_item(inner, record, canonical_raw(inner), note)
        item = status_item(status, record, raw, note)
        if item.platform_id:
            seen.add(item.platform_id)
        yield item
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        yield Rejected(record, f"unreadable status ({type(exc).__name__}: {exc})")


def _stream_notice(value: dict[str, Any]) -> str | None:
    """What a non-status v1.1 object is, for a clear rejection reason."""
    if isinstance(value.get("delete"), dict):
        status = value["delete"].get("status")
        deleted = tweet_id(status.get("id_str")) if isinstance(status, dict) else None
        return f"a deletion notice for tweet {deleted or '?'}, not a post"
    if "limit" in value:
        return "a rate-limit notice, not a post"
    for key in ("scrub_geo", "status_withheld", "user_withheld", "disconnect", "warning"):
        if key in value:
            return f"a stream {key} notice, not a post"
    errors = value.get("errors")
    if isinstance(errors, list) and errors:
        return "API error: " + "; ".join(_error_text(e) for e in errors)
    return None


def _error_text(error: Any) -> str:
    if not isinstance(error, dict):
        return clean_line(str(error))[:200]
    code = error.get("code")
    message = clean_line(str(error.get("message", "")))[:200]
    return f"{message} (code {code})" if code is not None else message


def parse(source: Source) -> Iterator[ParsedItem | Rejected]:
    """Statuses of a v1.1 response file or JSON Lines stream, nested ones too.

    A whole array (or search result) is walked one status at a time
    (`jsonwalk`), so a 1M-status file is read in bounded memory; the items
    are those of reading it whole (`parse_whole`), raw bytes included.
    """
    if streams_as_array(source) or streams_as_array(source, b"{"):
        yield from _walked(source)
        return
    yield from parse_whole(source)


def _walked(source: Source) -> Iterator[ParsedItem | Rejected]:
    """The statuses of a whole array or `{"statuses": [...]}` one at a time.

    Anything else (a single status, an error object, UTF-16) is read whole,
    as is a document that breaks before its first status when it is small
    enough (`STREAM_FALLBACK_LIMIT`): the whole reader's messages then.
    """
    opened = open_walk(source)
    if opened is None:
        yield from parse_whole(source)
        return
    walk, note, fh = opened
    seen = SeenIds()
    done = 0  # complete statuses read
    statuses = False
    with fh:
        try:
            top_array = walk.peek() == "["
            statuses = top_array  # an empty array is read as one: no statuses
            for record, value, raw in elements_at(walk, None if top_array else "statuses"):
                statuses = True
                done = record
                yield from _status_items(value, record, raw, seen, note)
        except WalkError as exc:
            if done == 0 and source.size() <= STREAM_FALLBACK_LIMIT:
                yield from parse_whole(source)
                return
            reason = f"{INVALID}: {exc}"
            if done:
                reason += f"; the {done} complete record(s) before it were read"
            yield Rejected(done + 1 if done else None, reason, line=exc.line)
            return
    if not statuses:
        yield from parse_whole(source)


def parse_whole(source: Source) -> Iterator[ParsedItem | Rejected]:
    """`parse` without the walk: the document read at once (JSON Lines by line)."""
    seen = SeenIds()
    for result in read_json(source):
        if isinstance(result, Rejected):
            yield result
            continue
        if isinstance(result, BrokenDocument):
            yield from _salvage(result, seen)
            continue
        value = result.value
        if result.lines_mode:
            statuses = _status_items(value, result.line, result.raw, seen, result.note)
            yield from at_line(statuses, result.line)
            continue
        if isinstance(value, list):
            spans = array_spans(result.text, 0)
            yield from _array(value, result, spans, seen)
        elif isinstance(value, dict) and isinstance(value.get("statuses"), list):
            start = member_start(result.text, "statuses")
            spans = array_spans(result.text, start) if start is not None else None
            yield from _array(value["statuses"], result, spans, seen)
        elif isinstance(value, dict) and not is_status(value) and _stream_notice(value):
            for number, error in enumerate(value.get("errors") or [None], 1):
                reason = (
                    f"API error: {_error_text(error)}"
                    if error is not None
                    else _stream_notice(value) or "not a v1.1 status"
                )
                yield Rejected(number, reason)
        else:
            yield from _status_items(value, 1, result.raw, seen, result.note)


def _array(
    values: list[Any],
    result: JsonValue,
    spans: list[tuple[int, int]] | None,
    seen: SeenIds,
) -> Iterator[ParsedItem | Rejected]:
    if spans is not None and len(spans) != len(values):
        spans = None
    for index, value in enumerate(values):
        if spans is not None:
            start, end = spans[index]
            raw = result.text[start:end].encode(result.encoding, errors="replace")
        else:
            raw = canonical_raw(value)
        yield from _status_items(value, index + 1, raw, seen, result.note)


def _salvage(broken: BrokenDocument, seen: SeenIds) -> Iterator[ParsedItem | Rejected]:
    """The complete statuses before the break of a truncated array, then the error."""
    for found in salvage(broken, "statuses"):
        if isinstance(found, Rejected):
            yield found
        else:
            record, value, raw = found
            yield from _status_items(value, record, raw, seen, broken.note)
