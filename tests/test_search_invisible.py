"""Issue 12: invisible characters inside a word do not hide it from search (migration 0010).

The stored text keeps every character (it is the evidence); the search index
and the words searched leave the zero-width ones and the soft hyphen out.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlite_utils import Database

from db import NewItem, Store
from db.connection import _connect
from db.models import ItemQuery
from db.schema import SEARCH_INVISIBLE, migrations
from desk import verbs
from desk.filter_expr import fts_query
from tests.clirun import run_cli

HIDDEN = [
    "ev\u200bacuation ordered",
    "ev\u200cacuation ordered",
    "ev\u200dacuation ordered",
    "ev\u2060acuation ordered",
    "ev\ufeffacuation ordered",
    "evac\u00aduation ordered",
]


def _found(store: Store, *words: str) -> list[int]:
    query = fts_query(list(words))
    assert query is not None
    return sorted(store.search_ids(query))


@pytest.mark.parametrize("text", HIDDEN)
def test_a_word_with_an_invisible_character_is_found(store: Store, text: str) -> None:
    item = verbs.add_item(store, "ann", text=text).id
    assert _found(store, "evacuation") == [item]
    assert store.item(item).text == text  # the evidence keeps the character
    rows = store.page(ItemQuery(text=fts_query(["evacuation"])))
    assert [r.id for r in rows] == [item]


def test_every_invisible_character_is_covered() -> None:
    hidden = {ord(ch) for text in HIDDEN for ch in text if not ch.isascii()}
    assert hidden == set(SEARCH_INVISIBLE)


def test_a_search_typed_with_an_invisible_character_finds_the_plain_word(store: Store) -> None:
    item = verbs.add_item(store, "ann", text="evacuation ordered").id
    assert _found(store, "evac\u200buation") == [item]
    assert _found(store, "evac\u200b*") == [item]


def test_names_are_searched_the_same_way(store: Store) -> None:
    with store.transaction() as w:
        item, _ = w.insert_item(
            NewItem(platform="manual", text="a post", author_name="Marrow\u200bFord Fire")
        )
    assert _found(store, "marrowford") == [item]


def test_an_edit_reindexes_and_the_old_words_go(store: Store) -> None:
    item = verbs.add_item(store, "ann", text="ev\u200bacuation ordered").id
    # No verb rewrites an item's text (it is the evidence): the trigger is exercised in SQL.
    with store.transaction() as w:
        w.conn.execute("UPDATE items SET text = ? WHERE id = ?", ["shelter open\u200b at", item])
    assert _found(store, "evacuation") == []
    assert _found(store, "shelter", "open", "at") == [item]


def test_the_upgrade_reindexes_an_existing_desk(tmp_path: Path) -> None:
    path = tmp_path / "old.desk"
    conn = _connect(path)
    migrations.apply(Database(conn), stop_before="0010_search_text")
    conn.execute(
        "INSERT INTO items(id, uuid, kind, platform, text, ingested_at, sort_at, sort_key)"
        " VALUES (1, 'u1', 'note', 'manual', ?, '2026-01-01T00:00:00Z',"
        " '2026-01-01T00:00:00Z', 1)",
        ["ev\u200bacuation ordered"],
    )
    found = "SELECT count(*) FROM items_text WHERE items_text MATCH 'evacuation'"
    assert conn.execute(found).fetchone()[0] == 0  # the old index split the word
    conn.commit()
    conn.close()
    with Store(path) as store:
        assert _found(store, "evacuation") == [1]
        assert _found(store, "ordered") == [1]
        assert store.item(1).text == "ev\u200bacuation ordered"


def test_the_cli_search_finds_it_and_show_keeps_the_character(desk_path: Path) -> None:
    run_cli(desk_path, "init")
    assert run_cli(desk_path, "add", "--text", "ev\u200bacuation ordered").code == 0
    ran = run_cli(desk_path, "search", "evacuation")
    assert ran.code == 0 and "acuation ordered" in ran.out
    shown = json.loads(run_cli(desk_path, "show", "1", "--json").out)
    assert shown["item"]["text"] == "ev\u200bacuation ordered"


def test_the_index_stays_consistent_with_what_it_indexes(store: Store) -> None:
    ids = [verbs.add_item(store, "ann", text=f"{text} {n}").id for n, text in enumerate(HIDDEN)]
    with store.transaction() as w:
        w.conn.execute("UPDATE items SET text = ? WHERE id = ?", ["changed\u200b text", ids[0]])
    # FTS5's own check reads the index's content (the cleaned view): no mismatch, ever,
    # and a rebuild gives the same index.
    store.conn.execute("INSERT INTO items_text(items_text, rank) VALUES ('integrity-check', 1)")
    store.conn.execute("INSERT INTO items_text(items_text) VALUES ('rebuild')")
    assert _found(store, "evacuation") == ids[1:]
    assert _found(store, "changed") == [ids[0]]
    (ok,) = store.conn.execute("PRAGMA integrity_check").fetchone()
    assert ok == "ok"
