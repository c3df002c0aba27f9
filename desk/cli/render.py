"""Plain-text and JSON renderings of store records for the CLI: the one renderer.

Every string printed passes `desk.text.safe_line` (one-line fields:
names, platforms, tags, relations, the event log's columns) or
`desk.text.safe` (a post's or a note's text, whose line breaks are kept)
again, even though stored text is already clean: a desk file is shared,
and a hostile edit of it (or a name stored by an older `desk`) must not be
able to drive the terminal of whoever runs `desk ls`.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Sequence
from typing import Any

from db.models import CheckStep, Event, Item, ItemCopy, ItemRow, Link, Note
from desk.identity import who
from desk.text import safe, safe_line, truncate
from desk.verdicts import BUILTIN, VerdictScheme


def iso_time(iso: str | None, precision: str | None = None) -> str:
    """A stored ISO time cut to what is known: `2026-11-27 07:10`, `2026-11-27`, `2026-11`.

    The CLI's form, for scripts and logs: always the full year, never padded
    to a column. (The TUI's list has its own eleven-cell `short_time` in
    `widgets/text.py`; the two are different on purpose, hence two names.)
    """
    if not iso:
        return "-"
    if precision in ("day", "month", "year"):
        return {"day": iso[:10], "month": iso[:7], "year": iso[:4]}[precision]
    return iso[:16].replace("T", " ")


def row_line(row: ItemRow, width: int = 120, verdicts: VerdictScheme = BUILTIN) -> str:
    """`desk ls` and `desk search`: one item on one line, every column made safe."""
    handle = f"@{row.author_handle}" if row.author_handle else (row.author_name or "-")
    tags = ",".join(row.tags)
    head = (
        f"{row.id:>6}  {iso_time(row.posted_at or row.ingested_at, row.posted_precision):<16}  "
        f"{safe_line(row.platform):<9} {truncate(safe_line(handle), 20):<20} "
        f"{safe_line(row.triage):<9} {safe_line(verdicts.label(row.verdict)):<12}"
    )
    if tags:
        head += f" [{truncate(safe_line(tags), 30)}]"
    rest = max(10, width - len(head) - 2)
    return f"{head}  {truncate(safe_line(row.first_line), rest)}"


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: to_jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, tuple | list):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


# What `json.dumps(ensure_ascii=False)` leaves raw but a terminal may act on:
# DEL and the C1 controls (U+009B is CSI, U+009D is OSC to some terminals)
# and the bidi overrides. C0 controls, ESC among them, json escapes itself.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def dumps(value: Any) -> str:
    """`--json`: the data exactly (nothing cleaned away), with nothing a terminal would act on.

    Every character stays in the data; the ones a terminal could act on are
    written as `\\uXXXX` escapes, which any JSON reader turns back.
    """
    text = json.dumps(to_jsonable(value), ensure_ascii=False, indent=2)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def item_text(
    item: Item,
    links: list[Link],
    notes: list[Note],
    checklist: list[CheckStep],
    verdicts: VerdictScheme = BUILTIN,
    copies: Sequence[ItemCopy] = (),
) -> str:
    """`desk show`: the item as a reader wants it (`copies`: each copy of its post kept)."""
    lines = [
        f"item {item.id}  ({safe_line(item.kind)} on {safe_line(item.platform)})"
        f"  uuid {safe_line(item.uuid)}",
        f"author:   {safe_line(item.author_name) or '-'}"
        + (f" (@{safe_line(item.author_handle)})" if item.author_handle else ""),
        f"posted:   {iso_time(item.posted_at, item.posted_precision)}"
        + (
            f"  [{safe_line(item.posted_precision)}"
            f"{'' if item.posted_tz_known else ', time zone unknown'}]"
            if item.posted_at
            else ""
        ),
        f"url:      {safe_line(item.url) or '-'}",
        f"triage:   {safe_line(item.triage)}    verdict: {safe_line(verdicts.label(item.verdict))}"
        + (f" ({safe_line(item.verdict_reason)})" if item.verdict_reason else ""),
        f"tags:     {safe_line(', '.join(item.tags)) or '-'}",
        f"source:   {safe_line(item.source_file) or '-'}"
        + (f" ({safe_line(item.source_format)}" if item.source_format else "")
        + (
            f", record {item.source_record})"
            if item.source_record
            else (")" if item.source_format else "")
        ),
        f"raw:      sha256 {safe_line(item.raw_sha256) or '-'}",
    ]
    if item.title:
        lines.append(f"title:    {safe_line(item.title)}")
    lines += ["", safe(item.text), ""]
    for media in item.media:
        lines.append(
            f"media:    {safe_line(media.type)} {safe_line(media.url)}"
            + (f"  alt: {safe_line(media.alt)}" if media.alt else "")
        )
    if len(copies) > 1:
        for copy in copies:
            lines.append(
                f"copy:     sha256 {safe_line(copy.raw_sha256)}  {iso_time(copy.ingested_at)}  "
                f"{safe_line(copy.source_file) or '-'}"
                + (f" ({safe_line(copy.source_format)}" if copy.source_format else "")
                + (
                    f", record {copy.source_record})"
                    if copy.source_record
                    else (")" if copy.source_format else "")
                )
            )
    for link in links:
        by = safe_line(link.created_by)
        relation = safe_line(link.relation)
        if link.src_id == item.id:
            target = (
                f"item {link.dst_item_id}" if link.dst_item_id else f"entry {link.dst_entry_id}"
            )
            lines.append(f"link:     {relation} -> {target}  (by {by})")
        else:
            lines.append(f"link:     item {link.src_id} {relation} -> this  (by {by})")
    for note in notes:
        lines.append(
            f"note:     {iso_time(note.created_at)} {who(note.author, note.os_user)}: "
            f"{safe(note.text)}"
        )
    steps = [s for s in checklist if s.status != "open" or s.note]
    for step in steps:
        lines.append(
            f"check:    {safe_line(step.pillar)}: {safe_line(step.status)}"
            + (f" - {safe(step.note)}" if step.note else "")
        )
    return "\n".join(lines).rstrip() + "\n"


def event_line(event: Event) -> str:
    """`desk log`: one event on one line; a name can never start a second line.

    The author is the display name, with the OS account beside it when that
    is another name (`alice (os: bob)`, `desk.identity.who`)."""
    summary = json.dumps(event.payload, ensure_ascii=False, sort_keys=True)
    return (
        f"{event.seq:>6}  {event.at[:19].replace('T', ' ')}  {who(event.actor, event.os_user):<12} "
        f"{safe_line(event.kind):<13} {safe_line(event.target or '-'):<16} "
        f"{truncate(safe_line(summary), 100)}"
    )
