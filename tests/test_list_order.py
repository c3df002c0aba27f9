"""The list's order: `sort_key`, the pages built on it, and the 0002 migration.

Every plan the store can pick (words driven from the full-text index, words
as a set, rare and common tags, both orders, both directions) must give
exactly the rows a plain sort of the matching items gives.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

import db.store as store_module
from db import NewItem, Store
from db.connection import _connect
from db.models import ItemQuery, PageKey
from db.order import MAX_ID, MAX_SECONDS, epoch_seconds, sort_key
from db.schema import migrations

# -- the key ---------------------------------------------------------------------------


def test_key_orders_like_time_then_id() -> None:
    rng = random.Random(7)
    pairs = []
    for item_id in range(1, 400):
        day = rng.randrange(1, 4)
        second = rng.choice([0, 0, 1, 59])  # many equal times: ties go by id
        pairs.append((f"2026-11-0{day}T10:00:{second:02d}Z", item_id))
    by_pair = sorted(pairs)
    by_key = sorted(pairs, key=lambda p: sort_key(*p))
    assert by_key == by_pair


@pytest.mark.parametrize(
    ("sort_at", "seconds"),
    [
        ("1970-01-01T00:00:00Z", 0),
        ("2026-11-27T08:00:00Z", 1795766400),
        ("2026-11-27T09:00:00+01:00", 1795766400),  # offsets are honoured
        ("2026-11-27T08:00:00.999Z", 1795766400),  # fractions are dropped
        ("2026-11-27T08:00:00", 1795766400),  # naive means UTC
        ("1969-12-31T23:59:59Z", 0),  # before 1970: the bottom
        ("0001-01-01T00:00:00Z", 0),
        ("2200-01-01T00:00:00Z", MAX_SECONDS),  # past 2106: the top
        ("9999-12-31T23:59:59Z", MAX_SECONDS),
        ("", 0),
        ("yesterday", 0),
        ("2026-13-45T99:00:00Z", 0),
    ],
)
def test_epoch_seconds(sort_at: str, seconds: int) -> None:
    assert epoch_seconds(sort_at) == seconds


def test_key_refuses_ids_it_cannot_hold() -> None:
    assert sort_key("2026-11-27T08:00:00Z", MAX_ID) & MAX_ID == MAX_ID
    with pytest.raises(ValueError, match="outside"):
        sort_key("2026-11-27T08:00:00Z", MAX_ID + 1)
    with pytest.raises(ValueError, match="outside"):
        sort_key("2026-11-27T08:00:00Z", -1)


# -- pages against a plain sort ----------------------------------------------------------

WORDS = ["spillway", "breach", "convoy", "levee", "siren", "ferry", "ridge", "pylon"]


def _random_desk(store: Store, n: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    with store.transaction() as w:
        for i in range(n):
            words = rng.sample(WORDS[2:], 3)
            if rng.random() < 0.6:
                words.append("spillway")  # common
            if rng.random() < 0.03:
                words.append("breach")  # rare
            # Coarse times: many items share a second, some have none.
            posted = (
                None
                if rng.random() < 0.1
                else f"2026-11-{rng.randrange(1, 4):02d}T{rng.randrange(0, 3):02d}:00:00Z"
            )
            item_id, _ = w.insert_item(
                NewItem(
                    platform=rng.choice(["twitter", "mastodon", "bluesky"]),
                    platform_id=f"p{i}",
                    text=" ".join(words),
                    author_handle=f"user{rng.randrange(20)}",
                    posted_at=posted,
                    posted_precision="second" if posted else None,
                ),
                ingested_at=f"2026-11-0{rng.randrange(1, 4)}T05:00:00.000000Z",
            )
            if rng.random() < 0.5:
                w.add_tag(item_id, "fire")
            if rng.random() < 0.02:
                w.add_tag(item_id, "rare")
            if rng.random() < 0.15:
                w.update_item(item_id, {"triage": "discarded"})


def _expected(store: Store, query: ItemQuery, order: str) -> list[int]:
    """The matching ids by brute force: every row read, filtered and sorted in Python."""
    matches: set[int] | None = None
    if query.text:
        matches = {
            r[0]
            for r in store.conn.execute(
                "SELECT items.id FROM items JOIN items_text ON items_text.rowid = items.sort_key "
                "WHERE items_text MATCH ?",
                [query.text],
            )
        }
    tags: dict[int, set[str]] = {}
    for item_id, tag in store.conn.execute("SELECT item_id, tag FROM tags"):
        tags.setdefault(item_id, set()).add(tag)
    rows = []
    for item_id, platform, triage, sort_at in store.conn.execute(
        "SELECT id, platform, triage, sort_at FROM items"
    ):
        if matches is not None and item_id not in matches:
            continue
        if not set(query.tags) <= tags.get(item_id, set()):
            continue
        if query.platform and platform not in query.platform:
            continue
        if triage == "discarded" and not query.show_discarded:
            continue
        if query.since and sort_at < query.since:
            continue
        rows.append((sort_at, item_id))
    if order == "arrival":
        return sorted((r[1] for r in rows), reverse=True)
    return [r[1] for r in sorted(rows, reverse=True)]


def _walk_down(store: Store, query: ItemQuery, order: str, limit: int) -> list[int]:
    got: list[int] = []
    after = None
    for _ in range(1000):  # a keyset that does not advance must fail, not hang
        rows = store.page(query, after=after, limit=limit, order=order)
        got += [r.id for r in rows]
        if len(rows) < limit:
            return got
        after = PageKey(rows[-1].sort_at, rows[-1].id)
    raise AssertionError("paging down never ended")


def _walk_up(store: Store, query: ItemQuery, order: str, limit: int) -> list[int]:
    got: list[int] = []
    before = PageKey("", 0)
    for _ in range(1000):
        rows = store.page(query, before=before, limit=limit, order=order)
        got = [r.id for r in rows] + got
        if len(rows) < limit:
            return got
        before = PageKey(rows[0].sort_at, rows[0].id)
    raise AssertionError("paging up never ended")


QUERIES = [
    ItemQuery(),
    ItemQuery(text='"spillway"'),
    ItemQuery(text='"breach"'),
    ItemQuery(text='"spillway"', platform=("mastodon",)),
    ItemQuery(text='"spillway"', tags=("fire",)),
    ItemQuery(text='"spillway"', tags=("rare",)),
    ItemQuery(text='"spillway" "convoy"', show_discarded=True),
    ItemQuery(text='"spillway"', since="2026-11-02T01:00:00Z"),
    ItemQuery(tags=("fire",), platform=("twitter", "bluesky")),
    ItemQuery(since="2026-11-02T00:00:00Z"),
]


@pytest.fixture(scope="module")
def random_store(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    store = Store(tmp_path_factory.mktemp("order") / "order.desk", create=True)
    _random_desk(store, 900)
    yield store
    store.close()


@pytest.mark.parametrize("threshold", [0, 100_000], ids=["all-common", "all-rare"])
@pytest.mark.parametrize("order", ["posted", "arrival"])
@pytest.mark.parametrize("query", QUERIES, ids=lambda q: repr(q)[10:60])
def test_pages_match_a_plain_sort(
    random_store: Store, query: ItemQuery, order: str, threshold: int, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(store_module, "PLAN_THRESHOLD", threshold)
    expected = _expected(random_store, query, order)
    assert expected, "the random desk should match every query"
    assert _walk_down(random_store, query, order, limit=17) == expected
    assert _walk_up(random_store, query, order, limit=17) == expected


def test_common_word_walks_the_index_not_the_desk(random_store: Store) -> None:
    """The plan for a word in posted order starts from the full-text index, in its order."""
    where, params, _ = random_store._where(ItemQuery(platform=("mastodon",)))
    plan = " ".join(
        r[-1]
        for r in random_store.conn.execute(
            "EXPLAIN QUERY PLAN SELECT items.id FROM items_text CROSS JOIN items "
            "ON items.sort_key = items_text.rowid WHERE items_text MATCH ? AND "
            + " AND ".join(where)
            + " ORDER BY items_text.rowid DESC LIMIT 5",
            ['"spillway"', *params],
        )
    )
    assert plan.startswith("SCAN items_text VIRTUAL TABLE")
    assert "USING INDEX items_sort" in plan
    assert "TEMP B-TREE" not in plan  # no sort: the index's order is the list's


def test_search_ids_newest_posted_first(random_store: Store) -> None:
    ids = random_store.search_ids('"breach"', limit=1000)
    expected = _expected(random_store, ItemQuery(text='"breach"', show_discarded=True), "posted")
    assert ids == expected
    row = random_store.item(ids[2])
    rest = random_store.search_ids(
        '"breach"', after=PageKey(row.posted_at or row.ingested_at[:19] + "Z", row.id)
    )
    assert rest == expected[3:]


# -- the migration -----------------------------------------------------------------------


def _old_desk(path: Path) -> None:
    """A desk as the 0001 schema left it, with items written the way the old code did."""
    conn = _connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    db = Database(conn)
    migrations.apply(db, stop_before="0002_sort_key")
    for i, (posted, text) in enumerate(
        [
            ("2026-11-02T10:00:00Z", "spillway gate open"),
            ("2026-11-01T10:00:00Z", "spillway seen from the ridge"),
            ("2026-11-02T10:00:00Z", "ferry stopped"),
            (None, "spillway rumour"),
        ],
        start=1,
    ):
        conn.execute(
            "INSERT INTO items(uuid, platform, platform_id, text, posted_at, ingested_at, "
            "sort_at) VALUES (?, 'twitter', ?, ?, ?, '2026-11-03T00:00:00.000000Z', ?)",
            [f"u{i}", f"t{i}", text, posted, posted or "2026-11-03T00:00:00Z"],
        )
    conn.commit()
    conn.close()


def test_migration_keys_old_items_and_moves_the_index(tmp_path: Path) -> None:
    path = tmp_path / "old.desk"
    _old_desk(path)
    with Store(path) as store:
        keys = dict(store.conn.execute("SELECT id, sort_key FROM items"))
        sort_ats = dict(store.conn.execute("SELECT id, sort_at FROM items"))
        assert keys == {i: sort_key(sort_ats[i], i) for i in keys}
        names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
        assert "items_fts" not in names and "items_text" in names
        assert [r.id for r in store.page(ItemQuery())] == [4, 3, 1, 2]
        assert [r.id for r in store.page(ItemQuery(text='"spillway"'))] == [4, 1, 2]
        assert store.search_ids('"ridge"') == [2]
        # New items after the upgrade take the next id and their own key.
        with store.transaction() as w:
            new_id, _ = w.insert_item(
                NewItem(
                    platform="twitter",
                    platform_id="t9",
                    text="spillway again",
                    posted_at="2026-11-04T00:00:00Z",
                )
            )
        assert new_id == 5
        assert [r.id for r in store.page(ItemQuery(text='"spillway"'))] == [5, 4, 1, 2]


def test_old_code_inserting_without_a_key_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "new.desk"
    Store(path, create=True).close()
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="sort_key missing"):
        conn.execute(
            "INSERT INTO items(uuid, platform, text, ingested_at, sort_at) "
            "VALUES ('u', 'x', 't', '2026-11-03T00:00:00.000000Z', '2026-11-03T00:00:00Z')"
        )
    conn.close()


def test_cli_says_it_upgrades_an_old_desk_then_lists_it(desk_path: Path, run_desk) -> None:  # type: ignore[no-untyped-def]
    _old_desk(desk_path)
    result = run_desk("ls")
    assert result.code == 0, result.err
    assert (
        f"upgrading {desk_path} (0002_sort_key, 0003_recap, 0004_recap_sections, 0005_verification, 0007_merge)"
        in result.err
    )
    assert [line.split()[0] for line in result.out.splitlines()][:4] == ["4", "3", "1", "2"]
    again = run_desk("ls")
    assert "upgrading" not in again.err  # once only
