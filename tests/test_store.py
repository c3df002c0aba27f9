"""db/: schema, pragmas, keyset pages, counts, FTS triggers, event chain."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from db import NewItem, Store
from db.errors import NewerSchemaError, NoDeskError, NotADeskError, NotFoundError
from db.models import ItemQuery, ItemRow, PageKey


def _insert(store: Store, n: int, **fields) -> list[int]:  # type: ignore[no-untyped-def]
    ids = []
    with store.transaction() as w:
        for i in range(n):
            posted = f"2026-11-{1 + i % 28:02d}T{i % 24:02d}:00:00Z"
            item_id, _ = w.insert_item(
                NewItem(
                    platform="twitter",
                    platform_id=f"t{i}",
                    text=f"post {i} about the dam",
                    posted_at=posted,
                    posted_precision="second",
                    raw=f"raw{i}".encode(),
                    **fields,
                )
            )
            ids.append(item_id)
        w.append_event(
            actor="t",
            kind="ingest",
            target=None,
            payload={
                "n": n,
                "raw": [
                    [i, hashlib.sha256(f"raw{k}".encode()).hexdigest()] for k, i in enumerate(ids)
                ],
            },
        )
    return ids


def test_every_connection_has_the_pragmas(store: Store) -> None:
    conn = store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


def test_open_errors(tmp_path: Path) -> None:
    with pytest.raises(NoDeskError, match="no desk here"):
        Store(tmp_path / "none.desk")
    junk = tmp_path / "junk.desk"
    junk.write_bytes(b"not sqlite at all, just text")
    with pytest.raises(NotADeskError, match=str(junk)):
        Store(junk)
    foreign = tmp_path / "foreign.db"
    sqlite3.connect(foreign).execute("CREATE TABLE x (y)").connection.commit()
    with pytest.raises(NotADeskError, match="not a desk file"):
        Store(foreign)


def test_newer_schema_refused(desk_path: Path) -> None:
    Store(desk_path, create=True).close()
    conn = sqlite3.connect(desk_path)
    conn.execute(
        "INSERT INTO _sqlite_migrations(migration_set, name, applied_at) "
        "VALUES ('desk', '0999_future', 'x')"
    )
    conn.commit()
    conn.close()
    with pytest.raises(NewerSchemaError, match="0999_future"):
        Store(desk_path)


def test_reopen_applies_nothing_twice(desk_path: Path) -> None:
    Store(desk_path, create=True).close()
    Store(desk_path).close()
    conn = sqlite3.connect(desk_path)
    names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")]
    assert names == [
        "0001_core",
        "0002_sort_key",
        "0003_recap",
        "0004_recap_sections",
        "0005_verification",
        "0007_merge",
    ]


def test_records_are_frozen(store: Store) -> None:
    _insert(store, 1)
    row = store.page(ItemQuery())[0]
    assert isinstance(row, ItemRow)
    with pytest.raises(FrozenInstanceError):
        row.triage = "kept"  # type: ignore[misc]


def test_dedup_by_platform_id_then_url(store: Store) -> None:
    with store.transaction() as w:
        a, created_a = w.insert_item(
            NewItem(
                platform="twitter", platform_id="1", text="x", url="https://twitter.com/a/status/1"
            )
        )
        b, created_b = w.insert_item(NewItem(platform="twitter", platform_id="1", text="again"))
        c, created_c = w.insert_item(
            NewItem(platform="twitter", text="by url", url="https://twitter.com/a/status/1")
        )
    assert (created_a, created_b, created_c) == (True, False, False)
    assert a == b == c


def test_keyset_pages_cover_everything_once_in_order(store: Store) -> None:
    _insert(store, 250)
    seen: list[int] = []
    key = None
    pages = 0
    while True:
        rows = store.page(ItemQuery(), after=key, limit=40)
        if not rows:
            break
        pages += 1
        seen += [r.id for r in rows]
        keys = [(r.sort_at, r.id) for r in rows]
        assert keys == sorted(keys, reverse=True)
        key = PageKey(rows[-1].sort_at, rows[-1].id)
    assert pages == 7
    assert sorted(seen) == sorted(set(seen)) and len(seen) == 250


def test_page_before_returns_newer_rows(store: Store) -> None:
    ids = _insert(store, 10)
    top = store.page(ItemQuery(), order="arrival", limit=3)
    assert [r.id for r in top] == ids[:-4:-1]
    newer = store.page(ItemQuery(), order="arrival", before=PageKey(top[-1].sort_at, top[-1].id))
    assert [r.id for r in newer] == [ids[-1], ids[-2]]


def test_no_offset_anywhere_in_db() -> None:
    root = Path(__file__).resolve().parent.parent / "db"
    for path in root.rglob("*.py"):
        assert " OFFSET " not in path.read_text().upper(), path


def test_counts_follow_triage_and_verdict(store: Store) -> None:
    ids = _insert(store, 5)
    with store.transaction() as w:
        w.update_item(ids[0], {"triage": "kept"})
        w.update_item(ids[1], {"triage": "discarded", "verdict": "false"})
    counts = store.counts()
    assert counts.total == 5
    assert counts.triage["new"] == 3 and counts.triage["kept"] == 1
    assert counts.triage["discarded"] == 1
    assert counts.verdict["false"] == 1 and counts.verdict["unverified"] == 4
    real = store.conn.execute("SELECT triage, count(*) FROM items GROUP BY triage").fetchall()
    assert {k: v for k, v in real} == {k: v for k, v in counts.triage.items() if v}


def test_discarded_hidden_unless_asked(store: Store) -> None:
    ids = _insert(store, 3)
    with store.transaction() as w:
        w.update_item(ids[0], {"triage": "discarded"})
    assert ids[0] not in [r.id for r in store.page(ItemQuery())]
    assert ids[0] in [r.id for r in store.page(ItemQuery(show_discarded=True))]


def test_fts_finds_text_and_author_and_ignores_triage_updates(store: Store) -> None:
    with store.transaction() as w:
        a, _ = w.insert_item(
            NewItem(
                platform="mastodon",
                platform_id="m1",
                text="Spillway overflow",
                author_handle="orvena_watch",
            )
        )
    assert store.search_ids('"spillway"') == [a]
    assert store.search_ids('"orvena_watch"') == [a]
    trigger_sql = store.conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'items_text_upd'"
    ).fetchone()[0]
    assert "UPDATE OF text, author_name, author_handle" in trigger_sql
    with store.transaction() as w:
        w.update_item(a, {"triage": "kept"})
    assert store.search_ids('"spillway"') == [a]


def test_item_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError, match="no item 42"):
        store.item(42)


def test_event_chain_links_each_event_to_the_last(store: Store) -> None:
    _insert(store, 1)
    with store.transaction() as w:
        w.append_event(actor="a", kind="k", target="item:1", payload={"x": "é"}, base_version=1)
    events = store.events()
    assert [e.seq for e in events] == [1, 2]
    assert events[1].prev_hash == events[0].hash
    assert len(events[1].id) == 36 and events[1].id[14] == "7"  # UUID v7
    assert store.verify() is None


def test_rollback_leaves_no_trace(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as w:
        w.insert_item(NewItem(platform="x", text="half-done"))
        w.append_event(actor="a", kind="k", target=None, payload={})
        raise RuntimeError("crash mid-verb")
    assert store.counts().total == 0
    assert store.events() == []
    assert store.verify() is None


def test_pending_links_resolve_when_the_target_arrives(store: Store) -> None:
    with store.transaction() as w:
        reply, _ = w.insert_item(NewItem(platform="twitter", platform_id="2", text="reply"))
        w.add_pending_link(
            src_id=reply, relation="reply-to", platform="twitter", platform_id="1", url=None
        )
    with store.transaction() as w:
        parent, _ = w.insert_item(NewItem(platform="twitter", platform_id="1", text="parent"))
        made = w.resolve_pending(
            item_id=parent, platform="twitter", platform_id="1", url=None, actor="t"
        )
    assert [(m.src_id, m.relation, m.dst_item_id) for m in made] == [(reply, "reply-to", parent)]
    assert store.conn.execute("SELECT count(*) FROM pending_links").fetchone()[0] == 0


def test_data_version_changes_on_another_connections_commit(desk_path: Path) -> None:
    with Store(desk_path, create=True) as watcher, Store(desk_path) as writer:
        before = watcher.data_version()
        _insert(writer, 1)
        assert watcher.data_version() != before


def test_blob_roundtrip_and_dedup(store: Store) -> None:
    with store.transaction() as w:
        sha1 = w.put_blob(b"evidence")
        sha2 = w.put_blob(b"evidence")
    assert sha1 == sha2
    assert store.blob(sha1) == b"evidence"
    assert store.conn.execute("SELECT count(*) FROM blobs").fetchone()[0] == 1


def test_verify_catches_an_item_inserted_behind_the_log(store: Store) -> None:
    _insert(store, 2)
    with store.transaction() as w:
        w.insert_item(NewItem(platform="x", platform_id="sneaky", text="planted", raw=b"p"))
    problem = store.verify()
    assert problem is not None and problem.where == "item 3"
    assert "no event records its arrival" in problem.detail


def test_verify_catches_swapped_raw_bytes(store: Store) -> None:
    _insert(store, 2)
    with store.transaction() as w:
        other = w.put_blob(b"forged but self-consistent bytes")
    store.conn.execute("UPDATE items SET raw_sha256 = ? WHERE id = 1", [other])
    problem = store.verify()
    assert problem is not None and problem.where == "item 1"
    assert "differs from the one recorded at arrival" in problem.detail


@pytest.mark.parametrize("threshold", [0, 10_000])
def test_both_query_plans_give_the_same_page(store: Store, threshold: int, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Common and rare words/tags take different plans; the rows must not differ."""
    import db.store as store_module

    ids = _insert(store, 120)
    with store.transaction() as w:
        for i in ids[::3]:
            w.add_tag(i, "fire")
    monkeypatch.setattr(store_module, "PLAN_THRESHOLD", threshold)
    for query in (
        ItemQuery(text='"dam"'),
        ItemQuery(tags=("fire",)),
        ItemQuery(text='"post"', tags=("fire",)),
    ):
        first = store.page(query, limit=25)
        rest = store.page(query, after=PageKey(first[-1].sort_at, first[-1].id), limit=500)
        got = [r.id for r in first + rest]
        expected = [
            r[0]
            for r in store.conn.execute(
                "SELECT id FROM items WHERE (? = 0 OR id IN (SELECT item_id FROM tags WHERE tag='fire')) "
                "ORDER BY sort_at DESC, id DESC",
                [int(bool(query.tags))],
            )
        ]
        assert got == expected
