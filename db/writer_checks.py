"""The writer's verification: verdicts, checklist steps, evidence, templates, saved filters.

Separate because the checklist and what backs it are one record family of their own.
"""

from __future__ import annotations

from collections.abc import Sequence

from db import queries, writer_base
from db.errors import NotFoundError
from db.models import EvidenceRow, VerdictRow
from db.rows import (
    EVIDENCE_COLUMNS,
    evidence_from_row,
)
from db.writer_base import (
    WriterBase,
)


class CheckWrites(WriterBase):
    """Verdicts, steps, evidence, templates and saved filters."""

    def verdicts(self) -> tuple[VerdictRow, ...]:
        """The desk's verdicts, read inside the transaction."""
        return queries.verdict_rows(self.conn)

    def verdict_use(self, name: str) -> int:
        """How many items carry this verdict now."""
        row = self._x("SELECT count(*) FROM items WHERE verdict = ?", [name]).fetchone()
        return int(row[0])

    def put_verdict(self, row: VerdictRow) -> None:
        """Add a verdict, or change the label, letter, key or place of one (verbs check)."""
        self._x(
            "INSERT INTO verdicts(name, label, letter, key, meaning, position)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET label = excluded.label,"
            " letter = excluded.letter, key = excluded.key, position = excluded.position",
            [row.name, row.label, row.letter, row.key, row.meaning, row.position],
        )

    def delete_verdict(self, name: str) -> None:
        """Drop a verdict no item carries (a trigger refuses one in use)."""
        self._x("DELETE FROM verdicts WHERE name = ?", [name])

    def step_state(self, item_id: int, step: str) -> tuple[str, str | None] | None:
        """`(status, note)` of a logged step, or None when it was never logged."""
        row = self._x(
            "SELECT status, note FROM check_steps WHERE item_id = ? AND pillar = ?",
            [item_id, step],
        ).fetchone()
        return (str(row[0]), row[1]) if row else None

    def step_states(self, item_id: int) -> dict[str, str]:
        """Every logged step of an item and its state, in the order they were placed."""
        return {
            str(r[0]): str(r[1])
            for r in self._x(
                "SELECT pillar, status FROM check_steps WHERE item_id = ? ORDER BY position, rowid",
                [item_id],
            ).fetchall()
        }

    def set_step(
        self,
        *,
        item_id: int,
        step: str,
        position: int,
        question: str,
        status: str,
        note: str | None,
        actor: str,
    ) -> None:
        """Set a step's state and note (its evidence lives in `evidence`, added, never replaced)."""
        self._x(
            "INSERT INTO check_steps(item_id, pillar, position, question, status, note, "
            "updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?) "
            "ON CONFLICT(item_id, pillar) DO UPDATE SET status = excluded.status, "
            "note = excluded.note, updated_at = excluded.updated_at, "
            "updated_by = excluded.updated_by",
            [item_id, step, position, question, status, note, writer_base.iso_micro(), actor],
        )

    def delete_step(self, item_id: int, step: str) -> None:
        """Forget a step logged once (its undo): it reads as `open` again; history stays."""
        self._x("DELETE FROM check_steps WHERE item_id = ? AND pillar = ?", [item_id, step])

    def add_step_history(
        self,
        *,
        item_id: int,
        step: str,
        actor: str,
        before: str,
        after: str,
        note: str | None,
        evidence_added: int,
    ) -> int:
        cursor = self._x(
            "INSERT INTO check_history(item_id, step, at, actor, before, after, note, "
            "evidence_added, os_user) VALUES (?,?,?,?,?,?,?,?,?)",
            [
                item_id,
                step,
                writer_base.iso_micro(),
                actor,
                before,
                after,
                note,
                evidence_added,
                self.os_user,
            ],
        )
        return int(cursor.lastrowid or 0)

    def add_evidence(
        self,
        *,
        item_id: int,
        step: str,
        form: str,
        value: str,
        actor: str,
        sha256: str | None = None,
        size: int | None = None,
        media_type: str | None = None,
    ) -> EvidenceRow:
        """Add evidence to a step; `form` is `url`, `note` or `file` (bytes in `blobs`)."""
        cursor = self._x(
            "INSERT INTO evidence(uuid, item_id, step, kind, value, sha256, size, media_type, "
            "added_by, added_at) VALUES (?,?,?,?,?,?,?,?,?,?) "
            f"RETURNING {EVIDENCE_COLUMNS}",
            [
                writer_base.new_uuid(),
                item_id,
                step,
                form,
                value,
                sha256,
                size,
                media_type,
                actor,
                writer_base.iso_micro(),
            ],
        )
        return evidence_from_row(cursor.fetchone())

    def retract_evidence(self, uuids: Sequence[str]) -> int:
        """Hide evidence (an undo); the row and its bytes stay in the desk."""
        n = 0
        for one in uuids:
            n += self._x("UPDATE evidence SET retracted = 1 WHERE uuid = ?", [one]).rowcount
        return n

    def item_templates(self, item_id: int) -> tuple[str | None, str | None]:
        """`(the item's own template, its story's)`; None where none was picked."""
        row = self._x(
            "SELECT i.template, s.template FROM items i LEFT JOIN stories s ON s.id = i.story_id "
            "WHERE i.id = ?",
            [item_id],
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no item {item_id}")
        return (None if row[0] is None else str(row[0])), (None if row[1] is None else str(row[1]))

    def set_item_template(self, item_id: int, name: str | None) -> None:
        self._x("UPDATE items SET template = ? WHERE id = ?", [name, item_id])

    def story_template(self, story_id: int) -> str | None:
        row = self._x("SELECT template FROM stories WHERE id = ?", [story_id]).fetchone()
        if row is None:
            raise NotFoundError(f"no story {story_id}")
        return None if row[0] is None else str(row[0])

    def set_story_template(self, story_id: int, name: str | None) -> None:
        self._x("UPDATE stories SET template = ? WHERE id = ?", [name, story_id])

    def story_items_following(self, story_id: int) -> tuple[list[int], list[int]]:
        """Items of a story that follow its template (none of their own):
        `(ids with logged steps, ids without)`."""
        logged: list[int] = []
        bare: list[int] = []
        for item_id, has in self._x(
            "SELECT id, EXISTS (SELECT 1 FROM check_steps c WHERE c.item_id = items.id) "
            "FROM items WHERE story_id = ? AND template IS NULL",
            [story_id],
        ).fetchall():
            (logged if has else bare).append(int(item_id))
        return logged, bare

    def set_checks_done_bare(self, story_id: int, done: bool) -> None:
        """`checks_done` for a story's items that follow its template and have no step logged."""
        self._x(
            "UPDATE items SET checks_done = ? WHERE story_id = ? AND template IS NULL "
            "AND checks_done <> ? AND NOT EXISTS "
            "(SELECT 1 FROM check_steps c WHERE c.item_id = items.id)",
            [int(done), story_id, int(done)],
        )

    def set_checks_done(self, item_id: int, done: bool) -> None:
        """Whether every required step is passed or n/a (what the queue and its count read)."""
        self._x(
            "UPDATE items SET checks_done = ? WHERE id = ? AND checks_done <> ?",
            [int(done), item_id, int(done)],
        )

    def template_toml(self, name: str) -> str | None:
        row = self._x("SELECT toml FROM checklist_templates WHERE name = ?", [name]).fetchone()
        return str(row[0]) if row else None

    def add_template(self, name: str, toml: str, actor: str) -> None:
        self._x(
            "INSERT INTO checklist_templates(name, toml, created_by, created_at) VALUES (?,?,?,?)",
            [name, toml, actor, writer_base.iso_micro()],
        )

    def delete_template(self, name: str) -> None:
        self._x("DELETE FROM checklist_templates WHERE name = ?", [name])

    def template_users(self, name: str) -> tuple[int, int]:
        """`(stories, items)` that picked the template."""
        stories = self._x("SELECT count(*) FROM stories WHERE template = ?", [name]).fetchone()
        items = self._x("SELECT count(*) FROM items WHERE template = ?", [name]).fetchone()
        return int(stories[0]), int(items[0])

    def save_filter(self, name: str, expr: str, actor: str) -> None:
        self._x(
            "INSERT INTO saved_filters(name, expr, created_by, created_at) VALUES (?,?,?,?) "
            "ON CONFLICT(name) DO UPDATE SET expr = excluded.expr",
            [name, expr, actor, writer_base.iso_micro()],
        )
