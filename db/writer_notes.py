"""The writer's tags and notes on items.

Separate because these are the small annotations an editor puts on an item.
"""

from __future__ import annotations

from db import writer_base
from db.models import Note
from db.writer_base import (
    WriterBase,
)


class NoteWrites(WriterBase):
    """Tags and notes."""

    # -- tags ---------------------------------------------------------------

    def add_tag(self, item_id: int, tag: str) -> bool:
        cursor = self._x(
            "INSERT INTO tags(item_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING", [item_id, tag]
        )
        return cursor.rowcount > 0

    def remove_tag(self, item_id: int, tag: str) -> bool:
        cursor = self._x("DELETE FROM tags WHERE item_id = ? AND tag = ?", [item_id, tag])
        return cursor.rowcount > 0

    def has_tag(self, item_id: int, tag: str) -> bool:
        return (
            self._x("SELECT 1 FROM tags WHERE item_id = ? AND tag = ?", [item_id, tag]).fetchone()
            is not None
        )

    # -- notes --------------------------------------------------------------

    def add_note(
        self, *, item_id: int | None, entry_id: int | None, author: str, text: str
    ) -> Note:
        note_uuid = writer_base.new_uuid()
        created = writer_base.iso_micro()
        cursor = self._x(
            "INSERT INTO notes(uuid, item_id, entry_id, author, created_at, text, os_user) "
            "VALUES (?,?,?,?,?,?,?)",
            [note_uuid, item_id, entry_id, author, created, text, self.os_user],
        )
        return Note(
            id=int(cursor.lastrowid or 0),
            uuid=note_uuid,
            item_id=item_id,
            entry_id=entry_id,
            author=author,
            created_at=created,
            text=text,
            os_user=self.os_user,
        )

    def set_note_retracted(self, note_uuid: str, retracted: bool) -> bool:
        return (
            self._x(
                "UPDATE notes SET retracted = ? WHERE uuid = ?", [int(retracted), note_uuid]
            ).rowcount
            > 0
        )
