"""Bluesky (AT Protocol) JSON: post records, post views and the feed API responses.

A desk receives Bluesky material as whatever someone saved from the XRPC API
or an SDK: a bare `app.bsky.feed.post` record (alone or in the
`{uri, cid, value}` form of `com.atproto.repo.getRecord`), a `postView`, or
the response of getAuthorFeed / getTimeline / getFeed / getListFeed
(`feed: [feedViewPost]`), getPosts / searchPosts / getQuotes (`posts`) and
getPostThread (`thread`); a JSON array of any of these; or JSON Lines of
them (streamed, `record` = line number, raw = the line when it is one post).
Detected by shape, never by file name. JSON is read by `jsondocs`, values
cleaned by `values`, times by `times`: the same code as Mastodon's.

Choices, and why:

- `platform_id` is the `at://` URI: global and stable. `url` is
  `https://bsky.app/profile/{handle}/post/{rkey}`; when the handle is not
  known (a bare record, an invalid handle) the DID from the URI takes its
  place, which bsky.app also resolves. A bare record with no URI at all has
  `platform_id = None` and `url = None`: the pipeline can then only dedup it
  by raw content, or not at all.
- `author_handle` is `author.handle`; a bare record has no author view, so
  the handle stays None and the DID (from the URI) goes to `extra["did"]`.
- Text is the record's `text` as written: facets index UTF-8 bytes and only
  decorate it, so they are not applied; link facets (whose targets the text
  may show shortened), tags and mentions go to `extra`. An external link
  card is appended to the text as "Link: title (uri)" and kept in
  `extra["external"]`, because the card often carries the only copy of the
  link.
- Images and video become Media with their alt text: the `fullsize`/
  `playlist` URLs of views when present, else CDN URLs built from the blob
  CID and the author's DID (`cdn.bsky.app/img/feed_fullsize/plain/{did}/{cid}@jpeg`,
  `video.bsky.app/watch/{did}/{cid}/playlist.m3u8`).
- A record embed that is a post is a quote: `Ref("quotes")` to its URI, and
  when the view carries the quoted `viewRecord` with its content, that post
  is yielded as an item too (it may itself quote; followed a few levels).
  Non-post records (feed generators, lists, starter packs) go to
  `extra["embedded_record"]`; a quoted post that is not found, blocked or
  detached is noted in `extra["quoted"]`.
- Replies: `record.reply.parent.uri` gives `Ref("reply-to")` always, even when
  the parent is gone. Parents and roots present in full (feed `reply`,
  thread `parent`) are yielded as items; `notFoundPost` / `blockedPost`
  parents are recorded in `extra["parent"]` / `extra["root"]` as
  `{"uri", "state"}` and never crash anything.
- A repost (`reason` `app.bsky.feed.defs#reasonRepost`) is not an item of its
  own: the repost record's URI is usually absent from the response and the
  desk cares about the post. The post is the item and the reposter goes to
  `extra["reposted_by"]` (handle, name, did, time, and the repost URI when the
  API gave it). A pinned post (`reasonPin`) gets `extra["pinned"] = True`.
- The main post of each feed entry / posts element is always yielded; the
  copies carried for context (parents, roots, quoted posts) are yielded
  only the first time their URI appears in the document (JSON Lines: line).
- `raw` of a feed entry's post is the whole feedViewPost (its repost reason
  and reply context are part of the evidence), as its bytes stand in the
  file; of a `posts` response's view, that view's own bytes in the file;
  of any other post, its view or record object (the element's bytes in a
  top-level array or a JSON Lines line, else its canonical dump). A `posts`
  view whose bytes cannot be cut out keeps its dump, and
  `extra["raw_note"]` says so. Context copies (parents, quoted posts) keep
  their canonical dump: they are a part of another record's bytes.
- A record of another type (`app.bsky.feed.generator`, an unknown lexicon
  such as `app.bsky.feed.pythonSdkCustomRecordPost`) is recognised as AT
  Protocol and rejected with its type named, rather than left to "unknown
  format".
- A feed response (`{"feed": [...]}`) saved as one document is walked one
  entry at a time (`jsonwalk`), so a 1M-entry export is read in bounded
  memory: one walk checks the whole document and that it is a feed, the
  next yields the entries; the items are the same as reading it whole, lone
  surrogates (U+FFFD in the text) and integers past 64 bits included, and
  the raw copy of each entry's post is the entry's own bytes in the file,
  whole or walked. ijson streamed these feeds before and was dropped (see
  `jsonwalk`). A broken document up to `STREAM_FALLBACK_LIMIT` is read whole
  as before; a larger one keeps the entries before the break and names the
  break's line and column. The context copies already given are remembered
  by the hash of their URI, not the URI, to keep that memory small too.
- VCR cassettes (YAML) holding these responses as strings are containers,
  not this format: `detect` returns 0 for anything that is not JSON.

The module is the format's entry (detection, the document shapes, the
streamed feed walk); one post's reading is in `_bluesky_post.py`, its embed
in `_bluesky_embeds.py`, the names (URIs, handles, URLs) in
`_bluesky_records.py`, private modules no other format imports.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from functools import partial
from heapq import merge
from typing import Any, TypeGuard

from desk.ingest.base import ParsedItem, Rejected, Sample, Source
from desk.ingest.formats._bluesky_post import _post_item
from desk.ingest.formats._bluesky_records import (
    PLATFORM,
    POST,
    _clean_uri,
    _did,
    _handle,
    _type,
)
from desk.ingest.jsondocs import (
    NOT_PARSED,
    STREAM_FALLBACK_LIMIT,
    UNLOCATED,
    BrokenDocument,
    JsonValue,
    element_bytes,
    member_element_bytes,
    read_json,
    sample_json,
    sample_text,
    streams_as_array,
)
from desk.ingest.jsonwalk import WalkError, stream_encoding, walk_elements
from desk.ingest.times import iso_time
from desk.ingest.values import first, line_of, mapping

NAME = "bluesky"
__all__ = ["NAME", "PLATFORM", "POST", "detect", "parse", "parse_document", "parse_whole"]
_THREAD_VIEW = "app.bsky.feed.defs#threadViewPost"
_NOT_FOUND = "app.bsky.feed.defs#notFoundPost"
_BLOCKED = "app.bsky.feed.defs#blockedPost"
_REPOST = "app.bsky.feed.defs#reasonRepost"
_PIN = "app.bsky.feed.defs#reasonPin"
# Quoted posts are followed as items this many levels deep (the API nests two).
_MAX_NESTING = 3

_POST_TYPE = re.compile(r'"\$type"\s*:\s*"app\.bsky\.feed\.(post|defs#)')
_ANY_BSKY_TYPE = re.compile(r'"\$type"\s*:\s*"app\.bsky\.')
_AT_URI = re.compile(r'"uri"\s*:\s*"at://')


# ---------------------------------------------------------------- detection


def detect(sample: Sample) -> int:
    """How sure we are that the sample is Bluesky JSON, from its shape.

    A whole sample is parsed and classified; a sample cut at SAMPLE_BYTES
    falls back to `"$type": "app.bsky.…"` keys, which no other format writes
    (a Mastodon status bridged from Bluesky mentions `at://` in its URI but
    has no `$type`). Non-JSON (the YAML VCR cassettes) is never ours.
    """
    text = sample_text(sample)
    if text[:1] not in ("{", "["):
        return 0
    doc = sample_json(sample, text)
    if doc is not NOT_PARSED:
        return _score(doc)
    if _POST_TYPE.search(text):
        return 85
    if _ANY_BSKY_TYPE.search(text) and _AT_URI.search(text):
        return 50
    return 0


def _score(doc: Any) -> int:
    if isinstance(doc, dict):
        kind = _kind(doc)
        if kind in ("feed", "posts", "thread"):
            return 95
        if kind in ("post_view", "feed_view", "thread_view", "record", "uri_record"):
            return 95
        if kind == "other_record":
            return 50
        return 0
    if isinstance(doc, list) and doc and isinstance(doc[0], dict):
        kind = _kind(doc[0])
        if kind in ("post_view", "feed_view", "thread_view", "record", "uri_record"):
            return 90
    return 0


def _is_post_view(obj: Any) -> TypeGuard[dict[str, Any]]:
    return (
        isinstance(obj, dict)
        and isinstance(obj.get("uri"), str)
        and isinstance(obj.get("author"), dict)
        and isinstance(obj.get("record"), dict)
    )


def _kind(obj: dict[str, Any]) -> str:
    """Which Bluesky shape an object is (or "" when none)."""
    if isinstance(obj.get("feed"), list) and (
        not obj["feed"] or (isinstance(first(obj["feed"]), dict) and "post" in obj["feed"][0])
    ):
        return "feed"
    if isinstance(obj.get("posts"), list) and (
        (not obj["posts"] and ("uri" in obj or "cursor" in obj))
        or _is_post_view(first(obj["posts"]))
    ):
        return "posts"
    if isinstance(obj.get("thread"), dict) and _type(obj["thread"]).startswith(
        "app.bsky.feed.defs#"
    ):
        return "thread"
    if _type(obj) == _THREAD_VIEW:
        return "thread_view"
    if _is_post_view(obj):
        return "post_view"
    if _is_post_view(obj.get("post")):
        return "feed_view"
    if _type(obj) == POST:
        return "record"
    value = obj.get("value")
    if (
        isinstance(obj.get("uri"), str)
        and obj["uri"].startswith("at://")
        and isinstance(value, dict)
    ):
        return "uri_record" if _type(value) == POST else "other_record"
    if _type(obj) and "." in _type(obj) and ("createdAt" in obj or "text" in obj):
        return "other_record"
    return ""


# ---------------------------------------------------------------- documents


class _Hashes:
    """A set of `hash()` values in 8 bytes each: a sorted array and a small
    set of the newest, merged into the array when it grows to a quarter of
    it. A feed of 1M posts keeps 1M hashes: 76 MB as a set of ints, about
    12 MB here (exact: the same answers as a set)."""

    _MIN_PENDING = 1 << 16

    def __init__(self) -> None:
        self._sorted = array("q")
        self._pending: set[int] = set()

    def __contains__(self, value: int) -> bool:
        if value in self._pending:
            return True
        at = bisect_left(self._sorted, value)
        return at < len(self._sorted) and self._sorted[at] == value

    def add(self, value: int) -> None:
        if value in self:
            return
        self._pending.add(value)
        if len(self._pending) >= max(self._MIN_PENDING, len(self._sorted) // 4):
            self._sorted = array("q", merge(self._sorted, sorted(self._pending)))
            self._pending = set()


class _Emitter:
    """Yields items, once per URI for the copies carried only as context."""

    def __init__(self) -> None:
        self.seen = _Hashes()  # hash() of the URIs given: small at 1M posts

    def main(self, item: ParsedItem) -> Iterator[ParsedItem]:
        if item.platform_id:
            self.seen.add(hash(item.platform_id))
        yield item

    def context(self, item: ParsedItem) -> Iterator[ParsedItem]:
        if item.platform_id and hash(item.platform_id) in self.seen:
            return
        yield from self.main(item)


def _view_items(
    view: dict[str, Any],
    record_no: int,
    emit: _Emitter,
    *,
    main: bool,
    raw_obj: Any = None,
    extra: dict[str, Any] | None = None,
    raw_bytes: bytes | None = None,
) -> Iterator[ParsedItem]:
    """A postView (or an embed viewRecord), then the quoted posts it carries."""
    record = view.get("record") if isinstance(view.get("record"), dict) else view.get("value")
    if not isinstance(record, dict) or _type(record) not in (POST, ""):
        if main:
            raise ValueError(
                f"a view of a {line_of(_type(record)) or 'missing'} record, not a post"
            )
        return
    embed_view = view.get("embed")
    if embed_view is None and isinstance(view.get("embeds"), list):
        embed_view = first(view["embeds"])
    item, quoted = _post_item(
        uri=view.get("uri"),
        author=view.get("author"),
        record=record,
        embed_view=embed_view,
        meta=view,
        record_no=record_no,
        raw_obj=view if raw_obj is None else raw_obj,
        extra=extra,
        raw_bytes=raw_bytes,
    )
    yield from (emit.main(item) if main else emit.context(item))
    # quoted posts, a few levels deep, iteratively
    pending = [(q, 1) for q in quoted]
    while pending:
        quoted_view, depth = pending.pop(0)
        value = quoted_view.get("value")
        if not isinstance(value, dict) or _type(value) not in (POST, ""):
            continue
        inner, more = _post_item(
            uri=quoted_view.get("uri"),
            author=quoted_view.get("author"),
            record=value,
            embed_view=first(quoted_view.get("embeds")),
            meta=quoted_view,
            record_no=record_no,
            raw_obj=quoted_view,
        )
        yield from emit.context(inner)
        if depth < _MAX_NESTING:
            pending.extend((q, depth + 1) for q in more)


def _gone(node: Any) -> dict[str, Any] | None:
    """`{"uri", "state"}` for a notFoundPost / blockedPost, else None."""
    if not isinstance(node, dict):
        return None
    kind = _type(node)
    if kind == _NOT_FOUND or node.get("notFound") is True:
        return {"uri": _clean_uri(node.get("uri")), "state": "not found"}
    if kind == _BLOCKED or node.get("blocked") is True:
        return {"uri": _clean_uri(node.get("uri")), "state": "blocked"}
    return None


def _feed_view_items(
    entry: dict[str, Any], record_no: int, emit: _Emitter, raw_bytes: bytes | None = None
) -> Iterator[ParsedItem]:
    """A feedViewPost: the post (with repost/pin reason), then its parent and root."""
    post = entry.get("post")
    if not _is_post_view(post):
        raise ValueError("feed entry without a post view")
    extra: dict[str, Any] = {}
    reason = entry.get("reason")
    if isinstance(reason, dict):
        if _type(reason) == _REPOST:
            by = mapping(reason.get("by"))
            reposter: dict[str, Any] = {
                "handle": _handle(by),
                "name": line_of(by.get("displayName")) or None,
                "did": _did(by, None),
            }
            at = iso_time(reason.get("indexedAt"))
            if at:
                reposter["at"] = at.at
            if _clean_uri(reason.get("uri")):
                reposter["uri"] = _clean_uri(reason.get("uri"))
            extra["reposted_by"] = reposter
        elif _type(reason) == _PIN:
            extra["pinned"] = True
    reply = mapping(entry.get("reply"))
    context: list[dict[str, Any]] = []
    for key in ("parent", "root"):
        node = reply.get(key)
        gone = _gone(node)
        if gone:
            extra[key] = gone
        elif _is_post_view(node) and node not in context:
            context.append(node)
    yield from _view_items(
        post, record_no, emit, main=True, raw_obj=entry, extra=extra, raw_bytes=raw_bytes
    )
    for node in context:
        yield from _view_items(node, record_no, emit, main=False)


def _thread_items(thread: Any, counter: list[int], emit: _Emitter) -> Iterator[ParsedItem]:
    """A threadViewPost: ancestors (root first), the anchor post, then replies."""
    gone = _gone(thread)
    if gone or not isinstance(thread, dict) or not _is_post_view(thread.get("post")):
        state = gone["state"] if gone else "missing"
        raise ValueError(f"the thread's post is {state}")
    chain: list[dict[str, Any]] = []
    node = thread.get("parent")
    while isinstance(node, dict) and _is_post_view(node.get("post")):
        chain.append(node)
        node = node.get("parent")

    def one(view_node: dict[str, Any], role: str) -> Iterator[ParsedItem]:
        counter[0] += 1
        extra: dict[str, Any] = {"thread": role}
        parent_gone = _gone(view_node.get("parent"))
        if parent_gone:
            extra["parent"] = parent_gone
        yield from _view_items(
            view_node["post"], counter[0], emit, main=role == "anchor", extra=extra
        )

    for ancestor in reversed(chain):
        yield from one(ancestor, "parent")
    yield from one(thread, "anchor")
    pending = [r for r in reversed(thread.get("replies") or [])]
    while pending:
        reply = pending.pop()
        if isinstance(reply, dict) and _is_post_view(reply.get("post")):
            yield from one(reply, "reply")
            pending.extend(reversed(reply.get("replies") or []))


def _bare_record(
    record: dict[str, Any], uri: Any, record_no: int, raw_obj: Any, raw_bytes: bytes | None
) -> Iterator[ParsedItem]:
    item, _ = _post_item(
        uri=uri,
        author=None,
        record=record,
        embed_view=None,
        meta={},
        record_no=record_no,
        raw_obj=raw_obj,
        raw_bytes=raw_bytes,
    )
    yield item


def _one(
    obj: Any,
    record_no: int,
    emit: _Emitter,
    raw: bytes | None = None,
    parts: list[bytes] | None = None,
) -> Iterator[ParsedItem | Rejected]:
    """Items of one object of any supported shape (a whole response or an element).

    `raw`, the object's own bytes (a JSON Lines line, an array's element),
    becomes the raw record of its post when it is one post (view, feed
    entry or record); `parts`, of a feed or a `posts` response, those of
    its entries or views.
    """
    if not isinstance(obj, dict):
        yield Rejected(record=record_no, reason="not a Bluesky post, view or response")
        return
    kind = _kind(obj)
    if kind == "feed":
        entries = obj["feed"]
        own: list[bytes | None] = list(parts) if parts else [None] * len(entries)
        for i, entry in enumerate(entries, 1):
            yield from _guarded(partial(_feed_view_items, entry, i, emit, own[i - 1]), i)
    elif kind == "posts":
        views = obj["posts"]
        located = list(parts) if parts and len(parts) == len(views) else None
        for i, view in enumerate(views, 1):
            if not _is_post_view(view):
                yield Rejected(record=i, reason="not a Bluesky post view")
                continue
            view_raw = located[i - 1] if located else None
            # a view whose bytes do not cut out keeps its dump, and says so
            extra = None if view_raw is not None else {"raw_note": UNLOCATED}
            yield from _guarded(
                partial(_view_items, view, i, emit, main=True, extra=extra, raw_bytes=view_raw), i
            )
    elif kind in ("thread", "thread_view"):
        thread = obj["thread"] if kind == "thread" else obj
        yield from _guarded(lambda: _thread_items(thread, [record_no - 1], emit), record_no)
    elif kind == "post_view":
        yield from _guarded(
            lambda: _view_items(obj, record_no, emit, main=True, raw_bytes=raw), record_no
        )
    elif kind == "feed_view":
        yield from _guarded(lambda: _feed_view_items(obj, record_no, emit, raw), record_no)
    elif kind == "record":
        yield from _guarded(
            lambda: _bare_record(obj, obj.get("uri"), record_no, obj, raw), record_no
        )
    elif kind == "uri_record":
        yield from _guarded(
            lambda: _bare_record(obj["value"], obj.get("uri"), record_no, obj, raw), record_no
        )
    elif kind == "other_record":
        value = obj.get("value") if isinstance(obj.get("value"), dict) else obj
        yield Rejected(
            record=record_no,
            reason=f"AT Protocol record of type {line_of(_type(value)) or '?'} is not a post",
        )
    else:
        yield Rejected(record=record_no, reason="not a Bluesky post, view or response")


def _guarded(
    make: Callable[[], Iterable[ParsedItem | Rejected]], record_no: int
) -> Iterator[ParsedItem | Rejected]:
    """Run one record's parse; a hostile record becomes a Rejected, not a crash."""
    try:
        items = list(make())
    except RecursionError:
        yield Rejected(record=record_no, reason="record nested too deeply to read")
        return
    except Exception as exc:
        yield Rejected(record=record_no, reason=f"unreadable record: {type(exc).__name__}: {exc}")
        return
    yield from items


