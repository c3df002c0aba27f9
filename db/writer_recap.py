"""The writer's stories and their recap: entries, sections, dates and versions.

Separate because a story's recap is a record with its own ordering and conflicts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from db import queries, writer_base
from db.errors import ConflictError, NotFoundError
from db.rows import (
    REFERENCE_DATE,
)
from db.writer_base import (
    WriterBase,
)


class RecapWrites(WriterBase):
    """Stories, recap entries and recap sections."""

    # -- stories, recap, checklist, filters ---------------------------------

    def create_story(self, slug: str, title: str, reference_date: str | None = None) -> int:
        """The story with this slug (made when new); `reference_date` defaults to today (UTC)."""
        row = self._x("SELECT id FROM stories WHERE slug = ?", [slug]).fetchone()
        if row:
            return int(row[0])
        created = writer_base.iso_micro()
        cursor = self._x(
            "INSERT INTO stories(uuid, slug, title, created_at, reference_date) VALUES (?,?,?,?,?)",
            [writer_base.new_uuid(), slug, title, created, reference_date or created[:10]],
        )
        return int(cursor.lastrowid or 0)

    def story_fields(self, story_id: int) -> tuple[str, str, str]:
        """`(slug, title, reference_date)` of a story, read inside the transaction."""
        row = self._x(
            f"SELECT slug, title, {REFERENCE_DATE} FROM stories WHERE id = ?",
            [story_id],
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no story {story_id}")
        return str(row[0]), str(row[1]), str(row[2])

    def update_story(self, story_id: int, *, title: str, reference_date: str) -> None:
        self._x(
            "UPDATE stories SET title = ?, reference_date = ? WHERE id = ?",
            [title, reference_date, story_id],
        )

    def add_recap_entry(
        self,
        *,
        story_id: int,
        section: str,
        headline: str,
        body: str = "",
        date_text: str | None = None,
        reading: Sequence[Any] | None = None,
        confidence: str = "reported",
        actor: str | None = None,
    ) -> int:
        """A new, unpinned entry; `reading` is `ENTRY_READING`'s seven values (None: no date)."""
        row = self._x(
            "SELECT coalesce(max(position), -1) + 1 FROM recap_entries "
            "WHERE story_id = ? AND section = ?",
            [story_id, section],
        ).fetchone()
        values = list(reading) if reading is not None else [None] * 4 + [False, None, None]
        created = writer_base.iso_micro()
        cursor = self._x(
            "INSERT INTO recap_entries(uuid, story_id, section, position, date_text, headline, "
            "body, confidence, created_at, updated_at, updated_by, date_start, date_end, "
            "date_precision, date_edtf, readable, sort_start, sort_width) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                writer_base.new_uuid(),
                story_id,
                section,
                int(row[0]),
                date_text,
                headline,
                body,
                confidence,
                created,
                created,
                actor,
                values[0],
                values[1],
                values[2],
                values[3],
                int(bool(values[4])),
                values[5],
                values[6],
            ],
        )
        return int(cursor.lastrowid or 0)

    def now_iso(self) -> str:
        """The time a verb records (deleted_at ...), by the one clock every write uses."""
        return writer_base.iso_micro()

    def entry_exists(self, entry_id: int) -> bool:
        return (
            self._x("SELECT 1 FROM recap_entries WHERE id = ?", [entry_id]).fetchone() is not None
        )

    _ENTRY_FIELDS = (
        "story_id, section, position, pinned, date_text, headline, body, confidence, "
        "version, deleted_at, updated_by, updated_at, uuid, created_at"
    )

    def entry_state(self, entry_id: int) -> dict[str, Any]:
        """An entry's editable state, read inside the transaction (raises NotFoundError)."""
        row = self._x(
            f"SELECT {self._ENTRY_FIELDS} FROM recap_entries WHERE id = ?", [entry_id]
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no recap entry {entry_id}")
        names = [n.strip() for n in self._ENTRY_FIELDS.split(",")]
        state = dict(zip(names, row, strict=True))
        state["pinned"] = bool(state["pinned"])
        return state

    def check_entry_version(self, entry_id: int, expected: int) -> None:
        """Refuse a change made from a stale copy, naming who changed the entry since."""
        state = self.entry_state(entry_id)
        if state["version"] != expected:
            who = state["updated_by"] or "someone"
            when = (
                f" at {state['updated_at'][:19].replace('T', ' ')}" if state["updated_at"] else ""
            )
            raise ConflictError(
                f"recap entry {entry_id} was changed by {who}{when} (version {state['version']},"
                f" you saw {expected}): read it again and redo the edit"
            )

    def update_recap_entry(
        self,
        entry_id: int,
        fields: Mapping[str, Any],
        *,
        actor: str,
        reading: Sequence[Any] | None = None,
        bump: bool = True,
    ) -> int:
        """Set content fields (and the date's reading); the new version.

        `reading`: `(start, end, precision, edtf, readable, sort_start,
        sort_width)` for the entry's date, written with a `date_text` change
        or a re-reading. `bump=False` for placement changes (section, pin,
        delete), which do not make a concurrent text edit stale.
        """
        allowed = {
            "section",
            "position",
            "pinned",
            "date_text",
            "headline",
            "body",
            "confidence",
            "deleted_at",
        }
        if not set(fields) <= allowed:
            raise ValueError(f"cannot update {sorted(set(fields) - allowed)}")
        columns = dict(fields)
        if "pinned" in columns:
            columns["pinned"] = int(bool(columns["pinned"]))
        if reading is not None:
            keys = (
                "date_start",
                "date_end",
                "date_precision",
                "date_edtf",
                "readable",
                "sort_start",
                "sort_width",
            )
            columns.update(zip(keys, reading, strict=True))
            columns["readable"] = int(bool(columns["readable"]))
        assignments = [f"{k} = ?" for k in columns]
        if bump:
            assignments += ["version = version + 1", "updated_by = ?", "updated_at = ?"]
        params = [*columns.values()]
        if bump:
            params += [actor, writer_base.iso_micro()]
        cursor = self._x(
            f"UPDATE recap_entries SET {', '.join(assignments)} WHERE id = ? RETURNING version",
            [*params, entry_id],
        )
        row = cursor.fetchone()
        if row is None:
            raise NotFoundError(f"no recap entry {entry_id}")
        return int(row[0])

    def story_entries_with_dates(self, story_id: int) -> list[tuple[int, str]]:
        """`(id, date_text)` of every entry of a story that has a date, deleted ones too."""
        return [
            (int(r[0]), str(r[1]))
            for r in self._x(
                "SELECT id, date_text FROM recap_entries WHERE story_id = ? "
                "AND date_text IS NOT NULL AND date_text <> '' ORDER BY id",
                [story_id],
            ).fetchall()
        ]

    def entry_reading(self, entry_id: int) -> tuple[Any, ...]:
        row = self._x(
            "SELECT date_start, date_end, date_precision, date_edtf, readable, sort_start, "
            "sort_width FROM recap_entries WHERE id = ?",
            [entry_id],
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no recap entry {entry_id}")
        return (row[0], row[1], row[2], row[3], bool(row[4]), row[5], row[6])

    def recap_sections(self) -> tuple[str, ...]:
        """The desk's recap template, read inside the transaction."""
        return queries.recap_sections(self.conn)

    def section_entry_counts(self) -> dict[str, int]:
        """Live recap entries per section, over every story."""
        return queries.section_entry_counts(self.conn)

    def set_recap_sections(self, names: Sequence[str]) -> None:
        """Make `names` the recap template, in that order (the verbs checked them)."""
        self._x("DELETE FROM recap_sections")
        for position, name in enumerate(names):
            self._x("INSERT INTO recap_sections(name, position) VALUES (?, ?)", [name, position])

    def rename_recap_section(self, old: str, new: str) -> list[int]:
        """Rename a section in the template (same place) and file its entries under the new name.

        Every entry filed under `old` moves, deleted ones too (so undoing a
        delete brings the entry back under the name its section has now);
        no entry's version changes, as with any placement. The entries moved.
        """
        self._x("UPDATE recap_sections SET name = ? WHERE name = ?", [new, old])
        moved = [
            int(r[0])
            for r in self._x(
                "UPDATE recap_entries SET section = ? WHERE section = ? RETURNING id", [new, old]
            ).fetchall()
        ]
        return sorted(moved)
