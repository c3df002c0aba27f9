"""One Bluesky post (a view or a bare record) as a desk item: text, facets, labels, embed.

Rules in `bluesky.py`'s docstring; the document shapes that carry posts
(feeds, threads, post lists) are read there.
"""

from __future__ import annotations

from typing import Any

from desk.ingest.base import ParsedItem, Ref
from desk.ingest.formats._bluesky_embeds import _read_embed
from desk.ingest.formats._bluesky_records import (
    PLATFORM,
    _clean_uri,
    _did,
    _handle,
    _http,
    _post_url,
    _profile_url,
    _type,
)
from desk.ingest.jsondocs import canonical_bytes
from desk.ingest.times import iso_time
from desk.ingest.values import line_of, mapping, text_of


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
