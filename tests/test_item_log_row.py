"""`Writer.item_log_row` answers a fresh insert from the values it bound: the same row
the desk stores, column for column and type for type, or a replay would differ."""

from __future__ import annotations

from pathlib import Path

import pytest

from db import NewItem, Store
from db.models import Media
from db.writer import ITEM_LOG_COLUMNS

ITEMS = [
    NewItem(platform="x", text="plain"),
    NewItem(
        platform="rss",
        text="t\u00e9xt \u202e\U0001f600 [b]x[/b] \x1b[31m",
        kind="feed-entry",
        platform_id="https://example.com/p/1",
        url="https://example.com/p/1#a",
        author_name="Ana",
        author_handle="ana",
        author_url="https://example.com/ana",
        title="A title",
        lang="pt",
        posted_at="2024-01-01T00:16:40Z",
        posted_precision="second",
        posted_tz_known=True,
        captured_at="2024-01-02T00:00:00.000001Z",
        source_file="feed.xml",
        source_format="feed",
        source_record=2**62,
        raw=b"<item/>",
        media=(Media(url="https://example.com/a.jpg", type="image", alt=None),),
        extra={"feed_title": "F", "n": [1, 2]},
    ),
    NewItem(platform="telegram", text="", posted_at="2024", posted_precision="year"),
]


@pytest.mark.parametrize("item", ITEMS, ids=["bare", "full", "year"])
def test_the_row_from_memory_is_the_stored_row(tmp_path: Path, item: NewItem) -> None:
    store = Store(tmp_path / "d.desk", create=True)
    with store.transaction() as w:
        item_id, created = w.insert_item(item, ingested_at="2024-01-03T00:00:00.000000Z")
        assert created
        remembered = w.item_log_row(item_id)
        stored = w.item_log_row(item_id)  # asked again: read back from the table
    assert tuple(remembered) == ITEM_LOG_COLUMNS
    assert remembered == stored
    assert [type(v) for v in remembered.values()] == [type(v) for v in stored.values()]


def test_a_changed_row_is_read_back(tmp_path: Path) -> None:
    store = Store(tmp_path / "d.desk", create=True)
    with store.transaction() as w:
        first, _ = w.insert_item(NewItem(platform="x", text="one", platform_id="1"))
        second, _ = w.insert_item(NewItem(platform="x", text="two", platform_id="2"))
        assert w.item_log_row(first)["text"] == "one"  # not the last insert: read
        assert w.item_log_row(second)["text"] == "two"
