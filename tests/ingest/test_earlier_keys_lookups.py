"""An item with earlier keys is looked up once under its own keys, never twice.

A feed entry whose link the desk once spelled otherwise (issue 12's one
canonical URL) carries its former spellings as `earlier_keys`. Its own
keys are asked once (or not at all when the batch's `taken_keys` says no
item has them), then the earlier ones; the insert does not ask again.
"""

from __future__ import annotations

from pathlib import Path

from db import Store
from desk.ingest.base import ParsedItem, Source
from desk.ingest.formats import feeds
from desk.ingest.pipeline import ingest_bytes, ingest_source

LINK = "http://Example.COM/story/1?utm_source=rss&id=3#part"
FEED = (
    '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>T</title>'
    "<link>https://example.com/</link>"
    f"<item><title>One</title><link>{LINK.replace('&', '&amp;')}</link>"
    "<description>the first story</description>"
    "<pubDate>Mon, 01 Jan 2024 00:00:00 GMT</pubDate></item>"
    "</channel></rss>\n"
).encode()


def _own_key_lookups(store: Store) -> list[str]:
    asked: list[str] = []

    def trace(sql: str) -> None:
        if sql.startswith("SELECT id FROM items WHERE"):
            asked.append(sql)

    store.conn.set_trace_callback(trace)
    return asked


def _parsed_link_keys() -> tuple[tuple[str | None, str | None], ...]:
    (item,) = [i for i in feeds.parse(Source("f.rss", data=FEED)) if isinstance(i, ParsedItem)]
    return item.earlier_keys


def test_the_entry_has_earlier_keys() -> None:
    # the premise of the tests below: the link's former spellings differ from now
    assert _parsed_link_keys()


def test_a_new_entry_asks_only_its_earlier_keys(tmp_path: Path) -> None:
    store = Store(tmp_path / "d.desk", create=True)
    asked = _own_key_lookups(store)
    report = ingest_bytes(store, FEED, "f.rss", actor="t")
    assert report.new == 1
    earlier = _parsed_link_keys()
    # one statement per earlier key's id and one per its URL at most; none for its own keys
    most = sum(bool(pid) + bool(url) for pid, url in earlier)
    assert 1 <= len(asked) <= most


def test_a_second_ingest_asks_its_own_keys_once(tmp_path: Path) -> None:
    store = Store(tmp_path / "d.desk", create=True)
    ingest_bytes(store, FEED, "f.rss", actor="t")
    asked = _own_key_lookups(store)
    report = ingest_bytes(store, FEED, "f.rss", actor="t")
    assert (report.new, report.duplicates) == (0, 1)
    # found by its id: one lookup, not one here and the same again in the insert
    assert len(asked) == 1, asked


def test_an_item_stored_under_a_former_spelling_stays_one_item(tmp_path: Path) -> None:
    store = Store(tmp_path / "d.desk", create=True)
    pid, url = next(k for k in _parsed_link_keys() if k[1])
    old = FEED.replace(b"https://example.com/", b"https://example.org/")  # same entry
    ingest_bytes(store, old, "old.rss", actor="t")
    with store.transaction() as w:  # as an older desk stored it: the former URL
        w.conn.execute(
            "UPDATE items SET url = ?, platform_id = coalesce(?, platform_id)", [url, pid]
        )
    feed = tmp_path / "f.rss"
    feed.write_bytes(FEED)
    report = ingest_source(store, Source(str(feed), path=feed), actor="t")
    assert (report.new, report.duplicates) == (0, 1)
    assert store.conn.execute("SELECT count(*) FROM items").fetchone()[0] == 1


def test_a_dry_run_finds_the_former_spelling_too(tmp_path: Path) -> None:
    store = Store(tmp_path / "d.desk", create=True)
    pid, url = next(k for k in _parsed_link_keys() if k[1])
    ingest_bytes(store, FEED, "f.rss", actor="t")
    with store.transaction() as w:
        w.conn.execute(
            "UPDATE items SET url = ?, platform_id = coalesce(?, platform_id)", [url, pid]
        )
    report = ingest_bytes(store, FEED, "f.rss", actor="t", dry_run=True)
    assert (report.new, report.duplicates) == (0, 1)
    report = ingest_bytes(
        store, FEED.replace(b"story/1", b"story/2"), "f.rss", actor="t", dry_run=True
    )
    assert (report.new, report.duplicates) == (1, 0)
