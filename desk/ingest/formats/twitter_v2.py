"""X/Twitter API v2 responses and twarc2 JSON Lines.

What this reads (by content, never by file name):

- a v2 response: `data` (one tweet or a list) with `includes.users/media/
  tweets/places/polls`, `errors` and `meta`;
- twarc2 output: one such response page per line (with `__twarc` and, for
  streams, `matching_rules`), streamed line by line, a bad line rejected and
  the rest read;
- twarc2 "flattened" lines: one tweet per line with `author`, inline
  `referenced_tweets` and `attachments.media` (what `twarc2 flatten` writes);
- twarc2 compliance output (`{"id", "action": "delete", "reason"}` lines):
  each line is rejected with what it says, since it names no post content;
- bodies of write endpoints: `POST /2/tweets` answers `{"data": {"id",
  "text"}}`: a tweet whose author is not in the response, kept with what is
  known (no handle, `https://twitter.com/i/web/status/ID`); `DELETE /2/tweets/
  :id` answers `{"data": {"deleted": true}}`, which names no tweet: rejected
  with that reason (as are other action answers such as `{"liked": true}`).

Decisions worth knowing:

- Record numbers: JSON Lines -> the line number (every tweet of a page shares
  it); a one-document file -> the 1-based index in `data`, then included
  tweets continue the count after the data tweets.
- Raw bytes: when a page holds a single data tweet, that tweet's raw is the
  exact bytes of the page (line or document); otherwise each tweet gets the
  canonical JSON of a small sub-response `{"data": tweet, "includes": {...}}`
  holding the users, media, places and polls it uses, so the evidentiary copy
  still shows who posted it.
- `includes.tweets` (quoted, replied-to, retweeted, other edit versions) are
  yielded as items of their own, once per page and not when they are also in
  `data`; the referring tweet refs them (`quotes`, `reply-to`, `repost-of`).
- Text is `note_tweet.text` (long posts) over `text`, entities decoded,
  t.co links expanded. Edited tweets keep `edit_history_tweet_ids` and say
  whether this version is the latest in `extra`.
- `errors` in a response become one Rejected each, with the API's title and
  detail (e.g. a deleted or protected tweet), whether or not `data` is there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from db.models import Media
from desk.ingest.base import SAMPLE_BYTES, ParsedItem, Ref, Rejected, Sample, Source
from desk.ingest.formats._twitter import (
    PLATFORM,
    SeenIds,
    at_line,
    best_video_url,
    canonical_raw,
    clean_handle,
    lang_code,
    metrics,
    profile_url,
    safe_url,
    status_url,
    tweet_id,
    tweet_text,
    tweet_time,
)
from desk.ingest.jsondocs import (
    NOT_PARSED,
    BrokenDocument,
    JsonValue,
    is_vcr_cassette,
    read_json,
    sample_json,
)
from desk.ingest.values import int_or_none, mapping
from desk.text import clean_line, clean_text

NAME = "twitter-v2"

_RELATIONS = {"replied_to": "reply-to", "quoted": "quotes", "retweeted": "repost-of"}
_TWEET_COUNTS = (
    "retweet_count", "reply_count", "like_count", "quote_count",
    "bookmark_count", "impression_count",
)  # fmt: skip
_TWEET_SIGNALS = (
    '"edit_history_tweet_ids"', '"author_id"', '"conversation_id"', '"__twarc"',
    '"referenced_tweets"', '"reply_settings"',
)  # fmt: skip
_FIRST_KEY = re.compile(r'^\{\s*"(data|includes|errors|meta)"\s*:')
_COMPLIANCE_KEYS = {"id", "action", "created_at", "redacted_at", "reason"}


# --------------------------------------------------------------------------
# detection
# --------------------------------------------------------------------------


def _is_tweet(value: Any) -> bool:
    """A v2 tweet object: a string id and text (v1 statuses have `id_str`)."""
    return (
        isinstance(value, dict)
        and tweet_id(value.get("id")) is not None
        and isinstance(value.get("text"), str)
        and "id_str" not in value
        and "user" not in value
        and "account" not in value
    )


def _is_flat_tweet(value: Any) -> bool:
    """A bare / flattened v2 tweet: id and text plus a v2-only field."""
    return _is_tweet(value) and any(
        key in value
        for key in (
            "author_id",
            "edit_history_tweet_ids",
            "__twarc",
            "author",
            "conversation_id",
            "referenced_tweets",
            "note_tweet",
        )
    )


def _is_v2_error(value: Any) -> bool:
    return isinstance(value, dict) and (
        str(value.get("type", "")).startswith("https://api.twitter.com/2/problems")
        or ("title" in value and ("detail" in value or "resource_type" in value))
    )


def _is_compliance(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and "action" in value
        and "id" in value
        and set(value) <= _COMPLIANCE_KEYS
    )


def _score(value: Any) -> int:
    if isinstance(value, list):
        return 85 if value and (_is_flat_tweet(value[0]) or _score(value[0]) >= 85) else 0
    if not isinstance(value, dict):
        return 0
    if "data" in value:
        data = value["data"]
        tweets = data if isinstance(data, list) else [data]
        if tweets and _is_tweet(tweets[0]):
            return 95
        if isinstance(data, dict) and set(data) and all(isinstance(v, bool) for v in data.values()):
            return 60  # an action answer such as {"deleted": true}
        if data == [] and ("meta" in value or "includes" in value):
            return 50
        return 0
    errors = value.get("errors")
    if isinstance(errors, list) and errors and _is_v2_error(errors[0]):
        return 70
    if _is_v2_error(value) and "data" not in value:
        return 40
    meta = value.get("meta")
    if isinstance(meta, dict) and meta.get("result_count") == 0 and len(value) == 1:
        return 50
    if _is_flat_tweet(value):
        return 85
    if _is_compliance(value):
        return 50
    return 0


def detect(sample: Sample) -> int:
    """v2 responses / twarc2 lines by shape; large samples by v2 signals."""
    if not sample.looks_json or is_vcr_cassette(sample.text):
        return 0
    value = sample_json(sample)
    if value is not NOT_PARSED:
        return _score(value)
    head = sample.text[:SAMPLE_BYTES]
    signals = sum(1 for s in _TWEET_SIGNALS if s in head)
    if '"id_str"' in head and '"screen_name"' in head:
        return 0  # v1.1
    if _FIRST_KEY.match(head) and signals >= 1 and '"text"' in head:
        return 85
    if re.search(r'"data"\s*:', head) and '"text"' in head and signals >= 2:
        return 70
    return 0


# --------------------------------------------------------------------------
# one page of a response
# --------------------------------------------------------------------------


def _index(values: Any, key: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    if isinstance(values, list):
        for entry in values:
            if isinstance(entry, dict) and entry.get(key) is not None:
                out[str(entry[key])] = entry
    return out


@dataclass(slots=True)
class Page:
    """The lookup tables of one response: users, media, tweets, places, polls."""

    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    media: dict[str, dict[str, Any]] = field(default_factory=dict)
    tweets: dict[str, dict[str, Any]] = field(default_factory=dict)
    places: dict[str, dict[str, Any]] = field(default_factory=dict)
    polls: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def of(cls, response: dict[str, Any]) -> Page:
        includes = response.get("includes")
        if not isinstance(includes, dict):
            return cls()
        return cls(
            users=_index(includes.get("users"), "id"),
            media=_index(includes.get("media"), "media_key"),
            tweets=_index(includes.get("tweets"), "id"),
            places=_index(includes.get("places"), "id"),
            polls=_index(includes.get("polls"), "id"),
        )


def _author(tweet: dict[str, Any], page: Page) -> dict[str, Any]:
    inline = tweet.get("author")
    if isinstance(inline, dict):
        return inline
    author_id = tweet.get("author_id")
    return page.users.get(str(author_id), {}) if author_id is not None else {}


def _media_objects(tweet: dict[str, Any], page: Page) -> list[dict[str, Any]]:
    attachments = tweet.get("attachments")
    if not isinstance(attachments, dict):
        return []
    inline = attachments.get("media")
    if isinstance(inline, list):
        return [m for m in inline if isinstance(m, dict)]
    found: list[dict[str, Any]] = []
    for key in attachments.get("media_keys") or []:
        entry = page.media.get(str(key))
        if entry is not None:
            found.append(entry)
    return found


def media_of(objects: list[dict[str, Any]]) -> tuple[Media, ...]:
    """Media from v2 media objects: photo URL, best MP4 or preview, alt text."""
    out: list[Media] = []
    for entry in objects:
        kind = clean_line(entry.get("type")) or "unknown"
        url = safe_url(entry.get("url"))
        if kind in ("video", "animated_gif"):
            url = safe_url(best_video_url(entry.get("variants"))) or url
        url = url or safe_url(entry.get("preview_image_url"))
        if not url:
            continue
        alt = clean_text(entry["alt_text"]) if isinstance(entry.get("alt_text"), str) else ""
        out.append(Media(url=url, type=kind, alt=alt or None))
    return tuple(out)


def _referenced(tweet: dict[str, Any]) -> list[dict[str, Any]]:
    refs = tweet.get("referenced_tweets")
    return [r for r in refs if isinstance(r, dict)] if isinstance(refs, list) else []


def _ref_handle(ref: dict[str, Any], page: Page) -> str | None:
    """The handle of a referenced tweet's author, when the response says it."""
    target = ref if isinstance(ref.get("author"), dict) else page.tweets.get(str(ref.get("id")))
    if target is None:
        return None
    return clean_handle(_author(target, page).get("username"))


