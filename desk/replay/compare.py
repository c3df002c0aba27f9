"""How a replay compares the live desk with the scratch desk: table by table, row by row,
in keyset pages (both sides ordered by the same key), naming every row that differs."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from desk.text import safe_line, truncate

_PAGE = 500
VALUE_CHARS = 60
"""Characters of a differing value shown (the value is cut there, then made safe)."""


@dataclass(frozen=True, slots=True)
class ReplayDifference:
    """One row (or one column of a row) where the desk and its log disagree."""

    table: str
    key: str
    column: str
    live: str
    replayed: str

    def line(self) -> str:
        """`items #12 text: live 'X' but the log says 'Y'`, safe for a terminal."""
        return safe_line(
            f"{self.table} {self.key} {self.column}: live {self.live} but the log says "
            f"{self.replayed}"
        )


def show_value(value: object) -> str:
    """A value for one line: repr, cut short, no control or escape sequence."""
    if value is None:
        return "nothing"
    text = repr(value) if isinstance(value, str) else str(value)
    return safe_line(truncate(text, VALUE_CHARS))


@dataclass(frozen=True, slots=True)
class _Table:
    name: str
    keys: tuple[str, ...]
    columns: tuple[str, ...]
    """Column expressions compared (an `AS` names a derived one)."""


_ITEM_COLUMNS = (
    "uuid, kind, platform, platform_id, url, author_name, author_handle, author_url, text, "
    "title, lang, posted_at, posted_precision, posted_tz_known, captured_at, ingested_at, "
    "source_file, source_format, source_record, raw_sha256, media, extra, triage, verdict, "
    "verdict_reason, story_id, template"
)

TABLES: tuple[_Table, ...] = (
    _Table("items", ("id",), tuple(c.strip() for c in _ITEM_COLUMNS.split(","))),
    _Table("tags", ("item_id", "tag"), ()),
    _Table(
        "item_copies",
        ("item_id", "raw_sha256"),
        ("source_file", "source_format", "source_record", "ingested_at", "fields"),
    ),
    _Table("item_holds", ("item_id", "field"), ()),
    _Table("links", ("uuid",), ("src_id", "relation", "dst_item_id", "dst_entry_id")),
    _Table("notes", ("uuid",), ("item_id", "entry_id", "author", "text", "retracted")),
    _Table("check_steps", ("item_id", "pillar"), ("status", "note")),
    _Table(
        "evidence",
        ("uuid",),
        ("item_id", "step", "kind", "value", "sha256", "size", "media_type", "retracted"),
    ),
    _Table(
        "recap_entries",
        ("id",),
        (
            "story_id",
            "section",
            "position",
            "pinned",
            "date_text",
            "headline",
            "body",
            "confidence",
            "deleted_at IS NOT NULL AS deleted",
        ),
    ),
    _Table("stories", ("id",), ("slug", "title", "reference_date", "template")),
    _Table("recap_sections", ("name",), ("position",)),
    _Table("verdicts", ("name",), ("label", "letter", "key", "meaning", "position")),
    _Table("checklist_templates", ("name",), ("toml",)),
    _Table("saved_filters", ("name",), ("expr",)),
)
"""The state tables a replay compares: key columns, then the columns events decide."""


def _label(expr: str) -> str:
    return expr.split(" AS ")[-1]


def _pages(conn: sqlite3.Connection, table: _Table) -> Iterator[tuple[Any, ...]]:
    """Every row of a table in key order, a keyset page at a time."""
    keys = ", ".join(table.keys)
    select = ", ".join((*table.keys, *table.columns))
    after: tuple[Any, ...] | None = None
    while True:
        if after is None:
            sql = f"SELECT {select} FROM {table.name} ORDER BY {keys} LIMIT {_PAGE}"
            params: list[Any] = []
        else:
            holes = ", ".join("?" * len(table.keys))
            sql = (
                f"SELECT {select} FROM {table.name} WHERE ({keys}) > ({holes}) "
                f"ORDER BY {keys} LIMIT {_PAGE}"
            )
            params = list(after)
        rows = conn.execute(sql, params).fetchall()
        yield from rows
        if len(rows) < _PAGE:
            return
        after = tuple(rows[-1][: len(table.keys)])


def _key_text(table: _Table, key: tuple[Any, ...]) -> str:
    if table.keys in (("id",), ("item_id",)):
        return f"#{key[0]}"
    if table.keys[0] == "item_id":
        return f"#{key[0]} " + " ".join(show_value(k) for k in key[1:])
    return " ".join(show_value(k) for k in key)


def compare(
    table: _Table,
    live: sqlite3.Connection,
    scratch: sqlite3.Connection,
    skip_live_item: Callable[[int], bool],
) -> Iterator[ReplayDifference]:
    n = len(table.keys)
    a, b = _pages(live, table), _pages(scratch, table)
    ra, rb = next(a, None), next(b, None)
    while ra is not None or rb is not None:
        ka = tuple(ra[:n]) if ra is not None else None
        kb = tuple(rb[:n]) if rb is not None else None
        if kb is None or (ka is not None and ka < kb):
            assert ra is not None and ka is not None
            legacy = table.name == "items" and skip_live_item(int(ka[0]))
            if not legacy:
                yield ReplayDifference(
                    table.name, _key_text(table, ka), "row", "present", "no such row"
                )
            ra = next(a, None)
        elif ka is None or kb < ka:
            assert rb is not None and kb is not None
            yield ReplayDifference(table.name, _key_text(table, kb), "row", "missing", "it exists")
            rb = next(b, None)
        else:
            assert ra is not None and rb is not None
            for i, expr in enumerate(table.columns, start=n):
                if ra[i] != rb[i]:
                    yield ReplayDifference(
                        table.name,
                        _key_text(table, ka),
                        _label(expr),
                        show_value(ra[i]),
                        show_value(rb[i]),
                    )
            ra, rb = next(a, None), next(b, None)
