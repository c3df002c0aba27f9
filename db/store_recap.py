"""The store's reads of stories, their recap and saved filters.

Separate because a story's recap (its sections and order) is a record of its own.
"""

from __future__ import annotations

from typing import Any

from db import queries
from db.errors import NotFoundError
from db.models import (
    Note,
    RecapEntry,
    RecapSource,
    Story,
    VerdictRow,
)
from db.rows import (
    ENTRY_COLUMNS,
    NOTE_COLUMNS,
    NOTE_COLUMNS_N,
    SOURCE_COLUMNS,
    STORY_COLUMNS,
    note_from_row,
    place_pinned,
    recap_entry_from_row,
)
from db.store_base import (
    _SECTION_RANK,
    BUILTIN_FILTERS,
    StoreBase,
)


class RecapReads(StoreBase):
    """Stories, recap entries and saved filters."""

    # -- stories, recap, checklist -----------------------------------------

    def stories(self) -> list[Story]:
        return [Story(*r) for r in self._all(f"SELECT {STORY_COLUMNS} FROM stories ORDER BY id")]

    def story_by_slug(self, slug: str) -> Story | None:
        r = self._one(f"SELECT {STORY_COLUMNS} FROM stories WHERE slug = ?", [slug])
        return Story(*r) if r else None

    def story(self, story_id: int) -> Story:
        r = self._one(f"SELECT {STORY_COLUMNS} FROM stories WHERE id = ?", [story_id])
        if r is None:
            raise NotFoundError(f"no story {story_id}")
        return Story(*r)

    def recap_sections(self) -> tuple[str, ...]:
        """The desk's recap template: every section a recap shows, in order, empty ones too.

        What a pane lists (so an empty recap can offer "add to Background")
        and what the verbs check a section against. A recap may still hold
        entries filed under a section not in it (a desk edited by hand):
        `recap` puts those after the template's, by name.
        """
        with self.lock:
            return queries.recap_sections(self.conn)

    def verdicts(self) -> tuple[VerdictRow, ...]:
        """The desk's verdicts in chooser order: names, labels, letters, meanings."""
        with self.lock:
            return queries.verdict_rows(self.conn)

    def recap_section_counts(self) -> dict[str, int]:
        """Live recap entries per section, over every story (what removing one would orphan)."""
        with self.lock:
            return queries.section_entry_counts(self.conn)

    def recap(self, story_id: int, *, section: str | None = None) -> list[RecapEntry]:
        """A story's live (not deleted) recap entries, in the order a page shows them.

        Sections in the desk's template order (`recap_sections`; others after,
        by name). Within a section, by the entry's date interval as the verbs
        keyed it (`desk.recap_dates.sort_key`): by start (an interval open at
        the start first), ties by width (narrower first, an open end widest),
        then by the date as written and by id; entries with no date or an
        unreadable one last, in the order they were added. Entries moved by
        hand are pinned: `place_pinned` puts each back at its slot.

        Each entry carries its sources (items linked `source-for`) with their
        live verdict and triage, and its live notes, oldest first: one query
        each for the whole recap.
        """
        conds = ["story_id = ?", "deleted_at IS NULL"]
        params: list[Any] = [story_id]
        if section is not None:
            conds.append("section = ?")
            params.append(section)
        where = " AND ".join(conds)
        where_e = " AND ".join("e." + c for c in conds)
        rows = self._all(
            f"SELECT {ENTRY_COLUMNS} FROM recap_entries WHERE {where} "
            f"ORDER BY {_SECTION_RANK}, section, sort_start IS NULL, sort_start, sort_width, "
            "date_text, id",
            params,
        )
        sources: dict[int, list[RecapSource]] = {}
        for r in self._all(
            f"SELECT l.dst_entry_id, {SOURCE_COLUMNS} FROM recap_entries e "
            "JOIN links l ON l.dst_entry_id = e.id AND l.relation = 'source-for' "
            f"JOIN items i ON i.id = l.src_id WHERE {where_e} "
            "ORDER BY l.dst_entry_id, l.rowid",
            params,
        ):
            sources.setdefault(r[0], []).append(RecapSource(*r[1:]))
        notes: dict[int, list[Note]] = {}
        for r in self._all(
            f"SELECT {NOTE_COLUMNS_N} FROM recap_entries e "
            f"JOIN notes n ON n.entry_id = e.id AND n.retracted = 0 WHERE {where_e} "
            "ORDER BY n.entry_id, n.id",
            params,
        ):
            notes.setdefault(r[3], []).append(note_from_row(r))
        out: list[RecapEntry] = []
        index = 0
        while index < len(rows):
            name = rows[index][3]
            unpinned: list[RecapEntry] = []
            pinned: list[RecapEntry] = []
            while index < len(rows) and rows[index][3] == name:
                entry_id = rows[index][0]
                entry = recap_entry_from_row(
                    rows[index],
                    tuple(sources.get(entry_id, ())),
                    tuple(notes.get(entry_id, ())),
                )
                (pinned if entry.pinned else unpinned).append(entry)
                index += 1
            out.extend(place_pinned(unpinned, pinned))
        return out

    def recap_entry(self, entry_id: int) -> RecapEntry:
        """One entry, deleted or not (`deleted_at` says), with its sources and live notes."""
        r = self._one(f"SELECT {ENTRY_COLUMNS} FROM recap_entries WHERE id = ?", [entry_id])
        if r is None:
            raise NotFoundError(f"no recap entry {entry_id}")
        sources = tuple(
            RecapSource(*s)
            for s in self._all(
                f"SELECT {SOURCE_COLUMNS} FROM links l JOIN items i ON i.id = l.src_id "
                "WHERE l.dst_entry_id = ? AND l.relation = 'source-for' ORDER BY l.rowid",
                [entry_id],
            )
        )
        return recap_entry_from_row(r, sources, tuple(self.entry_notes(entry_id)))

    def entry_notes(self, entry_id: int, *, include_retracted: bool = False) -> list[Note]:
        """The notes on a recap entry, oldest first (retracted ones only when asked)."""
        sql = f"SELECT {NOTE_COLUMNS} FROM notes WHERE entry_id = ?"
        if not include_retracted:
            sql += " AND retracted = 0"
        return [note_from_row(r) for r in self._all(sql + " ORDER BY id", [entry_id])]

    def saved_filters(self) -> list[tuple[str, str]]:
        """The desk's saved filters by name, the built-in ones (`BUILTIN_FILTERS`) included."""
        builtin = dict(BUILTIN_FILTERS)
        saved = [
            (r[0], r[1])
            for r in self._all("SELECT name, expr FROM saved_filters ORDER BY name")
            if r[0] not in builtin
        ]
        return sorted([*BUILTIN_FILTERS, *saved])
