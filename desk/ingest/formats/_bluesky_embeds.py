"""A Bluesky post's embed: images, video, an external link card, a quoted record.

Read from the post view's resolved embed when there is one, else from the
record's own (blob CIDs made into CDN URLs); rules in `bluesky.py`'s
docstring.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from db.models import Media
from desk.ingest.base import Ref
from desk.ingest.formats._bluesky_records import (
    PLATFORM,
    POST,
    _blob_cid,
    _clean_uri,
    _handle,
    _http,
    _post_url,
    _split_at_uri,
    _type,
)
from desk.ingest.values import line_of, text_of


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