def _poll(tweet: dict[str, Any], page: Page) -> dict[str, Any] | None:
    attachments = tweet.get("attachments")
    if not isinstance(attachments, dict):
        return None
    poll = attachments.get("poll") if isinstance(attachments.get("poll"), dict) else None
    if poll is None:
        for poll_id in attachments.get("poll_ids") or []:
            poll = page.polls.get(str(poll_id))
            if poll:
                break
    if not poll:
        return None
    options = []
    for option in poll.get("options") or []:
        if isinstance(option, dict):
            options.append(
                {
                    "label": clean_line(str(option.get("label", ""))),
                    "votes": int_or_none(option.get("votes")),
                }
            )
    out: dict[str, Any] = {"options": options}
    for key in ("voting_status", "end_datetime", "duration_minutes"):
        if poll.get(key) is not None:
            value = poll[key]
            out[key] = value if isinstance(value, int) else clean_line(str(value))
    return out


def _place(tweet: dict[str, Any], page: Page) -> str | None:
    geo = tweet.get("geo")
    if not isinstance(geo, dict):
        return None
    if isinstance(geo.get("full_name"), str):  # flattened: the place is inline
        return clean_line(geo["full_name"]) or None
    place = page.places.get(str(geo.get("place_id")))
    if place and isinstance(place.get("full_name"), str):
        return clean_line(place["full_name"]) or None
    return None


