"""A parsed item in the store's form, the row of a further copy of it, and the item
stored under one of its earlier keys: what the real ingest and its dry run share.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from db import NewItem
from db.writer import copy_columns
from desk.ingest.base import ParsedItem, Source


def to_new_item(parsed: ParsedItem, *, source: Source, fmt: str, story_id: int | None) -> NewItem:
    """The store's form of a parsed item; parsers hand over clean text already."""
    posted = parsed.posted
    return NewItem(
        platform=parsed.platform,
        text=parsed.text,
        kind=parsed.kind,
        platform_id=parsed.platform_id,
        url=parsed.url,
        author_name=parsed.author_name or None,
        author_handle=parsed.author_handle.lstrip("@") or None if parsed.author_handle else None,
        author_url=parsed.author_url,
        title=parsed.title or None,
        lang=parsed.lang,
        posted_at=posted.at if posted else None,
        posted_precision=posted.precision if posted else None,
        posted_tz_known=posted.tz_known if posted else False,
        captured_at=source.captured_at,
        source_file=source.name,
        source_format=fmt,
        source_record=parsed.record,
        raw=parsed.raw,
        media=parsed.media,
        extra=parsed.extra or None,
        story_id=story_id,
        raw_sha256=hashlib.sha256(parsed.raw).hexdigest() if parsed.raw is not None else None,
    )


def stored_earlier(
    lookup: Callable[[NewItem, str | None], int | None], parsed: ParsedItem, new_item: NewItem
) -> int | None:
    """The item stored under one of the parsed item's `earlier_keys` (asked once its own
    keys have found none: the caller asks those, once).

    A reader that changed how it spells an item's id or URL (issue 12's one
    canonical URL) names the former spellings, so an item already in the
    desk under one of them stays one item. Items with no earlier keys (all
    but some feed entries and fact-checks) cost nothing here.
    """
    if parsed.earlier_raw and not new_item.platform_id and not new_item.url:
        found = lookup(new_item, parsed.earlier_raw)
        if found is not None:
            return found
    for platform_id, url in parsed.earlier_keys:
        if not platform_id and not url:
            continue
        found = lookup(replace(new_item, platform_id=platform_id, url=url), None)
        if found is not None:
            return found
    return None


def copy_row(item_id: int, sha: str, new_item: NewItem, ingested_at: str) -> dict[str, Any]:
    """The `item_copies` row of another copy of item `item_id` (`take_copy`'s `copy`)."""
    return {
        "item": item_id,
        "raw_sha256": sha,
        "source_file": new_item.source_file,
        "source_format": new_item.source_format,
        "source_record": new_item.source_record,
        "ingested_at": ingested_at,
        "fields": copy_columns(new_item),
    }
