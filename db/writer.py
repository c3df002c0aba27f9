"""Every write statement of the desk, usable only inside a transaction.

A `Writer` is handed out by `Store.transaction()` after `BEGIN IMMEDIATE`;
it never commits. The verbs in `desk/` call its methods and finish with
`append_event`, so a change and its record land together or not at all.
"""

from __future__ import annotations

import sys
import types
from typing import Any

from db import (
    writer_base,
    writer_checks,
    writer_copies,
    writer_events,
    writer_items,
    writer_links,
    writer_notes,
    writer_recap,
)
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


_SEAMS = frozenset({"BLOB_CHUNK", "iso_micro", "new_uuid"})
_MIXIN_MODULES = (
    writer_base,
    writer_checks,
    writer_copies,
    writer_events,
    writer_items,
    writer_links,
    writer_notes,
    writer_recap,
)


class _Seams(types.ModuleType):
    """`db.writer` as a module whose patched ids, clock and chunk size reach the mixins.

    Tests freeze ids and times with `monkeypatch.setattr(db.writer, "new_uuid", ...)`
    (likewise `iso_micro` and `BLOB_CHUNK`), which held while every method lived in
    this module. The methods now read those names from their own `db.writer_*`
    module, so setting one here sets it in each of them that has it as well.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name in _SEAMS:
            for module in _MIXIN_MODULES:
                if name in vars(module):
                    setattr(module, name, value)


sys.modules[__name__].__class__ = _Seams
