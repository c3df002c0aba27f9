"""Every write statement of the desk, usable only inside a transaction.

A `Writer` is handed out by `Store.transaction()` after `BEGIN IMMEDIATE`;
it never commits. The verbs in `desk/` call its methods and finish with
`append_event`, so a change and its record land together or not at all.

The methods live in one mixin per record (`db/writer_*.py`); the names
callers take from here are re-exported. Ids, the clock and the blob chunk
size are patched in `db.writer_base`, where the mixins read them.
"""

from __future__ import annotations

from db.clock import iso_micro

__all__ = [
    "BLOB_CHUNK",
    "ITEM_LOG_COLUMNS",
    "FileChangedError",
    "NewItem",
    "Writer",
    "_json_text",
    "_random_bytes",
    "_random_pool",
    "copy_columns",
    "extra_text",
    "iso_micro",
    "media_text",
    "new_uuid",
]

from db.writer_base import (
    BLOB_CHUNK,
    FileChangedError,
    NewItem,
    _json_text,
    _random_bytes,
    _random_pool,
    copy_columns,
    extra_text,
    media_text,
    new_uuid,
)
from db.writer_checks import CheckWrites
from db.writer_copies import CopyWrites
from db.writer_events import EventWrites
from db.writer_items import ITEM_LOG_COLUMNS, ItemWrites
from db.writer_links import LinkWrites
from db.writer_notes import NoteWrites
from db.writer_recap import RecapWrites


class Writer(EventWrites, ItemWrites, CopyWrites, LinkWrites, NoteWrites, RecapWrites, CheckWrites):
    """Write access to one open transaction."""
