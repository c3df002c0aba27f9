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
  and reply context are part of the evidence); of any other post, its view
  or record object.
- A record of another type (`app.bsky.feed.generator`, an unknown lexicon
  such as `app.bsky.feed.pythonSdkCustomRecordPost`) is recognised as AT
  Protocol and rejected with its type named, rather than left to "unknown
  format".
- A feed response (`{"feed": [...]}`) saved as one document is streamed
  (`jsondocs.stream_array` at `feed.item`), so a 1M-entry export is read in
  bounded memory: one walk checks the whole document and that it is a feed,
  the next yields the entries; the items are the same as reading it whole.
  A broken document up to `STREAM_FALLBACK_LIMIT` is read whole as before; a
  larger one keeps the entries before the break and says in which bytes it
  broke. The context copies already given are remembered by the hash of
  their URI, not the URI, to keep that memory small too.
- VCR cassettes (YAML) holding these responses as strings are containers,
  not this format: `detect` returns 0 for anything that is not JSON.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from functools import partial
from typing import Any, TypeGuard
from urllib.parse import quote

from db.models import Media
from desk.ingest.base import ParsedItem, Ref, Rejected, Sample, Source
from desk.ingest.jsondocs import (
    NOT_PARSED,
    STREAM_FALLBACK_LIMIT,
    ArrayBreak,
    canonical_bytes,
    read_documents,
    sample_json,
    sample_text,
    stream_array,
    streams_as_array,
)
from desk.ingest.times import iso_time
from desk.ingest.values import first, line_of, mapping, text_of

NAME = "bluesky"
PLATFORM = "bluesky"
POST = "app.bsky.feed.post"
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


def _type(obj: Any) -> str:
    value = obj.get("$type") if isinstance(obj, dict) else None
    return value if isinstance(value, str) else ""


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


# ---------------------------------------------------------------- helpers


def _split_at_uri(uri: Any) -> tuple[str | None, str | None, str | None]:
    """(authority, collection, rkey) of an `at://` URI; Nones when not one."""
    if not isinstance(uri, str) or not uri.startswith("at://"):
        return None, None, None
    parts = uri[len("at://") :].split("/")
    authority = parts[0] or None
    collection = parts[1] if len(parts) > 1 and parts[1] else None
    rkey = parts[2] if len(parts) > 2 and parts[2] else None
    return authority, collection, rkey


def _clean_uri(uri: Any) -> str | None:
    """An at:// URI safe to store (one line, no escapes), or None."""
    value = line_of(uri)
    return value if value.startswith("at://") else None


def _handle(author: Any) -> str | None:
    if not isinstance(author, dict):
        return None
    handle = line_of(author.get("handle")).lstrip("@")
    return handle if handle and handle != "handle.invalid" else None


def _did(author: Any, uri: str | None) -> str | None:
    if isinstance(author, dict):
        did = line_of(author.get("did"))
        if did.startswith("did:"):
            return did
    authority, _, _ = _split_at_uri(uri)
    return authority if authority and authority.startswith("did:") else None


def _post_url(uri: str | None, handle: str | None) -> str | None:
    """`https://bsky.app/profile/{handle or did}/post/{rkey}` for a post URI."""
    authority, collection, rkey = _split_at_uri(uri)
    if collection != POST or not rkey:
        return None
    who = handle or authority
    if not who:
        return None
    return f"https://bsky.app/profile/{quote(who, safe=':.')}/post/{quote(rkey, safe='')}"


def _profile_url(handle: str | None, did: str | None) -> str | None:
    who = handle or did
    return f"https://bsky.app/profile/{quote(who, safe=':.')}" if who else None


def _http(value: Any) -> str | None:
    url = line_of(value)
    return url if url.lower().startswith(("https://", "http://")) else None


def _blob_cid(blob: Any) -> str | None:
    """The CID of a blob ref: `{"ref": {"$link": cid}}` or the legacy `{"cid": cid}`."""
    if not isinstance(blob, dict):
        return None
    ref = blob.get("ref")
    cid = ref.get("$link") if isinstance(ref, dict) else None
    cid = cid or blob.get("cid")
    cid = line_of(cid)
    return cid if cid and re.fullmatch(r"[A-Za-z0-9]+", cid) else None


# ---------------------------------------------------------------- embeds


