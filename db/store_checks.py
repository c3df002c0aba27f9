"""The store's reads of verification: checklists, templates, step history, evidence, the queue.

Separate because the verification queue and what backs a check are one record family.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from typing import Any

from db.errors import NotFoundError
from db.models import (
    CheckStep,
    EvidenceRow,
    QueueRow,
    StepHistoryRow,
    TemplateRecord,
)
from db.rows import (
    CHECK_COLUMNS,
    EVIDENCE_COLUMNS,
    HISTORY_COLUMNS,
    check_step_from_row,
    evidence_from_row,
    history_from_row,
)
from db.store_base import (
    QUEUE_WHERE,
    StoreBase,
)


class CheckReads(StoreBase):
    """Checklists, templates, step history, evidence, the verification queue and blob streaming."""

    def checklist(
        self,
        item_id: int,
        template: Sequence[tuple[str, str]] = (),
        *,
        with_evidence: bool = True,
    ) -> list[CheckStep]:
        """An item's logged steps, with the `(step, question)`s of `template` not yet
        logged filled in as open, in the template's order, then any others.

        Each step's `evidence` is what early desks kept on the step (text), then,
        `with_evidence`, what the `evidence` table holds for it, oldest first: a URL
        or a note as it is, a file as `name (sha256 HEX)`.
        """
        rows = self._all(
            f"SELECT {CHECK_COLUMNS} FROM check_steps WHERE item_id = ? ORDER BY position",
            [item_id],
        )
        steps = [check_step_from_row(r) for r in rows]
        if with_evidence:
            extra: dict[str, list[str]] = {}
            for row in self.evidence_of(item_id):
                text = f"{row.value} (sha256 {row.sha256})" if row.sha256 else row.value
                extra.setdefault(row.step, []).append(text)
            steps = [
                dataclasses.replace(step, evidence=step.evidence + tuple(extra[step.pillar]))
                if step.pillar in extra
                else step
                for step in steps
            ]
        by_pillar = {step.pillar: step for step in steps}
        out: list[CheckStep] = []
        for position, (pillar, question) in enumerate(template):
            logged = by_pillar.pop(pillar, None)
            out.append(
                logged
                or CheckStep(
                    item_id=item_id,
                    pillar=pillar,
                    position=position,
                    question=question,
                    status="open",
                    note=None,
                    evidence=(),
                    updated_at=None,
                    updated_by=None,
                )
            )
        out.extend(sorted(by_pillar.values(), key=lambda s: s.position))
        return out

    # -- verification: templates, step history, evidence, the queue ---------

    def templates(self) -> list[TemplateRecord]:
        """The desk's own checklist templates (the built-ins live in `desk.checklists`)."""
        return [
            TemplateRecord(*r)
            for r in self._all(
                "SELECT name, toml, created_by, created_at FROM checklist_templates ORDER BY name"
            )
        ]

    def template_record(self, name: str) -> TemplateRecord | None:
        r = self._one(
            "SELECT name, toml, created_by, created_at FROM checklist_templates WHERE name = ?",
            [name],
        )
        return TemplateRecord(*r) if r else None

    def item_template_names(self, item_id: int) -> tuple[str | None, str | None]:
        """`(the item's own template, its story's)`; None where none was picked."""
        r = self._one(
            "SELECT i.template, s.template FROM items i LEFT JOIN stories s ON s.id = i.story_id "
            "WHERE i.id = ?",
            [item_id],
        )
        if r is None:
            raise NotFoundError(f"no item {item_id}")
        return r[0], r[1]

    def story_template(self, story_id: int) -> str | None:
        r = self._one("SELECT template FROM stories WHERE id = ?", [story_id])
        if r is None:
            raise NotFoundError(f"no story {story_id}")
        return None if r[0] is None else str(r[0])

    def step_history(self, item_id: int) -> list[StepHistoryRow]:
        """Every change of an item's steps, oldest first."""
        return [
            history_from_row(r)
            for r in self._all(
                f"SELECT {HISTORY_COLUMNS} FROM check_history WHERE item_id = ? ORDER BY id",
                [item_id],
            )
        ]

    def evidence_of(self, item_id: int) -> list[EvidenceRow]:
        """An item's evidence (retracted by an undo left out), oldest first."""
        return [
            evidence_from_row(r)
            for r in self._all(
                f"SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE item_id = ? AND retracted = 0 "
                "ORDER BY id",
                [item_id],
            )
        ]

    def evidence_by_sha(self, sha256: str) -> list[EvidenceRow]:
        return [
            evidence_from_row(r)
            for r in self._all(
                f"SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE sha256 = ? ORDER BY id", [sha256]
            )
        ]

    def queue(self, *, after: int | None = None, limit: int = 100) -> list[QueueRow]:
        """Kept items with a required step open, oldest first (by the list's key), a page.

        `after` is the sort key of the last row of the previous page; the
        partial index `items_queue` makes every page cost the same.
        """
        sql = (
            "SELECT items.id, items.sort_at, items.triage, items.verdict, items.template, "
            "coalesce(nullif(trim(items.title), ''), substr(items.text, 1, 240)), items.sort_key "
            # The planner alone picks the triage index and skips every kept item that is done.
            f"FROM items INDEXED BY items_queue WHERE {QUEUE_WHERE}"
        )
        params: list[Any] = []
        if after is not None:
            sql += " AND items.sort_key > ?"
            params.append(after)
        sql += " ORDER BY items.sort_key LIMIT ?"
        params.append(limit)
        return [QueueRow(*r[:6]) for r in self._all(sql, params)]

    def queue_key(self, item_id: int) -> int:
        """An item's place in the queue's order (for `queue(after=...)`)."""
        r = self._one("SELECT sort_key FROM items WHERE id = ?", [item_id])
        if r is None:
            raise NotFoundError(f"no item {item_id}")
        return int(r[0])

    def queue_count(self, story_id: int | None = None) -> int:
        """How many items the queue holds: read from a counter kept by triggers (one row per
        story), so it costs the same on any desk; a header may ask on every refresh."""
        if story_id is None:
            r = self._one("SELECT sum(n) FROM item_counts WHERE dim = 'queue'")
        else:
            r = self._one(
                "SELECT n FROM item_counts WHERE dim = 'queue' AND story_id = ?", [story_id]
            )
        return int(r[0] or 0) if r else 0

    def blob_size(self, sha256: str) -> int | None:
        r = self._one("SELECT size FROM blobs WHERE sha256 = ?", [sha256])
        return int(r[0]) if r else None

    def blob_chunks(self, sha256: str, chunk: int = 1 << 20) -> Iterator[bytes]:
        """A stored blob's bytes a chunk at a time (evidence may be large: never whole)."""
        r = self._one("SELECT rowid, length(data) FROM blobs WHERE sha256 = ?", [sha256])
        if r is None:
            raise NotFoundError(f"no stored bytes with sha256 {sha256}")
        rowid, length = int(r[0]), int(r[1] or 0)
        done = 0
        while done < length:
            with self.lock, self.conn.blobopen("blobs", "data", rowid, readonly=True) as blob:
                blob.seek(done)
                data = blob.read(min(chunk, length - done))
            if not data:
                break
            done += len(data)
            yield data
