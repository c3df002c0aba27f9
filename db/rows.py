"""Rows to records: each table's column list and the function that reads it.

A converter reads its row by position, so each one sits beside the column
list whose order it depends on: a column added to one and not the other
shows in one screenful, not as a wrong field three modules away. Nothing
here runs SQL: `db.store` and `db.writer` select these columns and hand the
rows over, so both sides build the same record from the same row.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from db.models import (
    CheckStep,
    Event,
    EvidenceRow,
    Item,
    ItemRow,
    Link,
    Media,
    Note,
    RecapEntry,
    RecapSource,
    StepHistoryRow,
)

ITEM_COLUMNS = (
    "id, uuid, kind, platform, platform_id, url, author_name, author_handle, author_url, "
    "text, title, lang, posted_at, posted_precision, posted_tz_known, captured_at, "
    "ingested_at, source_file, source_format, source_record, raw_sha256, media, extra, "
    "triage, verdict, verdict_reason, story_id, version"
)
ROW_COLUMNS = (
    "items.id, items.platform, items.author_handle, items.author_name, items.posted_at, "
    "items.posted_precision, items.ingested_at, items.sort_at, items.triage, items.verdict, "
    "coalesce(nullif(trim(items.title), ''), substr(items.text, 1, 240))"
)
"""A list row's line is the item's title when it has one (a feed entry, an article, a
fact-check: their text is the description or body), else the text's first line."""


def first_line(text: str) -> str:
    """The first non-blank line, stripped: what a list row shows of a text."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def item_row_from_row(r: Sequence[Any], tags: tuple[str, ...]) -> ItemRow:
    """A list row from `ROW_COLUMNS`."""
    return ItemRow(
        id=r[0],
        platform=r[1],
        author_handle=r[2],
        author_name=r[3],
        posted_at=r[4],
        posted_precision=r[5],
        ingested_at=r[6],
        sort_at=r[7],
        triage=r[8],
        verdict=r[9],
        tags=tags,
        first_line=first_line(r[10] or ""),
    )


def item_from_row(row: Sequence[Any], tags: tuple[str, ...]) -> Item:
    media = tuple(
        Media(url=m.get("url", ""), type=m.get("type", "unknown"), alt=m.get("alt"))
        for m in json.loads(row[21] or "[]")
    )
    return Item(
        id=row[0],
        uuid=row[1],
        kind=row[2],
        platform=row[3],
        platform_id=row[4],
        url=row[5],
        author_name=row[6],
        author_handle=row[7],
        author_url=row[8],
        text=row[9],
        title=row[10],
        lang=row[11],
        posted_at=row[12],
        posted_precision=row[13],
        posted_tz_known=bool(row[14]),
        captured_at=row[15],
        ingested_at=row[16],
        source_file=row[17],
        source_format=row[18],
        source_record=row[19],
        raw_sha256=row[20],
        media=media,
        extra=json.loads(row[22] or "{}"),
        triage=row[23],
        verdict=row[24],
        verdict_reason=row[25],
        story_id=row[26],
        version=row[27],
        tags=tags,
    )


LINK_COLUMNS = "uuid, src_id, relation, dst_item_id, dst_entry_id, created_at, created_by"


def link_from_row(r: Sequence[Any]) -> Link:
    return Link(
        uuid=r[0],
        src_id=r[1],
        relation=r[2],
        dst_item_id=r[3],
        dst_entry_id=r[4],
        created_at=r[5],
        created_by=r[6],
    )


EVENT_COLUMNS = "seq, id, at, actor, kind, target, payload, base_version, prev_hash, hash, os_user"


def event_from_row(row: Sequence[Any]) -> Event:
    return Event(
        seq=row[0],
        id=row[1],
        at=row[2],
        actor=row[3],
        kind=row[4],
        target=row[5],
        payload=json.loads(row[6]),
        base_version=row[7],
        prev_hash=row[8],
        hash=row[9],
        os_user=row[10],
    )


NOTE_COLUMNS = "id, uuid, item_id, entry_id, author, created_at, text, retracted, os_user"
NOTE_COLUMNS_N = ", ".join("n." + c.strip() for c in NOTE_COLUMNS.split(","))
"""`NOTE_COLUMNS` from `notes n`, for reads that join the notes to their entries."""


def note_from_row(r: Sequence[Any]) -> Note:
    return Note(
        id=r[0],
        uuid=r[1],
        item_id=r[2],
        entry_id=r[3],
        author=r[4],
        created_at=r[5],
        text=r[6],
        retracted=bool(r[7]),
        os_user=r[8],
    )


ENTRY_COLUMNS = (
    "id, uuid, story_id, section, position, date_text, date_start, date_end, headline, body, "
    "confidence, date_precision, date_edtf, readable, pinned, deleted_at, version, created_at, "
    "updated_at, updated_by"
)
REFERENCE_DATE = "coalesce(reference_date, substr(created_at, 1, 10))"
"""The day a story's fuzzy dates are read against: as set, else the day it was made."""
STORY_COLUMNS = f"id, uuid, slug, title, created_at, {REFERENCE_DATE}"
SOURCE_COLUMNS = "i.id, i.verdict, i.triage, i.platform, i.author_name, i.author_handle, i.url"
"""A recap source (`RecapSource`, in field order) from `items i`."""


