"""Bluesky Jetstream events: the JSON firehose, as JSON Lines.

Jetstream (github.com/bluesky-social/jetstream) turns the AT Protocol
firehose into one JSON object per event, which collectors save as JSON
Lines:

    {"did": "did:plc:…", "time_us": 1725911162329308, "kind": "commit",
     "commit": {"rev": "…", "operation": "create", "collection": "app.bsky.feed.post",
                "rkey": "3l3qo2vutsw2b", "record": {"$type": "app.bsky.feed.post", …},
                "cid": "bafyrei…"}}

`kind` is `commit`, `identity` or `account`; `operation` is `create`,
`update` or `delete` (a delete has no record).

Choices, and why:

- Only post records become items: `app.bsky.feed.post` commits that create
  or update. Everything else (likes, follows, reposts, profile records,
  identity and account events, deletes) is a `Skipped`, counted by kind in
  the summary: a firehose is mostly such events, none of them a fault of the
  file. A delete removes nothing from the desk: a deleted post is evidence.
- An event carries no handle, only the DID. The `platform_id` is the post's
  `at://{did}/app.bsky.feed.post/{rkey}` URI, the same key the `bluesky`
  format gives a post read from the XRPC API, so the two copies are one item;
  the url is `https://bsky.app/profile/{did}/post/{rkey}` (bsky.app resolves a
  DID in place of a handle); `author_handle` stays None and the DID goes to
  `extra["did"]`.
- `posted` is the record's `createdAt` (written by the author's client, up
  to 9 fractional digits, `Z` or `+00:00`). `time_us` is when the relay saw
  the event, not when the post was written: it goes to `extra["time_us"]`
  and is never used as the posted time.
- The record is read as the `bluesky` format reads a bare record, with the
  same conventions written out here (formats never import each other):
  text as written, replies and quotes as Refs to their `at://` URIs, images
  and video as CDN URLs built from the DID and the blob CID, an external
  card appended as "Link: title (uri)".
- `raw` is the event's own line; `record` its line number. A line that is
  not JSON, or a post commit without a usable DID, rkey or record, is
  rejected with its line and the rest goes on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from db.models import Media
from desk.ingest.base import ParsedItem, Ref, Rejected, Sample, Skipped, Source
from desk.ingest.jsondocs import (
    NOT_PARSED,
    canonical_bytes,
    read_documents,
    sample_json,
    sample_text,
)
from desk.ingest.times import iso_time
from desk.ingest.values import dicts, int_or_none, line_of, mapping, str_or_none, text_of

NAME = "jetstream"
PLATFORM = "bluesky"
POST = "app.bsky.feed.post"

_KINDS = frozenset({"commit", "identity", "account"})
_DID = re.compile(r"^did:[a-z]{1,32}:[A-Za-z0-9._:%-]{1,2048}$")
_RKEY = re.compile(r"^[A-Za-z0-9._:~-]{1,512}$")
_AT_URI = re.compile(r"^at://([^/\s]{1,2048})/([A-Za-z0-9.-]{1,317})/([A-Za-z0-9._:~-]{1,512})$")
# For samples too long to parse whole: an event line starts with its DID (an
# XRPC response never does, so this outranks the `bluesky` signals).
_EVENT_HEAD = re.compile(r'^\{\s*"did"\s*:\s*"did:[a-z]+:[^"]+"\s*,\s*"time_us"\s*:\s*\d+')


def detect(sample: Sample) -> int:
    """Jetstream JSON Lines: an object with a DID, `time_us` and a known `kind`."""
    text = sample_text(sample)
    if text[:1] != "{":
        return 0
    doc = sample_json(sample, text)
    if doc is NOT_PARSED:
        return 90 if _EVENT_HEAD.match(text) and '"kind"' in text else 0
    return 95 if _is_event(doc) else 0


def _is_event(doc: Any) -> bool:
    return (
        isinstance(doc, dict)
        and isinstance(doc.get("did"), str)
        and doc["did"].startswith("did:")
        and "time_us" in doc
        and isinstance(doc.get("kind"), str)  # a list or object cannot be looked up in a set
        and doc["kind"] in _KINDS
    )


def parse(source: Source) -> Iterator[ParsedItem | Rejected | Skipped]:
    """One item per post commit; the other events counted as skipped."""
    for entry in read_documents(source, invalid="not valid JSON"):
        if isinstance(entry, Rejected):
            yield entry
            continue
        line, doc, raw = entry
        record = line if line is not None else 1
        if not _is_event(doc):
            yield Rejected(record, "not a Jetstream event (no did, time_us, kind)", line=line)
            continue
        try:
            yield from _event(doc, record, line, raw)
        except RecursionError:
            yield Rejected(record, "event nested too deeply to read", line=line)
        except Exception as exc:  # one hostile event must not stop the file
            reason = f"unreadable event: {type(exc).__name__}: {exc}"
            yield Rejected(record, reason[:300], line=line)


def _event(
    doc: dict[str, Any], record: int, line: int | None, raw: bytes | None
) -> Iterator[ParsedItem | Rejected | Skipped]:
    kind = doc["kind"]
    if kind != "commit":
        yield Skipped(record, f"{kind} events (hold no post)")
        return
    commit = mapping(doc.get("commit"))
    collection = line_of(commit.get("collection"))[:100] or "?"
    operation = line_of(commit.get("operation"))[:20] or "?"
    if collection != POST:
        yield Skipped(record, f"{collection} commits (not posts)")
        return
    if operation == "delete":
        yield Skipped(record, "post delete commits (deleted upstream; nothing removed)")
        return
    if operation not in ("create", "update"):
        yield Rejected(record, f"post commit with unknown operation {operation!r}", line=line)
        return
    did = str_or_none(doc.get("did"))
    rkey = str_or_none(commit.get("rkey"))
    if not did or not _DID.match(did):
        yield Rejected(record, "post commit without a valid DID", line=line)
        return
    if not rkey or not _RKEY.match(rkey):
        yield Rejected(record, "post commit without a valid rkey", line=line)
        return
    post = commit.get("record")
    if not isinstance(post, dict):
        yield Rejected(record, "post commit without its record", line=line)
        return
    yield _item(doc, commit, post, did, rkey, record, raw)


def _post_url(uri: str | None) -> str | None:
    """`https://bsky.app/profile/{did}/post/{rkey}` for a post's at:// URI."""
    match = _AT_URI.match(uri or "")
    if not match or match.group(2) != POST:
        return None
    who, _, rkey = match.groups()
    return f"https://bsky.app/profile/{quote(who, safe=':.')}/post/{quote(rkey, safe='')}"