class _Embed:
    """What a post's embed adds: media, a quote, a link card, other records."""

    def __init__(self) -> None:
        self.media: list[Media] = []
        self.refs: list[Ref] = []
        self.quoted_views: list[dict[str, Any]] = []
        self.extra: dict[str, Any] = {}
        self.link_line: str | None = None


def _read_embed(view: Any, record_embed: Any, did: str | None) -> _Embed:
    """Embed facts, from the hydrated view when present, else from the record."""
    out = _Embed()
    if isinstance(view, dict) and _type(view).endswith("#view"):
        _from_view(view, out)
    elif isinstance(record_embed, dict):
        _from_record(record_embed, did, out)
    return out


def _from_view(view: dict[str, Any], out: _Embed) -> None:
    kind = _type(view)
    if kind == "app.bsky.embed.images#view":
        for image in view.get("images") or []:
            if isinstance(image, dict):
                url = _http(image.get("fullsize")) or _http(image.get("thumb"))
                if url:
                    out.media.append(Media(url, "image", text_of(image.get("alt")) or None))
    elif kind == "app.bsky.embed.video#view":
        url = _http(view.get("playlist")) or _http(view.get("thumbnail"))
        if url:
            out.media.append(Media(url, "video", text_of(view.get("alt")) or None))
    elif kind == "app.bsky.embed.external#view":
        _external(view.get("external"), out)
    elif kind == "app.bsky.embed.record#view":
        _record_view(view.get("record"), out)
    elif kind == "app.bsky.embed.recordWithMedia#view":
        media = view.get("media")
        if isinstance(media, dict):
            _from_view(media, out)
        wrapper = view.get("record")
        if isinstance(wrapper, dict):
            _record_view(wrapper.get("record"), out)


def _from_record(embed: dict[str, Any], did: str | None, out: _Embed) -> None:
    kind = _type(embed)
    if kind == "app.bsky.embed.images":
        for image in embed.get("images") or []:
            if not isinstance(image, dict):
                continue
            cid = _blob_cid(image.get("image"))
            alt = text_of(image.get("alt")) or None
            if cid and did:
                url = f"https://cdn.bsky.app/img/feed_fullsize/plain/{did}/{cid}@jpeg"
                out.media.append(Media(url, "image", alt))
            elif cid:
                out.extra.setdefault("unresolved_media", []).append({"cid": cid, "alt": alt})
    elif kind == "app.bsky.embed.video":
        cid = _blob_cid(embed.get("video"))
        alt = text_of(embed.get("alt")) or None
        if cid and did:
            url = f"https://video.bsky.app/watch/{quote(did, safe='')}/{cid}/playlist.m3u8"
            out.media.append(Media(url, "video", alt))
        elif cid:
            out.extra.setdefault("unresolved_media", []).append({"cid": cid, "alt": alt})
    elif kind == "app.bsky.embed.external":
        _external(embed.get("external"), out)
    elif kind == "app.bsky.embed.record":
        ref = embed.get("record")
        if isinstance(ref, dict):
            _embedded_uri(_clean_uri(ref.get("uri")), None, None, out)
    elif kind == "app.bsky.embed.recordWithMedia":
        media = embed.get("media")
        if isinstance(media, dict):
            _from_record(media, did, out)
        wrapper = embed.get("record")
        if isinstance(wrapper, dict) and isinstance(wrapper.get("record"), dict):
            _embedded_uri(_clean_uri(wrapper["record"].get("uri")), None, None, out)


def _external(card: Any, out: _Embed) -> None:
    if not isinstance(card, dict):
        return
    uri = _http(card.get("uri"))
    if not uri:
        return
    title = line_of(card.get("title"))
    out.extra["external"] = {
        "uri": uri,
        "title": title or None,
        "description": text_of(card.get("description")) or None,
    }
    out.link_line = f"Link: {title} ({uri})" if title else f"Link: {uri}"


_VIEW_STATES = {
    "app.bsky.embed.record#viewNotFound": "not found",
    "app.bsky.embed.record#viewBlocked": "blocked",
    "app.bsky.embed.record#viewDetached": "detached",
}