def recap_entry_from_row(
    r: Sequence[Any], sources: tuple[RecapSource, ...] = (), notes: tuple[Note, ...] = ()
) -> RecapEntry:
    return RecapEntry(
        id=r[0],
        uuid=r[1],
        story_id=r[2],
        section=r[3],
        position=r[4],
        date_text=r[5],
        date_start=r[6],
        date_end=r[7],
        headline=r[8],
        body=r[9],
        confidence=r[10],
        source_item_ids=tuple(s.item_id for s in sources),
        date_precision=r[11],
        date_edtf=r[12],
        readable=bool(r[13]),
        pinned=bool(r[14]),
        deleted_at=r[15],
        version=r[16],
        created_at=r[17],
        updated_at=r[18],
        updated_by=r[19],
        sources=sources,
        notes=notes,
    )


def place_pinned(unpinned: Sequence[RecapEntry], pinned: Sequence[RecapEntry]) -> list[RecapEntry]:
    """One section's order: the unpinned entries as given, each pinned one at its slot.

    The rule: pinned entries are taken by (position, id) and each is put at
    index `position` of the list built so far, or at its end when the list
    is shorter. So a pinned entry holds its 0-based slot in the section
    while entries are added, edited or deleted around it (the unpinned ones
    flow through the other slots in date order); two pinned at one slot
    keep their (position, id) order; one whose slot is past the end (the
    entries above it were deleted) comes last.
    """
    out = list(unpinned)
    for entry in sorted(pinned, key=lambda e: (e.position, e.id)):
        out.insert(min(max(entry.position, 0), len(out)), entry)
    return out


CHECK_COLUMNS = (
    "item_id, pillar, position, question, status, note, evidence, updated_at, updated_by"
)


def check_step_from_row(r: Sequence[Any]) -> CheckStep:
    return CheckStep(
        item_id=r[0],
        pillar=r[1],
        position=r[2],
        question=r[3],
        status=r[4],
        note=r[5],
        evidence=tuple(json.loads(r[6] or "[]")),
        updated_at=r[7],
        updated_by=r[8],
    )


HISTORY_COLUMNS = "id, item_id, step, at, actor, before, after, note, evidence_added, os_user"


def history_from_row(r: Sequence[Any]) -> StepHistoryRow:
    return StepHistoryRow(
        id=int(r[0]),
        item_id=int(r[1]),
        step=str(r[2]),
        at=str(r[3]),
        actor=str(r[4]),
        before=str(r[5]),
        after=str(r[6]),
        note=r[7],
        evidence_added=int(r[8]),
        os_user=r[9],
    )


EVIDENCE_COLUMNS = (
    "id, uuid, item_id, step, kind, value, sha256, size, media_type, added_by, added_at"
)


def evidence_from_row(r: Sequence[Any]) -> EvidenceRow:
    return EvidenceRow(
        id=int(r[0]),
        uuid=str(r[1]),
        item_id=int(r[2]),
        step=str(r[3]),
        kind=str(r[4]),
        value=str(r[5]),
        sha256=r[6],
        size=None if r[7] is None else int(r[7]),
        media_type=r[8],
        added_by=str(r[9]),
        added_at=str(r[10]),
    )
