"""Plain-text and JSON renderings of store records for the CLI.

Everything printed passes `strip_escapes` again, even though stored text is
already clean: a desk file is shared, and a hostile edit of it must not be
able to drive the terminal of whoever runs `desk ls`.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from db.models import CheckStep, Event, Item, ItemRow, Link, Note
from desk.text import strip_escapes, truncate


def safe(text: str | None) -> str:
    return strip_escapes(text or "")


def short_time(iso: str | None, precision: str | None = None) -> str:
    """`2026-11-27 07:10` (or the date alone when only the day is known)."""
    if not iso:
        return "-"
    if precision in ("day", "month", "year"):
        return {"day": iso[:10], "month": iso[:7], "year": iso[:4]}[precision]
    return iso[:16].replace("T", " ")


def row_line(row: ItemRow, width: int = 120) -> str:
    handle = f"@{row.author_handle}" if row.author_handle else (row.author_name or "-")
    tags = ",".join(row.tags)
    head = (
        f"{row.id:>6}  {short_time(row.posted_at or row.ingested_at, row.posted_precision):<16}  "
        f"{row.platform:<9} {truncate(safe(handle), 20):<20} {row.triage:<9} {row.verdict:<12}"
    )
    if tags:
        head += f" [{truncate(safe(tags), 30)}]"
    rest = max(10, width - len(head) - 2)
    return f"{head}  {truncate(safe(row.first_line), rest)}"


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: to_jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, tuple | list):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


def dumps(value: Any) -> str:
    return json.dumps(to_jsonable(value), ensure_ascii=False, indent=2)


def item_text(item: Item, links: list[Link], notes: list[Note], checklist: list[CheckStep]) -> str:
    """`desk show`: the item as a reader wants it."""
    lines = [
        f"item {item.id}  ({item.kind} on {item.platform})  uuid {item.uuid}",
        f"author:   {safe(item.author_name) or '-'}"
        + (f" (@{safe(item.author_handle)})" if item.author_handle else ""),
        f"posted:   {short_time(item.posted_at, item.posted_precision)}"
        + (
            f"  [{item.posted_precision}{'' if item.posted_tz_known else ', time zone unknown'}]"
            if item.posted_at
            else ""
        ),
        f"url:      {safe(item.url) or '-'}",
        f"triage:   {item.triage}    verdict: {item.verdict}"
        + (f" ({safe(item.verdict_reason)})" if item.verdict_reason else ""),
        f"tags:     {', '.join(item.tags) or '-'}",
        f"source:   {safe(item.source_file) or '-'}"
        + (f" ({item.source_format}" if item.source_format else "")
        + (
            f", record {item.source_record})"
            if item.source_record
            else (")" if item.source_format else "")
        ),
        f"raw:      sha256 {item.raw_sha256 or '-'}",
    ]
    if item.title:
        lines.append(f"title:    {safe(item.title)}")
    lines += ["", safe(item.text), ""]
    for media in item.media:
        lines.append(
            f"media:    {media.type} {safe(media.url)}"
            + (f"  alt: {safe(media.alt)}" if media.alt else "")
        )
    for link in links:
        if link.src_id == item.id:
            target = (
                f"item {link.dst_item_id}" if link.dst_item_id else f"entry {link.dst_entry_id}"
            )
            lines.append(f"link:     {link.relation} -> {target}  (by {link.created_by})")
        else:
            lines.append(
                f"link:     item {link.src_id} {link.relation} -> this  (by {link.created_by})"
            )
    for note in notes:
        lines.append(
            f"note:     {note.created_at[:16].replace('T', ' ')} {note.author}: {safe(note.text)}"
        )
    steps = [s for s in checklist if s.status != "open" or s.note]
    for step in steps:
        lines.append(
            f"check:    {step.pillar}: {step.status}"
            + (f" - {safe(step.note)}" if step.note else "")
        )
    return "\n".join(lines).rstrip() + "\n"


def event_line(event: Event) -> str:
    summary = json.dumps(event.payload, ensure_ascii=False, sort_keys=True)
    return (
        f"{event.seq:>6}  {event.at[:19].replace('T', ' ')}  {safe(event.actor):<12} "
        f"{event.kind:<13} {safe(event.target or '-'):<16} {truncate(safe(summary), 100)}"
    )