def tweet_item(
    tweet: dict[str, Any], page: Page, record: int | None, raw: bytes, note: str | None = None
) -> ParsedItem:
    """One v2 tweet (plain or flattened) as a ParsedItem."""
    status_id = tweet_id(tweet.get("id"))
    if status_id is None:
        raise ValueError("the tweet has no id")
    author = _author(tweet, page)
    handle = clean_handle(author.get("username"))
    name = clean_line(author.get("name")) or None
    note_tweet = tweet.get("note_tweet") if isinstance(tweet.get("note_tweet"), dict) else None
    if note_tweet and isinstance(note_tweet.get("text"), str):
        raw_text = note_tweet["text"]
        entities = mapping(note_tweet.get("entities"))
    else:
        raw_text = tweet.get("text")
        entities = mapping(tweet.get("entities"))
    text = tweet_text(raw_text, entities.get("urls"))

    refs: list[Ref] = []
    for ref in _referenced(tweet):
        relation = _RELATIONS.get(str(ref.get("type")))
        ref_id = tweet_id(ref.get("id"))
        if relation and ref_id:
            handle_of = _ref_handle(ref, page)
            refs.append(
                Ref(
                    relation,
                    platform=PLATFORM,
                    platform_id=ref_id,
                    url=status_url(handle_of, ref_id) if handle_of else None,
                )
            )

    extra: dict[str, Any] = {"api": "v2"}
    counts = metrics(tweet.get("public_metrics"), _TWEET_COUNTS)
    if counts:
        extra["counts"] = counts
    conversation = tweet_id(tweet.get("conversation_id"))
    if conversation:
        extra["conversation_id"] = conversation
    history = [h for h in (tweet_id(x) for x in tweet.get("edit_history_tweet_ids") or []) if h]
    if len(history) > 1:
        extra["edit_history_tweet_ids"] = history
        extra["latest_version_id"] = history[-1]
        extra["is_latest_version"] = history[-1] == status_id
    if isinstance(tweet.get("source"), str) and tweet["source"]:
        extra["source"] = clean_line(tweet["source"])
    place = _place(tweet, page)
    if place:
        extra["place"] = place
    poll = _poll(tweet, page)
    if poll:
        extra["poll"] = poll
    if tweet.get("possibly_sensitive") is True:
        extra["possibly_sensitive"] = True
    reply_to_user = tweet_id(tweet.get("in_reply_to_user_id"))
    if reply_to_user:
        extra["in_reply_to_user_id"] = reply_to_user
    author_id = tweet_id(tweet.get("author_id")) or tweet_id(author.get("id"))
    if author_id:
        extra["author_id"] = author_id
    if author.get("verified") is True:
        extra["author_verified"] = True
    if isinstance(author.get("verified_type"), str):
        extra["author_verified_type"] = clean_line(author["verified_type"])
    withheld = tweet.get("withheld")
    if isinstance(withheld, dict) and isinstance(withheld.get("country_codes"), list):
        extra["withheld_in_countries"] = [clean_line(str(c)) for c in withheld["country_codes"]]
    if not author:
        extra["author_unknown"] = True
    if note:
        extra["encoding"] = note

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
        lang=lang_code(tweet.get("lang")),
        posted=tweet_time(tweet.get("created_at")),
        media=media_of(_media_objects(tweet, page)),
        refs=tuple(refs),
        extra=extra,
        record=record,
    )


