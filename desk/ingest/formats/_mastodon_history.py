"""A Mastodon edit history (`GET /api/v1/statuses/:id/history`, StatusEdit[]) as one item.

Its versions have no id, uri or url: the item is the newest version, posted
at the first version's time, every version in `extra["edits"]` (see
`mastodon.py`'s docstring).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from desk.ingest.base import ParsedItem, Rejected
from desk.ingest.formats._mastodon_status import (
    PLATFORM,
    _at,
    _body,
    _handle,
    _http,
    _media,
    _server_hints,
)
from desk.ingest.jsondocs import canonical_bytes
from desk.ingest.times import iso_time
from desk.ingest.values import line_of


def _edit_history(
    versions: list[dict[str, Any]], raw: bytes | None
) -> Iterator[ParsedItem | Rejected]:
    """One item for a StatusEdit[] history: the newest version, all versions in extra."""
    try:
        ordered = sorted(versions, key=lambda v: _at(v.get("created_at")))
        edits = []
        for version in ordered:
            facts: dict[str, Any] = {}
            text = _body(version, facts)
            entry: dict[str, Any] = {
                "created_at": _at(version.get("created_at")) or None,
                "text": text,
            }
            if "content_warning" in facts:
                entry["content_warning"] = facts["content_warning"]
            if "poll" in facts:
                entry["poll"] = facts["poll"]
            if version.get("sensitive") is True:
                entry["sensitive"] = True
            entry["media"] = [{"url": m.url, "type": m.type, "alt": m.alt} for m in _media(version)]
            edits.append(entry)
        newest = ordered[-1]
        extra: dict[str, Any] = {}
        text = _body(newest, extra)
        extra["edits"] = edits
        extra["edit_history"] = True
        if len(ordered) > 1 and edits[-1]["created_at"]:
            extra["edited_at"] = edits[-1]["created_at"]
        hosts: Counter[str] = Counter()
        for version in ordered:
            _server_hints(version, hosts)
        if hosts:
            extra["server"] = hosts.most_common(1)[0][0]
        account = newest["account"]
        yield ParsedItem(
            platform=PLATFORM,
            text=text,
            raw=raw if raw is not None else canonical_bytes(versions),
            kind="post",
            platform_id=None,
            url=None,
            author_name=line_of(account.get("display_name")) or None,
            author_handle=_handle(account),
            author_url=_http(account.get("url")),
            posted=iso_time(ordered[0].get("created_at")),
            media=_media(newest),
            extra=extra,
            record=1,
        )
    except RecursionError:
        yield Rejected(record=1, reason="edit history nested too deeply to read")
    except Exception as exc:
        yield Rejected(record=1, reason=f"unreadable edit history: {type(exc).__name__}: {exc}")