def _record_view(record: Any, out: _Embed) -> None:
    """The `record` of a record#view: a quoted post, a gone one, or another record."""
    if not isinstance(record, dict):
        return
    uri = _clean_uri(record.get("uri"))
    kind = _type(record)
    state = _VIEW_STATES.get(kind)
    if state:
        _embedded_uri(uri, None, None, out)
        if uri:
            out.extra["quoted"] = {"uri": uri, "state": state}
        return
    value = record.get("value")
    if kind == "app.bsky.embed.record#viewRecord" or (
        isinstance(value, dict) and "author" in record
    ):
        handle = _handle(record.get("author"))
        _embedded_uri(uri, handle, record, out)
        return
    # a feed generator, list, labeler or starter pack view
    _embedded_uri(uri, None, None, out)
    if uri and "embedded_record" in out.extra:
        nested = record.get("record")
        inner = nested if isinstance(nested, dict) else record
        name = line_of(inner.get("name")) or line_of(record.get("displayName"))
        if name:
            out.extra["embedded_record"]["name"] = name


def _embedded_uri(
    uri: str | None, handle: str | None, view: dict[str, Any] | None, out: _Embed
) -> None:
    """A Ref to a quoted post, or the note of another embedded record."""
    if not uri:
        return
    _, collection, _ = _split_at_uri(uri)
    if collection == POST:
        out.refs.append(Ref("quotes", PLATFORM, uri, _post_url(uri, handle)))
        if view is not None and isinstance(view.get("value"), dict):
            out.quoted_views.append(view)
    else:
        out.extra["embedded_record"] = {"uri": uri, "type": collection}


# ---------------------------------------------------------------- one post


def _facets(record: dict[str, Any], extra: dict[str, Any]) -> None:
    links: list[str] = []
    tags: list[str] = []
    mentions: list[str] = []
    for facet in record.get("facets") or []:
        if not isinstance(facet, dict):
            continue
        for feature in facet.get("features") or []:
            kind = _type(feature)
            if kind == "app.bsky.richtext.facet#link":
                url = _http(feature.get("uri"))
                if url and url not in links:
                    links.append(url)
            elif kind == "app.bsky.richtext.facet#tag":
                tag = line_of(feature.get("tag"))
                if tag and tag not in tags:
                    tags.append(tag)
            elif kind == "app.bsky.richtext.facet#mention":
                did = line_of(feature.get("did"))
                if did and did not in mentions:
                    mentions.append(did)
    if links:
        extra["links"] = links
    if tags:
        extra["tags"] = tags
    if mentions:
        extra["mentions"] = mentions


def _labels(*sources: Any) -> list[str]:
    values: list[str] = []
    for source in sources:
        if isinstance(source, dict):  # self-labels: {"values": [{"val": ...}]}
            source = source.get("values")
        for label in source or []:
            if isinstance(label, dict):
                value = line_of(label.get("val"))
                if value and value not in values:
                    values.append(value)
    return values


def _post_item(
    *,
    uri: Any,
    author: Any,
    record: dict[str, Any],
    embed_view: Any,
    meta: dict[str, Any],
    record_no: int,
    raw_obj: Any,
    extra: dict[str, Any] | None = None,
    raw_bytes: bytes | None = None,
) -> tuple[ParsedItem, list[dict[str, Any]]]:
    """One post as an item, and the quoted viewRecords it carries in full."""
    extra = dict(extra or {})
    uri = _clean_uri(uri)
    handle = _handle(author)
    did = _did(author, uri)
    if did:
        extra["did"] = did
    embed = _read_embed(embed_view, record.get("embed"), did)
    extra.update(embed.extra)

    text = text_of(record.get("text"))
    if embed.link_line:
        text = f"{text}\n\n{embed.link_line}" if text else embed.link_line

    refs = list(embed.refs)
    reply = record.get("reply")
    if isinstance(reply, dict):
        parent = mapping(reply.get("parent"))
        root = mapping(reply.get("root"))
        parent_uri = _clean_uri(parent.get("uri"))
        root_uri = _clean_uri(root.get("uri"))
        if parent_uri:
            refs.insert(0, Ref("reply-to", PLATFORM, parent_uri, _post_url(parent_uri, None)))
        if root_uri and root_uri != parent_uri:
            extra["reply_root"] = root_uri

    _facets(record, extra)
    labels = _labels(meta.get("labels"), record.get("labels"))
    if labels:
        extra["labels"] = labels
    langs = [line_of(x) for x in record.get("langs") or [] if isinstance(x, str) and line_of(x)]
    if len(langs) > 1:
        extra["langs"] = langs
    counts = {
        name: meta[f"{name}Count"]
        for name in ("reply", "repost", "like", "quote")
        if isinstance(meta.get(f"{name}Count"), int)
    }
    if counts:
        extra["counts"] = counts
    indexed = iso_time(meta.get("indexedAt"))
    if indexed:
        extra["indexed_at"] = indexed.at

    name = line_of(author.get("displayName")) if isinstance(author, dict) else ""
    item = ParsedItem(
        platform=PLATFORM,
        text=text,
        raw=raw_bytes if raw_bytes is not None else canonical_bytes(raw_obj),
        kind="post",
        platform_id=uri,
        url=_post_url(uri, handle),
        author_name=name or None,
        author_handle=handle,
        author_url=_profile_url(handle, did),
        lang=langs[0] if langs else None,
        posted=iso_time(record.get("createdAt")),
        media=tuple(embed.media),
        refs=tuple(refs),
        extra=extra,
        record=record_no,
    )
    return item, embed.quoted_views


