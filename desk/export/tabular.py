"""The story's items as CSV or JSON Lines, streamed row by row.

Both take an iterator of `PubItem`s (`collect.iter_items`, keyset pages) and
write as they read, so a 1M-item story exports in the memory of one page.
They carry every item of the story but the discarded ones, newest posted
first, with triage, verdict and its reason, tags, links and notes.

The chain head the export started from is on every row (`desk_head_seq`,
`desk_head_hash`, `desk_head_at` columns in CSV; a `desk_head` object in
each JSON line), so a row cut out of the file still says which desk state
it came from, and CSV stays plain RFC 4180 with no comment lines that
readers would take for data.

CSV cells: `tags` are `;`-separated; `links` are `relation>#12` (this item
to item 12), `relation<#12` (item 12 to this one) or `source-for>entry:3`,
`;`-separated; `notes` are one `author (time): text` per line. A cell that
a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a
tab or a carriage return) gets a leading `'`, the usual defence against
CSV injection; the JSON Lines file has the exact text.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, TextIO

from desk.export.collect import ChainHead, PubItem, PubLink
from desk.export.common import head_fields

COLUMNS = (
    "id", "uuid", "platform", "kind", "url", "author_name", "author_handle", "author_url",
    "posted_at", "posted_precision", "ingested_at", "triage", "verdict", "verdict_reason",
    "tags", "links", "notes", "title", "text", "desk_head_seq", "desk_head_hash", "desk_head_at",
)  # fmt: skip

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def link_cell(link: PubLink) -> str:
    """`corroborates>#12`, `quotes<#5`, `source-for>entry:3`."""
    arrow = ">" if link.outgoing else "<"
    other = f"#{link.item_id}" if link.item_id is not None else f"entry:{link.entry_id}"
    return f"{link.relation}{arrow}{other}"


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_row(item: PubItem, head: dict[str, str]) -> list[str]:
    """One item as CSV cells, in `COLUMNS` order."""
    values = [
        str(item.id), item.uuid, item.platform, item.kind, item.url or "", item.author_name or "",
        item.author_handle or "", item.author_url or "", item.posted_at or "",
        item.posted_precision or "", item.ingested_at, item.triage, item.verdict,
        item.verdict_reason or "", ";".join(item.tags), ";".join(link_cell(x) for x in item.links),
        "\n".join(f"{n.author} ({n.created_at}): {n.text}" for n in item.notes),
        item.title or "", item.text,
        head["desk_head_seq"], head["desk_head_hash"], head["desk_head_at"],
    ]  # fmt: skip
    return [_cell(v) for v in values]


def write_csv(items: Iterable[PubItem], head: ChainHead, out: TextIO) -> int:
    """Write the header and one row per item as they come; how many rows."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    fields = head_fields(head)
    n = 0
    for item in items:
        writer.writerow(csv_row(item, fields))
        n += 1
    return n


def json_record(item: PubItem, head: ChainHead) -> dict[str, Any]:
    """One item as a JSON object."""
    return {
        "id": item.id,
        "uuid": item.uuid,
        "platform": item.platform,
        "kind": item.kind,
        "platform_id": item.platform_id,
        "url": item.url,
        "author": {"name": item.author_name, "handle": item.author_handle, "url": item.author_url},
        "posted_at": item.posted_at,
        "posted_precision": item.posted_precision,
        "posted_tz_known": item.posted_tz_known,
        "ingested_at": item.ingested_at,
        "lang": item.lang,
        "triage": item.triage,
        "verdict": item.verdict,
        "verdict_reason": item.verdict_reason,
        "tags": list(item.tags),
        "links": [
            {
                "relation": x.relation,
                "direction": "out" if x.outgoing else "in",
                "item": x.item_id,
                "entry": x.entry_id,
                "created_at": x.created_at,
                "created_by": x.created_by,
            }
            for x in item.links
        ],
        "notes": [
            {"author": n.author, "created_at": n.created_at, "text": n.text} for n in item.notes
        ],
        "title": item.title,
        "text": item.text,
        "desk_head": {"seq": head.seq, "hash": head.hash, "at": head.at},
    }


def write_jsonl(items: Iterable[PubItem], head: ChainHead, out: TextIO) -> int:
    """Write one JSON object per line as items come; how many lines."""
    n = 0
    for item in items:
        out.write(json.dumps(json_record(item, head), ensure_ascii=False))
        out.write("\n")
        n += 1
    return n