def parse(source: Source) -> Iterator[ParsedItem | Rejected]:
    """Items of a Bluesky document or JSON Lines file; bad records rejected, then onwards."""
    if streams_as_array(source, b"{"):
        streamed = _streamed_feed(source)
        if streamed is not None:
            yield from streamed
            return
    yield from parse_whole(source)


def _streamed_feed(source: Source) -> Iterator[ParsedItem | Rejected] | None:
    """The items of a `{"feed": [...]}` document walked one entry at a time,
    or None when it is to be read whole (not a feed, an empty one, UTF-16/32,
    or broken and small enough to re-read for its exact message). See the
    module docstring."""
    found = stream_encoding(source)
    if found is None:
        return None
    walk = partial(walk_elements, source, found[0], "feed")
    is_feed = False
    try:
        for number, entry, _ in walk():
            if number == 1:
                is_feed = isinstance(entry, dict) and "post" in entry
    except WalkError:
        if source.size() <= STREAM_FALLBACK_LIMIT:
            return None
    if not is_feed:
        return None
    return _yield_feed(walk)


def _yield_feed(
    walk: Callable[[], Iterator[tuple[int, Any, bytes]]],
) -> Iterator[ParsedItem | Rejected]:
    emit = _Emitter()
    done = 0  # complete entries read
    try:
        for done, entry, raw in walk():
            yield from _guarded(partial(_feed_view_items, entry, done, emit, raw), done)
    except WalkError as exc:
        reason = f"not valid JSON: {exc}"
        if done:
            reason += f"; the {done} complete record(s) before it were read"
        yield Rejected(done + 1 if done else None, reason, line=exc.line)