def _sub_response(tweet: dict[str, Any], page: Page) -> bytes:
    """Canonical JSON of a tweet with the includes it uses (its evidentiary copy)."""
    includes: dict[str, list[dict[str, Any]]] = {}
    author_id = tweet.get("author_id")
    if author_id is not None and str(author_id) in page.users:
        includes["users"] = [page.users[str(author_id)]]
    attachments = mapping(tweet.get("attachments"))
    media = [
        page.media[str(k)] for k in attachments.get("media_keys") or [] if str(k) in page.media
    ]
    if media:
        includes["media"] = media
    polls = [page.polls[str(k)] for k in attachments.get("poll_ids") or [] if str(k) in page.polls]
    if polls:
        includes["polls"] = polls
    geo = mapping(tweet.get("geo"))
    if str(geo.get("place_id")) in page.places:
        includes["places"] = [page.places[str(geo.get("place_id"))]]
    if not includes:
        return canonical_raw(tweet)
    return canonical_raw({"data": tweet, "includes": includes})


def _error_reason(error: Any) -> str:
    if not isinstance(error, dict):
        return clean_line(str(error))[:300]
    title = clean_line(str(error.get("title") or error.get("type") or "error"))
    detail = clean_line(str(error.get("detail") or error.get("message") or ""))
    reason = f"{title}: {detail}" if detail else title
    resource = error.get("resource_id") or error.get("value")
    if resource is not None and str(resource) not in reason:
        reason += (
            f" ({clean_line(str(error.get('resource_type') or 'id'))} {clean_line(str(resource))})"
        )
    return reason[:300]


def _action_reason(data: dict[str, Any]) -> str:
    flags = ", ".join(f"{clean_line(str(k))}: {str(v).lower()}" for k, v in list(data.items())[:5])
    if data.get("deleted") is True:
        return f"a DELETE /2/tweets answer ({{{flags}}}): it names no tweet, nothing to keep"
    return f"an action answer ({{{flags}}}), not a tweet"


def _page_items(
    response: dict[str, Any],
    value: JsonValue,
    seen: SeenIds,
    record_of: _Numbering,
) -> Iterator[ParsedItem | Rejected]:
    """Items of one response page; `record_of(kind, index)` numbers them."""
    note = value.note
    page = Page.of(response)
    data = response.get("data")
    data_list: list[Any]
    if isinstance(data, list):
        data_list = data
    elif data is None:
        data_list = []
    else:
        data_list = [data]
    if isinstance(data, dict) and not _is_tweet(data):
        if data and all(isinstance(v, bool) for v in data.values()):
            yield Rejected(record_of("data", 0), _action_reason(data))
        elif "username" in data:
            yield Rejected(record_of("data", 0), "a user object, not a tweet")
        else:
            yield Rejected(record_of("data", 0), "data is not a tweet (no id and text)")
        data_list = []
    single = len(data_list) == 1
    data_ids: set[str] = set()
    for tweet in data_list:
        if isinstance(tweet, dict) and tweet_id(tweet.get("id")):
            data_ids.add(str(tweet["id"]))
    for index, tweet in enumerate(data_list):
        record = record_of("data", index)
        if not _is_tweet(tweet):
            yield Rejected(record, f"data[{index}] is not a tweet (no id and text)")
            continue
        try:
            raw = value.raw if single else _sub_response(tweet, page)
            item = tweet_item(tweet, page, record, raw, note)
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            yield Rejected(record, f"unreadable tweet ({type(exc).__name__}: {exc})")
            continue
        # An inline (flattened) referenced tweet is yielded like an included one.
        for ref in _referenced(tweet):
            if _is_tweet(ref) and str(ref["id"]) not in data_ids and str(ref["id"]) not in seen:
                inline = {k: v for k, v in ref.items() if k != "type"}
                seen.add(str(ref["id"]))
                yield from _safe_item(inline, page, record, canonical_raw(inline), note)
        seen.add(item.platform_id or "")
        yield item
    included = [t for t in page.tweets.values() if str(t.get("id")) not in data_ids]
    for index, tweet in enumerate(included):
        key = str(tweet.get("id"))
        if key in seen:
            continue
        seen.add(key)
        record = record_of("includes", index)
        yield from _safe_item(tweet, page, record, _sub_response(tweet, page), note)
    errors = response.get("errors")
    if isinstance(errors, list):
        for index, error in enumerate(errors):
            yield Rejected(record_of("errors", index), f"API error: {_error_reason(error)}")


