"""Bluesky names: AT Protocol URIs, handles, DIDs, bsky.app URLs, blob CIDs.

What every part of the Bluesky reader (`bluesky.py`, `_bluesky_embeds.py`,
`_bluesky_post.py`) spells the same way; the rules are in `bluesky.py`'s
docstring.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from desk.ingest.values import line_of

PLATFORM = "bluesky"
POST = "app.bsky.feed.post"


def _type(obj: Any) -> str:
    value = obj.get("$type") if isinstance(obj, dict) else None
    return value if isinstance(value, str) else ""


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
