"""The writer's links between items and the pending links waiting for their other end.

Separate because links (and their resolution on ingest) are a record of their own.
"""

from __future__ import annotations

from db import writer_base
from db.models import Link
from db.rows import (
    LINK_COLUMNS,
    link_from_row,
)
from db.writer_base import (
    WriterBase,
)


class LinkWrites(WriterBase):
    """Links and pending links."""

    # -- links --------------------------------------------------------------

    def add_link(
        self,
        *,
        src_id: int,
        relation: str,
        dst_item_id: int | None,
        dst_entry_id: int | None,
        actor: str,
        uuid: str | None = None,
    ) -> Link | None:
        """Make a link; None when the same link already exists."""
        link = Link(
            uuid=uuid or writer_base.new_uuid(),
            src_id=src_id,
            relation=relation,
            dst_item_id=dst_item_id,
            dst_entry_id=dst_entry_id,
            created_at=writer_base.iso_micro(),
            created_by=actor,
        )
        cursor = self._x(
            "INSERT INTO links(uuid, src_id, relation, dst_item_id, dst_entry_id, created_at, "
            "created_by) VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
            [
                link.uuid,
                link.src_id,
                link.relation,
                link.dst_item_id,
                link.dst_entry_id,
                link.created_at,
                link.created_by,
            ],
        )
        return link if cursor.rowcount > 0 else None

    def links_between(self, a: int, b: int) -> list[Link]:
        """The links from item a to item b and from b to a, oldest first."""
        rows = self._x(
            f"SELECT {LINK_COLUMNS} FROM links "
            "WHERE (src_id = ? AND dst_item_id = ?) OR (src_id = ? AND dst_item_id = ?) "
            "ORDER BY created_at, uuid",
            [a, b, b, a],
        ).fetchall()
        return [link_from_row(row) for row in rows]

    def remove_link(self, uuid: str) -> bool:
        return self._x("DELETE FROM links WHERE uuid = ?", [uuid]).rowcount > 0

    def add_pending_link(
        self,
        *,
        src_id: int,
        relation: str,
        platform: str | None,
        platform_id: str | None,
        url: str | None,
    ) -> None:
        """Remember a link to an item not in the desk yet; made when it arrives."""
        self._pending_empty = False
        self._x(
            "INSERT INTO pending_links(src_id, relation, platform, platform_id, url) "
            "VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING",
            [src_id, relation, platform or "", platform_id or "", url or ""],
        )

    def resolve_pending(
        self, *, item_id: int, platform: str, platform_id: str | None, url: str | None, actor: str
    ) -> list[Link]:
        """Make the links that were waiting for this item."""
        # Only the keys this item has: matching `platform_id = ''` or `url = ''`
        # would walk every pending link stored without one (quadratic ingest).
        clauses: list[str] = []
        params: list[str] = []
        if platform_id:
            clauses.append("(platform = ? AND platform_id = ?)")
            params += [platform, platform_id]
        if url:
            clauses.append("url = ?")
            params.append(url)
        if not clauses:
            return []
        if self._pending_empty is None:
            row = self._x("SELECT EXISTS (SELECT 1 FROM pending_links)").fetchone()
            self._pending_empty = not row[0]
        if self._pending_empty:
            return []
        rows = self._x(
            "SELECT src_id, relation, platform, platform_id, url FROM pending_links WHERE "
            + " OR ".join(clauses),
            params,
        ).fetchall()
        made: list[Link] = []
        for src_id, relation, p, pid, u in rows:
            if src_id != item_id:
                link = self.add_link(
                    src_id=src_id,
                    relation=relation,
                    dst_item_id=item_id,
                    dst_entry_id=None,
                    actor=actor,
                )
                if link is not None:
                    made.append(link)
            self._x(
                "DELETE FROM pending_links WHERE src_id = ? AND relation = ? AND platform = ? "
                "AND platform_id = ? AND url = ?",
                [src_id, relation, p, pid, u],
            )
        return made