def _safe_item(
    tweet: dict[str, Any], page: Page, record: int | None, raw: bytes, note: str | None
) -> Iterator[ParsedItem | Rejected]:
    try:
        yield tweet_item(tweet, page, record, raw, note)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        yield Rejected(record, f"unreadable tweet ({type(exc).__name__}: {exc})")


class _Numbering:
    """Record numbers of what one JSON value yields.

    JSON Lines: everything from a line carries that line's number. A
    document: data tweets are 1..n, included tweets n+1.., and response-level
    errors carry None (their reason says which error it was).
    """

    def __init__(self, value: JsonValue, *, line_only: bool = False) -> None:
        self.line = value.line if (value.lines_mode or line_only) else None
        data = value.value.get("data") if isinstance(value.value, dict) else None
        self.count = len(data) if isinstance(data, list) else (0 if data is None else 1)

    def __call__(self, kind: str, index: int) -> int | None:
        if self.line is not None:
            return self.line
        if kind == "data":
            return index + 1
        if kind == "includes":
            return self.count + index + 1
        return None


def _value_items(value: JsonValue, seen: SeenIds) -> Iterator[ParsedItem | Rejected]:
    obj = value.value
    line = value.line
    record_of = _Numbering(value)
    if isinstance(obj, dict) and ("data" in obj or "includes" in obj or "errors" in obj):
        yield from _page_items(obj, value, seen, record_of)
        return
    if isinstance(obj, dict) and _is_tweet(obj):
        # A bare or flattened tweet (one per line in `twarc2 flatten` output).
        yield from _page_items({"data": obj}, value, seen, _Numbering(value, line_only=True))
        return
    if _is_compliance(obj):
        reason = clean_line(str(obj.get("reason") or "no reason given"))
        action = clean_line(str(obj.get("action")))
        yield Rejected(
            line,
            f"compliance record: tweet {clean_line(str(obj.get('id')))} "
            f"{action} ({reason}); names no post content",
            line=line,
        )
        return
    if _is_v2_error(obj):
        yield Rejected(line, f"API error: {_error_reason(obj)}", line=line)
        return
    if (
        isinstance(obj, dict)
        and isinstance(obj.get("meta"), dict)
        and set(obj) <= {"meta", "__twarc"}
    ):
        return  # an empty result page: nothing to read, nothing lost
    kind = type(obj).__name__ if not isinstance(obj, dict) else "object without data"
    yield Rejected(line, f"not a v2 response or tweet ({kind})", line=line)


def parse(source: Source) -> Iterator[ParsedItem | Rejected]:
    """Tweets of a v2 response document or a twarc2 JSON Lines stream."""
    seen = SeenIds()
    for value in read_json(source):
        if isinstance(value, Rejected):
            yield value
            continue
        if isinstance(value, BrokenDocument):
            # Not salvaged: v2 tweets before the break would lack their
            # authors (includes come after data), and a later good copy of
            # the file would only dedup against those poorer items.
            yield value.rejected
            continue
        obj = value.value
        if not value.lines_mode and isinstance(obj, list):
            # A JSON array of responses or of bare tweets: one record each.
            for index, element in enumerate(obj):
                part = JsonValue(
                    index + 1, element, canonical_raw(element), "", value.encoding, True, value.note
                )
                yield from at_line(_value_items(part, seen), None)
            continue
        line = value.line if value.lines_mode else None
        try:
            yield from at_line(_value_items(value, seen), line)
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            yield Rejected(value.line, f"unreadable response ({type(exc).__name__})", line=line)
