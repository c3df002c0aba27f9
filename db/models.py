"""Plain frozen records returned by the store.

Nothing above `db/` ever sees a cursor, a `sqlite3.Row` or a sqlite-utils
table: every read comes back as one of these dataclasses, so the verbs, the
CLI and the widgets can be tested without a database and a PostgreSQL
backend can later return the same shapes.

The vocabulary (triage states, verdicts, relations, steps) lives in
`desk/vocab.py`; the store keeps whatever words the verbs validated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Media:
    """One attached picture, video or file, as the source described it."""

    url: str
    type: str = "unknown"
    alt: str | None = None


@dataclass(frozen=True, slots=True)
class ItemRow:
    """One line of the incoming list: only what a list row needs.

    Kept small on purpose: a page of these is fetched on every scroll.
    """

    id: int
    platform: str
    author_handle: str | None
    author_name: str | None
    posted_at: str | None
    posted_precision: str | None
    ingested_at: str
    sort_at: str
    triage: str
    verdict: str
    tags: tuple[str, ...]
    first_line: str


@dataclass(frozen=True, slots=True)
class Item:
    """An item with everything but its raw bytes (fetch those by sha256)."""

    id: int
    uuid: str
    kind: str
    platform: str
    platform_id: str | None
    url: str | None
    author_name: str | None
    author_handle: str | None
    author_url: str | None
    text: str
    title: str | None
    lang: str | None
    posted_at: str | None
    posted_precision: str | None
    posted_tz_known: bool
    captured_at: str | None
    ingested_at: str
    source_file: str | None
    source_format: str | None
    source_record: int | None
    raw_sha256: str | None
    media: tuple[Media, ...]
    extra: dict[str, Any]
    triage: str
    verdict: str
    verdict_reason: str | None
    story_id: int | None
    version: int
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ItemCopy:
    """One copy of an item's post the desk was given: its raw bytes (by sha256) and origin."""

    raw_sha256: str
    source_file: str | None
    source_format: str | None
    source_record: int | None
    ingested_at: str


@dataclass(frozen=True, slots=True)
class Link:
    """A typed relation from an item to another item or to a recap entry."""

    uuid: str
    src_id: int
    relation: str
    dst_item_id: int | None
    dst_entry_id: int | None
    created_at: str
    created_by: str


@dataclass(frozen=True, slots=True)
class Note:
    """An annotation on an item or a recap entry."""

    id: int
    uuid: str
    item_id: int | None
    entry_id: int | None
    author: str
    created_at: str
    text: str
    retracted: bool = False
    os_user: str | None = None
    """The OS account that wrote it; None on notes older than migration 0008."""


@dataclass(frozen=True, slots=True)
class Story:
    """What the desk covers. `reference_date` (ISO day) is what its recap's relative
    dates ("since December", "two days ago") are read against; by default the day the
    story was created."""

    id: int
    uuid: str
    slug: str
    title: str
    created_at: str
    reference_date: str = ""


@dataclass(frozen=True, slots=True)
class RecapSource:
    """An item linked `source-for` a recap entry, with its live verdict and triage."""

    item_id: int
    verdict: str
    triage: str
    platform: str
    author_name: str | None
    author_handle: str | None
    url: str | None


@dataclass(frozen=True, slots=True)
class RecapEntry:
    """One entry of a story's recap, with the date as people write it and what it means.

    `date_start`/`date_end` are inclusive ISO days (None: an open end; both
    None when the date is unreadable or absent, `readable` then False).
    `position` counts only when `pinned` (see `Store.recap` for the order).
    `version` grows with every change of the entry's content, for edits made
    from a stale copy; `updated_by` names who made the last one. `sources`
    and `notes` (live, oldest first) are read with the entry, in one query
    each for a whole recap.
    """

    id: int
    uuid: str
    story_id: int
    section: str
    position: int
    date_text: str | None
    date_start: str | None
    date_end: str | None
    headline: str
    body: str
    confidence: str
    source_item_ids: tuple[int, ...] = ()
    date_precision: str | None = None
    date_edtf: str | None = None
    readable: bool = False
    pinned: bool = False
    deleted_at: str | None = None
    version: int = 1
    created_at: str = ""
    updated_at: str | None = None
    updated_by: str | None = None
    sources: tuple[RecapSource, ...] = ()
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True, slots=True)
class CheckStep:
    """One step of an item's verification checklist."""

    item_id: int
    pillar: str
    position: int
    question: str
    status: str
    note: str | None
    evidence: tuple[str, ...]
    updated_at: str | None
    updated_by: str | None


@dataclass(frozen=True, slots=True)
class Event:
    """One recorded change: the audit trail and the feed of live refresh."""

    seq: int
    id: str
    at: str
    actor: str
    kind: str
    target: str | None
    payload: dict[str, Any]
    base_version: int | None
    prev_hash: str
    hash: str
    os_user: str | None = None
    """The OS account that wrote it (`db.whoami`); None on events older than migration 0008."""


@dataclass(frozen=True, slots=True)
class VerdictRow:
    """One verdict of the desk's settings (migration 0006; `desk.verdicts` reads them)."""

    name: str
    label: str
    letter: str
    key: str
    meaning: str
    position: int


@dataclass(frozen=True, slots=True)
class Counts:
    """Items per triage state and per verdict, kept up to date by triggers."""

    total: int
    triage: dict[str, int] = field(default_factory=dict)
    verdict: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ItemQuery:
    """What the incoming list asks for: a parsed filter, in store terms.

    `text` is an FTS5 query (already quoted by the caller); every other field
    narrows by an indexed column. `since` is an ISO UTC lower bound on
    `sort_at`.
    """

    text: str | None = None
    tags: tuple[str, ...] = ()
    not_tags: tuple[str, ...] = ()
    triage: tuple[str, ...] = ()
    verdict: tuple[str, ...] = ()
    platform: tuple[str, ...] = ()
    handle: tuple[str, ...] = ()
    since: str | None = None
    story_id: int | None = None
    show_discarded: bool = False
    ids: tuple[int, ...] = ()
    needs_verification: bool = False
    """Only kept items with a required step of their template not passed or n/a."""


@dataclass(frozen=True, slots=True)
class PageKey:
    """A keyset cursor: the (sort_at, id) of the last row of a page."""

    sort_at: str
    id: int


@dataclass(frozen=True, slots=True)
class VerifyProblem:
    """The first thing `verify` found wrong, named so a person can find it."""

    what: str
    where: str
    detail: str


@dataclass(frozen=True, slots=True)
class TemplateRecord:
    """A desk's own checklist template as stored: its TOML text, who added it and when."""

    name: str
    toml: str
    created_by: str
    created_at: str


@dataclass(frozen=True, slots=True)
class StepHistoryRow:
    """One change of a checklist step: who, when, from what state to what, with what."""

    id: int
    item_id: int
    step: str
    at: str
    actor: str
    before: str
    after: str
    note: str | None
    evidence_added: int
    os_user: str | None = None
    """The OS account that made the change; None before migration 0008."""


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """One piece of evidence on a step: a URL, a note, or a file kept in `blobs` by sha256."""

    id: int
    uuid: str
    item_id: int
    step: str
    kind: str
    value: str
    sha256: str | None
    size: int | None
    media_type: str | None
    added_by: str
    added_at: str


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One item of the verification queue, oldest first."""

    id: int
    sort_at: str
    triage: str
    verdict: str
    template: str | None
    line: str