# ---------------------------------------------------------------- documents


class _Emitter:
    """Yields items, once per URI for the copies carried only as context."""

    def __init__(self) -> None:
        self.seen: set[int] = set()  # hash() of the URIs given: small at 1M posts

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
    obj: Any, record_no: int, emit: _Emitter, raw: bytes | None = None
) -> Iterator[ParsedItem | Rejected]:
    """Items of one object of any supported shape (a whole response or an element).

    `raw`, the bytes of a JSON Lines line, becomes the raw record of the
    line's post when the line is one post (view, feed entry or record).
    """
    if not isinstance(obj, dict):
        yield Rejected(record=record_no, reason="not a Bluesky post, view or response")
        return
    kind = _kind(obj)
    if kind == "feed":
        for i, entry in enumerate(obj["feed"], 1):
            yield from _guarded(partial(_feed_view_items, entry, i, emit), i)
    elif kind == "posts":
        for i, view in enumerate(obj["posts"], 1):
            if not _is_post_view(view):
                yield Rejected(record=i, reason="not a Bluesky post view")
                continue
            yield from _guarded(partial(_view_items, view, i, emit, main=True), i)
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
    """The items of a `{"feed": [...]}` document read one entry at a time, or
    None when it is to be read whole (not a feed, an empty one, or broken
    and small enough to re-read for its exact message). See the docstring."""
    count = 0
    is_feed = False
    broken: ArrayBreak | None = None
    try:
        for entry in stream_array(source, "feed.item"):
            if count == 0:
                is_feed = isinstance(entry, dict) and "post" in entry
            count += 1
    except ArrayBreak as exc:
        broken = exc
    if broken is not None and source.size() <= STREAM_FALLBACK_LIMIT:
        return None
    if not is_feed:
        return None
    return _yield_feed(source, broken)


def _yield_feed(source: Source, broken: ArrayBreak | None) -> Iterator[ParsedItem | Rejected]:
    emit = _Emitter()
    try:
        for number, entry in enumerate(stream_array(source, "feed.item"), 1):
            yield from _guarded(partial(_feed_view_items, entry, number, emit), number)
    except ArrayBreak as exc:
        broken = exc
    if broken is not None:
        yield broken.rejected("not valid JSON")


def parse_whole(source: Source) -> Iterator[ParsedItem | Rejected]:
    """`parse` without streaming: the document read at once (JSON Lines by line)."""
    for entry in read_documents(source, invalid="not valid JSON"):
        if isinstance(entry, Rejected):
            yield entry
            continue
        line, doc, raw = entry
        yield from parse_document(doc, line=line, raw=raw)


def parse_document(
    doc: Any, *, line: int | None = None, raw: bytes | None = None
) -> Iterator[ParsedItem | Rejected]:
    """Items of one parsed document: one object, or an array of them.

    For a JSON Lines line, `line` is its number (the `record` of all that
    the line gives) and `raw` its bytes. Context copies are deduplicated
    within one document (one line), so memory stays bounded on big files.
    """
    emit = _Emitter()
    results: Iterable[ParsedItem | Rejected]
    if isinstance(doc, list):
        results = (r for i, e in enumerate(doc, 1) for r in _one(e, i, emit))
    else:
        results = _one(doc, 1, emit, raw)
    for result in results:
        if line is None:
            yield result
        elif isinstance(result, Rejected):
            yield Rejected(record=line, reason=result.reason, line=line)
        else:
            yield replace(result, record=line)