def _uri_ref(relation: str, value: Any) -> Ref | None:
    uri = str_or_none(mapping(value).get("uri"))
    if not uri or not _AT_URI.match(uri):
        return None
    return Ref(relation, platform=PLATFORM, platform_id=uri, url=_post_url(uri))


def _blob_cid(blob: Any) -> str | None:
    """The CID of a blob: `{"ref": {"$link": cid}}`, or the legacy `{"cid": cid}`."""
    blob = mapping(blob)
    cid = str_or_none(mapping(blob.get("ref")).get("$link")) or str_or_none(blob.get("cid"))
    return cid if cid and re.fullmatch(r"[A-Za-z0-9]{8,200}", cid) else None


def _embed(
    embed: dict[str, Any], did: str, media: list[Media], refs: list[Ref], extra: dict[str, Any]
) -> str:
    """Media and refs of an embed; the readable line of an external card, or ""."""
    kind = str_or_none(embed.get("$type")) or ""
    if kind == "app.bsky.embed.recordWithMedia":
        card = _embed(mapping(embed.get("media")), did, media, refs, extra)
        _embed(mapping(embed.get("record")), did, media, refs, extra)
        return card
    if kind == "app.bsky.embed.images":
        for image in dicts(embed.get("images")):
            cid = _blob_cid(image.get("image"))
            if cid:
                url = f"https://cdn.bsky.app/img/feed_fullsize/plain/{did}/{cid}@jpeg"
                media.append(Media(url, "image", text_of(image.get("alt")) or None))
    elif kind == "app.bsky.embed.video":
        cid = _blob_cid(embed.get("video"))
        if cid:
            url = f"https://video.bsky.app/watch/{quote(did, safe='')}/{cid}/playlist.m3u8"
            media.append(Media(url, "video", text_of(embed.get("alt")) or None))
    elif kind == "app.bsky.embed.record":
        target = mapping(embed.get("record"))
        ref = _uri_ref("quotes", target)
        if ref is not None and ref.url is not None:  # a url is built for posts only
            refs.append(ref)
        elif str_or_none(target.get("uri")):
            extra["embedded_record"] = line_of(target.get("uri"))
    elif kind == "app.bsky.embed.external":
        external = mapping(embed.get("external"))
        uri = line_of(external.get("uri"))
        if uri.lower().startswith(("https://", "http://")):
            title = line_of(external.get("title"))
            extra["external"] = {
                "uri": uri,
                "title": title or None,
                "description": text_of(external.get("description")) or None,
            }
            return f"Link: {title} ({uri})" if title else f"Link: {uri}"
    return ""


def _item(
    doc: dict[str, Any],
    commit: dict[str, Any],
    post: dict[str, Any],
    did: str,
    rkey: str,
    record: int,
    raw: bytes | None,
) -> ParsedItem:
    uri = f"at://{did}/{POST}/{rkey}"
    extra: dict[str, Any] = {"did": did, "operation": commit.get("operation")}
    for key in ("cid", "rev"):
        value = line_of(commit.get(key))[:200]
        if value:
            extra[key] = value
    seen = int_or_none(doc.get("time_us"))
    if seen is not None:
        extra["time_us"] = seen
    refs: list[Ref] = []
    reply = mapping(post.get("reply"))
    parent = _uri_ref("reply-to", reply.get("parent"))
    if parent is not None:
        refs.append(parent)
    root = str_or_none(mapping(reply.get("root")).get("uri"))
    if root:
        extra["root"] = line_of(root)
    media: list[Media] = []
    card = _embed(mapping(post.get("embed")), did, media, refs, extra)
    text = text_of(post.get("text"))
    if card:
        text = f"{text}\n\n{card}" if text else card
    links = [
        line_of(feature.get("uri"))
        for facet in dicts(post.get("facets"))
        for feature in dicts(facet.get("features"))
        if feature.get("$type") == "app.bsky.richtext.facet#link"
    ]
    if any(links):
        extra["links"] = [link for link in links if link]
    langs = [line_of(lang) for lang in post.get("langs") or [] if isinstance(lang, str)]
    return ParsedItem(
        platform=PLATFORM,
        text=text,
        raw=raw if raw is not None else canonical_bytes(doc),
        kind="post",
        platform_id=uri,
        url=_post_url(uri),
        author_url=f"https://bsky.app/profile/{quote(did, safe=':.')}",
        lang=next((lang for lang in langs if lang), None),
        posted=iso_time(post.get("createdAt")),
        media=tuple(media),
        refs=tuple(refs),
        extra=extra,
        record=record,
    )