def parse_whole(source: Source) -> Iterator[ParsedItem | Rejected]:
    """`parse` without streaming: the document read at once (JSON Lines by line)."""
    empty = True
    for entry in read_json(source, invalid="not valid JSON"):
        empty = False
        if isinstance(entry, Rejected):
            yield entry
        elif isinstance(entry, BrokenDocument):
            yield entry.rejected
        elif entry.lines_mode:
            yield from parse_document(
                entry.value, line=entry.line, raw=entry.raw, parts=_element_bytes(entry)
            )
        else:
            yield from parse_document(entry.value, parts=_element_bytes(entry))
    if empty:
        yield Rejected(record=None, reason="empty input: no JSON to read")


def _element_bytes(entry: JsonValue) -> list[bytes] | None:
    """The own bytes of each record of a document that is an array, a feed
    (`{"feed": [...]}`) or a `posts` response (getPosts, searchPosts,
    getQuotes); None for any other shape."""
    doc = entry.value
    if isinstance(doc, list):
        return element_bytes(entry, len(doc))
    kind = _kind(doc) if isinstance(doc, dict) else ""
    if kind in ("feed", "posts"):
        return member_element_bytes(entry, kind, len(doc[kind]))
    return None


def parse_document(
    doc: Any,
    *,
    line: int | None = None,
    raw: bytes | None = None,
    parts: list[bytes] | None = None,
) -> Iterator[ParsedItem | Rejected]:
    """Items of one parsed document: one object, or an array of them.

    For a JSON Lines line, `line` is its number (the `record` of all that
    the line gives) and `raw` its bytes. `parts` are the own bytes of the
    records of an array or a feed (`_element_bytes`), kept as their raw
    copies. Context copies are deduplicated within one document (one line),
    so memory stays bounded on big files.
    """
    emit = _Emitter()
    results: Iterable[ParsedItem | Rejected]
    if isinstance(doc, list):
        own: list[bytes | None] = list(parts) if parts else [None] * len(doc)
        results = (r for i, e in enumerate(doc, 1) for r in _one(e, i, emit, own[i - 1]))
    else:
        results = _one(doc, 1, emit, raw, parts)
    for result in results:
        if line is None:
            yield result
        elif isinstance(result, Rejected):
            yield Rejected(record=line, reason=result.reason, line=line)
        else:
            yield replace(result, record=line)
